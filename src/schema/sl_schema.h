/*
 * sl_schema — what the pipeline writes to, created when it is missing: the Kafka topic and
 * its dead-letter topic (through the admin API), the Cassandra keyspace and table (DDL
 * through the CQL client).
 *
 * Every call is idempotent and blocking: for `sluice schema` and `sluice process
 * --create-schema` at start-up, never for a hot path. The module reports what it created
 * or found through a log callback and never logs by itself. It knows the record's fields
 * (the table's columns) and nothing of the processor.
 */
#ifndef SL_SCHEMA_H
#define SL_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "sl_err.h"
#include "cql.h"
#include "sl_log.h"

/* SL_SCHEMA_ERRORS(X): the rows of sl_schema.errors, generated at configure time. None of
 * them is retried here: the caller decides (a command exits, 2 for CONFIG, 1 for the
 * others). */
#include "sl_schema_errors.h"

typedef enum { SL_ERR_ENUM(SL_SCHEMA_ERRORS) } sl_schema_err_t;

/* Static text of an error; never NULL. */
const char *sl_schema_err_str(sl_schema_err_t err);

/* 1 if s is a plain CQL identifier ([A-Za-z][A-Za-z0-9_]{0,47}), which is all this module
 * (and the processor's writer) accepts for keyspace and table names: they are spliced into
 * statements. */
int sl_schema_name_ok(const char *s);

/* ---- Kafka topics (sl_schema_topics.c) ------------------------------------------------ */

/* One topic to create. The strings are borrowed for the call. */
typedef struct {
    const char *name;
    int partitions;
    int replication;
    const char *max_message_bytes; /* topic config max.message.bytes for a new topic, or NULL */
    int existed;                   /* out: 1 if the topic was there already */
    int partitions_now;            /* out: the partition count after the call, -1 if unknown */
} sl_schema_topic_t;

/* Creates every topic of topics[] that does not exist yet, through the client rk (any type;
 * borrowed). A topic that exists is success; its partition count is reported so that the
 * caller can tell when it differs from what was asked. Waits at most timeout_ms for the
 * cluster. SL_SCHEMA_ERR_KAFKA with the first failure in errstr otherwise. */
sl_schema_err_t sl_schema_topics_ensure(rd_kafka_t *rk, sl_schema_topic_t *topics, int count,
                                        int timeout_ms, char *errstr, size_t errstr_size);

/* The pipeline's two topics. All strings are borrowed for the call. */
typedef struct {
    const char *brokers;
    const char *const *kafka_props; /* n_kafka_props (key, value) pairs for librdkafka */
    size_t n_kafka_props;
    const char *topic;
    const char *dlq_topic;
    int partitions; /* of both topics, when they are created */
    int replication;
    /* 1: an existing topic with fewer partitions than asked for is a warning; 0: it is
     * SL_SCHEMA_ERR_PARTITIONS (Kafka cannot take partitions away, and fewer partitions
     * than planned cap the consumer group's parallelism). */
    int fewer_partitions_ok;
    int timeout_ms;
    /* librdkafka's own log lines (rd_kafka_conf_set_log_cb; any thread); NULL: its default. */
    void (*kafka_log)(const rd_kafka_t *rk, int level, const char *fac, const char *buf);
    sl_log_cb_t log; /* one line per topic, created or found; may be NULL */
    void *log_opaque;
} sl_schema_topics_conf_t;

/* Creates the main topic and its dead-letter topic through a client of its own. The
 * dead-letter topic accepts messages up to 8 MB, so that whole poison messages fit. Logs a
 * line per topic and a warning when an existing topic has more partitions than asked;
 * fewer is SL_SCHEMA_ERR_PARTITIONS (errstr says which and what to do) unless
 * fewer_partitions_ok. out, when not NULL, receives both topics as created or found. */
sl_schema_err_t sl_schema_topics_setup(const sl_schema_topics_conf_t *conf,
                                       sl_schema_topic_t out[2], char *errstr, size_t errstr_size);

/* ---- Cassandra keyspace and table (sl_schema_table.c) --------------------------------- */

/* The strings are borrowed for the call. */
typedef struct {
    const char *keyspace;
    const char *table;
    /* A CQL map literal, e.g. "{'class': 'SimpleStrategy', 'replication_factor': 1}". */
    const char *replication;
    int64_t timeout_ms; /* per statement, and for schema agreement after each change */
    sl_log_cb_t log;    /* one line per keyspace, table and added columns; may be NULL */
    void *log_opaque;
} sl_schema_table_conf_t;

typedef struct {
    int keyspace_created;
    int table_created;
    int columns_added; /* columns added to an existing table */
    char added[256];   /* their names, comma separated */
} sl_schema_table_report_t;

/* Creates the keyspace when missing, the table (id uuid PRIMARY KEY and the other record
 * fields as text) when missing, and adds any record column a table lacks — a table made by
 * the stack sluice replaces has no `dob`. Waits for schema agreement after each change.
 * session is borrowed and must be connected. report, when not NULL, says what changed. */
sl_schema_err_t sl_schema_table_ensure(cql_session_t *session, const sl_schema_table_conf_t *conf,
                                       sl_schema_table_report_t *report, char *errstr,
                                       size_t errstr_size);

#endif
