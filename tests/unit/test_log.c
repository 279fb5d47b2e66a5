/* Unit tests for sl_log: level and format parsing, filtering, JSON escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_log.h"

/* Runs sl_log with stderr redirected to a pipe and returns what was written. */
static size_t capture(char *out, size_t cap, sl_log_level_t level, const char *msg) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    sl_log(level, "test", "%s", msg);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fds[1]);
    ssize_t n = read(fds[0], out, cap - 1);
    close(fds[0]);
    if (n < 0)
        n = 0;
    out[n] = '\0';
    return (size_t)n;
}

static void parse_levels(void **state) {
    (void)state;
    sl_log_level_t l;
    assert_int_equal(sl_log_level_parse("debug", &l), 0);
    assert_int_equal(l, SL_LOG_DEBUG);
    assert_int_equal(sl_log_level_parse("error", &l), 0);
    assert_int_equal(l, SL_LOG_ERROR);
    assert_int_equal(sl_log_level_parse("loud", &l), -1);
    sl_log_format_t f;
    assert_int_equal(sl_log_format_parse("json", &f), 0);
    assert_int_equal(f, SL_LOG_JSON);
    assert_int_equal(sl_log_format_parse("xml", &f), -1);
}

static void filters_below_level(void **state) {
    (void)state;
    char buf[4096];
    sl_log_set_format(SL_LOG_TEXT);
    sl_log_set_level(SL_LOG_WARN);
    assert_int_equal(capture(buf, sizeof buf, SL_LOG_INFO, "quiet"), 0);
    assert_true(capture(buf, sizeof buf, SL_LOG_ERROR, "loud") > 0);
    assert_non_null(strstr(buf, "error test: loud\n"));
    sl_log_set_level(SL_LOG_INFO);
}

static void json_lines_escape(void **state) {
    (void)state;
    char buf[4096];
    sl_log_set_format(SL_LOG_JSON);
    capture(buf, sizeof buf, SL_LOG_INFO, "say \"hi\"\\\n");
    sl_log_set_format(SL_LOG_TEXT);
    assert_non_null(strstr(buf, "\"level\":\"info\",\"component\":\"test\","
                                "\"msg\":\"say \\\"hi\\\"\\\\\\u000a\"}\n"));
    assert_memory_equal(buf, "{\"ts\":\"", 7);
}

/* librdkafka's syslog levels, and broker connection failures as warnings. */
static void kafka_levels(void **state) {
    (void)state;
    static const struct {
        int syslog;
        const char *fac;
        sl_log_level_t want;
    } cases[] = {
        {0, "ERROR", SL_LOG_ERROR},   {3, "ERROR", SL_LOG_ERROR},   {3, "FAIL", SL_LOG_WARN},
        {2, "FAIL", SL_LOG_WARN},     {4, "CONFWARN", SL_LOG_WARN}, {5, "REQTMOUT", SL_LOG_INFO},
        {6, "GRPCOORD", SL_LOG_INFO}, {7, "FETCH", SL_LOG_DEBUG},   {7, "FAIL", SL_LOG_DEBUG},
        {3, NULL, SL_LOG_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(sl_log_level_from_kafka(cases[i].syslog, cases[i].fac), cases[i].want);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(parse_levels), cmocka_unit_test(filters_below_level),
          cmocka_unit_test(json_lines_escape), cmocka_unit_test(kafka_levels))
