/*
 * sl_mockapi_fault — the mock API's fault injector: decides per request whether to answer
 * normally or with latency, 5xx, 429, a truncated body, broken JSON or an error object, as
 * a pure function of a seed and the request number, so that a run can be repeated.
 */
#ifndef SL_MOCKAPI_FAULT_H
#define SL_MOCKAPI_FAULT_H

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define SL_MOCKAPI_FAULT_OUTCOMES(X) \
    X(OK, "ok") \
    X(FAIL, "5xx") \
    X(THROTTLE, "429") \
    X(TRUNCATE, "truncated") \
    X(MALFORMED, "malformed") \
    X(ERROR, "error")
/* clang-format on */

typedef enum {
#define SL_MOCKAPI_FAULT_OUTCOME_ENUM_(name, text) SL_MOCKAPI_FAULT_##name,
    SL_MOCKAPI_FAULT_OUTCOMES(SL_MOCKAPI_FAULT_OUTCOME_ENUM_)
#undef SL_MOCKAPI_FAULT_OUTCOME_ENUM_
        SL_MOCKAPI_FAULT_OUTCOME_COUNT
} sl_mockapi_fault_outcome_t;

/* "ok", "5xx", "429", "truncated", "malformed", "error" (the metrics label). */
const char *sl_mockapi_fault_outcome_str(sl_mockapi_fault_outcome_t o);

typedef struct sl_mockapi_fault_conf_s {
    unsigned latency_ms;        /* added to every API response */
    unsigned latency_jitter_ms; /* plus uniform 0..jitter */
    double fail_rate;           /* share of 5xx (500, 502, 503, 504) */
    double throttle_rate;       /* share of 429 with Retry-After */
    unsigned retry_after_s;     /* the Retry-After value; 0 -> 1 */
    double truncate_rate;       /* share of bodies cut mid-way (connection closed) */
    double malformed_rate;      /* share of bodies with broken JSON (status 200) */
    double error_rate;          /* share of {"error": ...} bodies, status 200 or 500 */
    uint64_t fault_seed;        /* decisions are a function of (fault_seed, request number) */
} sl_mockapi_fault_conf_t;

typedef struct sl_mockapi_fault_decision_s {
    sl_mockapi_fault_outcome_t outcome;
    unsigned latency_ms;
    int status;       /* for FAIL: 500/502/503/504; for ERROR: 200 or 500; else 200/429 */
    double cut_share; /* for TRUNCATE: share of the body sent, in [0.1, 0.9] */
} sl_mockapi_fault_decision_t;

/* Checks rates (each in [0, 1], sum at most 1). Returns 0, or -1 with a reason in errstr. */
int sl_mockapi_fault_conf_check(const sl_mockapi_fault_conf_t *conf, char *errstr,
                                size_t errstr_size);

/* The decision for request number n (0-based) under conf; pure function. */
sl_mockapi_fault_decision_t sl_mockapi_fault_decide(const sl_mockapi_fault_conf_t *conf,
                                                    uint64_t n);

/* Breaks a JSON body in place so that no JSON parser accepts it (the comma between two
 * users is blanked, or a ':' is put where the first user should open). body has len bytes. */
void sl_mockapi_fault_break_json(char *body, size_t len);

#endif
