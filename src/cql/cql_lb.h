/*
 * cql_lb — the topology half of load balancing, kept apart from the session's sockets:
 * a keyspace's replication (SimpleStrategy, NetworkTopologyStrategy, LocalStrategy)
 * read from system_schema.keyspaces, the replicas of a token on the ring the hosts
 * report, and the consistency levels that must stay in the local datacenter. Pure
 * functions over plain arrays, so the unit tests reach them without a server.
 */
#ifndef CQL_LB_H
#define CQL_LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cql.h"

#define CQL_LB_MAX_DCS 16
#define CQL_LB_NAME_MAX 64

typedef enum {
    CQL_LB_REPL_UNKNOWN = 0, /* not read (yet), or a strategy this client does not know */
    CQL_LB_REPL_SIMPLE,      /* replication_factor distinct hosts clockwise */
    CQL_LB_REPL_NTS,         /* per datacenter: that many distinct hosts of the DC clockwise */
    CQL_LB_REPL_LOCAL,       /* system keyspaces: every node has its own copy */
} cql_lb_repl_kind_t;

typedef struct {
    cql_lb_repl_kind_t kind;
    uint32_t rf; /* SimpleStrategy */
    size_t n_dcs;
    char dc[CQL_LB_MAX_DCS][CQL_LB_NAME_MAX];
    uint32_t dc_rf[CQL_LB_MAX_DCS];
} cql_lb_repl_t;

/* One token of one host; host is the index into the caller's table of hosts. */
typedef struct {
    int64_t token;
    uint32_t host;
} cql_lb_token_t;

/* Reads a replication map<text, text> ({'class': ..., 'replication_factor': '3'} or
 * {'class': ...NetworkTopologyStrategy, 'dc1': '2', ...}). false, with out->kind
 * CQL_LB_REPL_UNKNOWN, when the value is malformed or the strategy unknown. */
bool cql_lb_repl_parse(const cql_value_t *map, cql_lb_repl_t *out);

/* Sorts a ring by token. */
void cql_lb_ring_sort(cql_lb_token_t *ring, size_t n);

/* The replicas of token t, in ring order from its primary owner (the first entry at or
 * after t, wrapping): up to max distinct host indices written to out, the count returned.
 * host_dc[i] is host i's datacenter ("" when unknown; NetworkTopologyStrategy then never
 * places a replica on it). An unknown replication gives the primary owner alone. Racks are
 * not considered (every node counts as one rack). */
size_t cql_lb_replicas(const cql_lb_token_t *ring, size_t n, int64_t t, const cql_lb_repl_t *repl,
                       const char *const *host_dc, size_t n_hosts, uint32_t *out, size_t max);

/* LOCAL_ONE, LOCAL_QUORUM, LOCAL_SERIAL: a coordinator in another datacenter would count
 * the wrong replicas. */
bool cql_lb_consistency_is_local(cql_consistency_t cl);

#endif
