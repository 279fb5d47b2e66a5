/*
 * sl_mockapi — a local stand-in for the randomuser.me v1.4 API, for offline demos, tests and
 * benchmarks of `sluice ingest`. Three parts, one header:
 *   - the user generator (sl_mockgen_*): answers a query (results, seed, page, nat, inc,
 *     exc) with a body shaped like the real API's, deterministic for (seed, page, index);
 *   - the fault injector (sl_mockfault_*): decides per request whether to answer normally
 *     or with latency, 5xx, 429, a truncated body, broken JSON or an error object, from a
 *     seed so that a run can be repeated;
 *   - the server (sl_mockapi_*): serves /api/, /api/1.4/, /metrics and /healthz on sl_http.
 * No printing; the command reports.
 */
#ifndef SL_MOCKAPI_H
#define SL_MOCKAPI_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"

#define SL_MOCKAPI_ERRORS(X)                                                                       \
    X(SL_MOCKAPI_OK, 0, "success")                                                                 \
    X(SL_MOCKAPI_ERR_NOMEM, 1, "out of memory")                                                    \
    X(SL_MOCKAPI_ERR_INVALID, 2, "invalid configuration")                                          \
    X(SL_MOCKAPI_ERR_HTTP, 3, "HTTP server error")

typedef enum { SL_ERR_ENUM(SL_MOCKAPI_ERRORS) } sl_mockapi_err_t;

const char *sl_mockapi_err_str(sl_mockapi_err_t err);

/* ------------------------------------------------------------------ generator */

#define SL_MOCKGEN_MAX_RESULTS 5000
#define SL_MOCKGEN_MAX_PAGE 10000
#define SL_MOCKGEN_SEED_MAX 64

/* Top-level fields of a user, for inc/exc. */
/* clang-format off */
#define SL_MOCKGEN_FIELDS(X) \
    X(GENDER, "gender") \
    X(NAME, "name") \
    X(LOCATION, "location") \
    X(EMAIL, "email") \
    X(LOGIN, "login") \
    X(REGISTERED, "registered") \
    X(DOB, "dob") \
    X(PHONE, "phone") \
    X(CELL, "cell") \
    X(ID, "id") \
    X(PICTURE, "picture") \
    X(NAT, "nat")
/* clang-format on */

enum {
#define SL_MOCKGEN_FIELD_BIT_(name, text) SL_MOCKGEN_FBIT_##name,
    SL_MOCKGEN_FIELDS(SL_MOCKGEN_FIELD_BIT_)
#undef SL_MOCKGEN_FIELD_BIT_
        SL_MOCKGEN_FIELD_COUNT
};
#define SL_MOCKGEN_ALL_FIELDS ((1u << SL_MOCKGEN_FIELD_COUNT) - 1)

typedef struct sl_mockgen_req_s {
    char seed[SL_MOCKGEN_SEED_MAX + 1]; /* as given, or 16 random hex digits */
    uint32_t page;                      /* 1..SL_MOCKGEN_MAX_PAGE */
    uint32_t results;                   /* 1..SL_MOCKGEN_MAX_RESULTS */
    uint32_t nat_mask;                  /* bit i: sl_mock_nats[i]; never 0 */
    uint32_t fields;                    /* SL_MOCKGEN_FBIT_* bits */
    int info;                           /* write the info block (0 with ?noinfo) */
    int gender;                         /* 0 either, 1 male only, 2 female only */
    int now_year;                       /* ages are now_year - birth year */
} sl_mockgen_req_t;

/* Query parameters as received (each may be NULL). */
typedef struct sl_mockgen_args_s {
    const char *results, *seed, *page, *nat, *inc, *exc, *noinfo, *gender;
} sl_mockgen_args_t;

/* Turns query parameters into a request, with the real API's rules (docs/mock-api.md):
 * results missing, not a number or outside 1..5000 -> 1; page missing, invalid or outside
 * 1..10000 -> 1; nat a comma list, and any unknown code voids the whole list (all
 * nationalities); a seed longer than 64 bytes is cut; no seed -> 16 hex digits from
 * random_seed; gender "male" or "female" only counts without a seed (as in randomuser). */
void sl_mockgen_req_from_args(sl_mockgen_req_t *req, const sl_mockgen_args_t *args,
                              uint64_t random_seed, int now_year);

/* Renders the response body for req. On success *body is a NUL-terminated buffer of *len
 * bytes that must be freed with free(). Thread-safe. */
sl_mockapi_err_t sl_mockgen_render(const sl_mockgen_req_t *req, char **body, size_t *len);

/* A 64-bit hash of a seed string; the base of every value of that seed. */
uint64_t sl_mockgen_seed_hash(const char *seed);

/* The login.uuid of user index (0-based) of page under seed_hash: a version-4 UUID in lower
 * case hex, written NUL-terminated to out (37 bytes). Distinct for every (page, index) of
 * one seed: 64 of its bits are a bijection of (page, index). */
void sl_mockgen_uuid(uint64_t seed_hash, uint32_t page, uint32_t index, char out[37]);

/* ------------------------------------------------------------------ fault injector */

/* clang-format off */
#define SL_MOCKFAULT_OUTCOMES(X) \
    X(OK, "ok") \
    X(FAIL, "5xx") \
    X(THROTTLE, "429") \
    X(TRUNCATE, "truncated") \
    X(MALFORMED, "malformed") \
    X(ERROR, "error")
/* clang-format on */

typedef enum {
#define SL_MOCKFAULT_OUTCOME_ENUM_(name, text) SL_MOCKFAULT_##name,
    SL_MOCKFAULT_OUTCOMES(SL_MOCKFAULT_OUTCOME_ENUM_)
#undef SL_MOCKFAULT_OUTCOME_ENUM_
        SL_MOCKFAULT_OUTCOME_COUNT
} sl_mockfault_outcome_t;

/* "ok", "5xx", "429", "truncated", "malformed", "error" (the metrics label). */
const char *sl_mockfault_outcome_str(sl_mockfault_outcome_t o);

typedef struct sl_mockfault_conf_s {
    unsigned latency_ms;        /* added to every API response */
    unsigned latency_jitter_ms; /* plus uniform 0..jitter */
    double fail_rate;           /* share of 5xx (500, 502, 503, 504) */
    double throttle_rate;       /* share of 429 with Retry-After */
    unsigned retry_after_s;     /* the Retry-After value; 0 -> 1 */
    double truncate_rate;       /* share of bodies cut mid-way (connection closed) */
    double malformed_rate;      /* share of bodies with broken JSON (status 200) */
    double error_rate;          /* share of {"error": ...} bodies, status 200 or 500 */
    uint64_t fault_seed;        /* decisions are a function of (fault_seed, request number) */
} sl_mockfault_conf_t;

typedef struct sl_mockfault_decision_s {
    sl_mockfault_outcome_t outcome;
    unsigned latency_ms;
    int status;       /* for FAIL: 500/502/503/504; for ERROR: 200 or 500; else 200/429 */
    double cut_share; /* for TRUNCATE: share of the body sent, in [0.1, 0.9] */
} sl_mockfault_decision_t;

/* Checks rates (each in [0, 1], sum at most 1). Returns 0, or -1 with a reason in errstr. */
int sl_mockfault_conf_check(const sl_mockfault_conf_t *conf, char *errstr, size_t errstr_size);

/* The decision for request number n (0-based) under conf; pure function. */
sl_mockfault_decision_t sl_mockfault_decide(const sl_mockfault_conf_t *conf, uint64_t n);

/* Breaks a JSON body in place so that no JSON parser accepts it (the comma between two
 * users is blanked, or a ':' is put where the first user should open). body has len bytes. */
void sl_mockfault_break_json(char *body, size_t len);

/* ------------------------------------------------------------------ server */

typedef struct sl_mockapi_s sl_mockapi_t;

typedef struct sl_mockapi_conf_s {
    const char *listen;        /* "HOST:PORT", default "127.0.0.1:8000"; copied */
    unsigned threads;          /* 0: a thread per connection (default); see sl_http_conf_t */
    sl_mockfault_conf_t fault; /* copied */
} sl_mockapi_conf_t;

typedef struct sl_mockapi_stats_s {
    uint64_t requests[SL_MOCKFAULT_OUTCOME_COUNT]; /* API requests by outcome */
    uint64_t users;                                /* users in bodies sent intact (ok) */
} sl_mockapi_stats_t;

/* Creates and starts the server. On error *out is NULL and errstr says why. Must be freed
 * with sl_mockapi_free(). */
sl_mockapi_err_t sl_mockapi_start(const sl_mockapi_conf_t *conf, sl_mockapi_t **out, char *errstr,
                                  size_t errstr_size);

/* Bound host and port (the chosen port when 0 was asked). */
const char *sl_mockapi_host(const sl_mockapi_t *m);
uint16_t sl_mockapi_port(const sl_mockapi_t *m);

/* A snapshot of the counters. */
void sl_mockapi_stats(const sl_mockapi_t *m, sl_mockapi_stats_t *out);

/* Stops serving: added latency is cut short, requests in progress are answered (for up to
 * 5 s), connections are closed. Counters stay readable. Safe to call twice. */
void sl_mockapi_stop(sl_mockapi_t *m);

/* Stops if needed and frees. NULL is allowed. */
void sl_mockapi_free(sl_mockapi_t *m);

#endif
