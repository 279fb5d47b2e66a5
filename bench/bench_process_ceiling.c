/*
 * The ceiling of bench/bench_process.sh: the same rows written by the CQL client alone.
 *
 * Reads COUNT messages of TOPIC from the start (untimed), decodes them into records, then
 * times writing all of them into KEYSPACE.created_users through the same writer and CQL
 * session the processor uses, with the same number of writes in flight, and no Kafka.
 *
 * usage: bench_process_ceiling BROKERS TOPIC COUNT CASSANDRA KEYSPACE [MAX_INFLIGHT]
 * prints one JSON line: {"rows": N, "wall_s": S, "cpu_s": C}
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <librdkafka/rdkafka.h>

#include "cql.h"
#include "sl_record_json.h"
#include "sl_time.h"
#include "sl_writer.h"

typedef struct {
    char *scratch; /* SL_RECORD_SCRATCH_SIZE per record */
    sl_record_t *recs;
    size_t n;
} rows_t;

static int load(const char *brokers, const char *topic, size_t count, rows_t *rows) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", brokers, NULL, 0);
    rd_kafka_conf_set(conf, "group.id", "bench-process-ceiling", NULL, 0);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", NULL, 0);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", NULL, 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "consumer: %s\n", errstr);
        return -1;
    }
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) || md->topic_cnt != 1) {
        fprintf(stderr, "no metadata for %s\n", topic);
        return -1;
    }
    int parts = md->topics[0].partition_cnt;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(parts);
    for (int i = 0; i < parts; i++)
        rd_kafka_topic_partition_list_add(l, topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);

    rows->scratch = malloc(count * SL_RECORD_SCRATCH_SIZE);
    rows->recs = calloc(count, sizeof *rows->recs);
    if (!rows->scratch || !rows->recs)
        return -1;
    int eofs = 0;
    while (rows->n < count && eofs < parts) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (!m->err) {
            char *scratch = rows->scratch + rows->n * SL_RECORD_SCRATCH_SIZE;
            if (sl_record_from_json(m->payload, m->len, &rows->recs[rows->n], scratch,
                                    SL_RECORD_SCRATCH_SIZE, NULL) == SL_REJECT_NONE)
                rows->n++;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return 0;
}

static size_t done_count;
static void on_done(void *opaque, uint64_t cookie, int64_t origin_ms) {
    (void)opaque;
    (void)cookie;
    (void)origin_ms;
    done_count++;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s BROKERS TOPIC COUNT CASSANDRA KEYSPACE [MAX_INFLIGHT]\n",
                argv[0]);
        return 2;
    }
    size_t count = strtoull(argv[3], NULL, 10);
    size_t inflight = argc > 6 ? strtoull(argv[6], NULL, 10) : 1024;
    rows_t rows = {0};
    if (load(argv[1], argv[2], count, &rows) != 0)
        return 1;

    char err[512];
    cql_conf_t *conf = cql_conf_new();
    if (cql_conf_set(conf, "contact_points", argv[4], err, sizeof err) != CQL_OK) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    cql_session_t *s = NULL;
    if (cql_session_new(conf, &s, err, sizeof err) != CQL_OK ||
        cql_session_connect_wait(s, 30000, err, sizeof err) != CQL_OK) {
        fprintf(stderr, "cassandra: %s\n", err);
        return 1;
    }
    sl_writer_conf_t wc = {.keyspace = argv[5],
                           .table = "created_users",
                           .consistency = CQL_CONSISTENCY_ONE,
                           .max_inflight = inflight,
                           .retry_base_ms = 100,
                           .retry_max_ms = 5000,
                           .prepare_timeout_ms = 30000,
                           .done = on_done};
    sl_writer_t *w = NULL;
    if (sl_writer_new(s, &wc, &w, err, sizeof err) != SL_WRITER_ERR_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double c0 = cpu_s();
    int64_t t0 = sl_now_us();
    size_t next = 0;
    while (done_count < rows.n) {
        while (next < rows.n && sl_writer_room(w) > 0) {
            if (sl_writer_submit(w, &rows.recs[next], next, 0) != SL_WRITER_ERR_OK)
                break;
            next++;
        }
        int64_t t = sl_writer_next_timer_ms(w);
        cql_session_poll(s, t >= 0 && t < 10 ? t : 10);
        sl_writer_step(w);
        if (sl_writer_fatal(w)) {
            fprintf(stderr, "%s\n", sl_writer_fatal(w));
            return 1;
        }
    }
    double wall = (double)(sl_now_us() - t0) / 1e6;
    double cpu = cpu_s() - c0;
    printf("{\"rows\": %zu, \"wall_s\": %.3f, \"cpu_s\": %.3f}\n", rows.n, wall, cpu);
    sl_writer_free(w);
    cql_session_free(s);
    free(rows.scratch);
    free(rows.recs);
    return 0;
}
