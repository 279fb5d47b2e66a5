/*
 * sl_kafka_scope — which kind of librdkafka handle a configuration property applies to,
 * as librdkafka itself says (the C/P column of its property table, the one
 * rd_kafka_conf_properties_show() prints and CONFIGURATION.md documents). A consumer-only
 * property set on a producer (or the reverse) is ignored with a CONFWARN log line; the
 * processor uses this to give each of its handles only what applies to it.
 */
#ifndef SL_KAFKA_SCOPE_H
#define SL_KAFKA_SCOPE_H

#include <librdkafka/rdkafka.h>

typedef enum {
    SL_KAFKA_SCOPE_BOTH = '*',     /* consumer and producer (and names librdkafka lacks) */
    SL_KAFKA_SCOPE_CONSUMER = 'C', /* consumer only: auto.offset.reset, fetch.wait.max.ms */
    SL_KAFKA_SCOPE_PRODUCER = 'P', /* producer only: linger.ms, acks */
} sl_kafka_scope_t;

/* The scope of property name (an alias too: linger.ms). A name librdkafka's table does not
 * list counts as BOTH: rd_kafka_conf_set() is then the one to refuse it. Reads the
 * library's table at each call (a few hundred kB of text): for start-up, not a hot path. */
sl_kafka_scope_t sl_kafka_scope_of(const char *name);

/* 1 when a handle of type `type` takes property name (its scope is BOTH or that type). */
int sl_kafka_scope_applies(const char *name, rd_kafka_type_t type);

#endif
