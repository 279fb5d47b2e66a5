/*
 * sl_writer — writes records into the Cassandra table through a CQL session, pipelined
 * and bounded, retrying until each write is stored.
 *
 * The writer owns a fixed pool of slots (max_inflight). A submitted record is copied into
 * a slot and sent as one EXECUTE of the prepared INSERT; the slot is freed when Cassandra
 * acknowledges it at the configured consistency, and only then is `done` called with the
 * caller's cookie. A write that fails with a retriable error (timeouts, unavailable,
 * overloaded, connection lost, no host up) is sent again after an exponential backoff
 * with full jitter (sl_backoff) that grows with every failed attempt of that write, for as
 * long as it takes: nothing is skipped and memory stays at the pool. A non-retriable error
 * (the table is missing, a type mismatch) makes the writer fatal: it stops accepting work,
 * logs and reports the error, and `done` is never called for that row.
 *
 * The INSERT is idempotent (an upsert by id), so the statements are marked idempotent. It
 * carries `USING TIMESTAMP ?`: the caller gives each write its timestamp, and Cassandra keeps
 * the cells of the highest, so a write that arrives late (a replay, a retry, a zombie member)
 * never overwrites a newer version of the row. The processor derives it from the Kafka
 * message (sl_writer_timestamp_us()).
 * The writer drives nothing itself and has no thread: the caller steps the session and
 * calls sl_writer_step() from its loop; every callback runs inside that call.
 */
#ifndef SL_WRITER_H
#define SL_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "cql.h"
#include "sl_hist.h"
#include "sl_log.h"
#include "sl_record.h"

/* SL_WRITER_ERRORS(X): the rows of sl_writer.errors, generated at configure time.
 * TIMEOUT..OTHER are the kinds of a failed write attempt (counted in
 * sl_writer_stats_t.errors[], named by sl_writer_err_name() for the `kind` label of
 * sluice_process_write_errors_total); the others are returned by calls. */
#include "sl_writer_errors.h"

typedef enum { SL_ERR_ENUM(SL_WRITER_ERRORS) } sl_writer_err_t;

/* Size of sl_writer_stats_t.errors[]: indexes TIMEOUT..OTHER are used. */
#define SL_WRITER_ATTEMPT_KINDS (SL_WRITER_ERR_OTHER + 1)

/* Static text of an error; never NULL. */
const char *sl_writer_err_str(sl_writer_err_t err);
/* The metric label of an attempt kind ("timeout", "unavailable", "connection", "other"),
 * "" for the other errors; never NULL. */
const char *sl_writer_err_name(sl_writer_err_t err);

typedef struct sl_writer_s sl_writer_t;

/* Called once per stored record, from within sl_writer_step(), with the cookie and the
 * origin time given to sl_writer_submit(). */
typedef void (*sl_writer_done_cb)(void *opaque, uint64_t cookie, int64_t origin_ms);

typedef struct {
    const char *keyspace; /* copied; a plain identifier (sl_schema_name_ok) */
    const char *table;    /* copied; a plain identifier */
    cql_consistency_t consistency;
    size_t max_inflight; /* slots; at least 1 */
    int64_t retry_base_ms;
    int64_t retry_max_ms;
    int64_t prepare_timeout_ms; /* how long sl_writer_new() waits for PREPARE */
    sl_writer_done_cb done;     /* required */
    void *opaque;               /* passed to done */
    sl_log_cb_t log;            /* the fatal error; may be NULL */
    void *log_opaque;
} sl_writer_conf_t;

typedef struct {
    uint64_t submitted;
    uint64_t written;
    uint64_t retries;
    uint64_t errors[SL_WRITER_ATTEMPT_KINDS]; /* failed attempts by kind, TIMEOUT..OTHER */
    sl_hist_t latency;                        /* one attempt's round trip, seconds */
} sl_writer_stats_t;

/* Bind markers of the INSERT: the record's fields, then the write's timestamp. */
#define SL_WRITER_PARAMS (SL_FIELD_COUNT + 1)

/* Largest Kafka timestamp (ms) sl_writer_timestamp_us() takes as one: year ~2286; beyond it
 * (or negative: none) it falls back to the caller's clock. */
#define SL_WRITER_MAX_KAFKA_MS INT64_C(9999999999999)

/* The write timestamp (µs) of a Kafka message: kafka_ms * 1000 + offset % 1000, so the
 * newest message by timestamp wins and, within one millisecond of one partition, the
 * higher offset (up to 1,000 messages a millisecond). A message without a timestamp
 * (kafka_ms -1, CreateTime not set) or with one out of range gets now_us, the processor's
 * wall clock (sl_wall_us()): the arrival order, as Cassandra would without a timestamp. */
int64_t sl_writer_timestamp_us(int64_t kafka_ms, int64_t offset, int64_t now_us);

/* Prepares the INSERT on session (borrowed; must outlive the writer), waiting up to
 * conf->prepare_timeout_ms. conf is copied. On success *out is set; it must be freed with
 * sl_writer_free(), which abandons writes still in flight (their `done` never comes).
 * Otherwise INVALID, NOMEM or PREPARE with the reason in errstr. */
sl_writer_err_t sl_writer_new(cql_session_t *session, const sl_writer_conf_t *conf,
                              sl_writer_t **out, char *errstr, size_t errstr_size);
void sl_writer_free(sl_writer_t *w);

/* Copies rec (its views may be freed after the call) and starts writing it `USING
 * TIMESTAMP write_us` (every retry too). rec must have passed sl_record_validate().
 * origin_ms is passed back to `done` untouched (the processor uses the Kafka message
 * timestamp). Returns OK; FULL when every slot is taken (see
 * sl_writer_room()); FATAL once the writer is fatal; INVALID for a record it cannot bind
 * (an id that is not a UUID, larger than SL_RECORD_MAX), which also makes it fatal, since
 * validation should have caught it; NOMEM when a record whose fields take more than a
 * slot's inline 512 bytes finds no memory for the slot's own buffer (nothing taken). */
sl_writer_err_t sl_writer_submit(sl_writer_t *w, const sl_record_t *rec, uint64_t cookie,
                                 int64_t origin_ms, int64_t write_us);

/* Finishes completed writes (calls `done`), schedules retries and re-sends those due.
 * Call after stepping the session. */
void sl_writer_step(sl_writer_t *w);

/* Records it takes now: free slots within the window (sl_writer_window()); 0 once the
 * writer is fatal or failing. */
size_t sl_writer_room(const sl_writer_t *w);
/* Slots taken: sent, waiting for a retry, or parked by a fatal error. */
size_t sl_writer_in_flight(const sl_writer_t *w);
/* Writes waiting for their backoff to pass. */
size_t sl_writer_backing_off(const sl_writer_t *w);
/* Whether a write failed and none succeeded since: the writer takes no new work and
 * retries one write at a time (see the file's paragraph in sl_writer.c). */
int sl_writer_failing(const sl_writer_t *w);
/* Writes allowed out at once now (1..max_inflight): sl_writer_room() stays within it. */
size_t sl_writer_window(const sl_writer_t *w);
/* sl_now_ms() of the last acknowledged write (of the writer's start before the first). */
int64_t sl_writer_last_ok_ms(const sl_writer_t *w);
/* sl_now_ms() when the oldest write not yet acknowledged was submitted; -1 for none. */
int64_t sl_writer_oldest_ms(const sl_writer_t *w);
/* Milliseconds until the next retry is due, -1 if none: an upper bound for a poll. */
int64_t sl_writer_next_timer_ms(const sl_writer_t *w);
/* NULL while healthy; the fatal error's text once a write failed for good (valid until
 * sl_writer_free()). */
const char *sl_writer_fatal(const sl_writer_t *w);
/* Live statistics; valid until sl_writer_free(). */
const sl_writer_stats_t *sl_writer_stats(const sl_writer_t *w);

#endif
