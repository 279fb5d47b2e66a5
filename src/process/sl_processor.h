/*
 * sl_processor — the stream processor: one consumer-group member that turns Kafka
 * messages into Cassandra rows, dead-letters what it cannot store, and commits offsets
 * only behind work that is done.
 *
 * For each message: decode and validate (sl_record_from_json, or the decode hook: JSON and
 * Confluent-framed Avro through the schema registry); a good record goes to the
 * Cassandra writer, a bad one to the dead-letter topic with its original key and bytes
 * and headers naming the source topic, partition, offset and reason. Each partition has
 * a commit watermark (sl_watermark): the committed offset only ever covers a contiguous
 * run of messages that are stored or acknowledged on the dead-letter topic.
 *
 * Backpressure: when the writer's slots are taken, or a partition's window is full, the
 * affected partitions are paused (the consumer keeps polling, so it stays in the group)
 * and resumed when room frees. When Cassandra is away, writes back off and retry; the
 * processor neither skips an offset nor exits. On a rebalance, in-flight work of revoked
 * partitions is drained (bounded by drain_timeout_ms) and committed before they go.
 * On stop: no new messages, in-flight work drained, final commit, leave the group.
 */
#ifndef SL_PROCESSOR_H
#define SL_PROCESSOR_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cql.h"
#include "sl_hist.h"
#include "sl_record.h"
#include "sl_writer.h"

/* One `-X kafka.<key>=<value>` passed through to librdkafka. */
typedef struct {
    const char *key;
    const char *value;
} sl_kv_t;

/* What a decode hook (sl_processor_conf_t.decode) says about a message value: store the
 * record, dead-letter it (*reject, *field), keep it and try again later (its partition
 * waits, nothing after it is dispatched or committed), or stop with an error. */
typedef enum {
    SL_PROCESSOR_DECODE_OK = 0,
    SL_PROCESSOR_DECODE_REJECT,
    SL_PROCESSOR_DECODE_WAIT,
    SL_PROCESSOR_DECODE_FATAL
} sl_processor_decode_t;

/* Decodes value[0..len) (NULL when len is 0) into *out, fields in scratch (scratch_size
 * bytes) or static; errstr says why for REJECT, WAIT and FATAL. Called on the loop thread;
 * may block for a bounded time. */
typedef sl_processor_decode_t (*sl_processor_decode_fn)(void *opaque, const void *value, size_t len,
                                                        sl_record_t *out, char *scratch,
                                                        size_t scratch_size, sl_reject_t *reject,
                                                        sl_field_t *field, char *errstr,
                                                        size_t errstr_size);

/* All strings are borrowed: they must outlive the processor. */
typedef struct {
    const char *brokers;   /* bootstrap servers */
    const char *group;     /* consumer group id */
    const char *topic;     /* source topic */
    const char *dlq_topic; /* dead-letter topic */
    const sl_kv_t *kafka;  /* extra librdkafka properties, applied to consumer and producer */
    size_t kafka_count;
    const char *keyspace;
    const char *table;
    cql_consistency_t consistency;
    size_t max_inflight;         /* writer slots (default 1024) */
    size_t partition_window;     /* offsets in flight per partition (default 65536) */
    int commit_interval_ms;      /* default 1000 */
    int drain_timeout_ms;        /* rebalance and shutdown drain bound (default 8000) */
    int64_t retry_base_ms;       /* writer backoff (default 100) */
    int64_t retry_max_ms;        /* (default 10000) */
    int64_t max_messages;        /* stop after this many consumed; 0: no limit (tests, bench) */
    int idle_exit_ms;            /* stop when caught up and idle this long; 0: never */
    volatile sig_atomic_t *stop; /* set by the command's signal handler */
    /* Message values to records; NULL: the record's JSON (sl_record_from_json). After a
     * WAIT the partition tries again after a backoff of decode_retry_base_ms doubling up
     * to decode_retry_max_ms (defaults 200 and 5000). */
    sl_processor_decode_fn decode;
    void *decode_opaque;
    int64_t decode_retry_base_ms, decode_retry_max_ms;
} sl_processor_conf_t;

#define SL_PROCESSOR_MAX_PARTITIONS 1024

typedef struct {
    uint64_t consumed;
    uint64_t written;
    uint64_t dead_lettered;
    uint64_t dead_by_reason[SL_REJECT_COUNT];
    uint64_t dlq_failed;   /* DLQ deliveries that failed and were produced again */
    uint64_t kafka_errors; /* consumer errors seen (transport, ...) */
    uint64_t commits;
    uint64_t commit_failures;
    uint64_t rebalances;
    uint64_t paused_events;
    uint64_t decode_waits;    /* decode hook said WAIT (a message kept for a later try) */
    int assigned;             /* partitions currently assigned */
    sl_hist_t e2e;            /* message timestamp to Cassandra ack, seconds */
    int64_t first_message_us; /* monotonic time of the first message taken, 0 before */
    int64_t last_done_us;     /* monotonic time of the last completion (stored or DLQ) */
    /* Per-partition view (index = partition id) for lag and commits. */
    int64_t committed[SL_PROCESSOR_MAX_PARTITIONS];
    int64_t high_watermark[SL_PROCESSOR_MAX_PARTITIONS];
    int64_t position[SL_PROCESSOR_MAX_PARTITIONS];
    unsigned char is_assigned[SL_PROCESSOR_MAX_PARTITIONS];
} sl_processor_stats_t;

typedef struct sl_processor_s sl_processor_t;

/* Creates the consumer, the dead-letter producer and the writer (preparing the INSERT on
 * session, which is borrowed and must outlive the processor). NULL on failure with the
 * reason in errstr. Must be freed with sl_processor_free(). */
sl_processor_t *sl_processor_new(const sl_processor_conf_t *conf, cql_session_t *session,
                                 char *errstr, size_t errstr_size);

/* Runs until *conf->stop, max_messages or idle_exit_ms, or a fatal error. Returns 0 when
 * it stopped cleanly with everything consumed stored (or dead-lettered) and committed,
 * -1 otherwise (errstr says why). tick, when not NULL, is called about every 250 ms with
 * the live statistics (progress lines, metrics). */
int sl_processor_run(sl_processor_t *p, void (*tick)(void *, const sl_processor_stats_t *),
                     void *tick_opaque, char *errstr, size_t errstr_size);

/* Live statistics; valid until sl_processor_free(). Read from the loop thread only, or
 * accept torn reads (metrics). */
const sl_processor_stats_t *sl_processor_stats(const sl_processor_t *p);
/* The writer's statistics (CQL latency, retries, in flight). */
const sl_writer_stats_t *sl_processor_writer_stats(const sl_processor_t *p);
size_t sl_processor_in_flight(const sl_processor_t *p);

void sl_processor_free(sl_processor_t *p);

#endif
