/* Unit tests for sl_http: host:port and query parsing, and the server answering real HTTP
 * requests over loopback (libcurl as the client). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "test_http_client.h"
#include "test_util.h"
#include "sl_http.h"

/* ---------------------------------------------------------------- host:port */

static void hostport_accepts(void **state) {
    (void)state;
    static const struct {
        const char *in, *host;
        uint16_t port;
    } ok[] = {{"127.0.0.1:8080", "127.0.0.1", 8080},
              {"localhost:0", "localhost", 0},
              {":9000", "127.0.0.1", 9000}, /* the host defaults to loopback */
              {"[::1]:65535", "::1", 65535}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char host[64];
        uint16_t port = 1;
        assert_int_equal(sl_http_parse_hostport(ok[i].in, host, sizeof host, &port), SL_HTTP_OK);
        assert_string_equal(host, ok[i].host);
        assert_int_equal(port, ok[i].port);
    }
}

static void hostport_rejects(void **state) {
    (void)state;
    char host[16];
    uint16_t port;
    const char *bad[] = {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "h:12a", "::1:80", "[::1]80",
                         "[]:80",     "h:-1",       "h:123456",        "h: 80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sl_http_parse_hostport(bad[i], host, sizeof host, &port),
                         SL_HTTP_ERR_ADDRESS);
    assert_int_equal(sl_http_parse_hostport("a-very-long-host-name:80", host, sizeof host, &port),
                     SL_HTTP_ERR_TOO_BIG);
    assert_string_equal(sl_http_err_str(SL_HTTP_ERR_ADDRESS), "bad address, expected HOST:PORT");
}

/* ---------------------------------------------------------------- query */

static void query_decodes(void **state) {
    (void)state;
    sl_http_query_t *q;
    const char *s = "results=10&seed=a%20b+c&&nat=US,DE&flag&results=20&%41=%2F&empty=";
    assert_int_equal(sl_http_query_parse(s, strlen(s), &q), SL_HTTP_OK);
    assert_int_equal(sl_http_query_count(q), 7);
    assert_string_equal(sl_http_query_key(q, 0), "results");
    assert_string_equal(sl_http_query_value(q, 0), "10");
    assert_string_equal(sl_http_query_value(q, 1), "a b c");
    assert_string_equal(sl_http_query_key(q, 3), "flag");
    assert_string_equal(sl_http_query_value(q, 3), "");
    assert_string_equal(sl_http_query_get(q, "results"), "20"); /* last wins */
    assert_string_equal(sl_http_query_get(q, "A"), "/");
    assert_string_equal(sl_http_query_get(q, "empty"), "");
    assert_null(sl_http_query_get(q, "missing"));
    assert_null(sl_http_query_key(q, 7));
    sl_http_query_free(q);

    assert_int_equal(sl_http_query_parse(NULL, 0, &q), SL_HTTP_OK);
    assert_int_equal(sl_http_query_count(q), 0);
    sl_http_query_free(q);
}

static void query_rejects(void **state) {
    (void)state;
    sl_http_query_t *q = (sl_http_query_t *)1;
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "%g1=2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sl_http_query_parse(bad[i], strlen(bad[i]), &q), SL_HTTP_ERR_QUERY);
        assert_null(q);
    }
    char nul[] = {'a', '=', '\0', 'b'};
    assert_int_equal(sl_http_query_parse(nul, sizeof nul, &q), SL_HTTP_ERR_QUERY);

    /* caps: 64 pairs fit, 65 do not; 8192 bytes fit, 8193 do not */
    char buf[SL_HTTP_QUERY_MAX_LEN + 2];
    size_t n = 0;
    for (int i = 0; i < SL_HTTP_QUERY_MAX_ARGS; i++)
        n += (size_t)sprintf(buf + n, "k%d=v&", i);
    assert_int_equal(sl_http_query_parse(buf, n, &q), SL_HTTP_OK);
    assert_int_equal(sl_http_query_count(q), SL_HTTP_QUERY_MAX_ARGS);
    sl_http_query_free(q);
    n += (size_t)sprintf(buf + n, "one=more");
    assert_int_equal(sl_http_query_parse(buf, n, &q), SL_HTTP_ERR_TOO_BIG);
    memset(buf, 'a', sizeof buf);
    assert_int_equal(sl_http_query_parse(buf, SL_HTTP_QUERY_MAX_LEN, &q), SL_HTTP_OK);
    assert_int_equal(strlen(sl_http_query_key(q, 0)), SL_HTTP_QUERY_MAX_LEN);
    sl_http_query_free(q);
    assert_int_equal(sl_http_query_parse(buf, SL_HTTP_QUERY_MAX_LEN + 1, &q), SL_HTTP_ERR_TOO_BIG);
}

/* ---------------------------------------------------------------- server */

/* A request to the server under test, keeping the X-Echo-Len header echo_handler sets. */
static http_got_t fetch(uint16_t port, const char *method, const char *target, const char *post) {
    return http_get(NULL, port, method, target, post, "X-Echo-Len");
}

static void echo_handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    /* runs on a server thread: record, do not assert (cmocka asserts belong to the test) */
    int *calls = opaque;
    calls[0]++;
    sl_http_response_status(resp, 201);
    if (sl_http_response_content_type(resp, "application/json") != SL_HTTP_OK)
        calls[1]++;
    size_t blen;
    const char *body = sl_http_request_body(req, &blen);
    char lenbuf[32];
    snprintf(lenbuf, sizeof lenbuf, "%zu", blen);
    if (sl_http_response_header(resp, "X-Echo-Len", lenbuf) != SL_HTTP_OK)
        calls[1]++;
    if (sl_http_response_header(resp, "Bad\r\nHeader", "x") != SL_HTTP_ERR_INVALID)
        calls[1]++;
    const char *ua = sl_http_request_header(req, "user-agent");
    sl_http_response_printf(resp, "%s %s n=%zu a=%s b=%s ua=%s body=%s",
                            sl_http_request_method(req), sl_http_request_path(req),
                            sl_http_query_count(sl_http_request_query(req)),
                            sl_http_request_arg(req, "a") ? sl_http_request_arg(req, "a") : "-",
                            sl_http_request_arg(req, "b") ? sl_http_request_arg(req, "b") : "-",
                            ua ? "yes" : "no", body);
}

static void big_handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)opaque;
    size_t n = 6000;
    char *b = malloc(n + 1);
    if (!b)
        return;
    for (size_t i = 0; i < n; i++)
        b[i] = (char)('a' + i % 26);
    b[n] = '\0';
    sl_http_response_set_body(resp, b, n);
    if (sl_http_request_arg(req, "cut"))
        sl_http_response_truncate_at(resp, 1000);
}

/* ?down=1: unhealthy, with members; otherwise healthy without. */
static void health_handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)opaque;
    if (sl_http_request_arg(req, "down"))
        sl_http_response_health(resp, 0, "cassandra_down", ",\"hosts_up\":%d,\"lag\":%s", 0,
                                "[1,2]");
    else
        sl_http_response_health(resp, 1, "ok", NULL);
}

static void server_answers(void **state) {
    (void)state;
    int calls[2] = {0, 0}; /* handler calls, handler-side check failures */
    sl_http_conf_t conf = {"127.0.0.1:0", 0, 0, 0, 1024, 0};
    sl_http_server_t *srv;
    char err[256];
    assert_int_equal(sl_http_server_new(&conf, &srv, err, sizeof err), SL_HTTP_OK);
    assert_int_equal(sl_http_server_port(srv), 0);
    assert_int_equal(sl_http_server_route(srv, "GET", "/echo", echo_handler, calls), 0);
    assert_int_equal(sl_http_server_route(srv, NULL, "/any", echo_handler, calls), 0);
    assert_int_equal(sl_http_server_route(srv, "GET", "/big", big_handler, NULL), 0);
    assert_int_equal(sl_http_server_route(srv, "GET", "/healthz", health_handler, NULL), 0);
    assert_int_equal(sl_http_server_start(srv, err, sizeof err), SL_HTTP_OK);
    assert_int_equal(sl_http_server_route(srv, "GET", "/late", echo_handler, calls),
                     SL_HTTP_ERR_STATE);
    uint16_t port = sl_http_server_port(srv);
    assert_true(port > 0);
    assert_string_equal(sl_http_server_host(srv), "127.0.0.1");

    /* What each request gets: status, exact body, content type and the echoed body
     * length header (NULL: not checked). */
    static const struct {
        const char *method, *target, *post;
        long status;
        const char *body, *ctype, *echo_len;
    } answers[] = {
        {"GET", "/echo?a=1%2B1&b=x+y&c", NULL, 201,
         "GET /echo n=3 a=1+1 b=x y ua=yes body=", "application/json", "0"},
        {"GET", "/nowhere", NULL, 404, "not found\n", "text/plain; charset=utf-8", NULL},
        {"DELETE", "/echo", NULL, 405, NULL, NULL, NULL},
        {"GET", "/echo?a=%zz", NULL, 400, "malformed query string\n", NULL, NULL},
        {"HEAD", "/echo", NULL, 201, "", NULL, NULL},
        {"POST", "/any?a=2", "hello=world", 201, "POST /any n=1 a=2 b=- ua=yes body=hello=world",
         NULL, "11"},
        {"GET", "/healthz", NULL, 200, "{\"status\":\"ok\"}\n", "application/json", NULL},
        {"GET", "/healthz?down=1", NULL, 503,
         "{\"status\":\"cassandra_down\",\"hosts_up\":0,\"lag\":[1,2]}\n", "application/json",
         NULL},
    };
    http_got_t f;
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        f = fetch(port, answers[i].method, answers[i].target, answers[i].post);
        assert_int_equal(f.rc, CURLE_OK);
        assert_int_equal(f.status, answers[i].status);
        if (answers[i].body)
            assert_string_equal(f.body.data, answers[i].body);
        if (answers[i].ctype)
            assert_string_equal(f.ctype, answers[i].ctype);
        if (answers[i].echo_len)
            assert_string_equal(f.header, answers[i].echo_len);
        sl_buf_free(&f.body);
    }

    char big[2048];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    f = fetch(port, "POST", "/any", big); /* over max_body = 1024 */
    assert_int_equal(f.status, 413);
    sl_buf_free(&f.body);

    f = fetch(port, "GET", "/big", NULL);
    assert_int_equal(f.rc, CURLE_OK);
    assert_int_equal(f.body.len, 6000);
    assert_memory_equal(f.body.data, "abcdefghijklmnopqrstuvwxyzabc", 29);
    sl_buf_free(&f.body);
    f = fetch(port, "GET", "/big?cut=1", NULL);
    assert_int_equal(f.rc, CURLE_PARTIAL_FILE);
    assert_int_equal(f.status, 200);
    assert_int_equal(f.body.len, 1000);
    sl_buf_free(&f.body);

    /* /echo twice (GET, HEAD), /any once; the 404, 405, 400 and 413 never reach it */
    assert_int_equal(calls[0], 3);
    assert_int_equal(calls[1], 0);
    sl_http_server_stop(srv);
    sl_http_server_stop(srv);
    assert_int_equal(sl_http_server_port(srv), 0);
    f = fetch(port, "GET", "/echo", NULL);
    assert_int_equal(f.rc, CURLE_COULDNT_CONNECT);
    sl_buf_free(&f.body);
    sl_http_server_free(srv);
}

static void server_reports_bind_errors(void **state) {
    (void)state;
    sl_http_server_t *a, *b;
    char err[256];
    sl_http_conf_t conf = {"127.0.0.1:0", 2, 0, 0, 0, 0};
    assert_int_equal(sl_http_server_new(&conf, &a, err, sizeof err), 0);
    assert_int_equal(sl_http_server_start(a, err, sizeof err), 0);
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", (unsigned)sl_http_server_port(a));
    conf.listen = listen;
    assert_int_equal(sl_http_server_new(&conf, &b, err, sizeof err), 0);
    assert_int_equal(sl_http_server_start(b, err, sizeof err), SL_HTTP_ERR_LISTEN);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    sl_http_server_free(b);
    sl_http_server_free(a);

    conf.listen = "nonsense";
    assert_int_equal(sl_http_server_new(&conf, &a, err, sizeof err), SL_HTTP_ERR_ADDRESS);
    assert_null(a);
    assert_string_equal(err, "listen address 'nonsense': bad address, expected HOST:PORT");
}

/* ---------------------------------------------------------------- graceful stop */

typedef struct gate_s {
    atomic_int entered, release;
    uint16_t port;
    http_got_t result;
    sl_http_server_t *srv;
} gate_t;

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Polls cond for up to 20 s; returns whether it became true. */
static int wait_for(atomic_int *flag) {
    for (int i = 0; i < 2000; i++) {
        if (atomic_load(flag))
            return 1;
        pause_ms(10);
    }
    return 0;
}

static void gated_handler(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    gate_t *g = opaque;
    atomic_store(&g->entered, 1);
    for (int i = 0; i < 2000 && !atomic_load(&g->release); i++)
        pause_ms(10);
    sl_http_response_printf(resp, "finished");
}

static void *client_thread(void *arg) {
    gate_t *g = arg;
    g->result = fetch(g->port, "GET", "/slow", NULL);
    return NULL;
}

static void *stopper_thread(void *arg) {
    sl_http_server_stop(((gate_t *)arg)->srv);
    return NULL;
}

static void stop_lets_requests_finish(void **state) {
    (void)state;
    gate_t g;
    memset(&g, 0, sizeof g);
    sl_http_conf_t conf = {"127.0.0.1:0", 0, 0, 0, 0, 20000};
    char err[256];
    assert_int_equal(sl_http_server_new(&conf, &g.srv, err, sizeof err), 0);
    assert_int_equal(sl_http_server_route(g.srv, "GET", "/slow", gated_handler, &g), 0);
    assert_int_equal(sl_http_server_start(g.srv, err, sizeof err), 0);
    g.port = sl_http_server_port(g.srv);
    pthread_t client, stopper;
    assert_int_equal(pthread_create(&client, NULL, client_thread, &g), 0);
    assert_true(wait_for(&g.entered));
    assert_int_equal(pthread_create(&stopper, NULL, stopper_thread, &g), 0);
    /* the server stops accepting while the slow request is still in its handler */
    int refused = 0;
    for (int i = 0; i < 2000 && !refused; i++) {
        http_got_t f = fetch(g.port, "GET", "/other", NULL);
        refused = f.rc == CURLE_COULDNT_CONNECT;
        sl_buf_free(&f.body);
        if (!refused)
            pause_ms(10);
    }
    assert_true(refused);
    atomic_store(&g.release, 1);
    pthread_join(client, NULL);
    pthread_join(stopper, NULL);
    assert_int_equal(g.result.rc, CURLE_OK);
    assert_int_equal(g.result.status, 200);
    assert_string_equal(g.result.body.data, "finished");
    sl_buf_free(&g.result.body);
    sl_http_server_free(g.srv);
}

TEST_MAIN(http_client_up, http_client_down, cmocka_unit_test(hostport_accepts),
          cmocka_unit_test(hostport_rejects), cmocka_unit_test(query_decodes),
          cmocka_unit_test(query_rejects), cmocka_unit_test(server_answers),
          cmocka_unit_test(server_reports_bind_errors), cmocka_unit_test(stop_lets_requests_finish))
