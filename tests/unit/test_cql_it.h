/* Helpers for the CQL integration tests (tests/integration/01NN-cql-*.c): a session on
 * the Cassandra named by SLUICE_TEST_CASSANDRA (host:port, default 127.0.0.1:9042), a
 * fresh keyspace per test, and statements run the way an application runs them.
 *
 * On a loaded machine a healthy single node answers some writes with a write timeout
 * (0x1100: its own 2 s wait for the local replica), reads with a read timeout, and
 * requests can take seconds. So the helpers do what a real application does: statements
 * that may be repeated are marked idempotent (the session then retries them within their
 * deadline) and retried with backoff after any retriable failure, until IT_DEADLINE_MS; a
 * statement that must not be repeated (a counter update) runs once and its caller decides.
 * Every retry is printed, so a slow run shows why it was slow. Nothing asserts speed. */
#ifndef TEST_CQL_IT_H
#define TEST_CQL_IT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cql.h"
#include "sl_backoff.h"
#include "sl_time.h"
#include "test_cql_util.h"

/* How long a helper keeps retrying one retriable failure (and waits for a connection). */
#define IT_DEADLINE_MS 180000
/* One request's own budget, retries by the session included. */
#define IT_REQUEST_TIMEOUT "30000"

static inline void it_log(void *opaque, cql_log_level_t level, const char *msg) {
    int *reprepares = opaque;
    if (reprepares && strstr(msg, "re-preparing"))
        (*reprepares)++;
    if (level >= CQL_LOG_INFO)
        fprintf(stderr, "cql: %s\n", msg);
}

/* A configuration for the test server's address. */
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
    cql_conf_set(c, "request_timeout_ms", IT_REQUEST_TIMEOUT, NULL, 0);
    cql_conf_set_log_cb(c, it_log, reprepares);
    return c;
}

/* A session on conf (taken), connected; NULL (reported) when no host came up in time. */
static inline cql_session_t *it_session_conf(cql_conf_t *c) {
    cql_session_t *s;
    char err[512];
    if (cql_session_new(c, &s, err, sizeof err) != CQL_OK) {
        fprintf(stderr, "session: %s\n", err);
        return NULL;
    }
    cql_err_t e = cql_session_connect_wait(s, IT_DEADLINE_MS, err, sizeof err);
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

/* Sleeps ms while the session keeps its connections (and late answers) serviced. */
static inline void it_pause(cql_session_t *s, uint64_t ms) {
    int64_t until = sl_now_ms() + (int64_t)ms;
    for (int64_t left = (int64_t)ms; left > 0; left = until - sl_now_ms())
        cql_session_poll(s, left);
}

/* One attempt: submits st and waits for the outcome; *out gets the result if wanted. */
static inline cql_err_t it_run_once(cql_session_t *s, cql_stmt_t *st, cql_result_t **out) {
    cql_future_t *f;
    if (out)
        *out = NULL;
    cql_err_t e;
    while ((e = cql_session_query(s, st, &f)) == CQL_ERR_BUSY)
        cql_session_poll(s, 10);
    if (e != CQL_OK)
        return e;
    e = cql_future_wait(f, IT_DEADLINE_MS); /* the request's own timeout ends it sooner */
    if (e != CQL_OK)
        fprintf(stderr, "query failed: %s: %s\n", cql_err_str(e), cql_future_error_message(f));
    if (out)
        *out = cql_future_take_result(f);
    cql_future_free(f);
    return e;
}

/* One try of an operation, for it_retry. */
typedef cql_err_t (*it_attempt_fn)(cql_session_t *s, void *ctx);

/* Calls attempt until it succeeds, fails in a way that is not retriable, or IT_DEADLINE_MS
 * has passed, backing off (jittered, 100 ms doubling to 5 s) between tries, each retry
 * reported. Returns the last outcome. */
static inline cql_err_t it_retry(cql_session_t *s, it_attempt_fn attempt, void *ctx) {
    sl_backoff_t bo;
    sl_backoff_init(&bo, 100, 5000, (uint64_t)sl_now_us());
    int64_t start = sl_now_ms();
    for (unsigned n = 0;; n++) {
        cql_err_t e = attempt(s, ctx);
        if (e == CQL_OK || !cql_err_is_retriable(e) || sl_now_ms() - start >= IT_DEADLINE_MS)
            return e;
        uint64_t ms = sl_backoff_next_ms(&bo, n);
        fprintf(stderr, "retry %u in %llu ms after %s\n", n + 1, (unsigned long long)ms,
                cql_err_str(e));
        it_pause(s, ms);
    }
}

typedef struct {
    cql_stmt_t *st;
    cql_result_t **out;
} it_run_ctx_t;

static inline cql_err_t it_run_attempt_(cql_session_t *s, void *ctx) {
    it_run_ctx_t *c = ctx;
    if (c->out) {
        cql_result_free(*c->out); /* a previous try's, if it left one */
        *c->out = NULL;
    }
    return it_run_once(s, c->st, c->out);
}

/* Runs an idempotent statement (it is marked so) with it_retry. */
static inline cql_err_t it_run(cql_session_t *s, cql_stmt_t *st, cql_result_t **out) {
    cql_stmt_set_idempotent(st, true);
    if (out)
        *out = NULL;
    it_run_ctx_t c = {st, out};
    return it_retry(s, it_run_attempt_, &c);
}

/* it_run on a statement without values (DDL must then be repeatable: IF [NOT] EXISTS). */
static inline cql_err_t it_exec(cql_session_t *s, const char *q) {
    cql_stmt_t *st = cql_stmt_new(q, 0);
    cql_err_t e = it_run(s, st, NULL);
    cql_stmt_free(st);
    return e;
}

/* Runs st with it_run for a result of at least one row: returns it positioned on the first
 * row, with column 0 in *v. Must be freed with cql_result_free(). */
static inline cql_result_t *it_first(cql_session_t *s, cql_stmt_t *st, cql_value_t *v) {
    cql_result_t *r;
    assert_int_equal(it_run(s, st, &r), CQL_OK);
    assert_true(cql_result_next_row(r, NULL));
    assert_int_equal(cql_result_column(r, 0, v), CQL_OK);
    return r;
}

typedef struct {
    const char *q;
    cql_prepared_t *p;
} it_prepare_ctx_t;

static inline cql_err_t it_prepare_attempt_(cql_session_t *s, void *ctx) {
    it_prepare_ctx_t *c = ctx;
    cql_future_t *f;
    cql_err_t e = cql_session_prepare(s, c->q, &f);
    if (e != CQL_OK)
        return e;
    e = cql_future_wait(f, IT_DEADLINE_MS);
    if (e == CQL_OK)
        c->p = cql_future_prepared(f);
    else
        fprintf(stderr, "prepare failed: %s\n", cql_future_error_message(f));
    cql_future_free(f);
    return e;
}

/* Prepares q with it_retry; NULL (reported) on failure. */
static inline cql_prepared_t *it_prepare(cql_session_t *s, const char *q) {
    it_prepare_ctx_t c = {q, NULL};
    return it_retry(s, it_prepare_attempt_, &c) == CQL_OK ? c.p : NULL;
}

/* Drops and creates keyspace ks (replication 1). */
static inline cql_err_t it_keyspace(cql_session_t *s, const char *ks) {
    char q[256];
    snprintf(q, sizeof q, "DROP KEYSPACE IF EXISTS %s", ks);
    cql_err_t e = it_exec(s, q);
    if (e)
        return e;
    snprintf(q, sizeof q,
             "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', "
             "'replication_factor': 1}",
             ks);
    return it_exec(s, q);
}

/* A session with a fresh keyspace ks and the NULL-terminated statements in ddl run in
 * it; NULL (reported) when any of it fails. it_done() undoes it. */
static inline cql_session_t *it_setup(cql_conf_t *conf, const char *ks, const char *const *ddl) {
    cql_session_t *s = it_session_conf(conf);
    if (!s)
        return NULL;
    cql_err_t e = it_keyspace(s, ks);
    for (size_t i = 0; e == CQL_OK && ddl && ddl[i]; i++)
        e = it_exec(s, ddl[i]);
    if (e != CQL_OK) {
        cql_session_free(s);
        return NULL;
    }
    return s;
}

/* Drops keyspace ks (if s is there) and frees s. */
static inline void it_done(cql_session_t *s, const char *ks) {
    char q[256];
    snprintf(q, sizeof q, "DROP KEYSPACE IF EXISTS %s", ks);
    if (s)
        it_exec(s, q);
    cql_session_free(s);
}

/* A cmocka group fixture for a test file: a static session `sess` with a fresh keyspace ks
 * and the DDL statements given (each repeatable), made by setup() and dropped by
 * teardown(), for TEST_MAIN(setup, teardown, ...). */
#define IT_GROUP_FIXTURE(ks, ...)                                                                  \
    static cql_session_t *sess;                                                                    \
    static int setup(void **state) {                                                               \
        (void)state;                                                                               \
        static const char *const ddl_[] = {__VA_ARGS__, NULL};                                     \
        sess = it_setup(it_conf(NULL), ks, ddl_);                                                  \
        return sess ? 0 : -1;                                                                      \
    }                                                                                              \
    static int teardown(void **state) {                                                            \
        (void)state;                                                                               \
        it_done(sess, ks);                                                                         \
        return 0;                                                                                  \
    }

/* Binds row i of a table into st (after cql_stmt_reset). */
typedef void (*it_bind_fn)(cql_stmt_t *st, int i, void *ctx);

#define IT_WINDOW 512

/*
 * Writes rows first .. first+n-1 the way a loader does: st (a prepared, idempotent
 * upsert) is bound by bind for each row, at most IT_WINDOW are in flight, a busy session
 * is waited for; a row whose write fails retriably is written again afterwards with
 * it_run (backoff, until IT_DEADLINE_MS). Returns the number of rows that could not be
 * written, each reported.
 */
static inline size_t it_write_rows(cql_session_t *s, cql_stmt_t *st, int first, int n,
                                   it_bind_fn bind, void *ctx) {
    cql_stmt_set_idempotent(st, true);
    cql_future_t **win = calloc(IT_WINDOW, sizeof *win);
    int *row = calloc(IT_WINDOW, sizeof *row), *redo = calloc((size_t)n, sizeof *redo);
    size_t head = 0, in_flight = 0, n_redo = 0, failed = 0;
    for (int i = first; i < first + n || in_flight > 0;) {
        if (i < first + n && in_flight < IT_WINDOW) {
            cql_stmt_reset(st);
            bind(st, i, ctx);
            cql_future_t *f;
            cql_err_t e = cql_session_query(s, st, &f);
            if (e == CQL_ERR_BUSY) {
                cql_session_poll(s, 10);
                continue;
            }
            if (e != CQL_OK)
                redo[n_redo++] = i;
            else {
                size_t slot = (head + in_flight++) % IT_WINDOW;
                win[slot] = f;
                row[slot] = i;
            }
            i++;
            continue;
        }
        cql_future_t *f = win[head];
        cql_err_t e = cql_future_wait(f, IT_DEADLINE_MS);
        if (e != CQL_OK) {
            fprintf(stderr, "row %d: %s: %s; written again below\n", row[head], cql_err_str(e),
                    cql_future_error_message(f));
            redo[n_redo++] = row[head];
        }
        cql_future_free(f);
        head = (head + 1) % IT_WINDOW;
        in_flight--;
    }
    for (size_t k = 0; k < n_redo; k++) {
        cql_stmt_reset(st);
        bind(st, redo[k], ctx);
        if (it_run(s, st, NULL) != CQL_OK) {
            fprintf(stderr, "row %d: not written\n", redo[k]);
            failed++;
        }
    }
    free(win);
    free(row);
    free(redo);
    return failed;
}

/* Called for each row of a scan, the result positioned on it. */
typedef void (*it_row_fn)(const cql_result_t *r, void *ctx);

/* Reads every row of st page by page (page_size rows, the paging state carried from page
 * to page), each page with it_run, calling row for each row. Returns the number of pages,
 * or -1 (reported) when a page cannot be read or a row is malformed. */
static inline long it_scan(cql_session_t *s, cql_stmt_t *st, int32_t page_size, it_row_fn row,
                           void *ctx) {
    cql_stmt_set_page_size(st, page_size);
    long pages = 0;
    for (bool more = true; more; pages++) {
        cql_result_t *r;
        cql_err_t e = it_run(s, st, &r);
        if (e != CQL_OK)
            return -1;
        while (cql_result_next_row(r, &e))
            row(r, ctx);
        size_t n;
        const uint8_t *ps = cql_result_paging_state(r, &n);
        more = ps != NULL;
        if (e == CQL_OK && more)
            e = cql_stmt_set_paging_state(st, ps, n);
        cql_result_free(r);
        if (e != CQL_OK) {
            fprintf(stderr, "scan: %s\n", cql_err_str(e));
            return -1;
        }
    }
    return pages;
}

#endif
