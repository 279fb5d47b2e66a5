/* Host counts from the session, host rows from the system tables; see sl_console_cass.h. */
#include "sl_console_cass.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_PEERS 256

static const char *text_col(sl_console_arena_t *a, const cql_result_t *r, size_t i) {
    cql_value_t v;
    const uint8_t *d;
    size_t n;
    if (cql_result_column(r, i, &v) != CQL_OK || cql_value_is_null(&v) ||
        cql_value_get_bytes(&v, &d, &n) != CQL_OK)
        return NULL;
    return sl_console_arena_strndup(a, (const char *)d, n > 256 ? 256 : n);
}

static const char *inet_col(sl_console_arena_t *a, const cql_result_t *r, size_t i) {
    cql_value_t v;
    cql_inet_t in;
    char buf[INET6_ADDRSTRLEN];
    if (cql_result_column(r, i, &v) != CQL_OK || cql_value_is_null(&v) ||
        cql_value_get_inet(&v, &in) != CQL_OK ||
        !inet_ntop(in.len == 4 ? AF_INET : AF_INET6, in.addr, buf, sizeof buf))
        return NULL;
    return sl_console_arena_strdup(a, buf);
}

/* Runs query and appends its rows (address, dc, rack, version) to the peer list. */
static int read_hosts(cql_session_t *session, sl_console_snap_t *s, const char *query,
                      int timeout_ms, char *err, size_t err_size) {
    sl_console_cass_t *c = &s->cassandra;
    cql_stmt_t *st = cql_stmt_new(query, 0);
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_stmt_set_timeout_ms(st, timeout_ms);
    char detail[512];
    cql_result_t *r = NULL;
    cql_err_t e = cql_session_execute(session, st, timeout_ms, &r, detail, sizeof detail);
    cql_stmt_free(st);
    if (e != CQL_OK) {
        snprintf(err, err_size, "%s: %s", query, detail);
        return -1;
    }
    cql_err_t rerr = CQL_OK;
    while (r && c->n_peers < MAX_PEERS && cql_result_next_row(r, &rerr)) {
        sl_console_cass_host_t *h = &c->peers[c->n_peers++];
        h->address = inet_col(s->arena, r, 0);
        h->datacenter = text_col(s->arena, r, 1);
        h->rack = text_col(s->arena, r, 2);
        h->version = text_col(s->arena, r, 3);
    }
    cql_result_free(r);
    return 0;
}

void sl_console_cass_gather(cql_session_t *session, sl_console_snap_t *s, int timeout_ms) {
    sl_console_cass_t *c = &s->cassandra;
    if (!session)
        return;
    c->configured = 1;
    cql_session_step(session);
    c->hosts = cql_session_host_count(session);
    c->up = cql_session_hosts_up(session);
    if (c->up == 0) {
        c->error = "no Cassandra host is reachable";
        return;
    }
    c->peers = sl_console_arena_alloc(s->arena, MAX_PEERS * sizeof *c->peers);
    if (!c->peers)
        return;
    char err[512] = "";
    if (read_hosts(session, s,
                   "SELECT broadcast_address, data_center, rack, release_version FROM "
                   "system.local",
                   timeout_ms, err, sizeof err) != 0 ||
        read_hosts(session, s, "SELECT peer, data_center, rack, release_version FROM system.peers",
                   timeout_ms, err, sizeof err) != 0)
        c->error = sl_console_arena_strdup(s->arena, err);
}
