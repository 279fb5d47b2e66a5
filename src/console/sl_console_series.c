/* Points of the history; see sl_console_series.h. */
#include "sl_console_series.h"

#include <math.h>
#include <string.h>

#include "sl_hist.h"

static const char *const names[] = {
#define SL_CONSOLE_S_NAME_(sym, name, help) name,
    SL_CONSOLE_SERIES(SL_CONSOLE_S_NAME_)
#undef SL_CONSOLE_S_NAME_
};
static const char *const helps[] = {
#define SL_CONSOLE_S_HELP_(sym, name, help) help,
    SL_CONSOLE_SERIES(SL_CONSOLE_S_HELP_)
#undef SL_CONSOLE_S_HELP_
};

const char *sl_console_series_name(sl_console_series_t s) {
    return (unsigned)s < SL_CONSOLE_S_COUNT ? names[s] : "";
}
const char *sl_console_series_help(sl_console_series_t s) {
    return (unsigned)s < SL_CONSOLE_S_COUNT ? helps[s] : "";
}

/* Growth of a counter, counting a drop as a restart from zero. */
static double growth(double before, double now) {
    if (isnan(before) || isnan(now))
        return NAN;
    return now >= before ? now - before : now;
}

static int64_t topic_high(const sl_console_topic_t *t) {
    int64_t sum = 0;
    for (int p = 0; p < t->n_partitions; p++) {
        if (t->partitions[p].high < 0)
            return -1;
        sum += t->partitions[p].high;
    }
    return sum;
}

/* Sum of high-watermark growth over topics present in both (flags pick which). */
static double topics_growth(const sl_console_snap_t *prev, const sl_console_snap_t *cur,
                            int want_dlq) {
    double sum = 0;
    int any = 0;
    for (size_t i = 0; i < cur->n_topics; i++) {
        const sl_console_topic_t *t = &cur->topics[i];
        if (t->internal || t->dlq != want_dlq)
            continue;
        const sl_console_topic_t *o = sl_console_snap_topic(prev, t->name);
        int64_t a = o ? topic_high(o) : -1, b = topic_high(t);
        if (a < 0 || b < 0)
            continue;
        sum += growth((double)a, (double)b);
        any = 1;
    }
    return any ? sum : NAN;
}

int64_t sl_console_series_topic_lag(const sl_console_snap_t *s, const sl_console_topic_t *t) {
    int64_t sum = -1;
    for (size_t g = 0; t && g < s->n_groups; g++) {
        int64_t lag = sl_console_snap_lag(&s->groups[g], t, NULL);
        if (lag >= 0)
            sum = (sum < 0 ? 0 : sum) + lag;
    }
    return sum;
}

/* Adds the components' rates of metric m; NaN when none serves it. */
static double rate_sum(const sl_console_snap_t *cur, sl_console_metric_t m) {
    double sum = 0;
    int any = 0;
    for (size_t i = 0; i < cur->n_components; i++)
        if (!isnan(cur->components[i].rate[m])) {
            sum += cur->components[i].rate[m];
            any = 1;
        }
    return any ? sum : NAN;
}

/* Latency quantiles from the bucket counts gained between the two samples, summed over the
 * processors (all serve the same bounds). */
static void e2e_quantiles(const sl_console_snap_t *prev, const sl_console_snap_t *cur, double *p50,
                          double *p99) {
    sl_hist_t h;
    memset(&h, 0, sizeof h);
    size_t nb = 0;
    double cum[SL_CONSOLE_E2E_MAX_BUCKETS] = {0};
    for (size_t i = 0; i < cur->n_components && i < prev->n_components; i++) {
        const sl_console_component_t *a = &prev->components[i], *b = &cur->components[i];
        if (b->n_e2e < 2 || a->n_e2e != b->n_e2e)
            continue;
        if (nb && nb != b->n_e2e)
            continue;
        nb = b->n_e2e;
        for (size_t k = 0; k < nb; k++) {
            if (k + 1 < nb && k < SL_HIST_MAX_BUCKETS)
                h.bounds[k] = b->e2e_le[k];
            cum[k] += growth(a->e2e_cum[k], b->e2e_cum[k]);
        }
    }
    *p50 = *p99 = NAN;
    /* the last bucket is +Inf; the histogram keeps the others as bounds */
    if (nb < 2 || nb - 1 > SL_HIST_MAX_BUCKETS)
        return;
    h.n_bounds = nb - 1;
    double before = 0;
    for (size_t k = 0; k < nb; k++) {
        double c = cum[k] - before;
        h.counts[k] = c > 0 ? (uint64_t)c : 0;
        h.count += h.counts[k];
        before = cum[k] > before ? cum[k] : before;
    }
    if (h.count == 0)
        return;
    *p50 = sl_hist_quantile(&h, 0.5);
    *p99 = sl_hist_quantile(&h, 0.99);
}

void sl_console_series_point(const sl_console_snap_t *prev, sl_console_snap_t *cur,
                             const char *topic, double out[SL_CONSOLE_S_COUNT]) {
    for (int i = 0; i < SL_CONSOLE_S_COUNT; i++)
        out[i] = NAN;
    double dt = prev ? (double)(cur->mono_ms - prev->mono_ms) / 1000.0 : 0;
    for (size_t i = 0; i < cur->n_components; i++) {
        sl_console_component_t *b = &cur->components[i];
        const sl_console_component_t *a =
            prev && i < prev->n_components ? &prev->components[i] : NULL;
        for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
            b->rate[m] = a && dt > 0 ? growth(a->m[m], b->m[m]) / dt : NAN;
    }
    const sl_console_topic_t *t = topic ? sl_console_snap_topic(cur, topic) : NULL;
    int64_t lag = sl_console_series_topic_lag(cur, t);
    if (lag >= 0)
        out[SL_CONSOLE_S_LAG] = (double)lag;
    if (!prev || dt <= 0)
        return;
    const sl_console_topic_t *o = topic ? sl_console_snap_topic(prev, topic) : NULL;
    if (t && o && topic_high(t) >= 0 && topic_high(o) >= 0)
        out[SL_CONSOLE_S_PRODUCED] = growth((double)topic_high(o), (double)topic_high(t)) / dt;
    out[SL_CONSOLE_S_TOPICS_IN] = topics_growth(prev, cur, 0) / dt;
    out[SL_CONSOLE_S_DEAD] = topics_growth(prev, cur, 1) / dt;
    out[SL_CONSOLE_S_FETCHED] = rate_sum(cur, SL_CONSOLE_M_INGEST_FETCHED);
    out[SL_CONSOLE_S_CONSUMED] = rate_sum(cur, SL_CONSOLE_M_PROCESS_CONSUMED);
    out[SL_CONSOLE_S_WRITTEN] = rate_sum(cur, SL_CONSOLE_M_PROCESS_WRITTEN);
    e2e_quantiles(prev, cur, &out[SL_CONSOLE_S_E2E_P50], &out[SL_CONSOLE_S_E2E_P99]);
}
