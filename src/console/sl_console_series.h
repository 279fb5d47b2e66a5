/*
 * sl_console_series — the numbers the charts draw, one point per sample: rates from the
 * difference of two snapshots (topic high watermarks, the components' counters) over the
 * time between them, the lag of the groups on the pipeline topic, and end-to-end latency
 * quantiles from the processors' histogram buckets gained in the interval. A counter that
 * went down (a restarted component) counts from zero. Unknown values are NaN.
 */
#ifndef SL_CONSOLE_SERIES_H
#define SL_CONSOLE_SERIES_H

#include "sl_console_snap.h"

#define SL_CONSOLE_SERIES(X)                                                                       \
    X(PRODUCED, "produced", "messages/s appended to the pipeline topic")                           \
    X(FETCHED, "fetched", "users/s fetched by the ingests")                                        \
    X(CONSUMED, "consumed", "messages/s consumed by the processors")                               \
    X(WRITTEN, "written", "rows/s written to Cassandra by the processors")                         \
    X(DEAD, "dead_lettered", "messages/s appended to dead-letter topics")                          \
    X(TOPICS_IN, "topics_in", "messages/s appended to all topics but internal and dead-letter")    \
    X(LAG, "lag", "messages the groups on the pipeline topic are behind")                          \
    X(E2E_P50, "e2e_p50_s", "median end-to-end latency in the interval, seconds")                  \
    X(E2E_P99, "e2e_p99_s", "99th percentile end-to-end latency in the interval, seconds")

typedef enum {
#define SL_CONSOLE_S_ENUM_(sym, name, help) SL_CONSOLE_S_##sym,
    SL_CONSOLE_SERIES(SL_CONSOLE_S_ENUM_)
#undef SL_CONSOLE_S_ENUM_
        SL_CONSOLE_S_COUNT
} sl_console_series_t;

const char *sl_console_series_name(sl_console_series_t s);
const char *sl_console_series_help(sl_console_series_t s);

/* The point for cur, given the sample before it (prev may be NULL: rates are then NaN).
 * topic is the pipeline topic. Also fills each component's rates in cur. */
void sl_console_series_point(const sl_console_snap_t *prev, sl_console_snap_t *cur,
                             const char *topic, double out[SL_CONSOLE_S_COUNT]);

/* Total lag of every group with commits on topic t, -1 when none has any. */
int64_t sl_console_series_topic_lag(const sl_console_snap_t *s, const sl_console_topic_t *t);

#endif
