/* A libcurl client for the tests of sluice's HTTP servers (test_http, test_mockapi_fault,
 * test_console_api): one request, optionally with extra request headers, and the whole
 * answer: transfer result, status, content type, the body (in an sl_buf, NUL-terminated),
 * one response header the caller names and, when asked for, every response header line;
 * release it with http_got_free. Include after <cmocka.h>; run the tests with
 * http_client_up and http_client_down as the group's setup and teardown (so do the tests
 * of the registry fake, test_registry_fake.h, which talk to it through libcurl). */
#ifndef TEST_HTTP_CLIENT_H
#define TEST_HTTP_CLIENT_H

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "sl_buf.h"

typedef struct {
    CURLcode rc;
    long status;
    char ctype[64];
    sl_buf_t body;
    const char *header_name; /* the header to keep, e.g. "Retry-After" */
    char header[64];         /* its value, "" when absent */
    sl_buf_t headers;        /* every header line as received, when asked for; else empty */
    int keep_headers;
} http_got_t;

static inline void http_got_free(http_got_t *g) {
    sl_buf_free(&g->body);
    sl_buf_free(&g->headers);
}

static size_t http_got_body_(char *p, size_t size, size_t n, void *ud) {
    http_got_t *g = ud;
    return sl_buf_append(&g->body, p, size * n) == SL_BUF_OK ? size * n : 0;
}

static size_t http_got_header_(char *p, size_t size, size_t n, void *ud) {
    http_got_t *g = ud;
    size_t len = size * n, name = g->header_name ? strlen(g->header_name) : 0;
    if (g->keep_headers && sl_buf_append(&g->headers, p, len) != SL_BUF_OK)
        return 0;
    if (name && len > name + 2 && strncasecmp(p, g->header_name, name) == 0 && p[name] == ':') {
        const char *v = p + name + 1;
        size_t vl = len - name - 1;
        while (vl && *v == ' ')
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(g->header, sizeof g->header, "%.*s", (int)vl, v);
    }
    return len;
}

/* Group setup and teardown of a test program that uses this client. */
static inline int http_client_up(void **state) {
    (void)state;
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static inline int http_client_down(void **state) {
    (void)state;
    curl_global_cleanup();
    return 0;
}

/* method on http://127.0.0.1:port<target>, with post as the request body (or NULL) and
 * extra (NULL-terminated, or NULL) as more request header lines; keep_headers: collect
 * every response header line in .headers. On c (reset first) or, when c is NULL, a
 * handle of its own. */
static inline http_got_t http_request(CURL *c, uint16_t port, const char *method,
                                      const char *target, const char *const *extra,
                                      const char *post, const char *header_name, int keep_headers) {
    http_got_t g;
    memset(&g, 0, sizeof g);
    sl_buf_init(&g.body, (size_t)64 << 20);
    sl_buf_init(&g.headers, (size_t)1 << 20);
    assert_int_equal(sl_buf_reserve(&g.body, 0), SL_BUF_OK); /* "" for an empty body */
    if (keep_headers)
        assert_int_equal(sl_buf_reserve(&g.headers, 0), SL_BUF_OK);
    g.header_name = header_name;
    g.keep_headers = keep_headers;
    struct curl_slist *hs = NULL;
    for (size_t i = 0; extra && extra[i]; i++)
        hs = curl_slist_append(hs, extra[i]);
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, target);
    CURL *own = c ? NULL : curl_easy_init();
    if (c)
        curl_easy_reset(c);
    else
        c = own;
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_got_body_);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_got_header_);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &g);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "sluice-test");
    if (hs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    if (post)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET") != 0 && !(post && strcmp(method, "POST") == 0))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    g.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &g.status);
    const char *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    snprintf(g.ctype, sizeof g.ctype, "%s", ct ? ct : "");
    if (own)
        curl_easy_cleanup(own);
    curl_slist_free_all(hs);
    return g;
}

/* http_request without extra headers, keeping only header_name's value. */
static inline http_got_t http_get(CURL *c, uint16_t port, const char *method, const char *target,
                                  const char *post, const char *header_name) {
    return http_request(c, port, method, target, NULL, post, header_name, 0);
}

#endif
