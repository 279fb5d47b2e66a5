/*
 * The console's private state, shared by its files: the copied configuration, the Kafka
 * client, the published snapshot and the history ring (both under lock), the auth table,
 * and the counters /metrics serves. Not part of the public API.
 */
#ifndef SL_CONSOLE_INT_H
#define SL_CONSOLE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "sl_console.h"
#include "sl_console_auth.h"
#include "sl_console_dlq.h"
#include "sl_console_json.h"
#include "sl_console_kafka.h"
#include "sl_console_ring.h"
#include "sl_console_series.h"
#include "sl_console_snap.h"
#include "sl_http.h"
#include "sl_hist.h"

#define SL_CONSOLE_MAX_COMPONENTS 32
#define SL_CONSOLE_SNAP_MAX_BYTES ((size_t)64 << 20)

/* Counters of /metrics: actions by kind and outcome. */
#define SL_CONSOLE_ACTIONS(X)                                                                      \
    X(CREATE_TOPIC, "create_topic")                                                                \
    X(ADD_PARTITIONS, "add_partitions")                                                            \
    X(DELETE_TOPIC, "delete_topic")                                                                \
    X(RESET_OFFSETS, "reset_offsets")

typedef enum {
#define SL_CONSOLE_A_ENUM_(sym, name) SL_CONSOLE_A_##sym,
    SL_CONSOLE_ACTIONS(SL_CONSOLE_A_ENUM_)
#undef SL_CONSOLE_A_ENUM_
        SL_CONSOLE_A_COUNT
} sl_console_action_t;

typedef struct {
    atomic_uint_fast64_t requests, api_requests, auth_failures, logins, browse, browse_busy;
    atomic_uint_fast64_t samples, sample_failures;
    atomic_uint_fast64_t actions_ok[SL_CONSOLE_A_COUNT], actions_failed[SL_CONSOLE_A_COUNT];
    pthread_mutex_t hist_lock;
    sl_hist_t sample_seconds;
} sl_console_stats_t;

struct sl_console_s {
    sl_console_conf_t conf; /* strings point at the copies below */
    char *listen, *brokers, *registry_url, *registry_ca, *topic, *table, *dlq_suffix,
        *cassandra_hosts;
    char **props; /* NULL-terminated key/value list */
    sl_console_component_conf_t *components;
    char *component_strings;

    sl_console_kafka_log_t klog;
    rd_kafka_t *rk;
    sl_console_dlq_t *dlq; /* sampler thread only */
    sl_console_auth_t *auth;
    sl_http_server_t *http;

    pthread_t sampler;
    int sampler_running;
    int wake_fd; /* eventfd: a refresh wanted, or stop */
    atomic_int stopping;

    pthread_mutex_t lock; /* snap, seq, ring */
    pthread_cond_t published;
    sl_console_snap_t *snap;
    uint64_t seq;
    uint64_t wanted, covered; /* refresh requests made / answered by a published snapshot */
    sl_console_ring_t *ring;

    pthread_mutex_t manage_lock; /* one management action at a time */
    atomic_uint browsing;
    sl_console_stats_t stats;
};

/* Logs one line through the configured callback. */
#define sl_console_logf(c, level, ...)                                                             \
    sl_log_to_cb((c)->conf.log, (c)->conf.log_opaque, (level), __VA_ARGS__)

/* The latest snapshot with a reference taken (NULL before the first), to be given back
 * with sl_console_release(). */
sl_console_snap_t *sl_console_acquire(sl_console_t *c);
void sl_console_release(sl_console_t *c, sl_console_snap_t *s);

/* Asks the sampler for a refresh now and waits up to timeout_ms for it to be published.
 * 0 when a newer snapshot is out, -1 on timeout. */
int sl_console_refresh(sl_console_t *c, int timeout_ms);

/* The sampler thread (sl_console_sample.c). */
void *sl_console_sample_main(void *opaque);

/* Registers the HTTP routes (sl_console_api.c). */
sl_http_err_t sl_console_api_routes(sl_console_t *c, sl_http_server_t *http);

/* --- shared by the HTTP files (sl_console_api.c, _view.c, _action.c, _page.c) --- */

/* The headers every answer carries: Content-Security-Policy (scripts and styles from this
 * origin only, nothing inline, no framing), nosniff, no referrer, no caching. */
void sl_console_api_headers(sl_http_response_t *resp);
/* Sends the writer's text as application/json with status, or a 500 if it failed. Frees
 * the writer's buffer. */
void sl_console_api_send(sl_http_response_t *resp, int status, sl_console_json_t *j);
/* {"error": msg} with status. */
void sl_console_api_error(sl_http_response_t *resp, int status, const char *msg);
/* 1 when the request may proceed: no token configured, or a valid bearer token or session
 * cookie. who gets a printable name of the caller for logs. */
int sl_console_api_authorized(sl_console_t *c, const sl_http_request_t *req, char *who,
                              size_t who_size);

/* JSON views (sl_console_view.c), each answering from the latest snapshot. */
void sl_console_view_overview(sl_console_t *c, const sl_http_request_t *req,
                              sl_http_response_t *resp);
void sl_console_view_topics(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp);
void sl_console_view_topic(sl_console_t *c, const char *name, const sl_http_request_t *req,
                           sl_http_response_t *resp);
void sl_console_view_groups(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp);
void sl_console_view_dlq(sl_console_t *c, const sl_http_request_t *req, sl_http_response_t *resp);
void sl_console_view_series(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp);
void sl_console_view_schemas(sl_console_t *c, const sl_http_request_t *req,
                             sl_http_response_t *resp);
/* The message browser (talks to Kafka, bounded). */
void sl_console_view_messages(sl_console_t *c, const char *topic, const sl_http_request_t *req,
                              sl_http_response_t *resp);

/* Management actions (sl_console_action.c): the caller checked authorisation. */
void sl_console_action_create_topic(sl_console_t *c, const sl_http_request_t *req,
                                    sl_http_response_t *resp, const char *who);
void sl_console_action_add_partitions(sl_console_t *c, const char *topic,
                                      const sl_http_request_t *req, sl_http_response_t *resp,
                                      const char *who);
void sl_console_action_delete_topic(sl_console_t *c, const char *topic,
                                    const sl_http_request_t *req, sl_http_response_t *resp,
                                    const char *who);
void sl_console_action_reset(sl_console_t *c, const char *group, const sl_http_request_t *req,
                             sl_http_response_t *resp, const char *who);

/* Embedded page files (sl_console_page.c): serves path if it is one; 0 when it is not. */
int sl_console_page_serve(const char *path, sl_http_response_t *resp);
/* The login page with one of its fixed messages (0 none, 1 wrong token, 2 too many tries). */
void sl_console_page_login(sl_http_response_t *resp, int status, int message);

#endif
