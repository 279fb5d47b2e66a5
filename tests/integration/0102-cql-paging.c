/* Integration: 10,000 rows written through pipelined prepared INSERTs (with the
 * session's backpressure), then read back page by page with paging state; every row is
 * seen exactly once. Also a logged and an unlogged BATCH. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_cql_it.h"

#define KS "sluice_test_cql_paging"
#define N_ROWS 10000
#define PAGE 1000

static cql_session_t *sess;

static int setup(void **state) {
    (void)state;
    sess = it_session(NULL);
    if (!sess || it_keyspace(sess, KS) ||
        it_exec(sess, "CREATE TABLE " KS ".rows (id int PRIMARY KEY, v text)"))
        return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    if (sess)
        it_exec(sess, "DROP KEYSPACE IF EXISTS " KS);
    cql_session_free(sess);
    return 0;
}

static void test_paging_10000(void **state) {
    (void)state;
    cql_prepared_t *p = it_prepare(sess, "INSERT INTO " KS ".rows (id, v) VALUES (?, ?)");
    assert_non_null(p);
    cql_stmt_t *ins = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    it_window_t w = {.n = 0};
    char v[32];
    for (int i = 0; i < N_ROWS; i++) {
        cql_stmt_reset(ins);
        cql_stmt_bind_int32(ins, 0, i);
        snprintf(v, sizeof v, "row-%d", i);
        cql_stmt_bind_text(ins, 1, v);
        it_window_submit(sess, &w, ins);
    }
    it_window_drain(sess, &w, 0);
    cql_stmt_free(ins);
    assert_int_equal(w.failed, 0);

    static uint8_t seen[N_ROWS];
    memset(seen, 0, sizeof seen);
    cql_stmt_t *sel = cql_stmt_new("SELECT id, v FROM " KS ".rows", 0);
    cql_stmt_set_page_size(sel, PAGE);
    size_t total = 0, pages = 0;
    int64_t sum = 0;
    for (;;) {
        cql_result_t *r;
        assert_int_equal(it_run(sess, sel, &r), CQL_OK);
        pages++;
        assert_true(cql_result_row_count(r) <= PAGE);
        cql_err_t err;
        while (cql_result_next_row(r, &err)) {
            cql_value_t cv;
            int32_t id;
            cql_result_column(r, 0, &cv);
            assert_int_equal(cql_value_get_int32(&cv, &id), CQL_OK);
            assert_true(id >= 0 && id < N_ROWS);
            assert_int_equal(seen[id], 0);
            seen[id] = 1;
            const uint8_t *t;
            size_t n;
            cql_result_column(r, 1, &cv);
            assert_int_equal(cql_value_get_bytes(&cv, &t, &n), CQL_OK);
            snprintf(v, sizeof v, "row-%d", id);
            assert_int_equal(n, strlen(v));
            assert_memory_equal(t, v, n);
            total++;
            sum += id;
        }
        assert_int_equal(err, CQL_OK);
        size_t ps_n;
        const uint8_t *ps = cql_result_paging_state(r, &ps_n);
        if (!ps) {
            cql_result_free(r);
            break;
        }
        assert_int_equal(cql_stmt_set_paging_state(sel, ps, ps_n), CQL_OK);
        cql_result_free(r);
        assert_true(pages <= N_ROWS / PAGE + 1);
    }
    cql_stmt_free(sel);
    assert_int_equal(total, N_ROWS);
    assert_true(sum == (int64_t)N_ROWS * (N_ROWS - 1) / 2);
    assert_true(pages >= N_ROWS / PAGE);
    fprintf(stderr, "paging: %zu rows in %zu pages\n", total, pages);
}

static void test_batches(void **state) {
    (void)state;
    cql_prepared_t *p = it_prepare(sess, "INSERT INTO " KS ".rows (id, v) VALUES (?, ?)");
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    for (int type = CQL_BATCH_LOGGED; type <= CQL_BATCH_UNLOGGED; type++) {
        cql_batch_t *b = cql_batch_new((cql_batch_type_t)type);
        for (int i = 0; i < 10; i++) {
            cql_stmt_reset(st);
            cql_stmt_bind_int32(st, 0, 100000 + type * 100 + i);
            cql_stmt_bind_text(st, 1, type == CQL_BATCH_LOGGED ? "logged" : "unlogged");
            assert_int_equal(cql_batch_add(b, st), CQL_OK);
        }
        /* and one plain query string in the same batch */
        cql_stmt_t *q = cql_stmt_new("DELETE FROM " KS ".rows WHERE id = ?", 1);
        cql_stmt_bind_int32(q, 0, 100000 + type * 100 + 9);
        assert_int_equal(cql_batch_add(b, q), CQL_OK);
        cql_stmt_free(q);
        cql_batch_set_consistency(b, CQL_CONSISTENCY_ONE);
        cql_future_t *f;
        assert_int_equal(cql_session_batch(sess, b, &f), CQL_OK);
        assert_int_equal(cql_future_wait(f, 30000), CQL_OK);
        cql_future_free(f);
        cql_batch_free(b);
    }
    cql_stmt_free(st);
    cql_stmt_t *cnt = cql_stmt_new("SELECT count(*) FROM " KS ".rows WHERE id IN "
                                   "(100000,100001,100002,100003,100004,100005,100006,100007,"
                                   "100008,100009,100100,100101,100102,100103,100104,100105,"
                                   "100106,100107,100108,100109)",
                                   0);
    cql_result_t *r;
    assert_int_equal(it_run(sess, cnt, &r), CQL_OK);
    cql_stmt_free(cnt);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    int64_t n;
    cql_result_column(r, 0, &v);
    assert_int_equal(cql_value_get_int64(&v, &n), CQL_OK);
    assert_true(n == 18); /* 20 written, one deleted per batch */
    cql_result_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_10000),
        cmocka_unit_test(test_batches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
