/*
 * sl_console_snap — one picture of everything the console watches, taken by the sampler
 * and read by the API: Kafka (brokers, topics with partitions and watermarks, consumer
 * groups with members and committed offsets), Cassandra, the registry and each
 * component's /healthz and /metrics. All of it lives in one arena (bounded) and is freed
 * at once. Snapshots are immutable once published and shared by reference count.
 */
#ifndef SL_CONSOLE_SNAP_H
#define SL_CONSOLE_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "sl_console_arena.h"

typedef struct {
    int32_t id;
    const char *host;
    int port;
} sl_console_broker_t;

typedef struct {
    int32_t id, leader;
    int err; /* rd_kafka_resp_err_t of the partition's metadata */
    int n_replicas, n_isr;
    int32_t *replicas, *isr;
    int64_t low, high; /* watermarks; -1 when unknown */
} sl_console_partition_t;

typedef struct {
    const char *name;
    int internal; /* name starts with '_' (__consumer_offsets, _schemas, ...) */
    int dlq;      /* name ends with the dead-letter suffix */
    int err;
    int n_partitions;
    sl_console_partition_t *partitions; /* by partition id */
} sl_console_topic_t;

typedef struct {
    const char *topic;
    int32_t partition;
} sl_console_tp_t;

typedef struct {
    const char *client_id, *consumer_id, *host, *instance_id;
    size_t n_assigned;
    sl_console_tp_t *assigned;
} sl_console_member_t;

typedef struct {
    const char *topic;
    int32_t partition;
    int64_t committed; /* -1: nothing committed */
} sl_console_committed_t;

typedef struct {
    const char *id;
    const char *state; /* Stable, Empty, PreparingRebalance, ... */
    int simple;
    const char *error; /* describing or listing offsets failed, or NULL */
    int32_t coordinator;
    size_t n_members;
    sl_console_member_t *members;
    size_t n_offsets;
    sl_console_committed_t *offsets; /* sorted by topic, partition */
} sl_console_group_t;

/* What the console reads from the components' /metrics, summed over label sets. */
#define SL_CONSOLE_METRICS(X)                                                                      \
    X(INGEST_FETCHED, "sluice_ingest_users_fetched_total")                                         \
    X(INGEST_PRODUCED, "sluice_ingest_records_produced_total")                                     \
    X(INGEST_REJECTED, "sluice_ingest_records_rejected_total")                                     \
    X(INGEST_DLQ, "sluice_ingest_dlq_produced_total")                                              \
    X(INGEST_FAILED, "sluice_ingest_delivery_failed_total")                                        \
    X(PROCESS_CONSUMED, "sluice_process_messages_consumed_total")                                  \
    X(PROCESS_WRITTEN, "sluice_process_rows_written_total")                                        \
    X(PROCESS_DEAD, "sluice_process_dead_lettered_total")                                          \
    X(PROCESS_LAG, "sluice_process_lag_messages")                                                  \
    X(PROCESS_IN_FLIGHT, "sluice_process_writes_in_flight")                                        \
    X(PROCESS_HOSTS_UP, "sluice_process_cassandra_hosts_up")

typedef enum {
#define SL_CONSOLE_M_ENUM_(sym, name) SL_CONSOLE_M_##sym,
    SL_CONSOLE_METRICS(SL_CONSOLE_M_ENUM_)
#undef SL_CONSOLE_M_ENUM_
        SL_CONSOLE_M_COUNT
} sl_console_metric_t;

/* The name of a metric of the table above. */
const char *sl_console_metric_name(sl_console_metric_t m);

#define SL_CONSOLE_E2E_METRIC "sluice_process_end_to_end_seconds_bucket"
#define SL_CONSOLE_E2E_MAX_BUCKETS 32

typedef enum {
    SL_CONSOLE_KIND_UNKNOWN = 0,
    SL_CONSOLE_KIND_INGEST = 1,
    SL_CONSOLE_KIND_PROCESS = 2,
} sl_console_kind_t;

typedef struct {
    const char *name, *url;
    sl_console_kind_t kind;  /* from the metric names it serves */
    int health_code;         /* HTTP status of /healthz; 0 when it did not answer */
    const char *health_body; /* the first bytes of the answer, or NULL */
    const char *error;       /* why /healthz or /metrics failed, or NULL */
    int metrics_ok;
    size_t metrics_bad_lines;
    double m[SL_CONSOLE_M_COUNT];    /* NaN when the component does not serve it */
    double rate[SL_CONSOLE_M_COUNT]; /* per second since the sample before; NaN: unknown */
    size_t n_e2e;                    /* end-to-end histogram: cumulative counts by bound */
    double e2e_le[SL_CONSOLE_E2E_MAX_BUCKETS], e2e_cum[SL_CONSOLE_E2E_MAX_BUCKETS];
} sl_console_component_t;

typedef struct {
    const char *address, *datacenter, *rack, *version;
} sl_console_cass_host_t;

typedef struct {
    int configured;
    size_t hosts, up; /* hosts the session knows and those with a ready connection */
    size_t n_peers;
    sl_console_cass_host_t *peers; /* from system.local and system.peers */
    const char *error;
} sl_console_cass_t;

typedef struct {
    int configured;
    int reachable;
    int status; /* HTTP status of GET <url>/subjects, 0 when no answer (or asked through
                   the registry hook's ping, which gives no status) */
    const char *error;
} sl_console_registry_status_t;

typedef struct sl_console_snap_s {
    sl_console_arena_t *arena;
    int refs; /* guarded by the console's lock */
    uint64_t seq;
    int64_t taken_ms; /* wall clock when the refresh started */
    int64_t mono_ms;  /* monotonic clock at the same moment */
    int64_t took_ms;
    int kafka_ok;
    const char *kafka_error;
    const char *cluster_id;
    int32_t controller; /* -1 when unknown */
    size_t n_brokers;
    sl_console_broker_t *brokers;
    size_t n_topics;
    sl_console_topic_t *topics; /* sorted by name */
    int topics_capped;          /* more topics than max_topics */
    size_t n_groups;
    sl_console_group_t *groups; /* sorted by id */
    const char *groups_error;
    size_t n_components;
    sl_console_component_t *components;
    sl_console_cass_t cassandra;
    sl_console_registry_status_t registry;
    const char *dlq_json; /* the dead-letter view, rendered by the sampler */
    size_t dlq_json_len;
} sl_console_snap_t;

/* A new empty snapshot whose arena holds at most max_bytes. NULL when out of memory. */
sl_console_snap_t *sl_console_snap_new(size_t max_bytes);
void sl_console_snap_free(sl_console_snap_t *s);

/* Lookups (binary search over the sorted arrays); NULL when absent. */
const sl_console_topic_t *sl_console_snap_topic(const sl_console_snap_t *s, const char *name);
const sl_console_group_t *sl_console_snap_group(const sl_console_snap_t *s, const char *id);

/* The committed offset of group g for topic/partition, -1 when none. */
int64_t sl_console_snap_committed(const sl_console_group_t *g, const char *topic,
                                  int32_t partition);
/* The high watermark of topic t's partition, -1 when t is NULL, the partition is not in
 * it or its watermark is unknown. */
int64_t sl_console_snap_high(const sl_console_topic_t *t, int32_t partition);
/* Lag of group g on topic t: sum over partitions with a commit of high - committed (never
 * negative). *partitions gets how many partitions had a commit. -1 when none had. */
int64_t sl_console_snap_lag(const sl_console_group_t *g, const sl_console_topic_t *t,
                            int *partitions);

#endif
