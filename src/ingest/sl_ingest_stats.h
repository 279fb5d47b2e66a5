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

#include "sl_hist.h"
#include "sl_ingest_outcome.h"
#include "sl_record.h"

typedef struct sl_ingest_stats_s {
    uint64_t requests[SL_INGEST_OUTCOME_COUNT]; /* attempts by outcome */
    uint64_t retries;                           /* attempts that were retries of a page */
    uint64_t pages_ok;                          /* pages fetched and parsed */
    uint64_t pages_failed;                      /* pages given up after the last retry */
    uint64_t users_fetched;                     /* users in pages_ok (accepted + rejected) */
    uint64_t bytes_fetched;                     /* body bytes of pages_ok */
    uint64_t enqueued;                          /* accepted records handed to the producer */
    uint64_t produced;                          /* ... and acknowledged by Kafka */
    uint64_t delivery_failed;                   /* ... and reported failed by Kafka */
    uint64_t rejected;                          /* users routed to the dead-letter topic */
    uint64_t rejected_by[SL_REJECT_COUNT];
    uint64_t dlq_enqueued, dlq_produced, dlq_failed;
    uint64_t queue_full;    /* QUEUE_FULL answers that were retried */
    sl_hist_t request_secs; /* request durations, buckets 5 ms .. 30 s */
    double elapsed_s;       /* since the run started, at the last update */
} sl_ingest_stats_t;

/* Zero counters and an empty request duration histogram. */
void sl_ingest_stats_init(sl_ingest_stats_t *s);
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
