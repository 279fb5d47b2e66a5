/*
 * cql_tls — TLS for CQL connections through OpenSSL: a context built from the
 * configuration (CA file or the system store, optional client certificate, peer and
 * host name verification), and non-blocking handshake/read/write that report which
 * socket event OpenSSL waits for.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cql_int.h"

struct cql_tls_ctx_s {
    SSL_CTX *ctx;
    int verify;
};

struct cql_tls_s {
    SSL *ssl;
    char error[160]; /* OpenSSL's text of the last failure of a read or write */
};

static void ssl_errstr(char *errstr, size_t size, const char *what) {
    unsigned long e = ERR_get_error();
    char buf[160] = "unknown";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    cql_set_errstr(errstr, size, "%s: %s", what, buf);
}

cql_err_t cql_tls_ctx_new(const cql_conf_t *conf, cql_tls_ctx_t **out, char *errstr,
                          size_t errstr_size) {
    *out = NULL;
    cql_tls_ctx_t *t = calloc(1, sizeof *t);
    if (!t)
        return CQL_ERR_NOMEM;
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx) {
        ssl_errstr(errstr, errstr_size, "SSL_CTX_new");
        free(t);
        return CQL_ERR_TLS;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    t->verify = conf->tls_verify;
    if (conf->tls_verify) {
        int ok = conf->tls_ca_file ? SSL_CTX_load_verify_locations(t->ctx, conf->tls_ca_file, NULL)
                                   : SSL_CTX_set_default_verify_paths(t->ctx);
        if (ok != 1) {
            ssl_errstr(errstr, errstr_size, "loading CA certificates");
            cql_tls_ctx_free(t);
            return CQL_ERR_TLS;
        }
        SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
    }
    if (conf->tls_cert_file) {
        if (SSL_CTX_use_certificate_chain_file(t->ctx, conf->tls_cert_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(
                t->ctx, conf->tls_key_file ? conf->tls_key_file : conf->tls_cert_file,
                SSL_FILETYPE_PEM) != 1) {
            ssl_errstr(errstr, errstr_size, "loading client certificate");
            cql_tls_ctx_free(t);
            return CQL_ERR_TLS;
        }
    }
    *out = t;
    return CQL_OK;
}

void cql_tls_ctx_free(cql_tls_ctx_t *t) {
    if (!t)
        return;
    SSL_CTX_free(t->ctx);
    free(t);
}

cql_err_t cql_tls_new(cql_tls_ctx_t *ctx, int fd, const char *server_name, cql_tls_t **out) {
    *out = NULL;
    cql_tls_t *t = calloc(1, sizeof *t);
    if (!t)
        return CQL_ERR_NOMEM;
    t->ssl = SSL_new(ctx->ctx);
    if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1) {
        cql_tls_free(t);
        return CQL_ERR_TLS;
    }
    SSL_set_connect_state(t->ssl);
    if (server_name && *server_name) {
        /* SNI only for names, not addresses */
        bool numeric = strspn(server_name, "0123456789.:abcdefABCDEF") == strlen(server_name) &&
                       strpbrk(server_name, ".:") != NULL;
        if (!numeric)
            SSL_set_tlsext_host_name(t->ssl, server_name);
        if (ctx->verify == 2) {
            X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
            int ok = numeric ? X509_VERIFY_PARAM_set1_ip_asc(vp, server_name)
                             : X509_VERIFY_PARAM_set1_host(vp, server_name, 0);
            if (ok != 1) {
                cql_tls_free(t);
                return CQL_ERR_TLS;
            }
        }
    }
    *out = t;
    return CQL_OK;
}

void cql_tls_free(cql_tls_t *t) {
    if (!t)
        return;
    SSL_free(t->ssl);
    free(t);
}

/* Maps an SSL error to want-events (returns 0) or a failure (returns -1). */
static int ssl_want(cql_tls_t *t, int rc, int *want, cql_err_t *err) {
    int e = SSL_get_error(t->ssl, rc);
    *want = 0;
    if (e == SSL_ERROR_WANT_READ) {
        *want = CQL_EV_READ;
        return 0;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        *want = CQL_EV_WRITE;
        return 0;
    }
    *err = (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL) ? CQL_ERR_IO : CQL_ERR_TLS;
    /* A server that refuses the client (no or a wrong client certificate) says so with an
     * alert that TLS 1.3 delivers on the first read after the handshake. */
    unsigned long ssl_err = ERR_peek_last_error();
    if (ssl_err)
        ERR_error_string_n(ssl_err, t->error, sizeof t->error);
    else
        snprintf(t->error, sizeof t->error, "unknown");
    ERR_clear_error();
    return -1;
}

const char *cql_tls_error(const cql_tls_t *t) {
    return t->error;
}

cql_err_t cql_tls_handshake(cql_tls_t *t, int *want, char *errstr, size_t errstr_size) {
    ERR_clear_error();
    int rc = SSL_do_handshake(t->ssl);
    if (rc == 1) {
        *want = 0;
        return CQL_OK;
    }
    cql_err_t err = CQL_ERR_TLS;
    if (ssl_want(t, rc, want, &err) == 0)
        return CQL_ERR_PENDING;
    long vr = SSL_get_verify_result(t->ssl);
    if (vr != X509_V_OK) {
        cql_set_errstr(errstr, errstr_size, "certificate verification failed: %s",
                       X509_verify_cert_error_string(vr));
        ERR_clear_error();
        return CQL_ERR_TLS_VERIFY;
    }
    ssl_errstr(errstr, errstr_size, "handshake");
    return err;
}

long cql_tls_read(cql_tls_t *t, void *p, size_t n, int *want, cql_err_t *err) {
    ERR_clear_error();
    int rc = SSL_read(t->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
    if (rc > 0) {
        *want = 0;
        return rc;
    }
    return ssl_want(t, rc, want, err);
}

long cql_tls_write(cql_tls_t *t, const void *p, size_t n, int *want, cql_err_t *err) {
    ERR_clear_error();
    int rc = SSL_write(t->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
    if (rc > 0) {
        *want = 0;
        return rc;
    }
    return ssl_want(t, rc, want, err);
}
