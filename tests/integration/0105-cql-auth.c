/* Integration: authentication on and off. With SLUICE_TEST_CASSANDRA_AUTH=password
 * (a server running PasswordAuthenticator, user SLUICE_TEST_CASSANDRA_USER /
 * SLUICE_TEST_CASSANDRA_PASSWORD, default cassandra/cassandra): no credentials fail
 * with CQL_ERR_AUTH, a wrong password with the server's 0x0100, the right ones work.
 * Without it (AllowAllAuthenticator): connecting works with and without credentials. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

static const char *env_or(const char *name, const char *dflt) {
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static bool auth_on(void) {
    return !strcmp(env_or("SLUICE_TEST_CASSANDRA_AUTH", "none"), "password");
}

/* Tries to connect; returns the error and the message. */
static cql_err_t try_connect(const char *user, const char *pass, char *msg, size_t msg_size,
                             cql_session_t **out) {
    cql_conf_t *c = it_conf(NULL);
    if (user)
        cql_conf_set(c, "username", user, NULL, 0);
    if (pass)
        cql_conf_set(c, "password", pass, NULL, 0);
    cql_session_t *s;
    assert_int_equal(cql_session_new(c, &s, msg, msg_size), CQL_OK);
    /* a refusal ends the wait at once; only a server that does not answer uses it up */
    cql_err_t e = cql_session_connect_wait(s, IT_DEADLINE_MS, msg, msg_size);
    if (out && e == CQL_OK)
        *out = s;
    else
        cql_session_free(s);
    return e;
}

static void query_works(cql_session_t *s) {
    cql_stmt_t *st = cql_stmt_new("SELECT release_version FROM system.local", 0);
    cql_result_t *r;
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    assert_int_equal(cql_result_row_count(r), 1);
    cql_result_free(r);
    cql_stmt_free(st);
}

static void test_without_credentials(void **state) {
    (void)state;
    char msg[512] = "";
    cql_session_t *s = NULL;
    cql_err_t e = try_connect(NULL, NULL, msg, sizeof msg, &s);
    if (auth_on()) {
        assert_int_equal(e, CQL_ERR_AUTH);
        assert_non_null(strstr(msg, "PasswordAuthenticator"));
        assert_false(cql_err_is_retriable(e));
    } else {
        assert_int_equal(e, CQL_OK);
        query_works(s);
        cql_session_free(s);
    }
}

static void test_wrong_password(void **state) {
    (void)state;
    char msg[512] = "";
    cql_session_t *s = NULL;
    cql_err_t e = try_connect(env_or("SLUICE_TEST_CASSANDRA_USER", "cassandra"), "not-the-password",
                              msg, sizeof msg, &s);
    if (auth_on()) {
        assert_int_equal(e, CQL_ERR_BAD_CREDENTIALS);
        assert_int_equal(cql_err_server_code(e), 0x0100);
    } else {
        /* the server never asks, so credentials are not even sent */
        assert_int_equal(e, CQL_OK);
        cql_session_free(s);
    }
}

static void test_right_credentials(void **state) {
    (void)state;
    char msg[512] = "";
    cql_session_t *s = NULL;
    cql_err_t e =
        try_connect(env_or("SLUICE_TEST_CASSANDRA_USER", "cassandra"),
                    env_or("SLUICE_TEST_CASSANDRA_PASSWORD", "cassandra"), msg, sizeof msg, &s);
    if (e != CQL_OK)
        fprintf(stderr, "connect: %s\n", msg);
    assert_int_equal(e, CQL_OK);
    query_works(s);
    cql_session_free(s);
}

static int announce(void **state) {
    (void)state;
    fprintf(stderr, "authentication expected: %s\n", auth_on() ? "on" : "off");
    return 0;
}

TEST_MAIN(announce, NULL, cmocka_unit_test(test_without_credentials),
          cmocka_unit_test(test_wrong_password), cmocka_unit_test(test_right_credentials))
