/*
 * sl_console_kafka — what the console reads from Kafka for a snapshot: the cluster's
 * metadata (brokers, controller, topics, partitions with leader, replicas and ISR), the
 * low and high watermark of every partition (two ListOffsets rounds for all partitions,
 * not one request per partition), the consumer groups (ListConsumerGroups,
 * DescribeConsumerGroups) and each group's committed offsets (ListConsumerGroupOffsets).
 * Every call is bounded by the timeout given; a part that fails is recorded in the
 * snapshot and the rest still filled. Also the small admin helpers the message browser
 * and the management actions share.
 */
#ifndef SL_CONSOLE_KAFKA_H
#define SL_CONSOLE_KAFKA_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

#include "sl_console.h"
#include "sl_console_snap.h"

typedef struct {
    int timeout_ms;
    size_t max_topics, max_groups, max_partitions;
    const char *dlq_suffix;
} sl_console_kafka_limits_t;

/* Where librdkafka's log lines go; owned by the caller and kept alive as long as any
 * client made with it. */
typedef struct {
    sl_console_log_fn fn;
    void *opaque;
} sl_console_kafka_log_t;

/* A client for metadata, offsets and admin calls: consumer type without a group, reading
 * uncommitted watermarks. props: key, value, ..., NULL (copied). The log callback gets
 * librdkafka's warnings and errors. Must be destroyed with rd_kafka_destroy(). NULL with
 * errstr filled on a bad property. */
rd_kafka_t *sl_console_kafka_new(const char *brokers, const char *const *props,
                                 const char *client_id, const sl_console_kafka_log_t *log,
                                 char *errstr, size_t errstr_size);

/* Applies brokers, props and a log route to conf (shared by every client the console
 * makes). 0, or -1 with errstr filled. */
int sl_console_kafka_conf(rd_kafka_conf_t *conf, const char *brokers, const char *const *props,
                          const char *client_id, const sl_console_kafka_log_t *log, char *errstr,
                          size_t errstr_size);

/* Fills the Kafka part of s (brokers, topics, groups) through rk. Returns 0 when the
 * metadata was read (groups or watermarks may still have failed: see s->groups_error and
 * the partitions' -1 watermarks), -1 when the cluster did not answer (s->kafka_error). */
int sl_console_kafka_gather(rd_kafka_t *rk, sl_console_snap_t *s,
                            const sl_console_kafka_limits_t *lim);

/* Waits up to timeout_ms for the next event on q; NULL on timeout. */
rd_kafka_event_t *sl_console_kafka_wait(rd_kafka_queue_t *q, int timeout_ms);

/* Watermarks of every partition in list (topic and partition set): offset -2 gives the
 * low, -1 the high watermark. Partitions that fail get -1. 0, or the request's error. */
rd_kafka_resp_err_t sl_console_kafka_watermarks(rd_kafka_t *rk,
                                                rd_kafka_topic_partition_list_t *list, int64_t *low,
                                                int64_t *high, int timeout_ms);

/* A consumer for reading assigned partitions from given offsets: a group.id named name
 * (librdkafka 2.0 assigns only with one) that never joins, commits or stores offsets,
 * partition-EOF events on, fetch buffers capped at 4 MiB. Must be destroyed with
 * rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE). NULL with errstr. */
rd_kafka_t *sl_console_kafka_reader(const char *brokers, const char *const *props, const char *name,
                                    const sl_console_kafka_log_t *log, char *errstr,
                                    size_t errstr_size);

/* The partitions of topic (every one, or only partition when >= 0) as a list sorted by
 * partition, with their watermarks in *low and *high (malloc'ed, list->cnt entries, freed by
 * the caller; -1 where unknown). The list must be destroyed by the caller. NULL on failure
 * with errstr and *http_status: 404 no such topic or partition, 504 no answer, 502 else. */
rd_kafka_topic_partition_list_t *sl_console_kafka_topic_offsets(rd_kafka_t *rk, const char *topic,
                                                                int32_t partition, int timeout_ms,
                                                                int64_t **low, int64_t **high,
                                                                int *http_status, char *errstr,
                                                                size_t errstr_size);

/* The consumer group's state and member count through DescribeConsumerGroups. 0, or -1
 * with errstr filled. state is written NUL-terminated. */
int sl_console_kafka_group_state(rd_kafka_t *rk, const char *group, int timeout_ms, char *state,
                                 size_t state_size, size_t *members, char *errstr,
                                 size_t errstr_size);

#endif
