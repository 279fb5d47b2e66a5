/*
 * 0001 kafka-roundtrip: the real Kafka of scripts/stack carries messages both ways.
 * Creates a fresh 3-partition topic, produces 1,000 keyed messages with the idempotent
 * producer (acks=all), consumes them back in a new consumer group and checks that every
 * message arrived exactly once, with its key, value and header intact, in order within
 * its partition. Brokers from SLUICE_TEST_BROKERS (default 127.0.0.1:9092).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <librdkafka/rdkafka.h>

#define N_MESSAGES 1000
#define N_PARTITIONS 3

static const char *brokers(void) {
    const char *b = getenv("SLUICE_TEST_BROKERS");
    return b && *b ? b : "127.0.0.1:9092";
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static rd_kafka_conf_t *base_conf(void) {
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(conf, "bootstrap.servers", brokers(), errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    return conf;
}

static void create_topic(const char *topic) {
    char errstr[256];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, base_conf(), errstr, sizeof errstr);
    assert_non_null(rk);
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, N_PARTITIONS, 1, errstr, sizeof errstr);
    assert_non_null(nt);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    assert_non_null(ev);
    const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
    assert_non_null(res);
    size_t cnt;
    const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &cnt);
    assert_int_equal(cnt, 1);
    if (rd_kafka_topic_result_error(tr[0]))
        fail_msg("create topic %s: %s", topic, rd_kafka_topic_result_error_string(tr[0]));
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_destroy(rk);
}

static int delivered_ok, delivered_err;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err)
        delivered_err++;
    else
        delivered_ok++;
}

static void produce_all(const char *topic) {
    char errstr[256];
    rd_kafka_conf_t *conf = base_conf();
    assert_int_equal(rd_kafka_conf_set(conf, "enable.idempotence", "true", errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    assert_int_equal(rd_kafka_conf_set(conf, "acks", "all", errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    assert_non_null(rk);
    for (int i = 0; i < N_MESSAGES; i++) {
        char key[32], value[64];
        snprintf(key, sizeof key, "key-%04d", i);
        snprintf(value, sizeof value, "{\"n\":%d,\"text\":\"value %d \xc3\xa9\"}", i, i);
        const char *seq = key + 4; /* the macro below does not parenthesize its argument */
        rd_kafka_resp_err_t err;
        while ((err = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                    RD_KAFKA_V_VALUE(value, strlen(value)), RD_KAFKA_V_HEADER("seq", seq, 4),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 100);
        assert_int_equal(err, RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_poll(rk, 0);
    }
    assert_int_equal(rd_kafka_flush(rk, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(delivered_err, 0);
    assert_int_equal(delivered_ok, N_MESSAGES);
    rd_kafka_destroy(rk);
}

static void consume_all(const char *topic) {
    char errstr[256], group[128];
    snprintf(group, sizeof group, "%s-group", topic);
    rd_kafka_conf_t *conf = base_conf();
    assert_int_equal(rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    assert_int_equal(
        rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr),
        RD_KAFKA_CONF_OK);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    assert_non_null(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
    assert_int_equal(rd_kafka_subscribe(rk, sub), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(sub);

    static unsigned char seen[N_MESSAGES];
    memset(seen, 0, sizeof seen);
    int64_t last_offset[N_PARTITIONS] = {-1, -1, -1};
    int last_n[N_PARTITIONS] = {-1, -1, -1};
    int got = 0;
    double deadline = now_s() + 60;
    while (got < N_MESSAGES && now_s() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
        if (!m)
            continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                fail_msg("consume: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        int n = -1;
        char text[64];
        assert_true(m->len < sizeof text);
        memcpy(text, m->payload, m->len);
        text[m->len] = '\0';
        assert_int_equal(sscanf(text, "{\"n\":%d,", &n), 1);
        assert_true(n >= 0 && n < N_MESSAGES);
        char want_key[32], want_value[64];
        snprintf(want_key, sizeof want_key, "key-%04d", n);
        snprintf(want_value, sizeof want_value, "{\"n\":%d,\"text\":\"value %d \xc3\xa9\"}", n, n);
        assert_int_equal(m->key_len, strlen(want_key));
        assert_memory_equal(m->key, want_key, m->key_len);
        assert_string_equal(text, want_value);
        rd_kafka_headers_t *hdrs = NULL;
        const void *hv;
        size_t hlen;
        assert_int_equal(rd_kafka_message_headers(m, &hdrs), RD_KAFKA_RESP_ERR_NO_ERROR);
        assert_int_equal(rd_kafka_header_get_last(hdrs, "seq", &hv, &hlen),
                         RD_KAFKA_RESP_ERR_NO_ERROR);
        assert_int_equal(hlen, 4);
        assert_memory_equal(hv, want_key + 4, 4);
        /* Same key, same partition: within a partition, offsets and sequence both grow. */
        assert_true(m->partition >= 0 && m->partition < N_PARTITIONS);
        assert_true(m->offset > last_offset[m->partition]);
        assert_true(n > last_n[m->partition]);
        last_offset[m->partition] = m->offset;
        last_n[m->partition] = n;
        assert_int_equal(seen[n], 0);
        seen[n] = 1;
        got++;
        rd_kafka_message_destroy(m);
    }
    assert_int_equal(got, N_MESSAGES);
    /* Nothing beyond what was produced: a short extra poll finds no further message. */
    double quiet_until = now_s() + 2;
    while (now_s() < quiet_until) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (!m)
            continue;
        int is_msg = !m->err;
        rd_kafka_message_destroy(m);
        assert_false(is_msg);
    }
    int used_partitions = 0;
    for (int p = 0; p < N_PARTITIONS; p++)
        used_partitions += last_offset[p] >= 0;
    assert_int_equal(used_partitions, N_PARTITIONS);
    assert_int_equal(rd_kafka_consumer_close(rk), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
}

static void roundtrip(void **state) {
    (void)state;
    char topic[96];
    snprintf(topic, sizeof topic, "sluice-test-0001-%ld-%d", (long)time(NULL), (int)getpid());
    create_topic(topic);
    produce_all(topic);
    consume_all(topic);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(roundtrip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
