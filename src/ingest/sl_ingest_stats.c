/*
 * Counters of an ingest run and their three renderings: Prometheus text for /metrics,
 * a JSON object for the summary, and the terminal's progress line.
 */
#include "sl_ingest_stats.h"

#include <stdio.h>
#include <string.h>

#include "sl_text.h"

/* Upper bounds in seconds of the request duration histogram (plus +Inf). */
static const double request_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,    2.5,   5,    10,  30};

void sl_ingest_stats_init(sl_ingest_stats_t *s) {
    memset(s, 0, sizeof *s);
    sl_hist_init(&s->request_secs, request_bounds,
                 sizeof request_bounds / sizeof request_bounds[0]);
}

void sl_ingest_stats_observe(sl_ingest_stats_t *s, double seconds) {
    sl_hist_observe(&s->request_secs, seconds);
}

uint64_t sl_ingest_stats_undelivered(const sl_ingest_stats_t *s) {
    uint64_t done = s->produced + s->rejected;
    return s->users_fetched > done ? s->users_fetched - done : 0;
}

uint64_t sl_ingest_stats_dlq_undelivered(const sl_ingest_stats_t *s) {
    return s->rejected > s->dlq_produced ? s->rejected - s->dlq_produced : 0;
}

uint64_t sl_ingest_stats_requests(const sl_ingest_stats_t *s) {
    uint64_t n = 0;
    for (int i = 0; i < SL_INGEST_OUTCOME_COUNT; i++)
        n += s->requests[i];
    return n;
}

int sl_ingest_stats_complete(const sl_ingest_stats_t *s) {
    return s->users_fetched == s->produced + s->rejected && s->dlq_produced == s->rejected &&
           s->delivery_failed == 0 && s->dlq_failed == 0 && s->pages_failed == 0;
}

static void counter(sl_text_t *o, const char *name, const char *help, uint64_t v) {
    sl_text_printf(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
                   (unsigned long long)v);
}

size_t sl_ingest_stats_prometheus(const sl_ingest_stats_t *s, char *buf, size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    counter(&o, "sluice_ingest_users_fetched_total", "Users received in successful responses.",
            s->users_fetched);
    counter(&o, "sluice_ingest_records_produced_total",
            "Records acknowledged by Kafka on the main topic.", s->produced);
    sl_text_printf(
        &o, "# HELP sluice_ingest_records_rejected_total Users routed to the dead-letter topic, "
            "by reason.\n# TYPE sluice_ingest_records_rejected_total counter\n");
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        if (s->rejected_by[r])
            sl_text_printf(&o, "sluice_ingest_records_rejected_total{reason=\"%s\"} %llu\n",
                           sl_reject_name((sl_reject_t)r), (unsigned long long)s->rejected_by[r]);
    counter(&o, "sluice_ingest_dlq_produced_total",
            "Records acknowledged by Kafka on the dead-letter topic.", s->dlq_produced);
    counter(&o, "sluice_ingest_delivery_failed_total",
            "Records Kafka reported as not delivered (main and dead-letter topics).",
            s->delivery_failed + s->dlq_failed);
    sl_text_printf(&o, "# HELP sluice_ingest_requests_total HTTP requests by outcome.\n"
                       "# TYPE sluice_ingest_requests_total counter\n");
    for (int i = 0; i < SL_INGEST_OUTCOME_COUNT; i++)
        sl_text_printf(&o, "sluice_ingest_requests_total{outcome=\"%s\"} %llu\n",
                       sl_ingest_outcome_label((sl_ingest_outcome_t)i),
                       (unsigned long long)s->requests[i]);
    counter(&o, "sluice_ingest_request_retries_total", "Requests that retried a page.", s->retries);
    counter(&o, "sluice_ingest_pages_failed_total", "Pages given up after the last retry.",
            s->pages_failed);
    counter(&o, "sluice_ingest_response_bytes_total", "Body bytes of successful responses.",
            s->bytes_fetched);
    counter(&o, "sluice_ingest_queue_full_total",
            "Times the producer queue was full and the record was retried.", s->queue_full);
    sl_text_printf(&o,
                   "# HELP sluice_ingest_records_in_flight Records handed to Kafka and not yet "
                   "acknowledged.\n# TYPE sluice_ingest_records_in_flight gauge\n"
                   "sluice_ingest_records_in_flight %llu\n",
                   (unsigned long long)(s->enqueued + s->dlq_enqueued - s->produced -
                                        s->delivery_failed - s->dlq_produced - s->dlq_failed));
    sl_text_printf(&o,
                   "# HELP sluice_ingest_request_duration_seconds Time from request start to the "
                   "last body byte.\n# TYPE sluice_ingest_request_duration_seconds histogram\n");
    sl_hist_text(&s->request_secs, "sluice_ingest_request_duration_seconds", NULL, &o);
    return o.len;
}

size_t sl_ingest_stats_json(const sl_ingest_stats_t *s, char *buf, size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    sl_text_printf(
        &o,
        "{\"users_fetched\":%llu,\"produced\":%llu,\"rejected\":%llu,\"undelivered\":%llu,"
        "\"delivery_failed\":%llu,\"dlq_produced\":%llu,\"dlq_failed\":%llu,"
        "\"dlq_undelivered\":%llu,\"pages_ok\":%llu,\"pages_failed\":%llu,"
        "\"requests\":%llu,\"retries\":%llu,\"bytes\":%llu,\"queue_full\":%llu,"
        "\"elapsed_s\":%.3f,\"users_per_s\":%.1f,\"complete\":%s,\"rejected_by\":{",
        (unsigned long long)s->users_fetched, (unsigned long long)s->produced,
        (unsigned long long)s->rejected, (unsigned long long)sl_ingest_stats_undelivered(s),
        (unsigned long long)s->delivery_failed, (unsigned long long)s->dlq_produced,
        (unsigned long long)s->dlq_failed, (unsigned long long)sl_ingest_stats_dlq_undelivered(s),
        (unsigned long long)s->pages_ok, (unsigned long long)s->pages_failed,
        (unsigned long long)sl_ingest_stats_requests(s), (unsigned long long)s->retries,
        (unsigned long long)s->bytes_fetched, (unsigned long long)s->queue_full, s->elapsed_s,
        s->elapsed_s > 0 ? (double)s->users_fetched / s->elapsed_s : 0.0,
        sl_ingest_stats_complete(s) ? "true" : "false");
    const char *sep = "";
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        if (s->rejected_by[r]) {
            sl_text_printf(&o, "%s\"%s\":%llu", sep, sl_reject_name((sl_reject_t)r),
                           (unsigned long long)s->rejected_by[r]);
            sep = ",";
        }
    sl_text_printf(&o, "},\"requests_by\":{");
    sep = "";
    for (int i = 0; i < SL_INGEST_OUTCOME_COUNT; i++)
        if (s->requests[i]) {
            sl_text_printf(&o, "%s\"%s\":%llu", sep,
                           sl_ingest_outcome_label((sl_ingest_outcome_t)i),
                           (unsigned long long)s->requests[i]);
            sep = ",";
        }
    sl_text_printf(&o, "}}");
    return o.len;
}

size_t sl_ingest_stats_progress(const sl_ingest_stats_t *s, double users_per_s, char *buf,
                                size_t cap) {
    sl_text_t o;
    sl_text_init(&o, buf, cap, 0);
    uint64_t failed = sl_ingest_stats_requests(s) - s->requests[SL_INGEST_OUTCOME_OK];
    sl_text_printf(&o,
                   "fetched %llu  produced %llu  rejected %llu  failed requests %llu  %.0f users/s",
                   (unsigned long long)s->users_fetched, (unsigned long long)s->produced,
                   (unsigned long long)s->rejected, (unsigned long long)failed, users_per_s);
    return o.len;
}
