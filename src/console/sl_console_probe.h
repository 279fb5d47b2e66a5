/*
 * sl_console_probe — GETs of other processes' HTTP endpoints for the console (each
 * component's /healthz and /metrics, the registry's reachability): all requests of a round
 * run at once on one curl multi handle, each bounded by a timeout and its body by a cap,
 * so a hung or chatty component costs at most the timeout and the cap. http and https
 * only, no redirects followed. curl_global_init() must have run.
 */
#ifndef SL_CONSOLE_PROBE_H
#define SL_CONSOLE_PROBE_H

#include <stddef.h>

typedef struct {
    const char *url;     /* borrowed for the call */
    size_t max_body;     /* a longer body fails the request */
    const char *ca_file; /* PEM CAs an https server is checked against; NULL: the system's */
    /* results */
    int status; /* HTTP status; 0 when there was no complete answer */
    char *body; /* malloc'ed, NUL-terminated; NULL when none; see sl_console_probe_clear() */
    size_t len;
    char error[160]; /* why there is no answer, "" otherwise */
} sl_console_probe_t;

/* Runs the n requests concurrently; returns when all finished or timeout_ms passed. */
void sl_console_probe_run(sl_console_probe_t *reqs, size_t n, int timeout_ms);
/* Frees the bodies of the n requests. */
void sl_console_probe_clear(sl_console_probe_t *reqs, size_t n);

#endif
