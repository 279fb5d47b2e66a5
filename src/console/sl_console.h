/*
 * sl_console — the web console of a sluice pipeline (the Control Center role): one process
 * that watches Kafka (brokers, topics, partitions, consumer groups, dead letters),
 * Cassandra (hosts), the schema registry and the components' /healthz and /metrics, keeps
 * a bounded history of rates, lag and latency, and serves all of it as a JSON API plus a
 * page that draws it (HTML, CSS and script embedded in the binary, no CDN). With a token
 * it also manages topics and consumer-group offsets.
 *
 * Reads never wait on Kafka in the request path: a sampler thread refreshes a snapshot on
 * an interval and the API answers from the latest one. Only the message browser and the
 * management actions talk to Kafka per request, each bounded by a timeout and a limit on
 * how many run at once. Memory is bounded by the caps in sl_console_conf_t whatever the
 * cluster holds.
 *
 * The library reports through the log callback; it never prints.
 */
#ifndef SL_CONSOLE_H
#define SL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "cql.h"
#include "sl_err.h"
#include "sl_log.h"

/* SL_CONSOLE_ERRORS(X): the rows of sl_console.errors, generated at configure time. */
#include "sl_console_errors.h"

typedef enum { SL_ERR_ENUM(SL_CONSOLE_ERRORS) } sl_console_err_t;

/* Static text for err; never NULL. */
const char *sl_console_err_str(sl_console_err_t err);

/* The log callback (sl_log's levels); msg is valid during the call. */
typedef sl_log_cb_t sl_console_log_fn;

/* A subject of the schema registry as the schemas view shows it. */
typedef struct sl_console_subject_s {
    const char *name;
    const int *versions; /* every version number, ascending */
    size_t n_versions;
    int latest_version;
    int latest_id;             /* schema id of the latest version */
    const char *schema;        /* the latest version's schema text; NULL: left out (too much) */
    const char *schema_type;   /* "AVRO" when the registry does not say */
    const char *compatibility; /* the subject's level, or the global one, or NULL */
} sl_console_subject_t;

/*
 * The schema registry as the console uses it: a narrow interface that the command wires
 * to the project's registry client. Any hook may be NULL (the view then says so). Hooks
 * are called from HTTP threads, possibly at once, and must be thread-safe and bounded in
 * time (they should use the registry client's own timeouts).
 */
typedef struct sl_console_registry_s {
    void *opaque;
    /* Lists at most max subjects into *out (an array of *n entries) that stays valid until
     * free_subjects(opaque, *out, *n) is called; only, when not NULL, names the one subject
     * wanted (none listed when the registry does not have it). 0, or -1 with errstr
     * filled. */
    int (*subjects)(void *opaque, const char *only, size_t max, sl_console_subject_t **out,
                    size_t *n, char *errstr, size_t errstr_size);
    void (*free_subjects)(void *opaque, sl_console_subject_t *s, size_t n);
    /* Decodes a value in the Confluent wire format (0x00, 4-byte big-endian schema id, Avro
     * binary) to JSON text of at most max bytes: *json is malloc'ed (the caller frees it).
     * 0, or -1 with errstr filled (unknown id, bad bytes, too large). */
    int (*decode)(void *opaque, const void *value, size_t len, size_t max, char **json,
                  size_t *json_len, char *errstr, size_t errstr_size);
    /* The global compatibility level into level (size bytes). 0, or -1 with errstr filled. */
    int (*global_compatibility)(void *opaque, char *level, size_t size, char *errstr,
                                size_t errstr_size);
    /* Whether the registry answers (with the client's credentials): 0, or -1 with errstr
     * filled. Called from the sampler thread once per interval; when NULL the sampler
     * GETs <registry_url>/subjects itself (without credentials). */
    int (*ping)(void *opaque, char *errstr, size_t errstr_size);
} sl_console_registry_t;

typedef struct sl_console_component_conf_s {
    const char *name; /* [A-Za-z0-9._-]{1,32} */
    const char *url;  /* base URL of its --http endpoint, e.g. http://127.0.0.1:9108 */
} sl_console_component_conf_t;

/* Everything is copied by sl_console_new() unless said otherwise. */
typedef struct sl_console_conf_s {
    const char *listen;             /* HOST:PORT; "127.0.0.1:9000" when NULL */
    const char *brokers;            /* Kafka bootstrap servers (required) */
    const char *const *kafka_props; /* extra librdkafka properties: key, value, ..., NULL */
    cql_session_t *cassandra;       /* a session to watch, or NULL; borrowed: used only from the
                                       sampler thread, must outlive the console */
    const char *cassandra_hosts;    /* as given, for display */
    const char *registry_url;       /* shown (credentials never are: the client takes them
                                       apart) and probed for reachability; NULL: none */
    const char *registry_ca;        /* PEM CAs for an https registry; NULL: the system's */
    sl_console_registry_t registry;
    const sl_console_component_conf_t *components;
    size_t n_components;
    const char *topic;      /* the pipeline's main topic (the picture), e.g. users_created */
    const char *table;      /* "keyspace.table" for the picture */
    const char *dlq_suffix; /* dead-letter topics end in this; ".dlq" when NULL */
    const char *token;      /* the management token, or NULL (read-only); copied as a
                               digest only, the caller wipes its copy */
    size_t token_len;
    double interval_s;           /* sampling interval (> 0) */
    double history_s;            /* how far back the ring reaches; capacity = history/interval */
    int kafka_timeout_ms;        /* each Kafka request of a refresh or an action */
    int probe_timeout_ms;        /* each component/registry HTTP request */
    int browse_timeout_ms;       /* a whole message-browser request */
    size_t browse_max_messages;  /* per page */
    size_t browse_max_value;     /* bytes of one message value shown */
    size_t browse_max_page;      /* bytes of one page of messages */
    unsigned browse_concurrency; /* browser requests running at once; more get 503 */
    size_t max_topics, max_groups, max_partitions; /* what one snapshot holds at most */
    sl_console_log_fn log;
    void *log_opaque;
} sl_console_conf_t;

/* Fills conf with the defaults (listen 127.0.0.1:9000, interval 5 s, history 1 h, ...). */
void sl_console_conf_defaults(sl_console_conf_t *conf);

typedef struct sl_console_s sl_console_t;

/* Creates a console: Kafka client, auth, ring. Nothing runs yet. On error *out is NULL
 * and errstr says why. Must be freed with sl_console_free(). */
sl_console_err_t sl_console_new(const sl_console_conf_t *conf, sl_console_t **out, char *errstr,
                                size_t errstr_size);
/* Starts the sampler thread and the HTTP server. */
sl_console_err_t sl_console_start(sl_console_t *c, char *errstr, size_t errstr_size);
/* The bound host and port (valid after start). */
const char *sl_console_host(const sl_console_t *c);
unsigned sl_console_port(const sl_console_t *c);
/* Stops serving and sampling; safe to call twice. */
void sl_console_stop(sl_console_t *c);
/* Stops if needed and frees. NULL is allowed. */
void sl_console_free(sl_console_t *c);

#endif
