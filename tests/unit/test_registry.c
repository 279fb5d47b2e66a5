/*
 * Unit tests for sl_registry, the Confluent REST client: the error table, the
 * classification of outcomes, and every call against a scripted loopback server
 * (test_registry_fake.h): request shapes, retries with backoff on 5xx/429/connection
 * errors, Retry-After, 4xx with Confluent error codes kept verbatim, the body cap,
 * timeouts, basic auth sent but never shown, the stop flag.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_util.h"
#include "sl_registry.h"
#include "test_registry_fake.h"

/* ---- log capture ---- */

typedef struct {
    int warns, lines;
    char all[8192];
} logbuf_t;

static void capture(void *opaque, sl_log_level_t level, const char *msg) {
    logbuf_t *l = opaque;
    l->lines++;
    if (level == SL_LOG_WARN)
        l->warns++;
    size_t used = strlen(l->all);
    snprintf(l->all + used, sizeof l->all - used, "%s\n", msg);
}

static sl_registry_t *client(const char *base, const char *path, logbuf_t *log,
                             void (*tweak)(sl_registry_conf_t *)) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", base, path);
    sl_registry_conf_t c;
    sl_registry_conf_defaults(&c);
    c.url = url;
    c.backoff_base_ms = 5;
    c.backoff_max_ms = 20;
    c.connect_timeout_ms = 2000;
    c.timeout_ms = 5000;
    c.log = capture;
    c.log_opaque = log;
    if (tweak)
        tweak(&c);
    char err[256];
    sl_registry_t *r = sl_registry_new(&c, err, sizeof err);
    if (!r)
        fprintf(stderr, "sl_registry_new: %s\n", err);
    assert_non_null(r);
    return r;
}

/* A fake registry with the given routes and a client of it (URL base + path, conf changed
 * by tweak if not NULL) that logs into log. */
typedef struct {
    fake_registry_t f;
    logbuf_t log;
    sl_registry_t *r;
} fx_t;

static void fx_open(fx_t *x, fake_route_t *routes, size_t n, const char *path,
                    void (*tweak)(sl_registry_conf_t *)) {
    memset(x, 0, sizeof *x);
    assert_int_equal(fake_start(&x->f, routes, n), 0);
    x->r = client(x->f.base, path, &x->log, tweak);
}

static void fx_close(fx_t *x) {
    sl_registry_free(x->r);
    fake_stop(&x->f);
}

/* ---- tables ---- */

static void error_table(void **state) {
    (void)state;
    assert_string_equal(sl_registry_err_str(SL_REGISTRY_OK), "success");
    assert_string_equal(sl_registry_err_str((sl_registry_err_t)123456), "unknown error");
    assert_int_equal(SL_REGISTRY_ERR_SCHEMA_NOT_FOUND, 40403);
    assert_int_equal(SL_REGISTRY_ERR_SUBJECT_NOT_FOUND, 40401);
    assert_int_equal(SL_REGISTRY_ERR_INCOMPATIBLE, 409);
    assert_int_equal(SL_REGISTRY_ERR_INVALID_SCHEMA, 42201);
    assert_true(sl_registry_err_is_retriable(SL_REGISTRY_ERR_UNREACHABLE));
    assert_true(sl_registry_err_is_retriable(SL_REGISTRY_ERR_SERVER));
    assert_true(sl_registry_err_is_retriable(SL_REGISTRY_ERR_RATE_LIMITED));
    assert_false(sl_registry_err_is_retriable(SL_REGISTRY_ERR_SCHEMA_NOT_FOUND));
    assert_false(sl_registry_err_is_retriable(SL_REGISTRY_ERR_INCOMPATIBLE));
    assert_false(sl_registry_err_is_retriable(SL_REGISTRY_ERR_UNAUTHORIZED));
    assert_false(sl_registry_err_is_retriable(SL_REGISTRY_ERR_TOO_BIG));
    assert_false(sl_registry_err_is_retriable(SL_REGISTRY_OK));
    assert_int_equal(sl_registry_err_from_code(40403), SL_REGISTRY_ERR_SCHEMA_NOT_FOUND);
    assert_int_equal(sl_registry_err_from_code(42203), SL_REGISTRY_ERR_INVALID_COMPATIBILITY);
    assert_int_equal(sl_registry_err_from_code(40499), SL_REGISTRY_ERR_CLIENT);
    /* the library's own small codes are not a server's */
    assert_int_equal(sl_registry_err_from_code(3), SL_REGISTRY_ERR_CLIENT);
    assert_int_equal(sl_registry_err_from_code(0), SL_REGISTRY_ERR_CLIENT);
}

static void classify_outcomes(void **state) {
    (void)state;
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 200, 0), SL_REGISTRY_OK);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 204, 0), SL_REGISTRY_OK);
    assert_int_equal(sl_registry_classify(CURLE_COULDNT_CONNECT, 0, 0, 0),
                     SL_REGISTRY_ERR_UNREACHABLE);
    assert_int_equal(sl_registry_classify(CURLE_OPERATION_TIMEDOUT, 0, 0, 0),
                     SL_REGISTRY_ERR_UNREACHABLE);
    assert_int_equal(sl_registry_classify(CURLE_COULDNT_RESOLVE_HOST, 0, 0, 0),
                     SL_REGISTRY_ERR_UNREACHABLE);
    assert_int_equal(sl_registry_classify(CURLE_GOT_NOTHING, 0, 0, 0), SL_REGISTRY_ERR_UNREACHABLE);
    assert_int_equal(sl_registry_classify(CURLE_PEER_FAILED_VERIFICATION, 0, 0, 0),
                     SL_REGISTRY_ERR_TRANSPORT);
    assert_int_equal(sl_registry_classify(CURLE_WRITE_ERROR, 1, 200, 0), SL_REGISTRY_ERR_TOO_BIG);
    assert_int_equal(sl_registry_classify(CURLE_FILESIZE_EXCEEDED, 0, 200, 0),
                     SL_REGISTRY_ERR_TOO_BIG);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 500, 50001), SL_REGISTRY_ERR_SERVER);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 503, 0), SL_REGISTRY_ERR_SERVER);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 429, 0), SL_REGISTRY_ERR_RATE_LIMITED);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 401, 0), SL_REGISTRY_ERR_UNAUTHORIZED);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 403, 40301), SL_REGISTRY_ERR_UNAUTHORIZED);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 404, 40401),
                     SL_REGISTRY_ERR_SUBJECT_NOT_FOUND);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 404, 40403),
                     SL_REGISTRY_ERR_SCHEMA_NOT_FOUND);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 404, 0), SL_REGISTRY_ERR_NOT_FOUND);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 409, 409), SL_REGISTRY_ERR_INCOMPATIBLE);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 422, 42201), SL_REGISTRY_ERR_INVALID_SCHEMA);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 400, 0), SL_REGISTRY_ERR_CLIENT);
    assert_int_equal(sl_registry_classify(CURLE_OK, 0, 302, 0), SL_REGISTRY_ERR_BAD_RESPONSE);
}

static void refuses_bad_urls(void **state) {
    (void)state;
    sl_registry_conf_t c;
    sl_registry_conf_defaults(&c);
    char err[256];
    const char *bad[] = {"ftp://h/x", "h:8081", "http://", "https:///x", NULL};
    for (int i = 0; bad[i]; i++) {
        c.url = bad[i];
        assert_null(sl_registry_new(&c, err, sizeof err));
        assert_true(strlen(err) > 5);
    }
    c.url = NULL;
    assert_null(sl_registry_new(&c, err, sizeof err));
    /* credentials in the URL: refused, and not quoted back */
    c.url = "http://alice:s3cr3t-pw@127.0.0.1:8081/apis/ccompat/v7";
    assert_null(sl_registry_new(&c, err, sizeof err));
    assert_null(strstr(err, "s3cr3t-pw"));
    assert_null(strstr(err, "alice"));
    assert_contains(err, "must not carry credentials");
    /* an '@' after the authority is fine (a path or query may hold one) */
    c.url = "http://127.0.0.1:8081/a@b/";
    sl_registry_t *r = sl_registry_new(&c, err, sizeof err);
    assert_non_null(r);
    assert_string_equal(sl_registry_url(r), "http://127.0.0.1:8081/a@b");
    sl_registry_free(r);
}

/* ---- calls against the fake ---- */

static void register_sends_schema_and_reads_id(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/api/subjects/users created/x-value/versions", .body = "{\"id\":17}"},
    };
    fx_t x;
    fx_open(&x, routes, 1, "/api/", NULL);
    sl_registry_t *r = x.r;
    const char schema[] = "{\"type\":\"string\",\"doc\":\"a \\\"quoted\\\" word\\n\"}";
    int32_t id = -1;
    sl_registry_detail_t d;
    assert_int_equal(
        sl_registry_register(r, "users created/x-value", schema, sizeof schema - 1, &id, &d),
        SL_REGISTRY_OK);
    assert_int_equal(id, 17);
    assert_int_equal(d.attempts, 1);
    assert_int_equal(d.http_status, 200);
    assert_int_equal(fake_hits(&routes[0]), 1);
    assert_string_equal(routes[0].method, "POST");
    assert_string_equal(routes[0].content_type, "application/vnd.schemaregistry.v1+json");
    /* the schema travels as a JSON string, escaped */
    assert_string_equal(routes[0].last_body,
                        "{\"schema\":\"{\\\"type\\\":\\\"string\\\",\\\"doc\\\":\\\"a "
                        "\\\\\\\"quoted\\\\\\\" word\\\\n\\\"}\"}");
    assert_string_equal(routes[0].auth, "");
    assert_true(x.log.lines >= 1); /* the request, at DEBUG */
    fx_close(&x);
}

static void retries_5xx_then_succeeds(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/schemas/ids/3",
         .body = "{\"schema\":\"\\\"string\\\"\"}",
         .fail_first = 2,
         .fail_status = 503,
         .fail_body = "{\"error_code\":50003,\"message\":\"Error while forwarding\"}"},
    };
    fx_t x;
    fx_open(&x, routes, 1, "", NULL);
    sl_registry_t *r = x.r;
    char *s = NULL;
    size_t len = 0;
    sl_registry_detail_t d;
    assert_int_equal(sl_registry_schema_by_id(r, 3, &s, &len, &d), SL_REGISTRY_OK);
    assert_string_equal(s, "\"string\"");
    assert_int_equal(len, 8);
    free(s);
    assert_int_equal(d.attempts, 3);
    assert_int_equal(fake_hits(&routes[0]), 3);
    assert_int_equal(x.log.warns, 2);
    assert_contains(x.log.all, "Error while forwarding", "try 2 of 4", "try 3 of 4");
    fx_close(&x);
}

static void two_attempts(sl_registry_conf_t *c) {
    c->attempts = 2;
}

static void server_errors_exhaust_attempts(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/schemas/ids/3", .fail_first = 100, .fail_status = 500, .fail_body = "oops"},
    };
    fx_t x;
    fx_open(&x, routes, 1, "", two_attempts);
    sl_registry_t *r = x.r;
    char *s = NULL;
    size_t len;
    sl_registry_detail_t d;
    sl_registry_err_t err = sl_registry_schema_by_id(r, 3, &s, &len, &d);
    assert_int_equal(err, SL_REGISTRY_ERR_SERVER);
    assert_true(sl_registry_err_is_retriable(err));
    assert_null(s);
    assert_int_equal(d.attempts, 2);
    assert_int_equal(d.http_status, 500);
    assert_int_equal(fake_hits(&routes[0]), 2);
    assert_string_equal(d.message, "GET /schemas/ids/3: HTTP 500: oops");
    fx_close(&x);
}

static void retry_after_max(sl_registry_conf_t *c) {
    c->retry_after_max_ms = 1500;
}

static void rate_limit_honours_retry_after(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/subjects",
         .body = "[\"a-value\",\"b-value\"]",
         .fail_first = 1,
         .fail_status = 429,
         .retry_after = "1"},
    };
    fx_t x;
    fx_open(&x, routes, 1, "", retry_after_max);
    sl_registry_t *r = x.r;
    sl_registry_list_t l;
    sl_registry_detail_t d;
    assert_int_equal(sl_registry_subjects(r, &l, &d), SL_REGISTRY_OK);
    assert_int_equal(l.n, 2);
    assert_null(l.ints);
    assert_string_equal(l.strings[0], "a-value");
    assert_string_equal(l.strings[1], "b-value");
    sl_registry_list_free(&l);
    assert_int_equal(d.attempts, 2);
    /* the wait logged is the server's floor at least, never more than the cap */
    const char *in = strstr(x.log.all, "try 2 of 4 in ");
    assert_non_null(in);
    long ms = strtol(in + strlen("try 2 of 4 in "), NULL, 10);
    assert_true(ms >= 1000 && ms <= 1500);
    fx_close(&x);
}

static void client_errors_keep_confluent_codes(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/schemas/ids/9",
         .status = 404,
         .body = "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}"},
        {.path = "/subjects/s-value/versions",
         .status = 409,
         .body = "{\"error_code\":409,\"message\":\"Schema being registered is incompatible "
                 "with an earlier schema for subject \\\"s-value\\\"\"}"},
        {.path = "/subjects/bad-value/versions",
         .status = 422,
         .body = "{\"error_code\":42201,\"message\":\"Invalid schema\\u0007\"}"},
        {.path = "/subjects/none-value",
         .status = 404,
         .body = "{\"error_code\":40401,\"message\":\"Subject 'none-value' not found.\"}"},
        {.path = "/config/odd-value", .status = 400, .body = "Not able to deserialize data"},
    };
    fx_t x;
    fx_open(&x, routes, 5, "", NULL);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char *s = NULL;
    size_t len;
    assert_int_equal(sl_registry_schema_by_id(r, 9, &s, &len, &d),
                     SL_REGISTRY_ERR_SCHEMA_NOT_FOUND);
    assert_int_equal(d.error_code, 40403);
    assert_int_equal(d.http_status, 404);
    assert_int_equal(d.attempts, 1); /* not retried */
    assert_string_equal(d.message,
                        "GET /schemas/ids/9: HTTP 404, error_code 40403: Schema 9 not found");
    int32_t id = -1;
    assert_int_equal(sl_registry_register(r, "s-value", "\"int\"", 5, &id, &d),
                     SL_REGISTRY_ERR_INCOMPATIBLE);
    assert_int_equal(id, -1);
    assert_int_equal(d.error_code, 409);
    assert_contains(d.message, "incompatible with an earlier schema");
    assert_int_equal(sl_registry_register(r, "bad-value", "{", 1, &id, &d),
                     SL_REGISTRY_ERR_INVALID_SCHEMA);
    assert_int_equal(d.error_code, 42201);
    assert_non_null(strstr(d.message, "Invalid schema?")); /* control byte shown safely */
    assert_int_equal(sl_registry_lookup(r, "none-value", "\"int\"", 5, &id, NULL, &d),
                     SL_REGISTRY_ERR_SUBJECT_NOT_FOUND);
    assert_int_equal(d.error_code, 40401);
    /* a 4xx that is not JSON: the status, and the start of what was sent */
    assert_int_equal(sl_registry_set_compatibility(r, "odd-value", "BOGUS", &d),
                     SL_REGISTRY_ERR_CLIENT);
    assert_int_equal(d.error_code, 0);
    assert_string_equal(d.message, "PUT /config/odd-value: HTTP 400: Not able to deserialize data");
    assert_string_equal(routes[4].last_body, "{\"compatibility\":\"BOGUS\"}");
    assert_int_equal(x.log.warns, 0);
    fx_close(&x);
}

static void wrong_base_url_is_a_plain_404(void **state) {
    (void)state;
    fake_route_t routes[] = {{.path = "/unused"}};
    fx_t x;
    fx_open(&x, routes, 1, "", NULL);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char *s = NULL;
    size_t len;
    assert_int_equal(sl_registry_schema_by_id(r, 1, &s, &len, &d), SL_REGISTRY_ERR_NOT_FOUND);
    assert_int_equal(d.http_status, 404);
    assert_int_equal(d.error_code, 0);
    fx_close(&x);
}

static void with_credentials(sl_registry_conf_t *c) {
    c->username = "svc-sluice";
    c->password = "pa55-W0rd:secret";
}

static void basic_auth_sent_never_shown(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/config", .body = "{\"compatibilityLevel\":\"FULL\"}"},
        {.path = "/subjects/x-value/versions",
         .status = 401,
         .body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}"},
    };
    fx_t x;
    fx_open(&x, routes, 2, "", with_credentials);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char level[32];
    assert_int_equal(sl_registry_get_compatibility(r, NULL, level, sizeof level, &d),
                     SL_REGISTRY_OK);
    assert_string_equal(level, "FULL");
    /* base64("svc-sluice:pa55-W0rd:secret") */
    assert_string_equal(routes[0].auth, "Basic c3ZjLXNsdWljZTpwYTU1LVcwcmQ6c2VjcmV0");
    int32_t id;
    assert_int_equal(sl_registry_register(r, "x-value", "\"int\"", 5, &id, &d),
                     SL_REGISTRY_ERR_UNAUTHORIZED);
    assert_int_equal(d.attempts, 1);
    assert_int_equal(d.error_code, 40101);
    assert_contains(d.message, "Unauthorized");
    assert_null(strstr(d.message, "pa55"));
    assert_null(strstr(d.message, "c3ZjLXNsdWljZTpwYTU1"));
    assert_null(strstr(x.log.all, "pa55"));
    assert_null(strstr(x.log.all, "c3ZjLXNsdWljZTpwYTU1"));
    fx_close(&x);
}

static void small_cap(sl_registry_conf_t *c) {
    c->max_body = 1024;
}

static void answer_over_the_cap(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/subjects", .body = "[\"a-very-long-subject-name-value\"", .repeat = 100},
        {.path = "/subjects/s/versions", .body = "[1,2,3]"},
    };
    fx_t x;
    fx_open(&x, routes, 2, "", small_cap);
    sl_registry_t *r = x.r;
    sl_registry_list_t l;
    sl_registry_detail_t d;
    sl_registry_err_t err = sl_registry_subjects(r, &l, &d);
    assert_int_equal(err, SL_REGISTRY_ERR_TOO_BIG);
    assert_false(sl_registry_err_is_retriable(err));
    assert_int_equal(d.attempts, 1);
    assert_string_equal(d.message, "GET /subjects: answer larger than 1024 bytes");
    assert_int_equal(l.n, 0);
    /* the client is still usable */
    assert_int_equal(sl_registry_versions(r, "s", &l, &d), SL_REGISTRY_OK);
    assert_int_equal(l.n, 3);
    assert_null(l.strings);
    assert_int_equal(l.ints[2], 3);
    sl_registry_list_free(&l);
    fx_close(&x);
}

static void version_reads_id_schema_and_type(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/subjects/t-value/versions/latest",
         .body = "{\"subject\":\"t-value\",\"version\":3,\"id\":12,"
                 "\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}"},
        {.path = "/subjects/t-value/versions/2",
         .body = "{\"version\":2,\"id\":11,\"schemaType\":\"JSON\",\"schema\":\"{}\"}"},
        {.path = "/subjects/t-value/versions/1", .body = "{\"version\":1,\"schema\":\"{}\"}"},
        {.path = "/subjects/gone-value/versions/latest",
         .status = 404,
         .body = "{\"error_code\":40401,\"message\":\"Subject not found\"}"},
    };
    fx_t x;
    fx_open(&x, routes, 4, "", NULL);
    sl_registry_version_t v;
    sl_registry_detail_t d;
    assert_int_equal(sl_registry_version(x.r, "t-value", -1, &v, &d), SL_REGISTRY_OK);
    assert_int_equal(v.id, 12);
    assert_int_equal(v.version, 3);
    assert_string_equal(v.schema, "{\"type\":\"string\"}");
    assert_int_equal(v.schema_len, strlen(v.schema));
    assert_string_equal(v.schema_type, "AVRO");
    sl_registry_version_clear(&v);
    assert_null(v.schema);
    assert_int_equal(sl_registry_version(x.r, "t-value", 2, &v, &d), SL_REGISTRY_OK);
    assert_int_equal(v.id, 11);
    assert_string_equal(v.schema_type, "JSON");
    sl_registry_version_clear(&v);
    assert_int_equal(sl_registry_version(x.r, "t-value", 1, &v, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_null(v.schema);
    assert_int_equal(sl_registry_version(x.r, "gone-value", -1, &v, &d),
                     SL_REGISTRY_ERR_SUBJECT_NOT_FOUND);
    assert_int_equal(d.error_code, 40401);
    assert_int_equal(sl_registry_version(x.r, NULL, -1, &v, &d), SL_REGISTRY_ERR_INVALID);
    fx_close(&x);
}

static void answers_that_are_not_the_api(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/schemas/ids/1", .body = "<html>proxy login</html>"},
        {.path = "/schemas/ids/2", .body = "{\"schema\":17}"},
        {.path = "/schemas/ids/3", .body = "{\"references\":[]}"},
        {.path = "/subjects/a/versions", .body = "{\"id\":1}"},
        {.path = "/subjects/b/versions", .body = "{\"id\":-4}"},
        {.path = "/subjects", .body = "[1,2]"},
    };
    fx_t x;
    fx_open(&x, routes, 6, "", NULL);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char *s = NULL;
    size_t len;
    assert_int_equal(sl_registry_schema_by_id(r, 1, &s, &len, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_contains(d.message, "not JSON");
    assert_int_equal(sl_registry_schema_by_id(r, 2, &s, &len, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_contains(d.message, "\"schema\" is a number");
    assert_int_equal(sl_registry_schema_by_id(r, 3, &s, &len, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_contains(d.message, "no valid \"schema\"");
    assert_null(s);
    sl_registry_list_t l;
    assert_int_equal(sl_registry_versions(r, "a", &l, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    int32_t id;
    assert_int_equal(sl_registry_register(r, "b", "\"int\"", 5, &id, &d),
                     SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_int_equal(sl_registry_subjects(r, &l, &d), SL_REGISTRY_ERR_BAD_RESPONSE);
    assert_int_equal(x.log.warns, 0); /* none of it is retried */
    fx_close(&x);
}

/* A loopback port with nothing listening: bound, then closed. */
static int dead_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &al);
    close(s);
    return ntohs(a.sin_port);
}

static void three_attempts(sl_registry_conf_t *c) {
    c->attempts = 3;
}

static void unreachable_is_retried_then_retriable(void **state) {
    (void)state;
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", dead_port());
    logbuf_t log = {0};
    sl_registry_t *r = client(base, "/apis/ccompat/v7", &log, three_attempts);
    char *s = NULL;
    size_t len;
    sl_registry_detail_t d;
    sl_registry_err_t err = sl_registry_schema_by_id(r, 1, &s, &len, &d);
    assert_int_equal(err, SL_REGISTRY_ERR_UNREACHABLE);
    assert_true(sl_registry_err_is_retriable(err));
    assert_int_equal(d.attempts, 3);
    assert_int_equal(d.http_status, 0);
    assert_int_equal(log.warns, 2);
    assert_contains(d.message, "GET /schemas/ids/1: ");
    sl_registry_free(r);
}

static void short_timeout(sl_registry_conf_t *c) {
    c->timeout_ms = 200;
    c->attempts = 1;
}

static void slow_answer_times_out(void **state) {
    (void)state;
    fake_route_t routes[] = {{.path = "/config", .delay_ms = 1500, .body = "{}"}};
    fx_t x;
    fx_open(&x, routes, 1, "", short_timeout);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char level[16];
    assert_int_equal(sl_registry_get_compatibility(r, NULL, level, sizeof level, &d),
                     SL_REGISTRY_ERR_UNREACHABLE);
    assert_non_null(strstr(d.message, "GET /config: ")); /* curl: "Operation timed out..." */
    assert_contains(d.message, "timed out");
    fx_close(&x);
}

static volatile sig_atomic_t stop_now = 1;

static void with_stop(sl_registry_conf_t *c) {
    c->stop = &stop_now;
    c->backoff_base_ms = 60000;
    c->backoff_max_ms = 60000;
}

static void stop_flag_ends_the_wait(void **state) {
    (void)state;
    fake_route_t routes[] = {{.path = "/config", .fail_first = 10}};
    fx_t x;
    fx_open(&x, routes, 1, "", with_stop);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    char level[16];
    assert_int_equal(sl_registry_get_compatibility(r, NULL, level, sizeof level, &d),
                     SL_REGISTRY_ERR_SERVER);
    assert_int_equal(d.attempts, 1);
    assert_int_equal(fake_hits(&routes[0]), 1);
    fx_close(&x);
}

static void compatibility_calls(void **state) {
    (void)state;
    fake_route_t routes[] = {
        {.path = "/config/u-value", .body = "{\"compatibility\":\"BACKWARD\"}"},
        {.path = "/config/w-value",
         .status = 404,
         .body = "{\"error_code\":40408,\"message\":\"no subject-level config\"}"},
        {.path = "/config", .body = "{\"compatibilityLevel\":\"NONE\"}"},
        {.path = "/compatibility/subjects/u-value/versions/latest",
         .body = "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE\","
                 "\"email\"]}"},
        {.path = "/compatibility/subjects/u-value/versions/2", .body = "{\"is_compatible\":true}"},
        {.path = "/subjects/u-value",
         .body = "{\"subject\":\"u-value\",\"id\":4,\"version\":2,\"schema\":\"\\\"int\\\"\"}"},
    };
    fx_t x;
    fx_open(&x, routes, 6, "", NULL);
    sl_registry_t *r = x.r;
    sl_registry_detail_t d;
    assert_int_equal(sl_registry_set_compatibility(r, "u-value", "BACKWARD", &d), SL_REGISTRY_OK);
    assert_string_equal(routes[0].method, "PUT");
    assert_string_equal(routes[0].last_body, "{\"compatibility\":\"BACKWARD\"}");
    /* the registry answering another level than asked is not success */
    assert_int_equal(sl_registry_set_compatibility(r, "u-value", "FULL", &d),
                     SL_REGISTRY_ERR_BAD_RESPONSE);
    char level[32];
    assert_int_equal(sl_registry_get_compatibility(r, "u-value", level, sizeof level, &d),
                     SL_REGISTRY_OK);
    assert_string_equal(level, "BACKWARD");
    assert_string_equal(routes[0].query_arg, "true"); /* defaultToGlobal */
    /* no level of its own: the global one */
    assert_int_equal(sl_registry_get_compatibility(r, "w-value", level, sizeof level, &d),
                     SL_REGISTRY_OK);
    assert_string_equal(level, "NONE");
    int ok = -1;
    char reasons[256];
    assert_int_equal(sl_registry_check_compatibility(r, "u-value", "latest", "\"int\"", 5, &ok,
                                                     reasons, sizeof reasons, &d),
                     SL_REGISTRY_OK);
    assert_int_equal(ok, 0);
    assert_string_equal(reasons, "READER_FIELD_MISSING_DEFAULT_VALUE; email");
    assert_string_equal(routes[3].query_arg, "true"); /* verbose */
    assert_int_equal(
        sl_registry_check_compatibility(r, "u-value", "2", "\"int\"", 5, &ok, NULL, 0, &d),
        SL_REGISTRY_OK);
    assert_int_equal(ok, 1);
    assert_int_equal(
        sl_registry_check_compatibility(r, "u-value", "2/../x", "\"int\"", 5, &ok, NULL, 0, &d),
        SL_REGISTRY_ERR_INVALID);
    int32_t id = 0, version = 0;
    assert_int_equal(sl_registry_lookup(r, "u-value", "\"int\"", 5, &id, &version, &d),
                     SL_REGISTRY_OK);
    assert_int_equal(id, 4);
    assert_int_equal(version, 2);
    fx_close(&x);
}

TEST_MAIN(http_client_up, http_client_down, cmocka_unit_test(error_table),
          cmocka_unit_test(classify_outcomes), cmocka_unit_test(refuses_bad_urls),
          cmocka_unit_test(register_sends_schema_and_reads_id),
          cmocka_unit_test(retries_5xx_then_succeeds),
          cmocka_unit_test(server_errors_exhaust_attempts),
          cmocka_unit_test(rate_limit_honours_retry_after),
          cmocka_unit_test(client_errors_keep_confluent_codes),
          cmocka_unit_test(wrong_base_url_is_a_plain_404),
          cmocka_unit_test(basic_auth_sent_never_shown), cmocka_unit_test(answer_over_the_cap),
          cmocka_unit_test(version_reads_id_schema_and_type),
          cmocka_unit_test(answers_that_are_not_the_api),
          cmocka_unit_test(unreachable_is_retried_then_retriable),
          cmocka_unit_test(slow_answer_times_out), cmocka_unit_test(stop_flag_ends_the_wait),
          cmocka_unit_test(compatibility_calls))
