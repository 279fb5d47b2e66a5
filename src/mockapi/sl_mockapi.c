/*
 * The mock API server: routes /api/ and /api/1.4/ to the generator through the fault
 * injector, and serves /metrics (Prometheus text) and /healthz. Counters are atomics since
 * handlers run on several threads; the request number that feeds the fault injector is
 * taken in arrival order.
 */
#include "sl_mix.h"
#include "sl_mockapi.h"
#include "sl_mockapi_gen.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sl_http.h"
#include "sl_time.h"

struct sl_mockapi_s {
    sl_http_server_t *http;
    sl_mockapi_fault_conf_t fault;
    atomic_uint_fast64_t next_request;
    atomic_uint_fast64_t requests[SL_MOCKAPI_FAULT_OUTCOME_COUNT];
    atomic_uint_fast64_t users;
    atomic_uint_fast64_t seed_counter;
    atomic_int stopping;
    uint64_t seed_base;
    int now_year;
};

SL_ERR_DEFINE_STR(sl_mockapi_err_str, sl_mockapi_err_t, SL_MOCKAPI_ERRORS)

/* splitmix64: advance by the golden gamma, then mix. */
static uint64_t smix(uint64_t x) {
    return sl_mix64(x + 0x9e3779b97f4a7c15ULL);
}

/* Sleeps ms in short slices so that a stopping server is not held up by added latency. */
static void delay(sl_mockapi_t *m, unsigned ms) {
    while (ms > 0 && !atomic_load(&m->stopping)) {
        unsigned step = ms < 50 ? ms : 50;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static const char k_json[] = "application/json; charset=utf-8";
static const char k_error_body[] =
    "{\"error\":\"Uh oh, something has gone wrong. Please tell us on GitHub\"}";

static void handle_api(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_mockapi_t *m = opaque;
    uint64_t n = atomic_fetch_add(&m->next_request, 1);
    sl_mockapi_fault_decision_t d = sl_mockapi_fault_decide(&m->fault, n);
    if (d.latency_ms)
        delay(m, d.latency_ms);
    atomic_fetch_add(&m->requests[d.outcome], 1);

    switch (d.outcome) {
    case SL_MOCKAPI_FAULT_FAIL:
        sl_http_response_status(resp, d.status);
        sl_http_response_content_type(resp, "text/html; charset=utf-8");
        sl_http_response_printf(resp, "<html><body><h1>%d</h1>upstream trouble</body></html>\n",
                                d.status);
        return;
    case SL_MOCKAPI_FAULT_THROTTLE: {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", m->fault.retry_after_s ? m->fault.retry_after_s : 1);
        sl_http_response_status(resp, 429);
        sl_http_response_header(resp, "Retry-After", ra);
        sl_http_response_content_type(resp, k_json);
        sl_http_response_printf(resp, "{\"error\":\"Too many requests, retry after %s s\"}", ra);
        return;
    }
    case SL_MOCKAPI_FAULT_ERROR:
        sl_http_response_status(resp, d.status);
        sl_http_response_content_type(resp, k_json);
        sl_http_response_append(resp, k_error_body, sizeof k_error_body - 1);
        return;
    default: break;
    }

    sl_mockapi_gen_args_t args = {
        sl_http_request_arg(req, "results"), sl_http_request_arg(req, "seed"),
        sl_http_request_arg(req, "page"),    sl_http_request_arg(req, "nat"),
        sl_http_request_arg(req, "inc"),     sl_http_request_arg(req, "exc"),
        sl_http_request_arg(req, "noinfo"),  sl_http_request_arg(req, "gender"),
    };
    if (!args.nat)
        args.nat = sl_http_request_arg(req, "nationality");
    uint64_t rs = smix(m->seed_base ^ smix(atomic_fetch_add(&m->seed_counter, 1)));
    sl_mockapi_gen_req_t g;
    sl_mockapi_gen_req_from_args(&g, &args, rs, m->now_year);
    char *body;
    size_t len;
    if (sl_mockapi_gen_render(&g, &body, &len) != SL_MOCKAPI_OK) {
        sl_http_response_status(resp, 500);
        sl_http_response_content_type(resp, k_json);
        sl_http_response_append(resp, k_error_body, sizeof k_error_body - 1);
        return;
    }
    sl_http_response_content_type(resp, k_json);
    if (d.outcome == SL_MOCKAPI_FAULT_MALFORMED)
        sl_mockapi_fault_break_json(body, len);
    sl_http_response_set_body(resp, body, len);
    if (d.outcome == SL_MOCKAPI_FAULT_TRUNCATE)
        sl_http_response_truncate_at(resp, (size_t)((double)len * d.cut_share));
    if (d.outcome == SL_MOCKAPI_FAULT_OK)
        atomic_fetch_add(&m->users, g.results);
}

static void handle_metrics(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    sl_mockapi_t *m = opaque;
    sl_mockapi_stats_t st;
    sl_mockapi_stats(m, &st);
    sl_http_response_content_type(resp, SL_HTTP_CONTENT_PROMETHEUS);
    sl_http_response_printf(resp, "# HELP sluice_mockapi_requests_total API requests served, by "
                                  "outcome.\n# TYPE sluice_mockapi_requests_total counter\n");
    for (int i = 0; i < SL_MOCKAPI_FAULT_OUTCOME_COUNT; i++)
        sl_http_response_printf(resp, "sluice_mockapi_requests_total{outcome=\"%s\"} %llu\n",
                                sl_mockapi_fault_outcome_str((sl_mockapi_fault_outcome_t)i),
                                (unsigned long long)st.requests[i]);
    sl_http_response_printf(resp,
                            "# HELP sluice_mockapi_users_total Users sent in intact bodies.\n"
                            "# TYPE sluice_mockapi_users_total counter\n"
                            "sluice_mockapi_users_total %llu\n",
                            (unsigned long long)st.users);
}

static void handle_healthz(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    (void)opaque;
    sl_http_response_health(resp, 1, "ok", NULL);
}

sl_mockapi_err_t sl_mockapi_start(const sl_mockapi_conf_t *conf, sl_mockapi_t **out, char *errstr,
                                  size_t errstr_size) {
    *out = NULL;
    if (sl_mockapi_fault_conf_check(&conf->fault, errstr, errstr_size) != 0)
        return SL_MOCKAPI_ERR_INVALID;
    sl_mockapi_t *m = calloc(1, sizeof *m);
    if (!m)
        return SL_MOCKAPI_ERR_NOMEM;
    m->fault = conf->fault;
    int64_t now_us = sl_wall_us();
    m->seed_base = smix((uint64_t)now_us) ^ smix((uint64_t)getpid());
    struct tm tm;
    time_t t = (time_t)(now_us / 1000000);
    gmtime_r(&t, &tm);
    m->now_year = tm.tm_year + 1900;

    sl_http_conf_t hc = {conf->listen ? conf->listen : "127.0.0.1:8000", conf->threads, 0, 0, 0, 0};
    if (sl_http_server_new(&hc, &m->http, errstr, errstr_size) != SL_HTTP_OK) {
        free(m);
        return SL_MOCKAPI_ERR_INVALID;
    }
    static const char *const api_paths[] = {"/api", "/api/", "/api/1.4", "/api/1.4/"};
    for (size_t i = 0; i < sizeof api_paths / sizeof api_paths[0]; i++)
        sl_http_server_route(m->http, "GET", api_paths[i], handle_api, m);
    sl_http_server_route(m->http, "GET", "/metrics", handle_metrics, m);
    sl_http_server_route(m->http, "GET", "/healthz", handle_healthz, m);
    if (sl_http_server_start(m->http, errstr, errstr_size) != SL_HTTP_OK) {
        sl_http_server_free(m->http);
        free(m);
        return SL_MOCKAPI_ERR_HTTP;
    }
    *out = m;
    return SL_MOCKAPI_OK;
}

const char *sl_mockapi_host(const sl_mockapi_t *m) {
    return sl_http_server_host(m->http);
}
uint16_t sl_mockapi_port(const sl_mockapi_t *m) {
    return sl_http_server_port(m->http);
}

void sl_mockapi_stats(const sl_mockapi_t *m, sl_mockapi_stats_t *out) {
    sl_mockapi_t *mm = (sl_mockapi_t *)m; /* atomic loads need a non-const object in C11 */
    for (int i = 0; i < SL_MOCKAPI_FAULT_OUTCOME_COUNT; i++)
        out->requests[i] = atomic_load(&mm->requests[i]);
    out->users = atomic_load(&mm->users);
}

void sl_mockapi_stop(sl_mockapi_t *m) {
    if (!m)
        return;
    atomic_store(&m->stopping, 1);
    sl_http_server_stop(m->http);
}

void sl_mockapi_free(sl_mockapi_t *m) {
    if (!m)
        return;
    sl_mockapi_stop(m);
    sl_http_server_free(m->http);
    free(m);
}
