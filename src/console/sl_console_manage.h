/*
 * sl_console_manage — the console's management actions through the Kafka admin API:
 * create a topic (partitions, replication, retention), add partitions, delete a topic,
 * and reset a consumer group's committed offsets on a topic to the earliest or latest
 * offset, a timestamp or an offset — refused while the group has members, as
 * kafka-consumer-groups --reset-offsets does, because a live member would overwrite the
 * new offsets with its next commit. A reset can be a dry run that only reports the plan.
 * Every call is bounded by its timeout; errors carry the broker's error name verbatim.
 * Authorisation and logging are the caller's (sl_console_api).
 */
#ifndef SL_CONSOLE_MANAGE_H
#define SL_CONSOLE_MANAGE_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "sl_console_json.h"

/* Creates topic name with the partitions and replication given; retention_ms is a value
 * for retention.ms or NULL for the broker's default. 0, or -1 with errstr and *http_status
 * (409 exists, 400 invalid, 504 no answer, 502 other broker errors). */
int sl_console_manage_create_topic(rd_kafka_t *rk, const char *name, int partitions,
                                   int replication, const char *retention_ms, int timeout_ms,
                                   int *http_status, char *errstr, size_t errstr_size);

/* Raises the partition count of topic name to total. */
int sl_console_manage_add_partitions(rd_kafka_t *rk, const char *name, int total, int timeout_ms,
                                     int *http_status, char *errstr, size_t errstr_size);

/* Deletes topic name. */
int sl_console_manage_delete_topic(rd_kafka_t *rk, const char *name, int timeout_ms,
                                   int *http_status, char *errstr, size_t errstr_size);

typedef enum {
    SL_CONSOLE_RESET_EARLIEST = 0,
    SL_CONSOLE_RESET_LATEST = 1,
    SL_CONSOLE_RESET_TIME = 2,   /* value: milliseconds since the epoch */
    SL_CONSOLE_RESET_OFFSET = 3, /* value: the offset (clamped to the watermarks) */
} sl_console_reset_mode_t;

typedef struct {
    const char *group, *topic;
    int32_t partition; /* -1: every partition of the topic */
    sl_console_reset_mode_t mode;
    int64_t value;
    int dry_run;
} sl_console_reset_t;

/* Parses "earliest", "latest", "timestamp", "offset"; -1 for anything else. */
int sl_console_manage_reset_mode(const char *s, sl_console_reset_mode_t *out);

/* Resets (or with dry_run plans) the offsets; writes the plan as a JSON object into plan
 * ({"group","topic","to","dry_run","applied","replay","partitions":[{"partition","low",
 * "high","current","target"}]}). 0, or -1 with errstr and *http_status (409: the group has
 * members; 404: no such topic or partition). */
int sl_console_manage_reset(rd_kafka_t *rk, const sl_console_reset_t *r, int timeout_ms,
                            sl_console_json_t *plan, int *http_status, char *errstr,
                            size_t errstr_size);

#endif
