/*
 * sl_processor — the stream processor: one consumer-group member that turns Kafka
 * messages into Cassandra rows, dead-letters what it cannot store, and commits offsets
 * only behind work that is done.
 *
 * For each message: decode and validate (the decode step: JSON by default; the command
 * adds Confluent-framed Avro through the schema registry); a good record
 * goes to the Cassandra writer (sl_writer), a bad one to the dead-letter topic with its
 * original key and bytes and headers naming the source topic, partition, offset and
 * reason. Each partition has a commit watermark (sl_watermark): the committed offset only
 * ever covers a contiguous run of messages that are stored or acknowledged on the
 * dead-letter topic.
 *
 * Backpressure: when the writer's slots are all taken, the processor stops taking messages
 * (librdkafka's prefetch is bounded); when they stay taken for pause_after_ms, or a
 * partition's window is full, the affected partitions are paused (polling goes on, so the
 * member stays in the group) and resumed when room frees. When Cassandra is away, writes
 * back off and retry; the processor neither skips an offset nor exits.
 *
 * Rebalance: librdkafka's rebalance callback only records what changed (and makes the
 * assign and unassign calls librdkafka requires); the loop acts on it. Revoked partitions
 * take no new messages; their in-flight work is drained (bounded by drain_timeout_ms),
 * committed, and only then are they unassigned. A lost assignment (session timed out, the
 * member fenced) drops the work of those partitions at once and commits nothing for them.
 * Every error of an assign or unassign is counted and logged.
 *
 * On stop: no new messages, in-flight work drained, final commit, leave the group.
 * The library does not log by itself: it reports through the log callback.
 */
#ifndef SL_PROCESSOR_H
#define SL_PROCESSOR_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "sl_err.h"
#include "cql.h"
#include "sl_hist.h"
#include "sl_log.h"
#include "sl_record.h"
#include "sl_writer.h"

/* SL_PROCESSOR_ERRORS(X): the rows of sl_processor.errors, generated at configure time. */
#include "sl_processor_errors.h"

typedef enum { SL_ERR_ENUM(SL_PROCESSOR_ERRORS) } sl_processor_err_t;

/* Static text of an error; never NULL. */
const char *sl_processor_err_str(sl_processor_err_t err);

/* What the decode step says about a message value: store the record, dead-letter it
 * (*reject, *field), keep it and try again later (its partition waits; nothing after it is
 * dispatched or committed), or stop with an error. */
typedef enum {
    SL_PROCESSOR_DECODE_OK = 0,
    SL_PROCESSOR_DECODE_REJECT,
    SL_PROCESSOR_DECODE_WAIT,
    SL_PROCESSOR_DECODE_FATAL
} sl_processor_decode_t;

/* The decode step: turns one message value into a record, or says why it cannot.
 * value is the message value (len bytes, not NUL-terminated; NULL when len is 0). The
 * record's views may point into value or into scratch (scratch_size bytes, at least
 * SL_RECORD_SCRATCH_SIZE); they are read before the next call. OK means a valid record (it
 * must pass sl_record_validate()); REJECT sets *reject and *field (SL_FIELD_NONE if none)
 * and the message is dead-lettered with that reason; errstr says why for REJECT, WAIT and
 * FATAL. Called on the loop's thread; may block for a bounded time. */
typedef sl_processor_decode_t (*sl_processor_decode_fn)(void *opaque, const void *value, size_t len,
                                                        sl_record_t *out, char *scratch,
                                                        size_t scratch_size, sl_reject_t *reject,
                                                        sl_field_t *field, char *errstr,
                                                        size_t errstr_size);

/* The default decode step: the Kafka JSON of a record (sl_record_from_json). */
sl_processor_decode_t sl_processor_decode_json(void *opaque, const void *value, size_t len,
                                               sl_record_t *out, char *scratch, size_t scratch_size,
                                               sl_reject_t *reject, sl_field_t *field, char *errstr,
                                               size_t errstr_size);

/* All strings and arrays are borrowed: they must outlive the processor. Zero values take
 * the defaults in parentheses. */
typedef struct {
    const char *brokers;   /* bootstrap servers */
    const char *group;     /* consumer group id */
    const char *topic;     /* source topic */
    const char *dlq_topic; /* dead-letter topic */
    /* n_kafka_props (key, value) pairs for librdkafka: each goes to the handles it applies
     * to (sl_kafka_scope.h): the consumer and the dead-letter producer, a consumer-only
     * property to the consumer only, a producer-only one to the producer only. */
    const char *const *kafka_props;
    size_t n_kafka_props;
    /* n_dlq_props pairs for the dead-letter producer only, after kafka_props (so they
     * override them there). */
    const char *const *dlq_props;
    size_t n_dlq_props;
    const char *keyspace;
    const char *table;
    cql_consistency_t consistency;
    size_t max_inflight;     /* writer slots (256) */
    size_t partition_window; /* offsets in flight per partition (65536) */
    /* Memory caps, in KB. prefetch: librdkafka's consumer queue (queued.max.messages.kbytes)
     * and one fetch (fetch.max.bytes; fetch.message.max.bytes a quarter of it, at most 1 MB)
     * (1024).
     * dlq_buffer: dead letters produced and not yet acknowledged; no message is taken while
     * they reach it (one larger still goes, alone); the producer's queue.buffering.max.kbytes
     * is this plus SL_PROCESSOR_DLQ_MAX_MESSAGE (16384). */
    size_t prefetch_kbytes;
    size_t dlq_buffer_kbytes;
    /* For FETCH_RECHECK_MS (1 s) after the consumer queue held half the prefetch or more,
     * while it holds less, the fetcher is woken (sl_fetch_wakeup.h) at most this often (10);
     * <0: never. */
    int fetch_wakeup_ms;
    int commit_interval_ms; /* (1000) */
    int drain_timeout_ms;   /* how long revoked partitions and a stop wait for work (8000) */
    int pause_after_ms;     /* a writer full this long pauses every partition (5000) */
    int64_t retry_base_ms;  /* writer backoff (100) */
    int64_t retry_max_ms;   /* (10000) */
    int64_t max_messages;   /* stop after this many consumed; 0: no limit (tests, bench) */
    int idle_exit_ms;       /* stop when caught up and idle this long; 0: never */
    int stall_after_ms;     /* writes pending and none acknowledged this long: stalled (10000) */
    int start_timeout_ms;   /* sl_processor_start() gives up on an unreachable Kafka; 0: never */
    volatile sig_atomic_t *stop;   /* set by the command's signal handler; may be NULL */
    sl_processor_decode_fn decode; /* NULL: sl_processor_decode_json */
    void *decode_opaque;
    /* After a WAIT the partition tries again after a backoff from decode_retry_base_ms (200)
     * doubling up to decode_retry_max_ms (5000). */
    int64_t decode_retry_base_ms, decode_retry_max_ms;
    sl_log_cb_t log; /* the processor's and the writer's lines; may be NULL */
    void *log_opaque;
    /* librdkafka's own log lines (rd_kafka_conf_set_log_cb; any thread); NULL: its default. */
    void (*kafka_log)(const rd_kafka_t *rk, int level, const char *fac, const char *buf);
} sl_processor_conf_t;

#define SL_PROCESSOR_MAX_PARTITIONS 1024
/* The largest dead letter the producer sends (its message.max.bytes), bytes. */
#define SL_PROCESSOR_DLQ_MAX_MESSAGE (8 << 20)

typedef struct {
    uint64_t consumed;
    uint64_t written;
    uint64_t dead_lettered;
    uint64_t dead_by_reason[SL_REJECT_COUNT];
    uint64_t dlq_failed;   /* dead letters Kafka refused for good (each one is fatal) */
    uint64_t kafka_errors; /* consumer errors and failed committed-offset lookups */
    uint64_t commits;      /* commit requests sent */
    uint64_t commit_failures;
    uint64_t rebalances;       /* rebalance callbacks: assignments and revocations */
    uint64_t rebalance_errors; /* failed assign/unassign calls and rebalance errors */
    uint64_t partitions_lost;  /* partitions whose assignment was lost (work dropped) */
    uint64_t paused_events;    /* pause requests sent */
    uint64_t fetch_wakeups;    /* wake-ups of the fetcher asked for (sl_fetch_wakeup.h) */
    uint64_t decode_waits;     /* the decode step said WAIT (a message kept for a later try) */
    int decode_waiting;        /* partitions whose next message waits for the decode step now
                                  (the registry unreachable, or an id it lost) */
    uint64_t untimestamped;    /* records without a usable Kafka timestamp: written at the
                                  processor's clock (sl_writer_timestamp_us) */
    int assigned;              /* partitions currently assigned */
    int revoking;              /* of those, revoked and draining before they are given up */
    int paused;                /* of those, paused now */
    int stalled;               /* writes pending, none acknowledged for stall_after_ms */
    uint64_t stalls;           /* times it became stalled */
    int64_t oldest_pending_ms; /* age of the oldest write not acknowledged, 0 for none */
    int kafka_reached;         /* the brokers answered at least once */
    sl_hist_t e2e;             /* message timestamp to Cassandra ack, seconds */
    int64_t first_message_us;  /* monotonic time of the first message taken, 0 before */
    int64_t last_done_us;      /* monotonic time of the last completion (stored or DLQ) */
    /* Per-partition view (index = partition id) for lag and commits; -1 where unknown.
     * committed is the group's committed offset as last confirmed by the broker. */
    int64_t committed[SL_PROCESSOR_MAX_PARTITIONS];
    int64_t high_watermark[SL_PROCESSOR_MAX_PARTITIONS];
    int64_t position[SL_PROCESSOR_MAX_PARTITIONS];
    unsigned char is_assigned[SL_PROCESSOR_MAX_PARTITIONS];
} sl_processor_stats_t;

typedef struct sl_processor_s sl_processor_t;

/* The buckets of sl_processor_stats_t.e2e (1 ms to 10 min), for a copy kept elsewhere. */
void sl_processor_e2e_init(sl_hist_t *h);

/* Creates the consumer and the writer (preparing the INSERT on
 * session, which is borrowed and must outlive the processor). conf is copied (its strings
 * are borrowed). On success *out must be freed with sl_processor_free(). Otherwise CONFIG
 * (a librdkafka property it does not know or accept), KAFKA, CASSANDRA or NOMEM with the
 * reason in errstr. The dead-letter producer is made on the first dead letter (its
 * configuration is checked here); if librdkafka refuses it then, the processor stops
 * (fatal, SL_PROCESSOR_ERR_KAFKA) without committing past that message. */
sl_processor_err_t sl_processor_new(const sl_processor_conf_t *conf, cql_session_t *session,
                                    sl_processor_t **out, char *errstr, size_t errstr_size);

/* Checks conf's librdkafka properties (the user's and the processor's own) without
 * creating anything or connecting: CONFIG with librdkafka's words in errstr when one is
 * refused, else OK. For a command to report a usage error before it starts. */
sl_processor_err_t sl_processor_check_conf(const sl_processor_conf_t *conf, char *errstr,
                                           size_t errstr_size);

/* Runs until *conf->stop, max_messages or idle_exit_ms, or a fatal error, then stops as
 * sl_processor_finish() does. tick, when not NULL, is called about every 250 ms with the
 * live statistics (progress lines, metrics), and once more at the end. Returns what
 * sl_processor_finish() returns. */
sl_processor_err_t sl_processor_run(sl_processor_t *p,
                                    void (*tick)(void *, const sl_processor_stats_t *),
                                    void *tick_opaque, char *errstr, size_t errstr_size);

/* The same loop in steps, for a caller that drives it (tests, benchmarks): start
 * (subscribe), then poll until it returns 0, then finish. Each poll waits at most ~100 ms
 * for work and does one round: rebalance follow-up, dispatch, pauses, consume, CQL, writer,
 * delivery reports, commit timer. It returns 1 while the processor should be polled again,
 * 0 once a stop condition was reached or it turned fatal. */
sl_processor_err_t sl_processor_start(sl_processor_t *p, char *errstr, size_t errstr_size);
int sl_processor_poll(sl_processor_t *p);
/* Stops: takes nothing new, drains what is in flight and the dead letters (bounded by
 * drain_timeout_ms), commits, leaves the group. OK when everything consumed was stored (or
 * dead-lettered) and committed; the fatal error; or INCOMPLETE. errstr says why. */
sl_processor_err_t sl_processor_finish(sl_processor_t *p, char *errstr, size_t errstr_size);

/* Live statistics; valid until sl_processor_free(). Read from the loop's thread only, or
 * accept torn reads (metrics). */
const sl_processor_stats_t *sl_processor_stats(const sl_processor_t *p);
/* The writer's statistics (CQL latency, retries, errors by kind); same rules. */
const sl_writer_stats_t *sl_processor_writer_stats(const sl_processor_t *p);
/* Writes in flight (sent, or waiting for a retry). */
size_t sl_processor_in_flight(const sl_processor_t *p);

void sl_processor_free(sl_processor_t *p);

#endif
