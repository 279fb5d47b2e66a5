/*
 * The sl_http server: routes requests from libmicrohttpd's threads to registered handlers.
 * libmicrohttpd hands the access callback a decoded path only, so the raw URI (with its
 * query) is captured by the URI-log callback into a per-request context, parsed with our
 * own bounded query parser, and released when the request completes.
 */
#include "sl_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sl_buf.h"

#define MAX_ROUTES 32
#define MAX_HEADERS 8
#define MAX_BODY_OUT ((size_t)256 << 20)
#define HOST_MAX 256

SL_ERR_DEFINE_STR(sl_http_err_str, sl_http_err_t, SL_HTTP_ERRORS)

typedef struct route_s {
    char method[16]; /* "" = any */
    char path[256];
    sl_http_handler_fn handler;
    void *opaque;
} route_t;

struct sl_http_server_s {
    sl_http_conf_t conf;
    char host[HOST_MAX];
    uint16_t want_port;
    uint16_t port;
    struct MHD_Daemon *daemon;
    route_t routes[MAX_ROUTES];
    size_t n_routes;
    atomic_int active; /* requests received and not yet completed */
};

/* Per-request state, created by the URI-log callback, freed on completion. */
typedef struct req_ctx_s {
    char *uri;     /* raw request target, as received */
    sl_buf_t body; /* request body collected so far, capped at conf.max_body */
    int body_too_big;
    int started;
} req_ctx_t;

struct sl_http_request_s {
    const char *method;
    const char *path;
    const sl_http_query_t *query;
    struct MHD_Connection *conn;
    const char *body;
    size_t body_len;
};

typedef struct header_s {
    char name[256];
    char value[1024];
} header_t;

struct sl_http_response_s {
    int status;
    char content_type[128];
    header_t headers[MAX_HEADERS];
    size_t n_headers;
    sl_buf_t body; /* capped at MAX_BODY_OUT */
    int failed;    /* an append ran out of memory or over the cap */
    size_t truncate_at;
    int truncate;
};

sl_http_err_t sl_http_parse_hostport(const char *s, char *host, size_t host_size, uint16_t *port) {
    if (!s || !host || host_size == 0 || !port)
        return SL_HTTP_ERR_INVALID;
    const char *colon;
    const char *hstart = s;
    size_t hlen;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':')
            return SL_HTTP_ERR_ADDRESS;
        hstart = s + 1;
        hlen = (size_t)(close - hstart);
        colon = close + 1;
        if (hlen == 0)
            return SL_HTTP_ERR_ADDRESS;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return SL_HTTP_ERR_ADDRESS;
        hlen = (size_t)(colon - s);
        if (memchr(s, ':', hlen)) /* bare IPv6 needs brackets */
            return SL_HTTP_ERR_ADDRESS;
    }
    const char *p = colon + 1;
    if (*p == '\0' || strlen(p) > 5)
        return SL_HTTP_ERR_ADDRESS;
    unsigned long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return SL_HTTP_ERR_ADDRESS;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535)
        return SL_HTTP_ERR_ADDRESS;
    if (hlen == 0) {
        hstart = "127.0.0.1";
        hlen = strlen(hstart);
    }
    if (hlen >= host_size)
        return SL_HTTP_ERR_TOO_BIG;
    memcpy(host, hstart, hlen);
    host[hlen] = '\0';
    *port = (uint16_t)v;
    return SL_HTTP_OK;
}

sl_http_err_t sl_http_server_new(const sl_http_conf_t *conf, sl_http_server_t **out, char *errstr,
                                 size_t errstr_size) {
    *out = NULL;
    sl_http_server_t *srv = calloc(1, sizeof *srv);
    if (!srv)
        return SL_HTTP_ERR_NOMEM;
    if (conf)
        srv->conf = *conf;
    const char *listen = srv->conf.listen ? srv->conf.listen : "127.0.0.1:0";
    srv->conf.listen = NULL; /* not kept: host and port are copied below */
    sl_http_err_t err =
        sl_http_parse_hostport(listen, srv->host, sizeof srv->host, &srv->want_port);
    if (err) {
        sl_err_format(errstr, errstr_size, "listen address '%s': %s", listen, sl_http_err_str(err));
        free(srv);
        return err;
    }
    if (srv->conf.max_connections == 0)
        srv->conf.max_connections = 256;
    if (srv->conf.timeout_s == 0)
        srv->conf.timeout_s = 30;
    if (srv->conf.max_body == 0)
        srv->conf.max_body = 65536;
    if (srv->conf.drain_ms == 0)
        srv->conf.drain_ms = 5000;
    *out = srv;
    return SL_HTTP_OK;
}

sl_http_err_t sl_http_server_route(sl_http_server_t *srv, const char *method, const char *path,
                                   sl_http_handler_fn handler, void *opaque) {
    if (!srv || !path || !handler)
        return SL_HTTP_ERR_INVALID;
    if (srv->daemon)
        return SL_HTTP_ERR_STATE;
    if (srv->n_routes == MAX_ROUTES)
        return SL_HTTP_ERR_LIMIT;
    route_t *r = &srv->routes[srv->n_routes];
    if (strlen(path) >= sizeof r->path || (method && strlen(method) >= sizeof r->method))
        return SL_HTTP_ERR_TOO_BIG;
    strcpy(r->path, path);
    strcpy(r->method, method ? method : "");
    r->handler = handler;
    r->opaque = opaque;
    srv->n_routes++;
    return SL_HTTP_OK;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)conn;
    sl_http_server_t *srv = cls;
    req_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (ctx) {
        ctx->uri = strdup(uri ? uri : "");
        sl_buf_init(&ctx->body, srv->conf.max_body);
        atomic_fetch_add(&srv->active, 1);
    }
    return ctx;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe) {
    (void)conn;
    (void)toe;
    sl_http_server_t *srv = cls;
    req_ctx_t *ctx = *con_cls;
    if (ctx) {
        free(ctx->uri);
        sl_buf_free(&ctx->body);
        free(ctx);
        atomic_fetch_sub(&srv->active, 1);
    }
    *con_cls = NULL;
}

static enum MHD_Result send_simple(struct MHD_Connection *conn, unsigned status, const char *text) {
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Serves body[0..limit) of a response that announced more, then fails the transfer so that
 * libmicrohttpd closes the connection. */
typedef struct cut_body_s {
    char *data;
    size_t limit;
} cut_body_t;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max) {
    cut_body_t *cb = cls;
    if (pos >= cb->limit)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = cb->limit - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, cb->data + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls) {
    cut_body_t *cb = cls;
    free(cb->data);
    free(cb);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, sl_http_response_t *resp) {
    struct MHD_Response *r = NULL;
    if (resp->failed)
        return send_simple(conn, 500, "response too large or out of memory\n");
    size_t len = resp->body.len;
    if (resp->truncate && resp->truncate_at < len) {
        cut_body_t *cb = malloc(sizeof *cb);
        if (!cb)
            return MHD_NO;
        cb->data = sl_buf_detach(&resp->body, NULL);
        cb->limit = resp->truncate_at;
        r = MHD_create_response_from_callback(len, 64 * 1024, cut_reader, cb, cut_free);
        if (!r) {
            cut_free(cb);
            return MHD_NO;
        }
    } else if (len == 0) {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        char *body = sl_buf_detach(&resp->body, NULL);
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (!r)
            free(body);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (size_t i = 0; i < resp->n_headers; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* An exact route (pass 0) matches the path itself; a route ending in '*' (pass 1) matches
 * every path starting with what precedes the '*'. */
static int route_matches(const route_t *r, const char *url, int prefix) {
    size_t n = strlen(r->path);
    int is_prefix = n > 0 && r->path[n - 1] == '*';
    if (is_prefix != prefix)
        return 0;
    return is_prefix ? strncmp(r->path, url, n - 1) == 0 : strcmp(r->path, url) == 0;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls) {
    (void)version;
    sl_http_server_t *srv = cls;
    req_ctx_t *ctx = *con_cls;
    if (!ctx || !ctx->uri)
        return MHD_NO; /* out of memory in the URI logger: drop the connection */
    if (!ctx->started) {
        ctx->started = 1;
        return MHD_YES; /* headers are in; the body (if any) follows */
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (ctx->body_too_big)
            return MHD_YES;
        sl_buf_err_t be = sl_buf_append(&ctx->body, upload_data, n);
        if (be == SL_BUF_ERR_NOMEM)
            return MHD_NO;
        ctx->body_too_big = be == SL_BUF_ERR_TOOBIG;
        return MHD_YES;
    }
    if (ctx->body_too_big)
        return send_simple(conn, 413, "request body too large\n");

    const route_t *route = NULL;
    int path_known = 0;
    for (int prefix = 0; prefix < 2 && !route; prefix++) {
        for (size_t i = 0; i < srv->n_routes; i++) {
            const route_t *r = &srv->routes[i];
            if (!route_matches(r, url, prefix))
                continue;
            path_known = 1;
            if (r->method[0] == '\0' || strcmp(r->method, method) == 0 ||
                (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
                route = r;
                break;
            }
        }
    }
    if (!route)
        return path_known ? send_simple(conn, 405, "method not allowed\n")
                          : send_simple(conn, 404, "not found\n");

    const char *q = strchr(ctx->uri, '?');
    sl_http_query_t *query = NULL;
    sl_http_err_t qerr = q ? sl_http_query_parse(q + 1, strlen(q + 1), &query)
                           : sl_http_query_parse(NULL, 0, &query);
    if (qerr == SL_HTTP_ERR_NOMEM)
        return MHD_NO;
    if (qerr)
        return send_simple(conn, qerr == SL_HTTP_ERR_TOO_BIG ? 414 : 400,
                           qerr == SL_HTTP_ERR_TOO_BIG ? "query string too long\n"
                                                       : "malformed query string\n");

    sl_http_request_t req = {method,       url, query, conn, ctx->body.data ? ctx->body.data : "",
                             ctx->body.len};
    sl_http_response_t *resp = calloc(1, sizeof *resp);
    if (!resp) {
        sl_http_query_free(query);
        return MHD_NO;
    }
    sl_buf_init(&resp->body, MAX_BODY_OUT);
    resp->status = 200;
    strcpy(resp->content_type, "text/plain; charset=utf-8");
    route->handler(&req, resp, route->opaque);
    sl_http_query_free(query);
    enum MHD_Result ret = send_response(conn, resp);
    sl_buf_free(&resp->body);
    free(resp);
    return ret;
}

sl_http_err_t sl_http_server_start(sl_http_server_t *srv, char *errstr, size_t errstr_size) {
    if (!srv)
        return SL_HTTP_ERR_INVALID;
    if (srv->daemon)
        return SL_HTTP_ERR_STATE;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int gai = getaddrinfo(srv->host, NULL, &hints, &ai);
    if (gai != 0 || !ai) {
        sl_err_format(errstr, errstr_size, "cannot resolve '%s': %s", srv->host, gai_strerror(gai));
        return SL_HTTP_ERR_ADDRESS;
    }
    /* AUTO: epoll or poll rather than select (no FD_SETSIZE limit); ITC: for quiesce */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC;
    if (ai->ai_family == AF_INET6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        memcpy(a6, ai->ai_addr, sizeof *a6);
        a6->sin6_port = htons(srv->want_port);
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        memcpy(a4, ai->ai_addr, sizeof *a4);
        a4->sin_port = htons(srv->want_port);
    }
    freeaddrinfo(ai);
    if (srv->conf.threads == 0)
        flags |= MHD_USE_THREAD_PER_CONNECTION;

    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &ss},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logger, srv},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, srv},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)srv->conf.max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)srv->conf.timeout_s, NULL},
        /* bounds the request line and headers of one connection */
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(64 * 1024), NULL},
        {srv->conf.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         (intptr_t)srv->conf.threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    errno = 0;
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, srv, MHD_OPTION_ARRAY,
                                   opts, MHD_OPTION_END);
    if (!srv->daemon) {
        sl_err_format(errstr, errstr_size, "cannot listen on %s:%u: %s", srv->host,
                      (unsigned)srv->want_port, errno ? strerror(errno) : "libmicrohttpd refused");
        return SL_HTTP_ERR_LISTEN;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : srv->want_port;
    return SL_HTTP_OK;
}

uint16_t sl_http_server_port(const sl_http_server_t *srv) {
    return srv ? srv->port : 0;
}

const char *sl_http_server_host(const sl_http_server_t *srv) {
    return srv ? srv->host : "";
}

void sl_http_server_stop(sl_http_server_t *srv) {
    if (!srv || !srv->daemon)
        return;
    /* Stop accepting, let requests in progress finish (bounded), then close everything. */
    MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    unsigned waited_ms = 0;
    while (atomic_load(&srv->active) > 0 && waited_ms < srv->conf.drain_ms) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        waited_ms += 10;
    }
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    srv->port = 0;
}

void sl_http_server_free(sl_http_server_t *srv) {
    if (!srv)
        return;
    sl_http_server_stop(srv);
    free(srv);
}

const char *sl_http_request_method(const sl_http_request_t *req) {
    return req->method;
}
const char *sl_http_request_path(const sl_http_request_t *req) {
    return req->path;
}
const sl_http_query_t *sl_http_request_query(const sl_http_request_t *req) {
    return req->query;
}

const char *sl_http_request_arg(const sl_http_request_t *req, const char *key) {
    return sl_http_query_get(req->query, key);
}

const char *sl_http_request_header(const sl_http_request_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *sl_http_request_body(const sl_http_request_t *req, size_t *len) {
    if (len)
        *len = req->body_len;
    return req->body;
}

void sl_http_request_peer(const sl_http_request_t *req, char *buf, size_t size) {
    if (!buf || size == 0)
        return;
    snprintf(buf, size, "unknown");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    char tmp[INET6_ADDRSTRLEN];
    const void *src = sa->sa_family == AF_INET6
                          ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                          : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
    if ((sa->sa_family == AF_INET || sa->sa_family == AF_INET6) &&
        inet_ntop(sa->sa_family, src, tmp, sizeof tmp))
        snprintf(buf, size, "%s", tmp);
}

void sl_http_response_status(sl_http_response_t *resp, int status) {
    if (status >= 100 && status <= 999)
        resp->status = status;
}

static int has_crlf(const char *s) {
    return strpbrk(s, "\r\n") != NULL;
}

sl_http_err_t sl_http_response_content_type(sl_http_response_t *resp, const char *content_type) {
    if (!content_type || has_crlf(content_type))
        return SL_HTTP_ERR_INVALID;
    if (strlen(content_type) >= sizeof resp->content_type)
        return SL_HTTP_ERR_TOO_BIG;
    strcpy(resp->content_type, content_type);
    return SL_HTTP_OK;
}

sl_http_err_t sl_http_response_header(sl_http_response_t *resp, const char *name,
                                      const char *value) {
    if (!name || !value || !*name || has_crlf(name) || has_crlf(value) || strchr(name, ':'))
        return SL_HTTP_ERR_INVALID;
    if (resp->n_headers == MAX_HEADERS)
        return SL_HTTP_ERR_LIMIT;
    header_t *h = &resp->headers[resp->n_headers];
    if (strlen(name) >= sizeof h->name || strlen(value) >= sizeof h->value)
        return SL_HTTP_ERR_TOO_BIG;
    strcpy(h->name, name);
    strcpy(h->value, value);
    resp->n_headers++;
    return SL_HTTP_OK;
}

/* A failed append fails the whole response (500): a page cut short silently would lie. */
static sl_http_err_t body_result(sl_http_response_t *resp, sl_buf_err_t be) {
    if (be == SL_BUF_OK)
        return SL_HTTP_OK;
    resp->failed = 1;
    return be == SL_BUF_ERR_TOOBIG ? SL_HTTP_ERR_TOO_BIG : SL_HTTP_ERR_NOMEM;
}

sl_http_err_t sl_http_response_append(sl_http_response_t *resp, const void *data, size_t len) {
    return body_result(resp, sl_buf_append(&resp->body, data, len));
}

sl_http_err_t sl_http_response_printf(sl_http_response_t *resp, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_buf_err_t be = sl_buf_vprintf(&resp->body, fmt, ap);
    va_end(ap);
    return body_result(resp, be);
}

sl_http_err_t sl_http_response_health(sl_http_response_t *resp, int healthy, const char *status,
                                      const char *members_fmt, ...) {
    sl_http_response_status(resp, healthy ? 200 : 503);
    sl_http_response_content_type(resp, "application/json");
    sl_buf_err_t be = sl_buf_printf(&resp->body, "{\"status\":\"%s\"", status);
    if (be == SL_BUF_OK && members_fmt) {
        va_list ap;
        va_start(ap, members_fmt);
        be = sl_buf_vprintf(&resp->body, members_fmt, ap);
        va_end(ap);
    }
    if (be == SL_BUF_OK)
        be = sl_buf_append(&resp->body, "}\n", 2);
    return body_result(resp, be);
}

void sl_http_response_set_body(sl_http_response_t *resp, char *data, size_t len) {
    sl_buf_attach(&resp->body, data, len);
}

void sl_http_response_truncate_at(sl_http_response_t *resp, size_t n) {
    resp->truncate = 1;
    resp->truncate_at = n;
}
