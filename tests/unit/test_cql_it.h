/* Helpers for the CQL integration tests (tests/integration/01NN-cql-*.c): a session on
 * the Cassandra named by SLUICE_TEST_CASSANDRA (host:port, default 127.0.0.1:9042),
 * statements that must succeed, and a fresh keyspace per test. */
#ifndef TEST_CQL_IT_H
#define TEST_CQL_IT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cql.h"

static inline void it_log(void *opaque, cql_log_level_t level, const char *msg) {
    int *reprepares = opaque;
    if (reprepares && strstr(msg, "re-preparing"))
        (*reprepares)++;
    if (level >= CQL_LOG_INFO)
        fprintf(stderr, "cql: %s\n", msg);
}

/* Fills conf with the test server's address. */
static inline cql_conf_t *it_conf(int *reprepares) {
    const char *addr = getenv("SLUICE_TEST_CASSANDRA");
    char host[256] = "127.0.0.1", port[16] = "9042";
    if (addr && *addr) {
        const char *colon = strrchr(addr, ':');
        if (colon) {
            snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
            snprintf(port, sizeof port, "%s", colon + 1);
        } else {
            snprintf(host, sizeof host, "%s", addr);
        }
    }
    cql_conf_t *c = cql_conf_new();
    cql_conf_set(c, "contact_points", host, NULL, 0);
    cql_conf_set(c, "port", port, NULL, 0);
    cql_conf_set(c, "consistency", "one", NULL, 0);
    cql_conf_set(c, "request_timeout_ms", "30000", NULL, 0);
    cql_conf_set_log_cb(c, it_log, reprepares);
    return c;
}

static inline cql_session_t *it_session_conf(cql_conf_t *c) {
    cql_session_t *s;
    char err[512];
    if (cql_session_new(c, &s, err, sizeof err) != CQL_OK) {
        fprintf(stderr, "session: %s\n", err);
        return NULL;
    }
    cql_err_t e = cql_session_connect_wait(s, 30000, err, sizeof err);
    if (e != CQL_OK) {
        fprintf(stderr, "connect: %s: %s\n", cql_err_str(e), err);
        cql_session_free(s);
        return NULL;
    }
    return s;
}

static inline cql_session_t *it_session(int *reprepares) {
    return it_session_conf(it_conf(reprepares));
}

/* Runs one statement and waits; returns the error, *out gets the result if wanted. */
static inline cql_err_t it_run(cql_session_t *s, cql_stmt_t *st, cql_result_t **out) {
    cql_future_t *f;
    if (out)
        *out = NULL;
    cql_err_t e = cql_session_query(s, st, &f);
    if (e != CQL_OK)
        return e;
    e = cql_future_wait(f, 60000);
    if (e != CQL_OK)
        fprintf(stderr, "query failed: %s: %s\n", cql_err_str(e), cql_future_error_message(f));
    if (out)
        *out = cql_future_take_result(f);
    cql_future_free(f);
    return e;
}

static inline cql_err_t it_exec(cql_session_t *s, const char *q) {
    cql_stmt_t *st = cql_stmt_new(q, 0);
    cql_err_t e = it_run(s, st, NULL);
    cql_stmt_free(st);
    return e;
}

static inline cql_prepared_t *it_prepare(cql_session_t *s, const char *q) {
    cql_future_t *f;
    if (cql_session_prepare(s, q, &f) != CQL_OK)
        return NULL;
    cql_prepared_t *p = NULL;
    if (cql_future_wait(f, 60000) == CQL_OK)
        p = cql_future_prepared(f);
    else
        fprintf(stderr, "prepare failed: %s\n", cql_future_error_message(f));
    cql_future_free(f);
    return p;
}

/* Drops and creates keyspace ks (replication 1). */
static inline cql_err_t it_keyspace(cql_session_t *s, const char *ks) {
    char q[256];
    snprintf(q, sizeof q, "DROP KEYSPACE IF EXISTS %s", ks);
    cql_err_t e = it_exec(s, q);
    if (e)
        return e;
    snprintf(q, sizeof q,
             "CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', "
             "'replication_factor': 1}",
             ks);
    return it_exec(s, q);
}

/* Submits st, polling while the session pushes back; collects finished futures in a
 * window of at most `window` outstanding. Returns the number of failed writes. */
typedef struct {
    cql_future_t *f[512];
    size_t n;
    size_t failed;
} it_window_t;

static inline void it_window_drain(cql_session_t *s, it_window_t *w, size_t keep) {
    while (w->n > keep) {
        cql_future_t *f = w->f[0];
        cql_err_t e = cql_future_wait(f, 60000);
        if (e != CQL_OK) {
            fprintf(stderr, "write failed: %s: %s\n", cql_err_str(e), cql_future_error_message(f));
            w->failed++;
        }
        cql_future_free(f);
        memmove(w->f, w->f + 1, (w->n - 1) * sizeof *w->f);
        w->n--;
    }
    (void)s;
}

static inline void it_window_submit(cql_session_t *s, it_window_t *w, cql_stmt_t *st) {
    it_window_drain(s, w, 511);
    cql_future_t *f;
    cql_err_t e;
    while ((e = cql_session_query(s, st, &f)) == CQL_ERR_BUSY)
        cql_session_poll(s, 10);
    if (e != CQL_OK) {
        w->failed++;
        return;
    }
    w->f[w->n++] = f;
}

#endif
