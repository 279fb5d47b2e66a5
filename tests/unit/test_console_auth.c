/* Unit tests for sl_console_auth: bearer, login sessions, rate limit, logout, expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_console_auth.h"

#define TOKEN "correct horse battery staple"

static void disabled(void **state) {
    (void)state;
    sl_console_auth_t *a = sl_console_auth_new(NULL, 0);
    assert_false(sl_console_auth_enabled(a));
    assert_false(sl_console_auth_bearer(a, "Bearer anything"));
    char sid[SL_CONSOLE_AUTH_SID_LEN + 1];
    assert_int_equal(sl_console_auth_login(a, "x", "me", 0, sid), SL_CONSOLE_AUTH_DENIED);
    sl_console_auth_free(a);
}

static void bearer(void **state) {
    (void)state;
    sl_console_auth_t *a = sl_console_auth_new(TOKEN, strlen(TOKEN));
    assert_true(sl_console_auth_enabled(a));
    assert_true(sl_console_auth_bearer(a, "Bearer " TOKEN));
    assert_true(sl_console_auth_bearer(a, "bearer   " TOKEN " "));
    assert_false(sl_console_auth_bearer(a, "Bearer " TOKEN "x"));
    assert_false(sl_console_auth_bearer(a, "Bearer correct horse"));
    assert_false(sl_console_auth_bearer(a, "Basic " TOKEN));
    assert_false(sl_console_auth_bearer(a, TOKEN));
    assert_false(sl_console_auth_bearer(a, "Bearer "));
    assert_false(sl_console_auth_bearer(a, NULL));
    assert_true(sl_console_auth_equal("abc", 3, "abc", 3));
    assert_false(sl_console_auth_equal("abc", 3, "abd", 3));
    assert_false(sl_console_auth_equal("abc", 3, "abc", 2));
    sl_console_auth_free(a);
}

static void sessions(void **state) {
    (void)state;
    sl_console_auth_t *a = sl_console_auth_new(TOKEN, strlen(TOKEN));
    char sid[SL_CONSOLE_AUTH_SID_LEN + 1], who[64], cookie[200];
    assert_int_equal(sl_console_auth_login(a, TOKEN, "ana\n<b>", 1000, sid), SL_CONSOLE_AUTH_OK);
    assert_int_equal(strlen(sid), SL_CONSOLE_AUTH_SID_LEN);
    snprintf(cookie, sizeof cookie, "x=1; " SL_CONSOLE_AUTH_COOKIE "=%s", sid);
    assert_true(sl_console_auth_cookie(a, cookie, 2000, who, sizeof who));
    assert_string_equal(who, "ana?<b>");
    /* a different id of the same length is not a session */
    char forged[SL_CONSOLE_AUTH_SID_LEN + 1];
    memcpy(forged, sid, sizeof forged);
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    snprintf(cookie, sizeof cookie, SL_CONSOLE_AUTH_COOKIE "=%s", forged);
    assert_false(sl_console_auth_cookie(a, cookie, 2000, who, sizeof who));
    /* expiry */
    snprintf(cookie, sizeof cookie, SL_CONSOLE_AUTH_COOKIE "=%s", sid);
    assert_false(
        sl_console_auth_cookie(a, cookie, 1000 + SL_CONSOLE_AUTH_SESSION_MS, who, sizeof who));
    /* logout */
    assert_int_equal(sl_console_auth_login(a, TOKEN, NULL, 5000, sid), SL_CONSOLE_AUTH_OK);
    snprintf(cookie, sizeof cookie, SL_CONSOLE_AUTH_COOKIE "=%s", sid);
    assert_true(sl_console_auth_cookie(a, cookie, 6000, who, sizeof who));
    assert_string_equal(who, "console user");
    sl_console_auth_logout(a, cookie);
    assert_false(sl_console_auth_cookie(a, cookie, 6000, who, sizeof who));
    sl_console_auth_free(a);
}

static void full_table_drops_oldest(void **state) {
    (void)state;
    sl_console_auth_t *a = sl_console_auth_new(TOKEN, strlen(TOKEN));
    char first[SL_CONSOLE_AUTH_SID_LEN + 1], sid[SL_CONSOLE_AUTH_SID_LEN + 1], cookie[200];
    assert_int_equal(sl_console_auth_login(a, TOKEN, "u", 1, first), SL_CONSOLE_AUTH_OK);
    for (int i = 0; i < SL_CONSOLE_AUTH_MAX_SESSIONS; i++)
        assert_int_equal(sl_console_auth_login(a, TOKEN, "u", 2 + i, sid), SL_CONSOLE_AUTH_OK);
    snprintf(cookie, sizeof cookie, SL_CONSOLE_AUTH_COOKIE "=%s", first);
    assert_false(sl_console_auth_cookie(a, cookie, 100, NULL, 0));
    snprintf(cookie, sizeof cookie, SL_CONSOLE_AUTH_COOKIE "=%s", sid);
    assert_true(sl_console_auth_cookie(a, cookie, 100, NULL, 0));
    sl_console_auth_free(a);
}

static void failed_logins_are_limited(void **state) {
    (void)state;
    sl_console_auth_t *a = sl_console_auth_new(TOKEN, strlen(TOKEN));
    char sid[SL_CONSOLE_AUTH_SID_LEN + 1];
    for (int i = 0; i < 10; i++)
        assert_int_equal(sl_console_auth_login(a, "guess", "x", 1000 + i, sid),
                         SL_CONSOLE_AUTH_DENIED);
    /* even the right token waits until the window has passed */
    assert_int_equal(sl_console_auth_login(a, TOKEN, "x", 2000, sid), SL_CONSOLE_AUTH_LIMITED);
    assert_int_equal(sl_console_auth_login(a, TOKEN, "x", 1000 + 60000, sid), SL_CONSOLE_AUTH_OK);
    sl_console_auth_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disabled),
        cmocka_unit_test(bearer),
        cmocka_unit_test(sessions),
        cmocka_unit_test(full_table_drops_oldest),
        cmocka_unit_test(failed_logins_are_limited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
