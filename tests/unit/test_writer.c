/* Unit tests for sl_writer against a fake Cassandra node (test_cql_fake.h): every record
 * stored exactly once with its fields and `done` called once per cookie; a full pool; each
 * retriable error kind retried and counted under its label; a node that goes down and comes
 * back; a non-retriable error turning the writer fatal (logged once, nothing acknowledged);
 * and the calls' own errors. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_time.h"
#include "sl_writer.h"
#include "test_cql_fake.h"

#define MAX_ROWS 2048

/* What the fake node stored (an EXECUTE answered without error) and how it misbehaves. */
typedef struct {
    fake_node_t fake;
    int n_rows;
    struct {
        uint8_t id[16];
        char first_name[64];
    } rows[MAX_ROWS];
    int prepare_params;  /* bind markers in the PREPARE answer */
    uint32_t fail_code;  /* while non-zero, EXECUTEs of fail_id (all if fail_any) fail so */
    int fail_any;
    uint8_t fail_id[16];
    int failed; /* EXECUTEs answered with fail_code */
} srv_t;

static srv_t srv;

static int on_request(fake_node_t *f, uint8_t op, const uint8_t *body, size_t len, tb_t *t) {
    srv_t *s = (srv_t *)f;
    if (op == CQL_OP_PREPARE) {
        static const char *names[SL_FIELD_COUNT];
        static uint16_t types[SL_FIELD_COUNT];
        for (int i = 0; i < SL_FIELD_COUNT; i++) {
            names[i] = sl_field_name((sl_field_t)i);
            types[i] = i == 0 ? CQL_TYPE_UUID : CQL_TYPE_VARCHAR;
        }
        fake_prepared(t, "ins", s->prepare_params, names, types);
        return CQL_OP_RESULT;
    }
    if (op != CQL_OP_EXECUTE)
        return FAKE_REPLY_NONE;
    const uint8_t *vals[SL_FIELD_COUNT];
    int32_t lens[SL_FIELD_COUNT];
    if (fake_execute_values(body, len, vals, lens, SL_FIELD_COUNT) != SL_FIELD_COUNT ||
        lens[0] != 16)
        return FAKE_REPLY_CLOSE;
    pthread_mutex_lock(&f->mu);
    int fail = s->fail_code && (s->fail_any || memcmp(vals[0], s->fail_id, 16) == 0);
    if (fail) {
        s->failed++;
        fake_error(t, s->fail_code, s->fail_code == 0x2200 ? "unconfigured table created_users"
                                                           : "injected by the test");
    } else if (s->n_rows < MAX_ROWS) {
        memcpy(s->rows[s->n_rows].id, vals[0], 16);
        snprintf(s->rows[s->n_rows].first_name, sizeof s->rows[0].first_name, "%.*s",
                 lens[1] > 0 ? (int)lens[1] : 0, (const char *)vals[1]);
        s->n_rows++;
        tb_u32(t, CQL_RESULT_VOID);
    }
    pthread_mutex_unlock(&f->mu);
    return fail ? CQL_OP_ERROR : CQL_OP_RESULT;
}

/* ---- records ------------------------------------------------------------------------ */

typedef struct {
    char id[40];
    char first_name[32];
    sl_record_t rec;
} row_t;

static const char *const base_fields[SL_FIELD_COUNT] = {
    "", "", "Nichols", "female", "8929 Valwood Pkwy, Billings", "63104",
    "jennie.nichols@example.com", "yellowpeacock117", "1992-03-08T15:13:16.688Z",
    "2007-07-09T05:51:59.390Z", "(272) 790-0888", "https://randomuser.me/api/portraits/75.jpg"};

static void make_row(row_t *r, int i) {
    snprintf(r->id, sizeof r->id, "00000000-0000-4000-8000-%012d", i);
    snprintf(r->first_name, sizeof r->first_name, "user-%d", i);
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        const char *v = f == SL_FIELD_ID ? r->id : f == SL_FIELD_FIRST_NAME ? r->first_name
                                                                            : base_fields[f];
        r->rec.field[f].ptr = v;
        r->rec.field[f].len = strlen(v);
    }
}

static void id_bytes(int i, uint8_t out[16]) {
    row_t r;
    make_row(&r, i);
    assert_int_equal(cql_uuid_parse(r.id, out), 0);
}

/* How many times the fake stored row i. */
static int stored(int i) {
    uint8_t id[16];
    id_bytes(i, id);
    int n = 0;
    pthread_mutex_lock(&srv.fake.mu);
    for (int k = 0; k < srv.n_rows; k++)
        n += memcmp(srv.rows[k].id, id, 16) == 0;
    pthread_mutex_unlock(&srv.fake.mu);
    return n;
}

/* ---- the writer under test ---------------------------------------------------------- */

static cql_session_t *sess;
static sl_writer_t *w;
static int done_count[MAX_ROWS];
static int done_total;
static int error_lines;
static char last_error[512];

static void on_done(void *opaque, uint64_t cookie, int64_t origin_ms) {
    (void)opaque;
    assert_true(cookie < MAX_ROWS);
    assert_int_equal(origin_ms, (int64_t)cookie * 10);
    done_count[cookie]++;
    done_total++;
}

static void on_log(void *opaque, sl_log_level_t level, const char *msg) {
    (void)opaque;
    if (level == SL_LOG_ERROR) {
        error_lines++;
        snprintf(last_error, sizeof last_error, "%s", msg);
    }
}

static sl_writer_conf_t writer_conf(size_t slots) {
    return (sl_writer_conf_t){.keyspace = "ks",
                              .table = "created_users",
                              .consistency = CQL_CONSISTENCY_ONE,
                              .max_inflight = slots,
                              .retry_base_ms = 1,
                              .retry_max_ms = 20,
                              .prepare_timeout_ms = 10000,
                              .done = on_done,
                              .log = on_log};
}

static int start(size_t slots) {
    memset(&srv, 0, sizeof srv);
    memset(done_count, 0, sizeof done_count);
    done_total = error_lines = 0;
    last_error[0] = '\0';
    if (fake_node_init(&srv.fake, "0", on_request, NULL) != 0)
        return -1;
    srv.prepare_params = SL_FIELD_COUNT;
    fake_node_start(&srv.fake);
    cql_conf_t *conf = cql_conf_new();
    char cp[64], err[256];
    fake_node_address(&srv.fake, cp, sizeof cp);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "reconnect_base_ms", "20", NULL, 0);
    cql_conf_set(conf, "reconnect_max_ms", "100", NULL, 0);
    if (cql_session_new(conf, &sess, err, sizeof err) != CQL_OK ||
        cql_session_connect_wait(sess, 10000, err, sizeof err) != CQL_OK)
        return -1;
    if (slots == 0)
        return 0;
    sl_writer_conf_t wc = writer_conf(slots);
    return sl_writer_new(sess, &wc, &w, err, sizeof err) == SL_WRITER_ERR_OK ? 0 : -1;
}

static int setup_16(void **state) {
    (void)state;
    return start(16);
}
static int setup_4(void **state) {
    (void)state;
    return start(4);
}
static int setup_session(void **state) {
    (void)state;
    return start(0);
}

static int teardown(void **state) {
    (void)state;
    sl_writer_free(w);
    w = NULL;
    cql_session_free(sess);
    sess = NULL;
    fake_node_stop(&srv.fake);
    return 0;
}

/* One turn of a caller's loop: wait for the session or a retry timer, step both. */
static void turn(void) {
    int64_t t = cql_session_timeout_ms(sess), r = sl_writer_next_timer_ms(w);
    int ms = 10;
    if (t >= 0 && t < ms)
        ms = (int)t;
    if (r >= 0 && r < ms)
        ms = (int)r;
    struct pollfd pfd = {.fd = cql_session_fd(sess), .events = POLLIN};
    poll(&pfd, pfd.fd >= 0 ? 1 : 0, ms);
    cql_session_step(sess);
    sl_writer_step(w);
}

/* Submits rows [from, to) as room allows and turns until all are submitted and `until`
 * holds, or 30 s pass. */
static void run_rows(int from, int to, int (*until)(void)) {
    int64_t deadline = sl_now_ms() + 30000;
    row_t r;
    int next = from;
    while ((next < to || !until()) && sl_now_ms() < deadline) {
        while (next < to && sl_writer_room(w) > 0) {
            make_row(&r, next);
            assert_int_equal(sl_writer_submit(w, &r.rec, (uint64_t)next, (int64_t)next * 10),
                             SL_WRITER_ERR_OK);
            next++;
        }
        turn();
    }
    if (next < to || !until()) {
        const sl_writer_stats_t *st = sl_writer_stats(w);
        fprintf(stderr, "not reached: done %d, in flight %zu, backing off %zu, retries %llu, errors",
                done_total, sl_writer_in_flight(w), sl_writer_backing_off(w),
                (unsigned long long)st->retries);
        for (int k = SL_WRITER_ERR_TIMEOUT; k <= SL_WRITER_ERR_OTHER; k++)
            fprintf(stderr, " %s=%llu", sl_writer_err_name((sl_writer_err_t)k),
                    (unsigned long long)st->errors[k]);
        fprintf(stderr, "\n");
    }
    assert_int_equal(next, to);
    assert_true(until());
}

static int want_total;
static int all_done(void) {
    return done_total == want_total;
}

static void writes_exact(void **state) {
    (void)state;
    want_total = 300;
    run_rows(0, 300, all_done);
    for (int i = 0; i < 300; i++) {
        assert_int_equal(done_count[i], 1);
        assert_int_equal(stored(i), 1);
    }
    assert_int_equal(srv.n_rows, 300);
    for (int k = 0; k < srv.n_rows; k++) {
        int i = -1;
        assert_int_equal(sscanf(srv.rows[k].first_name, "user-%d", &i), 1);
        uint8_t id[16];
        id_bytes(i, id);
        assert_memory_equal(srv.rows[k].id, id, 16); /* the id and its fields go together */
    }
    const sl_writer_stats_t *st = sl_writer_stats(w);
    assert_int_equal(st->submitted, 300);
    assert_int_equal(st->written, 300);
    assert_int_equal(st->retries, 0);
    assert_int_equal(st->latency.count, 300);
    assert_int_equal(sl_writer_room(w), 16);
    assert_int_equal(sl_writer_in_flight(w), 0);
    assert_null(sl_writer_fatal(w));
}

static int held_4(void) {
    return fake_node_held(&srv.fake) == 4;
}

static void full_pool(void **state) {
    (void)state;
    fake_node_hold(&srv.fake, 1);
    row_t r;
    for (int i = 0; i < 4; i++) {
        make_row(&r, i);
        assert_int_equal(sl_writer_submit(w, &r.rec, (uint64_t)i, i * 10), SL_WRITER_ERR_OK);
    }
    make_row(&r, 4);
    assert_int_equal(sl_writer_submit(w, &r.rec, 4, 40), SL_WRITER_ERR_FULL);
    assert_int_equal(sl_writer_room(w), 0);
    assert_int_equal(sl_writer_in_flight(w), 4);
    run_rows(0, 0, held_4); /* all four reached the node and wait there */
    assert_int_equal(done_total, 0);
    assert_int_equal(sl_writer_room(w), 0);
    fake_node_hold(&srv.fake, 0);
    want_total = 4;
    run_rows(0, 0, all_done);
    assert_int_equal(sl_writer_room(w), 4);
    assert_int_equal(sl_writer_stats(w)->submitted, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(stored(i), 1);
    assert_int_equal(stored(4), 0);
}

static sl_writer_err_t watched_kind;
static int kind_seen(void) {
    return sl_writer_stats(w)->errors[watched_kind] > 0;
}

/* Row 7 fails with code until the writer has counted an attempt of that kind; then it is
 * stored, once, and acknowledged once. */
static void retried(uint32_t code, sl_writer_err_t kind) {
    pthread_mutex_lock(&srv.fake.mu);
    srv.fail_code = code;
    id_bytes(7, srv.fail_id);
    pthread_mutex_unlock(&srv.fake.mu);
    watched_kind = kind;
    run_rows(0, 20, kind_seen);
    assert_int_equal(done_count[7], 0);
    assert_true(sl_writer_stats(w)->retries >= 1);
    pthread_mutex_lock(&srv.fake.mu);
    srv.fail_code = 0;
    pthread_mutex_unlock(&srv.fake.mu);
    want_total = 20;
    run_rows(0, 0, all_done);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(done_count[i], 1);
        assert_int_equal(stored(i), 1);
    }
    assert_true(srv.failed >= 1);
    const sl_writer_stats_t *st = sl_writer_stats(w);
    for (int k = SL_WRITER_ERR_TIMEOUT; k <= SL_WRITER_ERR_OTHER; k++)
        if (k != (int)kind)
            assert_int_equal(st->errors[k], 0);
    assert_null(sl_writer_fatal(w));
}

static void retry_write_timeout(void **state) {
    (void)state;
    retried(0x1100, SL_WRITER_ERR_TIMEOUT);
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_TIMEOUT), "timeout");
}
static void retry_unavailable(void **state) {
    (void)state;
    retried(0x1000, SL_WRITER_ERR_UNAVAILABLE);
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_UNAVAILABLE), "unavailable");
}
static void retry_overloaded(void **state) {
    (void)state;
    retried(0x1001, SL_WRITER_ERR_UNAVAILABLE);
}

static int connection_seen(void) {
    return sl_writer_stats(w)->errors[SL_WRITER_ERR_CONNECTION] > 0;
}

/* The node goes down with writes in flight and comes back: each row stored once. */
static void node_down_and_back(void **state) {
    (void)state;
    want_total = 10;
    run_rows(0, 10, all_done);
    srv.fake.down = 1;
    run_rows(10, 26, connection_seen); /* 16 slots: the pool fills while the node is down */
    assert_true(done_total < 26);
    srv.fake.down = 0;
    want_total = 30;
    run_rows(26, 30, all_done);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(done_count[i], 1);
        assert_int_equal(stored(i), 1);
    }
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_CONNECTION), "connection");
}

static int is_fatal(void) {
    return sl_writer_fatal(w) != NULL;
}

/* A missing table: not retriable. The writer stops, says why once, acknowledges nothing,
 * and keeps the slot taken (its row was not stored). */
static void fatal_error(void **state) {
    (void)state;
    pthread_mutex_lock(&srv.fake.mu);
    srv.fail_code = 0x2200;
    srv.fail_any = 1;
    pthread_mutex_unlock(&srv.fake.mu);
    run_rows(0, 1, is_fatal);
    assert_non_null(strstr(sl_writer_fatal(w), "unconfigured table created_users"));
    assert_int_equal(error_lines, 1);
    assert_string_equal(last_error, sl_writer_fatal(w));
    assert_int_equal(done_total, 0);
    assert_int_equal(srv.n_rows, 0);
    assert_int_equal(sl_writer_room(w), 0);
    assert_int_equal(sl_writer_in_flight(w), 1);
    assert_int_equal(sl_writer_stats(w)->errors[SL_WRITER_ERR_OTHER], 1);
    row_t r;
    make_row(&r, 1);
    assert_int_equal(sl_writer_submit(w, &r.rec, 1, 10), SL_WRITER_ERR_FATAL);
    for (int i = 0; i < 20; i++)
        turn();
    assert_int_equal(srv.failed, 1); /* never sent again */
    assert_int_equal(error_lines, 1);
}

/* The calls' own errors: a record that cannot be bound, a bad configuration, a table whose
 * INSERT does not take the record's fields. */
static void call_errors(void **state) {
    (void)state;
    char err[256];
    sl_writer_conf_t wc = writer_conf(4);
    wc.done = NULL;
    assert_int_equal(sl_writer_new(sess, &wc, &w, err, sizeof err), SL_WRITER_ERR_INVALID);
    assert_null(w);
    srv.prepare_params = 3;
    wc = writer_conf(4);
    assert_int_equal(sl_writer_new(sess, &wc, &w, err, sizeof err), SL_WRITER_ERR_PREPARE);
    assert_non_null(strstr(err, "expected 12 parameters"));
    assert_null(w);
    srv.prepare_params = SL_FIELD_COUNT;
    assert_int_equal(sl_writer_new(sess, &wc, &w, err, sizeof err), SL_WRITER_ERR_OK);
    row_t r;
    make_row(&r, 1);
    r.rec.field[SL_FIELD_ID].ptr = "not-a-uuid";
    r.rec.field[SL_FIELD_ID].len = 10;
    assert_int_equal(sl_writer_submit(w, &r.rec, 1, 10), SL_WRITER_ERR_INVALID);
    assert_non_null(strstr(sl_writer_fatal(w), "not-a-uuid"));
    assert_int_equal(error_lines, 1);
    assert_int_equal(sl_writer_room(w), 0);
    assert_string_equal(sl_writer_err_str(SL_WRITER_ERR_FULL),
                        "every slot is taken; step the writer until one frees");
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_FULL), "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(writes_exact, setup_16, teardown),
        cmocka_unit_test_setup_teardown(full_pool, setup_4, teardown),
        cmocka_unit_test_setup_teardown(retry_write_timeout, setup_16, teardown),
        cmocka_unit_test_setup_teardown(retry_unavailable, setup_16, teardown),
        cmocka_unit_test_setup_teardown(retry_overloaded, setup_16, teardown),
        cmocka_unit_test_setup_teardown(node_down_and_back, setup_16, teardown),
        cmocka_unit_test_setup_teardown(fatal_error, setup_4, teardown),
        cmocka_unit_test_setup_teardown(call_errors, setup_session, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
