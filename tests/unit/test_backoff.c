/* Unit tests for sl_backoff: ceilings, full-jitter bounds and spread, Retry-After forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sl_backoff.h"

static void ceilings_double_then_cap(void **state) {
    (void)state;
    sl_backoff_t b;
    sl_backoff_init(&b, 100, 5000, 1);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 0), 100);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 1), 200);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 5), 3200);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 6), 5000);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 1000), 5000);
    /* A cap below the base is raised to the base. */
    sl_backoff_init(&b, 300, 10, 1);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 4), 300);
}

static void huge_attempts_do_not_overflow(void **state) {
    (void)state;
    sl_backoff_t b;
    sl_backoff_init(&b, 1ull << 62, UINT64_MAX, 7);
    assert_int_equal(sl_backoff_ceiling_ms(&b, 1), 1ull << 63);
    assert_true(sl_backoff_ceiling_ms(&b, 70) == UINT64_MAX);
    (void)sl_backoff_next_ms(&b, 70); /* must not divide by zero or overflow */
}

/* Full jitter: every draw within [0, ceiling], and draws spread over the whole range. */
static void jitter_within_and_across_range(void **state) {
    (void)state;
    sl_backoff_t b;
    sl_backoff_init(&b, 1000, 60000, 42);
    unsigned low = 0, high = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t w = sl_backoff_next_ms(&b, 3);
        assert_true(w <= 8000);
        if (w < 2000)
            low++;
        if (w >= 6000)
            high++;
    }
    /* Uniform over 0..8000: a quarter below 2000, a quarter at/above 6000. */
    assert_in_range(low, 2000, 3000);
    assert_in_range(high, 2000, 3000);
}

static void same_seed_same_sequence(void **state) {
    (void)state;
    sl_backoff_t a, b;
    sl_backoff_init(&a, 50, 1000, 99);
    sl_backoff_init(&b, 50, 1000, 99);
    for (unsigned i = 0; i < 20; i++)
        assert_int_equal(sl_backoff_next_ms(&a, i), sl_backoff_next_ms(&b, i));
}

static void floor_and_max(void **state) {
    (void)state;
    sl_backoff_t b;
    sl_backoff_init(&b, 10, 20, 5);
    /* Jitter is at most 10 ms here, so a 5 s Retry-After wins exactly. */
    assert_int_equal(sl_backoff_with_floor_ms(&b, 0, 5000, 60000), 5000);
    /* ... but never beyond the caller's maximum. */
    assert_int_equal(sl_backoff_with_floor_ms(&b, 0, 3600000, 60000), 60000);
    uint64_t w = sl_backoff_with_floor_ms(&b, 0, 0, 60000);
    assert_true(w <= 10);
}

static void retry_after_delta_seconds(void **state) {
    (void)state;
    uint64_t w = 1;
    assert_int_equal(sl_retry_after_parse("120", 0, &w), 0);
    assert_int_equal(w, 120000);
    assert_int_equal(sl_retry_after_parse("  0\r\n", 0, &w), 0);
    assert_int_equal(w, 0);
    assert_int_equal(sl_retry_after_parse("99999999999999999999999", 0, &w), 0);
    assert_int_equal(w, (1ull << 31) * 1000);
    assert_int_equal(sl_retry_after_parse("12a", 0, &w), -1);
    assert_int_equal(sl_retry_after_parse("-5", 0, &w), -1);
    assert_int_equal(sl_retry_after_parse("1.5", 0, &w), -1);
    assert_int_equal(sl_retry_after_parse("", 0, &w), -1);
    assert_int_equal(sl_retry_after_parse("   ", 0, &w), -1);
    assert_int_equal(sl_retry_after_parse(NULL, 0, &w), -1);
}

/* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example date). */
static void retry_after_http_dates(void **state) {
    (void)state;
    const time_t t = 784111777;
    uint64_t w = 1;
    assert_int_equal(sl_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t - 30, &w), 0);
    assert_int_equal(w, 30000);
    assert_int_equal(sl_retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", t - 7, &w), 0);
    assert_int_equal(w, 7000);
    assert_int_equal(sl_retry_after_parse("Sun Nov  6 08:49:37 1994", t - 1, &w), 0);
    assert_int_equal(w, 1000);
    assert_int_equal(sl_retry_after_parse("Thu Nov 26 04:00:00 2026", 1795665600 - 2, &w), 0);
    assert_int_equal(w, 2000);
    /* In the past: retry now. */
    assert_int_equal(sl_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t + 100, &w), 0);
    assert_int_equal(w, 0);
    /* Two-digit years below 70 are 20xx: Wednesday, 01-Jan-25 = 1735689600. */
    assert_int_equal(sl_retry_after_parse("Wednesday, 01-Jan-25 00:00:10 GMT", 1735689600, &w), 0);
    assert_int_equal(w, 10000);
}

static void retry_after_rejects_bad_dates(void **state) {
    (void)state;
    uint64_t w = 77;
    const char *bad[] = {
        "Sun, 06 Nov 1994 08:49:37 UTC", /* GMT only */
        "Sun, 6 Nov 1994 08:49:37 GMT",  /* day is two digits */
        "Sun, 06 Foo 1994 08:49:37 GMT", /* month name */
        "Xyz, 06 Nov 1994 08:49:37 GMT", /* weekday name */
        "Sun, 06 Nov 1994 24:49:37 GMT", /* hour */
        "Sun, 06 Nov 1994 08:49:37 GMT x",
        "Sun, 06 Nov 1994",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994", /* asctime pads the day with a space */
        "tomorrow",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sl_retry_after_parse(bad[i], 0, &w), -1);
        assert_int_equal(w, 77);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ceilings_double_then_cap),
        cmocka_unit_test(huge_attempts_do_not_overflow),
        cmocka_unit_test(jitter_within_and_across_range),
        cmocka_unit_test(same_seed_same_sequence),
        cmocka_unit_test(floor_and_max),
        cmocka_unit_test(retry_after_delta_seconds),
        cmocka_unit_test(retry_after_http_dates),
        cmocka_unit_test(retry_after_rejects_bad_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
