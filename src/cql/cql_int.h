/*
 * cql_int.h — internals shared by the files of the CQL library: the byte buffer and the
 * bounds-checked reader, the frame codec, type trees and the structures behind the
 * opaque public handles. Not installed; unit tests include it to reach the codec.
 */
#ifndef CQL_INT_H
#define CQL_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cql.h"

/* Reuse of freed futures and request records; off under AddressSanitizer so that a
 * use after free is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define CQL_POOLING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CQL_POOLING 0
#endif
#endif
#ifndef CQL_POOLING
#define CQL_POOLING 1
#endif

/* ---- growable output buffer with a hard cap; errors are sticky ---------------------- */

/* The library's own buffer, not sluice's sl_buf: it depends on nothing of sluice. Unlike
 * sl_buf, a failed append is sticky (`failed`), so an encoder can write a whole frame and
 * check once at the end. */

typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* never grow beyond; 0 = SIZE_MAX */
    bool failed;
} cql_buf_t;

void cql_buf_init(cql_buf_t *b, size_t max);
void cql_buf_free(cql_buf_t *b);
/* cql_buf_reserve()'s slow path: grows b (doubling, up to max) to hold n more bytes. */
bool cql_buf_grow(cql_buf_t *b, size_t n);
/* Ensures room for n more bytes; false (and failed set) when over max or no memory. Inline:
 * every value of every request asks (cap never exceeds max, so room within cap is room). */
static inline bool cql_buf_reserve(cql_buf_t *b, size_t n) {
    if (!b->failed && n <= b->cap - b->len)
        return true;
    return cql_buf_grow(b, n);
}
void cql_buf_put(cql_buf_t *b, const void *p, size_t n);
void cql_buf_u8(cql_buf_t *b, uint8_t v);
void cql_buf_u16(cql_buf_t *b, uint16_t v);
void cql_buf_u32(cql_buf_t *b, uint32_t v);
void cql_buf_u64(cql_buf_t *b, uint64_t v);
/* [string] (u16 length) and [long string] (i32 length). */
void cql_buf_string(cql_buf_t *b, const char *s, size_t n);
void cql_buf_long_string(cql_buf_t *b, const char *s, size_t n);
/* [bytes]: i32 length then data; NULL data with n==0 is a zero-length value. */
void cql_buf_bytes(cql_buf_t *b, const void *p, size_t n);
void cql_buf_short_bytes(cql_buf_t *b, const void *p, size_t n);
/* Overwrites a big-endian u32 at off (for lengths known only afterwards). */
void cql_buf_patch_u32(cql_buf_t *b, size_t off, uint32_t v);
/* Drops the first n bytes. */
void cql_buf_consume(cql_buf_t *b, size_t n);

static inline void cql_wr_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void cql_wr_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline uint16_t cql_rd_u16p(const uint8_t *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t cql_rd_u32p(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t cql_rd_u64p(const uint8_t *p) {
    return ((uint64_t)cql_rd_u32p(p) << 32) | cql_rd_u32p(p + 4);
}

/* ---- bounds-checked reader; errors are sticky --------------------------------------- */

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
    bool failed;
} cql_rd_t;

static inline void cql_rd_init(cql_rd_t *r, const uint8_t *p, size_t n) {
    r->p = p;
    r->end = p + n;
    r->failed = false;
}
static inline size_t cql_rd_left(const cql_rd_t *r) {
    return (size_t)(r->end - r->p);
}
uint8_t cql_rd_u8(cql_rd_t *r);
uint16_t cql_rd_u16(cql_rd_t *r);
uint32_t cql_rd_u32(cql_rd_t *r);
uint64_t cql_rd_u64(cql_rd_t *r);
/* Returns a pointer into the input, or NULL (and failed) when n bytes are not there. */
const uint8_t *cql_rd_raw(cql_rd_t *r, size_t n);
/* [string]: pointer and length into the input. */
const char *cql_rd_string(cql_rd_t *r, size_t *n);
/* [bytes]: *n = -1 for null (and -2 for "not set"); pointer into the input. */
const uint8_t *cql_rd_bytes(cql_rd_t *r, int32_t *n);
const uint8_t *cql_rd_short_bytes(cql_rd_t *r, size_t *n);

/* ---- small string arena: results copy their names here ------------------------------ */

/* Copies a length-delimited string into NUL-terminated heap memory; NULL on failure. */
char *cql_strndup(const char *s, size_t n);

/* ---- frames ------------------------------------------------------------------------- */

#define CQL_PROTO_VERSION 0x04
#define CQL_FRAME_HEADER_SIZE 9
#define CQL_FLAG_COMPRESSION 0x01
#define CQL_FLAG_TRACING 0x02
#define CQL_FLAG_CUSTOM_PAYLOAD 0x04
#define CQL_FLAG_WARNING 0x08

typedef enum {
    CQL_OP_ERROR = 0x00,
    CQL_OP_STARTUP = 0x01,
    CQL_OP_READY = 0x02,
    CQL_OP_AUTHENTICATE = 0x03,
    CQL_OP_OPTIONS = 0x05,
    CQL_OP_SUPPORTED = 0x06,
    CQL_OP_QUERY = 0x07,
    CQL_OP_RESULT = 0x08,
    CQL_OP_PREPARE = 0x09,
    CQL_OP_EXECUTE = 0x0A,
    CQL_OP_REGISTER = 0x0B,
    CQL_OP_EVENT = 0x0C,
    CQL_OP_BATCH = 0x0D,
    CQL_OP_AUTH_CHALLENGE = 0x0E,
    CQL_OP_AUTH_RESPONSE = 0x0F,
    CQL_OP_AUTH_SUCCESS = 0x10,
} cql_opcode_t;

typedef struct {
    uint8_t version; /* with the direction bit: 0x84 for responses */
    uint8_t flags;
    int16_t stream;
    uint8_t opcode;
    uint32_t length;
} cql_frame_header_t;

/* Decodes the 9 header bytes. CQL_ERR_PROTOCOL for a wrong version or an unknown
 * response opcode, CQL_ERR_FRAME_TOO_BIG when length > max_body. */
cql_err_t cql_frame_header_decode(const uint8_t *p, cql_frame_header_t *h, size_t max_body);

/* Encoders append one whole frame to b; the body length is patched in at the end.
 * They return the frame's offset in b, or (size_t)-1 when b failed (cap or memory). */
size_t cql_frame_begin(cql_buf_t *b, uint8_t opcode, int16_t stream);
size_t cql_frame_end(cql_buf_t *b, size_t frame_off);

size_t cql_enc_startup(cql_buf_t *b, int16_t stream, const char *const *kv, size_t n_pairs);
size_t cql_enc_options(cql_buf_t *b, int16_t stream);
size_t cql_enc_auth_response(cql_buf_t *b, int16_t stream, const void *token, size_t n);
size_t cql_enc_register(cql_buf_t *b, int16_t stream, const char *const *events, size_t n);
size_t cql_enc_prepare(cql_buf_t *b, int16_t stream, const char *query, size_t n);
size_t cql_enc_query(cql_buf_t *b, int16_t stream, const cql_stmt_t *s);
size_t cql_enc_execute(cql_buf_t *b, int16_t stream, const cql_stmt_t *s);
size_t cql_enc_batch(cql_buf_t *b, int16_t stream, const cql_batch_t *bt);
/* SASL PLAIN token: \0user\0password. */
size_t cql_enc_auth_plain(cql_buf_t *b, int16_t stream, const char *user, const char *pass);

/* ---- type trees --------------------------------------------------------------------- */

struct cql_type_s {
    cql_type_kind_t kind;
    uint16_t n_sub;
    cql_type_t **sub; /* element types */
    char **names;     /* UDT field names (n_sub) */
    char *name;       /* custom class or UDT name */
    char *keyspace;   /* UDT keyspace */
};

/* Depth cap on nested types read from the wire. */
#define CQL_TYPE_MAX_DEPTH 16
cql_type_t *cql_type_decode(cql_rd_t *r, int depth);
cql_type_t *cql_type_new_simple(cql_type_kind_t kind);
void cql_type_free(cql_type_t *t);

/* ---- metadata, results, errors, events ---------------------------------------------- */

typedef struct {
    char *keyspace, *table, *name;
    cql_type_t *type;
} cql_column_t;

typedef struct {
    uint32_t flags;
    uint32_t n_cols;
    cql_column_t *cols;
    uint32_t n_pk;
    uint16_t *pk; /* partition key indexes (prepared bind metadata) */
    const uint8_t *paging_state;
    size_t paging_state_size;
} cql_metadata_t;

#define CQL_META_GLOBAL_TABLES 0x0001
#define CQL_META_HAS_MORE_PAGES 0x0002
#define CQL_META_NO_METADATA 0x0004

/* Decodes metadata. with_pk: the v4 prepared bind metadata (has pk indexes). */
cql_err_t cql_metadata_decode(cql_rd_t *r, cql_metadata_t *m, bool with_pk);
void cql_metadata_free(cql_metadata_t *m);
/* Column i of m, or NULL when there is none (out of range, or no column metadata). */
const cql_column_t *cql_metadata_column(const cql_metadata_t *m, size_t i);

struct cql_result_s {
    cql_result_kind_t kind;
    uint8_t *body; /* owned copy of the frame body */
    size_t body_size;
    cql_metadata_t meta;
    /* rows */
    uint32_t row_count;
    uint32_t rows_read;
    cql_rd_t rows;
    cql_value_t *row; /* n_cols views of the current row */
    bool have_row;
    /* set keyspace / schema change */
    char *keyspace, *change, *target, *name;
    /* prepared */
    const uint8_t *prepared_id;
    size_t prepared_id_size;
    cql_metadata_t result_meta;
};

/* Decodes a RESULT body. Takes ownership of body (malloc'd) in every case. */
cql_err_t cql_result_decode(uint8_t *body, size_t size, cql_result_t **out);

typedef struct {
    cql_server_error_t e;
    char *message, *write_type, *keyspace, *table;
    uint8_t *unprepared_id;
} cql_server_error_owned_t;

/* Decodes an ERROR body into *e (strings copied). Returns the cql_err_t for the code,
 * or CQL_ERR_PROTOCOL/NOMEM when the body is malformed. */
cql_err_t cql_error_decode(const uint8_t *body, size_t size, cql_server_error_owned_t *e);
void cql_server_error_clear(cql_server_error_owned_t *e);
cql_err_t cql_err_from_server(uint16_t code);

typedef struct {
    cql_event_t ev;
    char buf[3][256 + 1];
    char target[64], keyspace[256 + 1], name[256 + 1];
} cql_event_owned_t;

cql_err_t cql_event_decode(const uint8_t *body, size_t size, cql_event_owned_t *ev);

/* SUPPORTED: calls cb for each key/value. */
cql_err_t cql_supported_decode(const uint8_t *body, size_t size,
                               void (*cb)(void *opaque, const char *key, size_t klen,
                                          const char *val, size_t vlen),
                               void *opaque);
/* AUTHENTICATE: the authenticator class (pointer into body). */
cql_err_t cql_authenticate_decode(const uint8_t *body, size_t size, const char **cls, size_t *n);

/* Skips a frame's tracing id / warnings / custom payload ahead of the body proper. */
cql_err_t cql_frame_skip_extras(uint8_t flags, cql_rd_t *r);

/* ---- values ------------------------------------------------------------------------- */

/* Slot encoders: append one [bytes] value. */
void cql_val_null(cql_buf_t *b);
void cql_val_unset(cql_buf_t *b);
void cql_val_fixed(cql_buf_t *b, const void *p, size_t n);
/* A width-byte (1, 2, 4 or 8) big-endian integer: tinyint .. bigint, boolean, float, double. */
void cql_val_be(cql_buf_t *b, unsigned width, uint64_t v);
void cql_val_varint64(cql_buf_t *b, int64_t v);
void cql_val_decimal(cql_buf_t *b, int32_t scale, const uint8_t *u, size_t n);
void cql_val_duration(cql_buf_t *b, const cql_duration_t *d);
void cql_val_inet(cql_buf_t *b, const cql_inet_t *inet);
/* A finished collection/tuple/UDT as one [bytes] value. */
void cql_val_coll(cql_buf_t *b, const cql_coll_t *c);
/* Cassandra's unsigned vint (leading ones = extra bytes). Returns bytes written to out. */
size_t cql_vint_encode(uint64_t v, uint8_t out[9]);
/* Returns bytes consumed, 0 when malformed. */
size_t cql_vint_decode(const uint8_t *p, size_t n, uint64_t *v);
/* Minimal two's complement big-endian bytes of v; returns the count (1..8). */
size_t cql_varint_from_int64(int64_t v, uint8_t out[8]);

struct cql_coll_s {
    cql_type_kind_t kind;
    uint32_t count;
    cql_buf_t buf; /* elements as [bytes] */
};

/* ---- statements --------------------------------------------------------------------- */

typedef struct {
    int32_t off; /* offset of the [bytes] in vals; -1 when never bound */
} cql_slot_t;

struct cql_prepared_s {
    int refs;
    uint8_t *id;
    size_t id_size;
    char *query;
    size_t query_len;
    char *keyspace;
    cql_metadata_t params;
    cql_metadata_t result_meta;
};

cql_prepared_t *cql_prepared_from_result(cql_result_t *r, const char *query, size_t qlen);
void cql_prepared_ref(cql_prepared_t *p);

#define CQL_QF_VALUES 0x01
#define CQL_QF_SKIP_METADATA 0x02
#define CQL_QF_PAGE_SIZE 0x04
#define CQL_QF_PAGING_STATE 0x08
#define CQL_QF_SERIAL 0x10
#define CQL_QF_TIMESTAMP 0x20

struct cql_stmt_s {
    char *query;
    size_t query_len;
    cql_prepared_t *prepared;
    size_t n_params;
    cql_slot_t *slots;
    cql_buf_t vals;
    cql_consistency_t consistency;
    bool consistency_set;
    cql_consistency_t serial;
    bool serial_set;
    int32_t page_size;
    uint8_t *paging_state;
    size_t paging_state_size;
    int64_t timestamp;
    bool timestamp_set;
    bool idempotent;
    int64_t timeout_ms;
    uint8_t *routing_key;
    size_t routing_key_size;
    /* Values bound in parameter order since the reset, each once: the first n_seq lie back
     * to back from the start of vals. unordered: some bind broke that. */
    size_t n_seq;
    bool unordered;
};

/* Computes the routing key of a prepared statement from bound pk values into b.
 * false when not possible (no pk info or unbound pk values). */
bool cql_stmt_routing_key(const cql_stmt_t *s, cql_buf_t *b);

struct cql_batch_s {
    cql_batch_type_t type;
    uint16_t count;
    cql_buf_t body; /* the encoded queries */
    cql_consistency_t consistency;
    bool consistency_set;
    cql_consistency_t serial;
    bool serial_set;
    int64_t timestamp;
    bool timestamp_set;
    bool idempotent;
    cql_prepared_t **prepared; /* references held for re-preparation */
    size_t n_prepared;
    uint8_t *routing_key;
    size_t routing_key_size;
};

/* ---- configuration ------------------------------------------------------------------ */

struct cql_conf_s {
    char *contact_points;
    int port;
    char *username, *password, *keyspace;
    cql_consistency_t consistency;
    int64_t connect_timeout_ms, request_timeout_ms;
    uint32_t max_inflight;
    uint32_t max_frame_size;
    uint32_t connections_per_host;
    int64_t reconnect_base_ms, reconnect_max_ms;
    bool token_aware;
    char *local_dc;
    int remote_dc_failover; /* cql_remote_dc_t */
    int64_t schema_agreement_timeout_ms;
    bool tls;
    char *tls_ca_file, *tls_cert_file, *tls_key_file, *tls_server_name;
    int tls_verify; /* 0 none, 1 peer, 2 peer_host */
    cql_log_cb_t log_cb;
    void *log_opaque;
};

/* remote_dc_failover: when hosts of other datacenters may take a request (none of the
 * local datacenter being up). */
typedef enum {
    CQL_REMOTE_DC_NEVER = 0,
    CQL_REMOTE_DC_NON_LOCAL, /* only for consistency levels that are not LOCAL_* */
    CQL_REMOTE_DC_ALWAYS,
} cql_remote_dc_t;

void cql_log(const cql_conf_t *conf, cql_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- futures ------------------------------------------------------------------------ */

typedef cql_err_t (*cql_drive_fn)(void *owner, int64_t timeout_ms);

struct cql_future_s {
    bool done;
    bool abandoned; /* freed by the user before completion */
    cql_err_t err;
    char *errmsg;
    cql_server_error_owned_t server;
    bool has_server;
    cql_result_t *result;
    cql_prepared_t *prepared;
    cql_future_cb_t cb;
    void *cb_opaque;
    void *owner;
    cql_drive_fn drive;
    void *link; /* owner's bookkeeping (e.g. the session request) */
};

cql_future_t *cql_future_new(void *owner, cql_drive_fn drive);
/* Completes f: runs the callback; frees f when abandoned. Takes ownership of result. */
void cql_future_complete(cql_future_t *f, cql_err_t err, const char *msg, cql_result_t *result);
/* Completes dst with everything src carries (moved); src must be complete. */
void cql_future_complete_from(cql_future_t *dst, cql_future_t *src);
/* Completes with a decoded server error (moved from *e). */
void cql_future_fail_server(cql_future_t *f, cql_err_t err, cql_server_error_owned_t *e);

/* ---- TLS ---------------------------------------------------------------------------- */

typedef struct cql_tls_s cql_tls_t;
typedef struct cql_tls_ctx_s cql_tls_ctx_t;

cql_err_t cql_tls_ctx_new(const cql_conf_t *conf, cql_tls_ctx_t **out, char *errstr,
                          size_t errstr_size);
void cql_tls_ctx_free(cql_tls_ctx_t *ctx);
cql_err_t cql_tls_new(cql_tls_ctx_t *ctx, int fd, const char *server_name, cql_tls_t **out);
void cql_tls_free(cql_tls_t *t);
/* All return bytes done (>0), 0 for would-block (see *want), or -1 with *err set. */
cql_err_t cql_tls_handshake(cql_tls_t *t, int *want, char *errstr, size_t errstr_size);
long cql_tls_read(cql_tls_t *t, void *p, size_t n, int *want, cql_err_t *err);
long cql_tls_write(cql_tls_t *t, const void *p, size_t n, int *want, cql_err_t *err);
/* OpenSSL's text of the last failed read or write; valid while t lives. */
const char *cql_tls_error(const cql_tls_t *t);

/* ---- time and backoff ---------------------------------------------------------------- */

/* Monotonic milliseconds. The library's own clock, not sluice's sl_time: it depends on
 * nothing of sluice. */
int64_t cql_now_ms(void);

/* Reconnection backoff: a private copy of sluice's sl_backoff (same algorithm, same test
 * vectors in tests/unit/test_backoff.c), for the same reason. Plain data. */
typedef struct {
    uint64_t base_ms; /* ceiling of the first retry's wait */
    uint64_t cap_ms;  /* no ceiling grows beyond this */
    uint64_t rng;     /* xorshift state; 0 is replaced by a fixed constant */
} cql_backoff_t;

void cql_backoff_init(cql_backoff_t *b, uint64_t base_ms, uint64_t cap_ms, uint64_t seed);
/* min(cap, base * 2^attempt), without overflow for any attempt. */
uint64_t cql_backoff_ceiling_ms(const cql_backoff_t *b, unsigned attempt);
/* A wait drawn uniformly from [0, cql_backoff_ceiling_ms(b, attempt)]; advances b->rng. */
uint64_t cql_backoff_next_ms(cql_backoff_t *b, unsigned attempt);

void cql_set_errstr(char *errstr, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
