/* Fixed-bucket histograms for latencies; see sl_hist.h. */
#include "sl_hist.h"

#include <stdio.h>
#include <string.h>

void sl_hist_init(sl_hist_t *h, const double *bounds, size_t n) {
    memset(h, 0, sizeof *h);
    h->n_bounds = n < SL_HIST_MAX_BUCKETS ? n : SL_HIST_MAX_BUCKETS;
    memcpy(h->bounds, bounds, h->n_bounds * sizeof *bounds);
}

void sl_hist_init_latency(sl_hist_t *h) {
    static const double b[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                               0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};
    sl_hist_init(h, b, sizeof b / sizeof b[0]);
}

void sl_hist_observe(sl_hist_t *h, double seconds) {
    size_t i = 0;
    while (i < h->n_bounds && seconds > h->bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += seconds;
}

double sl_hist_quantile(const sl_hist_t *h, double q) {
    if (h->count == 0)
        return 0;
    double rank = q * (double)h->count;
    uint64_t seen = 0;
    for (size_t i = 0; i <= h->n_bounds; i++) {
        if (h->counts[i] == 0) {
            continue;
        }
        if ((double)(seen + h->counts[i]) >= rank) {
            double lo = i == 0 ? 0 : h->bounds[i - 1];
            double hi = i < h->n_bounds ? h->bounds[i] : h->bounds[h->n_bounds - 1];
            double within = (rank - (double)seen) / (double)h->counts[i];
            return lo + (hi - lo) * within;
        }
        seen += h->counts[i];
    }
    return h->bounds[h->n_bounds - 1];
}

int sl_hist_quantile_beyond(const sl_hist_t *h, double q) {
    uint64_t below = h->count - h->counts[h->n_bounds];
    return h->count > 0 && (double)below < q * (double)h->count;
}

const char *sl_hist_quantile_text(const sl_hist_t *h, double q, char *buf, size_t cap) {
    if (h->n_bounds > 0 && sl_hist_quantile_beyond(h, q))
        snprintf(buf, cap, "> %g s", h->bounds[h->n_bounds - 1]);
    else
        snprintf(buf, cap, "%.1f ms", sl_hist_quantile(h, q) * 1e3);
    return buf;
}

void sl_hist_text(const sl_hist_t *h, const char *name, const char *labels, sl_text_t *t) {
    const char *sep = labels && *labels ? "," : "";
    const char *lab = labels ? labels : "";
    uint64_t cum = 0;
    for (size_t i = 0; i <= h->n_bounds; i++) {
        cum += h->counts[i];
        if (i < h->n_bounds)
            sl_text_printf(t, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, lab, sep, h->bounds[i],
                           (unsigned long long)cum);
        else
            sl_text_printf(t, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, lab, sep,
                           (unsigned long long)cum);
    }
    if (labels && *labels)
        sl_text_printf(t, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name, lab, h->sum, name, lab,
                       (unsigned long long)h->count);
    else
        sl_text_printf(t, "%s_sum %.6f\n%s_count %llu\n", name, h->sum, name,
                       (unsigned long long)h->count);
}

int sl_hist_render(const sl_hist_t *h, const char *name, const char *labels, char *out, size_t cap,
                   size_t *len) {
    sl_text_t t;
    sl_text_init(&t, out, cap, *len);
    sl_hist_text(h, name, labels, &t);
    if (!sl_text_fits(&t))
        return -1;
    *len = t.len;
    return 0;
}
