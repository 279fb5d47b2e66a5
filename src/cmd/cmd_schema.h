/* The two halves of `sluice schema`, shared with `sluice process --create-schema`. */
#ifndef SLUICE_CMD_SCHEMA_H
#define SLUICE_CMD_SCHEMA_H

#include <stddef.h>

#include "cmd_util.h"
#include "cql.h"

/* Main and dead-letter topics with the given partitions and replication. 0 or -1. */
int schema_ensure_topics(const char *brokers, const char *topic, const char *dlq_topic,
                         int partitions, int replication, const cmd_props_t *kafka, int timeout_ms,
                         char *errstr, size_t errstr_size);

/* Keyspace and table through a connected session. 0 or -1. */
int schema_ensure_cassandra(cql_session_t *session, const char *keyspace, const char *table,
                            const char *replication, int64_t timeout_ms, char *errstr,
                            size_t errstr_size);

#endif
