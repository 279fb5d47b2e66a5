/*
 * sl_hist — a latency histogram with fixed bucket bounds, rendered in the Prometheus text
 * format (cumulative `_bucket{le=…}`, `_sum`, `_count`). Recording is a short loop over at
 * most SL_HIST_MAX_BUCKETS bounds and no allocation; quantiles are estimated from buckets.
 */
#ifndef SL_HIST_H
#define SL_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "sl_text.h"

#define SL_HIST_MAX_BUCKETS 24

typedef struct {
    double bounds[SL_HIST_MAX_BUCKETS];       /* upper bounds in seconds, increasing */
    uint64_t counts[SL_HIST_MAX_BUCKETS + 1]; /* last one is +Inf */
    size_t n_bounds;
    uint64_t count;
    double sum;
} sl_hist_t;

/* An empty histogram over n (at most SL_HIST_MAX_BUCKETS, more are dropped) increasing
 * upper bounds in seconds; bounds is copied. */
void sl_hist_init(sl_hist_t *h, const double *bounds, size_t n);
/* Latency buckets from 100 µs to 30 s, roughly ×2.5 apart. */
void sl_hist_init_latency(sl_hist_t *h);
void sl_hist_observe(sl_hist_t *h, double seconds);
/* Estimated q-quantile (0 < q < 1) in seconds by linear interpolation in its bucket;
 * 0 when empty. */
double sl_hist_quantile(const sl_hist_t *h, double q);
/* Whether the q-quantile lies beyond the top bound (in the +Inf bucket): then
 * sl_hist_quantile() says only "more than the top bound". */
int sl_hist_quantile_beyond(const sl_hist_t *h, double q);
/* The q-quantile for people, into buf (cap bytes, always NUL-terminated): "12.3 ms", or
 * "> 600 s" (the top bound) when it lies beyond the top bucket, where any number would be
 * made up. Returns buf. */
const char *sl_hist_quantile_text(const sl_hist_t *h, double q, char *buf, size_t cap);
/* Appends the Prometheus lines of metric `name` with an optional label set (e.g.
 * `partition="3"`, or NULL) to out (cap bytes) at *len and advances *len; returns -1 (and
 * leaves *len) when it does not fit. */
int sl_hist_render(const sl_hist_t *h, const char *name, const char *labels, char *out, size_t cap,
                   size_t *len);
/* The same lines appended to t (counted even where they do not fit, see sl_text). */
void sl_hist_text(const sl_hist_t *h, const char *name, const char *labels, sl_text_t *t);

#endif
