/* Unit tests for sl_hist: bucketing, quantile estimates, Prometheus rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_hist.h"
#include "sl_processor.h"

static void buckets_and_render(void **state) {
    (void)state;
    sl_hist_t h;
    sl_hist_init_latency(&h);
    sl_hist_observe(&h, 0.00005); /* first bucket */
    sl_hist_observe(&h, 0.001);   /* exactly on a bound: le is inclusive */
    sl_hist_observe(&h, 0.003);
    sl_hist_observe(&h, 99); /* +Inf */
    assert_int_equal(h.count, 4);
    assert_int_equal(h.counts[0], 1);
    assert_int_equal(h.counts[3], 1);
    assert_int_equal(h.counts[5], 1);
    assert_int_equal(h.counts[h.n_bounds], 1);

    char out[4096];
    size_t len = 0;
    assert_int_equal(sl_hist_render(&h, "x_seconds", "partition=\"2\"", out, sizeof out, &len), 0);
    assert_contains(out, "x_seconds_bucket{partition=\"2\",le=\"0.0001\"} 1\n",
                    "x_seconds_bucket{partition=\"2\",le=\"0.001\"} 2\n",
                    "x_seconds_bucket{partition=\"2\",le=\"30\"} 3\n",
                    "x_seconds_bucket{partition=\"2\",le=\"+Inf\"} 4\n",
                    "x_seconds_count{partition=\"2\"} 4\n",
                    "x_seconds_sum{partition=\"2\"} 99.004050\n");
    assert_int_equal(len, strlen(out));

    len = 0;
    assert_int_equal(sl_hist_render(&h, "y", NULL, out, sizeof out, &len), 0);
    assert_contains(out, "y_bucket{le=\"0.0025\"} 2\n", "y_count 4\n");
    len = 0;
    assert_int_equal(sl_hist_render(&h, "y", NULL, out, 64, &len), -1);
}

static void quantiles(void **state) {
    (void)state;
    sl_hist_t h;
    sl_hist_init_latency(&h);
    assert_true(sl_hist_quantile(&h, 0.5) == 0);
    for (int i = 0; i < 100; i++)
        sl_hist_observe(&h, 0.004); /* all in (0.0025, 0.005] */
    double p50 = sl_hist_quantile(&h, 0.5);
    assert_true(p50 > 0.0025 && p50 <= 0.005);
    sl_hist_observe(&h, 20);
    double p99 = sl_hist_quantile(&h, 0.99);
    assert_true(p99 > 0.0025 && p99 <= 0.005); /* 100 of 101 below 5 ms */
    assert_true(sl_hist_quantile(&h, 0.999) > 10);
}

/* A quantile beyond the top bucket prints as "> top", never as a made-up number; the
 * end-to-end histogram reaches 10 minutes, so a processor catching up on a backlog for
 * minutes still gets measured quantiles. */
static void quantile_text_overflow(void **state) {
    (void)state;
    char q50[32], q99[32];
    sl_hist_t h;
    sl_hist_init_latency(&h);
    assert_string_equal(sl_hist_quantile_text(&h, 0.5, q50, sizeof q50), "0.0 ms");
    for (int i = 0; i < 10; i++)
        sl_hist_observe(&h, 45); /* every one past the top bound, 30 s */
    assert_string_equal(sl_hist_quantile_text(&h, 0.5, q50, sizeof q50), "> 30 s");
    assert_string_equal(sl_hist_quantile_text(&h, 0.99, q99, sizeof q99), "> 30 s");
    for (int i = 0; i < 90; i++)
        sl_hist_observe(&h, 0.004);
    /* 90 of 100 in (2.5 ms, 5 ms]: the median is a number, the p99 still beyond */
    sl_hist_quantile_text(&h, 0.5, q50, sizeof q50);
    assert_true(strcmp(q50, "2.5 ms") >= 0 && strcmp(q50, "5.0 ms") <= 0 && strlen(q50) == 6);
    assert_string_equal(sl_hist_quantile_text(&h, 0.99, q99, sizeof q99), "> 30 s");
    char tiny[4];
    assert_string_equal(sl_hist_quantile_text(&h, 0.99, tiny, sizeof tiny), "> 3");

    sl_hist_t e2e;
    sl_processor_e2e_init(&e2e);
    assert_true(e2e.bounds[e2e.n_bounds - 1] == 600);
    for (int i = 0; i < 100; i++)
        sl_hist_observe(&e2e, 200); /* a demo's backlog, minutes behind */
    sl_hist_quantile_text(&e2e, 0.5, q50, sizeof q50);
    assert_false(sl_hist_quantile_beyond(&e2e, 0.5));
    double p50 = sl_hist_quantile(&e2e, 0.5);
    assert_true(p50 > 120 && p50 <= 300);
    assert_int_equal(q50[0] != '>', 1);
    sl_hist_observe(&e2e, 601);
    for (int i = 0; i < 200; i++)
        sl_hist_observe(&e2e, 900);
    assert_string_equal(sl_hist_quantile_text(&e2e, 0.5, q50, sizeof q50), "> 600 s");
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(buckets_and_render), cmocka_unit_test(quantiles),
          cmocka_unit_test(quantile_text_overflow))
