/*
 * sl_writer — writes records into the Cassandra table through a CQL session, pipelined
 * and bounded, retrying until each write is stored.
 *
 * The writer owns a fixed pool of slots (max_inflight). A submitted record is copied into
 * a slot and sent as one EXECUTE of the prepared INSERT; the slot is freed when Cassandra
 * acknowledges it at the configured consistency, and only then is `done` called with the
 * caller's cookie. A write that fails with a retriable error (timeouts, unavailable,
 * overloaded, connection lost, no host up) is sent again after an exponential backoff
 * with jitter, for as long as it takes: nothing is skipped and memory stays at the pool.
 * A non-retriable error (the table is missing, a type mismatch) makes the writer fatal:
 * it stops accepting work and reports the error, and `done` is never called for that row.
 *
 * The INSERT is idempotent (an upsert by id), so the statements are marked idempotent.
 * The writer drives nothing itself: the caller steps the session and calls
 * sl_writer_step() from its loop.
 */
#ifndef SL_WRITER_H
#define SL_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "cql.h"
#include "sl_hist.h"
#include "sl_record.h"

typedef struct sl_writer_s sl_writer_t;

/* Called once per stored record, from within sl_writer_step(), with the cookie and the
 * origin time given to sl_writer_submit(). */
typedef void (*sl_writer_done_cb)(void *opaque, uint64_t cookie, int64_t origin_ms);

typedef struct {
    const char *keyspace; /* copied */
    const char *table;    /* copied */
    cql_consistency_t consistency;
    size_t max_inflight; /* slots; at least 1 */
    int64_t retry_base_ms;
    int64_t retry_max_ms;
    int64_t prepare_timeout_ms; /* how long sl_writer_new() waits for PREPARE */
} sl_writer_conf_t;

typedef struct {
    uint64_t submitted;
    uint64_t written;
    uint64_t retries;
    uint64_t errors_by_kind[4]; /* timeout, unavailable/overloaded, connection, other */
    sl_hist_t latency;          /* one attempt's round trip, seconds */
} sl_writer_stats_t;

/* Prepares the INSERT on session (borrowed; must outlive the writer), waiting up to
 * conf->prepare_timeout_ms. NULL on failure with the reason in errstr. Must be freed with
 * sl_writer_free(), which abandons writes still in flight (their `done` never comes). */
sl_writer_t *sl_writer_new(cql_session_t *session, const sl_writer_conf_t *conf,
                           sl_writer_done_cb done, void *opaque, char *errstr, size_t errstr_size);
void sl_writer_free(sl_writer_t *w);

/* Copies rec (its views may be freed after the call) and starts writing it.
 * Returns 0, or -1 when every slot is taken (call sl_writer_has_room() first) or the
 * writer is fatal. rec must have passed sl_record_validate(). origin_ms is passed back to
 * `done` untouched (the processor uses the Kafka message timestamp). */
int sl_writer_submit(sl_writer_t *w, const sl_record_t *rec, uint64_t cookie, int64_t origin_ms);

/* Finishes completed writes (calls `done`), schedules retries and re-sends those due.
 * Call after stepping the session. */
void sl_writer_step(sl_writer_t *w);

/* Free slots. */
size_t sl_writer_room(const sl_writer_t *w);
size_t sl_writer_in_flight(const sl_writer_t *w);
/* Writes waiting for their backoff to pass. */
size_t sl_writer_backing_off(const sl_writer_t *w);
/* Milliseconds until the next retry is due, -1 if none: an upper bound for a poll. */
int64_t sl_writer_next_timer_ms(const sl_writer_t *w);
/* NULL while healthy; the fatal error's text once a write failed for good. */
const char *sl_writer_fatal(const sl_writer_t *w);
const sl_writer_stats_t *sl_writer_stats(const sl_writer_t *w);

#endif
