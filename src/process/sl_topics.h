/*
 * sl_topics — creates Kafka topics idempotently through the admin API.
 *
 * Used by `sluice schema` and `sluice process --create-schema` for the main topic and its
 * dead-letter topic. A topic that already exists is success; its partition count is
 * reported so the caller can warn when it differs from what was asked.
 */
#ifndef SL_TOPICS_H
#define SL_TOPICS_H

#include <librdkafka/rdkafka.h>

typedef struct {
    const char *name;
    int partitions;
    int replication;
    const char *max_message_bytes; /* topic config max.message.bytes for a new topic, or NULL */
    int existed;                   /* out: 1 if the topic was there already */
    int partitions_now;            /* out: the partition count after the call, -1 if unknown */
} sl_topic_spec_t;

/* Creates every topic of specs that does not exist yet, through the client rk (any type).
 * Returns 0 when all exist afterwards; -1 otherwise, with the first failure in errstr.
 * Waits at most timeout_ms for the cluster. */
int sl_topics_ensure(rd_kafka_t *rk, sl_topic_spec_t *specs, int count, int timeout_ms,
                     char *errstr, size_t errstr_size);

#endif
