/*
 * sl_schema — the Cassandra side of `sluice schema`: keyspace and table, idempotently.
 *
 * Creates the keyspace with the given replication when missing, the table (id uuid
 * PRIMARY KEY and the other record fields as text) when missing, and adds any record
 * column a table lacks — a table made by the stack sluice replaces has no `dob`.
 * Waits for schema agreement after each change. Blocking; for start-up only.
 */
#ifndef SL_SCHEMA_H
#define SL_SCHEMA_H

#include <stddef.h>

#include "cql.h"

typedef struct {
    int keyspace_created;
    int table_created;
    int columns_added; /* columns added to an existing table */
    char added[256];   /* their names, comma separated */
} sl_schema_report_t;

/* replication is a CQL map literal, e.g. "{'class': 'SimpleStrategy', 'replication_factor': 1}".
 * Returns 0 on success, -1 with the reason in errstr. */
int sl_schema_ensure(cql_session_t *session, const char *keyspace, const char *table,
                     const char *replication, int64_t timeout_ms, sl_schema_report_t *report,
                     char *errstr, size_t errstr_size);

/* 1 if s is a plain CQL identifier ([A-Za-z][A-Za-z0-9_]{0,47}), which is all this module
 * accepts for keyspace and table names (they are spliced into DDL). */
int sl_schema_name_ok(const char *s);

#endif
