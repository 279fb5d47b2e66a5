/* Unit tests for sl_backoff and the CQL library's copy of it (one table of vectors for both):
 * ceilings, exact seeded draws, full-jitter bounds and spread; Retry-After forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "sl_backoff.h"

/* The CQL library keeps a private copy of sl_backoff (it depends on nothing of sluice):
 * every backoff test below runs against both through this table, so the copies cannot
 * drift apart. */
/* Room for either state struct. */
typedef union {
    sl_backoff_t sl;
    cql_backoff_t cql;
} state_t;

static const char *const impl_names[] = {"sl_backoff", "cql_backoff"};
#define N_IMPLS 2

/* Implementation k (0: sl_backoff, 1: cql_backoff) on its member of b. */
static void b_init(int k, state_t *b, uint64_t base, uint64_t cap, uint64_t seed) {
    if (k)
        cql_backoff_init(&b->cql, base, cap, seed);
    else
        sl_backoff_init(&b->sl, base, cap, seed);
}
static uint64_t b_ceiling(int k, const state_t *b, unsigned attempt) {
    return k ? cql_backoff_ceiling_ms(&b->cql, attempt) : sl_backoff_ceiling_ms(&b->sl, attempt);
}
static uint64_t b_next(int k, state_t *b, unsigned attempt) {
    return k ? cql_backoff_next_ms(&b->cql, attempt) : sl_backoff_next_ms(&b->sl, attempt);
}

/* (base, cap, attempt) -> ceiling, with a cap below the base raised to the base. */
static const struct {
    uint64_t base, cap;
    unsigned attempt;
    uint64_t ceiling;
} ceilings[] = {
    {100, 5000, 0, 100},
    {100, 5000, 1, 200},
    {100, 5000, 5, 3200},
    {100, 5000, 6, 5000},
    {100, 5000, 1000, 5000},
    {300, 10, 4, 300},
    {500, 30000, 3, 4000},
    {1ull << 62, UINT64_MAX, 1, 1ull << 63},
    {1ull << 62, UINT64_MAX, 70, UINT64_MAX},
};

/* Exact draws for a seed (xorshift64 13/7/17, then modulo ceiling + 1), computed with an
 * independent reference implementation; seed 0 means the fixed default seed. */
static const struct {
    uint64_t base, cap, seed;
    unsigned n;
    unsigned attempts[10];
    uint64_t want[10];
} draws[] = {
    {50, 1000, 99, 8, {0, 1, 2, 3, 4, 5, 6, 7}, {10, 43, 178, 49, 574, 615, 363, 614}},
    {500,
     30000,
     1,
     10,
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
     {42, 328, 846, 376, 3182, 12271, 19933, 709, 1293, 3062}},
    {200, 2000, 0, 6, {0, 0, 1, 1, 5, 30}, {48, 99, 44, 129, 842, 1284}},
};

static void ceiling_vectors(void **state) {
    (void)state;
    for (int k = 0; k < N_IMPLS; k++) {
        for (size_t i = 0; i < sizeof ceilings / sizeof ceilings[0]; i++) {
            state_t b;
            b_init(k, &b, ceilings[i].base, ceilings[i].cap, 1);
            if (b_ceiling(k, &b, ceilings[i].attempt) != ceilings[i].ceiling)
                fail_msg("%s: vector %zu", impl_names[k], i);
        }
        state_t b;
        b_init(k, &b, 1ull << 62, UINT64_MAX, 7);
        (void)b_next(k, &b, 70); /* must not divide by zero or overflow */
    }
}

static void draw_vectors(void **state) {
    (void)state;
    for (int k = 0; k < N_IMPLS; k++) {
        for (size_t i = 0; i < sizeof draws / sizeof draws[0]; i++) {
            state_t b;
            b_init(k, &b, draws[i].base, draws[i].cap, draws[i].seed);
            for (unsigned j = 0; j < draws[i].n; j++)
                if (b_next(k, &b, draws[i].attempts[j]) != draws[i].want[j])
                    fail_msg("%s: vector %zu, draw %u", impl_names[k], i, j);
        }
    }
}

/* Full jitter: every draw within [0, ceiling], and draws spread over the whole range. */
static void jitter_within_and_across_range(void **state) {
    (void)state;
    for (int k = 0; k < N_IMPLS; k++) {
        state_t b;
        b_init(k, &b, 1000, 60000, 42);
        unsigned low = 0, high = 0;
        for (int i = 0; i < 10000; i++) {
            uint64_t w = b_next(k, &b, 3);
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
    assert_int_equal(sl_backoff_retry_after_parse("120", 0, &w), 0);
    assert_int_equal(w, 120000);
    assert_int_equal(sl_backoff_retry_after_parse("  0\r\n", 0, &w), 0);
    assert_int_equal(w, 0);
    assert_int_equal(sl_backoff_retry_after_parse("99999999999999999999999", 0, &w), 0);
    assert_int_equal(w, (1ull << 31) * 1000);
    assert_int_equal(sl_backoff_retry_after_parse("12a", 0, &w), -1);
    assert_int_equal(sl_backoff_retry_after_parse("-5", 0, &w), -1);
    assert_int_equal(sl_backoff_retry_after_parse("1.5", 0, &w), -1);
    assert_int_equal(sl_backoff_retry_after_parse("", 0, &w), -1);
    assert_int_equal(sl_backoff_retry_after_parse("   ", 0, &w), -1);
    assert_int_equal(sl_backoff_retry_after_parse(NULL, 0, &w), -1);
}

/* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example date). */
static void retry_after_http_dates(void **state) {
    (void)state;
    const time_t t = 784111777;
    uint64_t w = 1;
    assert_int_equal(sl_backoff_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t - 30, &w), 0);
    assert_int_equal(w, 30000);
    assert_int_equal(sl_backoff_retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", t - 7, &w), 0);
    assert_int_equal(w, 7000);
    assert_int_equal(sl_backoff_retry_after_parse("Sun Nov  6 08:49:37 1994", t - 1, &w), 0);
    assert_int_equal(w, 1000);
    assert_int_equal(sl_backoff_retry_after_parse("Thu Nov 26 04:00:00 2026", 1795665600 - 2, &w),
                     0);
    assert_int_equal(w, 2000);
    /* In the past: retry now. */
    assert_int_equal(sl_backoff_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", t + 100, &w), 0);
    assert_int_equal(w, 0);
    /* Two-digit years below 70 are 20xx: Wednesday, 01-Jan-25 = 1735689600. */
    assert_int_equal(
        sl_backoff_retry_after_parse("Wednesday, 01-Jan-25 00:00:10 GMT", 1735689600, &w), 0);
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
        assert_int_equal(sl_backoff_retry_after_parse(bad[i], 0, &w), -1);
        assert_int_equal(w, 77);
    }
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(ceiling_vectors), cmocka_unit_test(draw_vectors),
          cmocka_unit_test(jitter_within_and_across_range), cmocka_unit_test(floor_and_max),
          cmocka_unit_test(retry_after_delta_seconds), cmocka_unit_test(retry_after_http_dates),
          cmocka_unit_test(retry_after_rejects_bad_dates))
