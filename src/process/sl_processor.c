/*
 * The processor's single-threaded loop. It waits in poll(2) on three descriptors: a pipe
 * librdkafka writes to when the consumer queue becomes non-empty, one for the dead-letter
 * producer's delivery reports, and the CQL session's fd. Each turn it dispatches held
 * messages, adjusts which partitions are paused, consumes a batch sized to the free
 * writer slots, steps the CQL session and the writer, serves delivery reports and commits
 * on a timer.
 *
 * A message's identity travels as a 64-bit cookie: [reject reason:5][partition:15]
 * [offset:44], through the writer and the producer's msg_opaque, back to the watermark.
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

#include <librdkafka/rdkafka.h>

#include "sl_backoff.h"
#include "sl_log.h"
#include "sl_record_json.h"
#include "sl_time.h"
#include "sl_watermark.h"

#define COOKIE_OFFSET_BITS 44
#define COOKIE_PART_BITS 15
#define CONSUME_BATCH 256
#define DLQ_MAX_IN_FLIGHT 10000
/* A full writer first just stops consumption: librdkafka's prefetch queue is bounded by
 * queued.max.messages.kbytes, and pausing would throw that prefetch away and restart the
 * fetch after a backoff. Only a writer full for this long (Cassandra away or slow) pauses
 * the partitions, so that polling can go on serving rebalances and the poll interval. */
#define PAUSE_AFTER_MS 5000

typedef struct {
    sl_watermark_t *wm;
    int assigned;
    int paused;
    int64_t last_committed;
    rd_kafka_message_t **held; /* consumed but not yet dispatched, in offset order */
    size_t n_held, cap_held, held_head;
    int64_t decode_after_ms; /* the decode hook said WAIT: the next try not before */
    unsigned decode_waits;   /* consecutive WAITs of the first held message */
} part_t;

struct sl_processor_s {
    sl_processor_conf_t conf;
    rd_kafka_t *consumer;
    rd_kafka_queue_t *cq;
    rd_kafka_t *dlq;
    cql_session_t *session;
    sl_writer_t *writer;
    part_t parts[SL_PROCESSOR_MAX_PARTITIONS];
    int consumer_pipe[2];
    int dlq_pipe[2];
    int64_t dlq_in_flight;
    int64_t last_commit_ms;
    int64_t last_activity_ms;
    int ever_assigned;
    int more_queued;          /* the last batch was full: the consumer queue may hold more */
    int64_t blocked_since_ms; /* since when the writer (or DLQ) had no room, 0 if it has */
    int pause_all;            /* blocked long enough that every partition is paused */
    char fatal[512];
    char scratch[SL_RECORD_SCRATCH_SIZE];
    sl_record_t rec; /* the message being taken, decoded */
    sl_reject_t rec_reject;
    sl_field_t rec_field;
    sl_backoff_t decode_backoff;
    sl_processor_stats_t stats;
};

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

static void set_fatal(sl_processor_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_fatal(sl_processor_t *p, const char *fmt, ...) {
    if (p->fatal[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->fatal, sizeof p->fatal, fmt, ap);
    va_end(ap);
    sl_log(SL_LOG_ERROR, "process", "%s", p->fatal);
}

/* ---- completion: a message is stored or dead-lettered ------------------------------ */

static void complete(sl_processor_t *p, int32_t partition, int64_t offset) {
    part_t *pt = &p->parts[partition];
    /* A completion for a partition we no longer own (drain timed out, then revoked) is
     * dropped: the new owner re-reads from the last commit. */
    if (!pt->assigned || !pt->wm)
        return;
    sl_watermark_done(pt->wm, offset);
    p->stats.last_done_us = sl_now_us();
    p->last_activity_ms = p->stats.last_done_us / 1000;
}

static void on_written(void *opaque, uint64_t cookie, int64_t origin_ms) {
    sl_processor_t *p = opaque;
    p->stats.written++;
    if (origin_ms > 0) {
        int64_t d = sl_wall_ms() - origin_ms;
        sl_hist_observe(&p->stats.e2e, d > 0 ? (double)d / 1000.0 : 0.0);
    }
    complete(p, cookie_partition(cookie), cookie_offset(cookie));
}

static void on_dlq_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    sl_processor_t *p = opaque;
    uint64_t cookie = (uint64_t)(uintptr_t)m->_private;
    p->dlq_in_flight--;
    if (m->err) {
        /* The producer retries by itself without a message timeout, so an error here is
         * permanent (too large, not authorized). Not committing past it is all we can do. */
        p->stats.dlq_failed++;
        set_fatal(p, "dead-letter of %s partition %" PRId32 " offset %" PRId64 " failed: %s",
                  p->conf.topic, cookie_partition(cookie), cookie_offset(cookie),
                  rd_kafka_err2str(m->err));
        return;
    }
    p->stats.dead_lettered++;
    sl_reject_t r = cookie_reason(cookie);
    if ((int)r < SL_REJECT_COUNT)
        p->stats.dead_by_reason[r]++;
    complete(p, cookie_partition(cookie), cookie_offset(cookie));
}

/* ---- dispatch -------------------------------------------------------------------- */

static void dead_letter(sl_processor_t *p, const rd_kafka_message_t *m, sl_reject_t reason,
                        sl_field_t field) {
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
            return; /* the producer owns h now */
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_headers_destroy(h);
            set_fatal(p, "dead-letter produce to %s failed: %s", p->conf.dlq_topic,
                      rd_kafka_err2str(err));
            return;
        }
        rd_kafka_poll(p->dlq, 50);
    }
}

/* Decodes and validates m into p->rec / p->rec_reject / p->rec_field. Returns 0, or 1 when
 * the decode hook says to try again later (the partition waits; nothing is tracked). */
static int decode(sl_processor_t *p, part_t *pt, const rd_kafka_message_t *m) {
    p->rec_field = SL_FIELD_NONE;
    if (!p->conf.decode) {
        p->rec_reject = m->payload ? sl_record_from_json(m->payload, m->len, &p->rec, p->scratch,
                                                         sizeof p->scratch, &p->rec_field)
                                   : SL_REJECT_NOT_JSON;
        return 0;
    }
    int64_t now = sl_now_ms();
    if (now < pt->decode_after_ms)
        return 1;
    char why[512] = "";
    p->rec_reject = SL_REJECT_NONE;
    sl_processor_decode_t d = p->conf.decode(
        p->conf.decode_opaque, m->payload, m->payload ? m->len : 0, &p->rec, p->scratch,
        sizeof p->scratch, &p->rec_reject, &p->rec_field, why, sizeof why);
    if (d == SL_PROCESSOR_DECODE_WAIT) {
        uint64_t ms = sl_backoff_next_ms(&p->decode_backoff, pt->decode_waits++);
        pt->decode_after_ms = now + (int64_t)ms;
        p->stats.decode_waits++;
        sl_log(SL_LOG_WARN, "process",
               "partition %" PRId32 " offset %" PRId64 " waits %" PRIu64 " ms: %s", m->partition,
               m->offset, ms, why);
        return 1;
    }
    if (pt->decode_waits)
        sl_log(SL_LOG_INFO, "process", "partition %" PRId32 " offset %" PRId64 " decoded again",
               m->partition, m->offset);
    pt->decode_waits = 0;
    pt->decode_after_ms = 0;
    if (d == SL_PROCESSOR_DECODE_FATAL) {
        set_fatal(p, "partition %" PRId32 " offset %" PRId64 ": %s", m->partition, m->offset, why);
        return 1;
    }
    if (d == SL_PROCESSOR_DECODE_OK)
        p->rec_reject = SL_REJECT_NONE;
    else if (p->rec_reject == SL_REJECT_NONE)
        p->rec_reject = SL_REJECT_NOT_JSON; /* a hook that rejects without a reason */
    return 0;
}

/* Hands one tracked message, decoded by decode(), on. Frees nothing. */
static void dispatch(sl_processor_t *p, const rd_kafka_message_t *m) {
    if (p->stats.consumed++ == 0)
        p->stats.first_message_us = sl_now_us();
    const sl_record_t rec = p->rec;
    if (p->rec_reject != SL_REJECT_NONE) {
        dead_letter(p, m, p->rec_reject, p->rec_field);
        return;
    }
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    if (sl_writer_submit(p->writer, &rec, make_cookie(SL_REJECT_NONE, m->partition, m->offset),
                         ts) != 0) {
        const char *why = sl_writer_fatal(p->writer);
        set_fatal(p, "writer refused a record: %s", why ? why : "no free slot");
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

/* Tracks and dispatches a message if its partition's window and the writer have room;
 * returns 0 when it was taken (and destroyed), 1 when it must wait. */
static int try_take(sl_processor_t *p, part_t *pt, rd_kafka_message_t *m) {
    if (sl_writer_room(p->writer) == 0 || p->dlq_in_flight >= DLQ_MAX_IN_FLIGHT)
        return 1;
    if (decode(p, pt, m) != 0)
        return 1;
    sl_wm_result_t r = sl_watermark_track(pt->wm, m->offset);
    if (r == SL_WM_FULL)
        return 1;
    if (r == SL_WM_BACKWARDS) {
        /* A rewind (seek or offset reset): forget the old run and start over here. */
        sl_log(SL_LOG_WARN, "process", "partition %" PRId32 " went back to offset %" PRId64,
               m->partition, m->offset);
        sl_watermark_reset(pt->wm);
        sl_watermark_track(pt->wm, m->offset);
    }
    dispatch(p, m);
    rd_kafka_message_destroy(m);
    return 0;
}

static void handle_message(sl_processor_t *p, rd_kafka_message_t *m) {
    if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            p->stats.kafka_errors++;
            sl_log(SL_LOG_WARN, "process", "consumer: %s", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        return;
    }
    if (m->partition < 0 || m->partition >= SL_PROCESSOR_MAX_PARTITIONS) {
        set_fatal(p, "partition %" PRId32 " is beyond the supported %d", m->partition,
                  SL_PROCESSOR_MAX_PARTITIONS);
        rd_kafka_message_destroy(m);
        return;
    }
    part_t *pt = &p->parts[m->partition];
    if (!pt->assigned || !pt->wm) {
        rd_kafka_message_destroy(m); /* left over from a revoked assignment */
        return;
    }
    p->stats.position[m->partition] = m->offset + 1;
    p->last_activity_ms = sl_now_ms();
    if (pt->n_held > 0 || try_take(p, pt, m) != 0) {
        if (hold(pt, m) != 0) {
            set_fatal(p, "out of memory holding messages");
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

/* Pauses partitions that cannot take more, resumes those that can. */
static void adjust_pauses(sl_processor_t *p) {
    int writer_full = p->pause_all;
    rd_kafka_topic_partition_list_t *pause = NULL, *resume = NULL;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        part_t *pt = &p->parts[i];
        if (!pt->assigned)
            continue;
        int want = writer_full || pt->n_held > 0;
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
}

/* ---- commits --------------------------------------------------------------------- */

static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque) {
    (void)rk;
    sl_processor_t *p = opaque;
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
        return;
    if (err) {
        p->stats.commit_failures++;
        sl_log(SL_LOG_WARN, "process", "commit failed: %s (will retry)", rd_kafka_err2str(err));
        return;
    }
    for (int i = 0; offsets && i < offsets->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &offsets->elems[i];
        if (tp->err || tp->partition < 0 || tp->partition >= SL_PROCESSOR_MAX_PARTITIONS)
            continue;
        p->stats.committed[tp->partition] = tp->offset;
    }
}

/* Commits every partition whose watermark moved; synchronously when sync. only: -1 for
 * all partitions, else just this one. */
static void commit(sl_processor_t *p, int sync, int only) {
    rd_kafka_topic_partition_list_t *l = NULL;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        part_t *pt = &p->parts[i];
        if (!pt->assigned || !pt->wm || (only >= 0 && i != only))
            continue;
        int64_t off = sl_watermark_commit_offset(pt->wm);
        if (off < 0 || off <= pt->last_committed)
            continue;
        if (!l)
            l = rd_kafka_topic_partition_list_new(8);
        rd_kafka_topic_partition_list_add(l, p->conf.topic, i)->offset = off;
        pt->last_committed = off;
    }
    if (!l)
        return;
    rd_kafka_resp_err_t err = rd_kafka_commit(p->consumer, l, !sync);
    if (sync) {
        if (err) {
            p->stats.commit_failures++;
            sl_log(SL_LOG_WARN, "process", "commit failed: %s", rd_kafka_err2str(err));
            for (int i = 0; i < l->cnt; i++)
                p->parts[l->elems[i].partition].last_committed = -1; /* try again */
        } else {
            for (int i = 0; i < l->cnt; i++)
                p->stats.committed[l->elems[i].partition] = l->elems[i].offset;
        }
    }
    p->stats.commits++;
    rd_kafka_topic_partition_list_destroy(l);
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
    sl_writer_step(p->writer);
    rd_kafka_poll(p->dlq, 0);
}

static size_t in_flight_of(const sl_processor_t *p, int only) {
    size_t n = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        if (pt->assigned && pt->wm && (only < 0 || i == only))
            n += sl_watermark_in_flight(pt->wm);
    }
    return n;
}

/* Steps until the given partitions have nothing in flight, or the drain timeout. */
static int drain(sl_processor_t *p, const rd_kafka_topic_partition_list_t *parts) {
    int64_t deadline = sl_now_ms() + p->conf.drain_timeout_ms;
    for (;;) {
        size_t left = 0;
        if (parts) {
            for (int i = 0; i < parts->cnt; i++)
                left += in_flight_of(p, parts->elems[i].partition);
        } else {
            left = in_flight_of(p, -1);
        }
        if (left == 0)
            return 0;
        if (sl_now_ms() >= deadline || p->fatal[0]) {
            sl_log(SL_LOG_WARN, "process",
                   "%zu message(s) still in flight after %d ms; they stay uncommitted and will "
                   "be read again",
                   left, p->conf.drain_timeout_ms);
            return -1;
        }
        wait_and_step(p, 50);
    }
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque) {
    sl_processor_t *p = opaque;
    int cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    p->stats.rebalances++;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < parts->cnt; i++) {
            int32_t id = parts->elems[i].partition;
            if (id < 0 || id >= SL_PROCESSOR_MAX_PARTITIONS)
                continue;
            part_t *pt = &p->parts[id];
            if (!pt->wm)
                pt->wm = sl_watermark_new(p->conf.partition_window);
            else
                sl_watermark_reset(pt->wm);
            pt->assigned = 1;
            pt->paused = 0;
            pt->last_committed = -1;
            p->stats.is_assigned[id] = 1;
        }
        p->ever_assigned = 1;
        p->last_activity_ms = sl_now_ms();
        /* Where the group stands: the base of the lag metric and of the idle check. */
        rd_kafka_topic_partition_list_t *c = rd_kafka_topic_partition_list_copy(parts);
        if (rd_kafka_committed(rk, c, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            for (int i = 0; i < c->cnt; i++) {
                int32_t id = c->elems[i].partition;
                if (id >= 0 && id < SL_PROCESSOR_MAX_PARTITIONS && c->elems[i].offset >= 0)
                    p->stats.committed[id] = p->parts[id].last_committed = c->elems[i].offset;
            }
        }
        rd_kafka_topic_partition_list_destroy(c);
        sl_log(SL_LOG_INFO, "process", "assigned %d partition(s) of %s", parts->cnt, p->conf.topic);
        if (cooperative)
            rd_kafka_incremental_assign(rk, parts);
        else
            rd_kafka_assign(rk, parts);
    } else {
        /* Revoked: finish what is in flight for these partitions and commit it before
         * another member takes them over. */
        drain(p, parts);
        for (int i = 0; i < parts->cnt; i++)
            commit(p, 1, parts->elems[i].partition);
        for (int i = 0; i < parts->cnt; i++) {
            int32_t id = parts->elems[i].partition;
            if (id < 0 || id >= SL_PROCESSOR_MAX_PARTITIONS)
                continue;
            part_t *pt = &p->parts[id];
            drop_held(pt);
            pt->assigned = 0;
            pt->paused = 0;
            p->stats.is_assigned[id] = 0;
            if (pt->wm)
                sl_watermark_reset(pt->wm);
        }
        sl_log(SL_LOG_INFO, "process", "revoked %d partition(s) of %s", parts->cnt, p->conf.topic);
        if (cooperative)
            rd_kafka_incremental_unassign(rk, parts);
        else
            rd_kafka_assign(rk, NULL);
    }
    int n = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++)
        n += p->parts[i].assigned;
    p->stats.assigned = n;
}

static void refresh_lag(sl_processor_t *p) {
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (!p->parts[i].assigned)
            continue;
        int64_t lo, hi;
        if (rd_kafka_get_watermark_offsets(p->consumer, p->conf.topic, i, &lo, &hi) == 0)
            p->stats.high_watermark[i] = hi;
    }
}

/* Nothing held or in flight, and every assigned partition's fetch position has reached
 * its high watermark as last reported by the broker. */
static int caught_up(sl_processor_t *p) {
    if (p->dlq_in_flight != 0)
        return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        const part_t *pt = &p->parts[i];
        if (!pt->assigned)
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

int sl_processor_run(sl_processor_t *p, void (*tick)(void *, const sl_processor_stats_t *),
                     void *tick_opaque, char *errstr, size_t errstr_size) {
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, p->conf.topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(p->consumer, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (err) {
        snprintf(errstr, errstr_size, "subscribe to %s: %s", p->conf.topic, rd_kafka_err2str(err));
        return -1;
    }
    rd_kafka_message_t *batch[CONSUME_BATCH];
    int64_t last_tick = 0;
    p->last_commit_ms = p->last_activity_ms = sl_now_ms();
    while (!*p->conf.stop && !p->fatal[0]) {
        if (sl_writer_fatal(p->writer)) {
            set_fatal(p, "%s", sl_writer_fatal(p->writer));
            break;
        }
        drain_held(p);
        int64_t t = sl_now_ms();
        int blocked = sl_writer_room(p->writer) == 0 || p->dlq_in_flight >= DLQ_MAX_IN_FLIGHT;
        if (!blocked)
            p->blocked_since_ms = 0, p->pause_all = 0;
        else if (!p->blocked_since_ms)
            p->blocked_since_ms = t;
        else if (t - p->blocked_since_ms >= PAUSE_AFTER_MS)
            p->pause_all = 1;
        adjust_pauses(p);

        size_t room = sl_writer_room(p->writer);
        size_t want = room < CONSUME_BATCH ? room : CONSUME_BATCH;
        if (p->conf.max_messages > 0) {
            int64_t left = p->conf.max_messages - (int64_t)p->stats.consumed;
            if (left <= 0)
                break;
            if ((int64_t)want > left)
                want = (size_t)left;
        }
        /* No room: take nothing for now. Once everything is paused, a poll still serves
         * rebalances and keeps this member in the group; anything it returns is held. */
        ssize_t n = 0;
        if (!blocked || p->pause_all)
            n = rd_kafka_consume_batch_queue(p->cq, 0, batch, want ? want : 1);
        for (ssize_t i = 0; i < n; i++)
            handle_message(p, batch[i]);
        p->more_queued = n > 0 && (size_t)n == (want ? want : 1);

        int64_t now = sl_now_ms();
        wait_and_step(p, p->more_queued && room > (size_t)n ? 0 : 100);

        if (now - p->last_commit_ms >= p->conf.commit_interval_ms) {
            commit(p, 0, -1);
            p->last_commit_ms = now;
        }
        if (now - last_tick >= 250) {
            refresh_lag(p);
            if (tick)
                tick(tick_opaque, &p->stats);
            last_tick = now;
        }
        if (p->conf.idle_exit_ms > 0 && p->ever_assigned &&
            now - p->last_activity_ms >= p->conf.idle_exit_ms) {
            if (caught_up(p))
                break;
            p->last_activity_ms = now - p->conf.idle_exit_ms + 250; /* look again soon */
        }
    }

    /* Stop: take nothing new, finish what is in flight, commit it, leave the group. */
    int drained = drain(p, NULL);
    int64_t flush_deadline = sl_now_ms() + p->conf.drain_timeout_ms;
    while (p->dlq_in_flight > 0 && !p->fatal[0] && sl_now_ms() < flush_deadline)
        rd_kafka_flush(p->dlq, 100);
    commit(p, 1, -1);
    rd_kafka_consumer_close(p->consumer);
    refresh_lag(p);
    if (tick)
        tick(tick_opaque, &p->stats);
    if (p->fatal[0]) {
        snprintf(errstr, errstr_size, "%s", p->fatal);
        return -1;
    }
    if (drained != 0 || p->dlq_in_flight > 0) {
        snprintf(errstr, errstr_size,
                 "stopped with %zu write(s) and %" PRId64
                 " dead-letter(s) unfinished; they were not committed",
                 sl_writer_in_flight(p->writer), p->dlq_in_flight);
        return -1;
    }
    return 0;
}

/* ---- construction ---------------------------------------------------------------- */

static int set(rd_kafka_conf_t *c, const char *k, const char *v, char *errstr, size_t n) {
    return rd_kafka_conf_set(c, k, v, errstr, n) == RD_KAFKA_CONF_OK ? 0 : -1;
}

static void on_kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    sl_log(level <= 3   ? SL_LOG_ERROR
           : level <= 4 ? SL_LOG_WARN
                        : SL_LOG_DEBUG,
           "kafka", "%s: %s", fac, buf);
}

static rd_kafka_conf_t *base_conf(const sl_processor_conf_t *c, char *errstr, size_t n) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, on_kafka_log);
    if (set(conf, "bootstrap.servers", c->brokers, errstr, n) != 0)
        goto fail;
    for (size_t i = 0; i < c->kafka_count; i++) {
        if (set(conf, c->kafka[i].key, c->kafka[i].value, errstr, n) != 0)
            goto fail;
    }
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

static int make_pipe(int fds[2]) {
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    return 0;
}

sl_processor_t *sl_processor_new(const sl_processor_conf_t *conf, cql_session_t *session,
                                 char *errstr, size_t errstr_size) {
    sl_processor_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    p->conf = *conf;
    p->session = session;
    p->consumer_pipe[0] = p->consumer_pipe[1] = p->dlq_pipe[0] = p->dlq_pipe[1] = -1;
    if (!p->conf.max_inflight)
        p->conf.max_inflight = 1024;
    if (!p->conf.partition_window)
        p->conf.partition_window = 65536;
    if (p->conf.commit_interval_ms <= 0)
        p->conf.commit_interval_ms = 1000;
    if (p->conf.drain_timeout_ms <= 0)
        p->conf.drain_timeout_ms = 8000;
    if (p->conf.retry_base_ms <= 0)
        p->conf.retry_base_ms = 100;
    if (p->conf.retry_max_ms <= 0)
        p->conf.retry_max_ms = 10000;
    if (p->conf.decode_retry_base_ms <= 0)
        p->conf.decode_retry_base_ms = 200;
    if (p->conf.decode_retry_max_ms <= 0)
        p->conf.decode_retry_max_ms = 5000;
    sl_backoff_init(&p->decode_backoff, (uint64_t)p->conf.decode_retry_base_ms,
                    (uint64_t)p->conf.decode_retry_max_ms, (uint64_t)sl_wall_us());
    sl_hist_init_latency(&p->stats.e2e);
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        p->parts[i].last_committed = -1;
        p->stats.committed[i] = p->stats.high_watermark[i] = p->stats.position[i] = -1;
    }

    rd_kafka_conf_t *cc = base_conf(conf, errstr, errstr_size);
    if (!cc)
        goto fail;
    if (set(cc, "group.id", conf->group, errstr, errstr_size) ||
        set(cc, "enable.auto.commit", "false", errstr, errstr_size) ||
        set(cc, "enable.auto.offset.store", "false", errstr, errstr_size) ||
        set(cc, "auto.offset.reset", "earliest", errstr, errstr_size) ||
        set(cc, "queued.max.messages.kbytes", "8192", errstr, errstr_size)) {
        rd_kafka_conf_destroy(cc);
        goto fail;
    }
    /* -X may override the defaults above: apply the user's properties once more. */
    for (size_t i = 0; i < conf->kafka_count; i++)
        set(cc, conf->kafka[i].key, conf->kafka[i].value, errstr, errstr_size);
    rd_kafka_conf_set_opaque(cc, p);
    rd_kafka_conf_set_rebalance_cb(cc, on_rebalance);
    rd_kafka_conf_set_offset_commit_cb(cc, on_commit);
    p->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, errstr, errstr_size);
    if (!p->consumer) {
        rd_kafka_conf_destroy(cc);
        goto fail;
    }
    rd_kafka_poll_set_consumer(p->consumer);
    p->cq = rd_kafka_queue_get_consumer(p->consumer);

    rd_kafka_conf_t *pc = base_conf(conf, errstr, errstr_size);
    if (!pc)
        goto fail;
    if (set(pc, "enable.idempotence", "true", errstr, errstr_size) ||
        set(pc, "acks", "all", errstr, errstr_size) ||
        set(pc, "message.timeout.ms", "0", errstr, errstr_size) ||
        set(pc, "message.max.bytes", "8388608", errstr, errstr_size)) {
        rd_kafka_conf_destroy(pc);
        goto fail;
    }
    rd_kafka_conf_set_opaque(pc, p);
    rd_kafka_conf_set_dr_msg_cb(pc, on_dlq_delivery);
    p->dlq = rd_kafka_new(RD_KAFKA_PRODUCER, pc, errstr, errstr_size);
    if (!p->dlq) {
        rd_kafka_conf_destroy(pc);
        goto fail;
    }

    if (make_pipe(p->consumer_pipe) || make_pipe(p->dlq_pipe)) {
        snprintf(errstr, errstr_size, "pipe: %s", strerror(errno));
        goto fail;
    }
    rd_kafka_queue_io_event_enable(p->cq, p->consumer_pipe[1], "1", 1);
    rd_kafka_queue_t *mq = rd_kafka_queue_get_main(p->dlq);
    rd_kafka_queue_io_event_enable(mq, p->dlq_pipe[1], "1", 1);
    rd_kafka_queue_destroy(mq);

    sl_writer_conf_t wc = {.keyspace = conf->keyspace,
                           .table = conf->table,
                           .consistency = conf->consistency,
                           .max_inflight = p->conf.max_inflight,
                           .retry_base_ms = p->conf.retry_base_ms,
                           .retry_max_ms = p->conf.retry_max_ms,
                           .prepare_timeout_ms = 30000};
    p->writer = sl_writer_new(session, &wc, on_written, p, errstr, errstr_size);
    if (!p->writer)
        goto fail;
    return p;
fail:
    sl_processor_free(p);
    return NULL;
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
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        drop_held(&p->parts[i]);
        free(p->parts[i].held);
        sl_watermark_free(p->parts[i].wm);
    }
    if (p->cq)
        rd_kafka_queue_destroy(p->cq);
    if (p->consumer)
        rd_kafka_destroy(p->consumer);
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
