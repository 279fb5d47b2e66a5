/* Unit tests for sl_kafka_scope: what librdkafka's own table says of a few properties. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_kafka_scope.h"

static void scopes(void **state) {
    (void)state;
    /* consumer only */
    assert_int_equal(sl_kafka_scope_of("auto.offset.reset"), SL_KAFKA_SCOPE_CONSUMER);
    assert_int_equal(sl_kafka_scope_of("fetch.wait.max.ms"), SL_KAFKA_SCOPE_CONSUMER);
    assert_int_equal(sl_kafka_scope_of("session.timeout.ms"), SL_KAFKA_SCOPE_CONSUMER);
    assert_int_equal(sl_kafka_scope_of("group.id"), SL_KAFKA_SCOPE_CONSUMER);
    /* producer only, an alias too */
    assert_int_equal(sl_kafka_scope_of("linger.ms"), SL_KAFKA_SCOPE_PRODUCER);
    assert_int_equal(sl_kafka_scope_of("queue.buffering.max.ms"), SL_KAFKA_SCOPE_PRODUCER);
    assert_int_equal(sl_kafka_scope_of("acks"), SL_KAFKA_SCOPE_PRODUCER);
    /* both, and names that only begin like a listed one */
    assert_int_equal(sl_kafka_scope_of("client.id"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of("socket.timeout.ms"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of("security.protocol"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of("linger"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of("acks.extra"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of("no.such.property"), SL_KAFKA_SCOPE_BOTH);
    assert_int_equal(sl_kafka_scope_of(""), SL_KAFKA_SCOPE_BOTH);

    assert_true(sl_kafka_scope_applies("auto.offset.reset", RD_KAFKA_CONSUMER));
    assert_false(sl_kafka_scope_applies("auto.offset.reset", RD_KAFKA_PRODUCER));
    assert_true(sl_kafka_scope_applies("linger.ms", RD_KAFKA_PRODUCER));
    assert_false(sl_kafka_scope_applies("linger.ms", RD_KAFKA_CONSUMER));
    assert_true(sl_kafka_scope_applies("client.id", RD_KAFKA_CONSUMER));
    assert_true(sl_kafka_scope_applies("client.id", RD_KAFKA_PRODUCER));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(scopes))
