/*
 * 0004 topics-ensure: sl_schema_topics_ensure creates a topic and its dead-letter topic with the
 * asked partition counts, and a second call finds both existing and changes nothing.
 */
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

#include "sl_schema.h"

static rd_kafka_t *admin_client(void) {
    char errstr[256];
    const char *b = getenv("SLUICE_TEST_BROKERS");
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(conf, "bootstrap.servers", b && *b ? b : "127.0.0.1:9092",
                                       errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    assert_non_null(rk);
    return rk;
}

static void create_then_exists(void **state) {
    (void)state;
    char main_topic[96], dlq[112], errstr[512];
    snprintf(main_topic, sizeof main_topic, "sluice-test-0004-%ld-%d", (long)time(NULL),
             (int)getpid());
    snprintf(dlq, sizeof dlq, "%s.dlq", main_topic);
    rd_kafka_t *rk = admin_client();

    sl_schema_topic_t specs[2] = {{.name = main_topic, .partitions = 6, .replication = 1},
                                  {.name = dlq, .partitions = 1, .replication = 1}};
    if (sl_schema_topics_ensure(rk, specs, 2, 30000, errstr, sizeof errstr) != SL_SCHEMA_ERR_OK)
        fail_msg("first ensure: %s", errstr);
    assert_int_equal(specs[0].existed, 0);
    assert_int_equal(specs[1].existed, 0);
    assert_int_equal(specs[0].partitions_now, 6);
    assert_int_equal(specs[1].partitions_now, 1);

    /* Asking again, even for another partition count, leaves the topics as they are. */
    specs[0].partitions = 3;
    if (sl_schema_topics_ensure(rk, specs, 2, 30000, errstr, sizeof errstr) != SL_SCHEMA_ERR_OK)
        fail_msg("second ensure: %s", errstr);
    assert_int_equal(specs[0].existed, 1);
    assert_int_equal(specs[1].existed, 1);
    assert_int_equal(specs[0].partitions_now, 6);
    assert_int_equal(specs[1].partitions_now, 1);

    /* An impossible replication factor on one node is a clear failure. */
    char bad[112];
    snprintf(bad, sizeof bad, "%s-rf3", main_topic);
    sl_schema_topic_t worse = {.name = bad, .partitions = 1, .replication = 3};
    assert_int_equal(sl_schema_topics_ensure(rk, &worse, 1, 10000, errstr, sizeof errstr),
                     SL_SCHEMA_ERR_KAFKA);
    assert_non_null(strstr(errstr, bad));
    rd_kafka_destroy(rk);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(create_then_exists)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
