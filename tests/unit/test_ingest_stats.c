/* Unit tests for sl_ingest_stats: the books (complete / undelivered), the histogram,
 * and the exact Prometheus, JSON and progress renderings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_ingest_stats.h"

static sl_ingest_stats_t sample(void) {
    sl_ingest_stats_t s;
    sl_ingest_stats_init(&s);
    s.users_fetched = 1000;
    s.enqueued = 990;
    s.produced = 990;
    s.rejected = 10;
    s.rejected_by[SL_REJECT_BAD_EMAIL] = 7;
    s.rejected_by[SL_REJECT_MISSING_NAME] = 3;
    s.dlq_enqueued = 10;
    s.dlq_produced = 10;
    s.requests[SL_INGEST_OUTCOME_OK] = 2;
    s.requests[SL_INGEST_OUTCOME_THROTTLED] = 1;
    s.retries = 1;
    s.pages_ok = 2;
    s.elapsed_s = 2.0;
    return s;
}

static void books_balance(void **state) {
    (void)state;
    sl_ingest_stats_t s = sample();
    assert_true(sl_ingest_stats_complete(&s));
    assert_int_equal(sl_ingest_stats_undelivered(&s), 0);
    assert_int_equal(sl_ingest_stats_dlq_undelivered(&s), 0);
    assert_int_equal(sl_ingest_stats_requests(&s), 3);

    /* One record failed delivery: 1 undelivered, not complete. */
    s.produced = 989;
    s.delivery_failed = 1;
    assert_false(sl_ingest_stats_complete(&s));
    assert_int_equal(sl_ingest_stats_undelivered(&s), 1);

    /* Still in flight at exit (no report): also undelivered. */
    s = sample();
    s.produced = 900;
    assert_false(sl_ingest_stats_complete(&s));
    assert_int_equal(sl_ingest_stats_undelivered(&s), 90); /* 1000 - 900 - 10 rejected */

    /* A dead letter not acknowledged. */
    s = sample();
    s.dlq_produced = 9;
    assert_false(sl_ingest_stats_complete(&s));
    assert_int_equal(sl_ingest_stats_dlq_undelivered(&s), 1);

    /* A page given up: incomplete even though what was fetched is delivered. */
    s = sample();
    s.pages_failed = 1;
    assert_false(sl_ingest_stats_complete(&s));
    assert_int_equal(sl_ingest_stats_undelivered(&s), 0);

    /* Never negative. */
    memset(&s, 0, sizeof s);
    s.produced = 5;
    assert_int_equal(sl_ingest_stats_undelivered(&s), 0);
}

static void histogram_buckets(void **state) {
    (void)state;
    sl_ingest_stats_t s;
    sl_ingest_stats_init(&s);
    sl_ingest_stats_observe(&s, 0.001); /* <= 0.005 */
    sl_ingest_stats_observe(&s, 0.005); /* le is inclusive */
    sl_ingest_stats_observe(&s, 0.3);   /* <= 0.5 */
    sl_ingest_stats_observe(&s, 99);    /* +Inf */
    assert_int_equal(s.request_secs.n_bounds, 12);
    assert_true(s.request_secs.bounds[0] == 0.005 && s.request_secs.bounds[11] == 30);
    assert_int_equal(s.request_secs.counts[0], 2);
    assert_int_equal(s.request_secs.counts[6], 1);
    assert_int_equal(s.request_secs.counts[12], 1);
    assert_int_equal(s.request_secs.count, 4);
    assert_true(s.request_secs.sum > 99.305 && s.request_secs.sum < 99.307);
}

static void prometheus_text(void **state) {
    (void)state;
    sl_ingest_stats_t s = sample();
    sl_ingest_stats_observe(&s, 0.02);
    sl_ingest_stats_observe(&s, 0.7);
    size_t need = sl_ingest_stats_prometheus(&s, NULL, 0);
    char *buf = malloc(need + 1);
    assert_non_null(buf);
    assert_int_equal(sl_ingest_stats_prometheus(&s, buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    assert_contains(buf,
                    "# TYPE sluice_ingest_users_fetched_total counter\n"
                    "sluice_ingest_users_fetched_total 1000\n",
                    "\nsluice_ingest_records_produced_total 990\n",
                    "sluice_ingest_records_rejected_total{reason=\"missing_name\"} 3\n"
                    "sluice_ingest_records_rejected_total{reason=\"bad_email\"} 7\n");
    assert_null(strstr(buf, "reason=\"bad_id\""));
    assert_contains(buf, "sluice_ingest_requests_total{outcome=\"ok\"} 2\n",
                    "sluice_ingest_requests_total{outcome=\"throttled\"} 1\n",
                    "sluice_ingest_requests_total{outcome=\"timeout\"} 0\n",
                    "sluice_ingest_records_in_flight 0\n",
                    "sluice_ingest_request_duration_seconds_bucket{le=\"0.01\"} 0\n"
                    "sluice_ingest_request_duration_seconds_bucket{le=\"0.025\"} 1\n",
                    "sluice_ingest_request_duration_seconds_bucket{le=\"0.5\"} 1\n"
                    "sluice_ingest_request_duration_seconds_bucket{le=\"1\"} 2\n",
                    "sluice_ingest_request_duration_seconds_bucket{le=\"+Inf\"} 2\n"
                    "sluice_ingest_request_duration_seconds_sum 0.720000\n"
                    "sluice_ingest_request_duration_seconds_count 2\n");
    free(buf);
}

static void json_summary(void **state) {
    (void)state;
    sl_ingest_stats_t s = sample();
    char buf[2048];
    size_t n = sl_ingest_stats_json(&s, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(
        buf, "{\"users_fetched\":1000,\"produced\":990,\"rejected\":10,\"undelivered\":0,"
             "\"delivery_failed\":0,\"dlq_produced\":10,\"dlq_failed\":0,\"dlq_undelivered\":0,"
             "\"pages_ok\":2,\"pages_failed\":0,\"requests\":3,\"retries\":1,\"bytes\":0,"
             "\"queue_full\":0,\"elapsed_s\":2.000,\"users_per_s\":500.0,\"complete\":true,"
             "\"rejected_by\":{\"missing_name\":3,\"bad_email\":7},"
             "\"requests_by\":{\"ok\":2,\"throttled\":1}}");
    /* snprintf semantics on a short buffer. */
    char small[10];
    assert_int_equal(sl_ingest_stats_json(&s, small, sizeof small), n);
    assert_string_equal(small, "{\"users_f");
}

static void progress_line(void **state) {
    (void)state;
    sl_ingest_stats_t s = sample();
    char buf[256];
    sl_ingest_stats_progress(&s, 1234.4, buf, sizeof buf);
    assert_string_equal(buf, "fetched 1000  produced 990  rejected 10  failed requests 1  "
                             "1234 users/s");
}

static void outcome_labels(void **state) {
    (void)state;
    assert_string_equal(sl_ingest_outcome_label(SL_INGEST_OUTCOME_OK), "ok");
    assert_string_equal(sl_ingest_outcome_label(SL_INGEST_OUTCOME_CONNECT), "connect_error");
    assert_string_equal(sl_ingest_outcome_label(SL_INGEST_OUTCOME_OTHER), "other_error");
    assert_string_equal(sl_ingest_outcome_label(SL_INGEST_OUTCOME_COUNT), "unknown");
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(books_balance), cmocka_unit_test(histogram_buckets),
          cmocka_unit_test(prometheus_text), cmocka_unit_test(json_summary),
          cmocka_unit_test(progress_line), cmocka_unit_test(outcome_labels))
