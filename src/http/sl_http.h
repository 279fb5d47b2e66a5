/*
 * sl_http — a small embedded HTTP/1.1 server for sluice's own endpoints (/metrics, /healthz,
 * the web console, the mock API). It wraps libmicrohttpd: the caller registers a handler per
 * path, starts the server on "HOST:PORT" (port 0 picks a free port, which the server then
 * reports), and every request reaches its handler with method, path and parsed query
 * arguments; the handler fills a response (status, content type, extra headers, body).
 * Requests are bounded (URI, headers and body have caps); request bodies are accepted only
 * up to a small limit. The module knows nothing of what the handlers serve. No printing.
 *
 * Threading: handlers run on libmicrohttpd's threads, possibly several at once (one thread
 * per connection, or a fixed pool), so they must be thread-safe.
 */
#ifndef SL_HTTP_H
#define SL_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "sl_http_err.h"
#include "sl_http_query.h"

/* Splits "HOST:PORT", "[IPv6]:PORT" or ":PORT" (host defaults to 127.0.0.1). host is
 * written NUL-terminated into host (host_size bytes); the port must be 0..65535. */
sl_http_err_t sl_http_parse_hostport(const char *s, char *host, size_t host_size, uint16_t *port);

typedef struct sl_http_server_s sl_http_server_t;
typedef struct sl_http_request_s sl_http_request_t;
typedef struct sl_http_response_s sl_http_response_t;

/* Called once per request on a server thread. req is valid only during the call; the
 * handler fills resp (status 200 and an empty text/plain body unless told otherwise). */
typedef void (*sl_http_handler_fn)(const sl_http_request_t *req, sl_http_response_t *resp,
                                   void *opaque);

typedef struct sl_http_conf_s {
    const char *listen;       /* "HOST:PORT"; copied by sl_http_server_new(). Default
                                 "127.0.0.1:0" when NULL. */
    unsigned threads;         /* 0: one thread per connection (slow handlers do not block
                                 others); N: a pool of N polling threads. */
    unsigned max_connections; /* concurrent connections; 0 = 256 */
    unsigned timeout_s;       /* idle connection timeout; 0 = 30 */
    size_t max_body;          /* request body cap in bytes; larger -> 413. 0 = 65536 */
    unsigned drain_ms;        /* on stop, how long requests in progress may finish; 0 = 5000 */
} sl_http_conf_t;

/* Creates a stopped server. conf is copied. On error *out is NULL and errstr says why.
 * The server must be freed with sl_http_server_free(). */
sl_http_err_t sl_http_server_new(const sl_http_conf_t *conf, sl_http_server_t **out, char *errstr,
                                 size_t errstr_size);

/* Registers handler for exact path match (no query), for every method when method is NULL,
 * or for that method only (others get 405). path and method are copied. Only before
 * sl_http_server_start(); at most 32 routes. Unrouted paths get 404. */
sl_http_err_t sl_http_server_route(sl_http_server_t *srv, const char *method, const char *path,
                                   sl_http_handler_fn handler, void *opaque);

/* Binds and starts serving on the server's own threads. */
sl_http_err_t sl_http_server_start(sl_http_server_t *srv, char *errstr, size_t errstr_size);

/* The bound port (the chosen one when the configured port was 0); 0 before start. */
uint16_t sl_http_server_port(const sl_http_server_t *srv);

/* The bound host as configured, e.g. "127.0.0.1"; valid until sl_http_server_free(). */
const char *sl_http_server_host(const sl_http_server_t *srv);

/* Stops accepting connections, lets requests in progress finish (up to conf.drain_ms),
 * then closes all connections. Safe to call twice; not from inside a handler. */
void sl_http_server_stop(sl_http_server_t *srv);

/* Stops if needed and frees the server. NULL is allowed. */
void sl_http_server_free(sl_http_server_t *srv);

/* --- request (read-only, valid during the handler call) --- */

const char *sl_http_request_method(const sl_http_request_t *req);
/* The path without the query, percent-decoded by the server. */
const char *sl_http_request_path(const sl_http_request_t *req);
/* Parsed query; never NULL (empty when the URI had none). */
const sl_http_query_t *sl_http_request_query(const sl_http_request_t *req);
/* Shorthand for sl_http_query_get(sl_http_request_query(req), key). */
const char *sl_http_request_arg(const sl_http_request_t *req, const char *key);
/* A request header by case-insensitive name, or NULL. */
const char *sl_http_request_header(const sl_http_request_t *req, const char *name);
/* The request body (may be empty, never NULL); *len receives its size. */
const char *sl_http_request_body(const sl_http_request_t *req, size_t *len);

/* --- response (filled by the handler) --- */

void sl_http_response_status(sl_http_response_t *resp, int status);
/* content_type is copied (at most 127 bytes). */
sl_http_err_t sl_http_response_content_type(sl_http_response_t *resp, const char *content_type);
/* Adds a header; name and value are copied (255 and 1023 bytes at most, no CR/LF);
 * at most 8 extra headers. */
sl_http_err_t sl_http_response_header(sl_http_response_t *resp, const char *name,
                                      const char *value);
/* Appends len bytes (copied) to the body; the body is capped at 256 MiB. */
sl_http_err_t sl_http_response_append(sl_http_response_t *resp, const void *data, size_t len);
sl_http_err_t sl_http_response_printf(sl_http_response_t *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Replaces the body with data[0..len): takes ownership of data, which must come from
 * malloc() and have a NUL at data[len] (it is released with free()). Avoids a copy for
 * large bodies. */
void sl_http_response_set_body(sl_http_response_t *resp, char *data, size_t len);
/* The content type of a Prometheus text-format page (/metrics). */
#define SL_HTTP_CONTENT_PROMETHEUS "text/plain; version=0.0.4; charset=utf-8"

/* Answers a health check (/healthz) the way every sluice endpoint does: status 200 when
 * healthy, else 503, and the JSON object {"status":"<status>"<members>}. members_fmt
 * (printf-formatted, NULL for none) writes further members, each starting with ','; the
 * values must already be JSON. status is a fixed word ("ok", "running"), not escaped. */
sl_http_err_t sl_http_response_health(sl_http_response_t *resp, int healthy, const char *status,
                                      const char *members_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sends only the first n bytes of the body while announcing its full Content-Length, then
 * closes the connection: the client sees a body cut mid-way (a fault to test clients). */
void sl_http_response_truncate_at(sl_http_response_t *resp, size_t n);

#endif
