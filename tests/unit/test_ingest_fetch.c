/* Unit tests for sl_ingest_fetch: transfers against a loopback sl_http server, one per
 * response shape the ingest must classify (good body with a reject, 429 + Retry-After,
 * 5xx, 4xx, API error object, body over the cap, truncated, malformed, too many users,
 * connection refused), plus the classification table itself. No Kafka involved. */
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

#include "test_util.h"
#include "sl_http.h"
#include "sl_ingest_fetch.h"
#include "sl_record_json.h"

#define UUID0 "0b0e3a4c-1d2e-4f60-8a7b-9c0d1e2f3a40"

static const char *user_json(int i, const char *email, char *buf, size_t cap) {
    snprintf(buf, cap,
             "{\"gender\":\"female\",\"name\":{\"title\":\"Ms\",\"first\":\"Ann%d\",\"last\":"
             "\"Doe\"},\"location\":{\"street\":{\"number\":%d,\"name\":\"Main St\"},\"city\":"
             "\"Town\",\"state\":\"State\",\"country\":\"Land\",\"postcode\":%d},\"email\":"
             "\"%s\",\"login\":{\"uuid\":\"0b0e3a4c-1d2e-4f60-8a7b-9c0d1e2f3a4%d\","
             "\"username\":\"ann%d\"},\"dob\":{\"date\":\"1990-01-02T03:04:05.678Z\",\"age\":35},"
             "\"registered\":{\"date\":\"2010-01-02T03:04:05.678Z\",\"age\":15},\"phone\":"
             "\"555\",\"picture\":{\"medium\":\"https://e.com/%d.jpg\"}}",
             i, 10 + i, 1000 + i, email, i, i, i);
    return buf;
}

static char *three_users(void) {
    static char body[8192];
    char a[1024], b[1024], c[1024];
    snprintf(body, sizeof body, "{\"results\":[%s,%s,%s],\"info\":{\"seed\":\"x\",\"page\":1}}",
             user_json(0, "ann0@example.com", a, sizeof a), user_json(1, "nope", b, sizeof b),
             user_json(2, "ann2@example.com", c, sizeof c));
    return body;
}

static void handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)opaque;
    const char *c = sl_http_request_arg(req, "case");
    c = c ? c : "";
    if (strcmp(c, "good") == 0 || strcmp(c, "toomany") == 0) {
        sl_http_response_printf(resp, "%s", three_users());
    } else if (strcmp(c, "throttle") == 0) {
        sl_http_response_status(resp, 429);
        sl_http_response_header(resp, "Retry-After", "7");
        sl_http_response_printf(resp, "slow down");
    } else if (strcmp(c, "5xx") == 0) {
        sl_http_response_status(resp, 503);
        sl_http_response_printf(resp, "busy\nnow");
    } else if (strcmp(c, "4xx") == 0) {
        sl_http_response_status(resp, 404);
    } else if (strcmp(c, "apierror") == 0) {
        sl_http_response_printf(resp, "{\"error\":\"boom\"}");
    } else if (strcmp(c, "big") == 0) {
        for (int i = 0; i < 10; i++)
            sl_http_response_printf(resp, "%s", three_users());
    } else if (strcmp(c, "truncated") == 0) {
        sl_http_response_printf(resp, "%s", three_users());
        sl_http_response_truncate_at(resp, 100);
    } else if (strcmp(c, "malformed") == 0) {
        sl_http_response_printf(resp, "{\"results\":[{\"gender\":]]]");
    }
}

typedef struct {
    sl_http_server_t *srv;
    char base[128];
} fixture_t;

static int setup(void **state) {
    static fixture_t fx;
    sl_http_conf_t hc = {.listen = "127.0.0.1:0"};
    char err[256];
    assert_int_equal(sl_http_server_new(&hc, &fx.srv, err, sizeof err), SL_HTTP_OK);
    assert_int_equal(sl_http_server_route(fx.srv, NULL, "/api/", handler, NULL), SL_HTTP_OK);
    assert_int_equal(sl_http_server_start(fx.srv, err, sizeof err), SL_HTTP_OK);
    snprintf(fx.base, sizeof fx.base, "http://127.0.0.1:%u/api/",
             (unsigned)sl_http_server_port(fx.srv));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    *state = &fx;
    return 0;
}

static int teardown(void **state) {
    fixture_t *fx = *state;
    sl_http_server_free(fx->srv);
    curl_global_cleanup();
    return 0;
}

/* Runs one transfer of `results` users to base?case=c and polls until it is DONE. */
static sl_ingest_fetch_slot_t *fetch(sl_ingest_fetch_t *f, const char *url, unsigned results) {
    sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(f, 0);
    snprintf(s->url, sizeof s->url, "%s", url);
    s->results = results;
    s->page = 1;
    sl_ingest_fetch_start(f, s);
    time_t deadline = time(NULL) + 20;
    while (s->state == SL_INGEST_FETCH_RUNNING && time(NULL) < deadline)
        sl_ingest_fetch_poll(f, 50, -1);
    assert_int_equal(s->state, SL_INGEST_FETCH_DONE);
    assert_int_equal(sl_ingest_fetch_running(f), 0);
    return s;
}

static sl_ingest_fetch_t *new_fetcher(size_t max_body) {
    sl_ingest_fetch_conf_t fc = {.slots = 1,
                                 .batch = 10,
                                 .connect_timeout_ms = 5000,
                                 .timeout_ms = 10000,
                                 .max_body = max_body,
                                 .user_agent = "test"};
    char err[256];
    sl_ingest_fetch_t *f = sl_ingest_fetch_new(&fc, err, sizeof err);
    assert_non_null(f);
    return f;
}

static void good_page_with_a_reject(void **state) {
    fixture_t *fx = *state;
    char url[256];
    snprintf(url, sizeof url, "%s?case=good", fx->base);
    sl_ingest_fetch_t *f = new_fetcher(1 << 20);
    sl_ingest_fetch_slot_t *s = fetch(f, url, 3);
    assert_int_equal(s->outcome, SL_INGEST_OUTCOME_OK);
    assert_int_equal(s->retriable, 0);
    assert_int_equal(s->http_status, 200);
    assert_int_equal(s->body.len, strlen(three_users()));
    assert_int_equal(s->n_recs, 3);
    assert_int_equal(s->recs[0].reject, SL_REJECT_NONE);
    assert_int_equal(s->recs[1].reject, SL_REJECT_BAD_EMAIL);
    assert_int_equal(s->recs[1].field, SL_FIELD_EMAIL);
    assert_int_equal(s->recs[2].reject, SL_REJECT_NONE);
    /* Key and value bytes, exactly. */
    assert_int_equal(s->recs[0].key_len, strlen(UUID0));
    assert_memory_equal(s->arena.data + s->recs[0].key_off, UUID0, strlen(UUID0));
    const char *want =
        "{\"id\":\"" UUID0 "\",\"first_name\":\"Ann0\",\"last_name\":\"Doe\","
        "\"gender\":\"female\",\"address\":\"10 Main St, Town, State, Land\","
        "\"post_code\":\"1000\",\"email\":\"ann0@example.com\",\"username\":\"ann0\","
        "\"dob\":\"1990-01-02T03:04:05.678Z\",\"registered_date\":\"2010-01-02T03:04:05.678Z\","
        "\"phone\":\"555\",\"picture\":\"https://e.com/0.jpg\"}";
    assert_int_equal(s->recs[0].val_len, strlen(want));
    assert_memory_equal(s->arena.data + s->recs[0].val_off, want, strlen(want));
    /* The rejected user keeps its original bytes; good users have none. */
    char orig[1024];
    user_json(1, "nope", orig, sizeof orig);
    assert_int_equal(s->n_rejects, 1);
    assert_int_equal(s->recs[1].raw_len, strlen(orig));
    assert_memory_equal(s->body.data + s->recs[1].raw_off, orig, strlen(orig));
    assert_int_equal(s->recs[0].raw_len, 0);
    assert_int_equal(s->recs[2].raw_len, 0);
    /* The slot is reusable: a second page gives the same result, not appended. */
    s->state = SL_INGEST_FETCH_FREE;
    s = fetch(f, url, 3);
    assert_int_equal(s->n_recs, 3);
    assert_memory_equal(s->arena.data + s->recs[0].val_off, want, strlen(want));
    sl_ingest_fetch_free(f);
}

static void failures_classified(void **state) {
    fixture_t *fx = *state;
    struct {
        const char *c;
        size_t max_body;
        unsigned results;
        sl_ingest_outcome_t outcome;
        int retriable;
        const char *detail;
    } cases[] = {
        {"throttle", 1 << 20, 3, SL_INGEST_OUTCOME_THROTTLED, 1, "HTTP 429: slow down"},
        {"5xx", 1 << 20, 3, SL_INGEST_OUTCOME_HTTP_5XX, 1, "HTTP 503: busy now"},
        {"4xx", 1 << 20, 3, SL_INGEST_OUTCOME_HTTP_4XX, 0, "HTTP 404"},
        {"apierror", 1 << 20, 3, SL_INGEST_OUTCOME_API_ERROR, 1, "API error: boom"},
        {"big", 4096, 3, SL_INGEST_OUTCOME_TOO_LARGE, 0, NULL},
        {"truncated", 1 << 20, 3, SL_INGEST_OUTCOME_TRUNCATED, 1, NULL},
        {"malformed", 1 << 20, 3, SL_INGEST_OUTCOME_MALFORMED, 1, NULL},
        {"toomany", 1 << 20, 2, SL_INGEST_OUTCOME_MALFORMED, 1, "more than the 2 users asked for"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[256];
        snprintf(url, sizeof url, "%s?case=%s", fx->base, cases[i].c);
        sl_ingest_fetch_t *f = new_fetcher(cases[i].max_body);
        sl_ingest_fetch_slot_t *s = fetch(f, url, cases[i].results);
        if (s->outcome != cases[i].outcome)
            fail_msg("case %s: outcome %s, detail %s", cases[i].c,
                     sl_ingest_outcome_label(s->outcome), s->detail);
        assert_int_equal(s->retriable, cases[i].retriable);
        if (cases[i].detail)
            assert_string_equal(s->detail, cases[i].detail);
        if (strcmp(cases[i].c, "malformed") == 0) { /* the error's text once, then yajl's */
            const char *what = "body is not well-formed JSON: ";
            assert_true(strncmp(s->detail, what, strlen(what)) == 0);
            assert_null(strstr(s->detail + strlen(what), "well-formed"));
            assert_true(strlen(s->detail) > strlen(what));
        }
        if (strcmp(cases[i].c, "throttle") == 0) {
            assert_int_equal(s->has_retry_after, 1);
            assert_int_equal(s->retry_after_ms, 7000);
        } else {
            assert_int_equal(s->has_retry_after, 0);
        }
        sl_ingest_fetch_free(f);
    }
}

static void connection_refused(void **state) {
    (void)state;
    /* Port 1 on loopback: nothing listens there. */
    sl_ingest_fetch_t *f = new_fetcher(1 << 20);
    sl_ingest_fetch_slot_t *s = fetch(f, "http://127.0.0.1:1/api/?results=1", 1);
    assert_int_equal(s->outcome, SL_INGEST_OUTCOME_CONNECT);
    assert_int_equal(s->retriable, 1);
    assert_int_equal(s->n_recs, 0);
    sl_ingest_fetch_free(f);
}

static void classification_table(void **state) {
    (void)state;
    /* curl's result, HTTP status, write-callback abort and its outcome, body verdict ->
     * outcome, whether a retry may help */
    static const struct {
        CURLcode rc;
        long status;
        int aborted;
        sl_ingest_outcome_t abort_outcome;
        sl_api_err_t body;
        sl_ingest_outcome_t want;
        int retriable;
    } cases[] = {
        {CURLE_OPERATION_TIMEDOUT, 0, 0, 0, 0, SL_INGEST_OUTCOME_TIMEOUT, 1},
        {CURLE_COULDNT_RESOLVE_HOST, 0, 0, 0, 0, SL_INGEST_OUTCOME_CONNECT, 1},
        {CURLE_RECV_ERROR, 0, 0, 0, 0, SL_INGEST_OUTCOME_CONNECT, 1},
        {CURLE_PARTIAL_FILE, 200, 0, 0, 0, SL_INGEST_OUTCOME_TRUNCATED, 1},
        {CURLE_FILESIZE_EXCEEDED, 200, 0, 0, 0, SL_INGEST_OUTCOME_TOO_LARGE, 0},
        {CURLE_UNSUPPORTED_PROTOCOL, 0, 0, 0, 0, SL_INGEST_OUTCOME_OTHER, 0},
        {CURLE_OK, 408, 0, 0, 0, SL_INGEST_OUTCOME_TIMEOUT, 1},
        {CURLE_OK, 500, 0, 0, 0, SL_INGEST_OUTCOME_HTTP_5XX, 1},
        {CURLE_OK, 429, 0, 0, 0, SL_INGEST_OUTCOME_THROTTLED, 1},
        {CURLE_OK, 403, 0, 0, 0, SL_INGEST_OUTCOME_HTTP_4XX, 0},
        {CURLE_OK, 200, 0, 0, SL_API_ERR_TRUNCATED, SL_INGEST_OUTCOME_TRUNCATED, 1},
        {CURLE_OK, 200, 0, 0, SL_API_ERR_NO_RESULTS, SL_INGEST_OUTCOME_MALFORMED, 1},
        {CURLE_OK, 200, 0, 0, SL_API_ERR_TOO_LARGE, SL_INGEST_OUTCOME_TOO_LARGE, 0},
        {CURLE_OK, 200, 0, 0, SL_API_ERR_OK, SL_INGEST_OUTCOME_OK, 0},
        /* an abort by the write callback wins over curl's CURLE_WRITE_ERROR */
        {CURLE_WRITE_ERROR, 200, 1, SL_INGEST_OUTCOME_MALFORMED, 0, SL_INGEST_OUTCOME_MALFORMED, 1},
        {CURLE_WRITE_ERROR, 200, 1, SL_INGEST_OUTCOME_TOO_LARGE, 0, SL_INGEST_OUTCOME_TOO_LARGE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int r = -1;
        assert_int_equal(sl_ingest_fetch_classify(cases[i].rc, cases[i].status, cases[i].aborted,
                                                  cases[i].abort_outcome, cases[i].body, &r),
                         cases[i].want);
        assert_int_equal(r, cases[i].retriable);
    }
}

TEST_MAIN(setup, teardown, cmocka_unit_test(good_page_with_a_reject),
          cmocka_unit_test(failures_classified), cmocka_unit_test(connection_refused),
          cmocka_unit_test(classification_table))
