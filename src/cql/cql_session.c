/*
 * cql_session — a client for a whole cluster: connections to every known host (kept up
 * with exponential backoff), host discovery from system.local and system.peers_v2 (or
 * system.peers on older servers), the keyspaces' replication from system_schema, a
 * datacenter-aware, token-aware choice of host (a replica of the key in the local
 * datacenter, then the local datacenter round robin, other datacenters only as
 * remote_dc_failover allows; see cql_lb.h for the replica placement), hosts dropped once
 * they leave the ring, retries on another host for statements marked idempotent, a
 * wait for schema agreement after DDL, and REGISTER for topology and status events.
 * All sockets are watched through one epoll descriptor, so the session is one fd in
 * the caller's event loop.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cql_conn_int.h"
#include "cql_lb.h"

#define MAX_HOSTS 1024
#define MAX_ATTEMPTS 3
#define AGREEMENT_RETRY_MS 200
#define MAX_REPLICAS 16

typedef struct host_s host_t;

typedef struct {
    cql_conn_t *conn;
    host_t *host;
    int fd;     /* registered with epoll, -1 if none */
    int events; /* registered events */
} sconn_t;

struct host_s {
    char addr[64];
    int port;
    sconn_t *conns;
    uint32_t n_conns;
    bool up;
    bool seen; /* still listed by the last discovery */
    int64_t next_attempt;
    cql_backoff_t backoff; /* reconnect_base_ms doubling to reconnect_max_ms, jittered */
    unsigned failures;     /* connection attempts failed in a row */
    bool warned;           /* a connection could not even start: said once, until it is up */
    cql_err_t last_err;    /* of the last attempt: CQL_OK once up, PENDING before any */
    int64_t *tokens;
    size_t n_tokens;
    char dc[CQL_LB_NAME_MAX]; /* data_center from system.local / peers; "" unknown */
    bool removed;             /* left the ring: freed by the next housekeeping */
    uint64_t requests;        /* queries and batches (and retries) sent to it */
};

/* A keyspace's replication, from system_schema.keyspaces. */
typedef struct {
    char name[CQL_LB_NAME_MAX];
    cql_lb_repl_t repl;
} ks_repl_t;

typedef struct sreq_s sreq_t;

struct cql_session_s {
    cql_conf_t *conf;
    host_t **hosts;
    size_t n_hosts;
    int epfd;
    size_t rr, rr_replica;
    cql_lb_token_t *ring; /* host = index into hosts */
    size_t n_ring;
    const char **host_dc; /* n_hosts entries, for cql_lb_replicas; rebuilt with the ring */
    char local_dc[CQL_LB_NAME_MAX];
    ks_repl_t *ks;
    size_t n_ks;
    sconn_t *control;
    bool need_discovery;
    bool discovering;
    cql_future_t *disc_local, *disc_peers, *disc_ks;
    bool peers_v1;
    bool peers_ok; /* the last peers query answered: hosts it did not list are gone */
    bool prune;    /* hosts marked removed wait for housekeeping */
    bool registered;
    bool closing;
    bool unflushed; /* requests queued on connections since the last flush */
    sreq_t *reqs;   /* in flight, doubly linked */
    sreq_t *spare;  /* finished request records kept for reuse */
    size_t n_spare;
    size_t n_agree; /* requests waiting for schema agreement */
    cql_err_t last_err;
    char last_msg[512];
};

enum { SREQ_RUN = 1, SREQ_AGREE };

struct sreq_s {
    cql_session_t *s;
    sreq_t *prev, *next;
    cql_future_t *user;
    cql_future_t *inner;
    cql_buf_t frame; /* the encoded request, kept for retries */
    cql_req_kind_t kind;
    cql_prepared_t *prepared;
    bool idempotent;
    int attempts;
    int64_t deadline;
    bool has_token;
    int64_t token;
    cql_consistency_t cl;
    char ks[CQL_LB_NAME_MAX]; /* keyspace of the routing key's table, "" unknown */
    host_t *last_host;
    /* schema agreement */
    int phase;
    cql_future_t **agree_f; /* one system.local query per host asked, n_agree_f of them */
    size_t n_agree_f;
    bool agree_arming; /* callbacks being set: agree_done waits */
    cql_future_t *ddl; /* the DDL's completed inner future, delivered after agreement */
    int64_t agree_deadline;
    int64_t agree_next;
};

static cql_err_t session_drive(void *owner, int64_t timeout_ms) {
    return cql_session_poll(owner, timeout_ms);
}

/* ---- hosts and connections ---------------------------------------------------------- */

static host_t *host_find(cql_session_t *s, const char *addr, int port) {
    for (size_t i = 0; i < s->n_hosts; i++)
        if (s->hosts[i]->port == port && !strcmp(s->hosts[i]->addr, addr))
            return s->hosts[i];
    return NULL;
}

static host_t *host_add(cql_session_t *s, const char *addr, int port) {
    host_t *h = host_find(s, addr, port);
    if (h)
        return h;
    if (s->n_hosts >= MAX_HOSTS || strlen(addr) >= sizeof h->addr)
        return NULL;
    h = calloc(1, sizeof *h);
    host_t **nh = realloc(s->hosts, (s->n_hosts + 1) * sizeof *nh);
    if (!h || !nh) {
        free(h);
        if (nh)
            s->hosts = nh;
        return NULL;
    }
    s->hosts = nh;
    h->conns = calloc(s->conf->connections_per_host, sizeof *h->conns);
    if (!h->conns) {
        free(h);
        return NULL;
    }
    h->n_conns = s->conf->connections_per_host;
    for (uint32_t i = 0; i < h->n_conns; i++) {
        h->conns[i].host = h;
        h->conns[i].fd = -1;
    }
    snprintf(h->addr, sizeof h->addr, "%s", addr);
    h->port = port;
    h->last_err = CQL_ERR_PENDING;
    cql_backoff_init(&h->backoff, (uint64_t)s->conf->reconnect_base_ms,
                     (uint64_t)s->conf->reconnect_max_ms, (uint64_t)cql_now_ms() ^ (uintptr_t)h);
    h->seen = true;
    s->hosts[s->n_hosts++] = h;
    cql_log(s->conf, CQL_LOG_INFO, "host %s:%d added", addr, port);
    return h;
}

static void sconn_unwatch(cql_session_t *s, sconn_t *sc) {
    if (sc->fd >= 0)
        epoll_ctl(s->epfd, EPOLL_CTL_DEL, sc->fd, NULL);
    sc->fd = -1;
    sc->events = 0;
}

static void sconn_watch(cql_session_t *s, sconn_t *sc) {
    int fd = sc->conn ? cql_conn_fd(sc->conn) : -1;
    int ev = sc->conn ? cql_conn_events(sc->conn) : 0;
    if (fd != sc->fd)
        sconn_unwatch(s, sc);
    if (fd < 0)
        return;
    struct epoll_event e = {.data.ptr = sc};
    if (ev & CQL_EV_READ)
        e.events |= EPOLLIN;
    if (ev & CQL_EV_WRITE)
        e.events |= EPOLLOUT;
    if (sc->fd < 0) {
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e) == 0) {
            sc->fd = fd;
            sc->events = ev;
        }
    } else if (ev != sc->events) {
        epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &e);
        sc->events = ev;
    }
}

static void sconn_drop(cql_session_t *s, sconn_t *sc) {
    if (!sc->conn)
        return;
    if (s->control == sc) {
        s->control = NULL;
        s->registered = false;
    }
    sconn_unwatch(s, sc);
    cql_conn_t *c = sc->conn;
    sc->conn = NULL;
    cql_conn_free(c);
}

static void on_event(void *opaque, const cql_event_t *ev);

/* The next connection attempt waits a jittered, growing time. */
static void host_failed(host_t *h, int64_t now) {
    h->next_attempt = now + (int64_t)cql_backoff_next_ms(&h->backoff, h->failures);
    if (h->failures < 64)
        h->failures++;
}

static void host_connect(cql_session_t *s, host_t *h, int64_t now) {
    for (uint32_t i = 0; i < h->n_conns; i++) {
        sconn_t *sc = &h->conns[i];
        if (sc->conn)
            continue;
        cql_conf_t *conf = cql_conf_dup(s->conf);
        char err[256] = "";
        if (!conf)
            return;
        if (cql_conn_new(conf, h->addr, h->port, &sc->conn, err, sizeof err) != CQL_OK) {
            snprintf(s->last_msg, sizeof s->last_msg, "%s:%d: %s", h->addr, h->port, err);
            s->last_err = h->last_err = CQL_ERR_CONNECT;
            /* A name that does not resolve fails here, before any connection, at every
             * attempt: worth one warning, as a refused connection would be an error. */
            if (!h->warned)
                cql_log(s->conf, CQL_LOG_WARN, "host %s: trying again in the background",
                        s->last_msg);
            h->warned = true;
            host_failed(h, now);
            return;
        }
        cql_conn_set_event_cb(sc->conn, on_event, s);
        sconn_watch(s, sc);
    }
}

/* After a step: notice handshakes that finished and connections that died. */
static void sconn_check(cql_session_t *s, sconn_t *sc, int64_t now) {
    if (!sc->conn)
        return;
    const char *msg;
    cql_err_t st = cql_conn_state_error(sc->conn, &msg);
    host_t *h = sc->host;
    if (st == CQL_OK) {
        if (!h->up)
            cql_log(s->conf, CQL_LOG_INFO, "host %s:%d is up", h->addr, h->port);
        h->up = true;
        h->failures = 0;
        h->warned = false;
        h->last_err = CQL_OK;
        if (!s->control) {
            s->control = sc;
            s->need_discovery = true;
        }
        sconn_watch(s, sc);
        return;
    }
    if (st == CQL_ERR_PENDING) {
        sconn_watch(s, sc);
        return;
    }
    s->last_err = h->last_err = st;
    snprintf(s->last_msg, sizeof s->last_msg, "%s:%d: %s", h->addr, h->port, msg);
    sconn_drop(s, sc);
    bool any = false;
    for (uint32_t i = 0; i < h->n_conns; i++)
        any |= h->conns[i].conn && cql_conn_is_ready(h->conns[i].conn);
    if (h->up && !any) /* msg died with the connection; last_msg has a copy */
        cql_log(s->conf, CQL_LOG_WARN, "host is down: %s", s->last_msg);
    h->up = any;
    host_failed(h, now);
}

static sconn_t *host_pick_conn(host_t *h) {
    sconn_t *best = NULL;
    for (uint32_t i = 0; i < h->n_conns; i++) {
        sconn_t *sc = &h->conns[i];
        if (!sc->conn || !cql_conn_is_ready(sc->conn))
            continue;
        if (!best || cql_conn_inflight(sc->conn) < cql_conn_inflight(best->conn))
            best = sc;
    }
    return best;
}

/* ---- ring and host choice ----------------------------------------------------------- */

static void ring_rebuild(cql_session_t *s) {
    size_t n = 0;
    for (size_t i = 0; i < s->n_hosts; i++)
        n += s->hosts[i]->removed ? 0 : s->hosts[i]->n_tokens;
    cql_lb_token_t *r = malloc((n ? n : 1) * sizeof *r);
    const char **dcs = malloc((s->n_hosts ? s->n_hosts : 1) * sizeof *dcs);
    if (!r || !dcs) {
        free(r);
        free(dcs);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n_hosts; i++) {
        dcs[i] = s->hosts[i]->dc;
        for (size_t j = 0; !s->hosts[i]->removed && j < s->hosts[i]->n_tokens; j++)
            r[k++] = (cql_lb_token_t){s->hosts[i]->tokens[j], (uint32_t)i};
    }
    cql_lb_ring_sort(r, n);
    free(s->ring);
    free(s->host_dc);
    s->ring = r;
    s->n_ring = n;
    s->host_dc = dcs;
}

static const cql_lb_repl_t *ks_replication(const cql_session_t *s, const char *ks) {
    for (size_t i = 0; ks[0] && i < s->n_ks; i++)
        if (!strcmp(s->ks[i].name, ks))
            return &s->ks[i].repl;
    return NULL;
}

/* In the local datacenter: hosts whose datacenter is not known yet count as local. */
static bool host_is_local(const cql_session_t *s, const host_t *h) {
    return !s->local_dc[0] || !h->dc[0] || !strcmp(h->dc, s->local_dc);
}

/* May r go to a host of another datacenter (once none of the local one is up)? */
static bool remote_allowed(const cql_session_t *s, const sreq_t *r) {
    switch (s->conf->remote_dc_failover) {
    case CQL_REMOTE_DC_ALWAYS: return true;
    case CQL_REMOTE_DC_NON_LOCAL: return !cql_lb_consistency_is_local(r->cl);
    default: return false;
    }
}

/* A ready connection to an up replica of r's key in the local datacenter, rotating over
 * them; NULL when there is none (or r has no key). */
static sconn_t *pick_replica(cql_session_t *s, const sreq_t *r) {
    if (!r->has_token || !s->conf->token_aware || !s->n_ring)
        return NULL;
    uint32_t rep[MAX_REPLICAS];
    size_t n = cql_lb_replicas(s->ring, s->n_ring, r->token, ks_replication(s, r->ks), s->host_dc,
                               s->n_hosts, rep, MAX_REPLICAS);
    sconn_t *cand[MAX_REPLICAS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        host_t *h = s->hosts[rep[i]];
        if (h == r->last_host || h->removed || !host_is_local(s, h))
            continue;
        sconn_t *sc = host_pick_conn(h);
        if (sc)
            cand[k++] = sc;
    }
    if (!k)
        return NULL;
    /* the primary replica first, so that RF 1 and the common case hit the owner */
    return cand[k == 1 ? 0 : s->rr_replica++ % k];
}

/* Round robin over the hosts that are (local true) or are not (false) in the local DC. */
static sconn_t *pick_round_robin(cql_session_t *s, const sreq_t *r, bool local) {
    for (size_t k = 0; k < s->n_hosts; k++) {
        host_t *h = s->hosts[(s->rr + k) % s->n_hosts];
        if (h->removed || host_is_local(s, h) != local || (h == r->last_host && s->n_hosts > 1))
            continue;
        sconn_t *sc = host_pick_conn(h);
        if (sc) {
            s->rr = (s->rr + k + 1) % s->n_hosts;
            return sc;
        }
    }
    return NULL;
}

/* The query plan: a local replica of the key, any local host, then (if allowed) a host
 * of another datacenter, and last the host that just failed, if it may take r. */
static sconn_t *pick(cql_session_t *s, const sreq_t *r) {
    sconn_t *sc = pick_replica(s, r);
    if (!sc)
        sc = pick_round_robin(s, r, true);
    if (!sc && remote_allowed(s, r))
        sc = pick_round_robin(s, r, false);
    if (sc || !r->last_host || r->last_host->removed)
        return sc;
    if (!host_is_local(s, r->last_host) && !remote_allowed(s, r))
        return NULL;
    return host_pick_conn(r->last_host);
}

/* ---- discovery ---------------------------------------------------------------------- */

static void parse_tokens(host_t *h, const cql_value_t *v) {
    cql_value_iter_t it;
    if (cql_value_iter_init(&it, v) != CQL_OK)
        return;
    size_t n = cql_value_iter_count(&it);
    int64_t *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return;
    size_t k = 0;
    cql_value_t e;
    while (cql_value_iter_next(&it, &e, NULL)) {
        const uint8_t *p;
        size_t len;
        char buf[32];
        if (cql_value_get_bytes(&e, &p, &len) != CQL_OK || len == 0 || len >= sizeof buf)
            continue;
        memcpy(buf, p, len);
        buf[len] = '\0';
        char *end;
        errno = 0;
        long long x = strtoll(buf, &end, 10);
        if (!errno && *end == '\0')
            t[k++] = x;
    }
    free(h->tokens);
    h->tokens = t;
    h->n_tokens = k;
}

static bool value_addr(const cql_value_t *v, char *out, size_t n) {
    cql_inet_t in;
    if (cql_value_get_inet(v, &in) != CQL_OK)
        return false;
    return inet_ntop(in.len == 4 ? AF_INET : AF_INET6, in.addr, out, (socklen_t)n) != NULL;
}

/* Copies a text column (data_center) into out, "" when null or too long. */
static void column_text(const cql_result_t *r, int col, char *out, size_t n) {
    const uint8_t *p;
    size_t len;
    cql_value_t v;
    out[0] = '\0';
    if (col < 0)
        return;
    cql_result_column(r, (size_t)col, &v);
    if (cql_value_get_bytes(&v, &p, &len) == CQL_OK && p && len < n) {
        memcpy(out, p, len);
        out[len] = '\0';
    }
}

static void disc_submit(cql_session_t *s);

/* Marks the hosts the last discovery did not list as removed (never the control host,
 * through which it ran); housekeeping frees them. */
static void disc_mark_departed(cql_session_t *s) {
    host_t *ctl = s->control ? s->control->host : NULL;
    for (size_t i = 0; ctl && i < s->n_hosts; i++) {
        host_t *h = s->hosts[i];
        if (!h->seen && h != ctl && !h->removed) {
            cql_log(s->conf, CQL_LOG_INFO, "host %s:%d left the ring", h->addr, h->port);
            h->removed = true;
            s->prune = true;
        }
    }
}

static void disc_finish(cql_session_t *s) {
    if (s->disc_local || s->disc_peers || s->disc_ks)
        return;
    s->discovering = false;
    if (s->peers_ok)
        disc_mark_departed(s);
    ring_rebuild(s);
    cql_log(s->conf, CQL_LOG_DEBUG, "discovery: %zu hosts, %zu tokens, %zu keyspaces, local dc %s",
            s->n_hosts, s->n_ring, s->n_ks, s->local_dc[0] ? s->local_dc : "(unknown)");
}

/* One row of system.local (the control host) or system.peers(_v2). */
static void disc_row(cql_session_t *s, cql_result_t *r, bool local, int c_addr, int c_port,
                     int c_dc, int c_tokens) {
    host_t *h = NULL;
    cql_value_t v;
    if (local) {
        h = s->control ? s->control->host : NULL;
    } else if (c_addr >= 0) {
        char addr[64];
        int32_t port = s->conf->port;
        cql_result_column(r, (size_t)c_addr, &v);
        if (!value_addr(&v, addr, sizeof addr))
            return;
        if (c_port >= 0) {
            cql_result_column(r, (size_t)c_port, &v);
            if (cql_value_get_int32(&v, &port) != CQL_OK)
                port = s->conf->port;
        }
        h = host_add(s, addr, port);
    }
    if (!h)
        return;
    h->seen = true;
    column_text(r, c_dc, h->dc, sizeof h->dc);
    /* no local DC configured: the first contact point that answered decides */
    if (local && !s->local_dc[0] && h->dc[0]) {
        snprintf(s->local_dc, sizeof s->local_dc, "%s", h->dc);
        cql_log(s->conf, CQL_LOG_INFO, "local datacenter %s (learned from %s:%d)", s->local_dc,
                h->addr, h->port);
    }
    if (c_tokens >= 0) {
        cql_result_column(r, (size_t)c_tokens, &v);
        parse_tokens(h, &v);
    }
}

static void disc_done(cql_future_t *f, void *opaque) {
    cql_session_t *s = opaque;
    bool is_local = f == s->disc_local;
    if (is_local)
        s->disc_local = NULL;
    else
        s->disc_peers = NULL;
    cql_err_t err = cql_future_error(f);
    cql_result_t *r = cql_future_result(f);
    if (!err && r && cql_result_kind(r) == CQL_RESULT_ROWS) {
        bool local = cql_result_column_index(r, "key") >= 0;
        int c_addr = -1, c_port = -1;
        int c_tokens = cql_result_column_index(r, "tokens");
        int c_dc = cql_result_column_index(r, "data_center");
        if (!local) {
            c_addr = cql_result_column_index(r, "native_address");
            c_port = cql_result_column_index(r, "native_port");
            if (c_addr < 0)
                c_addr = cql_result_column_index(r, "rpc_address");
            s->peers_ok = c_addr >= 0;
        }
        while (cql_result_next_row(r, NULL))
            disc_row(s, r, local, c_addr, c_port, c_dc, c_tokens);
    } else if (!is_local && err == CQL_ERR_INVALID && !s->peers_v1) {
        /* no system.peers_v2 before Cassandra 4.0 */
        s->peers_v1 = true;
        cql_future_free(f);
        disc_submit(s);
        return;
    }
    cql_future_free(f);
    disc_finish(s);
}

/* system_schema.keyspaces: each keyspace's replication, for the replicas of a key. */
static void disc_ks_done(cql_future_t *f, void *opaque) {
    cql_session_t *s = opaque;
    s->disc_ks = NULL;
    cql_result_t *r = cql_future_result(f);
    int c_name = r ? cql_result_column_index(r, "keyspace_name") : -1;
    int c_repl = r ? cql_result_column_index(r, "replication") : -1;
    if (!cql_future_error(f) && r && cql_result_kind(r) == CQL_RESULT_ROWS && c_name >= 0 &&
        c_repl >= 0) {
        size_t n = 0, cap = cql_result_row_count(r);
        ks_repl_t *ks = calloc(cap ? cap : 1, sizeof *ks);
        while (ks && n < cap && cql_result_next_row(r, NULL)) {
            cql_value_t v;
            column_text(r, c_name, ks[n].name, sizeof ks[n].name);
            cql_result_column(r, (size_t)c_repl, &v);
            if (ks[n].name[0] && cql_lb_repl_parse(&v, &ks[n].repl))
                n++;
        }
        if (ks) {
            free(s->ks);
            s->ks = ks;
            s->n_ks = n;
        }
    }
    cql_future_free(f);
    disc_finish(s);
}

static cql_future_t *control_query(cql_session_t *s, const char *q) {
    if (!s->control || !s->control->conn)
        return NULL;
    cql_stmt_t *st = cql_stmt_new(q, 0);
    if (!st)
        return NULL;
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_future_t *f = NULL;
    cql_conn_query(s->control->conn, st, &f);
    cql_stmt_free(st);
    return f;
}

static void disc_submit(cql_session_t *s) {
    if (!s->disc_local && !s->peers_v1) {
        for (size_t i = 0; i < s->n_hosts; i++)
            s->hosts[i]->seen = false;
        s->peers_ok = false;
        s->disc_local = control_query(
            s, "SELECT key, data_center, rack, tokens, schema_version FROM system.local");
        if (s->disc_local)
            cql_future_set_callback(s->disc_local, disc_done, s);
        s->disc_ks = control_query(s, "SELECT keyspace_name, replication FROM "
                                      "system_schema.keyspaces");
        if (s->disc_ks)
            cql_future_set_callback(s->disc_ks, disc_ks_done, s);
    }
    s->disc_peers = control_query(
        s, s->peers_v1 ? "SELECT rpc_address, data_center, rack, tokens, schema_version FROM "
                         "system.peers"
                       : "SELECT native_address, native_port, data_center, rack, tokens, "
                         "schema_version FROM system.peers_v2");
    if (s->disc_peers)
        cql_future_set_callback(s->disc_peers, disc_done, s);
    s->discovering = s->disc_local || s->disc_peers || s->disc_ks;
}

static void register_done(cql_future_t *f, void *opaque) {
    cql_session_t *s = opaque;
    if (cql_future_error(f) != CQL_OK)
        s->registered = false;
    cql_future_free(f);
}

static void on_event(void *opaque, const cql_event_t *ev) {
    cql_session_t *s = opaque;
    char addr[64] = "";
    if (ev->addr.len)
        inet_ntop(ev->addr.len == 4 ? AF_INET : AF_INET6, ev->addr.addr, addr, sizeof addr);
    cql_log(s->conf, CQL_LOG_INFO, "event %s %s %s", ev->type, ev->change, addr);
    if (!strcmp(ev->type, "TOPOLOGY_CHANGE")) {
        s->need_discovery = true;
        /* decommission, removenode, assassinate: gone now, not at the next discovery */
        host_t *ctl = s->control ? s->control->host : NULL;
        for (size_t i = 0; !strcmp(ev->change, "REMOVED_NODE") && i < s->n_hosts; i++) {
            host_t *h = s->hosts[i];
            if (h != ctl && !h->removed && !strcmp(h->addr, addr) &&
                (ev->port <= 0 || ev->port == h->port)) {
                cql_log(s->conf, CQL_LOG_INFO, "host %s:%d removed from the ring", h->addr,
                        h->port);
                h->removed = true;
                s->prune = true;
            }
        }
    } else if (!strcmp(ev->type, "SCHEMA_CHANGE") && !strcmp(ev->target, "KEYSPACE")) {
        s->need_discovery = true; /* its replication may have changed */
    } else if (!strcmp(ev->type, "STATUS_CHANGE") && !strcmp(ev->change, "UP")) {
        for (size_t i = 0; i < s->n_hosts; i++) {
            if (!strcmp(s->hosts[i]->addr, addr)) {
                s->hosts[i]->next_attempt = 0; /* reconnect now */
                s->hosts[i]->failures = 0;
            }
        }
    }
}

/* ---- requests ----------------------------------------------------------------------- */

static void sreq_unlink(sreq_t *r) {
    cql_session_t *s = r->s;
    if (r->prev)
        r->prev->next = r->next;
    else if (s->reqs == r)
        s->reqs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
}

#define SPARE_MAX 4096

static sreq_t *sreq_new(cql_session_t *s) {
    sreq_t *r = s->spare;
    if (r) {
        s->spare = r->next;
        s->n_spare--;
        cql_buf_t keep = r->frame;
        memset(r, 0, sizeof *r);
        r->frame = keep;
        r->frame.len = 0;
        r->frame.failed = false;
    } else {
        r = calloc(1, sizeof *r);
        if (!r)
            return NULL;
        cql_buf_init(&r->frame, 0);
    }
    r->s = s;
    return r;
}

/* the system.local queries of a schema agreement poll, done or not */
static void agree_forget(sreq_t *r) {
    for (size_t i = 0; i < r->n_agree_f; i++)
        cql_future_free(r->agree_f[i]);
    free(r->agree_f);
    r->agree_f = NULL;
    r->n_agree_f = 0;
}

static void sreq_free(sreq_t *r) {
    cql_session_t *s = r->s;
    sreq_unlink(r);
    if (r->phase == SREQ_AGREE)
        s->n_agree--;
    agree_forget(r);
    cql_future_free(r->ddl);
    cql_prepared_free(r->prepared);
    r->ddl = NULL;
    r->prepared = NULL;
    if (CQL_POOLING && s->n_spare < SPARE_MAX && !s->closing && r->frame.cap <= 65536) {
        r->next = s->spare;
        s->spare = r;
        s->n_spare++;
        return;
    }
    cql_buf_free(&r->frame);
    free(r);
}

static void sreq_finish(sreq_t *r, cql_future_t *from, cql_err_t err, const char *msg) {
    cql_future_t *user = r->user;
    r->user = NULL;
    if (user && user->link == r)
        user->link = NULL;
    if (user) {
        if (from)
            cql_future_complete_from(user, from);
        else
            cql_future_complete(user, err, msg, NULL);
    }
}

static void inner_done(cql_future_t *f, void *opaque);
static bool sreq_send(sreq_t *r, int64_t now);

static bool is_retriable_after_send(cql_err_t e) {
    return e == CQL_ERR_IO || e == CQL_ERR_CLOSED || e == CQL_ERR_TIMEOUT ||
           e == CQL_ERR_OVERLOADED || e == CQL_ERR_IS_BOOTSTRAPPING || e == CQL_ERR_UNAVAILABLE ||
           e == CQL_ERR_WRITE_TIMEOUT || e == CQL_ERR_READ_TIMEOUT || e == CQL_ERR_CONNECT;
}

/* Overloaded/bootstrapping servers did not run the request: any statement may retry. */
static bool not_executed(cql_err_t e) {
    return e == CQL_ERR_OVERLOADED || e == CQL_ERR_IS_BOOTSTRAPPING;
}

static void agree_check(sreq_t *r);

/* Schema agreement: every host that is up and has a ready connection is asked for its own
 * version (system.local), and all must be equal. Not system.peers: a node's peers table can
 * keep a peer's old version for minutes while every node's own version already agrees
 * (seen on a three-node cluster restarted with its data), and a node that has not heard of
 * a change yet sees the old version everywhere. */
/* The schema_version a host's system.local answer holds. */
static bool host_version(cql_future_t *f, uint8_t u[16]) {
    cql_result_t *res = cql_future_error(f) == CQL_OK ? cql_future_result(f) : NULL;
    cql_value_t v;
    if (!res || !cql_result_next_row(res, NULL))
        return false;
    cql_result_column(res, 0, &v);
    return cql_value_get_uuid(&v, u) == CQL_OK;
}

static void agree_done(cql_future_t *f, void *opaque) {
    sreq_t *r = opaque;
    (void)f;
    if (r->agree_arming)
        return;
    for (size_t i = 0; i < r->n_agree_f; i++)
        if (!cql_future_ready(r->agree_f[i]))
            return;
    uint8_t first[16];
    bool have = false, agree = true, ok = r->n_agree_f > 0;
    for (size_t i = 0; i < r->n_agree_f; i++) {
        uint8_t u[16];
        if (!host_version(r->agree_f[i], u)) {
            ok = false; /* asked again at the next poll */
            continue;
        }
        if (!have) {
            memcpy(first, u, 16);
            have = true;
        } else if (memcmp(first, u, 16)) {
            agree = false;
        }
    }
    agree_forget(r);
    int64_t now = cql_now_ms();
    if (ok && have && agree) {
        cql_future_t *ddl = r->ddl;
        r->ddl = NULL;
        sreq_finish(r, ddl, CQL_OK, NULL);
        cql_future_free(ddl);
        sreq_free(r);
        return;
    }
    if (now >= r->agree_deadline) {
        cql_log(r->s->conf, CQL_LOG_WARN, "schema versions did not agree within %lld ms",
                (long long)r->s->conf->schema_agreement_timeout_ms);
        sreq_finish(r, NULL, CQL_ERR_SCHEMA_DISAGREEMENT, "schema versions did not agree in time");
        sreq_free(r);
        return;
    }
    r->agree_next = now + AGREEMENT_RETRY_MS;
}

static void agree_check(sreq_t *r) {
    cql_session_t *s = r->s;
    r->agree_next = 0;
    r->agree_f = s->n_hosts ? calloc(s->n_hosts, sizeof *r->agree_f) : NULL;
    cql_stmt_t *st = cql_stmt_new("SELECT schema_version FROM system.local WHERE key='local'", 0);
    if (st)
        cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    bool failed = !st || !r->agree_f;
    for (size_t i = 0; !failed && i < s->n_hosts; i++) {
        host_t *h = s->hosts[i];
        sconn_t *sc = h->up && !h->removed ? host_pick_conn(h) : NULL;
        if (!sc)
            continue;
        if (cql_conn_query(sc->conn, st, &r->agree_f[r->n_agree_f]) != CQL_OK ||
            !r->agree_f[r->n_agree_f])
            failed = true;
        else
            r->n_agree_f++;
    }
    cql_stmt_free(st);
    if (failed || !r->n_agree_f) {
        agree_forget(r);
        r->agree_next = cql_now_ms() + AGREEMENT_RETRY_MS;
        return;
    }
    /* a future already done calls back at once: compare only once all are set */
    r->agree_arming = true;
    for (size_t i = 0; i < r->n_agree_f; i++)
        cql_future_set_callback(r->agree_f[i], agree_done, r);
    r->agree_arming = false;
    agree_done(NULL, r);
}

static void inner_done(cql_future_t *f, void *opaque) {
    sreq_t *r = opaque;
    cql_session_t *s = r->s;
    r->inner = NULL;
    cql_err_t err = cql_future_error(f);
    if (!r->user || r->user->abandoned) {
        cql_future_free(f);
        if (r->user) {
            cql_future_t *u = r->user;
            r->user = NULL;
            cql_future_complete(u, CQL_ERR_CLOSED, NULL, NULL); /* frees the abandoned */
        }
        sreq_free(r);
        return;
    }
    if (err != CQL_OK && !s->closing && r->attempts < MAX_ATTEMPTS && cql_now_ms() < r->deadline &&
        ((r->idempotent && is_retriable_after_send(err)) || not_executed(err))) {
        cql_log(s->conf, CQL_LOG_DEBUG, "retrying on another host after: %s", cql_err_str(err));
        cql_future_free(f);
        if (sreq_send(r, cql_now_ms()))
            return;
        /* last_err may hold a connection's "still connecting" state; a request that found
         * no host fails with a retriable error whatever it was. */
        cql_err_t why =
            s->last_err && s->last_err != CQL_ERR_PENDING ? s->last_err : CQL_ERR_NO_HOSTS;
        sreq_finish(r, NULL, why, "no host available for a retry");
        sreq_free(r);
        return;
    }
    cql_result_t *res = cql_future_result(f);
    if (err == CQL_OK && res && cql_result_kind(res) == CQL_RESULT_SCHEMA_CHANGE && !s->closing) {
        r->ddl = f;
        r->phase = SREQ_AGREE;
        s->n_agree++;
        r->agree_deadline = cql_now_ms() + s->conf->schema_agreement_timeout_ms;
        agree_check(r);
        return;
    }
    sreq_finish(r, f, err, NULL);
    cql_future_free(f);
    sreq_free(r);
}

/* Sends (or re-sends) r on some host (now: cql_now_ms(), read by the caller); false when
 * no host can take it. */
static bool sreq_send(sreq_t *r, int64_t now) {
    cql_session_t *s = r->s;
    for (size_t tries = 0; tries <= s->n_hosts; tries++) {
        sconn_t *sc = pick(s, r);
        if (!sc)
            return false;
        cql_future_t *f = cql_future_new(s, session_drive);
        if (!f)
            return false;
        if (r->deadline <= now) {
            cql_future_complete(f, CQL_ERR_TIMEOUT, NULL, NULL);
            cql_future_free(f);
            return false;
        }
        r->attempts++;
        r->last_host = sc->host;
        if (r->kind == CQL_REQ_USER)
            sc->host->requests++;
        cql_err_t err = cql_conn_submit_encoded(sc->conn, r->frame.data, r->frame.len, r->kind,
                                                r->prepared, r->deadline, f);
        if (err == CQL_OK) {
            r->inner = f;
            cql_future_set_callback(f, inner_done, r);
            s->unflushed = true; /* written by the next flush, with the others */
            return true;
        }
        cql_future_complete(f, err, NULL, NULL);
        cql_future_free(f);
        s->last_err = err;
        if (err != CQL_ERR_BUSY && err != CQL_ERR_CLOSED)
            return false;
    }
    return false;
}

/* What the host choice needs to know of a request besides its frame. */
typedef struct {
    cql_consistency_t cl;
    const char *ks; /* keyspace of the routing key, NULL unknown */
    const uint8_t *rk;
    size_t rk_len;
} route_t;

/* The keyspace of a prepared statement's table (from its bound columns), else the
 * session's. */
static const char *route_keyspace(const cql_session_t *s, const cql_prepared_t *p) {
    if (p && p->keyspace)
        return p->keyspace;
    if (p && p->params.n_cols && p->params.cols[0].keyspace)
        return p->params.cols[0].keyspace;
    return s->conf->keyspace;
}

static cql_err_t submit(cql_session_t *s, const uint8_t *frame, size_t len, cql_req_kind_t kind,
                        cql_prepared_t *prepared, bool idempotent, int64_t timeout_ms,
                        const route_t *route, cql_future_t **out) {
    *out = NULL;
    sreq_t *r = sreq_new(s);
    if (!r)
        return CQL_ERR_NOMEM;
    cql_buf_put(&r->frame, frame, len);
    r->user = cql_future_new(s, session_drive);
    if (r->frame.failed || !r->user) {
        if (r->user) {
            cql_future_complete(r->user, CQL_ERR_NOMEM, NULL, NULL);
            cql_future_free(r->user);
        }
        cql_buf_free(&r->frame);
        free(r);
        return CQL_ERR_NOMEM;
    }
    r->kind = kind;
    r->idempotent = idempotent;
    r->phase = SREQ_RUN;
    int64_t now = cql_now_ms(); /* the one clock read of a submit */
    r->deadline = now + (timeout_ms > 0 ? timeout_ms : s->conf->request_timeout_ms);
    if (prepared) {
        cql_prepared_ref(prepared);
        r->prepared = prepared;
    }
    r->cl = route ? route->cl : s->conf->consistency;
    if (route && route->ks) { /* per request: a copy, not a format */
        size_t n = strnlen(route->ks, sizeof r->ks - 1);
        memcpy(r->ks, route->ks, n);
        r->ks[n] = '\0';
    }
    if (route && route->rk && route->rk_len) {
        r->has_token = true;
        r->token = cql_murmur3_token(route->rk, route->rk_len);
    }
    r->user->link = r;
    r->next = s->reqs;
    if (s->reqs)
        s->reqs->prev = r;
    s->reqs = r;
    if (!sreq_send(r, now)) {
        cql_err_t err = s->last_err == CQL_ERR_BUSY ? CQL_ERR_BUSY : CQL_ERR_NO_HOSTS;
        cql_future_t *u = r->user;
        r->user = NULL;
        cql_future_complete(u, err, NULL, NULL);
        cql_future_free(u);
        sreq_free(r);
        return err;
    }
    *out = r->user;
    return CQL_OK;
}

/* Encodes statement st or batch b (the other NULL) on any ready connection (each has its
 * own scratch buffer); the frame is valid until that connection encodes again. */
static cql_err_t encode_on_any(cql_session_t *s, const cql_stmt_t *st, const cql_batch_t *b,
                               const uint8_t **frame, size_t *len) {
    for (size_t i = 0; i < s->n_hosts; i++) {
        sconn_t *sc = host_pick_conn(s->hosts[i]);
        if (sc)
            return cql_conn_encode(sc->conn, st, b, frame, len);
    }
    return CQL_ERR_NO_HOSTS;
}

cql_err_t cql_session_query(cql_session_t *s, const cql_stmt_t *st, cql_future_t **out) {
    *out = NULL;
    const uint8_t *frame;
    size_t len;
    cql_err_t err = encode_on_any(s, st, NULL, &frame, &len);
    if (err)
        return err;
    cql_buf_t rk;
    cql_buf_init(&rk, 65536);
    bool have_rk = cql_stmt_routing_key(st, &rk);
    route_t route = {st->consistency_set ? st->consistency : s->conf->consistency,
                     route_keyspace(s, st->prepared), have_rk ? rk.data : NULL,
                     have_rk ? rk.len : 0};
    err = submit(s, frame, len, CQL_REQ_USER, st->prepared, st->idempotent, st->timeout_ms, &route,
                 out);
    cql_buf_free(&rk);
    return err;
}

cql_err_t cql_session_batch(cql_session_t *s, const cql_batch_t *b, cql_future_t **out) {
    *out = NULL;
    const uint8_t *frame;
    size_t len;
    cql_err_t err = encode_on_any(s, NULL, b, &frame, &len);
    route_t route = {b->consistency_set ? b->consistency : s->conf->consistency,
                     route_keyspace(s, b->n_prepared ? b->prepared[0] : NULL), b->routing_key,
                     b->routing_key_size};
    return err ? err
               : submit(s, frame, len, CQL_REQ_USER, b->n_prepared == 1 ? b->prepared[0] : NULL,
                        b->idempotent, 0, &route, out);
}

cql_err_t cql_session_prepare(cql_session_t *s, const char *query, cql_future_t **out) {
    *out = NULL;
    cql_buf_t b;
    cql_buf_init(&b, 0);
    size_t off = cql_enc_prepare(&b, 0, query, strlen(query));
    cql_err_t err = off == (size_t)-1
                        ? CQL_ERR_NOMEM
                        : submit(s, b.data, b.len, CQL_REQ_PREPARE, NULL, true, 0, NULL, out);
    cql_buf_free(&b);
    return err;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static int parse_contact_points(cql_session_t *s, char *errstr, size_t errstr_size) {
    char *list = cql_strndup(s->conf->contact_points, strlen(s->conf->contact_points));
    if (!list)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        int port = s->conf->port;
        char *colon = strrchr(tok, ':');
        /* host:port, but not a bare IPv6 address; [v6]:port also accepted */
        if (tok[0] == '[') {
            char *close = strchr(tok, ']');
            if (!close) {
                cql_set_errstr(errstr, errstr_size, "bad contact point \"%s\"", tok);
                free(list);
                return -1;
            }
            *close = '\0';
            if (close[1] == ':')
                port = atoi(close + 2);
            tok++;
        } else if (colon && strchr(tok, ':') == colon) {
            *colon = '\0';
            port = atoi(colon + 1);
        }
        if (port <= 0 || port > 65535 || !*tok) {
            cql_set_errstr(errstr, errstr_size, "bad contact point \"%s\"", tok);
            free(list);
            return -1;
        }
        if (!host_add(s, tok, port)) {
            free(list);
            return -1;
        }
    }
    free(list);
    if (s->n_hosts == 0) {
        cql_set_errstr(errstr, errstr_size, "no contact points");
        return -1;
    }
    return 0;
}

cql_err_t cql_session_new(cql_conf_t *conf, cql_session_t **out, char *errstr, size_t errstr_size) {
    *out = NULL;
    if (!conf)
        return CQL_ERR_INVALID_ARG;
    cql_session_t *s = calloc(1, sizeof *s);
    if (!s) {
        cql_conf_free(conf);
        return CQL_ERR_NOMEM;
    }
    s->conf = conf;
    s->last_err = CQL_ERR_PENDING;
    if (conf->local_dc)
        snprintf(s->local_dc, sizeof s->local_dc, "%s", conf->local_dc);
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) {
        cql_set_errstr(errstr, errstr_size, "epoll_create1: %s", strerror(errno));
        cql_session_free(s);
        return CQL_ERR_NOMEM;
    }
    if (parse_contact_points(s, errstr, errstr_size) != 0) {
        cql_session_free(s);
        return CQL_ERR_CONF;
    }
    int64_t now = cql_now_ms();
    for (size_t i = 0; i < s->n_hosts; i++)
        host_connect(s, s->hosts[i], now);
    *out = s;
    return CQL_OK;
}

void cql_session_free(cql_session_t *s) {
    if (!s)
        return;
    s->closing = true;
    for (size_t i = 0; i < s->n_hosts; i++)
        for (uint32_t j = 0; j < s->hosts[i]->n_conns; j++)
            sconn_drop(s, &s->hosts[i]->conns[j]);
    /* requests waiting for agreement or a retry */
    while (s->reqs) {
        sreq_t *r = s->reqs;
        sreq_finish(r, NULL, CQL_ERR_CLOSED, "session closed");
        sreq_free(r);
    }
    while (s->spare) {
        sreq_t *r = s->spare;
        s->spare = r->next;
        cql_buf_free(&r->frame);
        free(r);
    }
    for (size_t i = 0; i < s->n_hosts; i++) {
        free(s->hosts[i]->conns);
        free(s->hosts[i]->tokens);
        free(s->hosts[i]);
    }
    free(s->hosts);
    free(s->ring);
    free(s->host_dc);
    free(s->ks);
    if (s->epfd >= 0)
        close(s->epfd);
    cql_conf_free(s->conf);
    free(s);
}

int cql_session_fd(const cql_session_t *s) {
    return s->epfd;
}

size_t cql_session_host_count(const cql_session_t *s) {
    return s->n_hosts;
}

bool cql_session_host_info(const cql_session_t *s, size_t i, cql_host_info_t *out) {
    if (i >= s->n_hosts)
        return false;
    const host_t *h = s->hosts[i];
    *out = (cql_host_info_t){h->addr, h->port, h->dc, h->up, h->requests};
    return true;
}

const char *cql_session_local_dc(const cql_session_t *s) {
    return s->local_dc;
}

size_t cql_session_hosts_up(const cql_session_t *s) {
    size_t n = 0;
    for (size_t i = 0; i < s->n_hosts; i++)
        n += s->hosts[i]->up;
    return n;
}

int64_t cql_session_timeout_ms(const cql_session_t *s) {
    if (s->unflushed)
        return 0;
    int64_t now = cql_now_ms(), best = -1;
    for (size_t i = 0; i < s->n_hosts; i++) {
        host_t *h = s->hosts[i];
        for (uint32_t j = 0; j < h->n_conns; j++) {
            if (h->conns[j].conn) {
                int64_t t = cql_conn_timeout_ms(h->conns[j].conn);
                if (t >= 0 && (best < 0 || t < best))
                    best = t;
            } else {
                int64_t t = h->next_attempt > now ? h->next_attempt - now : 0;
                if (best < 0 || t < best)
                    best = t;
            }
        }
    }
    for (sreq_t *r = s->n_agree ? s->reqs : NULL; r; r = r->next) {
        if (r->phase == SREQ_AGREE && r->agree_next) {
            int64_t t = r->agree_next > now ? r->agree_next - now : 0;
            if (best < 0 || t < best)
                best = t;
        }
    }
    return best;
}

/* Frees the hosts marked removed. Runs from housekeeping only, never inside a step of a
 * connection, since it closes connections (and fails their requests, which may retry). */
static void prune_hosts(cql_session_t *s) {
    s->prune = false;
    for (size_t i = 0; i < s->n_hosts;) {
        host_t *h = s->hosts[i];
        if (!h->removed) {
            i++;
            continue;
        }
        memmove(&s->hosts[i], &s->hosts[i + 1], (s->n_hosts - i - 1) * sizeof *s->hosts);
        s->n_hosts--;
        if (s->rr >= s->n_hosts)
            s->rr = 0;
        ring_rebuild(s);
        for (sreq_t *r = s->reqs; r; r = r->next) {
            if (r->last_host == h)
                r->last_host = NULL;
        }
        for (uint32_t j = 0; j < h->n_conns; j++)
            sconn_drop(s, &h->conns[j]);
        free(h->conns);
        free(h->tokens);
        free(h);
    }
}

static void housekeeping(cql_session_t *s) {
    int64_t now = cql_now_ms();
    if (s->prune)
        prune_hosts(s);
    for (size_t i = 0; i < s->n_hosts; i++) {
        host_t *h = s->hosts[i];
        for (uint32_t j = 0; j < h->n_conns; j++) {
            sconn_t *sc = &h->conns[j];
            if (sc->conn) {
                cql_conn_step(sc->conn, 0); /* deadlines */
                sconn_check(s, sc, now);
            }
        }
        bool missing = false;
        for (uint32_t j = 0; j < h->n_conns; j++)
            missing |= h->conns[j].conn == NULL;
        if (missing && now >= h->next_attempt)
            host_connect(s, h, now);
    }
    if (s->control && s->control->conn && cql_conn_is_ready(s->control->conn)) {
        if (s->need_discovery && !s->discovering) {
            s->need_discovery = false;
            disc_submit(s);
        }
        if (!s->registered) {
            const char *ev[] = {"TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"};
            s->need_discovery = true; /* what changed while no connection listened */
            cql_future_t *f;
            if (cql_conn_register(s->control->conn, ev, 3, &f) == CQL_OK) {
                s->registered = true;
                cql_future_set_callback(f, register_done, s);
            }
        }
        sconn_watch(s, s->control);
    }
    for (sreq_t *r = s->n_agree ? s->reqs : NULL, *next; r; r = next) {
        next = r->next;
        if (r->phase == SREQ_AGREE && r->agree_next && now >= r->agree_next)
            agree_check(r);
    }
}

void cql_session_flush(cql_session_t *s) {
    if (!s->unflushed)
        return;
    s->unflushed = false; /* a callback of a failing write may set it again */
    for (size_t i = 0; i < s->n_hosts; i++)
        for (uint32_t j = 0; j < s->hosts[i]->n_conns; j++) {
            sconn_t *sc = &s->hosts[i]->conns[j];
            if (sc->conn) {
                cql_conn_flush(sc->conn);
                sconn_watch(s, sc); /* writable wanted only for what the socket refused */
            }
        }
}

static cql_err_t session_wait(cql_session_t *s, int timeout_ms) {
    cql_session_flush(s);
    struct epoll_event evs[64];
    int n = epoll_wait(s->epfd, evs, 64, timeout_ms);
    int64_t now = cql_now_ms();
    for (int i = 0; i < n; i++) {
        sconn_t *sc = evs[i].data.ptr;
        if (!sc->conn)
            continue;
        int rev = 0;
        if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
            rev |= CQL_EV_READ;
        if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
            rev |= CQL_EV_WRITE;
        cql_conn_step(sc->conn, rev);
        sconn_check(s, sc, now);
    }
    housekeeping(s);
    return CQL_OK;
}

cql_err_t cql_session_step(cql_session_t *s) {
    return session_wait(s, 0);
}

cql_err_t cql_session_poll(cql_session_t *s, int64_t timeout_ms) {
    /* write what callbacks queued since the last step */
    s->unflushed = true;
    cql_session_flush(s);
    int64_t t = cql_session_timeout_ms(s);
    if (t < 0 || (timeout_ms >= 0 && timeout_ms < t))
        t = timeout_ms;
    return session_wait(s, t < 0 ? -1 : (int)(t > INT32_MAX ? INT32_MAX : t));
}

/* Every host's last attempt failed in a way another attempt will not mend (credentials,
 * TLS verification, a protocol the server does not speak): waiting on is pointless. */
static bool all_hosts_refused(const cql_session_t *s) {
    for (size_t i = 0; i < s->n_hosts; i++) {
        cql_err_t e = s->hosts[i]->last_err;
        if (e == CQL_OK || e == CQL_ERR_PENDING || cql_err_is_retriable(e))
            return false;
    }
    return s->n_hosts > 0;
}

cql_err_t cql_session_connect_wait(cql_session_t *s, int64_t timeout_ms, char *errstr,
                                   size_t errstr_size) {
    int64_t deadline = cql_now_ms() + timeout_ms;
    for (;;) {
        if (cql_session_hosts_up(s) > 0 && !s->discovering && !s->need_discovery)
            return CQL_OK;
        int64_t left = deadline - cql_now_ms();
        if (left <= 0 || all_hosts_refused(s))
            break;
        cql_session_poll(s, left < 50 ? left : 50);
    }
    if (cql_session_hosts_up(s) > 0)
        return CQL_OK;
    cql_set_errstr(errstr, errstr_size, "%s", s->last_msg[0] ? s->last_msg : "no host ready");
    return s->last_err == CQL_ERR_PENDING ? CQL_ERR_NO_HOSTS : s->last_err;
}

cql_err_t cql_session_execute(cql_session_t *s, const cql_stmt_t *st, int64_t timeout_ms,
                              cql_result_t **result, char *errstr, size_t errstr_size) {
    if (result)
        *result = NULL;
    cql_future_t *f = NULL;
    cql_err_t err = cql_session_query(s, st, &f);
    if (err == CQL_OK)
        err = cql_future_wait(f, timeout_ms);
    if (err != CQL_OK) {
        /* the server's message or the library's detail, unless it only repeats the code */
        const char *msg = f ? cql_future_error_message(f) : "";
        int more = *msg && strcmp(msg, cql_err_str(err)) != 0;
        snprintf(errstr, errstr_size, "%s%s%s", cql_err_str(err), more ? ": " : "",
                 more ? msg : "");
    } else if (result) {
        *result = cql_future_take_result(f);
    }
    cql_future_free(f);
    return err;
}

cql_err_t cql_session_wait_schema_agreement(cql_session_t *s, int64_t timeout_ms) {
    /* a no-op statement through the agreement machinery */
    sreq_t *r = sreq_new(s);
    if (!r)
        return CQL_ERR_NOMEM;
    r->user = cql_future_new(s, session_drive);
    r->ddl = cql_future_new(s, session_drive);
    if (!r->user || !r->ddl) {
        if (r->ddl)
            cql_future_complete(r->ddl, CQL_ERR_NOMEM, NULL, NULL);
        if (r->user)
            cql_future_complete(r->user, CQL_ERR_NOMEM, NULL, NULL);
        cql_future_free(r->ddl);
        cql_future_free(r->user);
        cql_buf_free(&r->frame);
        free(r);
        return CQL_ERR_NOMEM;
    }
    cql_future_complete(r->ddl, CQL_OK, NULL, NULL);
    r->user->link = r;
    r->next = s->reqs;
    if (s->reqs)
        s->reqs->prev = r;
    s->reqs = r;
    r->phase = SREQ_AGREE;
    s->n_agree++;
    r->agree_deadline = cql_now_ms() + timeout_ms;
    cql_future_t *u = r->user;
    agree_check(r);
    cql_err_t err = cql_future_wait(u, timeout_ms + 1000);
    if (err == CQL_ERR_PENDING)
        err = CQL_ERR_SCHEMA_DISAGREEMENT;
    cql_future_free(u);
    return err;
}
