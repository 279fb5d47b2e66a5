/*
 * bench_cql — throughput, client CPU and latency of the sluice CQL client on the write
 * path of `sluice process`: prepared INSERTs of ~1 KB rows (a uuid and eleven text
 * columns) into a fresh table, with a fixed number of requests in flight (a new one is
 * submitted as soon as one completes). Latency is per request, from submit to the
 * completion callback. Prints "c insert <rows> <wall s> <cpu s> <p50 us> <p99 us>" for
 * bench/cql/run.sh, which runs the Java driver (java/BenchCql.java) the same way.
 * With BENCH_CQL_READ=1 a paged full read follows ("c read <rows> <wall s> <cpu s>").
 *
 *   bench_cql [host] [port] [rows] [window]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cql.h"

/* The eleven text columns: each base value repeated (space-separated) and cut to
 * TEXT_LEN bytes, so that a row carries 16 + 11 * 92 = 1,028 bytes of column data.
 * BenchCql.java builds the same strings. */
#define TEXT_LEN 92
static const char *base[] = {"Jennifer",
                             "Morrison",
                             "female",
                             "1234 Main Street, Springfield, Oregon, United States",
                             "97477",
                             "jennifer.morrison@example.com",
                             "bluebird123",
                             "1980-05-06T10:11:12.000Z",
                             "2010-01-02T03:04:05.000Z",
                             "(555) 123-4567",
                             "https://randomuser.me/api/portraits/med/women/1.jpg"};
static char text[11][TEXT_LEN + 1];

static void make_text(void) {
    for (size_t k = 0; k < 11; k++) {
        size_t n = 0, b = strlen(base[k]);
        while (n < TEXT_LEN) {
            for (size_t j = 0; j < b && n < TEXT_LEN; j++)
                text[k][n++] = base[k][j];
            if (n < TEXT_LEN)
                text[k][n++] = ' ';
        }
        text[k][n] = 0;
    }
}

/* Latency histogram in microseconds, log-linear like HdrHistogram: exact below 128 us,
 * then 64 buckets per power of two (within 1.6%). BenchCql.java has the same one. */
#define NBUCKETS 2048
typedef struct {
    uint64_t n[NBUCKETS];
    uint64_t count;
} hist_t;

static size_t bucket(uint64_t us) {
    if (us < 128)
        return (size_t)us;
    int shift = 64 - __builtin_clzll(us) - 7;
    size_t i = 128 + (size_t)(shift - 1) * 64 + (size_t)((us >> shift) - 64);
    return i < NBUCKETS ? i : NBUCKETS - 1;
}

/* The highest latency a bucket holds. */
static uint64_t bucket_top(size_t i) {
    if (i < 128)
        return i;
    unsigned shift = (unsigned)((i - 128) / 64 + 1);
    uint64_t m = (i - 128) % 64 + 64;
    return ((m + 1) << shift) - 1;
}

static uint64_t percentile(const hist_t *h, double q) {
    uint64_t want = (uint64_t)(q * (double)h->count + 0.999999), seen = 0;
    for (size_t i = 0; i < NBUCKETS; i++)
        if ((seen += h->n[i]) >= want && want)
            return bucket_top(i);
    return 0;
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static double wall(void) {
    return (double)now_ns() / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what, cql_err_t e, const char *msg) {
    fprintf(stderr, "bench_cql: %s: %s%s%s\n", what, cql_err_str(e), msg ? ": " : "",
            msg ? msg : "");
    exit(1);
}

static void exec(cql_session_t *s, const char *q) {
    cql_stmt_t *st = cql_stmt_new(q, 0);
    cql_stmt_set_timeout_ms(st, 60000);
    cql_future_t *f;
    cql_err_t e = cql_session_query(s, st, &f);
    if (e)
        die(q, e, NULL);
    if ((e = cql_future_wait(f, -1)) != CQL_OK)
        die(q, e, cql_future_error_message(f));
    cql_future_free(f);
    cql_stmt_free(st);
}

/* One request in flight: when it was submitted. */
typedef struct slot_s slot_t;
typedef struct {
    hist_t *hist;
    slot_t **free;
    size_t nfree;
    uint64_t failed;
    char first_error[256];
} run_t;
struct slot_s {
    run_t *run;
    uint64_t t0;
};

/* Completion: latency from submit to here, then the slot is free for the next row. */
static void done(cql_future_t *f, void *opaque) {
    slot_t *sl = opaque;
    run_t *r = sl->run;
    uint64_t us = (now_ns() - sl->t0) / 1000;
    if (cql_future_error(f) != CQL_OK && r->failed++ == 0)
        snprintf(r->first_error, sizeof r->first_error, "%s: %s", cql_err_str(cql_future_error(f)),
                 cql_future_error_message(f));
    r->hist->n[bucket(us)]++;
    r->hist->count++;
    cql_future_free(f);
    r->free[r->nfree++] = sl;
}

/* Inserts rows [from, to) keeping `window` requests in flight: a new one is submitted
 * as soon as one completes (from its callback's slot). */
static void insert(cql_session_t *s, cql_stmt_t *st, int from, int to, size_t window,
                   hist_t *hist) {
    slot_t *slots = calloc(window, sizeof *slots);
    run_t r = {.hist = hist, .free = calloc(window, sizeof(slot_t *))};
    if (!slots || !r.free)
        die("insert", CQL_ERR_NOMEM, NULL);
    for (size_t k = 0; k < window; k++) {
        slots[k].run = &r;
        r.free[r.nfree++] = &slots[k];
    }
    for (int i = from; i < to;) {
        if (r.nfree == 0) {
            cql_session_poll(s, 100);
            continue;
        }
        uint8_t u[16] = {(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), (uint8_t)(i >> 24)};
        u[6] = 0x40;
        u[8] = 0x80;
        cql_stmt_reset(st);
        cql_stmt_bind_uuid(st, 0, u);
        for (size_t k = 0; k < 11; k++)
            cql_stmt_bind_text(st, k + 1, text[k]);
        slot_t *sl = r.free[--r.nfree];
        sl->t0 = now_ns();
        cql_future_t *f;
        cql_err_t e = cql_session_query(s, st, &f);
        if (e == CQL_ERR_BUSY) {
            r.free[r.nfree++] = sl;
            cql_session_poll(s, 1);
            continue;
        }
        if (e)
            die("insert", e, NULL);
        cql_future_set_callback(f, done, sl);
        i++;
    }
    while (r.nfree < window)
        cql_session_poll(s, 100);
    if (r.failed) {
        fprintf(stderr, "bench_cql: %llu inserts failed, first: %s\n", (unsigned long long)r.failed,
                r.first_error);
        exit(1);
    }
    free(r.free);
    free(slots);
}

static cql_prepared_t *prepare(cql_session_t *s, const char *table) {
    char q[512];
    snprintf(q, sizeof q,
             "INSERT INTO bench_cql.%s (id, first_name, last_name, gender, address, post_code, "
             "email, username, dob, registered_date, phone, picture) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             table);
    cql_future_t *f;
    cql_err_t e = cql_session_prepare(s, q, &f);
    if (e)
        die("prepare", e, NULL);
    if ((e = cql_future_wait(f, -1)) != CQL_OK)
        die("prepare", e, cql_future_error_message(f));
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    return p;
}

static void create_table(cql_session_t *s, const char *table) {
    char q[512];
    snprintf(q, sizeof q,
             "CREATE TABLE bench_cql.%s (id uuid PRIMARY KEY, first_name text, last_name text, "
             "gender text, address text, post_code text, email text, username text, dob text, "
             "registered_date text, phone text, picture text)",
             table);
    exec(s, q);
}

/* A paged full read touching every column (only with BENCH_CQL_READ=1). */
static void read_all(cql_session_t *s) {
    cql_stmt_t *sel = cql_stmt_new("SELECT * FROM bench_cql.u", 0);
    cql_stmt_set_page_size(sel, 5000);
    cql_stmt_set_timeout_ms(sel, 60000);
    size_t n = 0, chars = 0;
    double t0 = wall(), c0 = cpu();
    for (;;) {
        cql_future_t *f;
        cql_err_t e;
        if ((e = cql_session_query(s, sel, &f)) != CQL_OK)
            die("read", e, NULL);
        if ((e = cql_future_wait(f, -1)) != CQL_OK)
            die("read", e, cql_future_error_message(f));
        cql_result_t *r = cql_future_result(f);
        while (cql_result_next_row(r, NULL)) {
            for (size_t k = 1; k < 12; k++) {
                cql_value_t v;
                const uint8_t *d;
                size_t len;
                cql_result_column(r, k, &v);
                if (cql_value_get_bytes(&v, &d, &len) == CQL_OK)
                    chars += len;
            }
            n++;
        }
        size_t ps_n;
        const uint8_t *ps = cql_result_paging_state(r, &ps_n);
        cql_stmt_set_paging_state(sel, ps, ps_n);
        cql_future_free(f);
        if (!ps)
            break;
    }
    printf("c read %zu %.3f %.3f\n", n, wall() - t0, cpu() - c0);
    if (chars == 0)
        die("read", CQL_ERR_UNEXPECTED, "no data");
    cql_stmt_free(sel);
}

int main(int argc, char **argv) {
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    const char *port = argc > 2 ? argv[2] : "9042";
    int rows = argc > 3 ? atoi(argv[3]) : 200000;
    size_t window = argc > 4 ? (size_t)atoi(argv[4]) : 256;
    if (rows <= 0 || window == 0 || window > 32767) {
        fprintf(stderr, "usage: bench_cql [host] [port] [rows] [window 1..32767]\n");
        return 2;
    }
    make_text();
    cql_conf_t *conf = cql_conf_new();
    char err[512], inflight[16];
    /* one connection, as the Java driver's default pool; room for the whole window */
    snprintf(inflight, sizeof inflight, "%zu", window > 1024 ? window : 1024);
    if (cql_conf_set(conf, "contact_points", host, err, sizeof err) ||
        cql_conf_set(conf, "port", port, err, sizeof err) ||
        cql_conf_set(conf, "consistency", "one", err, sizeof err) ||
        cql_conf_set(conf, "request_timeout_ms", "30000", err, sizeof err) ||
        cql_conf_set(conf, "connections_per_host", "1", err, sizeof err) ||
        cql_conf_set(conf, "max_inflight", inflight, err, sizeof err)) {
        fprintf(stderr, "bench_cql: %s\n", err);
        return 2;
    }
    cql_session_t *s;
    cql_err_t e = cql_session_new(conf, &s, err, sizeof err);
    if (!e)
        e = cql_session_connect_wait(s, 30000, err, sizeof err);
    if (e)
        die("connect", e, err);
    /* a fresh keyspace and table for this client's run; warm-up goes to another table */
    exec(s, "DROP KEYSPACE IF EXISTS bench_cql");
    exec(s, "CREATE KEYSPACE bench_cql WITH replication = {'class': 'SimpleStrategy', "
            "'replication_factor': 1}");
    create_table(s, "warm");
    create_table(s, "u");
    cql_prepared_t *pw = prepare(s, "warm"), *p = prepare(s, "u");
    cql_stmt_t *sw = cql_stmt_new_prepared(pw), *st = cql_stmt_new_prepared(p);
    static hist_t warm_hist, hist;

    insert(s, sw, 0, rows / 10, window, &warm_hist); /* warm-up, as the Java side does */
    double t0 = wall(), c0 = cpu();
    insert(s, st, 0, rows, window, &hist);
    double secs = wall() - t0, cpus = cpu() - c0;
    printf("c insert %d %.3f %.3f %llu %llu\n", rows, secs, cpus,
           (unsigned long long)percentile(&hist, 0.50),
           (unsigned long long)percentile(&hist, 0.99));
    fflush(stdout);

    if (getenv("BENCH_CQL_READ") && !strcmp(getenv("BENCH_CQL_READ"), "1"))
        read_all(s);
    exec(s, "DROP KEYSPACE bench_cql");
    cql_stmt_free(sw);
    cql_stmt_free(st);
    cql_prepared_free(pw);
    cql_prepared_free(p);
    cql_session_free(s);
    return 0;
}
