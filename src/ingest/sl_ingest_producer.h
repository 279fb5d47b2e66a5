/*
 * sl_ingest_producer — the ingest's Kafka producer.
 *
 * One librdkafka producer for the main topic and its dead-letter topic, configured for
 * no loss and no duplicates (enable.idempotence, acks=all) and for throughput (lz4,
 * large batches, a short linger); properties given by the user are applied after these
 * defaults and win. Delivery reports drive the counters in the stats struct the caller
 * hands in: a record counts as produced only when Kafka acknowledged it. Reports are
 * served on the caller's thread by sl_ingest_producer_poll(); a pipe fd signals that some are
 * waiting, so the caller's poll loop can sleep on it.
 */
#ifndef SL_INGEST_PRODUCER_H
#define SL_INGEST_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

#include "sl_ingest_stats.h"
#include "sl_record.h"

typedef struct sl_ingest_producer_s sl_ingest_producer_t;

/* Receives librdkafka's own log lines (syslog level 0..7, facility, text); called on the
 * thread that calls sl_ingest_producer_poll()/sl_ingest_producer_flush(). */
typedef void (*sl_ingest_producer_log_fn)(void *opaque, int level, const char *fac,
                                          const char *msg);

typedef enum {
    SL_INGEST_PRODUCER_OK = 0,
    SL_INGEST_PRODUCER_QUEUE_FULL = 1, /* poll and try again */
    SL_INGEST_PRODUCER_FAILED = -1     /* counted as a delivery failure */
} sl_ingest_producer_res_t;

/*
 * Creates the producer. props is n_props (key, value) pairs (2 * n_props strings),
 * copied. log (may be NULL: librdkafka's logs are then dropped) gets librdkafka's logs. stats is
 * written by delivery reports during sl_ingest_producer_poll/flush and must outlive the producer.
 * Returns NULL with errstr set on a bad property or failure. Must be freed with
 * sl_ingest_producer_free().
 */
sl_ingest_producer_t *sl_ingest_producer_new(const char *brokers, const char *topic,
                                             const char *dlq_topic, const char *const *props,
                                             size_t n_props, sl_ingest_stats_t *stats,
                                             sl_ingest_producer_log_fn log, void *log_opaque,
                                             char *errstr, size_t errstr_size);
void sl_ingest_producer_free(sl_ingest_producer_t *p);

/* Asks the cluster for the topic's metadata within timeout_ms. Returns 0 when the
 * cluster answered (*topic_exists tells whether the topic is known), -1 with errstr set
 * when no broker answered. */
int sl_ingest_producer_check(sl_ingest_producer_t *p, int timeout_ms, int *topic_exists,
                             char *errstr, size_t errstr_size);

/* Enqueues a good record on the main topic (key and value are copied). */
sl_ingest_producer_res_t sl_ingest_producer_send(sl_ingest_producer_t *p, const char *key,
                                                 size_t key_len, const char *value,
                                                 size_t value_len, int64_t timestamp_ms);

/* Enqueues a rejected record on the dead-letter topic with headers "reason" (the reject
 * name), "field" (when known), "source" (the page URL) and "format" ("api": value is the
 * user object as the API sent it; "record": the user as far as it could be flattened).
 * Copied. */
sl_ingest_producer_res_t sl_ingest_producer_send_dlq(sl_ingest_producer_t *p, const char *key,
                                                     size_t key_len, const char *value,
                                                     size_t value_len, int64_t timestamp_ms,
                                                     sl_reject_t reason, sl_field_t field,
                                                     const char *source, const char *format);

/* Serves delivery reports, waiting at most timeout_ms. */
void sl_ingest_producer_poll(sl_ingest_producer_t *p, int timeout_ms);

/* Waits up to timeout_ms for every queued record; returns how many are still queued. */
int sl_ingest_producer_flush(sl_ingest_producer_t *p, int timeout_ms);

/* Records handed over and not yet reported (librdkafka's out queue). */
int sl_ingest_producer_outq(sl_ingest_producer_t *p);

/* A fd that becomes readable when delivery reports wait; -1 if unavailable. Drain it
 * with sl_ingest_producer_drain_fd(). */
int sl_ingest_producer_fd(const sl_ingest_producer_t *p);
void sl_ingest_producer_drain_fd(sl_ingest_producer_t *p);

/* The last fatal error text (idempotence violations are fatal), or NULL. */
const char *sl_ingest_producer_fatal(sl_ingest_producer_t *p);

/* "topic: reason" of the last record Kafka did not take or did not deliver, or NULL. */
const char *sl_ingest_producer_last_error(const sl_ingest_producer_t *p);

#endif
