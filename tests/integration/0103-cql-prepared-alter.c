/* Integration: a prepared statement invalidated by ALTER TABLE. Cassandra forgets the
 * statement, answers UNPREPARED, and the client re-prepares it and re-sends the
 * EXECUTE without the caller noticing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_alter"

static void test_reprepare_after_alter(void **state) {
    (void)state;
    int reprepares = 0;
    static const char *const ddl[] = {"CREATE TABLE IF NOT EXISTS " KS
                                      ".t (id int PRIMARY KEY, a text)",
                                      "INSERT INTO " KS ".t (id, a) VALUES (1, 'one')", NULL};
    cql_session_t *s = it_setup(it_conf(&reprepares), KS, ddl);
    assert_non_null(s);
    cql_prepared_t *p = it_prepare(s, "SELECT * FROM " KS ".t WHERE id = ?");
    assert_non_null(p);
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_stmt_bind_int32(st, 0, 1);
    cql_result_t *r;
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    assert_int_equal(cql_result_column_count(r), 2);
    cql_result_free(r);
    assert_int_equal(reprepares, 0);

    assert_int_equal(it_exec(s, "ALTER TABLE " KS ".t ADD IF NOT EXISTS b int"), CQL_OK);
    assert_int_equal(it_exec(s, "UPDATE " KS ".t SET b = 7 WHERE id = 1"), CQL_OK);
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    assert_int_equal(reprepares, 1);
    /* the new column is there: metadata comes with every page */
    assert_int_equal(cql_result_column_count(r), 3);
    int b = cql_result_column_index(r, "b");
    assert_true(b >= 0);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    cql_result_column(r, (size_t)b, &v);
    assert_cql_int32(&v, 7);
    cql_result_free(r);

    /* executing again needs no further re-prepare */
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    cql_result_free(r);
    assert_int_equal(reprepares, 1);
    cql_stmt_free(st);
    cql_prepared_free(p);
    it_done(s, KS);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_reprepare_after_alter))
