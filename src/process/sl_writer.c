/*
 * The Cassandra writer: a slot pool, one prepared INSERT, one reusable statement that is
 * bound and encoded per submit (the client copies the encoded frame), and a retry timer
 * per slot. Futures complete inside the session's step; their callbacks only move the
 * slot to a completed list, and sl_writer_step() does the rest, so that no future is
 * freed from inside its own callback.
 *
 * Retries share one budget. A failed write backs off by its own growing, jittered wait;
 * and once any write failed, the writer as a whole is failing until one succeeds again:
 * it takes no new work (sl_writer_room() is 0) and sends one retry at a time, the probe,
 * each after a writer-wide wait that grows with every failed probe. So a hung or dead
 * Cassandra sees one retry per backoff step, not one per slot, and the slots waiting
 * behind the probe go again only when it succeeded.
 *
 * How many writes may be out at once is a window (additive increase, multiplicative
 * decrease, as TCP does): every acknowledgement widens it by one up to max_inflight, every
 * failed round halves it. A node that wakes up or is overloaded gets what it acknowledges,
 * growing, instead of every slot at once.
 */
#include "sl_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_backoff.h"
#include "sl_time.h"

SL_ERR_DEFINE_STR(sl_writer_err_str, sl_writer_err_t, SL_WRITER_ERRORS)

const char *sl_writer_err_name(sl_writer_err_t err) {
    switch (err) {
    case SL_WRITER_ERR_TIMEOUT: return "timeout";
    case SL_WRITER_ERR_UNAVAILABLE: return "unavailable";
    case SL_WRITER_ERR_CONNECTION: return "connection";
    case SL_WRITER_ERR_OTHER: return "other";
    default: return "";
    }
}

#define SL_WRITER_STR2_(x) #x
#define SL_WRITER_STR_(x) SL_WRITER_STR2_(x)

typedef enum { SLOT_FREE, SLOT_SENT, SLOT_COMPLETED, SLOT_BACKOFF } slot_state_t;

/* A slot keeps its record's fields for the retries. Most records' fields fit in
 * SLOT_TEXT_INLINE bytes (the mock API's: 200-400); a longer one goes to the slot's own
 * buffer of the largest size, made once. Sized so, the window's slots take ~160 KB of
 * memory instead of 1.1 MB at 256 in flight (docs/benchmarks.md). */
#define SLOT_TEXT_INLINE 512
#define SLOT_TEXT_MAX (SL_RECORD_MAX + SL_FIELD_COUNT)

typedef struct slot_s {
    slot_state_t state;
    struct slot_s *next; /* free list, completed list */
    sl_writer_t *w;
    cql_future_t *future;
    uint64_t cookie;
    int64_t origin_ms;
    int64_t write_us; /* USING TIMESTAMP: the same for every attempt of this write */
    int64_t sent_us;
    int64_t retry_at_ms;
    unsigned failures; /* failed attempts of this write: the backoff's exponent */
    int probe;         /* sent as the failing writer's one retry */
    int64_t submitted_ms;
    uint8_t id[16];
    uint16_t len[SL_FIELD_COUNT];
    char *text; /* the fields, NUL-separated: inline, or big for a longer record */
    char *big;  /* SLOT_TEXT_MAX bytes, made on the first record that needs it, kept */
    char inline_text[SLOT_TEXT_INLINE];
} slot_t;

struct sl_writer_s {
    cql_session_t *session;
    cql_prepared_t *prepared;
    cql_stmt_t *stmt;
    sl_writer_conf_t conf;
    slot_t *slots;
    slot_t *free_list;
    slot_t *completed;
    size_t n_free;
    size_t n_backoff;
    sl_backoff_t backoff;
    unsigned streak;    /* failed rounds since the last success; 0 when healthy */
    int probing;        /* the probe is out */
    int64_t gate_ms;    /* while failing, no probe before this */
    int64_t last_ok_ms; /* last acknowledged write, or the writer's start */
    size_t window;      /* writes out at most now, 1..max_inflight */
    size_t n_sent;      /* slots whose attempt is out */
    char fatal[512];
    sl_writer_stats_t stats;
};

/* Column order of the INSERT: the record's field order, so field i binds parameter i; the
 * write's timestamp is the last parameter. */
static int build_insert(char *out, size_t cap, const char *keyspace, const char *table) {
    size_t n = (size_t)snprintf(out, cap, "INSERT INTO %s.%s (", keyspace, table);
    for (int f = 0; f < SL_FIELD_COUNT && n < cap; f++)
        n +=
            (size_t)snprintf(out + n, cap - n, "%s%s", f ? ", " : "", sl_field_name((sl_field_t)f));
    if (n < cap)
        n += (size_t)snprintf(out + n, cap - n, ") VALUES (");
    for (int f = 0; f < SL_FIELD_COUNT && n < cap; f++)
        n += (size_t)snprintf(out + n, cap - n, "%s?", f ? ", " : "");
    if (n < cap)
        n += (size_t)snprintf(out + n, cap - n, ") USING TIMESTAMP ?");
    return n < cap ? 0 : -1;
}

/* Prepares the INSERT and makes the reusable statement; -1 with errstr filled. */
static int prepare(sl_writer_t *w, const char *query, char *errstr, size_t errstr_size) {
    cql_future_t *f = NULL;
    cql_err_t err = cql_session_prepare(w->session, query, &f);
    if (err == CQL_OK)
        err = cql_future_wait(f, w->conf.prepare_timeout_ms);
    if (err != CQL_OK) {
        snprintf(errstr, errstr_size, "prepare \"%s\": %s%s%s", query, cql_err_str(err),
                 f ? ": " : "", f ? cql_future_error_message(f) : "");
        cql_future_free(f);
        return -1;
    }
    w->prepared = cql_future_prepared(f);
    cql_future_free(f);
    if (!w->prepared || cql_prepared_param_count(w->prepared) != SL_WRITER_PARAMS) {
        snprintf(errstr, errstr_size, "prepare \"%s\": expected %d parameters", query,
                 SL_WRITER_PARAMS);
        return -1;
    }
    return 0;
}

sl_writer_err_t sl_writer_new(cql_session_t *session, const sl_writer_conf_t *conf,
                              sl_writer_t **out, char *errstr, size_t errstr_size) {
    *out = NULL;
    if (conf->max_inflight == 0 || !conf->keyspace || !conf->table || !conf->done) {
        snprintf(errstr, errstr_size,
                 "writer: max_inflight, keyspace, table and done are required");
        return SL_WRITER_ERR_INVALID;
    }
    char query[512];
    if (build_insert(query, sizeof query, conf->keyspace, conf->table) != 0) {
        snprintf(errstr, errstr_size, "writer: keyspace or table name too long");
        return SL_WRITER_ERR_INVALID;
    }
    sl_writer_t *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(errstr, errstr_size, "writer: out of memory");
        return SL_WRITER_ERR_NOMEM;
    }
    w->session = session;
    w->conf = *conf;
    w->conf.keyspace = w->conf.table = NULL; /* spliced into the query, not kept */
    sl_backoff_init(&w->backoff, (uint64_t)(conf->retry_base_ms > 0 ? conf->retry_base_ms : 1),
                    (uint64_t)(conf->retry_max_ms > 0 ? conf->retry_max_ms : 1),
                    (uint64_t)sl_now_us());
    sl_hist_init_latency(&w->stats.latency);
    w->last_ok_ms = sl_now_ms();
    w->window = conf->max_inflight;
    w->slots = calloc(conf->max_inflight, sizeof *w->slots);
    if (!w->slots) {
        snprintf(errstr, errstr_size, "writer: out of memory for %zu slots", conf->max_inflight);
        free(w);
        return SL_WRITER_ERR_NOMEM;
    }
    for (size_t i = conf->max_inflight; i-- > 0;) {
        w->slots[i].w = w;
        w->slots[i].next = w->free_list;
        w->free_list = &w->slots[i];
    }
    w->n_free = conf->max_inflight;

    if (prepare(w, query, errstr, errstr_size) != 0) {
        sl_writer_free(w);
        return SL_WRITER_ERR_PREPARE;
    }
    w->stmt = cql_stmt_new_prepared(w->prepared);
    if (!w->stmt) {
        snprintf(errstr, errstr_size, "writer: out of memory");
        sl_writer_free(w);
        return SL_WRITER_ERR_NOMEM;
    }
    cql_stmt_set_consistency(w->stmt, conf->consistency);
    cql_stmt_set_idempotent(w->stmt, true);
    *out = w;
    return SL_WRITER_ERR_OK;
}

void sl_writer_free(sl_writer_t *w) {
    if (!w)
        return;
    if (w->slots) {
        for (size_t i = 0; i < w->conf.max_inflight; i++) {
            cql_future_free(w->slots[i].future);
            free(w->slots[i].big);
        }
        free(w->slots);
    }
    cql_stmt_free(w->stmt);
    cql_prepared_free(w->prepared);
    free(w);
}

static void on_complete(cql_future_t *f, void *opaque) {
    (void)f;
    slot_t *s = opaque;
    s->state = SLOT_COMPLETED;
    s->w->n_sent--;
    s->next = s->w->completed;
    s->w->completed = s;
}

/* Binds the slot's copy and sends it (now_us: the monotonic clock, read by the caller).
 * Returns the client's error for the submit itself. */
static cql_err_t send_slot(sl_writer_t *w, slot_t *s, int64_t now_us) {
    cql_stmt_reset(w->stmt);
    cql_err_t err = cql_stmt_bind_uuid(w->stmt, 0, s->id);
    const char *p = s->text;
    for (int f = 0; f < SL_FIELD_COUNT && err == CQL_OK; f++) {
        if (f > 0)
            err = cql_stmt_bind_text_n(w->stmt, (size_t)f, p, s->len[f]);
        p += s->len[f] + 1;
    }
    if (err == CQL_OK)
        err = cql_stmt_bind_int64(w->stmt, SL_FIELD_COUNT, s->write_us);
    if (err == CQL_OK)
        err = cql_session_query(w->session, w->stmt, &s->future);
    if (err == CQL_OK) {
        s->state = SLOT_SENT;
        w->n_sent++;
        s->sent_us = now_us;
        cql_future_set_callback(s->future, on_complete, s);
    }
    return err;
}

/* The kind of a failed attempt, as counted and labelled. */
static sl_writer_err_t kind_of(cql_err_t err) {
    switch (err) {
    case CQL_ERR_TIMEOUT:
    case CQL_ERR_WRITE_TIMEOUT: return SL_WRITER_ERR_TIMEOUT;
    case CQL_ERR_UNAVAILABLE:
    case CQL_ERR_OVERLOADED:
    case CQL_ERR_IS_BOOTSTRAPPING: return SL_WRITER_ERR_UNAVAILABLE;
    case CQL_ERR_CONNECT:
    case CQL_ERR_IO:
    case CQL_ERR_CLOSED:
    case CQL_ERR_NO_HOSTS:
    case CQL_ERR_BUSY: return SL_WRITER_ERR_CONNECTION;
    default: return SL_WRITER_ERR_OTHER;
    }
}

/* The writer turns fatal; the first error is kept and logged. */
static void set_fatal(sl_writer_t *w, const char *msg) {
    if (w->fatal[0])
        return;
    snprintf(w->fatal, sizeof w->fatal, "%s", msg);
    sl_log_to_cb(w->conf.log, w->conf.log_opaque, SL_LOG_ERROR, "%s", w->fatal);
}

/* A failed attempt, whether the submit or the answer failed: back off if the error may
 * pass (longer with every failure of this write, and the whole writer longer with every
 * failed round), else the writer turns fatal. */
static void attempt_failed(sl_writer_t *w, slot_t *s, cql_err_t err, const char *detail) {
    w->stats.errors[kind_of(err)]++;
    int was_probe = s->probe;
    s->probe = 0;
    if (err == CQL_ERR_BUSY || err == CQL_ERR_PENDING || cql_err_is_retriable(err)) {
        int64_t now = sl_now_ms();
        s->state = SLOT_BACKOFF;
        s->retry_at_ms = now + (int64_t)sl_backoff_next_ms(&w->backoff, s->failures++);
        w->n_backoff++;
        /* A new round when the writer was healthy or its probe failed; the writes that
         * were out already and fail meanwhile belong to the round under way. */
        if (w->streak == 0 || was_probe) {
            w->streak++;
            w->window = w->window > 1 ? w->window / 2 : 1;
            w->gate_ms = now + (int64_t)sl_backoff_ceiling_ms(&w->backoff, w->streak - 1) / 2 +
                         (int64_t)sl_backoff_next_ms(&w->backoff, w->streak - 1) / 2;
        }
        if (was_probe)
            w->probing = 0;
        return;
    }
    char msg[sizeof w->fatal];
    snprintf(msg, sizeof msg, "write failed for good: %s%s%s", cql_err_str(err),
             detail && *detail ? ": " : "", detail ? detail : "");
    set_fatal(w, msg);
    /* The slot stays taken: its row was not stored, so its offset must never commit. */
    s->state = SLOT_BACKOFF;
    s->retry_at_ms = INT64_MAX;
    w->n_backoff++;
}

static void release(sl_writer_t *w, slot_t *s) {
    s->state = SLOT_FREE;
    s->future = NULL;
    s->next = w->free_list;
    w->free_list = s;
    w->n_free++;
}

int64_t sl_writer_timestamp_us(int64_t kafka_ms, int64_t offset, int64_t now_us) {
    if (kafka_ms < 0 || kafka_ms > SL_WRITER_MAX_KAFKA_MS)
        return now_us;
    return kafka_ms * 1000 + (offset > 0 ? offset % 1000 : 0);
}

sl_writer_err_t sl_writer_submit(sl_writer_t *w, const sl_record_t *rec, uint64_t cookie,
                                 int64_t origin_ms, int64_t write_us) {
    if (w->fatal[0])
        return SL_WRITER_ERR_FATAL;
    if (!w->free_list)
        return SL_WRITER_ERR_FULL;
    slot_t *s = w->free_list;
    if (!rec->field[SL_FIELD_ID].ptr || cql_uuid_parse(rec->field[SL_FIELD_ID].ptr, s->id) != 0) {
        /* Validation guarantees a canonical UUID; a failure here is a programming error
         * that must not silently drop the row. */
        char msg[96];
        snprintf(msg, sizeof msg, "record id '%.40s' is not a UUID",
                 rec->field[SL_FIELD_ID].ptr ? rec->field[SL_FIELD_ID].ptr : "");
        set_fatal(w, msg);
        return SL_WRITER_ERR_INVALID;
    }
    size_t need = 0;
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        need += (rec->field[f].ptr ? rec->field[f].len : 0) + 1;
    if (need > SLOT_TEXT_MAX) {
        set_fatal(w, "record larger than " SL_WRITER_STR_(SL_RECORD_MAX) " bytes");
        return SL_WRITER_ERR_INVALID;
    }
    if (need > sizeof s->inline_text && !s->big && !(s->big = malloc(SLOT_TEXT_MAX)))
        return SL_WRITER_ERR_NOMEM;
    s->text = need > sizeof s->inline_text ? s->big : s->inline_text;
    size_t at = 0;
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        size_t len = rec->field[f].ptr ? rec->field[f].len : 0;
        if (len)
            memcpy(s->text + at, rec->field[f].ptr, len);
        s->text[at + len] = '\0';
        s->len[f] = (uint16_t)len;
        at += len + 1;
    }
    w->free_list = s->next;
    w->n_free--;
    s->cookie = cookie;
    s->origin_ms = origin_ms;
    s->write_us = write_us;
    s->failures = 0;
    s->probe = 0;
    int64_t now_us = sl_now_us(); /* the one clock read of a submit */
    s->submitted_ms = now_us / 1000;
    s->future = NULL;
    w->stats.submitted++;
    cql_err_t err = send_slot(w, s, now_us);
    if (err != CQL_OK)
        attempt_failed(w, s, err, NULL);
    return SL_WRITER_ERR_OK;
}

void sl_writer_step(sl_writer_t *w) {
    /* One clock read for every completion of this step: they all came in before it. */
    int64_t now_us = w->completed ? sl_now_us() : 0;
    while (w->completed) {
        slot_t *s = w->completed;
        w->completed = s->next;
        cql_err_t err = cql_future_error(s->future);
        sl_hist_observe(&w->stats.latency, (double)(now_us - s->sent_us) / 1e6);
        if (err == CQL_OK) {
            cql_future_free(s->future);
            w->last_ok_ms = now_us / 1000;
            w->streak =
                0; /* healthy again: what waits goes at its own time, as the window allows */
            w->probing = 0;
            if (w->window < w->conf.max_inflight)
                w->window++;
            uint64_t cookie = s->cookie;
            int64_t origin = s->origin_ms;
            release(w, s);
            w->stats.written++;
            w->conf.done(w->conf.opaque, cookie, origin);
        } else {
            char detail[256];
            snprintf(detail, sizeof detail, "%s", cql_future_error_message(s->future));
            cql_future_free(s->future);
            s->future = NULL;
            attempt_failed(w, s, err, detail);
        }
    }
    if (w->n_backoff == 0)
        return;
    int64_t now = sl_now_ms();
    if (w->streak > 0 && (w->probing || now < w->gate_ms))
        return; /* failing: one probe at a time, after the writer-wide wait */
    for (size_t i = 0; i < w->conf.max_inflight; i++) {
        slot_t *s = &w->slots[i];
        if (w->streak == 0 && w->n_sent >= w->window)
            break;
        if (s->state != SLOT_BACKOFF || s->retry_at_ms == INT64_MAX ||
            (s->retry_at_ms > now && w->streak == 0))
            continue;
        int failing = w->streak > 0;
        w->n_backoff--;
        w->stats.retries++;
        s->probe = failing;
        w->probing = failing;
        cql_err_t err = send_slot(w, s, sl_now_us());
        if (err != CQL_OK)
            attempt_failed(w, s, err, NULL);
        if (failing)
            break;
    }
}

size_t sl_writer_room(const sl_writer_t *w) {
    if (w->fatal[0] || w->streak > 0 || w->n_sent + w->n_backoff >= w->window)
        return 0;
    size_t open = w->window - w->n_sent - w->n_backoff;
    return open < w->n_free ? open : w->n_free;
}
size_t sl_writer_window(const sl_writer_t *w) {
    return w->window;
}
int sl_writer_failing(const sl_writer_t *w) {
    return w->streak > 0;
}
int64_t sl_writer_last_ok_ms(const sl_writer_t *w) {
    return w->last_ok_ms;
}
int64_t sl_writer_oldest_ms(const sl_writer_t *w) {
    int64_t oldest = -1;
    for (size_t i = 0; i < w->conf.max_inflight && w->n_free < w->conf.max_inflight; i++) {
        const slot_t *s = &w->slots[i];
        if (s->state != SLOT_FREE && (oldest < 0 || s->submitted_ms < oldest))
            oldest = s->submitted_ms;
    }
    return oldest;
}
size_t sl_writer_in_flight(const sl_writer_t *w) {
    return w->conf.max_inflight - w->n_free;
}
size_t sl_writer_backing_off(const sl_writer_t *w) {
    return w->n_backoff;
}

int64_t sl_writer_next_timer_ms(const sl_writer_t *w) {
    if (w->n_backoff == 0 || (w->streak > 0 && w->probing))
        return -1;
    int64_t now = sl_now_ms(), best = -1;
    if (w->streak > 0)
        return w->gate_ms > now ? w->gate_ms - now : 0;
    for (size_t i = 0; i < w->conf.max_inflight; i++) {
        const slot_t *s = &w->slots[i];
        if (s->state != SLOT_BACKOFF || s->retry_at_ms == INT64_MAX)
            continue;
        int64_t d = s->retry_at_ms > now ? s->retry_at_ms - now : 0;
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

const char *sl_writer_fatal(const sl_writer_t *w) {
    return w->fatal[0] ? w->fatal : NULL;
}
const sl_writer_stats_t *sl_writer_stats(const sl_writer_t *w) {
    return &w->stats;
}
