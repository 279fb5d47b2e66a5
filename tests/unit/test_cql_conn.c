/* Unit tests for cql_conn against a tiny in-process fake server (a thread speaking the
 * v4 protocol from a script): handshake with and without PasswordAuthenticator,
 * pipelined requests answered out of order, UNPREPARED re-preparation, server errors,
 * backpressure, timeouts, lost connections and pushed events. The fake only reaches
 * failure paths; the real server is exercised by the integration tests. */
#include <arpa/inet.h>
#include <netinet/in.h>
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

typedef struct srv_s srv_t;
typedef void (*script_fn)(srv_t *s, int fd);

struct srv_s {
    int lfd;
    int port;
    pthread_t th;
    script_fn script;
    /* what the script saw, checked by the test after join */
    int n_execute, n_prepare, n_query;
    uint8_t auth_token[64];
    size_t auth_len;
    int release_fd; /* test writes a byte here to let a script continue */
    int release_rd;
};

/* Reads one request frame; returns the opcode or -1. */
static int srv_read(int fd, int16_t *stream, tb_t *body) {
    uint8_t h[9];
    if (tu_read_full(fd, h, 9) != 0)
        return -1;
    assert_int_equal(h[0], 0x04);
    *stream = (int16_t)((h[2] << 8) | h[3]);
    uint32_t len = cql_rd_u32p(h + 5);
    assert_true(len < sizeof body->b);
    body->n = len;
    if (tu_read_full(fd, body->b, len) != 0)
        return -1;
    return h[4];
}

/* One write per frame: two small writes would meet Nagle and delayed ACKs. */
static void srv_send(int fd, uint8_t op, int16_t stream, const tb_t *body) {
    static uint8_t out[9 + sizeof body->b];
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)stream >> 8), (uint8_t)stream, op};
    cql_wr_u32(h + 5, (uint32_t)body->n);
    memcpy(out, h, 9);
    memcpy(out + 9, body->b, body->n);
    assert_int_equal(write(fd, out, 9 + body->n), (ssize_t)(9 + body->n));
}

static void srv_void(int fd, int16_t stream) {
    tb_t t = {.n = 0};
    tb_u32(&t, CQL_RESULT_VOID);
    srv_send(fd, CQL_OP_RESULT, stream, &t);
}

/* STARTUP -> READY */
static void srv_handshake(int fd) {
    tb_t body;
    int16_t st;
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_STARTUP);
    assert_int_equal(st, 0);
    tb_t none = {.n = 0};
    srv_send(fd, CQL_OP_READY, st, &none);
}

/* a one-column int row result carrying v */
static void srv_int_row(int fd, int16_t stream, int32_t v) {
    tb_t t = {.n = 0};
    tb_pack(&t, "iiissshiii", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "v",
            CQL_TYPE_INT, 1, 4, (uint32_t)v);
    srv_send(fd, CQL_OP_RESULT, stream, &t);
}

static void *srv_main(void *arg) {
    srv_t *s = arg;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd >= 0) {
        s->script(s, fd);
        close(fd);
    }
    return NULL;
}

static srv_t *srv_start(script_fn script) {
    srv_t *s = calloc(1, sizeof *s);
    s->script = script;
    s->lfd = tu_listen(4, &s->port);
    int p[2];
    assert_int_equal(pipe(p), 0);
    s->release_rd = p[0];
    s->release_fd = p[1];
    pthread_create(&s->th, NULL, srv_main, s);
    return s;
}

static void srv_join(srv_t *s) {
    pthread_join(s->th, NULL);
    close(s->lfd);
    close(s->release_fd);
    close(s->release_rd);
}

static cql_conn_t *connect_to(srv_t *s, cql_conf_t *conf) {
    if (!conf)
        conf = cql_conf_new();
    cql_conn_t *c;
    char err[256];
    assert_int_equal(cql_conn_new(conf, "127.0.0.1", s->port, &c, err, sizeof err), CQL_OK);
    return c;
}

static cql_err_t wait_ready(cql_conn_t *c) {
    for (int i = 0; i < 500 && cql_conn_state_error(c, NULL) == CQL_ERR_PENDING; i++)
        cql_conn_poll(c, 10);
    return cql_conn_state_error(c, NULL);
}

/* ---- pipelining ---------------------------------------------------------------------- */

#define N_PIPE 100

static void script_pipeline(srv_t *s, int fd) {
    srv_handshake(fd);
    int16_t streams[N_PIPE];
    int32_t vals[N_PIPE];
    tb_t body;
    for (int i = 0; i < N_PIPE; i++) {
        assert_int_equal(srv_read(fd, &streams[i], &body), CQL_OP_QUERY);
        /* the bound int is the last 4 bytes of the values: find it after the count */
        vals[i] = (int32_t)cql_rd_u32p(body.b + body.n - 4);
        s->n_query++;
    }
    for (int i = N_PIPE - 1; i >= 0; i--) /* answer in reverse order */
        srv_int_row(fd, streams[i], vals[i] * 10);
}

static void test_pipeline_out_of_order(void **state) {
    (void)state;
    srv_t *s = srv_start(script_pipeline);
    cql_conn_t *c = connect_to(s, NULL);
    cql_future_t *f[N_PIPE];
    cql_stmt_t *st = cql_stmt_new("SELECT v FROM t WHERE k = ?", 1);
    for (int i = 0; i < N_PIPE; i++) {
        cql_stmt_bind_int32(st, 0, i);
        /* submitted before the handshake finishes: held, then sent */
        assert_int_equal(cql_conn_query(c, st, &f[i]), CQL_OK);
    }
    cql_stmt_free(st);
    assert_int_equal(cql_conn_inflight(c), N_PIPE);
    for (int i = 0; i < N_PIPE; i++) {
        assert_int_equal(cql_future_wait(f[i], 5000), CQL_OK);
        cql_result_t *r = cql_future_result(f[i]);
        assert_true(cql_result_next_row(r, NULL));
        cql_value_t v;
        cql_result_column(r, 0, &v);
        assert_cql_int32(&v, i * 10);
        cql_future_free(f[i]);
    }
    assert_int_equal(cql_conn_inflight(c), 0);
    cql_conn_free(c);
    srv_join(s);
    assert_int_equal(s->n_query, N_PIPE);
    free(s);
}

/* ---- authentication ------------------------------------------------------------------ */

static void script_auth(srv_t *s, int fd) {
    tb_t body, t = {.n = 0};
    int16_t st;
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_STARTUP);
    tb_str(&t, "org.apache.cassandra.auth.PasswordAuthenticator");
    srv_send(fd, CQL_OP_AUTHENTICATE, st, &t);
    int op = srv_read(fd, &st, &body);
    if (op < 0)
        return; /* client gave up: no credentials */
    assert_int_equal(op, CQL_OP_AUTH_RESPONSE);
    s->auth_len = body.n - 4;
    memcpy(s->auth_token, body.b + 4, s->auth_len);
    t.n = 0;
    if (s->auth_len == 9 && memcmp(s->auth_token, "\0u\0secret", 9) == 0) {
        tb_bytes(&t, NULL, -1);
        srv_send(fd, CQL_OP_AUTH_SUCCESS, st, &t);
        assert_int_equal(srv_read(fd, &st, &body), CQL_OP_QUERY);
        srv_void(fd, st);
    } else {
        tb_pack(&t, "is", 0x0100, "Provided username u and/or password are incorrect");
        srv_send(fd, CQL_OP_ERROR, st, &t);
    }
    char ch;
    (void)!read(fd, &ch, 1); /* until the client closes */
}

static void test_auth_ok(void **state) {
    (void)state;
    srv_t *s = srv_start(script_auth);
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "username", "u", NULL, 0);
    cql_conf_set(conf, "password", "secret", NULL, 0);
    cql_conn_t *c = connect_to(s, conf);
    assert_int_equal(wait_ready(c), CQL_OK);
    cql_stmt_t *st = cql_stmt_new("INSERT", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    assert_null(cql_future_result(f)); /* VOID */
    cql_future_free(f);
    cql_stmt_free(st);
    cql_conn_free(c);
    srv_join(s);
    assert_int_equal(s->auth_len, 9);
    assert_memory_equal(s->auth_token, "\0u\0secret", 9);
    free(s);
}

static void test_auth_bad_credentials(void **state) {
    (void)state;
    srv_t *s = srv_start(script_auth);
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "username", "u", NULL, 0);
    cql_conf_set(conf, "password", "wrong", NULL, 0);
    cql_conn_t *c = connect_to(s, conf);
    cql_stmt_t *st = cql_stmt_new("INSERT", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_ERR_BAD_CREDENTIALS);
    const char *msg;
    assert_int_equal(cql_conn_state_error(c, &msg), CQL_ERR_BAD_CREDENTIALS);
    assert_non_null(strstr(msg, "and/or password are incorrect"));
    cql_future_free(f);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_ERR_CLOSED);
    assert_null(f);
    cql_stmt_free(st);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

static void test_auth_missing_credentials(void **state) {
    (void)state;
    srv_t *s = srv_start(script_auth);
    cql_conn_t *c = connect_to(s, NULL);
    assert_int_equal(wait_ready(c), CQL_ERR_AUTH);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

/* ---- unprepared ---------------------------------------------------------------------- */

static void send_prepared(int fd, int16_t st, const char *id) {
    tb_t t = {.n = 0};
    tb_pack(&t, "ihriiihssshii", CQL_RESULT_PREPARED, (uint16_t)strlen(id), id, (int)(strlen(id)),
            CQL_META_GLOBAL_TABLES, 1, 1, 0, "ks", "t", "k", CQL_TYPE_INT, CQL_META_NO_METADATA, 0);
    srv_send(fd, CQL_OP_RESULT, st, &t);
}

static void script_unprepared(srv_t *s, int fd) {
    srv_handshake(fd);
    tb_t body, t;
    int16_t st;
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_PREPARE);
    s->n_prepare++;
    send_prepared(fd, st, "id1");
    /* first EXECUTE: the server forgot the statement */
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_EXECUTE);
    s->n_execute++;
    assert_memory_equal(body.b, "\x00\x03id1", 5);
    t.n = 0;
    tb_pack(&t, "ishr", 0x2500, "Prepared query with ID 696431 not found", 3, "id1", 3);
    srv_send(fd, CQL_OP_ERROR, st, &t);
    /* the client re-prepares with the original text ... */
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_PREPARE);
    s->n_prepare++;
    assert_int_equal(body.n, 4 + 26);
    assert_memory_equal(body.b + 4, "SELECT * FROM t WHERE k=?", 25);
    send_prepared(fd, st, "id2");
    /* ... and re-sends the EXECUTE with the new id and the same value */
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_EXECUTE);
    s->n_execute++;
    assert_memory_equal(body.b, "\x00\x03id2", 5);
    assert_memory_equal(body.b + body.n - 8, "\x00\x00\x00\x04\x00\x00\x00\x07", 8);
    srv_int_row(fd, st, 70);
    /* a second EXECUTE that is UNPREPARED again fails after the one retry */
    char ch;
    (void)!read(fd, &ch, 1);
}

static void test_unprepared_reprepare(void **state) {
    (void)state;
    srv_t *s = srv_start(script_unprepared);
    cql_conn_t *c = connect_to(s, NULL);
    cql_future_t *f;
    assert_int_equal(cql_conn_prepare(c, "SELECT * FROM t WHERE k=? ", &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    assert_non_null(p);
    assert_int_equal(cql_prepared_param_count(p), 1);
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_stmt_bind_int32(st, 0, 7);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    cql_result_t *r = cql_future_result(f);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    int32_t x;
    cql_result_column(r, 0, &v);
    cql_value_get_int32(&v, &x);
    assert_int_equal(x, 70);
    assert_int_equal(p->id_size, 3);
    assert_memory_equal(p->id, "id2", 3); /* the shared handle learned the new id */
    cql_future_free(f);
    cql_stmt_free(st);
    cql_prepared_free(p);
    cql_conn_free(c);
    srv_join(s);
    assert_int_equal(s->n_prepare, 2);
    assert_int_equal(s->n_execute, 2);
    free(s);
}

/* ---- server error, backpressure, timeout, lost connection, events --------------------- */

static void script_errors(srv_t *s, int fd) {
    srv_handshake(fd);
    tb_t body, t = {.n = 0};
    int16_t st;
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_QUERY);
    tb_pack(&t, "ishiis", 0x1100, "Operation timed out - received only 1 responses.",
            CQL_CONSISTENCY_QUORUM, 1, 2, "BATCH_LOG");
    srv_send(fd, CQL_OP_ERROR, st, &t);
    /* an event pushed on stream -1 */
    t.n = 0;
    tb_pack(&t, "sscri", "TOPOLOGY_CHANGE", "NEW_NODE", 4, "\x7f\x00\x00\x02", 4, 9042);
    srv_send(fd, CQL_OP_EVENT, -1, &t);
    /* four queries arrive; none is answered until the test says so */
    int16_t held[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(srv_read(fd, &held[i], &body), CQL_OP_QUERY);
    char ch;
    assert_int_equal(read(s->release_rd, &ch, 1), 1);
    srv_void(fd, held[0]); /* late answer to a timed-out request */
    assert_int_equal(read(s->release_rd, &ch, 1), 1);
    /* then the server goes away with three requests outstanding */
}

static int events_seen;
static char event_change[32];
static void on_event(void *opaque, const cql_event_t *ev) {
    (void)opaque;
    events_seen++;
    snprintf(event_change, sizeof event_change, "%s %d", ev->change, ev->port);
}

static void test_errors_backpressure_timeout(void **state) {
    (void)state;
    srv_t *s = srv_start(script_errors);
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "max_inflight", "4", NULL, 0);
    cql_conn_t *c = connect_to(s, conf);
    cql_conn_set_event_cb(c, on_event, NULL);
    cql_stmt_t *st = cql_stmt_new("UPDATE", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_ERR_WRITE_TIMEOUT);
    const cql_server_error_t *se = cql_future_server_error(f);
    assert_non_null(se);
    assert_int_equal(se->code, 0x1100);
    assert_int_equal(se->received, 1);
    assert_int_equal(se->block_for, 2);
    assert_string_equal(se->write_type, "BATCH_LOG");
    assert_string_equal(cql_future_error_message(f),
                        "Operation timed out - received only 1 responses.");
    cql_future_free(f);

    /* fill the four stream slots; the fifth is refused at once */
    cql_future_t *fs[4];
    cql_stmt_set_timeout_ms(st, 50);
    for (int i = 0; i < 4; i++)
        assert_int_equal(cql_conn_query(c, st, &fs[i]), CQL_OK);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_ERR_BUSY);
    assert_true(cql_err_is_retriable(CQL_ERR_BUSY));
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cql_future_wait(fs[i], 5000), CQL_ERR_TIMEOUT);
        cql_future_free(fs[i]);
    }
    assert_int_equal(events_seen, 1);
    assert_string_equal(event_change, "NEW_NODE 9042");
    /* timed-out ids stay reserved until answered */
    assert_int_equal(cql_conn_inflight(c), 4);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_ERR_BUSY);
    assert_int_equal(write(s->release_fd, "x", 1), 1);
    for (int i = 0; i < 200 && cql_conn_inflight(c) != 3; i++)
        cql_conn_poll(c, 10);
    assert_int_equal(cql_conn_inflight(c), 3);

    /* one more request, then the server closes the connection */
    cql_stmt_set_timeout_ms(st, 10000);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(write(s->release_fd, "x", 1), 1);
    assert_int_equal(cql_future_wait(f, 5000), CQL_ERR_IO);
    assert_true(cql_err_is_retriable(cql_future_error(f)));
    cql_future_free(f);
    assert_int_equal(cql_conn_inflight(c), 0);
    assert_int_equal(cql_conn_fd(c), -1);
    assert_int_equal(cql_conn_query(c, st, &f), CQL_ERR_CLOSED);
    cql_stmt_free(st);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

static void test_connect_refused(void **state) {
    (void)state;
    /* a port that was just free */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    cql_conn_t *c;
    char err[256];
    assert_int_equal(
        cql_conn_new(cql_conf_new(), "127.0.0.1", ntohs(a.sin_port), &c, err, sizeof err), CQL_OK);
    cql_stmt_t *st = cql_stmt_new("SELECT", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_ERR_CONNECT);
    assert_non_null(strstr(cql_future_error_message(f), "Connection refused"));
    cql_future_free(f);
    cql_stmt_free(st);
    cql_conn_free(c);
}

static void test_future_freed_before_completion(void **state) {
    (void)state;
    srv_t *s = srv_start(script_pipeline);
    cql_conn_t *c = connect_to(s, NULL);
    cql_stmt_t *st = cql_stmt_new("SELECT", 1);
    cql_future_t *f;
    for (int i = 0; i < N_PIPE; i++) {
        cql_stmt_bind_int32(st, 0, i);
        assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
        if (i < N_PIPE - 1)
            cql_future_free(f); /* abandoned: completes silently, no leak */
    }
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    cql_future_free(f);
    for (int i = 0; i < 200 && cql_conn_inflight(c); i++)
        cql_conn_poll(c, 10);
    assert_int_equal(cql_conn_inflight(c), 0);
    cql_stmt_free(st);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

/* Responses split at every byte boundary and several frames in one write: the frame
 * parser must reassemble both. */
static void script_dribble(srv_t *s, int fd) {
    srv_handshake(fd);
    tb_t body;
    int16_t st[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(srv_read(fd, &st[i], &body), CQL_OP_QUERY);
    /* first answer one byte per write */
    tb_t t = {.n = 0};
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)st[0] >> 8), (uint8_t)st[0], CQL_OP_RESULT};
    tb_raw(&t, h, 9);
    size_t len_at = t.n - 4;
    tb_pack(&t, "iiissshib", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "v",
            CQL_TYPE_VARCHAR, 1, "dribbled", 8);
    cql_wr_u32(t.b + len_at, (uint32_t)(t.n - 9));
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(write(fd, t.b + i, 1), 1);
        usleep(200); /* lets the client see each byte on its own */
    }
    /* the other two in a single write */
    tb_t two = {.n = 0};
    for (int i = 1; i < 3; i++) {
        uint8_t hh[9] = {
            0x84, 0, (uint8_t)((uint16_t)st[i] >> 8), (uint8_t)st[i], CQL_OP_RESULT, 0, 0, 0, 4};
        tb_pack(&two, "ri", hh, 9, CQL_RESULT_VOID);
    }
    assert_int_equal(write(fd, two.b, two.n), (ssize_t)two.n);
    char ch;
    (void)!read(fd, &ch, 1);
    (void)s;
}

static void test_split_and_coalesced_frames(void **state) {
    (void)state;
    srv_t *s = srv_start(script_dribble);
    cql_conn_t *c = connect_to(s, NULL);
    cql_stmt_t *st = cql_stmt_new("SELECT", 0);
    cql_future_t *f[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(cql_conn_query(c, st, &f[i]), CQL_OK);
    cql_stmt_free(st);
    assert_int_equal(cql_future_wait(f[0], 10000), CQL_OK);
    cql_result_t *r = cql_future_result(f[0]);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    cql_result_column(r, 0, &v);
    assert_cql_bytes(&v, "dribbled", 8);
    for (int i = 1; i < 3; i++) {
        assert_int_equal(cql_future_wait(f[i], 10000), CQL_OK);
        assert_null(cql_future_result(f[i]));
    }
    for (int i = 0; i < 3; i++)
        cql_future_free(f[i]);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

/* A response whose header announces more than max_frame_size closes the connection. */
static void script_huge(srv_t *s, int fd) {
    srv_handshake(fd);
    tb_t body;
    int16_t st;
    assert_int_equal(srv_read(fd, &st, &body), CQL_OP_QUERY);
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)st >> 8), (uint8_t)st, CQL_OP_RESULT, 0x10, 0,
                    0,    0}; /* 256 MiB */
    assert_int_equal(write(fd, h, 9), 9);
    char ch;
    (void)!read(fd, &ch, 1);
    (void)s;
}

static void test_frame_over_cap(void **state) {
    (void)state;
    srv_t *s = srv_start(script_huge);
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "max_frame_size", "1048576", NULL, 0);
    cql_conn_t *c = connect_to(s, conf);
    cql_stmt_t *st = cql_stmt_new("SELECT", 0);
    cql_future_t *f;
    assert_int_equal(cql_conn_query(c, st, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 10000), CQL_ERR_FRAME_TOO_BIG);
    cql_future_free(f);
    cql_stmt_free(st);
    assert_int_equal(cql_conn_state_error(c, NULL), CQL_ERR_FRAME_TOO_BIG);
    cql_conn_free(c);
    srv_join(s);
    free(s);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_pipeline_out_of_order), cmocka_unit_test(test_auth_ok),
          cmocka_unit_test(test_auth_bad_credentials),
          cmocka_unit_test(test_auth_missing_credentials),
          cmocka_unit_test(test_unprepared_reprepare),
          cmocka_unit_test(test_errors_backpressure_timeout),
          cmocka_unit_test(test_connect_refused),
          cmocka_unit_test(test_future_freed_before_completion),
          cmocka_unit_test(test_split_and_coalesced_frames), cmocka_unit_test(test_frame_over_cap))
