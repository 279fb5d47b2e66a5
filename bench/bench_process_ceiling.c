/*
 * The ceiling of bench/bench_process.sh: the best a Kafka-to-Cassandra pipe built on the
 * same two clients can do on this machine, to compare `sluice process` against.
 *
 * It streams COUNT messages of TOPIC from the start of every partition (a plain librdkafka
 * consumer with assign(), no group, nothing committed) straight into prepared INSERTs of
 * the CQL client (cql.h), keeping WINDOW writes in flight over CONNS connections to the
 * host: no validation, no dead-letter topic, no commit watermark, no copy of the record
 * (the message is held until its write is acknowledged, then destroyed). The twelve values
 * are cut out of the fixed wire form of sl_record_json (`{"id":"…","first_name":"…",…}`,
 * fields in order) and bound as they are, without unescaping. Memory is librdkafka's
 * prefetch plus WINDOW messages; nothing is loaded ahead.
 *
 * A write that fails is sent again at once (counted in "retries"); a message that does not
 * have the wire form stops the run (the ceiling must write the same rows as the processor).
 * Time runs from the first message consumed to the last write acknowledged; CPU is this
 * process's (all threads) over the same span.
 *
 * usage: bench_process_ceiling BROKERS TOPIC COUNT CASSANDRA KEYSPACE TABLE WINDOW CONNS
 *                              [KAFKA_PROP=VALUE ...]
 *   CASSANDRA "none": Kafka alone, a message is done once consumed (what the consumer
 *   can deliver with the given properties), at most BENCH_CEILING_RATE messages/s if set;
 *   COUNT 0: run until nothing arrived for BENCH_CEILING_IDLE_MS (3000) and all is written
 *   (the half-rate run); KAFKA_PROP=VALUE pairs go to the consumer as they are;
 *   BENCH_CEILING_NUDGE_MS, _LOW, _THREAD: see run_t (an experiment, off by default).
 * prints one JSON line:
 *   {"rows": N, "wall_s": S, "cpu_s": C, "window": W, "conns": K, "retries": R,
 *    "starved_s": waiting with free slots and an empty consumer queue,
 *    "full_s": waiting with every slot in flight, "nudges": N,
 *    "fetch_p50_ms", "fetch_p99_ms": message timestamp to consumed, wall clock}
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "cql.h"
#include "sl_record.h"
#include "sl_time.h"

#define CONSUME_BATCH 1024
#define DELAY_BUCKETS 60001

typedef struct ceiling_s ceiling_t;

typedef struct slot_s {
    ceiling_t *c;
    rd_kafka_message_t *msg;
    struct slot_s *next; /* free list or retry list */
} slot_t;

struct ceiling_s {
    cql_session_t *session;
    cql_stmt_t *stmt;
    slot_t *slots;
    slot_t *free_list;
    slot_t *retry;
    size_t n_free, n_slots;
    uint64_t acked;
    uint64_t retries;
    int64_t last_ack_us;
    int64_t starved_us; /* waiting with free slots and nothing consumed */
    int64_t full_us;    /* waiting with every slot in flight */
    /* message timestamp to consumed, wall clock, 1 ms buckets (the last: beyond) */
    uint64_t fetch_ms[DELAY_BUCKETS];
    uint64_t fetched;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench_process_ceiling: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The end of the JSON string whose opening quote is at p[-1]: the closing quote, the
 * first one not escaped by an odd run of backslashes. */
static const char *string_end(const char *p, const char *end) {
    for (const char *q = p; q < end; q++) {
        q = memchr(q, '"', (size_t)(end - q));
        if (!q)
            return NULL;
        size_t bs = 0;
        while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            return q;
    }
    return NULL;
}

/* Binds the twelve values of one message in field order; -1 if it lacks the wire form. */
static int bind_message(cql_stmt_t *st, const rd_kafka_message_t *m) {
    const char *p = m->payload, *end = p + m->len;
    cql_stmt_reset(st);
    for (size_t f = 0; f < SL_FIELD_COUNT; f++) {
        /* ,"key":"value" (or {"key" for the first) */
        if (p >= end || (*p != '{' && *p != ',') || ++p >= end || *p != '"')
            return -1;
        const char *k = string_end(p + 1, end);
        if (!k || k + 2 >= end || k[1] != ':' || k[2] != '"')
            return -1;
        const char *v = k + 3, *ve = string_end(v, end);
        if (!ve)
            return -1;
        if (f == SL_FIELD_ID) {
            char id[37];
            uint8_t u[16];
            if (ve - v != 36)
                return -1;
            memcpy(id, v, 36);
            id[36] = '\0';
            if (cql_uuid_parse(id, u) != 0 || cql_stmt_bind_uuid(st, 0, u) != CQL_OK)
                return -1;
        } else if (cql_stmt_bind_text_n(st, f, v, (size_t)(ve - v)) != CQL_OK) {
            return -1;
        }
        p = ve + 1;
    }
    return 0;
}

static void on_done(cql_future_t *f, void *opaque) {
    slot_t *s = opaque;
    ceiling_t *c = s->c;
    if (cql_future_error(f) == CQL_OK) {
        rd_kafka_message_destroy(s->msg);
        s->msg = NULL;
        s->next = c->free_list;
        c->free_list = s;
        c->n_free++;
        c->acked++;
        c->last_ack_us = sl_now_us();
    } else {
        if (c->retries++ == 0)
            fprintf(stderr, "bench_process_ceiling: write failed (%s: %s), sending again\n",
                    cql_err_str(cql_future_error(f)), cql_future_error_message(f));
        s->next = c->retry;
        c->retry = s;
    }
    cql_future_free(f);
}

/* Sends the slot's message; 0 when it went out, 1 when the client is busy (try later). */
static int send_slot(ceiling_t *c, slot_t *s) {
    if (bind_message(c->stmt, s->msg) != 0) {
        char at[64];
        snprintf(at, sizeof at, "%" PRId32 "/%" PRId64, s->msg->partition, s->msg->offset);
        die("message %s is not in the record's wire form", at);
    }
    cql_future_t *f = NULL;
    cql_err_t err = cql_session_query(c->session, c->stmt, &f);
    if (err == CQL_ERR_BUSY || err == CQL_ERR_NO_HOSTS || err == CQL_ERR_CLOSED)
        return 1;
    if (err != CQL_OK)
        die("submit: %s", cql_err_str(err));
    cql_future_set_callback(f, on_done, s);
    return 0;
}

static rd_kafka_t *consumer(const char *brokers, const char *topic, int nprops, char **props,
                            int *parts) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "group.id", "bench-process-ceiling", errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr))
        die("consumer: %s", errstr);
    for (int i = 0; i < nprops; i++) {
        char *eq = strchr(props[i], '=');
        if (!eq)
            die("property %s is not KEY=VALUE", props[i]);
        *eq = '\0';
        if (rd_kafka_conf_set(conf, props[i], eq + 1, errstr, sizeof errstr))
            die("consumer: %s", errstr);
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk)
        die("consumer: %s", errstr);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    /* A topic made just before may not have its partitions' leaders yet: ask again for up
     * to 30 s. */
    for (int tries = 0;; tries++) {
        if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
            md->topics[0].partition_cnt > 0)
            break;
        if (md)
            rd_kafka_metadata_destroy(md);
        md = NULL;
        if (tries >= 150)
            die("no metadata for %s", topic);
        usleep(200 * 1000);
    }
    *parts = md->topics[0].partition_cnt;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(*parts);
    for (int i = 0; i < *parts; i++)
        rd_kafka_topic_partition_list_add(l, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    return rk;
}

static cql_session_t *session(const char *hosts, size_t window, int conns) {
    char err[512], v[32];
    cql_conf_t *conf = cql_conf_new();
    snprintf(v, sizeof v, "%zu", window < 32767 ? window : 32767);
    if (cql_conf_set(conf, "contact_points", hosts, err, sizeof err) != CQL_OK ||
        cql_conf_set(conf, "max_inflight", v, err, sizeof err) != CQL_OK)
        die("cql: %s", err);
    snprintf(v, sizeof v, "%d", conns);
    if (cql_conf_set(conf, "connections_per_host", v, err, sizeof err) != CQL_OK)
        die("cql: %s", err);
    cql_session_t *s = NULL;
    if (cql_session_new(conf, &s, err, sizeof err) != CQL_OK ||
        cql_session_connect_wait(s, 30000, err, sizeof err) != CQL_OK)
        die("cassandra: %s", err);
    return s;
}

static cql_stmt_t *prepare(cql_session_t *s, const char *keyspace, const char *table) {
    char q[1024];
    size_t n = (size_t)snprintf(q, sizeof q, "INSERT INTO %s.%s (", keyspace, table);
    for (int f = 0; f < SL_FIELD_COUNT && n < sizeof q; f++)
        n += (size_t)snprintf(q + n, sizeof q - n, "%s%s", f ? ", " : "",
                              sl_field_name((sl_field_t)f));
    for (int f = 0; f < SL_FIELD_COUNT && n < sizeof q; f++)
        n += (size_t)snprintf(q + n, sizeof q - n, "%s", f ? ", ?" : ") VALUES (?");
    if (n + 2 > sizeof q)
        die("keyspace or table name too long");
    memcpy(q + n, ")", 2);
    cql_future_t *f = NULL;
    cql_err_t err = cql_session_prepare(s, q, &f);
    if (err == CQL_OK)
        err = cql_future_wait(f, 30000);
    if (err != CQL_OK)
        die("prepare: %s: %s", cql_err_str(err), f ? cql_future_error_message(f) : "");
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_stmt_set_idempotent(st, true);
    return st;
}

/* Waits for the consumer queue or the session, bounded by timeout_ms, and steps CQL. */
static void wait_and_step(ceiling_t *c, int pipe_fd, int timeout_ms) {
    if (c->session)
        cql_session_flush(c->session); /* this turn's writes, in one send per connection */
    int64_t t = c->session ? cql_session_timeout_ms(c->session) : -1;
    if (t >= 0 && t < timeout_ms)
        timeout_ms = (int)t;
    struct pollfd fds[2] = {{.fd = pipe_fd, .events = POLLIN},
                            {.fd = c->session ? cql_session_fd(c->session) : -1, .events = POLLIN}};
    if (poll(fds, fds[1].fd >= 0 ? 2 : 1, timeout_ms) > 0 && fds[0].revents) {
        char buf[64];
        while (read(pipe_fd, buf, sizeof buf) > 0) {
        }
    }
    if (c->session)
        cql_session_step(c->session);
}

static double delay_quantile(const ceiling_t *c, double q) {
    uint64_t want = (uint64_t)(q * (double)c->fetched + 0.5), seen = 0;
    for (size_t i = 0; i < DELAY_BUCKETS; i++)
        if ((seen += c->fetch_ms[i]) >= want && want)
            return (double)i;
    return 0;
}

/* Takes one consumed message into a free slot and sends it. */
static void take(ceiling_t *c, rd_kafka_message_t *m) {
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    if (ts > 0) {
        int64_t d = sl_wall_ms() - ts;
        c->fetch_ms[d < 0 ? 0 : d < DELAY_BUCKETS - 1 ? d : DELAY_BUCKETS - 1]++;
        c->fetched++;
    }
    if (!c->session) { /* Kafka alone: consumed is done */
        rd_kafka_message_destroy(m);
        c->acked++;
        c->last_ack_us = sl_now_us();
        return;
    }
    slot_t *s = c->free_list;
    c->free_list = s->next;
    c->n_free--;
    s->msg = m;
    if (send_slot(c, s) != 0) {
        s->next = c->retry;
        c->retry = s;
    }
}

static void send_retries(ceiling_t *c) {
    while (c->retry) { /* failed writes first, in any order: they are upserts */
        slot_t *s = c->retry;
        c->retry = s->next;
        if (send_slot(c, s) != 0) {
            s->next = c->retry;
            c->retry = s;
            return;
        }
    }
}

typedef struct {
    rd_kafka_t *rk;
    rd_kafka_queue_t *q;
    const char *topic;
    int pipe_fd;
    uint64_t count;  /* 0: until idle */
    int64_t idle_ms; /* with count 0: stop when nothing came for this long */
    /* An experiment, off (0) by default: every nudge_ms at most while the consumer queue
     * runs low, ask the partition leader for its watermarks. The request wakes the broker
     * thread, which then re-checks whether the partitions may be fetched again
     * (librdkafka 2.0 re-checks a partition that went over queued.max.messages.kbytes
     * only on its one-second idle wakeup otherwise). */
    int64_t nudge_ms;
    size_t nudge_low; /* when the queue holds fewer messages (BENCH_CEILING_NUDGE_LOW) */
    /* BENCH_CEILING_NUDGE_THREAD=1: a thread sends the request, the loop goes on. */
    int nudger, nudge_pending, stopping;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* With CASSANDRA "none": take at most this many messages per second (0: no cap), a
     * stand-in for a writer of that speed that costs no CPU. */
    int64_t rate;
    double tokens;
    int64_t last_us;
    uint64_t nudges, taken;
    int64_t t0_us;
    double cpu0;
} run_t;

static void *nudge_thread(void *opaque) {
    run_t *r = opaque;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->nudge_pending && !r->stopping)
            pthread_cond_wait(&r->cond, &r->lock);
        if (r->stopping)
            break;
        r->nudge_pending = 0;
        pthread_mutex_unlock(&r->lock);
        int64_t lo, hi;
        rd_kafka_query_watermark_offsets(r->rk, r->topic, 0, &lo, &hi, 1000);
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static int done(const ceiling_t *c, const run_t *r, int64_t start_us) {
    if (r->count)
        return c->acked >= r->count;
    if (!r->taken) /* nothing came at all: give up after a minute */
        return sl_now_us() - start_us >= 60 * INT64_C(1000000);
    return c->acked == r->taken && c->last_ack_us &&
           sl_now_us() - c->last_ack_us >= r->idle_ms * 1000;
}

static void run(ceiling_t *c, run_t *r) {
    rd_kafka_message_t *batch[CONSUME_BATCH];
    int64_t last_nudge = 0, start_us = sl_now_us();
    while (!done(c, r, start_us)) {
        send_retries(c);
        size_t want = c->n_free < CONSUME_BATCH ? c->n_free : CONSUME_BATCH;
        if (r->count && want > r->count - r->taken)
            want = (size_t)(r->count - r->taken);
        if (r->rate > 0 && r->t0_us) { /* a token bucket as deep as the window */
            int64_t now = sl_now_us();
            r->tokens += (double)(now - r->last_us) * (double)r->rate / 1e6;
            if (r->tokens > (double)c->n_slots)
                r->tokens = (double)c->n_slots;
            r->last_us = now;
            if ((double)want > r->tokens)
                want = r->tokens < 1 ? 0 : (size_t)r->tokens;
        }
        ssize_t n = want ? rd_kafka_consume_batch_queue(r->q, 0, batch, want) : 0;
        if (n > 0 && r->rate > 0)
            r->tokens -= (double)n;
        for (ssize_t i = 0; i < n; i++) {
            if (batch[i]->err) {
                if (batch[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                    fprintf(stderr, "bench_process_ceiling: consumer: %s\n",
                            rd_kafka_message_errstr(batch[i]));
                rd_kafka_message_destroy(batch[i]);
                continue;
            }
            if (r->taken++ == 0) {
                r->t0_us = r->last_us = sl_now_us();
                r->cpu0 = cpu_s();
            }
            take(c, batch[i]);
        }
        int more = !r->count || r->taken < r->count;
        if (r->nudge_ms > 0 && more && rd_kafka_queue_length(r->q) < r->nudge_low &&
            sl_now_ms() - last_nudge >= r->nudge_ms) {
            if (r->nudger) {
                pthread_mutex_lock(&r->lock);
                r->nudge_pending = 1;
                pthread_cond_signal(&r->cond);
                pthread_mutex_unlock(&r->lock);
            } else {
                int64_t lo, hi;
                rd_kafka_query_watermark_offsets(r->rk, r->topic, 0, &lo, &hi, 1000);
            }
            last_nudge = sl_now_ms();
            r->nudges++;
        }
        int64_t w0 = sl_now_us();
        int full = c->n_free == 0, starved = !full && more && (size_t)n < want;
        /* More may be queued when the batch came back full: look again at once. */
        wait_and_step(c, r->pipe_fd, n > 0 && (size_t)n == want && c->n_free > 0 ? 0 : 10);
        if (r->t0_us && full)
            c->full_us += sl_now_us() - w0;
        else if (r->t0_us && starved)
            c->starved_us += sl_now_us() - w0;
    }
}

static int64_t env_ms(const char *name, int64_t dflt) {
    const char *v = getenv(name);
    return v && *v ? atoll(v) : dflt;
}

int main(int argc, char **argv) {
    if (argc < 9) {
        fprintf(stderr,
                "usage: %s BROKERS TOPIC COUNT CASSANDRA KEYSPACE TABLE WINDOW CONNS "
                "[KAFKA_PROP=VALUE ...]\n",
                argv[0]);
        return 2;
    }
    run_t r = {.topic = argv[2],
               .count = strtoull(argv[3], NULL, 10),
               .idle_ms = env_ms("BENCH_CEILING_IDLE_MS", 3000),
               .nudge_ms = env_ms("BENCH_CEILING_NUDGE_MS", 0),
               .nudge_low = (size_t)env_ms("BENCH_CEILING_NUDGE_LOW", CONSUME_BATCH),
               .nudger = env_ms("BENCH_CEILING_NUDGE_THREAD", 0) != 0,
               .rate = env_ms("BENCH_CEILING_RATE", 0)};
    size_t window = strtoull(argv[7], NULL, 10);
    int conns = atoi(argv[8]);
    if (window == 0 || conns < 1)
        die("WINDOW and CONNS must be positive");

    ceiling_t *c = calloc(1, sizeof *c);
    if (!c)
        die("out of memory");
    if (strcmp(argv[4], "none") != 0) {
        c->session = session(argv[4], window, conns);
        c->stmt = prepare(c->session, argv[5], argv[6]);
    }
    c->slots = calloc(window, sizeof *c->slots);
    if (!c->slots)
        die("out of memory");
    for (size_t i = window; i-- > 0;) {
        c->slots[i].c = c;
        c->slots[i].next = c->free_list;
        c->free_list = &c->slots[i];
    }
    c->n_free = c->n_slots = window;

    int parts = 0, pipe_fds[2];
    r.rk = consumer(argv[1], argv[2], argc - 9, argv + 9, &parts);
    r.q = rd_kafka_queue_get_consumer(r.rk);
    if (pipe(pipe_fds) != 0)
        die("pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++)
        fcntl(pipe_fds[i], F_SETFL, fcntl(pipe_fds[i], F_GETFL) | O_NONBLOCK);
    rd_kafka_queue_io_event_enable(r.q, pipe_fds[1], "1", 1);
    r.pipe_fd = pipe_fds[0];
    /* The broker answers: the fetch from the start of each partition is under way. */
    int64_t lo, hi;
    for (int tries = 0; rd_kafka_query_watermark_offsets(r.rk, r.topic, 0, &lo, &hi, 10000) != 0;
         tries++) {
        if (tries >= 30)
            die("no watermarks for %s", r.topic);
        usleep(200 * 1000);
    }
    fprintf(stderr, "bench_process_ceiling: ready\n");

    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.cond, NULL);
    if (r.nudger && pthread_create(&r.thread, NULL, nudge_thread, &r) != 0)
        die("pthread_create failed");
    run(c, &r);
    if (r.nudger) {
        pthread_mutex_lock(&r.lock);
        r.stopping = 1;
        pthread_cond_signal(&r.cond);
        pthread_mutex_unlock(&r.lock);
        pthread_join(r.thread, NULL);
    }

    double wall = (double)(c->last_ack_us - r.t0_us) / 1e6;
    double cpu = cpu_s() - r.cpu0;
    printf("{\"rows\": %" PRIu64 ", \"wall_s\": %.3f, \"cpu_s\": %.3f, \"window\": %zu, "
           "\"conns\": %d, \"retries\": %" PRIu64 ", \"starved_s\": %.3f, \"full_s\": %.3f, "
           "\"nudges\": %" PRIu64 ", \"fetch_p50_ms\": %.0f, \"fetch_p99_ms\": %.0f}\n",
           c->acked, wall, cpu, window, conns, c->retries, (double)c->starved_us / 1e6,
           (double)c->full_us / 1e6, r.nudges, delay_quantile(c, 0.5), delay_quantile(c, 0.99));
    rd_kafka_queue_destroy(r.q);
    rd_kafka_consumer_close(r.rk);
    rd_kafka_destroy(r.rk);
    cql_stmt_free(c->stmt);
    cql_session_free(c->session);
    free(c->slots);
    free(c);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return 0;
}
