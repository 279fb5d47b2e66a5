/* Unit tests for sl_ingest_raw: byte ranges of "results" elements, exactly, across the
 * shapes a well-formed body can take, and failure on everything else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_ingest_raw.h"

/* Checks that element i of body is exactly want[i]. */
static void expect(const char *body, const char *const *want, long n) {
    sl_ingest_raw_range_t r[16];
    assert_int_equal(sl_ingest_raw_results(body, strlen(body), r, 16), n);
    for (long i = 0; i < n; i++) {
        assert_int_equal(r[i].len, strlen(want[i]));
        assert_memory_equal(body + r[i].off, want[i], r[i].len);
    }
}

static void simple_and_spaced(void **state) {
    (void)state;
    const char *w1[] = {"{\"a\":1}", "{\"b\":[1,2]}"};
    expect("{\"results\":[{\"a\":1},{\"b\":[1,2]}]}", w1, 2);
    expect(" \n{ \"results\" :\t[ {\"a\":1} ,\r\n{\"b\":[1,2]}\n] , \"info\":{} } ", w1, 2);
    const char *w2[] = {"1", "\"x\"", "null", "[]", "{}"};
    expect("{\"results\":[1,\"x\",null,[],{}]}", w2, 5);
    expect("{\"results\":[]}", NULL, 0);
}

static void strings_with_brackets_and_escapes(void **state) {
    (void)state;
    const char *w[] = {"{\"s\":\"}],{[\\\"\\\\\"}", "{\"t\":\"\\u007d\"}"};
    expect("{\"results\":[{\"s\":\"}],{[\\\"\\\\\"},{\"t\":\"\\u007d\"}]}", w, 2);
}

static void results_after_other_keys(void **state) {
    (void)state;
    const char *w[] = {"{\"id\":2}"};
    expect("{\"info\":{\"results\":[9,9],\"x\":\"]\"},\"n\":-1.5e3,\"ok\":true,"
           "\"results\":[{\"id\":2}]}",
           w, 1);
}

static void more_than_max(void **state) {
    (void)state;
    const char *body = "{\"results\":[1,2,3,4,5]}";
    sl_ingest_raw_range_t r[2];
    assert_int_equal(sl_ingest_raw_results(body, strlen(body), r, 2), 5);
    assert_memory_equal(body + r[1].off, "2", 1);
}

static void failures(void **state) {
    (void)state;
    const char *bad[] = {
        "",
        "[1,2]",
        "{\"error\":\"x\"}",           /* no results */
        "{\"results\":{\"a\":1}}",     /* not an array */
        "{\"results\":[{\"a\":1}",     /* cut short */
        "{\"results\":[{\"a\":\"1}]}", /* unterminated string */
        "{\"results\":[1 2]}",         /* missing comma */
        "{\"res\\u0075lts\":[1]}",     /* escaped key: not recognised */
        "{\"results\":[{]}]}",         /* unbalanced */
        "{\"results\"",
    };
    sl_ingest_raw_range_t r[4];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sl_ingest_raw_results(bad[i], strlen(bad[i]), r, 4) != -1)
            fail_msg("accepted: %s", bad[i]);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(simple_and_spaced),
          cmocka_unit_test(strings_with_brackets_and_escapes),
          cmocka_unit_test(results_after_other_keys), cmocka_unit_test(more_than_max),
          cmocka_unit_test(failures))
