/* Unit tests for TLS in cql_conn against an in-process TLS server with a self-signed
 * certificate made at run time: verified handshake and a request round trip, a host
 * name mismatch and an unknown CA both refused with CQL_ERR_TLS_VERIFY, and
 * verification switched off accepting the same server. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "test_cql_util.h"

static EVP_PKEY *key;
static X509 *cert;
static char ca_path[512];

/* A self-signed certificate for DNS:localhost, valid for a day. */
static void make_cert(void) {
    key = EVP_EC_gen("P-256");
    assert_non_null(key);
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "DNS:localhost");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
    const char *tmp = getenv("TMPDIR");
    snprintf(ca_path, sizeof ca_path, "%s/cql-tls-ca-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    int fd = mkstemp(ca_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, cert);
    fclose(f);
}

typedef struct {
    int lfd, port;
    pthread_t th;
    bool served;
} tls_srv_t;

static int ssl_read_full(SSL *ssl, void *p, int n) {
    int got = 0;
    while (got < n) {
        int r = SSL_read(ssl, (uint8_t *)p + got, n - got);
        if (r <= 0)
            return -1;
        got += r;
    }
    return 0;
}

static int ssl_read_frame(SSL *ssl, int16_t *stream) {
    uint8_t h[9], body[4096];
    if (ssl_read_full(ssl, h, 9) != 0)
        return -1;
    uint32_t len = cql_rd_u32p(h + 5);
    if (len > sizeof body || ssl_read_full(ssl, body, (int)len) != 0)
        return -1;
    *stream = (int16_t)((h[2] << 8) | h[3]);
    return h[4];
}

static void ssl_send(SSL *ssl, uint8_t op, int16_t stream, const tb_t *body) {
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)stream >> 8), (uint8_t)stream, op};
    cql_wr_u32(h + 5, (uint32_t)body->n);
    SSL_write(ssl, h, 9);
    if (body->n)
        SSL_write(ssl, body->b, (int)body->n);
}

static void *tls_srv_main(void *arg) {
    tls_srv_t *s = arg;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    int fd = accept(s->lfd, NULL, NULL);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
        int16_t st;
        tb_t none = {.n = 0}, v = {.n = 0};
        if (ssl_read_frame(ssl, &st) == CQL_OP_STARTUP) {
            ssl_send(ssl, CQL_OP_READY, st, &none);
            if (ssl_read_frame(ssl, &st) == CQL_OP_QUERY) {
                tb_u32(&v, CQL_RESULT_VOID);
                ssl_send(ssl, CQL_OP_RESULT, st, &v);
                s->served = true;
                char ch;
                SSL_read(ssl, &ch, 1); /* until the client closes */
            }
        }
    }
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return NULL;
}

static tls_srv_t *tls_srv_start(void) {
    tls_srv_t *s = calloc(1, sizeof *s);
    s->lfd = tu_listen(4, &s->port);
    pthread_create(&s->th, NULL, tls_srv_main, s);
    return s;
}

static bool tls_srv_join(tls_srv_t *s) {
    pthread_join(s->th, NULL);
    close(s->lfd);
    bool served = s->served;
    free(s);
    return served;
}

/* Connects with the given TLS settings and runs one query. */
static cql_err_t run_one(const char *verify, const char *ca, const char *server_name,
                         const char **msg_out, char *msg, size_t msg_size) {
    tls_srv_t *s = tls_srv_start();
    cql_conf_t *conf = cql_conf_new();
    assert_int_equal(cql_conf_set(conf, "tls", "true", NULL, 0), CQL_OK);
    assert_int_equal(cql_conf_set(conf, "tls.verify", verify, NULL, 0), CQL_OK);
    if (ca)
        assert_int_equal(cql_conf_set(conf, "tls.ca_file", ca, NULL, 0), CQL_OK);
    if (server_name)
        cql_conf_set(conf, "tls.server_name", server_name, NULL, 0);
    cql_conn_t *c;
    char err[256];
    assert_int_equal(cql_conn_new(conf, "127.0.0.1", s->port, &c, err, sizeof err), CQL_OK);
    cql_stmt_t *st = cql_stmt_new("SELECT", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    cql_err_t e = cql_future_wait(f, 10000);
    snprintf(msg, msg_size, "%s", cql_future_error_message(f));
    *msg_out = msg;
    cql_future_free(f);
    cql_stmt_free(st);
    cql_conn_free(c);
    bool served = tls_srv_join(s);
    assert_int_equal(served, e == CQL_OK);
    return e;
}

static void test_tls_verified(void **state) {
    (void)state;
    const char *m;
    char msg[256];
    assert_int_equal(run_one("peer_host", ca_path, "localhost", &m, msg, sizeof msg), CQL_OK);
}

static void test_tls_wrong_host(void **state) {
    (void)state;
    const char *m;
    char msg[256];
    assert_int_equal(run_one("peer_host", ca_path, "cassandra.example", &m, msg, sizeof msg),
                     CQL_ERR_TLS_VERIFY);
    assert_non_null(strstr(m, "certificate verification failed"));
    /* the address is not in the certificate either */
    assert_int_equal(run_one("peer_host", ca_path, NULL, &m, msg, sizeof msg), CQL_ERR_TLS_VERIFY);
}

static void test_tls_unknown_ca(void **state) {
    (void)state;
    const char *m;
    char msg[256];
    /* an empty CA file trusts nobody */
    const char *tmp = getenv("TMPDIR");
    char empty[512];
    snprintf(empty, sizeof empty, "%s/cql-tls-empty-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    int fd = mkstemp(empty);
    assert_true(fd >= 0);
    /* a CA file without certificates fails to load at all */
    close(fd);
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "tls", "true", NULL, 0);
    cql_conf_set(conf, "tls.ca_file", empty, NULL, 0);
    cql_conn_t *c;
    char err[256];
    assert_int_equal(cql_conn_new(conf, "127.0.0.1", 9, &c, err, sizeof err), CQL_ERR_TLS);
    assert_non_null(strstr(err, "loading CA certificates"));
    unlink(empty);
    /* the system store does not know the self-signed certificate */
    assert_int_equal(run_one("peer", NULL, "localhost", &m, msg, sizeof msg), CQL_ERR_TLS_VERIFY);
}

static void test_tls_no_verify(void **state) {
    (void)state;
    const char *m;
    char msg[256];
    assert_int_equal(run_one("none", NULL, NULL, &m, msg, sizeof msg), CQL_OK);
}

static int setup(void **state) {
    (void)state;
    make_cert();
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(ca_path);
    X509_free(cert);
    EVP_PKEY_free(key);
    return 0;
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_tls_verified),
          cmocka_unit_test(test_tls_wrong_host), cmocka_unit_test(test_tls_unknown_ca),
          cmocka_unit_test(test_tls_no_verify))
