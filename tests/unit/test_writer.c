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

#include "test_util.h"
#include "sl_time.h"
#include "sl_writer.h"
#include "test_fake_table.h"

/* ---- the writer under test ---------------------------------------------------------- */

/* The write timestamp the tests give row i: its Kafka time (i * 10 ms) and offset i. */
#define TS_OF(i) sl_writer_timestamp_us((int64_t)(i)*10, (int64_t)(i), 0)

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
    return (sl_writer_conf_t){.done = on_done,
                              .log = on_log,
                              .max_inflight = slots,
                              .retry_base_ms = 1,
                              .retry_max_ms = 20,
                              .prepare_timeout_ms = 10000,
                              .keyspace = "ks",
                              .table = "created_users",
                              .consistency = CQL_CONSISTENCY_ONE};
}

static int start(size_t slots) {
    memset(done_count, 0, sizeof done_count);
    done_total = error_lines = 0;
    last_error[0] = '\0';
    if (fake_table_start() != 0 || !(sess = fake_table_session()))
        return -1;
    if (slots == 0)
        return 0;
    char err[256];
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

/* Under the fake node's lock: EXECUTEs fail with code from now on (0: none fails), all of
 * them if any, else only those of srv.fail_id. */
static void fail_writes(uint32_t code, int any) {
    pthread_mutex_lock(&srv.fake.mu);
    srv.fail_code = code;
    srv.fail_any = any;
    pthread_mutex_unlock(&srv.fake.mu);
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
            assert_int_equal(
                sl_writer_submit(w, &r.rec, (uint64_t)next, (int64_t)next * 10, TS_OF(next)),
                SL_WRITER_ERR_OK);
            next++;
        }
        turn();
    }
    if (next < to || !until()) {
        const sl_writer_stats_t *st = sl_writer_stats(w);
        fprintf(stderr,
                "not reached: done %d, in flight %zu, backing off %zu, retries %llu, errors",
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

/* Submits rows from up to to and turns until rows 0 to total - 1 are acknowledged: each
 * exactly once, and stored exactly once. */
static void run_until_all_stored(int from, int to, int total) {
    want_total = total;
    run_rows(from, to, all_done);
    for (int i = 0; i < total; i++) {
        assert_int_equal(done_count[i], 1);
        assert_int_equal(stored(i), 1);
    }
}

static void writes_exact(void **state) {
    (void)state;
    run_until_all_stored(0, 300, 300);
    assert_int_equal(srv.n_rows, 300);
    for (int k = 0; k < srv.n_rows; k++) {
        int i = -1;
        assert_int_equal(sscanf(srv.rows[k].first_name, "user-%d", &i), 1);
        uint8_t id[16];
        id_bytes(i, id);
        assert_memory_equal(srv.rows[k].id, id, 16); /* the id and its fields go together */
        assert_int_equal(srv.rows[k].timestamp, (int64_t)i * 10000 + i % 1000);
        row_t r;
        make_row(&r, i);
        assert_int_equal(srv.rows[k].text_hash, record_text_hash(&r.rec));
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
        assert_int_equal(sl_writer_submit(w, &r.rec, (uint64_t)i, i * 10, TS_OF(i)),
                         SL_WRITER_ERR_OK);
    }
    make_row(&r, 4);
    assert_int_equal(sl_writer_submit(w, &r.rec, 4, 40, TS_OF(4)), SL_WRITER_ERR_FULL);
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
static int kind_seen(void) { /* counted, and the write sent again after its backoff */
    return sl_writer_stats(w)->errors[watched_kind] > 0 && sl_writer_stats(w)->retries >= 1;
}

/* Row 7 fails with code until the writer has counted an attempt of that kind and sent it
 * again; then it is stored, once, and acknowledged once. */
static void retried(uint32_t code, sl_writer_err_t kind) {
    id_bytes(7, srv.fail_id); /* read by the node only once fail_code is set */
    fail_writes(code, 0);
    watched_kind = kind;
    run_rows(0, 20, kind_seen);
    assert_int_equal(done_count[7], 0);
    assert_true(sl_writer_stats(w)->retries >= 1);
    fail_writes(0, 0);
    run_until_all_stored(0, 0, 20);
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
    run_until_all_stored(26, 30, 30);
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_CONNECTION), "connection");
}

static int is_fatal(void) {
    return sl_writer_fatal(w) != NULL;
}

/* A missing table: not retriable. The writer stops, says why once, acknowledges nothing,
 * and keeps the slot taken (its row was not stored). */
static void fatal_error(void **state) {
    (void)state;
    fail_writes(0x2200, 1); /* unconfigured table */
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
    assert_int_equal(sl_writer_submit(w, &r.rec, 1, 10, TS_OF(1)), SL_WRITER_ERR_FATAL);
    for (int i = 0; i < 20; i++)
        turn();
    assert_int_equal(srv.failed, 1); /* never sent again */
    assert_int_equal(error_lines, 1);
}

/* The write timestamp of a Kafka message: ms * 1000 + offset % 1000; the caller's clock
 * for a message without a timestamp (CreateTime -1) or with one out of range. */
static void timestamp_formula(void **state) {
    (void)state;
    const int64_t now = INT64_C(1764000000123456);
    assert_int_equal(sl_writer_timestamp_us(INT64_C(1764000000000), 0, now),
                     INT64_C(1764000000000000));
    assert_int_equal(sl_writer_timestamp_us(INT64_C(1764000000000), 42, now),
                     INT64_C(1764000000000042));
    assert_int_equal(sl_writer_timestamp_us(INT64_C(1764000000000), 123999, now),
                     INT64_C(1764000000000999));
    /* the offset orders within a millisecond; a later millisecond wins over any offset */
    assert_true(sl_writer_timestamp_us(5, 7, now) < sl_writer_timestamp_us(5, 8, now));
    assert_true(sl_writer_timestamp_us(5, 999, now) < sl_writer_timestamp_us(6, 0, now));
    assert_int_equal(sl_writer_timestamp_us(0, 3, now), 3);
    /* no timestamp, or none that fits: the processor's clock */
    assert_int_equal(sl_writer_timestamp_us(-1, 42, now), now);
    assert_int_equal(sl_writer_timestamp_us(INT64_MIN, 42, now), now);
    assert_int_equal(sl_writer_timestamp_us(SL_WRITER_MAX_KAFKA_MS + 1, 42, now), now);
    assert_int_equal(sl_writer_timestamp_us(SL_WRITER_MAX_KAFKA_MS, 1, now),
                     SL_WRITER_MAX_KAFKA_MS * 1000 + 1);
}

/* A retried write keeps its timestamp: the node fails the first attempts, and the row it
 * finally stores carries the timestamp given at submit. */
static void retry_keeps_timestamp(void **state) {
    (void)state;
    fail_writes(0x1100, 1); /* write timeout */
    row_t r;
    make_row(&r, 7);
    assert_int_equal(sl_writer_submit(w, &r.rec, 7, 70, INT64_C(1764000000000777)),
                     SL_WRITER_ERR_OK);
    int64_t deadline = sl_now_ms() + 30000;
    while (srv.failed < 2 && sl_now_ms() < deadline)
        turn();
    assert_true(srv.failed >= 2);
    fail_writes(0, 0);
    while (done_total < 1 && sl_now_ms() < deadline)
        turn();
    assert_int_equal(done_count[7], 1);
    assert_int_equal(srv.n_rows, 1);
    assert_int_equal(srv.rows[0].timestamp, INT64_C(1764000000000777));
}

/* Records whose fields do not fit a slot's inline text (an address of 600 or 1,024
 * bytes) share the 4 slots with short ones, in every order, and one of them is retried from
 * its slot: every row is stored once with every field as submitted. */
static size_t long_len(int i) {
    static const size_t lens[] = {0, 600, 0, 0, SL_RECORD_FIELD_MAX, 1, 490, 520};
    return lens[i % 8];
}

static void long_records(void **state) {
    (void)state;
    id_bytes(4, srv.fail_id); /* read by the node only once fail_code is set */
    fail_writes(0x1100, 0);   /* write timeout for row 4 (1,024 bytes), until retried twice */
    enum { N = 64 };
    row_t r;
    int next = 0;
    int64_t deadline = sl_now_ms() + 30000;
    while (done_total < N && sl_now_ms() < deadline) {
        while (next < N && sl_writer_room(w) > 0) {
            make_row_long(&r, next, long_len(next));
            assert_int_equal(
                sl_writer_submit(w, &r.rec, (uint64_t)next, (int64_t)next * 10, TS_OF(next)),
                SL_WRITER_ERR_OK);
            next++;
        }
        if (sl_writer_stats(w)->retries >= 2) /* re-sent from its slot twice */
            fail_writes(0, 0);
        turn();
    }
    assert_int_equal(done_total, N);
    assert_true(srv.failed >= 2);
    assert_true(sl_writer_stats(w)->retries >= 2);
    assert_int_equal(srv.n_rows, N);
    for (int k = 0; k < srv.n_rows; k++) {
        int i = -1;
        assert_int_equal(sscanf(srv.rows[k].first_name, "user-%d", &i), 1);
        assert_true(i >= 0 && i < N);
        assert_int_equal(done_count[i], 1);
        make_row_long(&r, i, long_len(i));
        assert_int_equal(srv.rows[k].text_hash, record_text_hash(&r.rec));
    }
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
    assert_non_null(strstr(err, "expected 13 parameters"));
    assert_null(w);
    srv.prepare_params = SL_WRITER_PARAMS;
    assert_int_equal(sl_writer_new(sess, &wc, &w, err, sizeof err), SL_WRITER_ERR_OK);
    row_t r;
    make_row(&r, 1);
    r.rec.field[SL_FIELD_ID].ptr = "not-a-uuid";
    r.rec.field[SL_FIELD_ID].len = 10;
    assert_int_equal(sl_writer_submit(w, &r.rec, 1, 10, TS_OF(1)), SL_WRITER_ERR_INVALID);
    assert_non_null(strstr(sl_writer_fatal(w), "not-a-uuid"));
    assert_int_equal(error_lines, 1);
    assert_int_equal(sl_writer_room(w), 0);
    assert_string_equal(sl_writer_err_str(SL_WRITER_ERR_FULL),
                        "every slot is taken; step the writer until one frees");
    assert_string_equal(sl_writer_err_name(SL_WRITER_ERR_FULL), "");
}

/* Every write fails while the node answers write timeouts: after the first round the
 * writer takes no new work and has one retry out at a time (the probe), not one per slot,
 * and its window shrinks to one; once the node recovers every row is stored once and the
 * window is back to every slot. (The session's own retries of an
 * idempotent write are not counted here: they are the session's, at most 3 a request.) */
static void retries_share_one_budget(void **state) {
    (void)state;
    fail_writes(0x1100, 1);
    row_t r;
    for (int i = 0; i < 16; i++) {
        make_row(&r, i);
        assert_int_equal(sl_writer_submit(w, &r.rec, (uint64_t)i, (int64_t)i * 10, TS_OF(i)),
                         SL_WRITER_ERR_OK);
    }
    int64_t deadline = sl_now_ms() + 60000;
    uint64_t failed = 0;
    while (failed < 30 && sl_now_ms() < deadline) {
        turn();
        const sl_writer_stats_t *st = sl_writer_stats(w);
        failed = st->errors[SL_WRITER_ERR_TIMEOUT];
        /* Failures come back in order: past 16 every first attempt failed, and what is
         * still out is the probe at most (the session may try it more than once). */
        int64_t out = 16 + (int64_t)st->retries - (int64_t)failed;
        if (failed > 16)
            assert_true(out <= 1);
        if (failed > 0)
            assert_int_equal(sl_writer_room(w), 0);
    }
    assert_true(failed >= 30);
    assert_true(sl_writer_failing(w));
    /* Every failed round halved the window; it widens by one per acknowledgement. */
    assert_int_equal(sl_writer_window(w), 1);
    fail_writes(0, 0);
    run_until_all_stored(0, 0, 16);
    assert_false(sl_writer_failing(w));
    assert_int_equal(sl_writer_window(w), 16);
    assert_int_equal(sl_writer_room(w), 16);
    assert_int_equal(sl_writer_oldest_ms(w), -1);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test_setup_teardown(writes_exact, setup_16, teardown),
          cmocka_unit_test_setup_teardown(full_pool, setup_4, teardown),
          cmocka_unit_test_setup_teardown(retry_write_timeout, setup_16, teardown),
          cmocka_unit_test_setup_teardown(retry_unavailable, setup_16, teardown),
          cmocka_unit_test_setup_teardown(retry_overloaded, setup_16, teardown),
          cmocka_unit_test_setup_teardown(node_down_and_back, setup_16, teardown),
          cmocka_unit_test_setup_teardown(retries_share_one_budget, setup_16, teardown),
          cmocka_unit_test_setup_teardown(fatal_error, setup_4, teardown),
          cmocka_unit_test_setup_teardown(call_errors, setup_session, teardown),
          cmocka_unit_test(timestamp_formula),
          cmocka_unit_test_setup_teardown(retry_keeps_timestamp, setup_4, teardown),
          cmocka_unit_test_setup_teardown(long_records, setup_4, teardown))
