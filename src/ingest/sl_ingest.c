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

sl_ingest_err_t sl_ingest_run(const sl_ingest_conf_t *c, sl_ingest_stats_t *st, char *errstr,
                              size_t errstr_size) {
    sl_ingest_stats_init(st);
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
    char dlq[512];
    if (c->dlq_topic && *c->dlq_topic)
        snprintf(dlq, sizeof dlq, "%s", c->dlq_topic);
    else
        snprintf(dlq, sizeof dlq, "%s.dlq", c->topic);

    {
        /* Fail on a URL that cannot be built before touching the network. */
        char probe[2048];
        if (sl_ingest_plan_url(probe, sizeof probe, c->source, c->batch, c->seed, UINT64_MAX,
                               c->nat) < 0) {
            snprintf(errstr, errstr_size, "source URL with seed and nat is too long");
            return SL_INGEST_ERR_CONFIG;
        }
    }

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(errstr, errstr_size, "cannot initialise libcurl");
        return SL_INGEST_ERR_HTTP;
    }
    sl_ingest_err_t rc = SL_INGEST_ERR_OK;
    sl_ingest_fetch_t *f = NULL;
    sl_ingest_producer_t *p =
        sl_ingest_producer_new(c->brokers, c->topic, dlq, c->kafka_props, c->n_kafka_props, st,
                               on_kafka_log, (void *)c, errstr, errstr_size);
    if (!p) {
        curl_global_cleanup();
        return SL_INGEST_ERR_CONFIG;
    }
    int topic_exists = 0;
    char kerr[256];
    /* metadata_timeout_ms 0: keep asking (10 s at a time) until Kafka answers or a stop. */
    int wait_ms = c->metadata_timeout_ms > 0 ? c->metadata_timeout_ms : 10000;
    while (sl_ingest_producer_check(p, wait_ms, &topic_exists, kerr, sizeof kerr)) {
        if (c->metadata_timeout_ms == 0 && !(c->stop && *c->stop)) {
            logf_(c, SL_LOG_WARN, "Kafka at %s not reached yet (%s); still trying", c->brokers,
                  kerr);
            continue;
        }
        snprintf(errstr, errstr_size, "Kafka at %s did not answer within %d ms: %s", c->brokers,
                 wait_ms, kerr);
        rc = SL_INGEST_ERR_KAFKA_UNREACHABLE;
        goto out;
    }
    if (!topic_exists)
        logf_(c, SL_LOG_WARN,
              "topic %s is not known to the cluster yet; producing relies on auto-creation "
              "(create it with `sluice schema`)",
              c->topic);

    sl_ingest_fetch_conf_t fc = {.slots = c->concurrency,
                                 .batch = c->batch,
                                 .connect_timeout_ms = c->connect_timeout_ms,
                                 .timeout_ms = c->timeout_ms,
                                 .max_body = c->max_body,
                                 .user_agent = "sluice-ingest/" SLUICE_VERSION,
                                 .encoder = c->encoder};
    f = sl_ingest_fetch_new(&fc, errstr, errstr_size);
    if (!f) {
        rc = SL_INGEST_ERR_NOMEM;
        goto out;
    }

    sl_ingest_plan_t plan;
    sl_ingest_plan_init(&plan, c->count, c->batch);
    sl_backoff_t bo;
    sl_backoff_init(&bo, c->backoff_base_ms, c->backoff_max_ms,
                    (uint64_t)sl_wall_us() ^ ((uint64_t)getpid() << 32));
    const uint64_t t0 = (uint64_t)sl_now_ms();
    uint64_t users_started = 0, last_tick = 0, stop_at = 0;
    int fetching = 1, plan_done = 0, fatal_http = 0;
    const unsigned n = sl_ingest_fetch_slots(f);
    logf_(c, SL_LOG_INFO, "fetching from %s (batch %u, concurrency %u) into %s (dead letters: %s)",
          c->source, c->batch, c->concurrency, c->topic, dlq);

    for (;;) {
        uint64_t now = (uint64_t)sl_now_ms() - t0;
        st->elapsed_s = (double)now / 1000.0;
        int stop = c->stop && *c->stop;
        if (fetching && (stop || (c->duration_s > 0 && now >= (uint64_t)(c->duration_s * 1000)) ||
                         fatal_http || sl_ingest_producer_fatal(p))) {
            fetching = 0;
            stop_at = now;
            logf_(c, SL_LOG_INFO, "%s; flushing",
                  stop                          ? "stop requested"
                  : fatal_http                  ? "giving up after a client error"
                  : sl_ingest_producer_fatal(p) ? "Kafka producer failed"
                                                : "duration reached");
            for (unsigned i = 0; i < n; i++) {
                sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(f, i);
                if (s->state == SL_INGEST_FETCH_RUNNING || s->state == SL_INGEST_FETCH_WAITING)
                    sl_ingest_fetch_cancel(f, s);
            }
        }
        /* Records still being handed over get flush_timeout after the stop, no more; a
         * second signal (*stop >= 2) means: do not wait at all. */
        int hard_stop = c->stop && *c->stop >= 2;
        int abandon = !fetching && (hard_stop || now - stop_at > (uint64_t)c->flush_timeout_ms);

        /* Start due retries and new pages. */
        for (unsigned i = 0; fetching && i < n; i++) {
            sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(f, i);
            if (s->state == SL_INGEST_FETCH_WAITING && s->due_ms <= now) {
                st->retries++;
                sl_ingest_fetch_start(f, s);
            } else if (s->state == SL_INGEST_FETCH_FREE && !plan_done &&
                       sl_ingest_plan_pace_ms(c->rate, users_started) <= now) {
                if (!sl_ingest_plan_next(&plan, &s->page, &s->results)) {
                    plan_done = 1;
                    continue;
                }
                s->attempt = 0;
                s->first_ms = now;
                build_url(c, s);
                users_started += s->results;
                logf_(c, SL_LOG_DEBUG, "GET %s", s->url);
                sl_ingest_fetch_start(f, s);
            }
        }

        /* Act on finished transfers. */
        int busy = 0, producing_blocked = 0;
        uint64_t retry_in = 0;
        for (unsigned i = 0; i < n; i++) {
            sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(f, i);
            if (s->state == SL_INGEST_FETCH_DONE) {
                st->requests[s->outcome]++;
                sl_ingest_stats_observe(st, s->seconds);
                if (s->outcome == SL_INGEST_OUTCOME_OK) {
                    st->pages_ok++;
                    st->users_fetched += s->n_recs;
                    st->bytes_fetched += s->body.len;
                    for (size_t k = 0; k < s->n_recs; k++)
                        if (s->recs[k].reject != SL_REJECT_NONE) {
                            st->rejected++;
                            st->rejected_by[s->recs[k].reject]++;
                        }
                    if (s->n_recs < s->results)
                        logf_(c, SL_LOG_WARN, "page %llu: %zu users instead of %u",
                              (unsigned long long)s->page, s->n_recs, s->results);
                    s->state = SL_INGEST_FETCH_PRODUCING;
                    s->cursor = 0;
                } else if (s->retriable && s->attempt < c->retries && fetching &&
                           retry_wait(c, &bo, s, now, &retry_in)) {
                    logf_(c, SL_LOG_WARN, "page %llu attempt %u failed (%s): %s; retry in %llu ms",
                          (unsigned long long)s->page, s->attempt + 1,
                          sl_ingest_outcome_label(s->outcome), s->detail,
                          (unsigned long long)retry_in);
                    s->attempt++;
                    s->due_ms = now + retry_in;
                    s->state = SL_INGEST_FETCH_WAITING;
                } else if (!fetching && s->retriable) {
                    /* Stopped while this page was failing: nothing of it was fetched, so
                     * nothing is lost; it is simply not part of this run. */
                    s->state = SL_INGEST_FETCH_FREE;
                } else {
                    st->pages_failed++;
                    char why[96] = ""; /* retries left, but no time for one */
                    if (s->retriable && s->attempt < c->retries && fetching)
                        snprintf(why, sizeof why,
                                 "; no further try could end within %g s of the first",
                                 (double)c->retry_time_ms / 1000.0);
                    logf_(c, SL_LOG_ERROR, "page %llu failed after %u attempts (%s): %s%s",
                          (unsigned long long)s->page, s->attempt + 1,
                          sl_ingest_outcome_label(s->outcome), s->detail, why);
                    if (s->outcome == SL_INGEST_OUTCOME_HTTP_4XX)
                        fatal_http = 1;
                    s->state = SL_INGEST_FETCH_FREE;
                }
            }
            if (s->state == SL_INGEST_FETCH_PRODUCING) {
                if (abandon) {
                    s->state = SL_INGEST_FETCH_FREE; /* the rest stays counted as undelivered */
                } else if (produce_slot(p, s, st)) {
                    s->state = SL_INGEST_FETCH_FREE;
                } else {
                    producing_blocked = 1;
                }
            }
            if (s->state != SL_INGEST_FETCH_FREE)
                busy = 1;
        }

        sl_ingest_producer_poll(p, 0);
        sl_ingest_producer_drain_fd(p);

        if (c->tick && now - last_tick >= c->tick_ms) {
            last_tick = now;
            c->tick(c->opaque, st, 0);
        }
        if (!busy && (!fetching || plan_done))
            break;

        /* Sleep until the network, a delivery report, a retry, the pacer or a tick. */
        uint64_t wait = c->tick_ms ? c->tick_ms : 100;
        if (wait > 100)
            wait = 100;
        if (producing_blocked)
            wait = 1;
        for (unsigned i = 0; i < n; i++) {
            sl_ingest_fetch_slot_t *s = sl_ingest_fetch_slot(f, i);
            if (s->state == SL_INGEST_FETCH_WAITING && s->due_ms > now && s->due_ms - now < wait)
                wait = s->due_ms - now;
            if (s->state == SL_INGEST_FETCH_FREE && fetching && !plan_done) {
                uint64_t at = sl_ingest_plan_pace_ms(c->rate, users_started);
                wait = at > now ? (at - now < wait ? at - now : wait) : 0;
            }
        }
        sl_ingest_fetch_poll(f, wait ? (int)wait : 0, sl_ingest_producer_fd(p));
    }

    /* Flush in short slices so that a second signal cuts the wait short. */
    int left = sl_ingest_producer_outq(p);
    const uint64_t flush_end = (uint64_t)sl_now_ms() + (uint64_t)c->flush_timeout_ms;
    while (left > 0 && !(c->stop && *c->stop >= 2)) {
        uint64_t t = (uint64_t)sl_now_ms();
        if (t >= flush_end)
            break;
        left = sl_ingest_producer_flush(p, (int)(flush_end - t < 100 ? flush_end - t : 100));
    }
    st->elapsed_s = (double)((uint64_t)sl_now_ms() - t0) / 1000.0;
    if (left > 0)
        logf_(c, SL_LOG_ERROR, "%d records still queued after the %d ms flush timeout", left,
              c->flush_timeout_ms);
    if (c->tick)
        c->tick(c->opaque, st, 1);
    if (sl_ingest_producer_fatal(p)) {
        snprintf(errstr, errstr_size, "Kafka producer fatal error: %s",
                 sl_ingest_producer_fatal(p));
        rc = SL_INGEST_ERR_KAFKA;
    } else if (!sl_ingest_stats_complete(st)) {
        const char *last = sl_ingest_producer_last_error(p);
        snprintf(errstr, errstr_size,
                 "%llu users not delivered, %llu dead letters not delivered, %llu pages "
                 "failed%s%s",
                 (unsigned long long)sl_ingest_stats_undelivered(st),
                 (unsigned long long)sl_ingest_stats_dlq_undelivered(st),
                 (unsigned long long)st->pages_failed, last ? "; last Kafka error: " : "",
                 last ? last : "");
        rc = SL_INGEST_ERR_INCOMPLETE;
    } else if (c->count && st->users_fetched < c->count && !(c->stop && *c->stop)) {
        /* --count is what was asked for; a --duration that ends the run first leaves it
         * incomplete (a signal does not: the operator asked for the stop). */
        snprintf(errstr, errstr_size, "fetched %llu of %llu users%s",
                 (unsigned long long)st->users_fetched, (unsigned long long)c->count,
                 c->duration_s > 0 ? " before --duration ended the run" : "");
        rc = SL_INGEST_ERR_INCOMPLETE;
    }
out:
    sl_ingest_fetch_free(f);
    sl_ingest_producer_free(p);
    curl_global_cleanup();
    return rc;
}
