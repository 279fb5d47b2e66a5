/* Integration: 10,000 rows written through pipelined prepared INSERTs (with the
 * session's backpressure), then read back page by page with paging state; every row is
 * seen exactly once with its value. Also a logged and an unlogged BATCH. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_paging"
#define N_ROWS 10000
#define PAGE 1000

IT_GROUP_FIXTURE(KS, "CREATE TABLE IF NOT EXISTS " KS ".rows (id int PRIMARY KEY, v text)")

static void bind_row(cql_stmt_t *st, int i, void *ctx) {
    (void)ctx;
    char v[32];
    snprintf(v, sizeof v, "row-%d", i);
    cql_stmt_bind_int32(st, 0, i);
    cql_stmt_bind_text(st, 1, v);
}

typedef struct {
    uint8_t seen[N_ROWS];
    size_t total;
    int64_t sum;
} scan_t;

/* Each row once, with the value its id was written with. */
static void check_row(const cql_result_t *r, void *ctx) {
    scan_t *sc = ctx;
    cql_value_t cv;
    int32_t id;
    cql_result_column(r, 0, &cv);
    assert_int_equal(cql_value_get_int32(&cv, &id), CQL_OK);
    assert_true(id >= 0 && id < N_ROWS);
    assert_int_equal(sc->seen[id], 0);
    sc->seen[id] = 1;
    const uint8_t *t;
    size_t n;
    char v[32];
    cql_result_column(r, 1, &cv);
    assert_int_equal(cql_value_get_bytes(&cv, &t, &n), CQL_OK);
    snprintf(v, sizeof v, "row-%d", id);
    assert_int_equal(n, strlen(v));
    assert_memory_equal(t, v, n);
    sc->total++;
    sc->sum += id;
}

static void test_paging_10000(void **state) {
    (void)state;
    cql_prepared_t *p = it_prepare(sess, "INSERT INTO " KS ".rows (id, v) VALUES (?, ?)");
    assert_non_null(p);
    cql_stmt_t *ins = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    assert_int_equal(it_write_rows(sess, ins, 0, N_ROWS, bind_row, NULL), 0);
    cql_stmt_free(ins);

    static scan_t sc;
    memset(&sc, 0, sizeof sc);
    cql_stmt_t *sel = cql_stmt_new("SELECT id, v FROM " KS ".rows", 0);
    long pages = it_scan(sess, sel, PAGE, check_row, &sc);
    cql_stmt_free(sel);
    assert_int_equal(sc.total, N_ROWS);
    assert_true(sc.sum == (int64_t)N_ROWS * (N_ROWS - 1) / 2);
    assert_true(pages >= N_ROWS / PAGE && pages <= N_ROWS / PAGE + 1);
    fprintf(stderr, "paging: %zu rows in %ld pages\n", sc.total, pages);
}

/* One try of the batch in ctx. */
static cql_err_t batch_once(cql_session_t *s, void *ctx) {
    cql_future_t *f;
    cql_err_t e = cql_session_batch(s, ctx, &f);
    if (e != CQL_OK)
        return e;
    e = cql_future_wait(f, IT_DEADLINE_MS);
    cql_future_free(f);
    return e;
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
        cql_batch_set_idempotent(b, true);                       /* fixed values: safe to repeat */
        assert_int_equal(it_retry(sess, batch_once, b), CQL_OK); /* as an application sends it */
        cql_batch_free(b);
    }
    cql_stmt_free(st);
    cql_stmt_t *cnt = cql_stmt_new("SELECT count(*) FROM " KS ".rows WHERE id IN "
                                   "(100000,100001,100002,100003,100004,100005,100006,100007,"
                                   "100008,100009,100100,100101,100102,100103,100104,100105,"
                                   "100106,100107,100108,100109)",
                                   0);
    cql_value_t v;
    cql_result_t *r = it_first(sess, cnt, &v);
    cql_stmt_free(cnt);
    assert_cql_int64(&v, 18); /* 20 written, one deleted per batch */
    cql_result_free(r);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_paging_10000), cmocka_unit_test(test_batches))
