/* Unit tests for cql_session against a fake two-node cluster (in-process servers on
 * loopback, one thread per connection): discovery through system.peers_v2, round
 * robin, token-aware routing on the ring the nodes report, retries on the other node
 * only for idempotent statements, and the schema agreement wait after DDL. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "test_cql_util.h"

#define MAX_KEYS 512

typedef struct node_s node_t;
struct node_s {
    int lfd, port;
    pthread_t th;
    const char *token;
    node_t *peer;
    pthread_mutex_t mu;
    /* what the node saw */
    int rr, fails, agreement_polls;
    int keys[MAX_KEYS];
    int n_keys;
    /* behaviour */
    int disagree_polls; /* report a different peer schema this many times */
    int require_auth;   /* answer STARTUP with AUTHENTICATE */
    int startups;       /* STARTUP requests seen */
    volatile int stop;
};

static const uint8_t V1[16] = {1, 1, 1, 1, 1, 1, 0x11, 1, 0x81, 1, 1, 1, 1, 1, 1, 1};
static const uint8_t V2[16] = {2, 2, 2, 2, 2, 2, 0x12, 2, 0x82, 2, 2, 2, 2, 2, 2, 2};

/* One write per frame: two small writes would meet Nagle and delayed ACKs. */
static void send_frame(int fd, uint8_t op, int16_t stream, const tb_t *body) {
    static _Thread_local uint8_t out[9 + sizeof body->b];
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)stream >> 8), (uint8_t)stream, op};
    cql_wr_u32(h + 5, (uint32_t)body->n);
    memcpy(out, h, 9);
    memcpy(out + 9, body->b, body->n);
    if (write(fd, out, 9 + body->n) != (ssize_t)(9 + body->n))
        return;
}

static void rows_header(tb_t *t, int ncols) {
    tb_pack(t, "iiiss", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, (uint32_t)ncols, "system", "t");
}

static void tokens_value(tb_t *t, const char *tok) {
    tb_pack(t, "iib", (uint32_t)(4 + 4 + strlen(tok)), 1, tok, (int)((int32_t)strlen(tok)));
}

static void reply_query(node_t *n, int fd, int16_t st, const char *q, size_t qlen) {
    tb_t t = {.n = 0};
    char query[512];
    snprintf(query, sizeof query, "%.*s", (int)qlen, q);
    if (strstr(query, "tokens") && strstr(query, "system.local")) {
        rows_header(&t, 3);
        tb_pack(&t, "shshhshib", "key", CQL_TYPE_VARCHAR, "tokens", CQL_TYPE_SET, CQL_TYPE_VARCHAR,
                "schema_version", CQL_TYPE_UUID, 1, "local", 5);
        tokens_value(&t, n->token);
        tb_bytes(&t, V1, 16);
    } else if (strstr(query, "tokens") && strstr(query, "system.peers_v2")) {
        rows_header(&t, 4);
        tb_pack(&t, "shshshhshibii", "native_address", CQL_TYPE_INET, "native_port", CQL_TYPE_INT,
                "tokens", CQL_TYPE_SET, CQL_TYPE_VARCHAR, "schema_version", CQL_TYPE_UUID, 1,
                "\x7f\x00\x00\x01", 4, 4, (uint32_t)n->peer->port);
        tokens_value(&t, n->peer->token);
        tb_bytes(&t, V1, 16);
    } else if (strstr(query, "schema_version FROM system.")) {
        bool peers = strstr(query, "peers") != NULL;
        pthread_mutex_lock(&n->mu);
        if (peers)
            n->agreement_polls++;
        bool differ = peers && n->disagree_polls > 0;
        if (differ && n->disagree_polls < 1000)
            n->disagree_polls--;
        pthread_mutex_unlock(&n->mu);
        rows_header(&t, 1);
        tb_pack(&t, "shib", "schema_version", CQL_TYPE_UUID, 1, differ ? V2 : V1, 16);
    } else if (strstr(query, "CREATE TABLE")) {
        tb_pack(&t, "issss", CQL_RESULT_SCHEMA_CHANGE, "CREATED", "TABLE", "ks", "x");
    } else if (strstr(query, "FAIL") && n->token[0] == '0') {
        /* only the node owning token 0 fails: the other one would succeed */
        pthread_mutex_lock(&n->mu);
        n->fails++;
        pthread_mutex_unlock(&n->mu);
        tb_pack(&t, "ishiis", 0x1100, "Operation timed out", CQL_CONSISTENCY_ONE, 0, 1, "SIMPLE");
        send_frame(fd, CQL_OP_ERROR, st, &t);
        return;
    } else {
        pthread_mutex_lock(&n->mu);
        n->rr++;
        pthread_mutex_unlock(&n->mu);
        tb_u32(&t, CQL_RESULT_VOID);
    }
    send_frame(fd, CQL_OP_RESULT, st, &t);
}

typedef struct {
    node_t *n;
    int fd;
} conn_arg_t;

static void *serve_conn(void *arg) {
    conn_arg_t *a = arg;
    node_t *n = a->n;
    int fd = a->fd;
    free(a);
    tb_t *body = malloc(sizeof *body);
    for (;;) {
        uint8_t h[9];
        if (tu_read_full(fd, h, 9) != 0)
            break;
        int16_t st = (int16_t)((h[2] << 8) | h[3]);
        uint32_t len = cql_rd_u32p(h + 5);
        if (len > sizeof body->b || tu_read_full(fd, body->b, len) != 0)
            break;
        body->n = len;
        tb_t t = {.n = 0};
        switch (h[4]) {
        case CQL_OP_STARTUP:
            pthread_mutex_lock(&n->mu);
            n->startups++;
            pthread_mutex_unlock(&n->mu);
            if (n->require_auth) {
                tb_pack(&t, "s", "org.apache.cassandra.auth.PasswordAuthenticator");
                send_frame(fd, CQL_OP_AUTHENTICATE, st, &t);
                break;
            }
            send_frame(fd, CQL_OP_READY, st, &t);
            break;
        case CQL_OP_REGISTER: send_frame(fd, CQL_OP_READY, st, &t); break;
        case CQL_OP_QUERY:
            reply_query(n, fd, st, (const char *)body->b + 4, cql_rd_u32p(body->b));
            break;
        case CQL_OP_PREPARE:
            tb_pack(&t, "ihriiihssshii", CQL_RESULT_PREPARED, 2, "p1", 2, CQL_META_GLOBAL_TABLES, 1,
                    1, 0, "ks", "t", "k", CQL_TYPE_INT, CQL_META_NO_METADATA, 0);
            send_frame(fd, CQL_OP_RESULT, st, &t);
            break;
        case CQL_OP_EXECUTE:
            pthread_mutex_lock(&n->mu);
            if (n->n_keys < MAX_KEYS)
                n->keys[n->n_keys++] = (int32_t)cql_rd_u32p(body->b + body->n - 4);
            pthread_mutex_unlock(&n->mu);
            tb_u32(&t, CQL_RESULT_VOID);
            send_frame(fd, CQL_OP_RESULT, st, &t);
            break;
        default: break;
        }
    }
    free(body);
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg) {
    node_t *n = arg;
    for (;;) {
        int fd = accept(n->lfd, NULL, NULL);
        if (fd < 0 || n->stop) {
            if (fd >= 0)
                close(fd);
            break;
        }
        conn_arg_t *a = malloc(sizeof *a);
        a->n = n;
        a->fd = fd;
        pthread_t th;
        pthread_create(&th, NULL, serve_conn, a);
        pthread_detach(th);
    }
    return NULL;
}

static void node_init(node_t *n, const char *token) {
    memset(n, 0, sizeof *n);
    pthread_mutex_init(&n->mu, NULL);
    n->token = token;
    n->lfd = tu_listen(8, &n->port);
}

static void node_stop(node_t *n) {
    n->stop = 1;
    shutdown(n->lfd, SHUT_RDWR);
    pthread_join(n->th, NULL);
    close(n->lfd);
}

static node_t A, B;
static cql_session_t *sess;

/* A owns token 0, B owns 2^62: B gets (0, 2^62], A the rest. */
#define TOKEN_B 4611686018427387904LL

static int setup(void **state) {
    (void)state;
    node_init(&A, "0");
    node_init(&B, "4611686018427387904");
    A.peer = &B;
    B.peer = &A;
    pthread_create(&A.th, NULL, accept_loop, &A);
    pthread_create(&B.th, NULL, accept_loop, &B);
    cql_conf_t *conf = cql_conf_new();
    char cp[64];
    snprintf(cp, sizeof cp, "127.0.0.1:%d", A.port);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "schema_agreement_timeout_ms", "5000", NULL, 0);
    char err[256];
    if (cql_session_new(conf, &sess, err, sizeof err) != CQL_OK)
        return -1;
    if (cql_session_connect_wait(sess, 5000, err, sizeof err) != CQL_OK)
        return -1;
    for (int i = 0; i < 500 && cql_session_hosts_up(sess) < 2; i++)
        cql_session_poll(sess, 10);
    return cql_session_hosts_up(sess) == 2 ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cql_session_free(sess);
    node_stop(&A);
    node_stop(&B);
    return 0;
}

static cql_err_t run(cql_stmt_t *st) {
    cql_future_t *f;
    cql_err_t e = cql_session_query(sess, st, &f);
    if (e)
        return e;
    e = cql_future_wait(f, 5000);
    cql_future_free(f);
    return e;
}

static void test_discovery(void **state) {
    (void)state;
    assert_int_equal(cql_session_host_count(sess), 2);
    assert_int_equal(cql_session_hosts_up(sess), 2);
}

static void test_round_robin(void **state) {
    (void)state;
    int a0 = A.rr, b0 = B.rr;
    cql_stmt_t *st = cql_stmt_new("INSERT RR", 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(run(st), CQL_OK);
    cql_stmt_free(st);
    assert_int_equal(A.rr - a0, 5);
    assert_int_equal(B.rr - b0, 5);
}

static void test_token_aware(void **state) {
    (void)state;
    cql_future_t *f;
    assert_int_equal(cql_session_prepare(sess, "INSERT INTO t (k) VALUES (?)", &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    A.n_keys = B.n_keys = 0;
    int want_a = 0, want_b = 0;
    for (int k = 0; k < 200; k++) {
        cql_stmt_reset(st);
        cql_stmt_bind_int32(st, 0, k);
        assert_int_equal(run(st), CQL_OK);
        uint8_t key[4];
        cql_wr_u32(key, (uint32_t)k);
        int64_t t = cql_murmur3_token(key, 4);
        bool on_b = t > 0 && t <= TOKEN_B;
        node_t *n = on_b ? &B : &A;
        int *cnt = on_b ? &want_b : &want_a;
        assert_int_equal(n->keys[(*cnt)++], k);
    }
    cql_stmt_free(st);
    assert_int_equal(A.n_keys, want_a);
    assert_int_equal(B.n_keys, want_b);
    assert_true(want_a > 0 && want_b > 0);
}

static void test_idempotent_retry(void **state) {
    (void)state;
    /* a routing key whose token A owns: int 1 hashes to a negative token */
    uint8_t key[4] = {0, 0, 0, 1};
    assert_true(cql_murmur3_token(key, 4) < 0);
    cql_stmt_t *st = cql_stmt_new("UPDATE FAIL", 0);
    cql_stmt_set_routing_key(st, key, 4);
    int fails0 = A.fails, b0 = B.rr;
    assert_int_equal(run(st), CQL_ERR_WRITE_TIMEOUT); /* not idempotent: no retry */
    assert_int_equal(A.fails - fails0, 1);
    assert_int_equal(B.rr - b0, 0);
    cql_stmt_set_idempotent(st, true);
    assert_int_equal(run(st), CQL_OK); /* retried on B */
    assert_int_equal(A.fails - fails0, 2);
    assert_int_equal(B.rr - b0, 1);
    cql_stmt_free(st);
}

static void test_schema_agreement(void **state) {
    (void)state;
    /* the DDL's node reports a disagreeing peer three times, then agreement */
    A.disagree_polls = B.disagree_polls = 3;
    int pa = A.agreement_polls, pb = B.agreement_polls;
    cql_stmt_t *st = cql_stmt_new("CREATE TABLE ks.x (k int PRIMARY KEY)", 0);
    cql_future_t *f;
    assert_int_equal(cql_session_query(sess, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 10000), CQL_OK);
    const char *target;
    assert_string_equal(cql_result_schema_change(cql_future_result(f), &target, NULL), "CREATED");
    cql_future_free(f);
    assert_int_equal((A.agreement_polls - pa) + (B.agreement_polls - pb), 4);

    /* a peer that never agrees: the DDL's future fails after the configured wait */
    A.disagree_polls = B.disagree_polls = 1000000;
    assert_int_equal(cql_session_wait_schema_agreement(sess, 300), CQL_ERR_SCHEMA_DISAGREEMENT);
    A.disagree_polls = B.disagree_polls = 0;
    assert_int_equal(cql_session_wait_schema_agreement(sess, 3000), CQL_OK);
    cql_stmt_free(st);
}

static int completed;
static void on_done(cql_future_t *f, void *opaque) {
    (void)opaque;
    if (cql_future_error(f) == CQL_OK)
        completed++;
    cql_future_free(f); /* freeing inside the callback is allowed */
}

/* The session as one fd in a caller's poll loop, completions by callback. */
static void test_external_event_loop(void **state) {
    (void)state;
    cql_stmt_t *st = cql_stmt_new("INSERT RR", 0);
    completed = 0;
    for (int i = 0; i < 50; i++) {
        cql_future_t *f;
        assert_int_equal(cql_session_query(sess, st, &f), CQL_OK);
        cql_future_set_callback(f, on_done, NULL);
    }
    cql_stmt_free(st);
    struct pollfd pfd = {.fd = cql_session_fd(sess), .events = POLLIN};
    for (int i = 0; i < 1000 && completed < 50; i++) {
        int64_t t = cql_session_timeout_ms(sess);
        poll(&pfd, 1, t < 0 || t > 100 ? 100 : (int)t);
        assert_int_equal(cql_session_step(sess), CQL_OK);
    }
    assert_int_equal(completed, 50);
}

/* A node that wants credentials the session does not have: connect_wait gives up on the
 * first refusal instead of reconnecting until its deadline. */
static void test_connect_refused(void **state) {
    (void)state;
    node_t c;
    node_init(&c, "0");
    c.peer = &c;
    c.require_auth = 1;
    pthread_create(&c.th, NULL, accept_loop, &c);
    cql_conf_t *conf = cql_conf_new();
    char cp[64], err[256] = "";
    snprintf(cp, sizeof cp, "127.0.0.1:%d", c.port);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "reconnect_base_ms", "1", NULL, 0);
    cql_conf_set(conf, "reconnect_max_ms", "1", NULL, 0);
    cql_session_t *s;
    assert_int_equal(cql_session_new(conf, &s, err, sizeof err), CQL_OK);
    assert_int_equal(cql_session_connect_wait(s, 600000, err, sizeof err), CQL_ERR_AUTH);
    assert_non_null(strstr(err, "PasswordAuthenticator"));
    /* with reconnects 1 ms apart, waiting out the deadline would have meant thousands */
    assert_int_equal(c.startups, 1);
    cql_session_free(s);
    node_stop(&c);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_discovery), cmocka_unit_test(test_connect_refused),
          cmocka_unit_test(test_round_robin), cmocka_unit_test(test_token_aware),
          cmocka_unit_test(test_idempotent_retry), cmocka_unit_test(test_schema_agreement),
          cmocka_unit_test(test_external_event_loop))
