/* Integration: the node is stopped and started again under a live session. While it is
 * down requests fail by themselves with retriable errors; once it is back the session
 * reconnects by itself (backoff) and the same handle serves requests again.
 * Uses scripts/stack (stop/start cassandra) with the caller's SLUICE_* environment;
 * the script is found through SLUICE_STACK_SCRIPT, SLUICE_SOURCE_DIR, or this file's
 * place in the source tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_restart"

static void stack_script(char *out, size_t n) {
    const char *s = getenv("SLUICE_STACK_SCRIPT");
    if (s && *s) {
        snprintf(out, n, "%s", s);
        return;
    }
    const char *src = getenv("SLUICE_SOURCE_DIR");
    if (src && *src) {
        snprintf(out, n, "%s/scripts/stack", src);
        return;
    }
    const char *here = __FILE__;
    const char *cut = strstr(here, "/tests/integration/");
    snprintf(out, n, "%.*s/scripts/stack", cut ? (int)(cut - here) : 1, cut ? here : ".");
}

/* One SELECT, sent once with a 5 s timeout: how the session answers right now. The
 * future must complete by itself (its timeout), so it is waited for without a limit. */
static cql_err_t try_select(cql_session_t *s) {
    cql_stmt_t *st = cql_stmt_new("SELECT v FROM " KS ".t WHERE id = 1", 0);
    cql_stmt_set_timeout_ms(st, 5000);
    cql_future_t *f;
    cql_err_t e = cql_session_query(s, st, &f);
    cql_stmt_free(st);
    if (e != CQL_OK)
        return e;
    e = cql_future_wait(f, -1);
    cql_future_free(f);
    return e;
}

/* The row written at the start is there, as an application reads it. */
static void check_kept(cql_session_t *s) {
    cql_stmt_t *st = cql_stmt_new("SELECT v FROM " KS ".t WHERE id = 1", 0);
    cql_value_t v;
    cql_result_t *r = it_first(s, st, &v);
    cql_stmt_free(st);
    assert_cql_bytes(&v, "kept", 4);
    cql_result_free(r);
}

static void test_stop_start(void **state) {
    (void)state;
    char script[1024], cmd[1100];
    stack_script(script, sizeof script);
    if (access(script, X_OK) != 0) {
        fprintf(stderr, "no stack script at %s\n", script);
        skip();
    }
    cql_conf_t *conf = it_conf(NULL);
    cql_conf_set(conf, "reconnect_base_ms", "200", NULL, 0);
    cql_conf_set(conf, "reconnect_max_ms", "2000", NULL, 0);
    static const char *const ddl[] = {"CREATE TABLE IF NOT EXISTS " KS
                                      ".t (id int PRIMARY KEY, v text)",
                                      "INSERT INTO " KS ".t (id, v) VALUES (1, 'kept')", NULL};
    cql_session_t *s = it_setup(conf, KS, ddl);
    assert_non_null(s);
    check_kept(s);

    snprintf(cmd, sizeof cmd, "'%s' stop cassandra", script);
    assert_int_equal(system(cmd), 0);
    /* down: every request fails, retriably, by itself (no wait limit here) */
    for (int i = 0; i < 5; i++) {
        cql_err_t e = try_select(s);
        fprintf(stderr, "while down: %s\n", cql_err_str(e));
        assert_int_not_equal(e, CQL_OK);
        assert_true(cql_err_is_retriable(e));
        cql_session_poll(s, 200);
    }
    assert_int_equal(cql_session_hosts_up(s), 0);

    snprintf(cmd, sizeof cmd, "'%s' start cassandra", script);
    assert_int_equal(system(cmd), 0);
    /* back (the script returns once the node answers): the same session reconnects by
     * itself, with its backoff, and serves the row again */
    int64_t start = sl_now_ms();
    cql_err_t e;
    while ((e = try_select(s)) != CQL_OK && sl_now_ms() - start < IT_DEADLINE_MS)
        cql_session_poll(s, 100);
    assert_int_equal(e, CQL_OK);
    assert_int_equal(cql_session_hosts_up(s), 1);
    check_kept(s);
    it_done(s, KS);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_stop_start))
