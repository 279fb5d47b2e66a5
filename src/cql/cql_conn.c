/*
 * cql_conn — one connection to one Cassandra host: a non-blocking socket (optionally
 * TLS), the STARTUP / AUTHENTICATE (SASL PLAIN) / USE handshake, and many requests in
 * flight at once, matched to their futures by stream id. Requests are encoded straight
 * into one output buffer and written in batches; responses are read into one input
 * buffer and decoded in place. A copy of each request frame is kept in its stream slot
 * (a buffer reused across requests) so that an EXECUTE answered with UNPREPARED can be
 * re-prepared and sent again without the caller's statement.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cql_conn_int.h"

enum {
    ST_CONNECTING = 1,
    ST_TLS,
    ST_STARTUP,
    ST_AUTH,
    ST_USE,
    ST_READY,
    ST_CLOSED,
};

typedef struct {
    cql_future_t *f;
    int64_t deadline;
    cql_req_kind_t kind;
    bool busy;      /* stream id in use (also while orphaned) */
    bool orphan;    /* the caller's side is gone (timeout); wait for the response */
    bool retried;   /* already re-prepared once */
    int32_t waiter; /* CQL_REQ_REPREPARE: the stream whose EXECUTE waits for it */
    cql_prepared_t *prepared;
    cql_buf_t req; /* copy of the request frame */
} slot_t;

struct cql_conn_s {
    cql_conf_t *conf;
    char host[256];
    int port;
    int fd;
    int state;
    cql_err_t state_err;
    char state_msg[256];
    int64_t connect_deadline;
    cql_tls_ctx_t *tls_ctx;
    cql_tls_t *tls;
    int tls_want;

    cql_buf_t out;  /* bytes to write */
    size_t out_off; /* written so far */
    cql_buf_t held; /* requests submitted before the handshake finished */
    cql_buf_t in;   /* bytes read */
    size_t in_off;  /* decoded so far */
    cql_buf_t scratch;

    int64_t next_deadline; /* no request expires before this (a lower bound) */
    slot_t *slots;         /* index = stream id; 0 is the handshake's */
    uint32_t n_slots;
    int16_t *free_ids;
    uint32_t n_free;
    size_t inflight;

    cql_event_cb_t event_cb;
    void *event_opaque;
};

static void conn_fail(cql_conn_t *c, cql_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- setup -------------------------------------------------------------------------- */

static cql_err_t start_connect(cql_conn_t *c, char *errstr, size_t errstr_size) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", c->port);
    int rc = getaddrinfo(c->host, port, &hints, &res);
    if (rc != 0) {
        cql_set_errstr(errstr, errstr_size, "%s: %s", c->host, gai_strerror(rc));
        return CQL_ERR_CONNECT;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        cql_set_errstr(errstr, errstr_size, "socket: %s", strerror(errno));
        return CQL_ERR_CONNECT;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno != EINPROGRESS) {
        cql_set_errstr(errstr, errstr_size, "connect %s:%d: %s", c->host, c->port, strerror(errno));
        close(fd);
        return CQL_ERR_CONNECT;
    }
    c->fd = fd;
    c->state = ST_CONNECTING;
    c->connect_deadline = cql_now_ms() + c->conf->connect_timeout_ms;
    return CQL_OK;
}

static cql_err_t conn_alloc(cql_conf_t *conf, const char *host, int port, cql_conn_t **out,
                            char *errstr, size_t errstr_size) {
    *out = NULL;
    if (!conf || !host || strlen(host) >= 256 || port <= 0 || port > 65535) {
        cql_conf_free(conf);
        cql_set_errstr(errstr, errstr_size, "invalid host or port");
        return CQL_ERR_INVALID_ARG;
    }
    cql_conn_t *c = calloc(1, sizeof *c);
    if (!c) {
        cql_conf_free(conf);
        return CQL_ERR_NOMEM;
    }
    c->conf = conf;
    c->fd = -1;
    c->state = ST_CLOSED;
    c->state_err = CQL_ERR_PENDING;
    snprintf(c->host, sizeof c->host, "%s", host);
    c->port = port;
    /* room for a whole response frame, plus what arrives behind it */
    cql_buf_init(&c->in, (size_t)conf->max_frame_size + CQL_FRAME_HEADER_SIZE + (1u << 20));
    cql_buf_init(&c->out, 0);
    cql_buf_init(&c->held, 0);
    cql_buf_init(&c->scratch, 0);
    c->n_slots = conf->max_inflight + 1;
    c->slots = calloc(c->n_slots, sizeof *c->slots);
    c->free_ids = malloc(c->n_slots * sizeof *c->free_ids);
    if (!c->slots || !c->free_ids) {
        cql_conn_free(c);
        return CQL_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < c->n_slots; i++)
        cql_buf_init(&c->slots[i].req, 0);
    /* lowest ids on top of the stack */
    for (uint32_t i = c->n_slots - 1; i >= 1; i--)
        c->free_ids[c->n_free++] = (int16_t)i;
    cql_err_t err;
    if (conf->tls) {
        err = cql_tls_ctx_new(conf, &c->tls_ctx, errstr, errstr_size);
        if (err) {
            cql_conn_free(c);
            return err;
        }
    }
    *out = c;
    return CQL_OK;
}

cql_err_t cql_conn_new(cql_conf_t *conf, const char *host, int port, cql_conn_t **out, char *errstr,
                       size_t errstr_size) {
    cql_conn_t *c;
    cql_err_t err = conn_alloc(conf, host, port, &c, errstr, errstr_size);
    if (err)
        return err;
    err = start_connect(c, errstr, errstr_size);
    if (err) {
        cql_conn_free(c);
        return err;
    }
    *out = c;
    return CQL_OK;
}

cql_err_t cql_conn_new_fd(cql_conf_t *conf, int fd, cql_conn_t **out) {
    cql_err_t err = conn_alloc(conf, "fd", 1, out, NULL, 0);
    if (err)
        return err;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        close(fd);
        cql_conn_free(*out);
        *out = NULL;
        return CQL_ERR_INVALID_ARG;
    }
    (*out)->fd = fd;
    (*out)->state = ST_CONNECTING;
    (*out)->connect_deadline = cql_now_ms() + conf->connect_timeout_ms;
    return CQL_OK;
}

static void fail_all(cql_conn_t *c, cql_err_t err, const char *msg) {
    for (uint32_t i = 0; i < c->n_slots; i++) {
        slot_t *s = &c->slots[i];
        if (!s->busy)
            continue;
        cql_future_t *f = s->f;
        s->f = NULL;
        s->busy = false;
        cql_prepared_free(s->prepared);
        s->prepared = NULL;
        if (f)
            cql_future_complete(f, err, msg, NULL);
    }
    c->inflight = 0;
    c->n_free = 0;
    for (uint32_t i = c->n_slots - 1; i >= 1; i--)
        c->free_ids[c->n_free++] = (int16_t)i;
}

static void conn_close(cql_conn_t *c) {
    if (c->tls) {
        cql_tls_free(c->tls);
        c->tls = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->state = ST_CLOSED;
    c->out.len = c->out_off = 0;
    c->held.len = 0;
    c->in.len = c->in_off = 0;
}

static void conn_fail(cql_conn_t *c, cql_err_t err, const char *fmt, ...) {
    if (c->state == ST_CLOSED)
        return;
    if (c->state_err == CQL_ERR_PENDING || c->state_err == CQL_OK) {
        c->state_err = err;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->state_msg, sizeof c->state_msg, fmt, ap);
        va_end(ap);
    }
    /* a failed attempt while a host is down is routine; losing a live one is not */
    cql_log(c->conf, c->state == ST_READY ? CQL_LOG_WARN : CQL_LOG_DEBUG, "%s:%d: %s", c->host,
            c->port, c->state_msg);
    conn_close(c);
    fail_all(c, err, c->state_msg);
}

void cql_conn_free(cql_conn_t *c) {
    if (!c)
        return;
    if (c->state != ST_CLOSED) {
        c->state_err = CQL_ERR_CLOSED;
        snprintf(c->state_msg, sizeof c->state_msg, "connection closed by the client");
        conn_close(c);
    }
    if (c->slots) {
        fail_all(c, CQL_ERR_CLOSED, "connection closed by the client");
        for (uint32_t i = 0; i < c->n_slots; i++)
            cql_buf_free(&c->slots[i].req);
    }
    free(c->slots);
    free(c->free_ids);
    cql_buf_free(&c->in);
    cql_buf_free(&c->out);
    cql_buf_free(&c->held);
    cql_buf_free(&c->scratch);
    cql_tls_ctx_free(c->tls_ctx);
    cql_conf_free(c->conf);
    free(c);
}

int cql_conn_fd(const cql_conn_t *c) {
    return c->fd;
}
bool cql_conn_is_ready(const cql_conn_t *c) {
    return c->state == ST_READY;
}
size_t cql_conn_inflight(const cql_conn_t *c) {
    return c->inflight;
}
const char *cql_conn_host(const cql_conn_t *c) {
    return c->host;
}

cql_err_t cql_conn_state_error(const cql_conn_t *c, const char **message) {
    if (message)
        *message = c->state_msg;
    if (c->state == ST_READY)
        return CQL_OK;
    if (c->state == ST_CLOSED)
        return c->state_err == CQL_ERR_PENDING ? CQL_ERR_CLOSED : c->state_err;
    return CQL_ERR_PENDING;
}

int cql_conn_events(const cql_conn_t *c) {
    if (c->fd < 0)
        return 0;
    if (c->state == ST_CONNECTING)
        return CQL_EV_WRITE;
    int ev = CQL_EV_READ;
    if (c->out.len > c->out_off || (c->tls && c->tls_want == CQL_EV_WRITE))
        ev |= CQL_EV_WRITE;
    return ev;
}

int64_t cql_conn_timeout_ms(const cql_conn_t *c) {
    if (c->state == ST_CLOSED)
        return -1;
    int64_t next = -1;
    if (c->state != ST_READY)
        next = c->connect_deadline;
    if (c->inflight && c->next_deadline != INT64_MAX && (next < 0 || c->next_deadline < next))
        next = c->next_deadline;
    if (next < 0)
        return -1;
    int64_t left = next - cql_now_ms();
    return left < 0 ? 0 : left;
}

void cql_conn_set_event_cb(cql_conn_t *c, cql_event_cb_t cb, void *opaque) {
    c->event_cb = cb;
    c->event_opaque = opaque;
}

/* ---- submission --------------------------------------------------------------------- */

/* Queues frame[0..len), encoded with any stream id, under a fresh stream id: it is copied
 * into the stream's slot (kept for a re-prepare) and into the output buffer (the held one
 * before the handshake is done), and both copies get the new id. Returns the stream id,
 * or -1 with *err. */
static int submit_frame(cql_conn_t *c, const uint8_t *frame, size_t len, cql_req_kind_t kind,
                        cql_future_t *f, cql_prepared_t *prepared, int64_t deadline_ms,
                        cql_err_t *err) {
    if (c->state == ST_CLOSED) {
        *err = CQL_ERR_CLOSED;
        return -1;
    }
    if (c->n_free == 0) {
        *err = CQL_ERR_BUSY;
        return -1;
    }
    int16_t id = c->free_ids[c->n_free - 1];
    slot_t *s = &c->slots[id];
    s->req.len = 0;
    cql_buf_put(&s->req, frame, len);
    cql_buf_t *dst = c->state == ST_READY ? &c->out : &c->held;
    size_t before = dst->len;
    cql_buf_put(dst, frame, len);
    if (s->req.failed || dst->failed) {
        s->req.failed = false;
        dst->failed = false;
        dst->len = before;
        *err = CQL_ERR_NOMEM;
        return -1;
    }
    cql_wr_u16(s->req.data + 2, (uint16_t)id);
    cql_wr_u16(dst->data + before + 2, (uint16_t)id);
    c->n_free--;
    s->busy = true;
    s->orphan = false;
    s->retried = false;
    s->kind = kind;
    s->f = f;
    s->waiter = 0;
    s->deadline = deadline_ms;
    if (c->inflight == 0 || s->deadline < c->next_deadline)
        c->next_deadline = s->deadline;
    s->prepared = prepared;
    if (prepared)
        cql_prepared_ref(prepared);
    c->inflight++;
    return id;
}

static void release(cql_conn_t *c, int id) {
    slot_t *s = &c->slots[id];
    if (!s->busy)
        return;
    s->busy = false;
    s->f = NULL;
    cql_prepared_free(s->prepared);
    s->prepared = NULL;
    c->free_ids[c->n_free++] = (int16_t)id;
    c->inflight--;
}

static cql_err_t conn_drive(void *owner, int64_t timeout_ms) {
    return cql_conn_poll(owner, timeout_ms);
}

/* The deadline of a request submitted now with timeout_ms (0 or less: the configured one). */
static int64_t deadline_in(const cql_conn_t *c, int64_t timeout_ms) {
    return cql_now_ms() + (timeout_ms > 0 ? timeout_ms : c->conf->request_timeout_ms);
}

/* A frame the session encoded (and keeps for a retry on another host), queued as is. */
cql_err_t cql_conn_submit_encoded(cql_conn_t *c, const uint8_t *frame, size_t len,
                                  cql_req_kind_t kind, cql_prepared_t *prepared,
                                  int64_t deadline_ms, cql_future_t *f) {
    cql_err_t err;
    if (submit_frame(c, frame, len, kind, f, prepared, deadline_ms, &err) < 0)
        return err;
    return CQL_OK;
}

static cql_err_t submit_scratch(cql_conn_t *c, size_t off, cql_req_kind_t kind, cql_prepared_t *p,
                                int64_t timeout_ms, cql_future_t **out) {
    *out = NULL;
    if (off == (size_t)-1)
        return CQL_ERR_NOMEM;
    cql_future_t *f = cql_future_new(c, conn_drive);
    if (!f)
        return CQL_ERR_NOMEM;
    cql_err_t err;
    if (submit_frame(c, c->scratch.data, c->scratch.len, kind, f, p, deadline_in(c, timeout_ms),
                     &err) < 0) {
        cql_future_complete(f, err, NULL, NULL); /* never queued: nothing else holds it */
        cql_future_free(f);
        return err;
    }
    *out = f;
    return CQL_OK;
}

/* Encodes statement s or batch b (the other NULL) into scratch, with the configured
 * consistency where they set none. The frame's offset, or (size_t)-1 (out of memory). */
static size_t encode_request(cql_conn_t *c, const cql_stmt_t *s, const cql_batch_t *b) {
    c->scratch.len = 0;
    if (b) {
        cql_batch_t tmp = *b;
        tmp.consistency = b->consistency_set ? b->consistency : c->conf->consistency;
        tmp.consistency_set = true;
        return cql_enc_batch(&c->scratch, 0, &tmp);
    }
    cql_stmt_t tmp = *s;
    tmp.consistency = s->consistency_set ? s->consistency : c->conf->consistency;
    tmp.consistency_set = true;
    return s->prepared ? cql_enc_execute(&c->scratch, 0, &tmp)
                       : cql_enc_query(&c->scratch, 0, &tmp);
}

cql_err_t cql_conn_query(cql_conn_t *c, const cql_stmt_t *s, cql_future_t **out) {
    return submit_scratch(c, encode_request(c, s, NULL), CQL_REQ_USER, s->prepared, s->timeout_ms,
                          out);
}

cql_err_t cql_conn_batch(cql_conn_t *c, const cql_batch_t *b, cql_future_t **out) {
    /* one prepared statement is enough to re-prepare the common single-table batch */
    return submit_scratch(c, encode_request(c, NULL, b), CQL_REQ_USER,
                          b->n_prepared == 1 ? b->prepared[0] : NULL, 0, out);
}

cql_err_t cql_conn_encode(cql_conn_t *c, const cql_stmt_t *s, const cql_batch_t *b,
                          const uint8_t **frame, size_t *len) {
    if (encode_request(c, s, b) == (size_t)-1)
        return CQL_ERR_NOMEM;
    *frame = c->scratch.data;
    *len = c->scratch.len;
    return CQL_OK;
}

cql_err_t cql_conn_prepare(cql_conn_t *c, const char *query, cql_future_t **out) {
    c->scratch.len = 0;
    size_t off = cql_enc_prepare(&c->scratch, 0, query, strlen(query));
    return submit_scratch(c, off, CQL_REQ_PREPARE, NULL, 0, out);
}

cql_err_t cql_conn_options(cql_conn_t *c, cql_future_t **out) {
    c->scratch.len = 0;
    size_t off = cql_enc_options(&c->scratch, 0);
    return submit_scratch(c, off, CQL_REQ_OPTIONS, NULL, 0, out);
}

cql_err_t cql_conn_register(cql_conn_t *c, const char *const *events, size_t n,
                            cql_future_t **out) {
    c->scratch.len = 0;
    size_t off = cql_enc_register(&c->scratch, 0, events, n);
    return submit_scratch(c, off, CQL_REQ_REGISTER, NULL, 0, out);
}

/* ---- handshake ---------------------------------------------------------------------- */

static void send_startup(cql_conn_t *c) {
    const char *kv[] = {"CQL_VERSION", "3.0.0"};
    cql_enc_startup(&c->out, 0, kv, 1);
    c->state = ST_STARTUP;
}

static void become_ready(cql_conn_t *c) {
    c->state = ST_READY;
    c->state_err = CQL_OK;
    c->state_msg[0] = '\0';
    cql_buf_put(&c->out, c->held.data, c->held.len);
    c->held.len = 0;
    cql_log(c->conf, CQL_LOG_DEBUG, "%s:%d: ready", c->host, c->port);
}

static void after_auth(cql_conn_t *c) {
    if (c->conf->keyspace && *c->conf->keyspace) {
        char q[600];
        /* quoted identifier: double any embedded quote */
        size_t o = 0;
        o += (size_t)snprintf(q, sizeof q, "USE \"");
        for (const char *p = c->conf->keyspace; *p && o < sizeof q - 4; p++) {
            if (*p == '"')
                q[o++] = '"';
            q[o++] = *p;
        }
        q[o++] = '"';
        q[o] = '\0';
        cql_stmt_t *s = cql_stmt_new(q, 0);
        if (!s) {
            conn_fail(c, CQL_ERR_NOMEM, "out of memory");
            return;
        }
        cql_stmt_set_consistency(s, CQL_CONSISTENCY_ONE);
        cql_enc_query(&c->out, 0, s);
        cql_stmt_free(s);
        c->state = ST_USE;
        return;
    }
    become_ready(c);
}

static void handle_handshake(cql_conn_t *c, const cql_frame_header_t *h, const uint8_t *body,
                             size_t n) {
    if (h->opcode == CQL_OP_ERROR) {
        cql_server_error_owned_t e;
        cql_err_t err = cql_error_decode(body, n, &e);
        conn_fail(c, err, "handshake: %s%s%s", cql_err_str(err), e.message ? ": " : "",
                  e.message ? e.message : "");
        cql_server_error_clear(&e);
        return;
    }
    switch (c->state) {
    case ST_STARTUP:
        if (h->opcode == CQL_OP_READY) {
            after_auth(c);
        } else if (h->opcode == CQL_OP_AUTHENTICATE) {
            const char *cls;
            size_t len;
            if (cql_authenticate_decode(body, n, &cls, &len) != CQL_OK) {
                conn_fail(c, CQL_ERR_PROTOCOL, "malformed AUTHENTICATE");
                return;
            }
            if (!c->conf->username || !c->conf->password) {
                conn_fail(c, CQL_ERR_AUTH, "server requires authentication (%.*s)", (int)len, cls);
                return;
            }
            cql_enc_auth_plain(&c->out, 0, c->conf->username, c->conf->password);
            c->state = ST_AUTH;
        } else {
            conn_fail(c, CQL_ERR_UNEXPECTED, "unexpected opcode 0x%02x after STARTUP", h->opcode);
        }
        return;
    case ST_AUTH:
        if (h->opcode == CQL_OP_AUTH_SUCCESS)
            after_auth(c);
        else
            conn_fail(c, CQL_ERR_AUTH, "unexpected opcode 0x%02x during authentication", h->opcode);
        return;
    case ST_USE:
        if (h->opcode == CQL_OP_RESULT)
            become_ready(c);
        else
            conn_fail(c, CQL_ERR_UNEXPECTED, "unexpected opcode 0x%02x after USE", h->opcode);
        return;
    default: conn_fail(c, CQL_ERR_UNEXPECTED, "unexpected frame on stream 0");
    }
}

/* ---- responses ---------------------------------------------------------------------- */

/* Re-sends the EXECUTE/BATCH kept in slot id (after a re-prepare gave new_id). */
static void resend(cql_conn_t *c, int id) {
    slot_t *s = &c->slots[id];
    cql_buf_t *r = &s->req;
    cql_prepared_t *p = s->prepared;
    if (r->len >= CQL_FRAME_HEADER_SIZE + 2 && r->data[4] == CQL_OP_EXECUTE) {
        size_t old = cql_rd_u16p(r->data + CQL_FRAME_HEADER_SIZE);
        size_t tail_off = CQL_FRAME_HEADER_SIZE + 2 + old;
        if (tail_off <= r->len &&
            (old != p->id_size || memcmp(r->data + CQL_FRAME_HEADER_SIZE + 2, p->id, old))) {
            size_t before = c->out.len;
            cql_buf_put(&c->out, r->data, CQL_FRAME_HEADER_SIZE);
            cql_buf_short_bytes(&c->out, p->id, p->id_size);
            cql_buf_put(&c->out, r->data + tail_off, r->len - tail_off);
            if (!c->out.failed)
                cql_wr_u32(c->out.data + before + 5,
                           (uint32_t)(c->out.len - before - CQL_FRAME_HEADER_SIZE));
            goto done;
        }
    }
    cql_buf_put(&c->out, r->data, r->len);
done:
    if (c->out.failed) {
        c->out.failed = false;
        cql_future_t *f = s->f;
        release(c, id);
        if (f)
            cql_future_complete(f, CQL_ERR_NOMEM, "cannot queue re-sent request", NULL);
    }
}

static bool try_reprepare(cql_conn_t *c, int id) {
    slot_t *s = &c->slots[id];
    if (!s->prepared || s->retried || !s->prepared->query)
        return false;
    c->scratch.len = 0;
    size_t off = cql_enc_prepare(&c->scratch, 0, s->prepared->query, s->prepared->query_len);
    if (off == (size_t)-1)
        return false;
    cql_err_t err;
    int rid = submit_frame(c, c->scratch.data, c->scratch.len, CQL_REQ_REPREPARE, NULL, s->prepared,
                           deadline_in(c, 0), &err);
    if (rid < 0)
        return false;
    c->slots[rid].waiter = id;
    s->retried = true;
    cql_log(c->conf, CQL_LOG_INFO, "%s:%d: re-preparing an invalidated statement", c->host,
            c->port);
    return true;
}

static void complete_user(cql_conn_t *c, int id, const cql_frame_header_t *h, const uint8_t *body,
                          size_t n) {
    slot_t *s = &c->slots[id];
    cql_future_t *f = s->f;
    if (h->opcode == CQL_OP_ERROR) {
        cql_server_error_owned_t e;
        cql_err_t err = cql_error_decode(body, n, &e);
        if (err == CQL_ERR_UNPREPARED && try_reprepare(c, id)) {
            cql_server_error_clear(&e);
            return;
        }
        cql_req_kind_t kind = s->kind;
        int waiter = s->waiter;
        release(c, id);
        if (kind == CQL_REQ_REPREPARE) {
            /* the waiting request fails with the PREPARE's error */
            slot_t *w = &c->slots[waiter];
            f = w->f;
            release(c, waiter);
        }
        if (!f) {
            cql_server_error_clear(&e);
            return;
        }
        if (err == CQL_ERR_PROTOCOL || err == CQL_ERR_NOMEM)
            cql_future_complete(f, err, "malformed ERROR response", NULL);
        else
            cql_future_fail_server(f, err, &e);
        return;
    }
    switch (s->kind) {
    case CQL_REQ_REPREPARE: {
        int waiter = s->waiter;
        cql_prepared_t *p = s->prepared;
        cql_result_t *r = NULL;
        uint8_t *copy = malloc(n ? n : 1);
        cql_err_t err = copy ? CQL_OK : CQL_ERR_NOMEM;
        if (copy) {
            memcpy(copy, body, n);
            err = cql_result_decode(copy, n, &r);
        }
        if (!err && r->kind == CQL_RESULT_PREPARED) {
            if (r->prepared_id_size != p->id_size || memcmp(r->prepared_id, p->id, p->id_size)) {
                uint8_t *nid = malloc(r->prepared_id_size);
                if (nid) {
                    memcpy(nid, r->prepared_id, r->prepared_id_size);
                    free(p->id);
                    p->id = nid;
                    p->id_size = r->prepared_id_size;
                }
            }
        } else if (!err) {
            err = CQL_ERR_UNEXPECTED;
        }
        cql_result_free(r);
        release(c, id);
        slot_t *w = &c->slots[waiter];
        if (!w->busy)
            return;
        if (err || w->orphan) {
            cql_future_t *wf = w->f;
            release(c, waiter);
            if (wf)
                cql_future_complete(wf, err, "re-prepare failed", NULL);
            return;
        }
        resend(c, waiter);
        return;
    }
    case CQL_REQ_REGISTER:
    case CQL_REQ_OPTIONS:
        release(c, id);
        if (f) {
            bool ok = (s->kind == CQL_REQ_REGISTER && h->opcode == CQL_OP_READY) ||
                      h->opcode == CQL_OP_SUPPORTED || h->opcode == CQL_OP_READY;
            cql_future_complete(f, ok ? CQL_OK : CQL_ERR_UNEXPECTED, NULL, NULL);
        }
        return;
    default: break;
    }
    cql_req_kind_t kind = s->kind;
    if (h->opcode != CQL_OP_RESULT) {
        release(c, id);
        if (f)
            cql_future_complete(f, CQL_ERR_UNEXPECTED, "unexpected response opcode", NULL);
        return;
    }
    if (!f) {
        release(c, id);
        return;
    }
    /* VOID needs no allocation: the future's result stays NULL */
    if (n == 4 && cql_rd_u32p(body) == CQL_RESULT_VOID) {
        release(c, id);
        cql_future_complete(f, CQL_OK, NULL, NULL);
        return;
    }
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) {
        release(c, id);
        cql_future_complete(f, CQL_ERR_NOMEM, NULL, NULL);
        return;
    }
    memcpy(copy, body, n);
    cql_result_t *r;
    cql_err_t err = cql_result_decode(copy, n, &r);
    if (err) {
        release(c, id);
        cql_future_complete(f, err, "malformed RESULT", NULL);
        return;
    }
    if (kind == CQL_REQ_PREPARE && r->kind == CQL_RESULT_PREPARED) {
        /* the query is the [long string] body of the PREPARE frame we kept */
        const cql_buf_t *req = &s->req;
        size_t qlen = req->len - CQL_FRAME_HEADER_SIZE - 4;
        f->prepared =
            cql_prepared_from_result(r, (const char *)req->data + CQL_FRAME_HEADER_SIZE + 4, qlen);
        if (!f->prepared) {
            release(c, id);
            cql_result_free(r);
            cql_future_complete(f, CQL_ERR_NOMEM, NULL, NULL);
            return;
        }
    }
    release(c, id);
    cql_future_complete(f, CQL_OK, NULL, r);
}

static void handle_frame(cql_conn_t *c, const cql_frame_header_t *h, const uint8_t *body,
                         size_t n) {
    cql_rd_t rd;
    cql_rd_init(&rd, body, n);
    if (cql_frame_skip_extras(h->flags, &rd) != CQL_OK) {
        conn_fail(c, CQL_ERR_PROTOCOL, "malformed frame extras");
        return;
    }
    body = rd.p;
    n = cql_rd_left(&rd);
    if (h->stream == -1) {
        if (h->opcode != CQL_OP_EVENT)
            return;
        cql_event_owned_t ev;
        if (cql_event_decode(body, n, &ev) == CQL_OK) {
            if (c->event_cb)
                c->event_cb(c->event_opaque, &ev.ev);
        } else {
            cql_log(c->conf, CQL_LOG_WARN, "%s:%d: malformed EVENT ignored", c->host, c->port);
        }
        return;
    }
    if (h->stream == 0 && c->state != ST_READY) {
        handle_handshake(c, h, body, n);
        return;
    }
    if (h->stream <= 0 || (uint32_t)h->stream >= c->n_slots || !c->slots[h->stream].busy) {
        conn_fail(c, CQL_ERR_PROTOCOL, "response on unknown stream %d", h->stream);
        return;
    }
    slot_t *s = &c->slots[h->stream];
    if (s->orphan && s->kind != CQL_REQ_REPREPARE) {
        release(c, h->stream);
        return;
    }
    complete_user(c, h->stream, h, body, n);
}

/* ---- I/O ---------------------------------------------------------------------------- */

static long io_read(cql_conn_t *c, void *p, size_t n, cql_err_t *err) {
    if (c->tls)
        return cql_tls_read(c->tls, p, n, &c->tls_want, err);
    ssize_t r = recv(c->fd, p, n, 0);
    if (r > 0)
        return r;
    if (r == 0) {
        *err = CQL_ERR_IO;
        return -1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    *err = CQL_ERR_IO;
    return -1;
}

static long io_write(cql_conn_t *c, const void *p, size_t n, cql_err_t *err) {
    if (c->tls)
        return cql_tls_write(c->tls, p, n, &c->tls_want, err);
    ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);
    if (r >= 0)
        return r;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    *err = CQL_ERR_IO;
    return -1;
}

static void do_write(cql_conn_t *c) {
    while (c->state != ST_CLOSED && c->out.len > c->out_off) {
        cql_err_t err = CQL_OK;
        long w = io_write(c, c->out.data + c->out_off, c->out.len - c->out_off, &err);
        if (w < 0) {
            conn_fail(c, err, "write: %s", err == CQL_ERR_IO ? strerror(errno) : cql_err_str(err));
            return;
        }
        if (w == 0)
            break;
        c->out_off += (size_t)w;
    }
    if (c->out_off == c->out.len) {
        c->out.len = c->out_off = 0;
    } else if (c->out_off > (1u << 20)) {
        cql_buf_consume(&c->out, c->out_off);
        c->out_off = 0;
    }
}

static void parse_frames(cql_conn_t *c) {
    while (c->state != ST_CLOSED && c->in.len - c->in_off >= CQL_FRAME_HEADER_SIZE) {
        cql_frame_header_t h;
        const uint8_t *p = c->in.data + c->in_off;
        cql_err_t err = cql_frame_header_decode(p, &h, c->conf->max_frame_size);
        if (err) {
            conn_fail(c, err, "bad frame header (version 0x%02x, opcode 0x%02x, length %u)", p[0],
                      p[4], (unsigned)cql_rd_u32p(p + 5));
            return;
        }
        if (c->in.len - c->in_off < CQL_FRAME_HEADER_SIZE + (size_t)h.length)
            break;
        c->in_off += CQL_FRAME_HEADER_SIZE + h.length;
        handle_frame(c, &h, p + CQL_FRAME_HEADER_SIZE, h.length);
    }
    if (c->state == ST_CLOSED)
        return;
    if (c->in_off == c->in.len) {
        c->in.len = c->in_off = 0;
    } else if (c->in_off > 0) {
        cql_buf_consume(&c->in, c->in_off);
        c->in_off = 0;
    }
}

static void do_read(cql_conn_t *c) {
    /* bounded per step so one busy connection cannot starve the loop */
    for (int rounds = 0; rounds < 64 && c->state != ST_CLOSED; rounds++) {
        if (!cql_buf_reserve(&c->in, 64 * 1024)) {
            c->in.failed = false;
            conn_fail(c, CQL_ERR_FRAME_TOO_BIG, "input buffer cap reached");
            return;
        }
        cql_err_t err = CQL_OK;
        long r = io_read(c, c->in.data + c->in.len, c->in.cap - c->in.len, &err);
        if (r < 0) {
            if (err == CQL_ERR_TLS && c->tls)
                conn_fail(c, err, "TLS: %s", cql_tls_error(c->tls));
            else
                conn_fail(c, err, "%s",
                          err == CQL_ERR_IO ? "connection closed by peer" : cql_err_str(err));
            return;
        }
        if (r == 0)
            break;
        c->in.len += (size_t)r;
        parse_frames(c);
    }
}

static void expire(cql_conn_t *c, int64_t now) {
    if (c->state != ST_READY && c->state != ST_CLOSED && now >= c->connect_deadline) {
        conn_fail(c, CQL_ERR_TIMEOUT, "connect/handshake timed out after %lld ms",
                  (long long)c->conf->connect_timeout_ms);
        return;
    }
    /* the scan is O(max_inflight): only when something can have expired */
    if (!c->inflight || now < c->next_deadline)
        return;
    int64_t next = INT64_MAX;
    c->next_deadline = INT64_MAX; /* submissions from callbacks lower it */
    for (uint32_t i = 1; i < c->n_slots; i++) {
        slot_t *s = &c->slots[i];
        if (!s->busy || !s->f)
            continue;
        if (s->deadline > now) {
            if (s->deadline < next)
                next = s->deadline;
            continue;
        }
        cql_future_t *f = s->f;
        s->f = NULL;
        s->orphan = true; /* keep the id until the server answers */
        cql_future_complete(f, CQL_ERR_TIMEOUT, "request timed out", NULL);
    }
    if (next < c->next_deadline)
        c->next_deadline = next;
}

static void finish_connect(cql_conn_t *c) {
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
        if (soerr == EINPROGRESS)
            return;
        conn_fail(c, CQL_ERR_CONNECT, "connect %s:%d: %s", c->host, c->port,
                  strerror(soerr ? soerr : errno));
        return;
    }
    if (c->tls_ctx) {
        const char *sni = c->conf->tls_server_name ? c->conf->tls_server_name : c->host;
        if (cql_tls_new(c->tls_ctx, c->fd, sni, &c->tls) != CQL_OK) {
            conn_fail(c, CQL_ERR_TLS, "cannot create TLS session");
            return;
        }
        c->state = ST_TLS;
        return;
    }
    send_startup(c);
}

cql_err_t cql_conn_step(cql_conn_t *c, int revents) {
    if (c->state == ST_CONNECTING && (revents & (CQL_EV_WRITE | CQL_EV_READ)))
        finish_connect(c);
    if (c->state == ST_TLS) {
        char msg[200] = "";
        cql_err_t err = cql_tls_handshake(c->tls, &c->tls_want, msg, sizeof msg);
        if (err == CQL_OK)
            send_startup(c);
        else if (err != CQL_ERR_PENDING)
            conn_fail(c, err, "TLS handshake with %s:%d: %s", c->host, c->port, msg);
    }
    if (c->state != ST_CLOSED && c->state != ST_CONNECTING && c->state != ST_TLS) {
        if (revents & CQL_EV_READ)
            do_read(c);
        if (c->state != ST_CLOSED)
            do_write(c);
    }
    expire(c, cql_now_ms());
    if (c->state == ST_CLOSED)
        return c->state_err == CQL_ERR_PENDING ? CQL_ERR_CLOSED : c->state_err;
    return CQL_OK;
}

void cql_conn_flush(cql_conn_t *c) {
    if (c->state >= ST_STARTUP && c->state != ST_CLOSED && c->out.len > c->out_off)
        do_write(c);
}

cql_err_t cql_conn_poll(cql_conn_t *c, int64_t timeout_ms) {
    if (c->fd < 0)
        return cql_conn_step(c, 0);
    cql_conn_flush(c); /* what is queued, before sleeping */
    int64_t t = cql_conn_timeout_ms(c);
    if (t < 0 || (timeout_ms >= 0 && timeout_ms < t))
        t = timeout_ms;
    struct pollfd pfd = {.fd = c->fd, .events = 0};
    int ev = cql_conn_events(c);
    if (ev & CQL_EV_READ)
        pfd.events |= POLLIN;
    if (ev & CQL_EV_WRITE)
        pfd.events |= POLLOUT;
    int rc = poll(&pfd, 1, t < 0 ? -1 : (int)(t > INT32_MAX ? INT32_MAX : t));
    int revents = 0;
    if (rc > 0) {
        if (pfd.revents & (POLLIN | POLLERR | POLLHUP))
            revents |= CQL_EV_READ;
        if (pfd.revents & (POLLOUT | POLLERR | POLLHUP))
            revents |= CQL_EV_WRITE;
    }
    return cql_conn_step(c, revents);
}
