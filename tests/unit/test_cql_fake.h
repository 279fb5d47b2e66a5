/* A fake Cassandra node for unit tests (test_cql_session, test_cql_lb, test_writer,
 * test_processor): a loopback listener speaking native protocol v4, one thread per
 * connection.
 *
 * Every request goes to the test's handler first, which fills the reply or leaves it to
 * the node: the node answers by itself what a session needs to connect, STARTUP and
 * REGISTER (READY), the topology queries on system.local and system.peers_v2 (the node's
 * token, and its peer when two nodes make a ring) and the keyspaces' replication (none). While the
 * node holds (fake_node_hold), replies to EXECUTE wait unsent, so that writes stay in flight for as
 * long as a test wants; fake_node_hold(n, 0) sends them; fake_node_event() pushes an EVENT on the
 * connection that sent REGISTER. Only what a test needs is implemented; it checks nothing about
 * what clients send. */
#ifndef TEST_CQL_FAKE_H
#define TEST_CQL_FAKE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cql_int.h"
#include "test_cql_util.h"

typedef struct fake_node_s fake_node_t;

/* What the handler wants done with a request. */
enum {
    FAKE_REPLY_NONE = -1,   /* send nothing */
    FAKE_REPLY_CLOSE = -2,  /* close the connection, as a crashing node would */
    FAKE_REPLY_DEFAULT = -3 /* the node's own answer: READY, the topology rows, else nothing */
};

/* Sees every request first: op and the frame body (len bytes). Fills reply and returns the
 * opcode to send (CQL_OP_RESULT, CQL_OP_ERROR, CQL_OP_AUTHENTICATE...), or FAKE_REPLY_*.
 * Called on the connection's thread; the node's mutex is not held. */
typedef int (*fake_handler_t)(fake_node_t *n, uint8_t op, const uint8_t *body, size_t len,
                              tb_t *reply);

struct fake_node_s {
    int lfd, port;
    pthread_t th;
    const char *token; /* the node's one token, as text */
    fake_node_t *peer; /* the other node of a two-node ring, or NULL for one node */
    fake_handler_t handler;
    void *opaque; /* the test's */
    pthread_mutex_t mu;
    int hold;     /* replies to EXECUTE wait while set; under mu */
    int held;     /* how many wait now; under mu */
    int conns;    /* connection threads alive; under mu */
    int event_fd; /* the connection that sent REGISTER, or -1; under mu */
    /* While set, every connection is closed at once, new ones too: a node that is down. */
    volatile int down;
    volatile int stop;
};

/* One write per frame: two small writes would meet Nagle and delayed ACKs. */
static inline void fake_send_frame(int fd, uint8_t op, int16_t stream, const tb_t *body) {
    uint8_t *out = malloc(9 + body->n);
    uint8_t h[9] = {0x84, 0, (uint8_t)((uint16_t)stream >> 8), (uint8_t)stream, op};
    cql_wr_u32(h + 5, (uint32_t)body->n);
    memcpy(out, h, 9);
    memcpy(out + 9, body->b, body->n);
    if (write(fd, out, 9 + body->n) != (ssize_t)(9 + body->n)) {
        /* the client went away; its session notices */
    }
    free(out);
}

static inline void fake_rows_header(tb_t *t, int ncols) {
    tb_u32(t, CQL_RESULT_ROWS);
    tb_u32(t, CQL_META_GLOBAL_TABLES);
    tb_u32(t, (uint32_t)ncols);
    tb_str(t, "system");
    tb_str(t, "t");
}

static inline void fake_tokens_value(tb_t *t, const char *tok) {
    tb_u32(t, (uint32_t)(4 + 4 + strlen(tok)));
    tb_u32(t, 1);
    tb_bytes(t, tok, (int32_t)strlen(tok));
}

/* The text of a QUERY body, NUL-terminated and cut to cap. */
static inline void fake_query_text(const uint8_t *body, size_t len, char *out, size_t cap) {
    size_t qlen = len >= 4 ? cql_rd_u32p(body) : 0;
    if (qlen > len - 4)
        qlen = len >= 4 ? len - 4 : 0;
    snprintf(out, cap, "%.*s", (int)qlen, (const char *)body + 4);
}

static const uint8_t FAKE_SCHEMA_V1[16] = {1, 1, 1, 1, 1, 1, 0x11, 1, 0x81, 1, 1, 1, 1, 1, 1, 1};

/* The discovery queries of a session; 1 if query was one of them (reply filled). */
static inline int fake_topology(const fake_node_t *n, const char *query, tb_t *t) {
    if (strstr(query, "FROM system_schema.keyspaces")) {
        /* no keyspace's replication: the session routes by the ring alone. Unanswered,
         * the session's discovery would wait for it until a test's connect wait gave up */
        fake_rows_header(t, 2);
        tb_str(t, "keyspace_name");
        tb_u16(t, CQL_TYPE_VARCHAR);
        tb_str(t, "replication");
        tb_u16(t, CQL_TYPE_MAP);
        tb_u16(t, CQL_TYPE_VARCHAR);
        tb_u16(t, CQL_TYPE_VARCHAR);
        tb_u32(t, 0);
        return 1;
    }
    if (!strstr(query, "tokens"))
        return 0;
    if (strstr(query, "system.local")) {
        fake_rows_header(t, 3);
        tb_str(t, "key");
        tb_u16(t, CQL_TYPE_VARCHAR);
        tb_str(t, "tokens");
        tb_u16(t, CQL_TYPE_SET);
        tb_u16(t, CQL_TYPE_VARCHAR);
        tb_str(t, "schema_version");
        tb_u16(t, CQL_TYPE_UUID);
        tb_u32(t, 1);
        tb_bytes(t, "local", 5);
        fake_tokens_value(t, n->token);
        tb_bytes(t, FAKE_SCHEMA_V1, 16);
        return 1;
    }
    if (!strstr(query, "system.peers_v2"))
        return 0;
    fake_rows_header(t, 4);
    tb_str(t, "native_address");
    tb_u16(t, CQL_TYPE_INET);
    tb_str(t, "native_port");
    tb_u16(t, CQL_TYPE_INT);
    tb_str(t, "tokens");
    tb_u16(t, CQL_TYPE_SET);
    tb_u16(t, CQL_TYPE_VARCHAR);
    tb_str(t, "schema_version");
    tb_u16(t, CQL_TYPE_UUID);
    tb_u32(t, n->peer ? 1 : 0);
    if (n->peer) {
        tb_bytes(t, "\x7f\x00\x00\x01", 4);
        tb_u32(t, 4);
        tb_u32(t, (uint32_t)n->peer->port);
        fake_tokens_value(t, n->peer->token);
        tb_bytes(t, FAKE_SCHEMA_V1, 16);
    }
    return 1;
}

/* A PREPARED result: statement id, one column per bind marker (names[i] of types[i]; the
 * first is the partition key), no result metadata. */
static inline void fake_prepared(tb_t *t, const char *id, int n, const char *const *names,
                                 const uint16_t *types) {
    tb_u32(t, CQL_RESULT_PREPARED);
    tb_u16(t, (uint16_t)strlen(id));
    tb_raw(t, id, strlen(id));
    tb_u32(t, CQL_META_GLOBAL_TABLES);
    tb_u32(t, (uint32_t)n);
    tb_u32(t, 1);
    tb_u16(t, 0);
    tb_str(t, "ks");
    tb_str(t, "t");
    for (int i = 0; i < n; i++) {
        tb_str(t, names[i]);
        tb_u16(t, types[i]);
    }
    tb_u32(t, CQL_META_NO_METADATA);
    tb_u32(t, 0);
}

/* The PREPARED result of a statement with one bind marker, k int, the partition key. */
static inline void fake_prepared_k(tb_t *t) {
    static const char *const names[] = {"k"};
    static const uint16_t types[] = {CQL_TYPE_INT};
    fake_prepared(t, "p1", 1, names, types);
}

/* An ERROR body with the fields the code carries (write timeout, unavailable). */
static inline void fake_error(tb_t *t, uint32_t code, const char *msg) {
    tb_u32(t, code);
    tb_str(t, msg);
    if (code == 0x1100) { /* write timeout: consistency, received, blockfor, write type */
        tb_u16(t, CQL_CONSISTENCY_ONE);
        tb_u32(t, 0);
        tb_u32(t, 1);
        tb_str(t, "SIMPLE");
    } else if (code == 0x1000) { /* unavailable: consistency, required, alive */
        tb_u16(t, CQL_CONSISTENCY_ONE);
        tb_u32(t, 1);
        tb_u32(t, 0);
    }
}

/* The bound values of an EXECUTE body: up to max of them into vals/lens (a NULL value has
 * length -1). Returns how many the request holds, -1 if it is malformed. */
static inline int fake_execute_values(const uint8_t *b, size_t len, const uint8_t **vals,
                                      int32_t *lens, int max) {
    size_t at = 0;
    if (len < 2)
        return -1;
    at = 2 + cql_rd_u16p(b); /* statement id */
    if (at + 3 > len)
        return -1;
    uint8_t flags = b[at + 2];
    at += 3; /* consistency, flags */
    if (!(flags & 0x01))
        return 0;
    if (at + 2 > len)
        return -1;
    int n = cql_rd_u16p(b + at);
    at += 2;
    for (int i = 0; i < n; i++) {
        if (at + 4 > len)
            return -1;
        int32_t l = (int32_t)cql_rd_u32p(b + at);
        at += 4;
        if (l > 0 && at + (size_t)l > len)
            return -1;
        if (i < max) {
            vals[i] = b + at;
            lens[i] = l;
        }
        at += l > 0 ? (size_t)l : 0;
    }
    return n;
}

typedef struct {
    fake_node_t *n;
    int fd;
} fake_conn_arg_t;

typedef struct {
    uint8_t op;
    int16_t stream;
    tb_t *body;
} fake_pending_t;

/* Answers one request: the node's own replies first, then the handler's. A reply to an
 * EXECUTE is queued instead while the node holds. Returns -1 to close the connection. */
static inline int fake_answer(fake_node_t *n, int fd, uint8_t op, int16_t st, const tb_t *body,
                              fake_pending_t **pending, size_t *n_pending) {
    tb_t *t = calloc(1, sizeof *t);
    char query[1024];
    if (op == CQL_OP_REGISTER) {
        pthread_mutex_lock(&n->mu);
        n->event_fd = fd;
        pthread_mutex_unlock(&n->mu);
    }
    int reply_op = n->handler ? n->handler(n, op, body->b, body->n, t) : FAKE_REPLY_DEFAULT;
    if (reply_op != FAKE_REPLY_DEFAULT) {
    } else if (op == CQL_OP_STARTUP || op == CQL_OP_REGISTER) {
        reply_op = CQL_OP_READY;
    } else if (op == CQL_OP_QUERY && (fake_query_text(body->b, body->n, query, sizeof query),
                                      fake_topology(n, query, t))) {
        reply_op = CQL_OP_RESULT;
    } else {
        reply_op = FAKE_REPLY_NONE;
    }
    if (reply_op == FAKE_REPLY_CLOSE) {
        free(t);
        return -1;
    }
    if (reply_op < 0) {
        free(t);
        return 0;
    }
    pthread_mutex_lock(&n->mu);
    int queue = op == CQL_OP_EXECUTE && n->hold;
    if (queue)
        n->held++;
    pthread_mutex_unlock(&n->mu);
    if (queue) {
        *pending = realloc(*pending, (*n_pending + 1) * sizeof **pending);
        (*pending)[(*n_pending)++] = (fake_pending_t){(uint8_t)reply_op, st, t};
        return 0;
    }
    fake_send_frame(fd, (uint8_t)reply_op, st, t);
    free(t);
    return 0;
}

static inline void fake_flush_pending(fake_node_t *n, int fd, fake_pending_t **pending,
                                      size_t *n_pending) {
    pthread_mutex_lock(&n->mu);
    int hold = n->hold;
    if (!hold)
        n->held -= (int)*n_pending;
    pthread_mutex_unlock(&n->mu);
    if (hold)
        return;
    for (size_t i = 0; i < *n_pending; i++) {
        fake_send_frame(fd, (*pending)[i].op, (*pending)[i].stream, (*pending)[i].body);
        free((*pending)[i].body);
    }
    *n_pending = 0;
}

static inline void *fake_serve_conn(void *arg) {
    fake_conn_arg_t *a = arg;
    fake_node_t *n = a->n;
    int fd = a->fd;
    free(a);
    tb_t *body = malloc(sizeof *body);
    fake_pending_t *pending = NULL;
    size_t n_pending = 0;
    while (!n->stop && !n->down) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, 10);
        if (n_pending)
            fake_flush_pending(n, fd, &pending, &n_pending);
        if (r <= 0)
            continue;
        uint8_t h[9];
        if (tu_read_full(fd, h, 9) != 0)
            break;
        int16_t st = (int16_t)((h[2] << 8) | h[3]);
        uint32_t len = cql_rd_u32p(h + 5);
        if (len > sizeof body->b || tu_read_full(fd, body->b, len) != 0)
            break;
        body->n = len;
        if (fake_answer(n, fd, h[4], st, body, &pending, &n_pending) != 0)
            break;
    }
    for (size_t i = 0; i < n_pending; i++)
        free(pending[i].body);
    free(pending);
    free(body);
    pthread_mutex_lock(&n->mu);
    if (n->event_fd == fd)
        n->event_fd = -1;
    close(fd);
    n->held -= (int)n_pending;
    n->conns--;
    pthread_mutex_unlock(&n->mu);
    return NULL;
}

static inline void *fake_accept_loop(void *arg) {
    fake_node_t *n = arg;
    for (;;) {
        int fd = accept(n->lfd, NULL, NULL);
        if (fd < 0 || n->stop) {
            if (fd >= 0)
                close(fd);
            break;
        }
        fake_conn_arg_t *a = malloc(sizeof *a);
        a->n = n;
        a->fd = fd;
        pthread_mutex_lock(&n->mu);
        n->conns++;
        pthread_mutex_unlock(&n->mu);
        pthread_t th;
        pthread_create(&th, NULL, fake_serve_conn, a);
        pthread_detach(th);
    }
    return NULL;
}

/* Listens on a free loopback port (n->port). Start it with fake_node_start() once the
 * peers are known. Returns 0, or -1 if the socket could not be set up. */
static inline int fake_node_init(fake_node_t *n, const char *token, fake_handler_t handler,
                                 void *opaque) {
    memset(n, 0, sizeof *n);
    pthread_mutex_init(&n->mu, NULL);
    n->token = token;
    n->handler = handler;
    n->opaque = opaque;
    n->event_fd = -1;
    n->lfd = tu_listen(8, &n->port);
    return n->lfd < 0 ? -1 : 0;
}

static inline void fake_node_start(fake_node_t *n) {
    pthread_create(&n->th, NULL, fake_accept_loop, n);
}

/* Stops accepting and waits for the connection threads, which end at their next wake-up
 * (~10 ms); the node may then be initialised again. */
static inline void fake_node_stop(fake_node_t *n) {
    n->stop = 1;
    shutdown(n->lfd, SHUT_RDWR);
    pthread_join(n->th, NULL);
    close(n->lfd);
    for (;;) {
        pthread_mutex_lock(&n->mu);
        int left = n->conns;
        pthread_mutex_unlock(&n->mu);
        if (left == 0)
            break;
        usleep(5000);
    }
}

/* Holds (1) or releases (0) the replies to EXECUTE; released ones go out within ~10 ms. */
static inline void fake_node_hold(fake_node_t *n, int on) {
    pthread_mutex_lock(&n->mu);
    n->hold = on;
    pthread_mutex_unlock(&n->mu);
}

/* Replies to EXECUTE waiting for a release. */
static inline int fake_node_held(fake_node_t *n) {
    pthread_mutex_lock(&n->mu);
    int h = n->held;
    pthread_mutex_unlock(&n->mu);
    return h;
}

/* Pushes an EVENT with body on the connection that registered for events. Returns 0, or -1
 * if no connection has. */
static inline int fake_node_event(fake_node_t *n, const tb_t *body) {
    pthread_mutex_lock(&n->mu);
    int fd = n->event_fd;
    if (fd >= 0)
        fake_send_frame(fd, CQL_OP_EVENT, -1, body);
    pthread_mutex_unlock(&n->mu);
    return fd >= 0 ? 0 : -1;
}

/* "127.0.0.1:port" of the node. */
static inline void fake_node_address(const fake_node_t *n, char *out, size_t cap) {
    snprintf(out, cap, "127.0.0.1:%d", n->port);
}

#endif
