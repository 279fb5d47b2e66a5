/* Unit tests for sl_ingest_plan: page sequence and sizes, rate pacing, page URLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_ingest_plan.h"

static void pages_cover_count_exactly(void **state) {
    (void)state;
    sl_ingest_plan_t p;
    sl_ingest_plan_init(&p, 12345, 5000);
    uint64_t page;
    unsigned results;
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 1);
    assert_int_equal(page, 1);
    assert_int_equal(results, 5000);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 1);
    assert_int_equal(page, 2);
    assert_int_equal(results, 5000);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 1);
    assert_int_equal(page, 3);
    assert_int_equal(results, 2345);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 0);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 0);
    assert_int_equal(p.planned, 12345);
}

static void exact_multiple_and_small_counts(void **state) {
    (void)state;
    sl_ingest_plan_t p;
    uint64_t page;
    unsigned results, pages = 0, total = 0;
    sl_ingest_plan_init(&p, 3000, 1000);
    while (sl_ingest_plan_next(&p, &page, &results)) {
        pages++;
        total += results;
        assert_int_equal(results, 1000);
        assert_int_equal(page, pages);
    }
    assert_int_equal(pages, 3);
    assert_int_equal(total, 3000);
    sl_ingest_plan_init(&p, 1, 5000);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 1);
    assert_int_equal(results, 1);
    assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 0);
}

static void unbounded_never_ends(void **state) {
    (void)state;
    sl_ingest_plan_t p;
    sl_ingest_plan_init(&p, 0, 7);
    uint64_t page = 0;
    unsigned results;
    for (int i = 0; i < 100000; i++) {
        assert_int_equal(sl_ingest_plan_next(&p, &page, &results), 1);
        assert_int_equal(results, 7);
    }
    assert_int_equal(page, 100000);
}

static void pacing(void **state) {
    (void)state;
    assert_int_equal(sl_ingest_plan_pace_ms(0, 123456), 0); /* no cap */
    assert_int_equal(sl_ingest_plan_pace_ms(1000, 0), 0);
    /* 1000 users/s: the request after 5000 users may start at 5 s. */
    assert_int_equal(sl_ingest_plan_pace_ms(1000, 5000), 5000);
    assert_int_equal(sl_ingest_plan_pace_ms(250, 1000), 4000);
    assert_int_equal(sl_ingest_plan_pace_ms(100000, 1000000), 10000);
}

static void url_forms(void **state) {
    (void)state;
    char u[256];
    int n = sl_ingest_plan_url(u, sizeof u, "https://randomuser.me/api/", 5000, NULL, 1, NULL);
    assert_string_equal(u, "https://randomuser.me/api/?results=5000");
    assert_int_equal(n, (int)strlen(u));
    sl_ingest_plan_url(u, sizeof u, "http://127.0.0.1:8000/api/", 10, "abc", 3, "gb,fr");
    assert_string_equal(u, "http://127.0.0.1:8000/api/?results=10&seed=abc&page=3&nat=gb,fr");
    sl_ingest_plan_url(u, sizeof u, "http://h/api/?inc=name", 2, "", 9, "");
    assert_string_equal(u, "http://h/api/?inc=name&results=2");
    sl_ingest_plan_url(u, sizeof u, "http://h/api/?", 2, NULL, 9, NULL);
    assert_string_equal(u, "http://h/api/?results=2");
    /* Seeds and lists are percent-encoded. */
    sl_ingest_plan_url(u, sizeof u, "http://h/", 1, "a b&c=d/é", 18446744073709551615ull, "us fr");
    assert_string_equal(u, "http://h/?results=1&seed=a%20b%26c%3Dd%2F%C3%A9"
                           "&page=18446744073709551615&nat=us%20fr");
}

static void url_too_long(void **state) {
    (void)state;
    char u[32];
    assert_int_equal(sl_ingest_plan_url(u, sizeof u, "http://h/api/", 5000, NULL, 1, NULL), 26);
    assert_int_equal(sl_ingest_plan_url(u, sizeof u, "http://h/api/", 5000, "seed", 1, NULL), -1);
    assert_int_equal(sl_ingest_plan_url(u, 26, "http://h/api/", 5000, NULL, 1, NULL), -1);
    assert_int_equal(sl_ingest_plan_url(u, 27, "http://h/api/", 5000, NULL, 1, NULL), 26);
    assert_int_equal(sl_ingest_plan_url(u, sizeof u, "http://h/api/", 50, NULL, 1, "gb,fr,de,es"),
                     -1);
    assert_int_equal(sl_ingest_plan_url(NULL, 10, "http://h", 1, NULL, 1, NULL), -1);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(pages_cover_count_exactly),
          cmocka_unit_test(exact_multiple_and_small_counts), cmocka_unit_test(unbounded_never_ends),
          cmocka_unit_test(pacing), cmocka_unit_test(url_forms), cmocka_unit_test(url_too_long))
