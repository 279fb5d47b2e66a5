/*
 * sl_ingest_outcome — what became of one HTTP request of the ingest: the outcomes the
 * fetcher classifies a transfer into, which the run loop acts on (produce, retry, give up)
 * and the stats count, with the label each has in the metrics.
 */
#ifndef SL_INGEST_OUTCOME_H
#define SL_INGEST_OUTCOME_H

/* Request outcomes: (enum suffix, label). One attempt has exactly one outcome. */
#define SL_INGEST_OUTCOME_LIST(X)                                                                  \
    X(OK, "ok")                                                                                    \
    X(TIMEOUT, "timeout")                                                                          \
    X(CONNECT, "connect_error")                                                                    \
    X(THROTTLED, "throttled")                                                                      \
    X(HTTP_5XX, "http_5xx")                                                                        \
    X(HTTP_4XX, "http_4xx")                                                                        \
    X(API_ERROR, "api_error")                                                                      \
    X(MALFORMED, "malformed")                                                                      \
    X(TRUNCATED, "truncated")                                                                      \
    X(TOO_LARGE, "too_large")                                                                      \
    X(OTHER, "other_error")

typedef enum {
#define SL_INGEST_OUTCOME_ENUM_(sym, label) SL_INGEST_OUTCOME_##sym,
    SL_INGEST_OUTCOME_LIST(SL_INGEST_OUTCOME_ENUM_)
#undef SL_INGEST_OUTCOME_ENUM_
        SL_INGEST_OUTCOME_COUNT
} sl_ingest_outcome_t;

/* The Prometheus label of an outcome ("timeout"), "unknown" for anything else; static. */
const char *sl_ingest_outcome_label(sl_ingest_outcome_t o);

#endif
