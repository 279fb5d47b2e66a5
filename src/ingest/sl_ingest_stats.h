/*
 * sl_ingest_stats — the accounting of one ingest run.
 *
 * Every user the ingest fetched ends in exactly one place: acknowledged on the main
 * topic (produced), routed to the dead-letter topic (rejected, by reason), or not
 * delivered (a delivery failure or still queued at exit). Requests are counted by
 * outcome and timed in a histogram. The struct is plain data written by the run loop's
 * thread only; other threads (the /metrics handler) read a copy taken under the loop's
 * lock. Rendering functions write into caller buffers, snprintf-style, and never print.
 */
#ifndef SL_INGEST_STATS_H
#define SL_INGEST_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "sl_record.h"

/* Request outcomes: (enum suffix, label). One attempt has exactly one outcome. */
#define SL_INGEST_OUTCOMES(X)                                                                      \
    X(OK, "ok")                                                                                    \
    X(TIMEOUT, "timeout")                                                                          \
    X(CONNECT, "connect_error")                                                                    \
    X(THROTTLED, "throttled")                                                                      \
    X(HTTP_5XX, "http_5xx")                                                                        \
    X(HTTP_4XX, "http_4xx")                                                                        \
    X(API_ERROR, "api_error")                                                                      \
    X(MALFORMED, "malformed")                                                                      \
    X(TRUNCATED, "truncated")                                                                      \
    X(TOO_LARGE, "too_large")                                                                      \
    X(OTHER, "other_error")

typedef enum {
#define SL_INGEST_OUTCOME_ENUM_(sym, label) SL_OUTCOME_##sym,
    SL_INGEST_OUTCOMES(SL_INGEST_OUTCOME_ENUM_)
#undef SL_INGEST_OUTCOME_ENUM_
        SL_OUTCOME_COUNT
} sl_ingest_outcome_t;

/* The Prometheus label of an outcome ("timeout"); static. */
const char *sl_ingest_outcome_label(sl_ingest_outcome_t o);

/* Upper bounds in seconds of the request duration histogram (plus +Inf). */
#define SL_INGEST_HIST_BUCKETS 12
extern const double sl_ingest_hist_bounds[SL_INGEST_HIST_BUCKETS];

typedef struct sl_ingest_stats_s {
    uint64_t requests[SL_OUTCOME_COUNT]; /* attempts by outcome */
    uint64_t retries;                    /* attempts that were retries of a page */
    uint64_t pages_ok;                   /* pages fetched and parsed */
    uint64_t pages_failed;               /* pages given up after the last retry */
    uint64_t users_fetched;              /* users in pages_ok (accepted + rejected) */
    uint64_t bytes_fetched;              /* body bytes of pages_ok */
    uint64_t enqueued;                   /* accepted records handed to the producer */
    uint64_t produced;                   /* ... and acknowledged by Kafka */
    uint64_t delivery_failed;            /* ... and reported failed by Kafka */
    uint64_t rejected;                   /* users routed to the dead-letter topic */
    uint64_t rejected_by[SL_REJECT_COUNT];
    uint64_t dlq_enqueued, dlq_produced, dlq_failed;
    uint64_t queue_full;                       /* QUEUE_FULL answers that were retried */
    uint64_t hist[SL_INGEST_HIST_BUCKETS + 1]; /* cumulative-free counts per bucket */
    double hist_sum;
    uint64_t hist_count;
    double elapsed_s; /* since the run started, at the last update */
} sl_ingest_stats_t;

/* Adds one request's duration (seconds) to the histogram. */
void sl_ingest_stats_observe(sl_ingest_stats_t *s, double seconds);

/* Users fetched but neither acknowledged nor rejected: lost or still in flight.
 * (users_fetched - produced - rejected, never negative.) */
uint64_t sl_ingest_stats_undelivered(const sl_ingest_stats_t *s);
/* Dead-letter records not acknowledged. */
uint64_t sl_ingest_stats_dlq_undelivered(const sl_ingest_stats_t *s);
/* Requests counted over all outcomes. */
uint64_t sl_ingest_stats_requests(const sl_ingest_stats_t *s);
/* 1 when the books balance and everything is delivered: users_fetched == produced +
 * rejected, every dead letter acknowledged, no delivery failure, no page given up. */
int sl_ingest_stats_complete(const sl_ingest_stats_t *s);

/* Prometheus text exposition of s, like snprintf (returns the length needed). */
size_t sl_ingest_stats_prometheus(const sl_ingest_stats_t *s, char *buf, size_t cap);
/* One JSON object (no newline), like snprintf. */
size_t sl_ingest_stats_json(const sl_ingest_stats_t *s, char *buf, size_t cap);
/* The live progress line (no newline): fetched, produced, rejected, failed, users/s. */
size_t sl_ingest_stats_progress(const sl_ingest_stats_t *s, double users_per_s, char *buf,
                                size_t cap);

#endif
