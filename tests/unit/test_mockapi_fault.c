/* Unit tests for the mock API's fault injector and server: decision rates and determinism,
 * broken JSON that no parser accepts, and a live server over loopback whose every response
 * is predicted byte for byte from (fault seed, request number) and the generator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <yajl/yajl_tree.h>

#include "test_http_client.h"
#include "test_util.h"
#include "sl_mockapi.h"
#include "sl_mockapi_gen.h"

static sl_mockapi_fault_conf_t mixed_conf(uint64_t seed) {
    sl_mockapi_fault_conf_t c;
    memset(&c, 0, sizeof c);
    c.fail_rate = 0.10;
    c.throttle_rate = 0.05;
    c.truncate_rate = 0.05;
    c.malformed_rate = 0.05;
    c.error_rate = 0.05;
    c.retry_after_s = 2;
    c.fault_seed = seed;
    return c;
}

static void conf_check_rejects_bad_rates(void **state) {
    (void)state;
    char err[128];
    sl_mockapi_fault_conf_t c = mixed_conf(1);
    assert_int_equal(sl_mockapi_fault_conf_check(&c, err, sizeof err), 0);
    c.fail_rate = 1.5;
    assert_int_equal(sl_mockapi_fault_conf_check(&c, err, sizeof err), -1);
    assert_string_equal(err, "--fail-rate must be between 0 and 1, got 1.5");
    c = mixed_conf(1);
    c.error_rate = 0.8;
    assert_int_equal(sl_mockapi_fault_conf_check(&c, err, sizeof err), -1);
    assert_string_equal(err, "the fault rates add up to 1.05; at most 1 is possible");
    c = mixed_conf(1);
    c.malformed_rate = -0.1;
    assert_int_equal(sl_mockapi_fault_conf_check(&c, err, sizeof err), -1);
}

static void decisions_follow_rates(void **state) {
    (void)state;
    sl_mockapi_fault_conf_t c = mixed_conf(42);
    c.latency_ms = 10;
    c.latency_jitter_ms = 5;
    size_t count[SL_MOCKAPI_FAULT_OUTCOME_COUNT] = {0};
    size_t lat_seen[6] = {0};
    const size_t n = 100000;
    for (uint64_t i = 0; i < n; i++) {
        sl_mockapi_fault_decision_t d = sl_mockapi_fault_decide(&c, i);
        sl_mockapi_fault_decision_t again = sl_mockapi_fault_decide(&c, i);
        assert_memory_equal(&d, &again, sizeof d);
        count[d.outcome]++;
        assert_true(d.latency_ms >= 10 && d.latency_ms <= 15);
        lat_seen[d.latency_ms - 10]++;
        switch (d.outcome) {
        case SL_MOCKAPI_FAULT_FAIL:
            assert_true(d.status == 500 || d.status == 502 || d.status == 503 || d.status == 504);
            break;
        case SL_MOCKAPI_FAULT_THROTTLE: assert_int_equal(d.status, 429); break;
        case SL_MOCKAPI_FAULT_ERROR: assert_true(d.status == 200 || d.status == 500); break;
        case SL_MOCKAPI_FAULT_TRUNCATE:
            assert_true(d.cut_share >= 0.1 && d.cut_share <= 0.9);
            assert_int_equal(d.status, 200);
            break;
        default: assert_int_equal(d.status, 200); break;
        }
    }
    /* within 0.5 percentage points of the configured shares */
    const double want[] = {0.70, 0.10, 0.05, 0.05, 0.05, 0.05};
    for (int o = 0; o < SL_MOCKAPI_FAULT_OUTCOME_COUNT; o++) {
        double got = (double)count[o] / (double)n;
        if (got < want[o] - 0.005 || got > want[o] + 0.005)
            fail_msg("%s: share %.4f, want %.2f",
                     sl_mockapi_fault_outcome_str((sl_mockapi_fault_outcome_t)o), got, want[o]);
    }
    for (int i = 0; i <= 5; i++)
        assert_true(lat_seen[i] > n / 6 - n / 60 && lat_seen[i] < n / 6 + n / 60);
    /* and for this seed, exactly these counts: a change of the decision function shows */
    const size_t exact[] = {69931, 10082, 4886, 5036, 5081, 4984};
    for (int o = 0; o < SL_MOCKAPI_FAULT_OUTCOME_COUNT; o++)
        assert_int_equal(count[o], exact[o]);

    /* another seed, another sequence */
    sl_mockapi_fault_conf_t other = mixed_conf(43);
    size_t differ = 0;
    for (uint64_t i = 0; i < 1000; i++)
        differ +=
            sl_mockapi_fault_decide(&c, i).outcome != sl_mockapi_fault_decide(&other, i).outcome;
    assert_true(differ > 100);

    /* no faults configured: every request is ok, with exactly the latency asked */
    sl_mockapi_fault_conf_t none;
    memset(&none, 0, sizeof none);
    none.latency_ms = 7;
    for (uint64_t i = 0; i < 10000; i++) {
        sl_mockapi_fault_decision_t d = sl_mockapi_fault_decide(&none, i);
        assert_int_equal(d.outcome, SL_MOCKAPI_FAULT_OK);
        assert_int_equal(d.latency_ms, 7);
    }
    assert_string_equal(sl_mockapi_fault_outcome_str(SL_MOCKAPI_FAULT_TRUNCATE), "truncated");
    assert_string_equal(sl_mockapi_fault_outcome_str(SL_MOCKAPI_FAULT_FAIL), "5xx");
}

static void broken_json_never_parses(void **state) {
    (void)state;
    for (uint32_t results = 1; results <= 4; results++) {
        sl_mockapi_gen_args_t a = {NULL, "brk", NULL, NULL, NULL, NULL, NULL, NULL};
        char rs[8];
        snprintf(rs, sizeof rs, "%u", results);
        a.results = rs;
        sl_mockapi_gen_req_t r;
        sl_mockapi_gen_req_from_args(&r, &a, 1, 2026);
        char *body;
        size_t len;
        assert_int_equal(sl_mockapi_gen_render(&r, &body, &len), SL_MOCKAPI_OK);
        char err[128];
        yajl_val v = yajl_tree_parse(body, err, sizeof err);
        assert_non_null(v);
        yajl_tree_free(v);
        char *copy = strdup(body);
        sl_mockapi_fault_break_json(body, len);
        assert_int_equal(strlen(body), len);
        size_t changed = 0;
        for (size_t i = 0; i < len; i++)
            changed += body[i] != copy[i];
        assert_int_equal(changed, 1);
        assert_null(yajl_tree_parse(body, err, sizeof err));
        free(copy);
        free(body);
    }
}

/* ---------------------------------------------------------------- live server */

static unsigned long long metric(const char *text, const char *name) {
    const char *p = text;
    size_t n = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == ' ')
            return strtoull(p + n + 1, NULL, 10);
        p += n;
    }
    fail_msg("metric %s missing", name);
    return 0;
}

static void server_serves_predicted_faults(void **state) {
    (void)state;
    sl_mockapi_conf_t conf;
    memset(&conf, 0, sizeof conf);
    conf.listen = "127.0.0.1:0";
    conf.fault = mixed_conf(7);
    sl_mockapi_t *m;
    char err[256];
    assert_int_equal(sl_mockapi_start(&conf, &m, err, sizeof err), SL_MOCKAPI_OK);
    uint16_t port = sl_mockapi_port(m);
    assert_true(port > 0);
    assert_string_equal(sl_mockapi_host(m), "127.0.0.1");

    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    size_t tally[SL_MOCKAPI_FAULT_OUTCOME_COUNT] = {0};
    const int n = 300;
    for (int i = 0; i < n; i++) {
        char target[128];
        char page[16];
        snprintf(page, sizeof page, "%d", i % 7 + 1);
        snprintf(target, sizeof target, "%s?results=3&seed=live&page=%s",
                 i % 2 ? "/api/1.4/" : "/api/", page);
        sl_mockapi_fault_decision_t d = sl_mockapi_fault_decide(&conf.fault, (uint64_t)i);
        tally[d.outcome]++;
        sl_mockapi_gen_args_t a = {"3", "live", page, NULL, NULL, NULL, NULL, NULL};
        sl_mockapi_gen_req_t r;
        sl_mockapi_gen_req_from_args(&r, &a, 0, tm.tm_year + 1900);
        char *want;
        size_t want_len;
        assert_int_equal(sl_mockapi_gen_render(&r, &want, &want_len), SL_MOCKAPI_OK);
        http_got_t g = http_get(c, port, "GET", target, NULL, "Retry-After");
        switch (d.outcome) {
        case SL_MOCKAPI_FAULT_OK:
            assert_int_equal(g.rc, CURLE_OK);
            assert_int_equal(g.status, 200);
            assert_int_equal(g.body.len, want_len);
            assert_memory_equal(g.body.data, want, want_len);
            break;
        case SL_MOCKAPI_FAULT_FAIL: assert_int_equal(g.status, d.status); break;
        case SL_MOCKAPI_FAULT_THROTTLE:
            assert_int_equal(g.status, 429);
            assert_string_equal(g.header, "2");
            break;
        case SL_MOCKAPI_FAULT_TRUNCATE:
            assert_int_equal(g.rc, CURLE_PARTIAL_FILE);
            assert_int_equal(g.body.len, (size_t)((double)want_len * d.cut_share));
            assert_memory_equal(g.body.data, want, g.body.len);
            break;
        case SL_MOCKAPI_FAULT_MALFORMED:
            assert_int_equal(g.rc, CURLE_OK);
            assert_int_equal(g.status, 200);
            sl_mockapi_fault_break_json(want, want_len);
            assert_int_equal(g.body.len, want_len);
            assert_memory_equal(g.body.data, want, want_len);
            break;
        case SL_MOCKAPI_FAULT_ERROR:
            assert_int_equal(g.status, d.status);
            assert_string_equal(
                g.body.data,
                "{\"error\":\"Uh oh, something has gone wrong. Please tell us on GitHub\"}");
            break;
        default: fail();
        }
        sl_buf_free(&g.body);
        free(want);
    }
    for (int o = 0; o < SL_MOCKAPI_FAULT_OUTCOME_COUNT; o++)
        assert_true(tally[o] > 0); /* 300 requests exercise every outcome */

    http_got_t g = http_get(c, port, "GET", "/api/?results=%zz", NULL,
                            "Retry-After"); /* rejected before the API: not counted */
    assert_int_equal(g.status, 400);
    sl_buf_free(&g.body);
    g = http_get(c, port, "GET", "/healthz", NULL, "Retry-After");
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body.data, "{\"status\":\"ok\"}\n");
    sl_buf_free(&g.body);

    g = http_get(c, port, "GET", "/metrics", NULL, "Retry-After");
    assert_int_equal(g.status, 200);
    char name[96];
    for (int o = 0; o < SL_MOCKAPI_FAULT_OUTCOME_COUNT; o++) {
        snprintf(name, sizeof name, "sluice_mockapi_requests_total{outcome=\"%s\"}",
                 sl_mockapi_fault_outcome_str((sl_mockapi_fault_outcome_t)o));
        assert_int_equal(metric(g.body.data, name), tally[o]);
    }
    assert_int_equal(metric(g.body.data, "sluice_mockapi_users_total"),
                     3 * tally[SL_MOCKAPI_FAULT_OK]);
    assert_non_null(strstr(g.body.data, "# TYPE sluice_mockapi_requests_total counter\n"));
    sl_buf_free(&g.body);

    sl_mockapi_stats_t st;
    sl_mockapi_stats(m, &st);
    for (int o = 0; o < SL_MOCKAPI_FAULT_OUTCOME_COUNT; o++)
        assert_int_equal(st.requests[o], tally[o]);
    assert_int_equal(st.users, 3 * tally[SL_MOCKAPI_FAULT_OK]);
    curl_easy_cleanup(c);
    sl_mockapi_free(m);
}

static void server_rejects_bad_conf(void **state) {
    (void)state;
    sl_mockapi_conf_t conf;
    memset(&conf, 0, sizeof conf);
    conf.listen = "127.0.0.1:0";
    conf.fault.throttle_rate = 2;
    sl_mockapi_t *m = (sl_mockapi_t *)1;
    char err[256];
    assert_int_equal(sl_mockapi_start(&conf, &m, err, sizeof err), SL_MOCKAPI_ERR_INVALID);
    assert_null(m);
    assert_string_equal(err, "--throttle-rate must be between 0 and 1, got 2");
    conf.fault.throttle_rate = 0;
    conf.listen = "127.0.0.1";
    assert_int_equal(sl_mockapi_start(&conf, &m, err, sizeof err), SL_MOCKAPI_ERR_INVALID);
    assert_null(m);
}

TEST_MAIN(http_client_up, http_client_down, cmocka_unit_test(conf_check_rejects_bad_rates),
          cmocka_unit_test(decisions_follow_rates), cmocka_unit_test(broken_json_never_parses),
          cmocka_unit_test(server_serves_predicted_faults),
          cmocka_unit_test(server_rejects_bad_conf))
