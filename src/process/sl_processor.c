/*
 * The processor's single-threaded loop. It waits in poll(2) on three descriptors: a pipe
 * librdkafka writes to when the consumer queue becomes non-empty, one for the dead-letter
 * producer's delivery reports, and the CQL session's fd. Each turn it follows up on the
 * last rebalance (drain, commit and unassign revoked partitions; look up the committed
 * offsets of new ones), dispatches held messages, adjusts which partitions are paused,
 * consumes a batch sized to the free writer slots, steps the CQL session and the writer,
 * serves delivery reports and commits on a timer.
 *
 * librdkafka calls the rebalance and commit callbacks from inside the consume call (and
 * rd_kafka_consumer_close()). They only change the partitions' records and make the
 * assign/unassign calls librdkafka requires; they never step CQL, the writer or the
 * dead-letter producer, and never wait for the network.
 *
 * A message's identity travels as a 64-bit cookie: [reject reason:5][partition:15]
 * [offset:44], through the writer and the producer's msg_opaque, back to the watermark.
 * A completion is a fact about the message at (partition, offset), whichever assignment
 * sent it: the row is stored or the dead letter delivered. So a write that finishes after
 * its partition was lost and assigned again may mark that offset done in the new
 * watermark: the message it stands for is stored.
 */
#include "sl_processor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_backoff.h"
#include "sl_fetch_wakeup.h"
#include "sl_kafka_scope.h"
#include "sl_record_json.h"
#include "sl_time.h"
#include "sl_watermark.h"

#define COOKIE_OFFSET_BITS 44
#define COOKIE_PART_BITS 15
#define CONSUME_BATCH 256
#define DLQ_MAX_IN_FLIGHT 10000
#define PREFETCH_KB_DEFAULT 1024
#define FETCH_WAKEUP_MS_DEFAULT 10
/* librdkafka re-checks a stopped fetcher by itself this often (its idle wakeup) */
#define FETCH_RECHECK_MS 1000
#define MAX_INFLIGHT_DEFAULT 256
#define DLQ_BUFFER_KB_DEFAULT 16384
#define TICK_MS 250
#define PROBE_MS 100 /* the longest wait of a probe of Kafka while every broker is down */
#define LOOKUP_RETRY_MS 1000
#define LOOKUP_TIMEOUT_MS 10000

typedef enum {
    PART_FREE = 0, /* not ours */
    PART_ACTIVE,   /* assigned: consumed, written, committed */
    PART_REVOKING, /* revoked: takes nothing new; drained, committed, then unassigned */
} part_state_t;

typedef struct {
    part_state_t state;
    sl_watermark_t *wm;
    /* The one pause state: what librdkafka was last told (a new assignment is resumed, so
     * 0 is true for it). Whether a partition should be paused is derived each turn. */
    int paused;
    int want_committed;    /* the group's committed offset is still to be looked up */
    int at_end;            /* the fetcher reported the partition's end and nothing came after it */
    int64_t commit_sent;   /* offset of the last commit request, -1 for none */
    int64_t first_tracked; /* the first offset taken since assigned or rewound, -1 */
    rd_kafka_message_t **held; /* consumed but not yet dispatched, in offset order */
    size_t n_held, cap_held, held_head;
    int64_t decode_after_ms; /* the decode hook said WAIT: the next try not before */
    unsigned decode_waits;   /* consecutive WAITs of the first held message */
} part_t;

struct sl_processor_s {
    sl_processor_conf_t conf;
    rd_kafka_t *consumer;
    rd_kafka_queue_t *cq;      /* consumer queue: messages, rebalances, commit results */
    rd_kafka_queue_t *lookups; /* results of committed-offset lookups */
    rd_kafka_t *dlq;
    sl_fetch_wakeup_t *wakeup; /* NULL when fetch_wakeup_ms < 0 */
    int64_t last_wakeup_ms;
    int32_t wakeup_next;     /* where the search for a lagging partition starts */
    int64_t queue_full_ms;   /* the consumer queue last held half the prefetch or more, 0 */
    uint64_t bytes_consumed; /* payload bytes of the messages consumed: their mean size */
    cql_session_t *session;
    sl_writer_t *writer;
    part_t parts[SL_PROCESSOR_MAX_PARTITIONS];
    int consumer_pipe[2];
    int dlq_pipe[2];
    int64_t dlq_in_flight;
    int64_t dlq_bytes; /* payload and key bytes of the dead letters in flight */
    int64_t last_commit_ms;
    int64_t last_activity_ms;
    int64_t last_refresh_ms;
    int ever_assigned;
    int closing;              /* rd_kafka_consumer_close() is running */
    int more_queued;          /* the last batch was full: the consumer queue may hold more */
    int64_t blocked_since_ms; /* since when the writer (or DLQ) had no room, 0 if it has */
    int64_t stalled_since_ms; /* since when writes are stalled, 0 if they are not */
    struct {
        int pending; /* revoked partitions wait for their drain */
        int cooperative;
        int64_t deadline_ms;
    } revoke;
    int lookup_in_flight;
    int64_t lookup_after_ms; /* no new lookup before this (after a failure) */
    /* librdkafka said every broker is down (its error callback): logged once; a probe
     * (a short metadata request) each second says when one answers again, logged once
     * too. */
    struct {
        int64_t since_ms; /* 0: up */
        int64_t next_probe_ms;
    } down;
    sl_processor_err_t fatal_err;
    char fatal[512];
    char scratch[SL_RECORD_SCRATCH_SIZE];
    sl_record_t rec; /* the message being taken, decoded */
    sl_reject_t rec_reject;
    sl_field_t rec_field;
    sl_backoff_t decode_backoff;
    sl_processor_stats_t stats;
    struct {
        int64_t mono_us, wall_ms; /* the clocks as the last session step left them */
    } step;
};

SL_ERR_DEFINE_STR(sl_processor_err_str, sl_processor_err_t, SL_PROCESSOR_ERRORS)

sl_processor_decode_t sl_processor_decode_json(void *opaque, const void *value, size_t len,
                                               sl_record_t *out, char *scratch, size_t scratch_size,
                                               sl_reject_t *reject, sl_field_t *field, char *errstr,
                                               size_t errstr_size) {
    (void)opaque;
    (void)errstr;
    (void)errstr_size;
    *reject = value ? sl_record_from_json(value, len, out, scratch, scratch_size, field)
                    : SL_REJECT_NOT_JSON;
    return *reject == SL_REJECT_NONE ? SL_PROCESSOR_DECODE_OK : SL_PROCESSOR_DECODE_REJECT;
}

static uint64_t make_cookie(sl_reject_t reason, int32_t partition, int64_t offset) {
    return ((uint64_t)reason << (COOKIE_OFFSET_BITS + COOKIE_PART_BITS)) |
           ((uint64_t)partition << COOKIE_OFFSET_BITS) | (uint64_t)offset;
}
static int32_t cookie_partition(uint64_t c) {
    return (int32_t)((c >> COOKIE_OFFSET_BITS) & ((1u << COOKIE_PART_BITS) - 1));
}
static int64_t cookie_offset(uint64_t c) {
    return (int64_t)(c & ((UINT64_C(1) << COOKIE_OFFSET_BITS) - 1));
}
static sl_reject_t cookie_reason(uint64_t c) {
    return (sl_reject_t)(c >> (COOKIE_OFFSET_BITS + COOKIE_PART_BITS));
}

#define LOG(p, level, ...) sl_log_to_cb((p)->conf.log, (p)->conf.log_opaque, level, __VA_ARGS__)

static void set_fatal(sl_processor_t *p, sl_processor_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_fatal(sl_processor_t *p, sl_processor_err_t err, const char *fmt, ...) {
    if (p->fatal[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->fatal, sizeof p->fatal, fmt, ap);
    va_end(ap);
    p->fatal_err = err;
    LOG(p, SL_LOG_ERROR, "%s", p->fatal);
}

static int part_ok(int32_t id) {
    return id >= 0 && id < SL_PROCESSOR_MAX_PARTITIONS;
}

/* Partitions assigned, revoking and paused, for the statistics. */
static void recount(sl_processor_t *p) {
    int assigned = 0, revoking = 0, paused = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        assigned += pt->state != PART_FREE;
        revoking += pt->state == PART_REVOKING;
        paused += pt->state != PART_FREE && pt->paused;
        p->stats.is_assigned[i] = pt->state != PART_FREE;
    }
    p->stats.assigned = assigned;
    p->stats.revoking = revoking;
    p->stats.paused = paused;
}

/* ---- completion: a message is stored or dead-lettered ------------------------------ */

/* now_us: the monotonic clock, read by the caller. */
static void complete(sl_processor_t *p, int32_t partition, int64_t offset, int64_t now_us) {
    part_t *pt = &p->parts[partition];
    /* A completion for a partition we no longer own (lost, or drained too slowly) is
     * dropped: the new owner re-reads from the last commit. */
    if (pt->state == PART_FREE || !pt->wm)
        return;
    sl_watermark_done(pt->wm, offset);
    p->stats.last_done_us = now_us;
    p->last_activity_ms = now_us / 1000;
}

/* From sl_writer_step(), which wait_and_step() calls with the clocks read once for all the
 * acknowledgements of the step (p->step). */
static void on_written(void *opaque, uint64_t cookie, int64_t origin_ms) {
    sl_processor_t *p = opaque;
    p->stats.written++;
    if (origin_ms > 0) {
        int64_t d = p->step.wall_ms - origin_ms;
        sl_hist_observe(&p->stats.e2e, d > 0 ? (double)d / 1000.0 : 0.0);
    }
    complete(p, cookie_partition(cookie), cookie_offset(cookie), p->step.mono_us);
}

static void on_dlq_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    sl_processor_t *p = opaque;
    uint64_t cookie = (uint64_t)(uintptr_t)m->_private;
    p->dlq_in_flight--;
    p->dlq_bytes -= (int64_t)(m->len + m->key_len);
    if (m->err) {
        /* The producer retries by itself without a message timeout, so an error here is
         * permanent (too large, not authorized). Not committing past it is all we can do. */
        p->stats.dlq_failed++;
        set_fatal(p, SL_PROCESSOR_ERR_DEAD_LETTER,
                  "dead-letter of %s partition %" PRId32 " offset %" PRId64 " failed: %s",
                  p->conf.topic, cookie_partition(cookie), cookie_offset(cookie),
                  rd_kafka_err2str(m->err));
        return;
    }
    p->stats.dead_lettered++;
    sl_reject_t r = cookie_reason(cookie);
    if ((int)r < SL_REJECT_COUNT)
        p->stats.dead_by_reason[r]++;
    complete(p, cookie_partition(cookie), cookie_offset(cookie), sl_now_us());
}

/* ---- dispatch -------------------------------------------------------------------- */

static sl_processor_err_t new_producer(sl_processor_t *p, char *errstr, size_t n);

static void dead_letter(sl_processor_t *p, const rd_kafka_message_t *m, sl_reject_t reason,
                        sl_field_t field) {
    if (!p->dlq) {
        /* Made on the first dead letter: a second handle's threads and buffers cost memory
         * that a clean topic never needs. Its configuration was checked at start. */
        char why[512];
        if (new_producer(p, why, sizeof why) != SL_PROCESSOR_ERR_OK) {
            set_fatal(p, SL_PROCESSOR_ERR_KAFKA, "the dead-letter producer: %s", why);
            return;
        }
    }
    char part[16], off[24];
    snprintf(part, sizeof part, "%" PRId32, m->partition);
    snprintf(off, sizeof off, "%" PRId64, m->offset);
    const char *rname = sl_reject_name(reason);
    const char *fname = sl_field_name(field);
    rd_kafka_headers_t *h = rd_kafka_headers_new(5);
    rd_kafka_header_add(h, "source.topic", -1, p->conf.topic, -1);
    rd_kafka_header_add(h, "source.partition", -1, part, -1);
    rd_kafka_header_add(h, "source.offset", -1, off, -1);
    rd_kafka_header_add(h, "reason", -1, rname, -1);
    if (*fname)
        rd_kafka_header_add(h, "field", -1, fname, -1);
    uint64_t cookie = make_cookie(reason, m->partition, m->offset);
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p->dlq, RD_KAFKA_V_TOPIC(p->conf.dlq_topic), RD_KAFKA_V_KEY(m->key, m->key_len),
            RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_HEADERS(h),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE((void *)(uintptr_t)cookie),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            p->dlq_in_flight++;
            p->dlq_bytes += (int64_t)(m->len + m->key_len);
            return; /* the producer owns h now */
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_headers_destroy(h);
            p->stats.dlq_failed++;
            set_fatal(p, SL_PROCESSOR_ERR_DEAD_LETTER, "dead-letter produce to %s failed: %s",
                      p->conf.dlq_topic, rd_kafka_err2str(err));
            return;
        }
        rd_kafka_poll(p->dlq, 50);
    }
}

/* Decodes m into p->rec / p->rec_reject / p->rec_field. Returns 0, or 1 when the decode
 * step says to try again later (the partition waits; nothing is tracked) or failed for
 * good (fatal). */
static int decode(sl_processor_t *p, part_t *pt, const rd_kafka_message_t *m) {
    if (pt->decode_after_ms && sl_now_ms() < pt->decode_after_ms)
        return 1;
    char why[512] = "";
    p->rec_field = SL_FIELD_NONE;
    p->rec_reject = SL_REJECT_NONE;
    sl_processor_decode_t d = p->conf.decode(
        p->conf.decode_opaque, m->payload, m->payload ? m->len : 0, &p->rec, p->scratch,
        sizeof p->scratch, &p->rec_reject, &p->rec_field, why, sizeof why);
    if (d == SL_PROCESSOR_DECODE_WAIT) {
        uint64_t ms = sl_backoff_next_ms(&p->decode_backoff, pt->decode_waits++);
        pt->decode_after_ms = sl_now_ms() + (int64_t)ms;
        p->stats.decode_waits++;
        LOG(p, SL_LOG_WARN, "partition %" PRId32 " offset %" PRId64 " waits %" PRIu64 " ms: %s",
            m->partition, m->offset, ms, why);
        return 1;
    }
    if (pt->decode_waits)
        LOG(p, SL_LOG_INFO, "partition %" PRId32 " offset %" PRId64 " decoded again", m->partition,
            m->offset);
    pt->decode_waits = 0;
    pt->decode_after_ms = 0;
    if (d == SL_PROCESSOR_DECODE_FATAL) {
        set_fatal(p, SL_PROCESSOR_ERR_DECODE, "partition %" PRId32 " offset %" PRId64 ": %s",
                  m->partition, m->offset, why);
        return 1;
    }
    if (d == SL_PROCESSOR_DECODE_OK)
        p->rec_reject = SL_REJECT_NONE;
    else if (p->rec_reject == SL_REJECT_NONE)
        p->rec_reject = SL_REJECT_NOT_JSON; /* a step that rejects without a reason */
    return 0;
}

/* The message, decoded by decode() and tracked, to the writer or the dead-letter topic.
 * Frees nothing. */
static void dispatch(sl_processor_t *p, const rd_kafka_message_t *m) {
    if (p->stats.consumed++ == 0)
        p->stats.first_message_us = sl_now_us();
    const sl_record_t rec = p->rec;
    if (p->rec_reject != SL_REJECT_NONE) {
        dead_letter(p, m, p->rec_reject, p->rec_field);
        return;
    }
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    int untimestamped = ts < 0 || ts > SL_WRITER_MAX_KAFKA_MS;
    p->stats.untimestamped += (uint64_t)untimestamped;
    /* the wall clock only for a message without a usable timestamp */
    int64_t write_us = sl_writer_timestamp_us(ts, m->offset, untimestamped ? sl_wall_us() : 0);
    sl_writer_err_t err = sl_writer_submit(
        p->writer, &rec, make_cookie(SL_REJECT_NONE, m->partition, m->offset), ts, write_us);
    if (err != SL_WRITER_ERR_OK) {
        const char *why = sl_writer_fatal(p->writer);
        set_fatal(p, SL_PROCESSOR_ERR_CASSANDRA, "writer refused a record: %s",
                  why ? why : sl_writer_err_str(err));
    }
}

static int hold(part_t *pt, rd_kafka_message_t *m) {
    if (pt->held_head + pt->n_held == pt->cap_held) {
        if (pt->held_head > 0) {
            memmove(pt->held, pt->held + pt->held_head, pt->n_held * sizeof *pt->held);
            pt->held_head = 0;
        } else {
            size_t cap = pt->cap_held ? pt->cap_held * 2 : 64;
            rd_kafka_message_t **n = realloc(pt->held, cap * sizeof *n);
            if (!n)
                return -1;
            pt->held = n;
            pt->cap_held = cap;
        }
    }
    pt->held[pt->held_head + pt->n_held++] = m;
    return 0;
}

static int no_room(const sl_processor_t *p) {
    return sl_writer_room(p->writer) == 0 || p->dlq_in_flight >= DLQ_MAX_IN_FLIGHT ||
           p->dlq_bytes >= (int64_t)p->conf.dlq_buffer_kbytes * 1024;
}

/* Tracks and dispatches a message if its partition's window and the writer have room;
 * returns 0 when it was taken (and destroyed), 1 when it must wait. */
static int try_take(sl_processor_t *p, part_t *pt, rd_kafka_message_t *m) {
    if (no_room(p))
        return 1;
    if (decode(p, pt, m) != 0)
        return 1;
    sl_watermark_result_t r = sl_watermark_track(pt->wm, m->offset);
    if (r == SL_WATERMARK_FULL)
        return 1;
    if (pt->first_tracked < 0)
        pt->first_tracked = m->offset;
    if (r == SL_WATERMARK_BACKWARDS) {
        pt->first_tracked = m->offset;
        /* A rewind (seek or offset reset): forget the old run and start over here. */
        LOG(p, SL_LOG_WARN, "partition %" PRId32 " went back to offset %" PRId64, m->partition,
            m->offset);
        sl_watermark_reset(pt->wm);
        sl_watermark_track(pt->wm, m->offset);
    }
    dispatch(p, m);
    rd_kafka_message_destroy(m);
    return 0;
}

static void handle_message(sl_processor_t *p, rd_kafka_message_t *m, int64_t now) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF && part_ok(m->partition) &&
        p->parts[m->partition].state == PART_ACTIVE)
        p->parts[m->partition].at_end = 1; /* whatever the start position: caught up */
    if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            p->stats.kafka_errors++;
            LOG(p, SL_LOG_WARN, "consumer: %s", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        return;
    }
    if (!part_ok(m->partition)) {
        set_fatal(p, SL_PROCESSOR_ERR_LIMIT, "partition %" PRId32 " is beyond the supported %d",
                  m->partition, SL_PROCESSOR_MAX_PARTITIONS);
        rd_kafka_message_destroy(m);
        return;
    }
    part_t *pt = &p->parts[m->partition];
    if (pt->state != PART_ACTIVE) {
        /* Revoked (the next owner reads it again) or left over from an old assignment. */
        rd_kafka_message_destroy(m);
        return;
    }
    p->stats.position[m->partition] = m->offset + 1;
    p->bytes_consumed += m->len;
    pt->at_end = 0;
    p->last_activity_ms = now;
    if (pt->n_held > 0 || try_take(p, pt, m) != 0) {
        if (hold(pt, m) != 0) {
            set_fatal(p, SL_PROCESSOR_ERR_NOMEM, "out of memory holding messages");
            rd_kafka_message_destroy(m);
        }
    }
}

static void drain_held(sl_processor_t *p) {
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        part_t *pt = &p->parts[i];
        while (pt->n_held > 0 && !p->fatal[0]) {
            if (try_take(p, pt, pt->held[pt->held_head]) != 0)
                break;
            pt->held_head++;
            pt->n_held--;
        }
        if (pt->n_held == 0)
            pt->held_head = 0;
    }
}

static void drop_held(part_t *pt) {
    for (size_t i = 0; i < pt->n_held; i++)
        rd_kafka_message_destroy(pt->held[pt->held_head + i]);
    pt->n_held = pt->held_head = 0;
}

/* ---- pauses ---------------------------------------------------------------------- */

/* A partition is paused while it is being revoked, while it holds messages it could not
 * dispatch, or when the writer has been full for pause_after_ms. Only the last costs a
 * refetch: librdkafka drops a paused partition's prefetch, so a briefly full writer just
 * stops consumption instead. */
static int want_paused(const sl_processor_t *p, const part_t *pt, int64_t now) {
    if (pt->state == PART_REVOKING)
        return 1;
    int writer_stuck = p->blocked_since_ms && now - p->blocked_since_ms >= p->conf.pause_after_ms;
    return writer_stuck || pt->n_held > 0;
}

static void adjust_pauses(sl_processor_t *p, int64_t now) {
    rd_kafka_topic_partition_list_t *pause = NULL, *resume = NULL;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        part_t *pt = &p->parts[i];
        if (pt->state == PART_FREE)
            continue;
        int want = want_paused(p, pt, now);
        if (want == pt->paused)
            continue;
        rd_kafka_topic_partition_list_t **l = want ? &pause : &resume;
        if (!*l)
            *l = rd_kafka_topic_partition_list_new(8);
        rd_kafka_topic_partition_list_add(*l, p->conf.topic, i);
        pt->paused = want;
    }
    if (pause) {
        rd_kafka_pause_partitions(p->consumer, pause);
        p->stats.paused_events++;
        rd_kafka_topic_partition_list_destroy(pause);
    }
    if (resume) {
        rd_kafka_resume_partitions(p->consumer, resume);
        rd_kafka_topic_partition_list_destroy(resume);
    }
    if (pause || resume)
        recount(p);
}

/* ---- commits --------------------------------------------------------------------- */

/* What the broker said about a commit request (from on_commit, or a synchronous commit). */
static void commit_result(sl_processor_t *p, rd_kafka_resp_err_t err,
                          const rd_kafka_topic_partition_list_t *offsets) {
    int failed = 0;
    for (int i = 0; offsets && i < offsets->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &offsets->elems[i];
        if (!part_ok(tp->partition))
            continue;
        part_t *pt = &p->parts[tp->partition];
        if (err || tp->err) {
            /* Send it again with the next commit. */
            pt->commit_sent = p->stats.committed[tp->partition];
            failed = 1;
            rd_kafka_resp_err_t why = err ? err : tp->err;
            /* Refused while the group syncs: expected in a rebalance, and sent again. */
            LOG(p, why == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ? SL_LOG_INFO : SL_LOG_WARN,
                "commit of partition %" PRId32 " offset %" PRId64 " failed: %s", tp->partition,
                tp->offset, rd_kafka_err2str(why));
        } else if (tp->offset >= 0) {
            p->stats.committed[tp->partition] = tp->offset;
        }
    }
    if (failed || (err && !offsets))
        p->stats.commit_failures++;
}

static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque) {
    (void)rk;
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
        return;
    commit_result(opaque, err, offsets);
}

/* Commits every owned partition whose watermark moved (only those in `only`, when not
 * NULL). Asynchronous unless sync: the result comes to on_commit. */
static void commit(sl_processor_t *p, int sync, const rd_kafka_topic_partition_list_t *only) {
    rd_kafka_topic_partition_list_t *l = NULL;
    for (int n = 0; n < (only ? only->cnt : SL_PROCESSOR_MAX_PARTITIONS); n++) {
        int32_t i = only ? only->elems[n].partition : n;
        if (!part_ok(i))
            continue;
        part_t *pt = &p->parts[i];
        if (pt->state == PART_FREE || !pt->wm)
            continue;
        int64_t off = sl_watermark_commit_offset(pt->wm);
        /* Nothing done yet (off is where it started) is not worth a commit: during a
         * rebalance a commit with an old generation costs the whole assignment. */
        if (off < 0 || off <= pt->commit_sent || off <= pt->first_tracked)
            continue;
        if (!l)
            l = rd_kafka_topic_partition_list_new(8);
        rd_kafka_topic_partition_list_add(l, p->conf.topic, i)->offset = off;
        pt->commit_sent = off;
    }
    if (!l)
        return;
    p->stats.commits++;
    rd_kafka_resp_err_t err = rd_kafka_commit(p->consumer, l, !sync);
    if (sync || err)
        commit_result(p, err, l);
    rd_kafka_topic_partition_list_destroy(l);
}

/* ---- the group's committed offsets: the lag base and the idle check ------------------ */

static void lookup_done(sl_processor_t *p, rd_kafka_event_t *ev) {
    const rd_kafka_ListConsumerGroupOffsets_result_t *res =
        rd_kafka_event_ListConsumerGroupOffsets_result(ev);
    size_t n = 0;
    const rd_kafka_group_result_t **groups =
        res ? rd_kafka_ListConsumerGroupOffsets_result_groups(res, &n) : NULL;
    const rd_kafka_error_t *gerr = n == 1 ? rd_kafka_group_result_error(groups[0]) : NULL;
    if (rd_kafka_event_error(ev) || n != 1 || gerr) {
        p->stats.kafka_errors++;
        p->lookup_after_ms = sl_now_ms() + LOOKUP_RETRY_MS;
        LOG(p, SL_LOG_WARN, "looking up the committed offsets of %s: %s; will retry", p->conf.group,
            gerr ? rd_kafka_error_string(gerr)
                 : (rd_kafka_event_error(ev) ? rd_kafka_event_error_string(ev) : "no result"));
        return;
    }
    const rd_kafka_topic_partition_list_t *l = rd_kafka_group_result_partitions(groups[0]);
    for (int i = 0; l && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &l->elems[i];
        if (!part_ok(tp->partition) || tp->err)
            continue;
        part_t *pt = &p->parts[tp->partition];
        if (pt->state == PART_FREE || !pt->want_committed)
            continue;
        pt->want_committed = 0;
        /* Our own commits, if any went out meanwhile, are newer. */
        if (tp->offset >= 0 && p->stats.committed[tp->partition] < 0) {
            p->stats.committed[tp->partition] = tp->offset;
            if (pt->commit_sent < tp->offset)
                pt->commit_sent = tp->offset;
        }
    }
}

/* Asks, asynchronously through the consumer, for the group's committed offsets of
 * partitions (NULL: all); the result event goes to q. partitions is copied. */
static void list_group_offsets(sl_processor_t *p, const rd_kafka_topic_partition_list_t *partitions,
                               rd_kafka_queue_t *q) {
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(p->conf.group, partitions);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(p->consumer, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    rd_kafka_AdminOptions_set_request_timeout(opts, LOOKUP_TIMEOUT_MS, NULL, 0);
    rd_kafka_ListConsumerGroupOffsets(p->consumer, &req, 1, opts, q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
}

/* ---- Kafka down and up again -------------------------------------------------------- */

/* librdkafka's error callback of both handles (on the loop's thread, from their polls).
 * Without one it logs every error under "ERROR", after its own "FAIL" line for the same
 * broker failure: a connection error is left to that line, "all brokers down" is said once
 * until a broker answers again (see probe_kafka()), anything else is logged as an error. */
static void on_kafka_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    sl_processor_t *p = opaque;
    if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE)
        return;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
        if (!p->down.since_ms) {
            LOG(p, SL_LOG_WARN, "Kafka at %s: %s (%s); reconnecting", p->conf.brokers, reason,
                rd_kafka_name(rk));
            p->down.since_ms = sl_now_ms();
        }
        return;
    }
    LOG(p, SL_LOG_ERROR, "Kafka (%s): %s: %s", rd_kafka_name(rk), rd_kafka_err2name(err), reason);
}

/* A broker answered: the outage, if librdkafka reported one, is over (logged once). */
static void kafka_answers(sl_processor_t *p) {
    if (p->down.since_ms)
        LOG(p, SL_LOG_INFO, "Kafka at %s answers again (after %.1f s down)", p->conf.brokers,
            (double)(sl_now_ms() - p->down.since_ms) / 1000.0);
    p->down.since_ms = 0;
}

/* While every broker is down: once a second, a metadata request that waits at most
 * PROBE_MS (the loop's only wait on Kafka, and only then); the first one answered ends the
 * outage. Not an asynchronous admin request: librdkafka 2.0 can abort on one whose broker
 * goes away while it waits (rd_kafka_enq_once_del_source_return). */
static void probe_kafka(sl_processor_t *p, int64_t now) {
    if (!p->down.since_ms || now < p->down.next_probe_ms)
        return;
    p->down.next_probe_ms = now + 1000;
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(p->consumer, 0, NULL, &md, PROBE_MS) != RD_KAFKA_RESP_ERR_NO_ERROR)
        return;
    rd_kafka_metadata_destroy(md);
    kafka_answers(p);
}

/* Serves the lookup in flight and starts one for newly assigned partitions. Asynchronous
 * (the admin API on the consumer's connection), so the loop never waits for it. */
static void serve_lookups(sl_processor_t *p) {
    rd_kafka_event_t *ev;
    while ((ev = rd_kafka_queue_poll(p->lookups, 0)) != NULL) {
        p->lookup_in_flight = 0;
        lookup_done(p, ev);
        rd_kafka_event_destroy(ev);
    }
    if (p->lookup_in_flight || sl_now_ms() < p->lookup_after_ms)
        return;
    rd_kafka_topic_partition_list_t *l = NULL;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (p->parts[i].state != PART_ACTIVE || !p->parts[i].want_committed)
            continue;
        if (!l)
            l = rd_kafka_topic_partition_list_new(8);
        rd_kafka_topic_partition_list_add(l, p->conf.topic, i);
    }
    if (!l)
        return;
    list_group_offsets(p, l, p->lookups);
    rd_kafka_topic_partition_list_destroy(l);
    p->lookup_in_flight = 1;
}

/* ---- rebalance: the callback records, the loop acts --------------------------------- */

static int cooperative(rd_kafka_t *rk) {
    const char *proto = rd_kafka_rebalance_protocol(rk);
    return proto && strcmp(proto, "COOPERATIVE") == 0;
}

/* Counts, logs and destroys the outcome of an assign or unassign call; -1 if it failed. */
static int assign_outcome(sl_processor_t *p, const char *what, rd_kafka_error_t *error,
                          rd_kafka_resp_err_t err) {
    if (!error && !err)
        return 0;
    p->stats.rebalance_errors++;
    LOG(p, SL_LOG_ERROR, "%s failed: %s", what,
        error ? rd_kafka_error_string(error) : rd_kafka_err2str(err));
    if ((error && rd_kafka_error_is_fatal(error)) || err == RD_KAFKA_RESP_ERR__FATAL)
        set_fatal(p, SL_PROCESSOR_ERR_KAFKA, "consumer: %s failed for good", what);
    if (error)
        rd_kafka_error_destroy(error);
    return -1;
}

/* Gives partitions back to librdkafka: the revoked ones (cooperative) or all (eager). */
static void unassign(sl_processor_t *p, const rd_kafka_topic_partition_list_t *parts, int coop) {
    if (coop)
        assign_outcome(p, "incremental unassign", rd_kafka_incremental_unassign(p->consumer, parts),
                       RD_KAFKA_RESP_ERR_NO_ERROR);
    else
        assign_outcome(p, "unassign", NULL, rd_kafka_assign(p->consumer, NULL));
}

/* Forgets partitions at once: held messages, watermark, state. Nothing is committed. */
static void release(sl_processor_t *p, part_t *pt) {
    drop_held(pt);
    if (pt->wm)
        sl_watermark_reset(pt->wm);
    pt->state = PART_FREE;
    pt->paused = 0;
    pt->want_committed = 0;
    pt->first_tracked = -1;
}

static void take_assignment(sl_processor_t *p, rd_kafka_topic_partition_list_t *parts) {
    for (int i = 0; i < parts->cnt; i++) {
        int32_t id = parts->elems[i].partition;
        if (!part_ok(id)) {
            set_fatal(p, SL_PROCESSOR_ERR_LIMIT,
                      "assigned partition %" PRId32 " is beyond the supported %d", id,
                      SL_PROCESSOR_MAX_PARTITIONS);
            continue;
        }
        part_t *pt = &p->parts[id];
        if (!pt->wm)
            pt->wm = sl_watermark_new(p->conf.partition_window);
        else
            sl_watermark_reset(pt->wm);
        if (!pt->wm) {
            set_fatal(p, SL_PROCESSOR_ERR_NOMEM, "out of memory for a partition window");
            continue;
        }
        pt->state = PART_ACTIVE;
        pt->paused = 0;
        pt->at_end = 0;
        pt->commit_sent = -1;
        pt->first_tracked = -1;
        pt->want_committed = 1;
        p->stats.committed[id] = -1;
    }
    p->ever_assigned = 1;
    p->last_activity_ms = sl_now_ms();
    /* librdkafka keeps a partition's application pause across unassign and assign: make it
     * agree with paused = 0. */
    rd_kafka_resume_partitions(p->consumer, parts);
    LOG(p, SL_LOG_INFO, "assigned %d partition(s) of %s", parts->cnt, p->conf.topic);
}

/* Revoked for a rebalance: nothing new is taken from these; the loop drains, commits and
 * unassigns them (finish_revoke). An empty eager revoke has nothing to wait for. */
static void begin_revoke(sl_processor_t *p, const rd_kafka_topic_partition_list_t *parts,
                         int coop) {
    int n = 0;
    for (int i = 0; i < parts->cnt; i++) {
        int32_t id = parts->elems[i].partition;
        if (part_ok(id) && p->parts[id].state == PART_ACTIVE) {
            p->parts[id].state = PART_REVOKING;
            drop_held(&p->parts[id]);
            n++;
        }
    }
    LOG(p, SL_LOG_INFO, "revoked %d partition(s) of %s; draining them", parts->cnt, p->conf.topic);
    if (n == 0 && !p->revoke.pending) {
        unassign(p, parts, coop);
        return;
    }
    if (!p->revoke.pending)
        p->revoke.deadline_ms = sl_now_ms() + p->conf.drain_timeout_ms;
    p->revoke.pending = 1;
    p->revoke.cooperative = coop;
}

/* Lost (another member may own them already), closing (already committed), or a
 * rebalance error: drop their work at once and give them up. */
static void give_up(sl_processor_t *p, rd_kafka_resp_err_t err,
                    rd_kafka_topic_partition_list_t *parts, int coop) {
    int lost = err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !p->closing;
    int n = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        int in_list = !coop || err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS ||
                      rd_kafka_topic_partition_list_find(parts, p->conf.topic, i);
        if (p->parts[i].state != PART_FREE && in_list) {
            release(p, &p->parts[i]);
            n++;
        }
    }
    if (lost) {
        p->stats.partitions_lost += (uint64_t)n;
        LOG(p, SL_LOG_WARN,
            "assignment of %d partition(s) of %s lost; their uncommitted work is dropped", n,
            p->conf.topic);
    } else if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        p->stats.rebalance_errors++;
        LOG(p, SL_LOG_ERROR, "rebalance failed: %s", rd_kafka_err2str(err));
    }
    /* A revoke still pending is settled by this unassign (eager), or stays for
     * finish_revoke while some of its partitions are left (cooperative). */
    int revoking = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++)
        revoking += p->parts[i].state == PART_REVOKING;
    if (!coop || err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || revoking == 0)
        p->revoke.pending = 0;
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
        unassign(p, parts, coop);
    else
        assign_outcome(p, "unassign", NULL, rd_kafka_assign(p->consumer, NULL));
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque) {
    sl_processor_t *p = opaque;
    int coop = cooperative(rk);
    p->stats.rebalances++;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        take_assignment(p, parts);
        int failed =
            coop ? assign_outcome(p, "incremental assign", rd_kafka_incremental_assign(rk, parts),
                                  RD_KAFKA_RESP_ERR_NO_ERROR)
                 : assign_outcome(p, "assign", NULL, rd_kafka_assign(rk, parts));
        for (int i = 0; failed && i < parts->cnt; i++) {
            if (part_ok(parts->elems[i].partition))
                release(p, &p->parts[parts->elems[i].partition]);
        }
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !p->closing &&
               !rd_kafka_assignment_lost(rk)) {
        begin_revoke(p, parts, coop);
    } else {
        give_up(p, err, parts, coop);
    }
    recount(p);
}

/* Offsets in flight of the owned partitions, or of the revoking ones only. */
static size_t in_flight_of(const sl_processor_t *p, int revoking_only) {
    size_t n = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        if (pt->state != PART_FREE && pt->wm && (!revoking_only || pt->state == PART_REVOKING))
            n += sl_watermark_in_flight(pt->wm);
    }
    return n;
}

/* Whether the broker confirmed, for every revoking partition, the commit of all that is
 * done there. */
static int revoke_committed(const sl_processor_t *p) {
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        if (pt->state != PART_REVOKING || !pt->wm)
            continue;
        int64_t off = sl_watermark_commit_offset(pt->wm);
        if (off > pt->first_tracked && p->stats.committed[i] < off)
            return 0;
    }
    return 1;
}

/* The loop's half of a revoke: once the revoked partitions' work is done, commit it and
 * wait for the broker to confirm (a refused commit goes out again: Kafka refuses commits
 * until every member has synced), then forget the partitions and unassign. Kafka waits
 * for a member's rejoin up to the rebalance timeout (max.poll.interval.ms), far beyond
 * --drain-timeout. At the drain deadline (or when stopping, or fatal) it unassigns whatever
 * the state: what is not committed is read again by the next owner. */
static void finish_revoke(sl_processor_t *p, int force) {
    if (!p->revoke.pending)
        return;
    int64_t now = sl_now_ms();
    int late = force || now >= p->revoke.deadline_ms || p->fatal[0];
    size_t left = in_flight_of(p, 1);
    if (left > 0 && !late)
        return;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (p->parts[i].state == PART_REVOKING)
            rd_kafka_topic_partition_list_add(l, p->conf.topic, i);
    }
    commit(p, 0, l); /* what is done and not sent yet, or refused */
    int confirmed = revoke_committed(p);
    if (!confirmed && !late) {
        rd_kafka_topic_partition_list_destroy(l);
        return;
    }
    if (left > 0 || !confirmed)
        LOG(p, SL_LOG_WARN,
            "revoked partitions given up with %zu message(s) in flight and their commit %s; "
            "what is not committed will be read again",
            left, confirmed ? "confirmed" : "not confirmed");
    for (int i = 0; i < l->cnt; i++)
        release(p, &p->parts[l->elems[i].partition]);
    p->revoke.pending = 0;
    unassign(p, l, p->revoke.cooperative);
    LOG(p, SL_LOG_INFO, "handed over %d revoked partition(s) of %s", l->cnt, p->conf.topic);
    rd_kafka_topic_partition_list_destroy(l);
    recount(p);
}

/* ---- the loop -------------------------------------------------------------------- */

static void drain_pipe(int fd) {
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0) {
    }
}

/* Waits for any source of work, bounded by timeout_ms, then steps CQL and the writer and
 * serves delivery reports. */
static void wait_and_step(sl_processor_t *p, int timeout_ms) {
    cql_session_flush(p->session); /* this turn's writes, in one send per connection */
    int64_t t = cql_session_timeout_ms(p->session);
    if (t >= 0 && t < timeout_ms)
        timeout_ms = (int)t;
    t = sl_writer_next_timer_ms(p->writer);
    if (t >= 0 && t < timeout_ms)
        timeout_ms = (int)t;
    struct pollfd fds[3] = {
        {.fd = p->consumer_pipe[0], .events = POLLIN},
        {.fd = p->dlq_pipe[0], .events = POLLIN},
        {.fd = cql_session_fd(p->session), .events = POLLIN},
    };
    if (poll(fds, fds[2].fd >= 0 ? 3 : 2, timeout_ms) > 0) {
        if (fds[0].revents)
            drain_pipe(p->consumer_pipe[0]);
        if (fds[1].revents)
            drain_pipe(p->dlq_pipe[0]);
    }
    cql_session_step(p->session);
    p->step.mono_us = sl_now_us();
    p->step.wall_ms = sl_wall_ms();
    sl_writer_step(p->writer);
    if (p->dlq)
        rd_kafka_poll(p->dlq, 0);
}

static void refresh_lag(sl_processor_t *p) {
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (p->parts[i].state == PART_FREE)
            continue;
        int64_t lo, hi;
        if (rd_kafka_get_watermark_offsets(p->consumer, p->conf.topic, i, &lo, &hi) == 0)
            p->stats.high_watermark[i] = hi;
    }
}

/* Nothing held or in flight, no revoke pending, and every assigned partition at its end:
 * the fetcher said so (a partition-EOF event, whatever the start position, e.g. a new
 * group with auto.offset.reset=latest), or its fetch position has reached its high
 * watermark as last reported by the broker. */
static int caught_up(sl_processor_t *p) {
    if (p->dlq_in_flight != 0 || p->revoke.pending)
        return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        if (pt->state == PART_FREE)
            continue;
        if (pt->n_held || (pt->wm && sl_watermark_in_flight(pt->wm))) {
            rd_kafka_topic_partition_list_destroy(l);
            return 0;
        }
        rd_kafka_topic_partition_list_add(l, p->conf.topic, i);
    }
    int done = l->cnt > 0 && rd_kafka_position(p->consumer, l) == RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int i = 0; done && i < l->cnt; i++) {
        int64_t lo, hi;
        const rd_kafka_topic_partition_t *tp = &l->elems[i];
        if (p->parts[tp->partition].at_end)
            continue;
        /* No position until a message was returned: a member that finds nothing left
         * stands at the committed offset. */
        int64_t at = tp->offset >= 0 ? tp->offset : p->stats.committed[tp->partition];
        if (rd_kafka_get_watermark_offsets(p->consumer, p->conf.topic, tp->partition, &lo, &hi) !=
                RD_KAFKA_RESP_ERR_NO_ERROR ||
            hi < 0 || (at < 0 ? hi != 0 : at < hi))
            done = 0;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return done;
}

/* The first partition, round robin from p->wakeup_next, that is assigned and not paused;
 * -1 for none. */
static int32_t partition_to_wake(sl_processor_t *p) {
    for (int n = 0; n < SL_PROCESSOR_MAX_PARTITIONS; n++) {
        int32_t i = (p->wakeup_next + n) % SL_PROCESSOR_MAX_PARTITIONS;
        if (p->parts[i].state == PART_ACTIVE && !p->parts[i].paused) {
            p->wakeup_next = (i + 1) % SL_PROCESSOR_MAX_PARTITIONS;
            return i;
        }
    }
    return -1;
}

/* Wakes the fetcher (sl_fetch_wakeup.h) at most every fetch_wakeup_ms while the consumer
 * queue holds less than half the prefetch (in messages of the mean size consumed so far)
 * after it held more within the last FETCH_RECHECK_MS: the fetcher may have stopped at the
 * cap, and librdkafka would look again only that long after. Not otherwise: a request
 * while the fetcher runs (a live topic at a low rate) only delays it (measured: half-rate
 * p50 19 -> 120 ms when woken whenever a partition lagged). Returns how long the loop may
 * wait before it should look again (ms). */
static int wake_fetcher(sl_processor_t *p, int64_t now) {
    if (!p->wakeup)
        return 100;
    uint64_t mean = p->stats.consumed ? p->bytes_consumed / p->stats.consumed : 0;
    size_t low = (size_t)p->conf.prefetch_kbytes * 512 / (mean > 64 ? mean : 64);
    if (rd_kafka_queue_length(p->cq) >= low) {
        p->queue_full_ms = now;
        return 100;
    }
    if (!p->queue_full_ms || now - p->queue_full_ms >= FETCH_RECHECK_MS)
        return 100;
    int64_t left = p->last_wakeup_ms + p->conf.fetch_wakeup_ms - now;
    if (left > 0)
        return (int)left;
    int32_t part = partition_to_wake(p);
    if (part < 0)
        return 100;
    p->last_wakeup_ms = now;
    sl_fetch_wakeup_signal(p->wakeup, part);
    p->stats.fetch_wakeups++;
    return p->conf.fetch_wakeup_ms;
}

/* Consumes a batch sized to the writer's free slots. Returns how many it asked for. */
static size_t consume(sl_processor_t *p, int blocked, int64_t now) {
    rd_kafka_message_t *batch[CONSUME_BATCH];
    size_t room = sl_writer_room(p->writer);
    size_t want = room < CONSUME_BATCH ? room : CONSUME_BATCH;
    if (p->conf.max_messages > 0) {
        int64_t left = p->conf.max_messages - (int64_t)p->stats.consumed;
        if ((int64_t)want > left)
            want = left > 0 ? (size_t)left : 1;
    }
    if (want == 0)
        want = 1;
    /* No room: take nothing for now. Once the writer is stuck and every partition is
     * paused, a poll still serves rebalances and keeps this member in the group; anything
     * it returns is held. */
    ssize_t n = 0;
    if (!blocked || (p->blocked_since_ms && now - p->blocked_since_ms >= p->conf.pause_after_ms))
        n = rd_kafka_consume_batch_queue(p->cq, 0, batch, want);
    for (ssize_t i = 0; i < n; i++)
        handle_message(p, batch[i], now);
    p->more_queued = n > 0 && (size_t)n == want;
    return want;
}

/* Writes pending and none acknowledged for stall_after_ms (a hung or unreachable
 * Cassandra): stalled, logged when it starts and when it ends. */
static void watch_writes(sl_processor_t *p, int64_t now) {
    int64_t oldest = sl_writer_oldest_ms(p->writer);
    int64_t last_ok = sl_writer_last_ok_ms(p->writer);
    p->stats.oldest_pending_ms = oldest >= 0 ? now - oldest : 0;
    int64_t quiet = now - (oldest > last_ok ? oldest : last_ok);
    int stalled = oldest >= 0 && quiet >= p->conf.stall_after_ms;
    if (stalled && !p->stats.stalled) {
        p->stats.stalls++;
        p->stalled_since_ms = now;
        LOG(p, SL_LOG_WARN,
            "writes stalled: none acknowledged by Cassandra for %.1f s with %zu pending (%zu "
            "backing off); %d partition(s) paused",
            (double)quiet / 1000.0, sl_writer_in_flight(p->writer),
            sl_writer_backing_off(p->writer), p->stats.paused);
    } else if (!stalled && p->stats.stalled) {
        LOG(p, SL_LOG_INFO, "writes acknowledged again after %.1f s stalled",
            (double)(now - p->stalled_since_ms) / 1000.0);
    }
    p->stats.stalled = stalled;
}

/* Partitions held up by the decode step: their first held message got WAIT and has not
 * decoded since (a revoked or lost partition drops its held messages). */
static void count_decode_waiting(sl_processor_t *p) {
    int n = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        n += pt->state != PART_FREE && pt->n_held > 0 && pt->decode_waits > 0;
    }
    p->stats.decode_waiting = n;
}

/* Whether a stop condition holds: max_messages reached, or caught up and idle. */
static int should_stop(sl_processor_t *p, int64_t now) {
    if (p->conf.max_messages > 0 && (int64_t)p->stats.consumed >= p->conf.max_messages)
        return 1;
    if (p->conf.stop && *p->conf.stop)
        return 1;
    if (p->conf.idle_exit_ms > 0 && p->ever_assigned &&
        now - p->last_activity_ms >= p->conf.idle_exit_ms) {
        if (caught_up(p))
            return 1;
        p->last_activity_ms = now - p->conf.idle_exit_ms + TICK_MS; /* look again soon */
    }
    return 0;
}

int sl_processor_poll(sl_processor_t *p) {
    if ((p->conf.stop && *p->conf.stop) || p->fatal[0])
        return 0;
    if (p->conf.max_messages > 0 && (int64_t)p->stats.consumed >= p->conf.max_messages)
        return 0;
    if (sl_writer_fatal(p->writer)) {
        set_fatal(p, SL_PROCESSOR_ERR_CASSANDRA, "%s", sl_writer_fatal(p->writer));
        return 0;
    }
    finish_revoke(p, 0);
    serve_lookups(p);
    drain_held(p);
    int64_t now = sl_now_ms();
    int blocked = no_room(p);
    if (!blocked)
        p->blocked_since_ms = 0;
    else if (!p->blocked_since_ms)
        p->blocked_since_ms = now;
    adjust_pauses(p, now);

    size_t room = sl_writer_room(p->writer);
    size_t want = consume(p, blocked, now);
    int wait_ms = wake_fetcher(p, now);
    wait_and_step(p, p->more_queued && room > want ? 0 : wait_ms);

    now = sl_now_ms();
    if (now - p->last_commit_ms >= p->conf.commit_interval_ms) {
        commit(p, 0, NULL);
        p->last_commit_ms = now;
    }
    if (now - p->last_refresh_ms >= TICK_MS) {
        probe_kafka(p, now);
        refresh_lag(p);
        watch_writes(p, now);
        count_decode_waiting(p);
        p->last_refresh_ms = now;
    }
    return !p->fatal[0] && !should_stop(p, now);
}

/* Waits until a broker answers a metadata request: until start_timeout_ms (0: for ever) or
 * the stop flag, logging the first failure and every tenth. */
static sl_processor_err_t wait_for_kafka(sl_processor_t *p, char *errstr, size_t errstr_size) {
    int64_t start = sl_now_ms();
    for (unsigned attempt = 1;; attempt++) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err = rd_kafka_metadata(p->consumer, 0, NULL, &md, 1000);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_metadata_destroy(md);
            p->stats.kafka_reached = 1;
            kafka_answers(p);
            return SL_PROCESSOR_ERR_OK;
        }
        double waited = (double)(sl_now_ms() - start) / 1000.0;
        if (p->conf.stop && *p->conf.stop) {
            snprintf(errstr, errstr_size, "stopped before Kafka at %s answered (%.0f s): %s",
                     p->conf.brokers, waited, rd_kafka_err2str(err));
            return SL_PROCESSOR_ERR_KAFKA;
        }
        if (p->conf.start_timeout_ms > 0 && waited * 1000 >= p->conf.start_timeout_ms) {
            snprintf(errstr, errstr_size, "Kafka at %s did not answer within %.0f s: %s",
                     p->conf.brokers, waited, rd_kafka_err2str(err));
            return SL_PROCESSOR_ERR_KAFKA;
        }
        if (attempt % 10 == 1)
            LOG(p, SL_LOG_WARN, "Kafka at %s does not answer after %.0f s (%s); still trying",
                p->conf.brokers, waited, rd_kafka_err2str(err));
    }
}

sl_processor_err_t sl_processor_start(sl_processor_t *p, char *errstr, size_t errstr_size) {
    sl_processor_err_t kerr = wait_for_kafka(p, errstr, errstr_size);
    if (kerr != SL_PROCESSOR_ERR_OK)
        return kerr;
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, p->conf.topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(p->consumer, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (err) {
        snprintf(errstr, errstr_size, "subscribe to %s: %s", p->conf.topic, rd_kafka_err2str(err));
        return SL_PROCESSOR_ERR_KAFKA;
    }
    p->last_commit_ms = p->last_activity_ms = sl_now_ms();
    return SL_PROCESSOR_ERR_OK;
}

/* Steps until no partition has work in flight, or the drain timeout. Dead letters Kafka
 * refused never complete, so they are not waited for; nothing is once the writer is fatal. */
static int drain_all(sl_processor_t *p) {
    int64_t deadline = sl_now_ms() + p->conf.drain_timeout_ms;
    for (;;) {
        size_t left = in_flight_of(p, 0);
        if (left <= p->stats.dlq_failed)
            return left == 0 ? 0 : -1;
        if (sl_now_ms() >= deadline || sl_writer_fatal(p->writer)) {
            LOG(p, SL_LOG_WARN,
                "%zu message(s) still in flight after %d ms; they stay uncommitted and will "
                "be read again",
                left, p->conf.drain_timeout_ms);
            return -1;
        }
        wait_and_step(p, 50);
    }
}

sl_processor_err_t sl_processor_finish(sl_processor_t *p, char *errstr, size_t errstr_size) {
    /* Take nothing new, finish what is in flight, commit it, leave the group. */
    int drained = drain_all(p);
    int64_t flush_deadline = sl_now_ms() + p->conf.drain_timeout_ms;
    while (p->dlq_in_flight > 0 && sl_now_ms() < flush_deadline)
        rd_kafka_flush(p->dlq, 100);
    commit(p, 1, NULL);
    finish_revoke(p, 1);
    p->closing = 1;
    sl_fetch_wakeup_free(p->wakeup);
    p->wakeup = NULL;
    rd_kafka_consumer_close(p->consumer);
    refresh_lag(p);
    recount(p);
    if (p->fatal[0]) {
        snprintf(errstr, errstr_size, "%s", p->fatal);
        return p->fatal_err;
    }
    if (drained != 0 || p->dlq_in_flight > 0) {
        snprintf(errstr, errstr_size,
                 "stopped with %zu write(s) and %" PRId64
                 " dead-letter(s) unfinished; they were not committed",
                 sl_writer_in_flight(p->writer), p->dlq_in_flight);
        return SL_PROCESSOR_ERR_INCOMPLETE;
    }
    return SL_PROCESSOR_ERR_OK;
}

sl_processor_err_t sl_processor_run(sl_processor_t *p,
                                    void (*tick)(void *, const sl_processor_stats_t *),
                                    void *tick_opaque, char *errstr, size_t errstr_size) {
    sl_processor_err_t err = sl_processor_start(p, errstr, errstr_size);
    if (err != SL_PROCESSOR_ERR_OK)
        return err;
    int64_t last_tick = 0;
    while (sl_processor_poll(p)) {
        int64_t now = sl_now_ms();
        if (tick && now - last_tick >= TICK_MS) {
            tick(tick_opaque, &p->stats);
            last_tick = now;
        }
    }
    err = sl_processor_finish(p, errstr, errstr_size);
    if (tick)
        tick(tick_opaque, &p->stats);
    return err;
}

/* ---- construction ---------------------------------------------------------------- */

/* Sets one librdkafka property; CONFIG for a name or value it refuses. */
static int set(rd_kafka_conf_t *c, const char *k, const char *v, char *errstr, size_t n) {
    return rd_kafka_conf_set(c, k, v, errstr, n) == RD_KAFKA_CONF_OK ? 0 : -1;
}

/* The user's properties that apply to a handle of this type (sl_kafka_scope.h); for the
 * producer, the dead-letter-only ones after them. */
static int set_user_props(const sl_processor_conf_t *c, rd_kafka_conf_t *conf, rd_kafka_type_t type,
                          char *errstr, size_t n) {
    for (size_t i = 0; i < c->n_kafka_props; i++) {
        const char *k = c->kafka_props[2 * i];
        if (sl_kafka_scope_applies(k, type) && set(conf, k, c->kafka_props[2 * i + 1], errstr, n))
            return -1;
    }
    for (size_t i = 0; type == RD_KAFKA_PRODUCER && i < c->n_dlq_props; i++) {
        if (set(conf, c->dlq_props[2 * i], c->dlq_props[2 * i + 1], errstr, n) != 0)
            return -1;
    }
    return 0;
}

static rd_kafka_conf_t *base_conf(const sl_processor_conf_t *c, char *errstr, size_t n) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (c->kafka_log)
        rd_kafka_conf_set_log_cb(conf, c->kafka_log);
    if (set(conf, "bootstrap.servers", c->brokers, errstr, n) != 0) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

static int make_pipe(int fds[2]) {
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    return 0;
}

/* The consumer's configuration: ours, then the user's properties (which may override
 * ours). NULL with errstr filled when librdkafka refuses one. */
static rd_kafka_conf_t *consumer_conf(const sl_processor_conf_t *c, char *errstr, size_t n) {
    rd_kafka_conf_t *cc = base_conf(c, errstr, n);
    size_t kb = c->prefetch_kbytes ? c->prefetch_kbytes : PREFETCH_KB_DEFAULT;
    char queued[24], fetch[24], part[24];
    snprintf(queued, sizeof queued, "%zu", kb);
    snprintf(fetch, sizeof fetch, "%zu", kb * 1024);
    /* A quarter of the prefetch per partition: one response of several partitions
     * overshoots the threshold by less (a larger batch still comes, alone). */
    snprintf(part, sizeof part, "%zu", kb < 4096 ? kb * 256 : (size_t)1 << 20);
    if (cc && (set(cc, "group.id", c->group, errstr, n) ||
               set(cc, "enable.auto.commit", "false", errstr, n) ||
               set(cc, "enable.auto.offset.store", "false", errstr, n) ||
               set(cc, "auto.offset.reset", "earliest", errstr, n) ||
               set(cc, "queued.max.messages.kbytes", queued, errstr, n) ||
               set(cc, "fetch.max.bytes", fetch, errstr, n) ||
               set(cc, "fetch.message.max.bytes", part, errstr, n) ||
               set(cc, "enable.partition.eof", "true", errstr, n) ||
               set_user_props(c, cc, RD_KAFKA_CONSUMER, errstr, n))) {
        rd_kafka_conf_destroy(cc);
        return NULL;
    }
    return cc;
}

/* The dead-letter producer's: idempotent, acks=all, no message timeout, 8 MB messages, a
 * queue of dlq_buffer_kbytes plus one largest message: the loop stops producing at
 * dlq_buffer_kbytes, so the last dead letter always fits and QUEUE_FULL does not come. These
 * are set after the user's properties that apply to a producer and the dead-letter-only
 * ones: what the dead letters' guarantee rests on is not the user's to change. */
static rd_kafka_conf_t *producer_conf(const sl_processor_conf_t *c, char *errstr, size_t n) {
    rd_kafka_conf_t *pc = base_conf(c, errstr, n);
    char maxmsg[24], queue[24];
    snprintf(maxmsg, sizeof maxmsg, "%d", SL_PROCESSOR_DLQ_MAX_MESSAGE);
    snprintf(queue, sizeof queue, "%zu",
             (c->dlq_buffer_kbytes ? c->dlq_buffer_kbytes : DLQ_BUFFER_KB_DEFAULT) +
                 SL_PROCESSOR_DLQ_MAX_MESSAGE / 1024 + 64);
    if (pc && (set_user_props(c, pc, RD_KAFKA_PRODUCER, errstr, n) ||
               set(pc, "enable.idempotence", "true", errstr, n) ||
               set(pc, "acks", "all", errstr, n) || set(pc, "message.timeout.ms", "0", errstr, n) ||
               set(pc, "message.max.bytes", maxmsg, errstr, n) ||
               set(pc, "queue.buffering.max.kbytes", queue, errstr, n))) {
        rd_kafka_conf_destroy(pc);
        return NULL;
    }
    return pc;
}

sl_processor_err_t sl_processor_check_conf(const sl_processor_conf_t *conf, char *errstr,
                                           size_t errstr_size) {
    rd_kafka_conf_t *cc = consumer_conf(conf, errstr, errstr_size);
    rd_kafka_conf_t *pc = cc ? producer_conf(conf, errstr, errstr_size) : NULL;
    if (cc)
        rd_kafka_conf_destroy(cc);
    if (pc)
        rd_kafka_conf_destroy(pc);
    return pc ? SL_PROCESSOR_ERR_OK : SL_PROCESSOR_ERR_CONFIG;
}

/* Makes *out, a client of the processor's of the type, from conf (which it takes; NULL:
 * the configuration was refused, errstr says why) with the processor's callbacks: errors,
 * and rebalances and commits (a consumer) or deliveries (the dead-letter producer). */
static sl_processor_err_t new_client(sl_processor_t *p, rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                     rd_kafka_t **out, char *errstr, size_t n) {
    if (!conf)
        return SL_PROCESSOR_ERR_CONFIG;
    rd_kafka_conf_set_opaque(conf, p);
    rd_kafka_conf_set_error_cb(conf, on_kafka_error);
    if (type == RD_KAFKA_CONSUMER) {
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
    } else {
        rd_kafka_conf_set_dr_msg_cb(conf, on_dlq_delivery);
    }
    *out = rd_kafka_new(type, conf, errstr, n);
    if (!*out) {
        rd_kafka_conf_destroy(conf);
        return SL_PROCESSOR_ERR_KAFKA;
    }
    return SL_PROCESSOR_ERR_OK;
}

static sl_processor_err_t new_consumer(sl_processor_t *p, char *errstr, size_t n) {
    sl_processor_err_t err = new_client(p, RD_KAFKA_CONSUMER, consumer_conf(&p->conf, errstr, n),
                                        &p->consumer, errstr, n);
    if (err != SL_PROCESSOR_ERR_OK)
        return err;
    rd_kafka_poll_set_consumer(p->consumer);
    p->cq = rd_kafka_queue_get_consumer(p->consumer);
    p->lookups = rd_kafka_queue_new(p->consumer);
    return SL_PROCESSOR_ERR_OK;
}

static sl_processor_err_t new_producer(sl_processor_t *p, char *errstr, size_t n) {
    sl_processor_err_t err =
        new_client(p, RD_KAFKA_PRODUCER, producer_conf(&p->conf, errstr, n), &p->dlq, errstr, n);
    if (err != SL_PROCESSOR_ERR_OK)
        return err;
    rd_kafka_queue_t *mq = rd_kafka_queue_get_main(p->dlq);
    rd_kafka_queue_io_event_enable(mq, p->dlq_pipe[1], "1", 1);
    rd_kafka_queue_destroy(mq);
    return SL_PROCESSOR_ERR_OK;
}

static void defaults(sl_processor_conf_t *c) {
    if (!c->max_inflight)
        c->max_inflight = MAX_INFLIGHT_DEFAULT;
    if (!c->partition_window)
        c->partition_window = 65536;
    if (!c->prefetch_kbytes)
        c->prefetch_kbytes = PREFETCH_KB_DEFAULT;
    if (!c->dlq_buffer_kbytes)
        c->dlq_buffer_kbytes = DLQ_BUFFER_KB_DEFAULT;
    if (!c->fetch_wakeup_ms)
        c->fetch_wakeup_ms = FETCH_WAKEUP_MS_DEFAULT;
    if (c->commit_interval_ms <= 0)
        c->commit_interval_ms = 1000;
    if (c->drain_timeout_ms <= 0)
        c->drain_timeout_ms = 8000;
    if (c->pause_after_ms <= 0)
        c->pause_after_ms = 5000;
    if (c->retry_base_ms <= 0)
        c->retry_base_ms = 100;
    if (c->retry_max_ms <= 0)
        c->retry_max_ms = 10000;
    if (c->stall_after_ms <= 0)
        c->stall_after_ms = 10000;
    if (!c->decode)
        c->decode = sl_processor_decode_json;
    if (c->decode_retry_base_ms <= 0)
        c->decode_retry_base_ms = 200;
    if (c->decode_retry_max_ms <= 0)
        c->decode_retry_max_ms = 5000;
}

static sl_processor_err_t build(sl_processor_t *p, char *errstr, size_t n) {
    sl_processor_err_t err = new_consumer(p, errstr, n);
    if (err != SL_PROCESSOR_ERR_OK)
        return err;
    if (make_pipe(p->consumer_pipe) || make_pipe(p->dlq_pipe)) {
        snprintf(errstr, n, "pipe: %s", strerror(errno));
        return SL_PROCESSOR_ERR_NOMEM;
    }
    rd_kafka_queue_io_event_enable(p->cq, p->consumer_pipe[1], "1", 1);
    if (p->conf.fetch_wakeup_ms > 0 &&
        !(p->wakeup = sl_fetch_wakeup_new(p->consumer, p->conf.topic))) {
        snprintf(errstr, n, "the fetch wake-up thread could not start");
        return SL_PROCESSOR_ERR_NOMEM;
    }
    sl_writer_conf_t wc = {.keyspace = p->conf.keyspace,
                           .table = p->conf.table,
                           .consistency = p->conf.consistency,
                           .max_inflight = p->conf.max_inflight,
                           .retry_base_ms = p->conf.retry_base_ms,
                           .retry_max_ms = p->conf.retry_max_ms,
                           .prepare_timeout_ms = 30000,
                           .done = on_written,
                           .opaque = p,
                           .log = p->conf.log,
                           .log_opaque = p->conf.log_opaque};
    sl_writer_err_t werr = sl_writer_new(p->session, &wc, &p->writer, errstr, n);
    if (werr == SL_WRITER_ERR_OK)
        return SL_PROCESSOR_ERR_OK;
    return werr == SL_WRITER_ERR_NOMEM     ? SL_PROCESSOR_ERR_NOMEM
           : werr == SL_WRITER_ERR_INVALID ? SL_PROCESSOR_ERR_CONFIG
                                           : SL_PROCESSOR_ERR_CASSANDRA;
}

sl_processor_err_t sl_processor_new(const sl_processor_conf_t *conf, cql_session_t *session,
                                    sl_processor_t **out, char *errstr, size_t errstr_size) {
    *out = NULL;
    sl_processor_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(errstr, errstr_size, "out of memory");
        return SL_PROCESSOR_ERR_NOMEM;
    }
    p->conf = *conf;
    defaults(&p->conf);
    p->session = session;
    p->consumer_pipe[0] = p->consumer_pipe[1] = p->dlq_pipe[0] = p->dlq_pipe[1] = -1;
    sl_backoff_init(&p->decode_backoff, (uint64_t)p->conf.decode_retry_base_ms,
                    (uint64_t)p->conf.decode_retry_max_ms, (uint64_t)sl_wall_us());
    sl_processor_e2e_init(&p->stats.e2e);
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        p->parts[i].commit_sent = p->parts[i].first_tracked = -1;
        p->stats.committed[i] = p->stats.high_watermark[i] = p->stats.position[i] = -1;
    }
    sl_processor_err_t err = build(p, errstr, errstr_size);
    if (err != SL_PROCESSOR_ERR_OK) {
        sl_processor_free(p);
        return err;
    }
    *out = p;
    return SL_PROCESSOR_ERR_OK;
}

void sl_processor_e2e_init(sl_hist_t *h) {
    /* Catching up on a backlog takes minutes: the latency buckets, then up to 10 min. */
    static const double b[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                               1,     2.5,    5,     10,   30,    60,   120, 300,  600};
    sl_hist_init(h, b, sizeof b / sizeof b[0]);
}

const sl_processor_stats_t *sl_processor_stats(const sl_processor_t *p) {
    return &p->stats;
}
const sl_writer_stats_t *sl_processor_writer_stats(const sl_processor_t *p) {
    return sl_writer_stats(p->writer);
}
size_t sl_processor_in_flight(const sl_processor_t *p) {
    return sl_writer_in_flight(p->writer);
}

void sl_processor_free(sl_processor_t *p) {
    if (!p)
        return;
    /* rd_kafka_destroy() closes a consumer that was not closed: its revoke must not wait. */
    p->closing = 1;
    sl_fetch_wakeup_free(p->wakeup); /* before the consumer it asks */
    if (p->lookups)
        rd_kafka_queue_destroy(p->lookups);
    if (p->cq)
        rd_kafka_queue_destroy(p->cq);
    if (p->consumer)
        rd_kafka_destroy(p->consumer); /* may call on_rebalance: the partitions go after */
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        drop_held(&p->parts[i]);
        free(p->parts[i].held);
        sl_watermark_free(p->parts[i].wm);
    }
    if (p->dlq) {
        rd_kafka_flush(p->dlq, 1000);
        rd_kafka_destroy(p->dlq);
    }
    sl_writer_free(p->writer);
    for (int i = 0; i < 2; i++) {
        if (p->consumer_pipe[i] >= 0)
            close(p->consumer_pipe[i]);
        if (p->dlq_pipe[i] >= 0)
            close(p->dlq_pipe[i]);
    }
    free(p);
}
