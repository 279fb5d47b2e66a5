/*
 * Unit test of the console's HTTP front without a cluster: a console whose Kafka is
 * unreachable, served on a free port and asked over real HTTP (libcurl). Checks the
 * authorisation gate on pages, /api and /metrics, login and logout, the cookie flags, the
 * CSRF header rule, the read-only refusal, argument checks, the security headers, that
 * the page has no inline script, and that the token appears in no answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "sl_console.h"

#define TOKEN "unit-test-token-0123456789"

typedef struct {
    long status;
    char *body, *headers;
    size_t body_len, headers_len;
} reply_t;

static size_t grow(char **buf, size_t *len, const char *data, size_t n) {
    char *nb = realloc(*buf, *len + n + 1);
    assert_non_null(nb);
    memcpy(nb + *len, data, n);
    *len += n;
    nb[*len] = '\0';
    *buf = nb;
    return n;
}
static size_t on_body(char *d, size_t s, size_t n, void *o) {
    reply_t *r = o;
    return grow(&r->body, &r->body_len, d, s * n);
}
static size_t on_header(char *d, size_t s, size_t n, void *o) {
    reply_t *r = o;
    return grow(&r->headers, &r->headers_len, d, s * n);
}

/* One request; extra is a NULL-terminated list of header lines. */
static reply_t http(unsigned port, const char *method, const char *path, const char *const *extra,
                    const char *body) {
    reply_t r = {0};
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    CURL *e = curl_easy_init();
    struct curl_slist *hs = NULL;
    for (size_t i = 0; extra && extra[i]; i++)
        hs = curl_slist_append(hs, extra[i]);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
    if (body)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hs);
    curl_easy_cleanup(e);
    if (!r.body)
        grow(&r.body, &r.body_len, "", 0);
    if (strstr(r.body, TOKEN) || (r.headers && strstr(r.headers, TOKEN)))
        fail_msg("the token appears in the answer to %s %s", method, path);
    return r;
}

static void reply_free(reply_t *r) {
    free(r->body);
    free(r->headers);
}

static sl_console_t *start_with(const char *token, const char *brokers) {
    sl_console_conf_t conf;
    sl_console_conf_defaults(&conf);
    conf.listen = "127.0.0.1:0";
    conf.brokers = brokers;
    conf.browse_timeout_ms = 500;
    static const char *const props[] = {"log_level", "0", NULL};
    conf.kafka_props = props;
    conf.kafka_timeout_ms = 300;
    conf.interval_s = 0.5;
    conf.token = token;
    conf.token_len = token ? strlen(token) : 0;
    sl_console_t *c = NULL;
    char err[512];
    assert_int_equal(sl_console_new(&conf, &c, err, sizeof err), SL_CONSOLE_OK);
    assert_int_equal(sl_console_start(c, err, sizeof err), SL_CONSOLE_OK);
    assert_true(sl_console_port(c) > 0);
    return c;
}

static sl_console_t *start(const char *token) {
    return start_with(token, "127.0.0.1:1"); /* nothing listens: Kafka is down */
}

static void wait_snapshot(unsigned port, const char *const *auth) {
    for (int i = 0; i < 200; i++) {
        reply_t r = http(port, "GET", "/api/overview", auth, NULL);
        long st = r.status;
        if (st == 200)
            assert_non_null(strstr(r.body, "\"kafka_ok\":false"));
        reply_free(&r);
        if (st == 200)
            return;
        assert_int_equal(st, 503);
        usleep(50 * 1000);
    }
    fail_msg("no snapshot within 10 s");
}

static void gate_with_token(void **state) {
    (void)state;
    sl_console_t *c = start(TOKEN);
    unsigned port = sl_console_port(c);
    const char *bearer[] = {"Authorization: Bearer " TOKEN, NULL};
    const char *wrong[] = {"Authorization: Bearer nope", NULL};
    const char *paths[] = {"/",
                           "/index.html",
                           "/app.js",
                           "/api/overview",
                           "/api/topics",
                           "/api/topics/x",
                           "/api/topics/x/messages",
                           "/api/groups",
                           "/api/dlq",
                           "/api/schemas",
                           "/api/series",
                           "/api/session",
                           "/metrics",
                           "/nothing-here"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        reply_t r = http(port, "GET", paths[i], NULL, NULL);
        assert_int_equal(r.status, 401);
        assert_non_null(strstr(r.headers, "WWW-Authenticate: Bearer"));
        assert_non_null(strstr(r.headers, "Content-Security-Policy: default-src 'none'; "
                                          "script-src 'self'"));
        reply_free(&r);
        r = http(port, "GET", paths[i], wrong, NULL);
        assert_int_equal(r.status, 401);
        reply_free(&r);
    }
    reply_t r = http(port, "GET", "/", NULL, NULL);
    assert_non_null(strstr(r.body, "<form method=\"post\" action=\"/login\">"));
    reply_free(&r);
    /* public: the health check, the stylesheet, the login form */
    r = http(port, "GET", "/healthz", NULL, NULL);
    assert_true(r.status == 200 || r.status == 503);
    reply_free(&r);
    r = http(port, "GET", "/app.css", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Type: text/css"));
    reply_free(&r);
    r = http(port, "GET", "/login", NULL, NULL);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    wait_snapshot(port, bearer);
    r = http(port, "GET", "/api/session", bearer, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"auth\":true"));
    assert_non_null(strstr(r.body, "\"read_only\":false"));
    reply_free(&r);
    r = http(port, "GET", "/nothing-here", bearer, NULL);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    r = http(port, "GET", "/api/nothing", bearer, NULL);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    r = http(port, "GET", "/metrics", bearer, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "sluice_console_auth_failures_total "));
    assert_null(strstr(r.body, "sluice_console_auth_failures_total 0\n"));
    reply_free(&r);
    sl_console_free(c);
}

static void login_cookie_csrf(void **state) {
    (void)state;
    sl_console_t *c = start(TOKEN);
    unsigned port = sl_console_port(c);
    reply_t r = http(port, "POST", "/login", NULL, "token=wrong&name=tester");
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body, "That is not the token."));
    assert_null(strstr(r.headers, "Set-Cookie"));
    reply_free(&r);
    r = http(port, "POST", "/login", NULL, "token=" TOKEN "&name=tester");
    assert_int_equal(r.status, 303);
    char *sc = strstr(r.headers, "Set-Cookie: sluice_console=");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "HttpOnly"));
    assert_non_null(strstr(sc, "SameSite=Strict"));
    char cookie[256] = "Cookie: ";
    size_t n = strcspn(sc + 12, ";");
    memcpy(cookie + 8, sc + 12, n);
    cookie[8 + n] = '\0';
    reply_free(&r);
    const char *with_cookie[] = {cookie, NULL};
    const char *with_csrf[] = {cookie, "X-Sluice-Console: 1", NULL};
    r = http(port, "GET", "/api/session", with_cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"who\":\"tester (session)\""));
    reply_free(&r);
    r = http(port, "GET", "/", with_cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<script src=\"/app.js\""));
    reply_free(&r);
    /* a change with the cookie but without the header a cross-site form cannot send */
    r = http(port, "POST", "/api/topics", with_cookie, "name=x&partitions=1&replication=1");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    /* with it, the arguments are checked before Kafka is asked */
    const char *bad[] = {"name=a%20b&partitions=1&replication=1",
                         "name=x&partitions=0&replication=1", "name=x&partitions=1",
                         "name=x&partitions=1&replication=1&retention_ms=z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = http(port, "POST", "/api/topics", with_csrf, bad[i]);
        assert_int_equal(r.status, 400);
        reply_free(&r);
    }
    r = http(port, "DELETE", "/api/topics/victim", with_csrf, "confirm=other");
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "POST", "/api/groups/g/reset", with_csrf, "topic=t&to=sometime");
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "POST", "/api/groups/g/reset", with_csrf, "topic=t&to=offset&value=-3");
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "GET", "/api/topics/t/messages?limit=0", with_cookie, NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "GET", "/api/topics/t/messages?from=offset", with_cookie, NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "GET", "/api/topics/t/messages?timestamp=yesterday", with_cookie, NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "GET", "/api/series?since=x", with_cookie, NULL);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    r = http(port, "POST", "/logout", with_cookie, "");
    assert_int_equal(r.status, 303);
    reply_free(&r);
    r = http(port, "GET", "/api/session", with_cookie, NULL);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    sl_console_free(c);
}

static void read_only(void **state) {
    (void)state;
    sl_console_t *c = start(NULL);
    unsigned port = sl_console_port(c);
    reply_t r = http(port, "GET", "/", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Type: text/html"));
    assert_non_null(strstr(r.headers, "X-Content-Type-Options: nosniff"));
    /* every script tag loads a file: no inline script to allow */
    for (const char *p = strstr(r.body, "<script"); p; p = strstr(p + 1, "<script"))
        assert_true(strncmp(p, "<script src=\"/", 14) == 0);
    reply_free(&r);
    r = http(port, "GET", "/app.js", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "Content-Type: text/javascript"));
    assert_null(strstr(r.body, "innerHTML"));
    assert_null(strstr(r.body, "eval("));
    reply_free(&r);
    r = http(port, "POST", "/api/topics", NULL, "name=x&partitions=1&replication=1");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "read-only"));
    reply_free(&r);
    r = http(port, "DELETE", "/api/topics/x", NULL, "confirm=x");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    r = http(port, "GET", "/login", NULL, NULL);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    r = http(port, "PUT", "/api/overview", NULL, NULL);
    assert_int_equal(r.status, 405);
    reply_free(&r);
    sl_console_free(c);
}

/* A "broker" that accepts connections (the kernel's backlog does) and never answers: the
 * views still answer from the snapshot, and the browser gives up by its deadline. */
static void silent_broker(void **state) {
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 64), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    char brokers[64];
    snprintf(brokers, sizeof brokers, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    sl_console_t *c = start_with(NULL, brokers);
    unsigned port = sl_console_port(c);
    wait_snapshot(port, NULL);
    reply_t r = http(port, "GET", "/api/topics/t/messages", NULL, NULL);
    /* answered, bounded: a timeout or the transport failure librdkafka reports for it */
    if (r.status != 504 && r.status != 502)
        fail_msg("browse on a silent broker: %ld %s", r.status, r.body);
    reply_free(&r);
    r = http(port, "GET", "/healthz", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "kafka_unreachable"));
    reply_free(&r);
    sl_console_free(c);
    close(fd);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gate_with_token),
        cmocka_unit_test(login_cookie_csrf),
        cmocka_unit_test(read_only),
        cmocka_unit_test(silent_broker),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
