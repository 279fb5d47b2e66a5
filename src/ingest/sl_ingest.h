/*
 * sl_ingest — the ingest run: pages of users from a randomuser-compatible HTTP API into
 * Kafka, every user accounted for.
 *
 * One thread drives everything: libcurl multi transfers (--concurrency pages at once),
 * streaming parse of each body into records, and the producer's delivery reports.
 * Good records go to the topic keyed by id with the fetch time as timestamp; rejected
 * users go to the dead-letter topic with the reason in a header. Failed requests
 * (timeouts, connection errors, 429, 5xx, API error objects, malformed or truncated
 * bodies) are retried with exponential backoff and full jitter, honouring Retry-After,
 * up to a retry limit per page. The run ends when the count is reached, the duration
 * is over or *stop becomes non-zero; it then stops fetching and flushes the producer
 * with a timeout (*stop >= 2 cuts the flush short: what is still queued is reported as
 * not delivered). The library does not print: it reports through the log and tick
 * callbacks, and leaves the final counters in the caller's stats struct.
 */
#ifndef SL_INGEST_H
#define SL_INGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_ingest_stats.h"
#include "sl_log.h"
#include "sl_record.h"

/* SL_INGEST_ERRORS(X): the rows of sl_ingest.errors, generated at configure time. */
#include "sl_ingest_errors.h"

typedef enum { SL_ERR_ENUM(SL_INGEST_ERRORS) } sl_ingest_err_t;

/* Static text of an error; never NULL. */
const char *sl_ingest_err_str(sl_ingest_err_t err);

/* How good records become message values when not as JSON (sl_record_to_json): the
 * command sets it for --format avro. Called on the run's thread. */
typedef struct sl_ingest_encoder_s {
    /* Writes the value of rec (a record that passed validation) into buf (cap bytes) and
     * returns its length, or 0 when it cannot (the page then fails as other_error). */
    size_t (*encode)(void *opaque, const sl_record_t *rec, char *buf, size_t cap);
    void *opaque;
    size_t max; /* the longest value encode writes; buf has at least this much room */
} sl_ingest_encoder_t;

/* Everything a run needs. All strings are borrowed for the duration of sl_ingest_run(). */
typedef struct sl_ingest_conf_s {
    const char *source;   /* API base URL */
    unsigned batch;       /* users per request, 1..5000 */
    unsigned concurrency; /* pages in flight (running or waiting for a retry) */
    uint64_t count;       /* users wanted; 0 = until duration or stop */
    double duration_s;    /* stop fetching after this long; 0 = no limit */
    double rate;          /* users/s cap; 0 = none */
    const char *seed;     /* API seed (then pages 1, 2, 3...); NULL or "" = none */
    const char *nat;      /* API nationalities list; NULL or "" = all */
    const char *brokers;
    const char *topic;
    const char *dlq_topic;          /* NULL: "<topic>.dlq" */
    sl_ingest_encoder_t encoder;    /* encode NULL: values are the record's JSON; rejected
                                       users are dead-lettered as JSON either way */
    const char *const *kafka_props; /* n_kafka_props (key, value) pairs for librdkafka */
    size_t n_kafka_props;
    long connect_timeout_ms;
    long timeout_ms;                          /* whole request */
    size_t max_body;                          /* response body cap in bytes */
    unsigned retries;                         /* retries per page after the first attempt */
    uint64_t backoff_base_ms, backoff_max_ms; /* full-jitter backoff */
    uint64_t retry_after_max_ms;              /* longest wait a Retry-After may impose */
    /* No retry of a page starts that could not end (its wait plus timeout_ms) within this
     * long of the page's first attempt; 0: retries alone bound it. */
    int64_t retry_time_ms;
    int flush_timeout_ms;        /* at the end */
    int metadata_timeout_ms;     /* the start-up check of Kafka; 0: keep trying */
    volatile sig_atomic_t *stop; /* set by a signal handler (1: stop, 2: stop now); may be
                                    NULL */
    /* Log lines (may be NULL). Called on the run's thread. */
    sl_log_cb_t log;
    /* Called on the run's thread every tick_ms (and once at the end with final = 1),
     * with the counters so far (may be NULL). */
    void (*tick)(void *opaque, const sl_ingest_stats_t *stats, int final);
    unsigned tick_ms;
    void *opaque;
} sl_ingest_conf_t;

/* Fills conf with the defaults (those of `sluice ingest`). */
void sl_ingest_conf_defaults(sl_ingest_conf_t *conf);

/*
 * Runs the ingest. stats (caller's, zeroed here) receives the final counters.
 * Returns OK when every fetched user was acknowledged on the topic or the dead-letter
 * topic and no page was given up; INCOMPLETE when something was not fetched or not
 * delivered; KAFKA_UNREACHABLE when no broker answered the start-up metadata request;
 * CONFIG for invalid settings or properties. errstr says why for any error.
 */
sl_ingest_err_t sl_ingest_run(const sl_ingest_conf_t *conf, sl_ingest_stats_t *stats, char *errstr,
                              size_t errstr_size);

#endif
