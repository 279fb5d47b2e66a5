/*
 * The sampler thread: on every interval (or when a refresh is asked for) it builds a new
 * snapshot — Kafka, the components' /healthz and /metrics, the registry, Cassandra, the
 * dead-letter counts — computes the history point from it and the snapshot before, and
 * publishes it. Between samples it drives the CQL session, so its connections stay alive
 * and reconnect on their own schedule.
 */
#include "sl_console_int.h"

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl_console_cass.h"
#include "sl_console_probe.h"
#include "sl_console_prom.h"
#include "sl_time.h"

#define HEALTH_MAX_BODY 4096
#define METRICS_MAX_BODY ((size_t)2 << 20)
#define HEALTH_SHOWN 256

typedef struct {
    sl_console_component_t *comp;
    int ingest, process, e2e_bad;
} metrics_ctx_t;

static int starts_with(const char *s, size_t n, const char *prefix) {
    size_t m = strlen(prefix);
    return n >= m && memcmp(s, prefix, m) == 0;
}

static int same(const char *s, size_t n, const char *name) {
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

static void on_sample(void *opaque, const char *name, size_t name_len, const char *labels,
                      size_t labels_len, double value) {
    metrics_ctx_t *mc = opaque;
    sl_console_component_t *comp = mc->comp;
    if (starts_with(name, name_len, "sluice_ingest_"))
        mc->ingest = 1;
    else if (starts_with(name, name_len, "sluice_process_"))
        mc->process = 1;
    for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
        if (same(name, name_len, sl_console_metric_name((sl_console_metric_t)m)) && !isnan(value)) {
            comp->m[m] = (isnan(comp->m[m]) ? 0 : comp->m[m]) + value;
            return;
        }
    if (!same(name, name_len, SL_CONSOLE_E2E_METRIC))
        return;
    char le[64];
    if (sl_console_prom_label(labels, labels_len, "le", le, sizeof le) != 0) {
        mc->e2e_bad = 1;
        return;
    }
    char *end;
    double bound = strcmp(le, "+Inf") == 0 ? INFINITY : strtod(le, &end);
    if (comp->n_e2e == SL_CONSOLE_E2E_MAX_BUCKETS ||
        (comp->n_e2e && !(bound > comp->e2e_le[comp->n_e2e - 1]))) {
        mc->e2e_bad = 1;
        return;
    }
    comp->e2e_le[comp->n_e2e] = bound;
    comp->e2e_cum[comp->n_e2e] = value;
    comp->n_e2e++;
}

static void fill_component(sl_console_snap_t *s, sl_console_component_t *comp,
                           const sl_console_probe_t *health, const sl_console_probe_t *metrics) {
    for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
        comp->m[m] = comp->rate[m] = NAN;
    comp->health_code = health->status;
    if (health->body)
        comp->health_body = sl_console_arena_strndup(
            s->arena, health->body, health->len > HEALTH_SHOWN ? HEALTH_SHOWN : health->len);
    char err[400] = "";
    if (health->error[0])
        snprintf(err, sizeof err, "/healthz: %s", health->error);
    if (metrics->status == 200 && metrics->body) {
        metrics_ctx_t mc = {.comp = comp};
        comp->metrics_bad_lines =
            sl_console_prom_parse(metrics->body, metrics->len, on_sample, &mc);
        comp->metrics_ok = 1;
        if (mc.e2e_bad || (comp->n_e2e && !isinf(comp->e2e_le[comp->n_e2e - 1])))
            comp->n_e2e = 0;
        comp->kind = mc.ingest    ? SL_CONSOLE_KIND_INGEST
                     : mc.process ? SL_CONSOLE_KIND_PROCESS
                                  : SL_CONSOLE_KIND_UNKNOWN;
    } else if (!err[0]) {
        if (metrics->error[0])
            snprintf(err, sizeof err, "/metrics: %s", metrics->error);
        else
            snprintf(err, sizeof err, "/metrics: HTTP %d", metrics->status);
    }
    if (err[0])
        comp->error = sl_console_arena_strdup(s->arena, err);
}

/* /healthz and /metrics of every component and the registry's /subjects, all at once. */
static void probe_all(sl_console_t *c, sl_console_snap_t *s) {
    size_t nc = c->conf.n_components;
    int probe_registry = c->registry_url && !c->conf.registry.ping;
    size_t n = 2 * nc + (probe_registry ? 1 : 0);
    s->registry.configured = c->registry_url != NULL;
    s->components = sl_console_arena_alloc(s->arena, (nc + 1) * sizeof *s->components);
    if (!s->components || n == 0)
        return;
    sl_console_probe_t *reqs = calloc(n, sizeof *reqs);
    char(*urls)[1100] = calloc(n, sizeof *urls);
    if (!reqs || !urls) {
        free(reqs);
        free(urls);
        return;
    }
    for (size_t i = 0; i < nc; i++) {
        snprintf(urls[2 * i], sizeof urls[0], "%s/healthz", c->components[i].url);
        snprintf(urls[2 * i + 1], sizeof urls[0], "%s/metrics", c->components[i].url);
        reqs[2 * i] = (sl_console_probe_t){.url = urls[2 * i], .max_body = HEALTH_MAX_BODY};
        reqs[2 * i + 1] =
            (sl_console_probe_t){.url = urls[2 * i + 1], .max_body = METRICS_MAX_BODY};
    }
    if (probe_registry) {
        snprintf(urls[n - 1], sizeof urls[0], "%s/subjects", c->registry_url);
        reqs[n - 1] = (sl_console_probe_t){
            .url = urls[n - 1], .max_body = METRICS_MAX_BODY, .ca_file = c->registry_ca};
    }
    sl_console_probe_run(reqs, n, c->conf.probe_timeout_ms);
    for (size_t i = 0; i < nc; i++) {
        sl_console_component_t *comp = &s->components[i];
        comp->name = c->components[i].name;
        comp->url = c->components[i].url;
        fill_component(s, comp, &reqs[2 * i], &reqs[2 * i + 1]);
        s->n_components++;
    }
    if (probe_registry) {
        s->registry.status = reqs[n - 1].status;
        s->registry.reachable = reqs[n - 1].status == 200;
        if (!s->registry.reachable)
            s->registry.error = sl_console_arena_strdup(
                s->arena, reqs[n - 1].error[0] ? reqs[n - 1].error : "GET /subjects not 200");
    }
    sl_console_probe_clear(reqs, n);
    free(reqs);
    free(urls);
}

/* The registry's reachability through the registry hook (its client, its credentials). */
static void ping_registry(sl_console_t *c, sl_console_snap_t *s) {
    const sl_console_registry_t *r = &c->conf.registry;
    if (!c->registry_url || !r->ping)
        return;
    char err[512] = "";
    s->registry.configured = 1;
    s->registry.reachable = r->ping(r->opaque, err, sizeof err) == 0;
    if (!s->registry.reachable)
        s->registry.error = sl_console_arena_strdup(s->arena, err[0] ? err : "no answer");
}

static sl_console_snap_t *sample_once(sl_console_t *c) {
    sl_console_snap_t *s = sl_console_snap_new(SL_CONSOLE_SNAP_MAX_BYTES);
    if (!s)
        return NULL;
    s->taken_ms = sl_wall_ms();
    s->mono_ms = sl_now_ms();
    sl_console_kafka_limits_t lim = {c->conf.kafka_timeout_ms, c->conf.max_topics,
                                     c->conf.max_groups, c->conf.max_partitions, c->dlq_suffix};
    int kafka = sl_console_kafka_gather(c->rk, s, &lim);
    probe_all(c, s);
    ping_registry(c, s);
    sl_console_cass_gather(c->conf.cassandra, s, c->conf.kafka_timeout_ms);
    if (kafka == 0) {
        int budget = (int)(c->conf.interval_s * 500);
        sl_console_dlq_update(c->dlq, s,
                              budget < 200    ? 200
                              : budget > 5000 ? 5000
                                              : budget,
                              200000);
    }
    sl_console_json_t j;
    sl_console_json_init(&j, 8 << 20);
    sl_console_dlq_render(c->dlq, s, &j);
    size_t len = 0;
    char *text = sl_console_json_take(&j, &len);
    if (text) {
        s->dlq_json = sl_console_arena_strndup(s->arena, text, len);
        s->dlq_json_len = s->dlq_json ? len : 0;
    }
    free(text);
    s->took_ms = sl_now_ms() - s->mono_ms;
    return s;
}

/* Waits until deadline (monotonic ms), a wake-up or stop; drives the CQL session meanwhile. */
static void wait_until(sl_console_t *c, int64_t deadline) {
    cql_session_t *cql = c->conf.cassandra;
    while (!atomic_load(&c->stopping)) {
        int64_t left = deadline - sl_now_ms();
        if (left <= 0)
            return;
        if (cql) {
            int64_t ct = cql_session_timeout_ms(cql);
            if (ct >= 0 && ct < left)
                left = ct;
        }
        struct pollfd fds[2] = {{c->wake_fd, POLLIN, 0},
                                {cql ? cql_session_fd(cql) : -1, POLLIN, 0}};
        int n = poll(fds, cql && fds[1].fd >= 0 ? 2 : 1, (int)(left > 1000 ? 1000 : left));
        if (cql)
            cql_session_step(cql);
        if (n > 0 && (fds[0].revents & POLLIN)) {
            uint64_t v;
            if (read(c->wake_fd, &v, sizeof v) == sizeof v)
                return;
        }
    }
}

static void publish(sl_console_t *c, sl_console_snap_t *s, uint64_t covers, const double *point) {
    pthread_mutex_lock(&c->lock);
    sl_console_snap_t *old = c->snap;
    s->seq = ++c->seq;
    c->snap = s;
    if (covers > c->covered)
        c->covered = covers;
    sl_console_ring_push(c->ring, s->taken_ms, point);
    pthread_cond_broadcast(&c->published);
    int last = old && --old->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last)
        sl_console_snap_free(old);
}

void *sl_console_sample_main(void *opaque) {
    sl_console_t *c = opaque;
    sl_console_snap_t *prev = NULL;
    int64_t next = sl_now_ms();
    int64_t interval_ms = (int64_t)(c->conf.interval_s * 1000);
    while (!atomic_load(&c->stopping)) {
        wait_until(c, next);
        if (atomic_load(&c->stopping))
            break;
        pthread_mutex_lock(&c->lock);
        uint64_t covers = c->wanted;
        pthread_mutex_unlock(&c->lock);
        int64_t t0 = sl_now_ms();
        sl_console_snap_t *s = sample_once(c);
        if (!s) {
            atomic_fetch_add(&c->stats.sample_failures, 1);
            next = t0 + interval_ms;
            continue;
        }
        atomic_fetch_add(&c->stats.samples, 1);
        if (!s->kafka_ok)
            atomic_fetch_add(&c->stats.sample_failures, 1);
        pthread_mutex_lock(&c->stats.hist_lock);
        sl_hist_observe(&c->stats.sample_seconds, (double)s->took_ms / 1000.0);
        pthread_mutex_unlock(&c->stats.hist_lock);
        double point[SL_CONSOLE_S_COUNT];
        sl_console_series_point(prev, s, c->topic, point);
        s->refs++; /* the sampler keeps it as the next "before" */
        publish(c, s, covers, point);
        sl_console_release(c, prev);
        prev = s;
        next = t0 + interval_ms;
    }
    sl_console_release(c, prev);
    return NULL;
}
