/* Unit tests for sl_console_param: numbers, times, names, cookies, component specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sl_console_param.h"

static void integers(void **state) {
    (void)state;
    int64_t v = 7;
    assert_int_equal(sl_console_param_i64("42", 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(sl_console_param_i64("-1", -1, 100, &v), 0);
    assert_int_equal(v, -1);
    assert_int_equal(sl_console_param_i64("9223372036854775807", 0, INT64_MAX, &v), 0);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(sl_console_param_i64("-9223372036854775808", INT64_MIN, 0, &v), 0);
    assert_true(v == INT64_MIN);
    const char *bad[] = {"",
                         "-",
                         "1x",
                         " 1",
                         "1 ",
                         "+1",
                         "9223372036854775808",
                         "101",
                         "0x10",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sl_console_param_i64(bad[i], 0, 100, &v), -1);
    assert_int_equal(sl_console_param_i64(NULL, 0, 100, &v), -1);
}

static void times(void **state) {
    (void)state;
    int64_t t;
    assert_int_equal(sl_console_param_time_ms("1700000000123", &t), 0);
    assert_int_equal(t, 1700000000123LL);
    assert_int_equal(sl_console_param_time_ms("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(sl_console_param_time_ms("2026-12-01T10:20:30.5Z", &t), 0);
    assert_int_equal(t, 1796120430500LL);
    assert_int_equal(sl_console_param_time_ms("2026-12-01T12:20:30.5+02:00", &t), 0);
    assert_int_equal(t, 1796120430500LL);
    assert_int_equal(sl_console_param_time_ms("2026-12-01 10:20", &t), 0);
    assert_int_equal(t, 1796120400000LL);
    assert_int_equal(sl_console_param_time_ms("2024-02-29T00:00:00Z", &t), 0);
    assert_int_equal(t, 1709164800000LL);
    const char *bad[] = {"",
                         "2023-02-29T00:00:00Z",
                         "2026-13-01T00:00Z",
                         "2026-12-01",
                         "2026-12-01T24:00Z",
                         "2026-12-01T10:20:30.Z",
                         "2026-12-01T10:20Zx",
                         "2026-12-01T10:20+2",
                         "1969-12-31T23:59:59Z",
                         "12a",
                         "2026-12-01T10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sl_console_param_time_ms(bad[i], &t), -1);
}

static void names(void **state) {
    (void)state;
    assert_true(sl_console_param_topic_ok("users_created.dlq"));
    assert_true(sl_console_param_topic_ok("a-B_9"));
    assert_false(sl_console_param_topic_ok(""));
    assert_false(sl_console_param_topic_ok("."));
    assert_false(sl_console_param_topic_ok(".."));
    assert_false(sl_console_param_topic_ok("a b"));
    assert_false(sl_console_param_topic_ok("<x>"));
    assert_false(sl_console_param_topic_ok("a/b"));
    char long_name[260];
    memset(long_name, 'a', 250);
    long_name[250] = '\0';
    assert_false(sl_console_param_topic_ok(long_name));
    long_name[249] = '\0';
    assert_true(sl_console_param_topic_ok(long_name));
    assert_true(sl_console_param_group_ok("sluice-process"));
    assert_true(sl_console_param_group_ok("g/1:x"));
    assert_false(sl_console_param_group_ok("a b"));
    assert_false(sl_console_param_group_ok("a\"b"));
    assert_false(sl_console_param_group_ok("caf\xc3\xa9"));
    assert_false(sl_console_param_group_ok(""));
}

static void cookies(void **state) {
    (void)state;
    char v[16];
    assert_int_equal(sl_console_param_cookie("a=1; sid=abc; b=2", "sid", v, sizeof v), 0);
    assert_string_equal(v, "abc");
    assert_int_equal(sl_console_param_cookie("sid=\"q\"", "sid", v, sizeof v), 0);
    assert_string_equal(v, "q");
    assert_int_equal(sl_console_param_cookie("xsid=1;sid = 2 ", "sid", v, sizeof v), 0);
    assert_string_equal(v, "2");
    assert_int_equal(sl_console_param_cookie("sidx=1", "sid", v, sizeof v), -1);
    assert_int_equal(sl_console_param_cookie("sid", "sid", v, sizeof v), -1);
    assert_int_equal(sl_console_param_cookie(";;;", "sid", v, sizeof v), -1);
    assert_int_equal(sl_console_param_cookie("sid=0123456789abcdef", "sid", v, sizeof v), -1);
    assert_int_equal(sl_console_param_cookie(NULL, "sid", v, sizeof v), -1);
}

static void components(void **state) {
    (void)state;
    char name[40], url[64];
    assert_int_equal(sl_console_param_component("ingest=http://127.0.0.1:9107/", name, sizeof name,
                                                url, sizeof url),
                     0);
    assert_string_equal(name, "ingest");
    assert_string_equal(url, "http://127.0.0.1:9107");
    assert_int_equal(
        sl_console_param_component("p.1=https://h:1", name, sizeof name, url, sizeof url), 0);
    const char *bad[] = {"=http://h:1", "x=ftp://h", "x y=http://h:1", "x=http://h 1",
                         "x=http://",   "noequals",  "x=http://h:1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sl_console_param_component(bad[i], name, sizeof name, url, sizeof url),
                         -1);
    char p[8];
    sl_console_param_printable("a\nb\xc3\xa9"
                               "cdefgh",
                               p, sizeof p);
    assert_string_equal(p, "a?b??cd");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers), cmocka_unit_test(times),      cmocka_unit_test(names),
        cmocka_unit_test(cookies),  cmocka_unit_test(components),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
