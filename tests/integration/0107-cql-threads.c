/* Integration: sessions in threads that come and go. Four threads at a time, each with
 * its own session, write their share of rows and exit; the rows are all there. Under
 * scripts/valgrind-cql this also proves that a thread leaves nothing behind when it
 * exits (the per-thread pool of freed futures goes with it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "test_cql_it.h"

#define KS "sluice_test_cql_threads"
#define THREADS 4
#define ROUNDS 2
#define ROWS 250

typedef struct {
    int first;
    size_t failed;
} share_t;

static void *writer(void *arg) {
    share_t *sh = arg;
    cql_session_t *s = it_session(NULL);
    if (!s) {
        sh->failed = ROWS;
        return NULL;
    }
    cql_prepared_t *p = it_prepare(s, "INSERT INTO " KS ".t (id, v) VALUES (?, ?)");
    if (!p) {
        sh->failed = ROWS;
        cql_session_free(s);
        return NULL;
    }
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    it_window_t *w = calloc(1, sizeof *w);
    for (int i = sh->first; i < sh->first + ROWS; i++) {
        cql_stmt_reset(st);
        cql_stmt_bind_int32(st, 0, i);
        cql_stmt_bind_text(st, 1, "written from a thread");
        it_window_submit(s, w, st);
    }
    it_window_drain(s, w, 0);
    sh->failed = w->failed;
    free(w);
    cql_stmt_free(st);
    cql_prepared_free(p);
    cql_session_free(s);
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    cql_session_t *s = it_session(NULL);
    assert_non_null(s);
    assert_int_equal(it_keyspace(s, KS), CQL_OK);
    assert_int_equal(it_exec(s, "CREATE TABLE " KS ".t (id int PRIMARY KEY, v text)"), CQL_OK);
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
    cql_stmt_t *st = cql_stmt_new("SELECT count(*) FROM " KS ".t", 0);
    cql_stmt_set_timeout_ms(st, 60000);
    cql_result_t *r;
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    cql_stmt_free(st);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    int64_t n = 0;
    cql_result_column(r, 0, &v);
    assert_int_equal(cql_value_get_int64(&v, &n), CQL_OK);
    assert_int_equal(n, ROUNDS * THREADS * ROWS);
    cql_result_free(r);
    it_exec(s, "DROP KEYSPACE IF EXISTS " KS);
    cql_session_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
