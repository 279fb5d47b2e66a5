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
#include "test_http_client.h"
#include "test_util.h"

#define TOKEN "unit-test-token-0123456789"

/* One request; extra is a NULL-terminated list of header lines. The token must appear in
 * no answer. */
static http_got_t http(unsigned port, const char *method, const char *path,
                       const char *const *extra, const char *body) {
    http_got_t r = http_request(NULL, (uint16_t)port, method, path, extra, body, NULL, 1);
    assert_int_equal(r.rc, CURLE_OK);
    if (strstr(r.body.data, TOKEN) || strstr(r.headers.data, TOKEN))
        fail_msg("the token appears in the answer to %s %s", method, path);
    return r;
}

/* One request whose status is all that is checked. */
static void expect_status(unsigned port, const char *method, const char *path,
                          const char *const *extra, const char *body, long status) {
    http_got_t r = http(port, method, path, extra, body);
    if (r.status != status)
        fail_msg("%s %s: status %ld, expected %ld", method, path, r.status, status);
    http_got_free(&r);
}

static sl_console_t *start_with(const char *token, const char *brokers,
                                const sl_console_registry_t *registry) {
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
    if (registry) {
        conf.registry = *registry;
        conf.registry_url = "http://127.0.0.1:1/apis/ccompat/v7";
    }
    sl_console_t *c = NULL;
    char err[512];
    assert_int_equal(sl_console_new(&conf, &c, err, sizeof err), SL_CONSOLE_OK);
    assert_int_equal(sl_console_start(c, err, sizeof err), SL_CONSOLE_OK);
    assert_true(sl_console_port(c) > 0);
    return c;
}

static sl_console_t *start(const char *token) {
    return start_with(token, "127.0.0.1:1", NULL); /* nothing listens: Kafka is down */
}

static void wait_snapshot(unsigned port, const char *const *auth) {
    for (int i = 0; i < 200; i++) {
        http_got_t r = http(port, "GET", "/api/overview", auth, NULL);
        long st = r.status;
        if (st == 200)
            assert_non_null(strstr(r.body.data, "\"kafka_ok\":false"));
        http_got_free(&r);
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
        http_got_t r = http(port, "GET", paths[i], NULL, NULL);
        assert_int_equal(r.status, 401);
        assert_non_null(strstr(r.headers.data, "WWW-Authenticate: Bearer"));
        assert_non_null(strstr(r.headers.data, "Content-Security-Policy: default-src 'none'; "
                                               "script-src 'self'"));
        http_got_free(&r);
        expect_status(port, "GET", paths[i], wrong, NULL, 401);
    }
    http_got_t r = http(port, "GET", "/", NULL, NULL);
    assert_non_null(strstr(r.body.data, "<form method=\"post\" action=\"/login\">"));
    http_got_free(&r);
    /* public: the health check, the stylesheet, the login form */
    r = http(port, "GET", "/healthz", NULL, NULL);
    assert_true(r.status == 200 || r.status == 503);
    http_got_free(&r);
    r = http(port, "GET", "/app.css", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers.data, "Content-Type: text/css"));
    http_got_free(&r);
    expect_status(port, "GET", "/login", NULL, NULL, 200);

    wait_snapshot(port, bearer);
    r = http(port, "GET", "/api/session", bearer, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "\"auth\":true"));
    assert_non_null(strstr(r.body.data, "\"read_only\":false"));
    http_got_free(&r);
    expect_status(port, "GET", "/nothing-here", bearer, NULL, 404);
    expect_status(port, "GET", "/api/nothing", bearer, NULL, 404);
    r = http(port, "GET", "/metrics", bearer, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "sluice_console_auth_failures_total "));
    assert_null(strstr(r.body.data, "sluice_console_auth_failures_total 0\n"));
    http_got_free(&r);
    sl_console_free(c);
}

static void login_cookie_csrf(void **state) {
    (void)state;
    sl_console_t *c = start(TOKEN);
    unsigned port = sl_console_port(c);
    http_got_t r = http(port, "POST", "/login", NULL, "token=wrong&name=tester");
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body.data, "That is not the token."));
    assert_null(strstr(r.headers.data, "Set-Cookie"));
    http_got_free(&r);
    r = http(port, "POST", "/login", NULL, "token=" TOKEN "&name=tester");
    assert_int_equal(r.status, 303);
    char *sc = strstr(r.headers.data, "Set-Cookie: sluice_console=");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "HttpOnly"));
    assert_non_null(strstr(sc, "SameSite=Strict"));
    char cookie[256] = "Cookie: ";
    size_t n = strcspn(sc + 12, ";");
    memcpy(cookie + 8, sc + 12, n);
    cookie[8 + n] = '\0';
    http_got_free(&r);
    const char *with_cookie[] = {cookie, NULL};
    const char *with_csrf[] = {cookie, "X-Sluice-Console: 1", NULL};
    r = http(port, "GET", "/api/session", with_cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "\"who\":\"tester (session)\""));
    http_got_free(&r);
    r = http(port, "GET", "/", with_cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "<script src=\"/app.js\""));
    http_got_free(&r);
    /* a change with the cookie but without the header a cross-site form cannot send */
    expect_status(port, "POST", "/api/topics", with_cookie, "name=x&partitions=1&replication=1",
                  403);
    /* with it, the arguments are checked before Kafka is asked */
    const char *bad[] = {"name=a%20b&partitions=1&replication=1",
                         "name=x&partitions=0&replication=1", "name=x&partitions=1",
                         "name=x&partitions=1&replication=1&retention_ms=z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_status(port, "POST", "/api/topics", with_csrf, bad[i], 400);
    }
    expect_status(port, "DELETE", "/api/topics/victim", with_csrf, "confirm=other", 400);
    expect_status(port, "POST", "/api/groups/g/reset", with_csrf, "topic=t&to=sometime", 400);
    expect_status(port, "POST", "/api/groups/g/reset", with_csrf, "topic=t&to=offset&value=-3",
                  400);
    expect_status(port, "GET", "/api/topics/t/messages?limit=0", with_cookie, NULL, 400);
    expect_status(port, "GET", "/api/topics/t/messages?from=offset", with_cookie, NULL, 400);
    expect_status(port, "GET", "/api/topics/t/messages?timestamp=yesterday", with_cookie, NULL,
                  400);
    expect_status(port, "GET", "/api/series?since=x", with_cookie, NULL, 400);
    expect_status(port, "POST", "/logout", with_cookie, "", 303);
    expect_status(port, "GET", "/api/session", with_cookie, NULL, 401);
    sl_console_free(c);
}

static void read_only(void **state) {
    (void)state;
    sl_console_t *c = start(NULL);
    unsigned port = sl_console_port(c);
    http_got_t r = http(port, "GET", "/", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers.data, "Content-Type: text/html"));
    assert_non_null(strstr(r.headers.data, "X-Content-Type-Options: nosniff"));
    /* every script tag loads a file: no inline script to allow */
    for (const char *p = strstr(r.body.data, "<script"); p; p = strstr(p + 1, "<script"))
        assert_true(strncmp(p, "<script src=\"/", 14) == 0);
    http_got_free(&r);
    r = http(port, "GET", "/app.js", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers.data, "Content-Type: text/javascript"));
    assert_null(strstr(r.body.data, "innerHTML"));
    assert_null(strstr(r.body.data, "eval("));
    http_got_free(&r);
    r = http(port, "POST", "/api/topics", NULL, "name=x&partitions=1&replication=1");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body.data, "read-only"));
    http_got_free(&r);
    expect_status(port, "DELETE", "/api/topics/x", NULL, "confirm=x", 403);
    expect_status(port, "GET", "/login", NULL, NULL, 303);
    expect_status(port, "PUT", "/api/overview", NULL, NULL, 405);
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
    sl_console_t *c = start_with(NULL, brokers, NULL);
    unsigned port = sl_console_port(c);
    wait_snapshot(port, NULL);
    http_got_t r = http(port, "GET", "/api/topics/t/messages", NULL, NULL);
    /* answered, bounded: a timeout or the transport failure librdkafka reports for it */
    if (r.status != 504 && r.status != 502)
        fail_msg("browse on a silent broker: %ld %s", r.status, r.body.data);
    http_got_free(&r);
    r = http(port, "GET", "/healthz", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body.data, "kafka_unreachable"));
    http_got_free(&r);
    sl_console_free(c);
    close(fd);
}

/* ---- the registry hooks: what the view makes of them ---- */

typedef struct {
    char only[300]; /* the last `only` asked for ("-" for none) */
    int pings;
    int ping_ok;
} fake_reg_t;

static int fake_subjects(void *opaque, const char *only, size_t max, sl_console_subject_t **out,
                         size_t *n, char *errstr, size_t errstr_size) {
    fake_reg_t *f = opaque;
    (void)max;
    snprintf(f->only, sizeof f->only, "%s", only ? only : "-");
    if (only && strcmp(only, "fail") == 0) {
        snprintf(errstr, errstr_size, "GET /subjects: HTTP 500");
        return -1;
    }
    static const int versions[] = {1, 2};
    sl_console_subject_t *s = calloc(2, sizeof *s);
    assert_non_null(s);
    s[0] = (sl_console_subject_t){.name = "<b>x</b>-value",
                                  .versions = versions,
                                  .n_versions = 2,
                                  .latest_version = 2,
                                  .latest_id = 7,
                                  .schema = "\"string\"",
                                  .compatibility = "FULL"};
    s[1] = (sl_console_subject_t){.name = "t-key",
                                  .versions = versions,
                                  .n_versions = 1,
                                  .latest_version = 1,
                                  .latest_id = 3,
                                  .schema = "{}",
                                  .schema_type = "JSON"};
    *out = s;
    *n = only ? 1 : 2;
    return 0;
}

static void fake_free(void *opaque, sl_console_subject_t *s, size_t n) {
    (void)opaque;
    (void)n;
    free(s);
}

static int fake_global(void *opaque, char *level, size_t size, char *errstr, size_t errstr_size) {
    (void)opaque;
    (void)errstr;
    (void)errstr_size;
    snprintf(level, size, "BACKWARD");
    return 0;
}

static int fake_ping(void *opaque, char *errstr, size_t errstr_size) {
    fake_reg_t *f = opaque;
    f->pings++;
    if (f->ping_ok)
        return 0;
    snprintf(errstr, errstr_size, "GET /config: <refused>");
    return -1;
}

static void registry_hooks(void **state) {
    (void)state;
    fake_reg_t f = {.ping_ok = 0};
    sl_console_registry_t reg = {.opaque = &f,
                                 .subjects = fake_subjects,
                                 .free_subjects = fake_free,
                                 .global_compatibility = fake_global,
                                 .ping = fake_ping};
    sl_console_t *c = start_with(NULL, "127.0.0.1:1", &reg);
    unsigned port = sl_console_port(c);
    wait_snapshot(port, NULL);
    http_got_t r = http(port, "GET", "/api/overview", NULL, NULL);
    assert_int_equal(r.status, 200);
    /* the ping's answer, escaped, and no probe of its own */
    assert_non_null(strstr(r.body.data, "\"reachable\":false,\"status\":0,\"error\":\"GET "
                                        "/config: \\u003crefused\\u003e\""));
    http_got_free(&r);
    r = http(port, "GET", "/api/schemas", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(f.only, "-");
    assert_null(strstr(r.body.data, "<b>"));
    assert_non_null(strstr(r.body.data, "\"global_compatibility\":\"BACKWARD\""));
    assert_non_null(strstr(r.body.data,
                           "{\"name\":\"\\u003cb\\u003ex\\u003c/b\\u003e-value\","
                           "\"versions\":[1,2],\"latest_version\":2,\"latest_id\":7,"
                           "\"schema_type\":\"AVRO\",\"schema\":\"\\\"string\\\"\","
                           "\"compatibility\":\"FULL\",\"topic\":null,\"role\":\"value\"}"));
    assert_non_null(strstr(r.body.data, "\"versions\":[1],\"latest_version\":1,\"latest_id\":3,"
                                        "\"schema_type\":\"JSON\",\"schema\":\"{}\","
                                        "\"compatibility\":null,\"topic\":null,\"role\":\"key\"}"));
    http_got_free(&r);
    r = http(port, "GET", "/api/schemas?subject=a%2Fb-value", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(f.only, "a/b-value");
    http_got_free(&r);
    r = http(port, "GET", "/api/schemas?subject=fail", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(
        strstr(r.body.data, "\"available\":false,\"reason\":\"GET /subjects: HTTP 500\""));
    http_got_free(&r);
    expect_status(port, "GET", "/api/schemas?subject=", NULL, NULL, 400);
    sl_console_free(c);
    assert_true(f.pings >= 1);
}

TEST_MAIN(http_client_up, http_client_down, cmocka_unit_test(gate_with_token),
          cmocka_unit_test(login_cookie_csrf), cmocka_unit_test(read_only),
          cmocka_unit_test(silent_broker), cmocka_unit_test(registry_hooks))
