/*
 * bench_cql — throughput and client CPU of the sluice CQL client on the workload of
 * `sluice process`: prepared INSERTs of user records (a uuid and eleven text columns)
 * with a fixed window of requests in flight, then a paged full read touching every
 * column. Prints lines "c insert <rows> <wall s> <cpu s>" and "c read ..." for
 * bench/cql/run.sh, which runs the Java driver on the same workload beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cql.h"

static const char *text[] = {
    "Jennifer", "Morrison", "female", "1234 Main Street, Springfield, Oregon, United States",
    "97477", "jennifer.morrison@example.com", "bluebird123", "1980-05-06T10:11:12.000Z",
    "2010-01-02T03:04:05.000Z", "(555) 123-4567",
    "https://randomuser.me/api/portraits/med/women/1.jpg"};

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
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

/* Inserts rows [from, to) keeping at most `window` requests in flight (a ring). */
static void insert(cql_session_t *s, cql_stmt_t *st, int from, int to, size_t window) {
    cql_future_t **ring = calloc(window, sizeof *ring);
    size_t head = 0, n = 0;
    for (int i = from; i < to; i++) {
        uint8_t u[16] = {(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), (uint8_t)(i >> 24)};
        u[6] = 0x40;
        u[8] = 0x80;
        cql_stmt_reset(st);
        cql_stmt_bind_uuid(st, 0, u);
        for (size_t k = 0; k < 11; k++)
            cql_stmt_bind_text(st, k + 1, text[k]);
        if (n == window) {
            cql_err_t e = cql_future_wait(ring[head], -1);
            if (e)
                die("insert", e, cql_future_error_message(ring[head]));
            cql_future_free(ring[head]);
            head = (head + 1) % window;
            n--;
        }
        cql_future_t *f;
        cql_err_t e;
        while ((e = cql_session_query(s, st, &f)) == CQL_ERR_BUSY)
            cql_session_poll(s, 1);
        if (e)
            die("insert", e, NULL);
        ring[(head + n) % window] = f;
        n++;
    }
    for (; n; n--, head = (head + 1) % window) {
        cql_err_t e = cql_future_wait(ring[head], -1);
        if (e)
            die("insert", e, cql_future_error_message(ring[head]));
        cql_future_free(ring[head]);
    }
    free(ring);
}

int main(int argc, char **argv) {
    const char *host = argc > 1 ? argv[1] : "127.0.0.1";
    const char *port = argc > 2 ? argv[2] : "9042";
    int rows = argc > 3 ? atoi(argv[3]) : 200000;
    size_t window = argc > 4 ? (size_t)atoi(argv[4]) : 1000;
    cql_conf_t *conf = cql_conf_new();
    char err[512];
    if (cql_conf_set(conf, "contact_points", host, err, sizeof err) ||
        cql_conf_set(conf, "port", port, err, sizeof err) ||
        cql_conf_set(conf, "consistency", "one", err, sizeof err) ||
        cql_conf_set(conf, "request_timeout_ms", "30000", err, sizeof err)) {
        fprintf(stderr, "bench_cql: %s\n", err);
        return 2;
    }
    cql_session_t *s;
    cql_err_t e = cql_session_new(conf, &s, err, sizeof err);
    if (!e)
        e = cql_session_connect_wait(s, 30000, err, sizeof err);
    if (e)
        die("connect", e, err);
    exec(s, "DROP KEYSPACE IF EXISTS bench_cql");
    exec(s, "CREATE KEYSPACE bench_cql WITH replication = {'class': 'SimpleStrategy', "
            "'replication_factor': 1}");
    exec(s, "CREATE TABLE bench_cql.u (id uuid PRIMARY KEY, first_name text, last_name text, "
            "gender text, address text, post_code text, email text, username text, dob text, "
            "registered_date text, phone text, picture text)");
    cql_future_t *f;
    cql_session_prepare(s,
                        "INSERT INTO bench_cql.u (id, first_name, last_name, gender, address, "
                        "post_code, email, username, dob, registered_date, phone, picture) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &f);
    if ((e = cql_future_wait(f, -1)) != CQL_OK)
        die("prepare", e, cql_future_error_message(f));
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    cql_stmt_t *st = cql_stmt_new_prepared(p);

    insert(s, st, rows, rows + rows / 10, window); /* warm-up, as the Java side does */
    double t0 = wall(), c0 = cpu();
    insert(s, st, 0, rows, window);
    printf("c insert %d %.3f %.3f\n", rows, wall() - t0, cpu() - c0);

    cql_stmt_t *sel = cql_stmt_new("SELECT * FROM bench_cql.u", 0);
    cql_stmt_set_page_size(sel, 5000);
    cql_stmt_set_timeout_ms(sel, 60000);
    size_t n = 0, chars = 0;
    t0 = wall();
    c0 = cpu();
    for (;;) {
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
    exec(s, "DROP KEYSPACE bench_cql");
    cql_stmt_free(sel);
    cql_stmt_free(st);
    cql_prepared_free(p);
    cql_session_free(s);
    return 0;
}
