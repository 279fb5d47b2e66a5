/*
 * The ingest run loop: start pages into free slots (paced by the rate cap), drive the
 * transfers, act on finished ones (produce, or schedule a retry), serve delivery
 * reports, report progress; at the end, flush and settle the books.
 */
#include "sl_ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sl_backoff.h"
#include "sl_ingest_fetch.h"
#include "sl_ingest_plan.h"
#include "sl_ingest_producer.h"
#include "sl_time.h"

SL_ERR_DEFINE_STR(sl_ingest_err_str, sl_ingest_err_t, SL_INGEST_ERRORS)

void sl_ingest_conf_defaults(sl_ingest_conf_t *c) {
    memset(c, 0, sizeof *c);
    c->source = "https://randomuser.me/api/";
    c->batch = 5000;
    c->concurrency = 4;
    c->brokers = "127.0.0.1:9092";
    c->topic = "users_created";
    c->connect_timeout_ms = 5000;
    c->timeout_ms = 60000;
    c->max_body = 64u << 20;
    c->retries = 8;
    c->backoff_base_ms = 200;
    c->backoff_max_ms = 30000;
    c->retry_after_max_ms = 120000;
    c->retry_time_ms = 180000;
    c->flush_timeout_ms = 30000;
    c->metadata_timeout_ms = 10000;
    c->tick_ms = 250;
}

#define logf_(c, level, ...) sl_log_to_cb((c)->log, (c)->opaque, level, __VA_ARGS__)

/* librdkafka's logs are routed to its main queue (log.queue), so they arrive here on the
 * run's thread during sl_ingest_producer_poll(). */
static void on_kafka_log(void *opaque, int level, const char *fac, const char *msg) {
    const sl_ingest_conf_t *c = opaque;
    logf_(c, sl_log_level_from_kafka(level, fac), "kafka %s: %s", fac, msg);
}

/* Hands a finished page's records to the producer from slot->cursor on. Returns 1 when
 * all are handed over, 0 when the producer queue is full (call again later). */
static int produce_slot(sl_ingest_producer_t *p, sl_ingest_fetch_slot_t *s, sl_ingest_stats_t *st) {
    while (s->cursor < s->n_recs) {
        const sl_ingest_fetch_rec_t *r = &s->recs[s->cursor];
        const char *key = s->arena.data + r->key_off, *val = s->arena.data + r->val_off;
        sl_ingest_producer_res_t res;
        if (r->reject == SL_REJECT_NONE)
            res = sl_ingest_producer_send(p, key, r->key_len, val, r->val_len, s->fetched_at_ms);
        else if (r->raw_len) /* the user as the API sent it */
            res = sl_ingest_producer_send_dlq(p, key, r->key_len, s->body.data + r->raw_off,
                                              r->raw_len, s->fetched_at_ms, (sl_reject_t)r->reject,
                                              (sl_field_t)r->field, s->url, "api");
        else /* could not be delimited: as far as it was flattened */
            res = sl_ingest_producer_send_dlq(p, key, r->key_len, val, r->val_len, s->fetched_at_ms,
                                              (sl_reject_t)r->reject, (sl_field_t)r->field, s->url,
                                              "record");
        if (res == SL_INGEST_PRODUCER_QUEUE_FULL) {
            st->queue_full++;
            return 0;
        }
        int dlq = r->reject != SL_REJECT_NONE;
        if (res == SL_INGEST_PRODUCER_OK) {
            if (dlq)
                st->dlq_enqueued++;
            else
                st->enqueued++;
        } else if (dlq) {
            st->dlq_failed++;
        } else {
            st->delivery_failed++;
        }
        s->cursor++;
    }
    return 1;
}

static int build_url(const sl_ingest_conf_t *c, sl_ingest_fetch_slot_t *s) {
    return sl_ingest_plan_url(s->url, sizeof s->url, c->source, s->results, c->seed, s->page,
                              c->nat);
}

/* The wait before a failed page's next attempt, into *wait: the backoff step (at least a
 * Retry-After). 0 when that attempt could not end (its wait plus the request timeout)
 * within retry_time_ms of the page's first attempt: a hung API then fails a page after a
 * few timeouts, not after every retry. */
static int retry_wait(const sl_ingest_conf_t *c, sl_backoff_t *bo, const sl_ingest_fetch_slot_t *s,
                      uint64_t now, uint64_t *wait) {
    *wait = sl_backoff_with_floor_ms(
        bo, s->attempt, s->has_retry_after ? s->retry_after_ms : 0,
        c->retry_after_max_ms > c->backoff_max_ms ? c->retry_after_max_ms : c->backoff_max_ms);
    return c->retry_time_ms <= 0 ||
           now + *wait + (uint64_t)c->timeout_ms <= s->first_ms + (uint64_t)c->retry_time_ms;
}

/* Checks what can be checked before touching the network. */
static sl_ingest_err_t check_conf(const sl_ingest_conf_t *c, char *errstr, size_t errstr_size) {
    if (!c->source || !*c->source || !c->topic || !*c->topic || !c->brokers || c->batch < 1 ||
        c->batch > 5000 || c->concurrency < 1 || c->max_body < 1) {
        snprintf(errstr, errstr_size, "invalid ingest configuration");
        return SL_INGEST_ERR_CONFIG;
    }
    if (strncasecmp(c->source, "http://", 7) != 0 && strncasecmp(c->source, "https://", 8) != 0) {
        snprintf(errstr, errstr_size, "source must be an http:// or https:// URL, got '%.200s'",
                 c->source);
        return SL_INGEST_ERR_CONFIG;
    }
    /* Fail on a URL that cannot be built before touching the network. */
    char probe[2048];
    if (sl_ingest_plan_url(probe, sizeof probe, c->source, c->batch, c->seed, UINT64_MAX, c->nat) <
        0) {
        snprintf(errstr, errstr_size, "source URL with seed and nat is too long");
        return SL_INGEST_ERR_CONFIG;
    }
    return SL_INGEST_ERR_OK;
}

/* Waits for Kafka's metadata; warns when the topic is not known yet. metadata_timeout_ms
 * 0: keep asking (10 s at a time) until Kafka answers or a stop. */
static sl_ingest_err_t wait_for_kafka(const sl_ingest_conf_t *c, sl_ingest_producer_t *p,
                                      char *errstr, size_t errstr_size) {
    int topic_exists = 0;
    char kerr[256];
    int wait_ms = c->metadata_timeout_ms > 0 ? c->metadata_timeout_ms : 10000;
    while (sl_ingest_producer_check(p, wait_ms, &topic_exists, kerr, sizeof kerr)) {
        if (c->metadata_timeout_ms == 0 && !(c->stop && *c->stop)) {
            logf_(c, SL_LOG_WARN, "Kafka at %s not reached yet (%s); still trying", c->brokers,
                  kerr);
            continue;
        }
        snprintf(errstr, errstr_size, "Kafka at %s did not answer within %d ms: %s", c->brokers,
                 wait_ms, kerr);
        return SL_INGEST_ERR_KAFKA_UNREACHABLE;
    }
    if (!topic_exists)
        logf_(c, SL_LOG_WARN,
              "topic %s is not known to the cluster yet; producing relies on auto-creation "
              "(create it with `sluice schema`)",
              c->topic);
    return SL_INGEST_ERR_OK;
}

/* The state of one run's loop. */
typedef struct {
    const sl_ingest_conf_t *c;
    sl_ingest_stats_t *st;
    sl_ingest_producer_t *p;
    sl_ingest_fetch_t *f;
    sl_ingest_plan_t plan;
    sl_backoff_t bo;
    unsigned n; /* slots */
    uint64_t t0, users_started, last_tick, stop_at;
    int fetching, plan_done, fatal_http;
} run_t;

/* Ends fetching on a stop, the duration, a client error or a failed producer: cancels
 * what is in flight or waiting, keeps what is being handed over. */
static void stop_fetching_when_due(run_t *r, uint64_t now) {
    const sl_ingest_conf_t *c = r->c;
    int stop = c->stop && *c->stop;
    if (!r->fetching || !(stop || (c->duration_s > 0 && now >= (uint64_t)(c->duration_s * 1000)) ||
                          r->fatal_http || sl_ingest_producer_fatal(r->p)))
        return;
    r->fetching = 0;
    r->stop_at = now;
    logf_(c, SL_LOG_INFO, "%s; flushing",
          stop                             ? "stop requested"
          : r->fatal_http                  ? "giving up after a client error"
          : sl_ingest_producer_fatal(r->p) ? "Kafka producer failed"
                                           : "duration reached");
    for (unsigned i = 0; i < r->n; i++) {
        sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(r->f, i);
        if (s->state == SL_INGEST_FETCH_RUNNING || s->state == SL_INGEST_FETCH_WAITING)
            sl_ingest_fetch_cancel(r->f, s);
    }
}

/* Starts due retries and new pages (paced by the rate cap). */
static void start_pages(run_t *r, uint64_t now) {
    for (unsigned i = 0; r->fetching && i < r->n; i++) {
        sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(r->f, i);
        if (s->state == SL_INGEST_FETCH_WAITING && s->due_ms <= now) {
            r->st->retries++;
            sl_ingest_fetch_start(r->f, s);
        } else if (s->state == SL_INGEST_FETCH_FREE && !r->plan_done &&
                   sl_ingest_plan_pace_ms(r->c->rate, r->users_started) <= now) {
            if (!sl_ingest_plan_next(&r->plan, &s->page, &s->results)) {
                r->plan_done = 1;
                continue;
            }
            s->attempt = 0;
            s->first_ms = now;
            build_url(r->c, s);
            r->users_started += s->results;
            logf_(r->c, SL_LOG_DEBUG, "GET %s", s->url);
            sl_ingest_fetch_start(r->f, s);
        }
    }
}

/* A fetched page: counts it and its rejects, and queues it for the producer. */
static void page_fetched(run_t *r, sl_ingest_fetch_slot_t *s) {
    sl_ingest_stats_t *st = r->st;
    st->pages_ok++;
    st->users_fetched += s->n_recs;
    st->bytes_fetched += s->body.len;
    for (size_t k = 0; k < s->n_recs; k++)
        if (s->recs[k].reject != SL_REJECT_NONE) {
            st->rejected++;
            st->rejected_by[s->recs[k].reject]++;
        }
    if (s->n_recs < s->results)
        logf_(r->c, SL_LOG_WARN, "page %llu: %zu users instead of %u", (unsigned long long)s->page,
              s->n_recs, s->results);
    s->state = SL_INGEST_FETCH_PRODUCING;
    s->cursor = 0;
}

/* A failed page: schedules its retry, drops it after a stop, or counts it as failed. */
static void page_failed(run_t *r, sl_ingest_fetch_slot_t *s, uint64_t now) {
    const sl_ingest_conf_t *c = r->c;
    uint64_t retry_in = 0;
    if (s->retriable && s->attempt < c->retries && r->fetching &&
        retry_wait(c, &r->bo, s, now, &retry_in)) {
        logf_(c, SL_LOG_WARN, "page %llu attempt %u failed (%s): %s; retry in %llu ms",
              (unsigned long long)s->page, s->attempt + 1, sl_ingest_outcome_label(s->outcome),
              s->detail, (unsigned long long)retry_in);
        s->attempt++;
        s->due_ms = now + retry_in;
        s->state = SL_INGEST_FETCH_WAITING;
    } else if (!r->fetching && s->retriable) {
        /* Stopped while this page was failing: nothing of it was fetched, so nothing is
         * lost; it is simply not part of this run. */
        s->state = SL_INGEST_FETCH_FREE;
    } else {
        r->st->pages_failed++;
        char why[96] = ""; /* retries left, but no time for one */
        if (s->retriable && s->attempt < c->retries && r->fetching)
            snprintf(why, sizeof why, "; no further try could end within %g s of the first",
                     (double)c->retry_time_ms / 1000.0);
        logf_(c, SL_LOG_ERROR, "page %llu failed after %u attempts (%s): %s%s",
              (unsigned long long)s->page, s->attempt + 1, sl_ingest_outcome_label(s->outcome),
              s->detail, why);
        if (s->outcome == SL_INGEST_OUTCOME_HTTP_4XX)
            r->fatal_http = 1;
        s->state = SL_INGEST_FETCH_FREE;
    }
}

/* Acts on finished transfers and hands fetched pages to the producer (or drops them when
 * abandon). Returns 1 while any slot is busy; *blocked when the producer queue is full. */
static int serve_slots(run_t *r, uint64_t now, int abandon, int *blocked) {
    int busy = 0;
    *blocked = 0;
    for (unsigned i = 0; i < r->n; i++) {
        sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(r->f, i);
        if (s->state == SL_INGEST_FETCH_DONE) {
            r->st->requests[s->outcome]++;
            sl_ingest_stats_observe(r->st, s->seconds);
            if (s->outcome == SL_INGEST_OUTCOME_OK)
                page_fetched(r, s);
            else
                page_failed(r, s, now);
        }
        if (s->state == SL_INGEST_FETCH_PRODUCING) {
            if (abandon) {
                s->state = SL_INGEST_FETCH_FREE; /* the rest stays counted as undelivered */
            } else if (produce_slot(r->p, s, r->st)) {
                s->state = SL_INGEST_FETCH_FREE;
            } else {
                *blocked = 1;
            }
        }
        if (s->state != SL_INGEST_FETCH_FREE)
            busy = 1;
    }
    return busy;
}

/* How long to sleep: until the network, a delivery report, a retry, the pacer or a tick. */
static uint64_t next_wait_ms(const run_t *r, uint64_t now, int blocked) {
    uint64_t wait = r->c->tick_ms ? r->c->tick_ms : 100;
    if (wait > 100)
        wait = 100;
    if (blocked)
        wait = 1;
    for (unsigned i = 0; i < r->n; i++) {
        sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(r->f, i);
        if (s->state == SL_INGEST_FETCH_WAITING && s->due_ms > now && s->due_ms - now < wait)
            wait = s->due_ms - now;
        if (s->state == SL_INGEST_FETCH_FREE && r->fetching && !r->plan_done) {
            uint64_t at = sl_ingest_plan_pace_ms(r->c->rate, r->users_started);
            wait = at > now ? (at - now < wait ? at - now : wait) : 0;
        }
    }
    return wait;
}

/* The loop: fetch, produce, serve delivery reports and ticks until the plan is done or
 * the run stopped, and nothing is in flight. */
static void run_loop(run_t *r) {
    const sl_ingest_conf_t *c = r->c;
    for (;;) {
        uint64_t now = (uint64_t)sl_now_ms() - r->t0;
        r->st->elapsed_s = (double)now / 1000.0;
        stop_fetching_when_due(r, now);
        /* Records still being handed over get flush_timeout after the stop, no more; a
         * second signal (*stop >= 2) means: do not wait at all. */
        int hard_stop = c->stop && *c->stop >= 2;
        int abandon =
            !r->fetching && (hard_stop || now - r->stop_at > (uint64_t)c->flush_timeout_ms);
        start_pages(r, now);
        int blocked;
        int busy = serve_slots(r, now, abandon, &blocked);

        sl_ingest_producer_poll(r->p, 0);
        sl_ingest_producer_drain_fd(r->p);

        if (c->tick && now - r->last_tick >= c->tick_ms) {
            r->last_tick = now;
            c->tick(c->opaque, r->st, 0);
        }
        if (!busy && (!r->fetching || r->plan_done))
            break;
        uint64_t wait = next_wait_ms(r, now, blocked);
        sl_ingest_fetch_poll(r->f, wait ? (int)wait : 0, sl_ingest_producer_fd(r->p));
    }
}

/* Flushes the producer in short slices (so that a second signal cuts the wait short),
 * reports the last tick and settles the books: the run's result. */
static sl_ingest_err_t flush_and_settle(run_t *r, char *errstr, size_t errstr_size) {
    const sl_ingest_conf_t *c = r->c;
    sl_ingest_stats_t *st = r->st;
    sl_ingest_producer_t *p = r->p;
    int left = sl_ingest_producer_outq(p);
    const uint64_t flush_end = (uint64_t)sl_now_ms() + (uint64_t)c->flush_timeout_ms;
    while (left > 0 && !(c->stop && *c->stop >= 2)) {
        uint64_t t = (uint64_t)sl_now_ms();
        if (t >= flush_end)
            break;
        left = sl_ingest_producer_flush(p, (int)(flush_end - t < 100 ? flush_end - t : 100));
    }
    st->elapsed_s = (double)((uint64_t)sl_now_ms() - r->t0) / 1000.0;
    if (left > 0)
        logf_(c, SL_LOG_ERROR, "%d records still queued after the %d ms flush timeout", left,
              c->flush_timeout_ms);
    if (c->tick)
        c->tick(c->opaque, st, 1);
    if (sl_ingest_producer_fatal(p)) {
        snprintf(errstr, errstr_size, "Kafka producer fatal error: %s",
                 sl_ingest_producer_fatal(p));
        return SL_INGEST_ERR_KAFKA;
    }
    if (!sl_ingest_stats_complete(st)) {
        const char *last = sl_ingest_producer_last_error(p);
        snprintf(errstr, errstr_size,
                 "%llu users not delivered, %llu dead letters not delivered, %llu pages "
                 "failed%s%s",
                 (unsigned long long)sl_ingest_stats_undelivered(st),
                 (unsigned long long)sl_ingest_stats_dlq_undelivered(st),
                 (unsigned long long)st->pages_failed, last ? "; last Kafka error: " : "",
                 last ? last : "");
        return SL_INGEST_ERR_INCOMPLETE;
    }
    if (c->count && st->users_fetched < c->count && !(c->stop && *c->stop)) {
        /* --count is what was asked for; a --duration that ends the run first leaves it
         * incomplete (a signal does not: the operator asked for the stop). */
        snprintf(errstr, errstr_size, "fetched %llu of %llu users%s",
                 (unsigned long long)st->users_fetched, (unsigned long long)c->count,
                 c->duration_s > 0 ? " before --duration ended the run" : "");
        return SL_INGEST_ERR_INCOMPLETE;
    }
    return SL_INGEST_ERR_OK;
}

sl_ingest_err_t sl_ingest_run(const sl_ingest_conf_t *c, sl_ingest_stats_t *st, char *errstr,
                              size_t errstr_size) {
    sl_ingest_stats_init(st);
    sl_ingest_err_t rc = check_conf(c, errstr, errstr_size);
    if (rc != SL_INGEST_ERR_OK)
        return rc;
    char dlq[512];
    if (c->dlq_topic && *c->dlq_topic)
        snprintf(dlq, sizeof dlq, "%s", c->dlq_topic);
    else
        snprintf(dlq, sizeof dlq, "%s.dlq", c->topic);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(errstr, errstr_size, "cannot initialise libcurl");
        return SL_INGEST_ERR_HTTP;
    }
    run_t r = {.c = c, .st = st, .fetching = 1};
    r.p = sl_ingest_producer_new(c->brokers, c->topic, dlq, c->kafka_props, c->n_kafka_props, st,
                                 on_kafka_log, (void *)c, errstr, errstr_size);
    if (!r.p) {
        curl_global_cleanup();
        return SL_INGEST_ERR_CONFIG;
    }
    rc = wait_for_kafka(c, r.p, errstr, errstr_size);
    if (rc != SL_INGEST_ERR_OK)
        goto out;

    sl_ingest_fetch_conf_t fc = {.slots = c->concurrency,
                                 .batch = c->batch,
                                 .connect_timeout_ms = c->connect_timeout_ms,
                                 .timeout_ms = c->timeout_ms,
                                 .max_body = c->max_body,
                                 .user_agent = "sluice-ingest/" SLUICE_VERSION,
                                 .encoder = c->encoder};
    r.f = sl_ingest_fetch_new(&fc, errstr, errstr_size);
    if (!r.f) {
        rc = SL_INGEST_ERR_NOMEM;
        goto out;
    }
    sl_ingest_plan_init(&r.plan, c->count, c->batch);
    sl_backoff_init(&r.bo, c->backoff_base_ms, c->backoff_max_ms,
                    (uint64_t)sl_wall_us() ^ ((uint64_t)getpid() << 32));
    r.t0 = (uint64_t)sl_now_ms();
    r.n = sl_ingest_fetch_slots(r.f);
    logf_(c, SL_LOG_INFO, "fetching from %s (batch %u, concurrency %u) into %s (dead letters: %s)",
          c->source, c->batch, c->concurrency, c->topic, dlq);
    run_loop(&r);
    rc = flush_and_settle(&r, errstr, errstr_size);
out:
    sl_ingest_fetch_free(r.f);
    sl_ingest_producer_free(r.p);
    curl_global_cleanup();
    return rc;
}
