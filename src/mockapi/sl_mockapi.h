/*
 * sl_mockapi — a local stand-in for the randomuser.me v1.4 API, for offline demos, tests and
 * benchmarks of `sluice ingest`: the server, which serves /api/, /api/1.4/, /metrics and
 * /healthz on sl_http, answering API requests with the user generator (sl_mockapi_gen.h)
 * through the fault injector (sl_mockapi_fault.h). This header also holds the module's
 * error enum. No printing; the command reports.
 */
#ifndef SL_MOCKAPI_H
#define SL_MOCKAPI_H

#include <stddef.h>
#include <stdint.h>

#include "sl_err.h"
#include "sl_mockapi_fault.h"

/* SL_MOCKAPI_ERRORS(X): the rows of sl_mockapi.errors, generated at configure time. */
#include "sl_mockapi_errors.h"

typedef enum { SL_ERR_ENUM(SL_MOCKAPI_ERRORS) } sl_mockapi_err_t;

const char *sl_mockapi_err_str(sl_mockapi_err_t err);

typedef struct sl_mockapi_s sl_mockapi_t;

typedef struct sl_mockapi_conf_s {
    const char *listen;            /* "HOST:PORT", default "127.0.0.1:8000"; copied */
    unsigned threads;              /* 0: a thread per connection (default); see sl_http_conf_t */
    sl_mockapi_fault_conf_t fault; /* copied */
} sl_mockapi_conf_t;

typedef struct sl_mockapi_stats_s {
    uint64_t requests[SL_MOCKAPI_FAULT_OUTCOME_COUNT]; /* API requests by outcome */
    uint64_t users;                                    /* users in bodies sent intact (ok) */
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
