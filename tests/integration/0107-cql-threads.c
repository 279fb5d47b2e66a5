/* Integration: sessions in threads that come and go. Four threads at a time, each with
 * its own session, write their share of rows (as a loader does: idempotent upserts,
 * retried after a retriable failure) and exit; every row is there once with its value. Under
 * scripts/valgrind-cql this also proves that a thread leaves nothing behind when it
 * exits (the per-thread pool of freed futures goes with it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_threads"
#define THREADS 4
#define ROUNDS 2
#define ROWS 250
#define TOTAL (ROUNDS * THREADS * ROWS)
#define TEXT "written from a thread"

typedef struct {
    int first;
    size_t failed;
} share_t;

static void bind_row(cql_stmt_t *st, int i, void *ctx) {
    (void)ctx;
    cql_stmt_bind_int32(st, 0, i);
    cql_stmt_bind_text(st, 1, TEXT);
}

static void *writer(void *arg) {
    share_t *sh = arg;
    sh->failed = ROWS;
    cql_session_t *s = it_session(NULL);
    cql_prepared_t *p = s ? it_prepare(s, "INSERT INTO " KS ".t (id, v) VALUES (?, ?)") : NULL;
    if (p) {
        cql_stmt_t *st = cql_stmt_new_prepared(p);
        sh->failed = it_write_rows(s, st, sh->first, ROWS, bind_row, NULL);
        cql_stmt_free(st);
        cql_prepared_free(p);
    }
    cql_session_free(s);
    return NULL;
}

static uint8_t seen[TOTAL];

static void check_row(const cql_result_t *r, void *ctx) {
    size_t *rows = ctx;
    cql_value_t v;
    int32_t id;
    const uint8_t *text;
    size_t n;
    cql_result_column(r, 0, &v);
    assert_int_equal(cql_value_get_int32(&v, &id), CQL_OK);
    assert_true(id >= 0 && id < TOTAL && !seen[id]);
    seen[id] = 1;
    cql_result_column(r, 1, &v);
    assert_int_equal(cql_value_get_bytes(&v, &text, &n), CQL_OK);
    assert_int_equal(n, strlen(TEXT));
    assert_memory_equal(text, TEXT, n);
    (*rows)++;
}

static void test_threads(void **state) {
    (void)state;
    static const char *const ddl[] = {
        "CREATE TABLE IF NOT EXISTS " KS ".t (id int PRIMARY KEY, v text)", NULL};
    cql_session_t *s = it_setup(it_conf(NULL), KS, ddl);
    assert_non_null(s);
    for (int round = 0; round < ROUNDS; round++) {
        pthread_t t[THREADS];
        share_t sh[THREADS];
        for (int k = 0; k < THREADS; k++) {
            sh[k] = (share_t){.first = (round * THREADS + k) * ROWS};
            assert_int_equal(pthread_create(&t[k], NULL, writer, &sh[k]), 0);
        }
        for (int k = 0; k < THREADS; k++) {
            assert_int_equal(pthread_join(t[k], NULL), 0);
            assert_int_equal(sh[k].failed, 0);
        }
    }
    /* every row there once, each with what its thread wrote */
    cql_stmt_t *st = cql_stmt_new("SELECT id, v FROM " KS ".t", 0);
    size_t rows = 0;
    assert_true(it_scan(s, st, 1000, check_row, &rows) > 0);
    cql_stmt_free(st);
    assert_int_equal(rows, TOTAL);
    it_done(s, KS);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_threads))
