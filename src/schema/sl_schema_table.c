/*
 * Keyspace and table DDL through the CQL client. Names are checked to be plain
 * identifiers before they are spliced into statements; existing columns are read from
 * system_schema.columns with bound parameters.
 */
#include "sl_schema.h"

#include <stdio.h>
#include <string.h>

#include "sl_record.h"

/* Runs one statement and waits; fills errstr ("what: error") on failure. */
static int run(cql_session_t *s, cql_stmt_t *st, int64_t timeout_ms, cql_result_t **result,
               const char *what, char *errstr, size_t errstr_size) {
    char detail[512];
    if (cql_session_execute(s, st, timeout_ms, result, detail, sizeof detail) != CQL_OK) {
        snprintf(errstr, errstr_size, "%s: %s", what, detail);
        return -1;
    }
    return 0;
}

static int ddl(cql_session_t *s, const char *query, int64_t timeout_ms, int *changed, char *errstr,
               size_t errstr_size) {
    cql_stmt_t *st = cql_stmt_new(query, 0);
    if (!st) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_stmt_set_timeout_ms(st, timeout_ms);
    cql_result_t *r = NULL;
    int rc = run(s, st, timeout_ms, &r, query, errstr, errstr_size);
    cql_stmt_free(st);
    if (rc == 0 && changed)
        *changed = r && cql_result_kind(r) == CQL_RESULT_SCHEMA_CHANGE;
    cql_result_free(r);
    if (rc == 0 && cql_session_wait_schema_agreement(s, timeout_ms) != CQL_OK) {
        snprintf(errstr, errstr_size, "schema versions did not agree within %lld ms after: %s",
                 (long long)timeout_ms, query);
        return -1;
    }
    return rc;
}

/* Marks in have[] the record columns the table already has. */
static int read_columns(cql_session_t *s, const char *ks, const char *table, int64_t timeout_ms,
                        int have[SL_FIELD_COUNT], char *errstr, size_t errstr_size) {
    cql_stmt_t *st = cql_stmt_new(
        "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
        2);
    if (!st) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cql_stmt_bind_text(st, 0, ks);
    cql_stmt_bind_text(st, 1, table);
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_result_t *r = NULL;
    int rc = run(s, st, timeout_ms, &r, "read table columns", errstr, errstr_size);
    cql_stmt_free(st);
    if (rc != 0)
        return -1;
    cql_err_t err = CQL_OK;
    while (r && cql_result_next_row(r, &err)) {
        cql_value_t v;
        const uint8_t *name;
        size_t len;
        if (cql_result_column(r, 0, &v) != CQL_OK || cql_value_get_bytes(&v, &name, &len) != CQL_OK)
            continue;
        sl_field_t f = sl_field_lookup((const char *)name, len);
        if (f != SL_FIELD_NONE)
            have[f] = 1;
    }
    cql_result_free(r);
    return 0;
}

/* Creates what is missing; fills report. */
static int ensure(cql_session_t *session, const sl_schema_table_conf_t *c,
                  sl_schema_table_report_t *report, char *errstr, size_t errstr_size) {
    const char *keyspace = c->keyspace, *table = c->table;
    int64_t timeout_ms = c->timeout_ms;
    char q[1024];
    snprintf(q, sizeof q, "CREATE KEYSPACE IF NOT EXISTS %s WITH replication = %s", keyspace,
             c->replication);
    if (ddl(session, q, timeout_ms, &report->keyspace_created, errstr, errstr_size) != 0)
        return -1;

    size_t n = (size_t)snprintf(
        q, sizeof q, "CREATE TABLE IF NOT EXISTS %s.%s (id uuid PRIMARY KEY", keyspace, table);
    for (int f = 1; f < SL_FIELD_COUNT; f++)
        n += (size_t)snprintf(q + n, sizeof q - n, ", %s text", sl_field_name((sl_field_t)f));
    snprintf(q + n, sizeof q - n, ")");
    if (ddl(session, q, timeout_ms, &report->table_created, errstr, errstr_size) != 0)
        return -1;

    int have[SL_FIELD_COUNT] = {0};
    if (read_columns(session, keyspace, table, timeout_ms, have, errstr, errstr_size) != 0)
        return -1;
    if (!have[SL_FIELD_ID]) {
        snprintf(errstr, errstr_size, "table %s.%s exists without an id column", keyspace, table);
        return -1;
    }
    for (int f = 1; f < SL_FIELD_COUNT; f++) {
        if (have[f])
            continue;
        const char *col = sl_field_name((sl_field_t)f);
        snprintf(q, sizeof q, "ALTER TABLE %s.%s ADD %s text", keyspace, table, col);
        if (ddl(session, q, timeout_ms, NULL, errstr, errstr_size) != 0)
            return -1;
        size_t used = strlen(report->added);
        snprintf(report->added + used, sizeof report->added - used, "%s%s", used ? ", " : "", col);
        report->columns_added++;
    }
    return 0;
}

sl_schema_err_t sl_schema_table_ensure(cql_session_t *session, const sl_schema_table_conf_t *c,
                                       sl_schema_table_report_t *report, char *errstr,
                                       size_t errstr_size) {
    sl_schema_table_report_t local;
    if (!report)
        report = &local;
    memset(report, 0, sizeof *report);
    if (!sl_schema_name_ok(c->keyspace) || !sl_schema_name_ok(c->table)) {
        snprintf(errstr, errstr_size,
                 "keyspace and table must be plain identifiers (letters, digits, _), got '%s.%s'",
                 c->keyspace ? c->keyspace : "", c->table ? c->table : "");
        return SL_SCHEMA_ERR_CONFIG;
    }
    if (!c->replication || strchr(c->replication, ';')) {
        snprintf(errstr, errstr_size, "replication must be a CQL map literal");
        return SL_SCHEMA_ERR_CONFIG;
    }
    if (ensure(session, c, report, errstr, errstr_size) != 0)
        return SL_SCHEMA_ERR_CASSANDRA;
    sl_log_to_cb(c->log, c->log_opaque, SL_LOG_INFO, "keyspace %s %s", c->keyspace,
                 report->keyspace_created ? "created" : "exists");
    sl_log_to_cb(c->log, c->log_opaque, SL_LOG_INFO, "table %s.%s %s", c->keyspace, c->table,
                 report->table_created ? "created" : "exists");
    if (report->columns_added)
        sl_log_to_cb(c->log, c->log_opaque, SL_LOG_INFO, "added column(s) %s to %s.%s",
                     report->added, c->keyspace, c->table);
    return SL_SCHEMA_ERR_OK;
}
