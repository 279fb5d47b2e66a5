/*
 * A scripted stand-in for a schema registry, for the unit tests of the registry client
 * and the decoder: an sl_http server on a free loopback port whose routes answer what the
 * test says (status, body, Retry-After, a delay, N failures first) and record what they
 * were sent. Only to reach failure paths a real registry will not produce on demand; the
 * integration test 0701 runs against a real one.
 */
#ifndef TEST_REGISTRY_FAKE_H
#define TEST_REGISTRY_FAKE_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "sl_http.h"
#include "test_http_client.h" /* http_client_up/_down: the group setup of libcurl */

typedef struct fake_route_s {
    /* the script (set by the test) */
    const char *path;        /* exact path, without the query */
    int status;              /* 0 = 200 */
    const char *body;        /* answer body ("" if NULL) */
    size_t repeat;           /* the body sent this many times (for a big answer); 0 = once */
    int fail_first;          /* answer fail_status this many times first */
    int fail_status;         /* 0 = 503 */
    const char *fail_body;   /* body of those failures */
    const char *retry_after; /* Retry-After header on failures, or NULL */
    int delay_ms;            /* wait before answering */
    /* what was seen (read under fake_lock, or after fake_stop) */
    int hits;
    char method[8];
    char query_arg[32]; /* value of ?verbose= or ?defaultToGlobal= if any */
    char last_body[8192];
    char auth[256];
    char content_type[128];
} fake_route_t;

typedef struct {
    sl_http_server_t *srv;
    char base[64]; /* http://127.0.0.1:PORT */
} fake_registry_t;

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;

static void fake_handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    fake_route_t *r = opaque;
    pthread_mutex_lock(&fake_lock);
    int n = r->hits++;
    snprintf(r->method, sizeof r->method, "%s", sl_http_request_method(req));
    size_t len;
    const char *b = sl_http_request_body(req, &len);
    snprintf(r->last_body, sizeof r->last_body, "%.*s", (int)len, b);
    const char *a = sl_http_request_header(req, "Authorization");
    snprintf(r->auth, sizeof r->auth, "%s", a ? a : "");
    const char *ct = sl_http_request_header(req, "Content-Type");
    snprintf(r->content_type, sizeof r->content_type, "%s", ct ? ct : "");
    const char *q = sl_http_request_arg(req, "verbose");
    if (!q)
        q = sl_http_request_arg(req, "defaultToGlobal");
    snprintf(r->query_arg, sizeof r->query_arg, "%s", q ? q : "");
    int delay = r->delay_ms;
    pthread_mutex_unlock(&fake_lock);
    if (delay > 0) {
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    sl_http_response_content_type(resp, "application/vnd.schemaregistry.v1+json");
    if (n < r->fail_first) {
        sl_http_response_status(resp, r->fail_status ? r->fail_status : 503);
        if (r->retry_after)
            sl_http_response_header(resp, "Retry-After", r->retry_after);
        if (r->fail_body)
            sl_http_response_printf(resp, "%s", r->fail_body);
        return;
    }
    sl_http_response_status(resp, r->status ? r->status : 200);
    const char *body = r->body ? r->body : "";
    for (size_t i = 0; i < (r->repeat ? r->repeat : 1); i++)
        sl_http_response_append(resp, body, strlen(body));
}

/* Starts the fake with the given routes (which must outlive it). Returns 0 or -1. */
static int fake_start(fake_registry_t *f, fake_route_t *routes, size_t n) {
    sl_http_conf_t conf = {.listen = "127.0.0.1:0", .drain_ms = 300, .timeout_s = 5};
    char err[256];
    memset(f, 0, sizeof *f);
    if (sl_http_server_new(&conf, &f->srv, err, sizeof err) != SL_HTTP_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (sl_http_server_route(f->srv, NULL, routes[i].path, fake_handler, &routes[i]) !=
            SL_HTTP_OK)
            return -1;
    }
    if (sl_http_server_start(f->srv, err, sizeof err) != SL_HTTP_OK)
        return -1;
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", sl_http_server_port(f->srv));
    return 0;
}

static void fake_stop(fake_registry_t *f) {
    sl_http_server_free(f->srv);
    f->srv = NULL;
}

static int fake_hits(fake_route_t *r) {
    pthread_mutex_lock(&fake_lock);
    int n = r->hits;
    pthread_mutex_unlock(&fake_lock);
    return n;
}

#endif
