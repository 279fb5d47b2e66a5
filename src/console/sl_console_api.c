/*
 * The console's HTTP front: routes, the authorisation gate in front of every page and API
 * path, login and logout, the security headers, and the console's own /metrics and
 * /healthz. Views and actions live in sl_console_view.c and sl_console_action.c.
 *
 * Without a token everything but the management actions is open (the listener is
 * loopback by default) and the actions answer 403. With a token every path but /healthz,
 * /login and the stylesheet answers 401 unless the request carries the token as a bearer
 * or a session cookie from /login. Requests that change something and come with a cookie
 * must also carry the X-Sluice-Console header, which a cross-site form cannot add.
 */
#include "sl_console_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_console_param.h"
#include "sl_time.h"

#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

void sl_console_api_headers(sl_http_response_t *resp) {
    sl_http_response_header(resp, "Content-Security-Policy", CSP);
    sl_http_response_header(resp, "X-Content-Type-Options", "nosniff");
    sl_http_response_header(resp, "Referrer-Policy", "no-referrer");
    sl_http_response_header(resp, "X-Frame-Options", "DENY");
    sl_http_response_header(resp, "Cache-Control", "no-store");
}

void sl_console_api_send(sl_http_response_t *resp, int status, sl_console_json_t *j) {
    size_t len = 0;
    char *text = sl_console_json_take(j, &len);
    if (!text) {
        sl_console_api_error(resp, 500, "the answer did not fit its size cap");
        return;
    }
    sl_http_response_status(resp, status);
    sl_http_response_content_type(resp, "application/json; charset=utf-8");
    sl_http_response_set_body(resp, text, len);
}

void sl_console_api_error(sl_http_response_t *resp, int status, const char *msg) {
    sl_console_json_t j;
    sl_console_json_init(&j, 16384);
    sl_console_json_obj(&j);
    sl_console_json_kstr(&j, "error", msg);
    sl_console_json_kint(&j, "status", status);
    sl_console_json_obj_end(&j);
    size_t len = 0;
    char *text = sl_console_json_take(&j, &len);
    sl_http_response_status(resp, status);
    sl_http_response_content_type(resp, "application/json; charset=utf-8");
    if (text)
        sl_http_response_set_body(resp, text, len);
}

int sl_console_api_authorized(sl_console_t *c, const sl_http_request_t *req, char *who,
                              size_t who_size) {
    if (!sl_console_auth_enabled(c->auth)) {
        snprintf(who, who_size, "anonymous");
        return 1;
    }
    if (sl_console_auth_bearer(c->auth, sl_http_request_header(req, "Authorization"))) {
        const char *user = sl_http_request_header(req, "X-Sluice-User");
        char name[40];
        sl_console_param_printable(user && *user ? user : "token holder", name, sizeof name);
        snprintf(who, who_size, "%s (bearer)", name);
        return 1;
    }
    char name[64];
    if (sl_console_auth_cookie(c->auth, sl_http_request_header(req, "Cookie"), sl_wall_ms(), name,
                               sizeof name)) {
        snprintf(who, who_size, "%s (session)", name);
        return 1;
    }
    return 0;
}

static int via_cookie(const sl_http_request_t *req) {
    const char *a = sl_http_request_header(req, "Authorization");
    return !(a && strncasecmp(a, "Bearer ", 7) == 0);
}

static void deny(sl_console_t *c, const sl_http_request_t *req, sl_http_response_t *resp, int api) {
    atomic_fetch_add(&c->stats.auth_failures, 1);
    sl_http_response_header(resp, "WWW-Authenticate", "Bearer realm=\"sluice console\"");
    if (api)
        sl_console_api_error(resp, 401,
                             "authentication required: send the token as a bearer "
                             "or log in at /login");
    else
        sl_console_page_login(resp, 401, 0);
    (void)req;
}

/* Splits "/api/<what>/<id>[/<sub>]" for topics and groups: id is everything between the
 * prefix and the last known sub-resource. */
static int split_resource(const char *rest, const char *sub, char *id, size_t id_size) {
    size_t n = strlen(rest), m = sub ? strlen(sub) : 0;
    if (m) {
        if (n <= m + 1 || strcmp(rest + n - m, sub) != 0 || rest[n - m - 1] != '/')
            return -1;
        n -= m + 1;
    }
    if (n == 0 || n >= id_size)
        return -1;
    memcpy(id, rest, n);
    id[n] = '\0';
    return 0;
}

/* A mutating request: needs a token configured, and with a cookie the CSRF header. */
static int may_change(sl_console_t *c, const sl_http_request_t *req, sl_http_response_t *resp) {
    if (!sl_console_auth_enabled(c->auth)) {
        sl_console_api_error(resp, 403,
                             "read-only: start the console with --auth-token-file or "
                             "SLUICE_CONSOLE_TOKEN to manage topics and offsets");
        return 0;
    }
    if (via_cookie(req) && !sl_http_request_header(req, "X-Sluice-Console")) {
        sl_console_api_error(resp, 403, "missing the X-Sluice-Console header");
        return 0;
    }
    return 1;
}

static void session_view(sl_console_t *c, sl_http_response_t *resp, const char *who) {
    sl_console_json_t j;
    sl_console_json_init(&j, 4096);
    sl_console_json_obj(&j);
    int auth = sl_console_auth_enabled(c->auth);
    sl_console_json_kbool(&j, "auth", auth);
    sl_console_json_kbool(&j, "read_only", !auth);
    sl_console_json_kstr(&j, "who", who);
    sl_console_json_knum(&j, "interval_s", c->conf.interval_s);
    sl_console_json_kstr(&j, "topic", c->topic);
    sl_console_json_kstr(&j, "table", c->table);
    sl_console_json_kstr(&j, "dlq_suffix", c->dlq_suffix);
    sl_console_json_kstr(&j, "version", SLUICE_VERSION);
    sl_console_json_obj_end(&j);
    sl_console_api_send(resp, 200, &j);
}

static void api_topics(sl_console_t *c, const char *rest, const char *method,
                       const sl_http_request_t *req, sl_http_response_t *resp, const char *who) {
    char name[300];
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (!*rest) {
        if (get)
            sl_console_view_topics(c, req, resp);
        else if (strcmp(method, "POST") == 0 && may_change(c, req, resp))
            sl_console_action_create_topic(c, req, resp, who);
        else if (strcmp(method, "POST") != 0)
            sl_console_api_error(resp, 405, "GET or POST");
        return;
    }
    if (split_resource(rest, "messages", name, sizeof name) == 0) {
        if (get)
            sl_console_view_messages(c, name, req, resp);
        else
            sl_console_api_error(resp, 405, "GET");
    } else if (split_resource(rest, "partitions", name, sizeof name) == 0) {
        if (strcmp(method, "POST") != 0)
            sl_console_api_error(resp, 405, "POST");
        else if (may_change(c, req, resp))
            sl_console_action_add_partitions(c, name, req, resp, who);
    } else if (split_resource(rest, NULL, name, sizeof name) == 0 && !strchr(name, '/')) {
        if (get)
            sl_console_view_topic(c, name, req, resp);
        else if (strcmp(method, "DELETE") == 0 && may_change(c, req, resp))
            sl_console_action_delete_topic(c, name, req, resp, who);
        else if (strcmp(method, "DELETE") != 0)
            sl_console_api_error(resp, 405, "GET or DELETE");
    } else {
        sl_console_api_error(resp, 404, "no such API path");
    }
}

static void api(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    atomic_fetch_add(&c->stats.api_requests, 1);
    sl_console_api_headers(resp);
    char who[128];
    if (!sl_console_api_authorized(c, req, who, sizeof who)) {
        deny(c, req, resp, 1);
        return;
    }
    const char *path = sl_http_request_path(req) + 5; /* after "/api/" */
    const char *method = sl_http_request_method(req);
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    char group[300];
    if (strncmp(path, "topics", 6) == 0 && (path[6] == '\0' || path[6] == '/')) {
        api_topics(c, path[6] ? path + 7 : "", method, req, resp, who);
    } else if (strncmp(path, "groups/", 7) == 0 &&
               split_resource(path + 7, "reset", group, sizeof group) == 0) {
        if (strcmp(method, "POST") != 0)
            sl_console_api_error(resp, 405, "POST");
        else if (may_change(c, req, resp))
            sl_console_action_reset(c, group, req, resp, who);
    } else if (!get) {
        sl_console_api_error(resp,
                             strcmp(path, "overview") == 0 || strcmp(path, "groups") == 0 ||
                                     strcmp(path, "dlq") == 0 || strcmp(path, "series") == 0 ||
                                     strcmp(path, "schemas") == 0 || strcmp(path, "session") == 0
                                 ? 405
                                 : 404,
                             "GET only");
    } else if (strcmp(path, "overview") == 0) {
        sl_console_view_overview(c, req, resp);
    } else if (strcmp(path, "groups") == 0) {
        sl_console_view_groups(c, req, resp);
    } else if (strcmp(path, "dlq") == 0) {
        sl_console_view_dlq(c, req, resp);
    } else if (strcmp(path, "series") == 0) {
        sl_console_view_series(c, req, resp);
    } else if (strcmp(path, "schemas") == 0) {
        sl_console_view_schemas(c, req, resp);
    } else if (strcmp(path, "session") == 0) {
        session_view(c, resp, who);
    } else {
        sl_console_api_error(resp, 404, "no such API path");
    }
}

static void page(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    sl_console_api_headers(resp);
    const char *path = sl_http_request_path(req);
    const char *method = sl_http_request_method(req);
    /* The stylesheet is public: the login page needs it, and it holds no data. */
    int open = strcmp(path, "/app.css") == 0;
    char who[128];
    if (!open && !sl_console_api_authorized(c, req, who, sizeof who)) {
        deny(c, req, resp, 0);
        return;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        sl_console_api_error(resp, 405, "GET only");
        return;
    }
    if (!sl_console_page_serve(strcmp(path, "/") == 0 ? "/index.html" : path, resp))
        sl_console_api_error(resp, 404, "not found");
}

static void login(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    sl_console_api_headers(resp);
    if (!sl_console_auth_enabled(c->auth)) {
        sl_http_response_status(resp, 303);
        sl_http_response_header(resp, "Location", "/");
        return;
    }
    if (strcmp(sl_http_request_method(req), "POST") != 0) {
        sl_console_page_login(resp, 200, 0);
        return;
    }
    size_t len = 0;
    const char *body = sl_http_request_body(req, &len);
    sl_http_query_t *form = NULL;
    if (sl_http_query_parse(body, len, &form) != SL_HTTP_OK) {
        sl_console_page_login(resp, 400, 1);
        return;
    }
    const char *token = sl_http_query_get(form, "token");
    const char *name = sl_http_query_get(form, "name");
    char sid[SL_CONSOLE_AUTH_SID_LEN + 1];
    char peer[64], who[40];
    sl_http_request_peer(req, peer, sizeof peer);
    sl_console_param_printable(name && *name ? name : "console user", who, sizeof who);
    sl_console_auth_result_t r = sl_console_auth_login(c->auth, token, who, sl_wall_ms(), sid);
    sl_http_query_free(form);
    if (r == SL_CONSOLE_AUTH_OK) {
        atomic_fetch_add(&c->stats.logins, 1);
        char cookie[256];
        snprintf(cookie, sizeof cookie,
                 SL_CONSOLE_AUTH_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld", sid,
                 SL_CONSOLE_AUTH_SESSION_MS / 1000);
        sl_http_response_status(resp, 303);
        sl_http_response_header(resp, "Set-Cookie", cookie);
        sl_http_response_header(resp, "Location", "/");
        sl_console_logf(c, 1, "login: %s from %s", who, peer);
        return;
    }
    atomic_fetch_add(&c->stats.auth_failures, 1);
    sl_console_logf(c, 2, "login refused (%s) from %s",
                    r == SL_CONSOLE_AUTH_LIMITED ? "too many failed logins" : "wrong token", peer);
    sl_console_page_login(resp, r == SL_CONSOLE_AUTH_LIMITED ? 429 : 401,
                          r == SL_CONSOLE_AUTH_LIMITED ? 2 : 1);
}

static void logout(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    sl_console_api_headers(resp);
    sl_console_auth_logout(c->auth, sl_http_request_header(req, "Cookie"));
    sl_http_response_status(resp, 303);
    sl_http_response_header(resp, "Set-Cookie",
                            SL_CONSOLE_AUTH_COOKIE
                            "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    sl_http_response_header(resp, "Location", "/login");
}

static void healthz(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    sl_console_api_headers(resp);
    sl_console_snap_t *s = sl_console_acquire(c);
    int ok = s && s->kafka_ok;
    sl_http_response_status(resp, ok ? 200 : 503);
    sl_http_response_content_type(resp, "application/json");
    sl_http_response_printf(resp, "{\"status\":\"%s\",\"snapshot_age_ms\":%" PRId64 "}\n",
                            !s   ? "starting"
                            : ok ? "ok"
                                 : "kafka_unreachable",
                            s ? sl_wall_ms() - s->taken_ms : -1);
    sl_console_release(c, s);
}

static const char *const action_names[] = {
#define SL_CONSOLE_A_NAME_(sym, name) name,
    SL_CONSOLE_ACTIONS(SL_CONSOLE_A_NAME_)
#undef SL_CONSOLE_A_NAME_
};

static void counter(sl_http_response_t *resp, const char *name, const char *help, uint64_t v) {
    sl_http_response_printf(resp, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n", name, help,
                            name, name, v);
}

static void metrics(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    sl_console_t *c = opaque;
    atomic_fetch_add(&c->stats.requests, 1);
    sl_console_api_headers(resp);
    char who[128];
    if (!sl_console_api_authorized(c, req, who, sizeof who)) {
        deny(c, req, resp, 1);
        return;
    }
    sl_console_stats_t *st = &c->stats;
    sl_http_response_content_type(resp, "text/plain; version=0.0.4");
    counter(resp, "sluice_console_http_requests_total", "HTTP requests served.",
            atomic_load(&st->requests));
    counter(resp, "sluice_console_api_requests_total", "Requests to /api paths.",
            atomic_load(&st->api_requests));
    counter(resp, "sluice_console_auth_failures_total",
            "Requests refused for want of credentials, and failed logins.",
            atomic_load(&st->auth_failures));
    counter(resp, "sluice_console_logins_total", "Sessions opened through /login.",
            atomic_load(&st->logins));
    counter(resp, "sluice_console_browse_requests_total", "Message-browser pages read.",
            atomic_load(&st->browse));
    counter(resp, "sluice_console_browse_rejected_total",
            "Message-browser requests refused because enough were running.",
            atomic_load(&st->browse_busy));
    counter(resp, "sluice_console_samples_total", "Snapshots taken.", atomic_load(&st->samples));
    counter(resp, "sluice_console_sample_failures_total",
            "Snapshots in which Kafka did not answer.", atomic_load(&st->sample_failures));
    sl_http_response_printf(resp,
                            "# HELP sluice_console_actions_total Management actions by "
                            "kind and result.\n# TYPE sluice_console_actions_total counter\n");
    for (int a = 0; a < SL_CONSOLE_A_COUNT; a++)
        sl_http_response_printf(resp,
                                "sluice_console_actions_total{action=\"%s\",result=\"ok\"} %" PRIu64
                                "\nsluice_console_actions_total{action=\"%s\",result=\"failed\"} "
                                "%" PRIu64 "\n",
                                action_names[a], (uint64_t)atomic_load(&st->actions_ok[a]),
                                action_names[a], (uint64_t)atomic_load(&st->actions_failed[a]));
    pthread_mutex_lock(&c->lock);
    size_t points = sl_console_ring_count(c->ring), cap = sl_console_ring_capacity(c->ring);
    int64_t age = c->snap ? sl_wall_ms() - c->snap->taken_ms : -1;
    pthread_mutex_unlock(&c->lock);
    sl_http_response_printf(resp,
                            "# HELP sluice_console_history_points Samples held in the history "
                            "ring.\n# TYPE sluice_console_history_points gauge\n"
                            "sluice_console_history_points %zu\n"
                            "# HELP sluice_console_history_capacity Samples the ring holds at "
                            "most.\n# TYPE sluice_console_history_capacity gauge\n"
                            "sluice_console_history_capacity %zu\n"
                            "# HELP sluice_console_snapshot_age_seconds Age of the latest "
                            "snapshot.\n# TYPE sluice_console_snapshot_age_seconds gauge\n"
                            "sluice_console_snapshot_age_seconds %.3f\n",
                            points, cap, age < 0 ? NAN : (double)age / 1000.0);
    char buf[4096];
    size_t len = 0;
    pthread_mutex_lock(&st->hist_lock);
    sl_hist_t h = st->sample_seconds;
    pthread_mutex_unlock(&st->hist_lock);
    sl_http_response_printf(resp, "# HELP sluice_console_sample_seconds Time one snapshot took.\n"
                                  "# TYPE sluice_console_sample_seconds histogram\n");
    if (sl_hist_render(&h, "sluice_console_sample_seconds", NULL, buf, sizeof buf, &len) == 0)
        sl_http_response_append(resp, buf, len);
}

sl_http_err_t sl_console_api_routes(sl_console_t *c, sl_http_server_t *http) {
    sl_http_err_t e;
    if ((e = sl_http_server_route(http, "GET", "/healthz", healthz, c)) ||
        (e = sl_http_server_route(http, "GET", "/metrics", metrics, c)) ||
        (e = sl_http_server_route(http, NULL, "/login", login, c)) ||
        (e = sl_http_server_route(http, "POST", "/logout", logout, c)) ||
        (e = sl_http_server_route(http, NULL, "/api/*", api, c)) ||
        (e = sl_http_server_route(http, NULL, "/*", page, c)))
        return e;
    return SL_HTTP_OK;
}
