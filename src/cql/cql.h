/*
 * cql — a client for Apache Cassandra's CQL native protocol, version 4.
 *
 * The library speaks the wire protocol over plain or TLS sockets and knows nothing of
 * the program that embeds it. Everything is single-threaded and non-blocking: a
 * connection (cql_conn_t) or a session over many hosts (cql_session_t) exposes a file
 * descriptor, the events it wants and a step call, so it plugs into any event loop;
 * cql_future_wait() is the blocking convenience that drives the loop itself.
 * Requests are pipelined by stream id; when too many are in flight a submit returns
 * CQL_ERR_BUSY at once, which is the caller's backpressure signal.
 *
 * The library never prints; give it a log callback with cql_conf_set_log_cb().
 * No function is thread-safe across threads on the same handle.
 */
#ifndef CQL_H
#define CQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                               */
/* ------------------------------------------------------------------------------------ */

/* Server errors keep the protocol's code verbatim in the low 16 bits. */
#define CQL_SERVER_ERR_BASE 0x01000000
#define CQL_SERVER_ERR(code) (CQL_SERVER_ERR_BASE | (code))

/* X(name, value, retriable, text) */
#define CQL_ERR_LIST(X)                                                                            \
    X(CQL_OK, 0, 0, "success")                                                                     \
    X(CQL_ERR_NOMEM, 1, 0, "out of memory")                                                        \
    X(CQL_ERR_INVALID_ARG, 2, 0, "invalid argument")                                               \
    X(CQL_ERR_PROTOCOL, 3, 0, "malformed data from server")                                        \
    X(CQL_ERR_FRAME_TOO_BIG, 4, 0, "frame exceeds the configured size cap")                        \
    X(CQL_ERR_BUSY, 5, 1, "too many requests in flight")                                           \
    X(CQL_ERR_TIMEOUT, 6, 1, "request timed out")                                                  \
    X(CQL_ERR_CONNECT, 7, 1, "cannot connect")                                                     \
    X(CQL_ERR_IO, 8, 1, "connection lost")                                                         \
    X(CQL_ERR_CLOSED, 9, 1, "connection is not open")                                              \
    X(CQL_ERR_TLS, 10, 0, "TLS error")                                                             \
    X(CQL_ERR_TLS_VERIFY, 11, 0, "TLS certificate verification failed")                            \
    X(CQL_ERR_AUTH, 12, 0, "authentication required but not configured or not supported")          \
    X(CQL_ERR_TYPE, 13, 0, "value has another type")                                               \
    X(CQL_ERR_NULL, 14, 0, "value is null")                                                        \
    X(CQL_ERR_RANGE, 15, 0, "index or value out of range")                                         \
    X(CQL_ERR_NO_HOSTS, 16, 1, "no host available")                                                \
    X(CQL_ERR_PENDING, 17, 0, "not complete yet")                                                  \
    X(CQL_ERR_UNEXPECTED, 18, 0, "unexpected response from server")                                \
    X(CQL_ERR_SCHEMA_DISAGREEMENT, 19, 1, "schema versions did not agree in time")                 \
    X(CQL_ERR_CONF, 20, 0, "invalid configuration")                                                \
    X(CQL_ERR_SERVER_ERROR, CQL_SERVER_ERR(0x0000), 0, "server error")                             \
    X(CQL_ERR_SERVER_PROTOCOL, CQL_SERVER_ERR(0x000A), 0, "server: protocol error")                \
    X(CQL_ERR_BAD_CREDENTIALS, CQL_SERVER_ERR(0x0100), 0, "server: bad credentials")               \
    X(CQL_ERR_UNAVAILABLE, CQL_SERVER_ERR(0x1000), 1, "server: unavailable")                       \
    X(CQL_ERR_OVERLOADED, CQL_SERVER_ERR(0x1001), 1, "server: overloaded")                         \
    X(CQL_ERR_IS_BOOTSTRAPPING, CQL_SERVER_ERR(0x1002), 1, "server: is bootstrapping")             \
    X(CQL_ERR_TRUNCATE, CQL_SERVER_ERR(0x1003), 0, "server: truncate error")                       \
    X(CQL_ERR_WRITE_TIMEOUT, CQL_SERVER_ERR(0x1100), 1, "server: write timeout")                   \
    X(CQL_ERR_READ_TIMEOUT, CQL_SERVER_ERR(0x1200), 1, "server: read timeout")                     \
    X(CQL_ERR_READ_FAILURE, CQL_SERVER_ERR(0x1300), 0, "server: read failure")                     \
    X(CQL_ERR_FUNCTION_FAILURE, CQL_SERVER_ERR(0x1400), 0, "server: function failure")             \
    X(CQL_ERR_WRITE_FAILURE, CQL_SERVER_ERR(0x1500), 0, "server: write failure")                   \
    X(CQL_ERR_SYNTAX, CQL_SERVER_ERR(0x2000), 0, "server: syntax error")                           \
    X(CQL_ERR_UNAUTHORIZED, CQL_SERVER_ERR(0x2100), 0, "server: unauthorized")                     \
    X(CQL_ERR_INVALID, CQL_SERVER_ERR(0x2200), 0, "server: invalid query")                         \
    X(CQL_ERR_CONFIG, CQL_SERVER_ERR(0x2300), 0, "server: configuration error")                    \
    X(CQL_ERR_ALREADY_EXISTS, CQL_SERVER_ERR(0x2400), 0, "server: already exists")                 \
    X(CQL_ERR_UNPREPARED, CQL_SERVER_ERR(0x2500), 1, "server: unprepared")

typedef enum {
#define CQL_ERR_ENUM_(name, value, retriable, text) name = value,
    CQL_ERR_LIST(CQL_ERR_ENUM_)
#undef CQL_ERR_ENUM_
} cql_err_t;

/* A fixed string for every error; unknown server codes give "server: unknown error". */
const char *cql_err_str(cql_err_t err);
/* True when the same request may succeed later or on another host. For writes, retrying
 * is only safe when the statement is idempotent; the session does that check itself. */
bool cql_err_is_retriable(cql_err_t err);
/* True for errors that came from the server; cql_err_server_code() gives its code. */
bool cql_err_is_server(cql_err_t err);
uint16_t cql_err_server_code(cql_err_t err);

/* ------------------------------------------------------------------------------------ */
/* Protocol enums                                                                       */
/* ------------------------------------------------------------------------------------ */

typedef enum {
    CQL_CONSISTENCY_ANY = 0x0000,
    CQL_CONSISTENCY_ONE = 0x0001,
    CQL_CONSISTENCY_TWO = 0x0002,
    CQL_CONSISTENCY_THREE = 0x0003,
    CQL_CONSISTENCY_QUORUM = 0x0004,
    CQL_CONSISTENCY_ALL = 0x0005,
    CQL_CONSISTENCY_LOCAL_QUORUM = 0x0006,
    CQL_CONSISTENCY_EACH_QUORUM = 0x0007,
    CQL_CONSISTENCY_SERIAL = 0x0008,
    CQL_CONSISTENCY_LOCAL_SERIAL = 0x0009,
    CQL_CONSISTENCY_LOCAL_ONE = 0x000A,
} cql_consistency_t;

/* Parses "quorum", "local_one", ... (case-insensitive); -1 when unknown. */
int cql_consistency_parse(const char *s, cql_consistency_t *out);

typedef enum {
    CQL_TYPE_CUSTOM = 0x0000,
    CQL_TYPE_ASCII = 0x0001,
    CQL_TYPE_BIGINT = 0x0002,
    CQL_TYPE_BLOB = 0x0003,
    CQL_TYPE_BOOLEAN = 0x0004,
    CQL_TYPE_COUNTER = 0x0005,
    CQL_TYPE_DECIMAL = 0x0006,
    CQL_TYPE_DOUBLE = 0x0007,
    CQL_TYPE_FLOAT = 0x0008,
    CQL_TYPE_INT = 0x0009,
    CQL_TYPE_TIMESTAMP = 0x000B,
    CQL_TYPE_UUID = 0x000C,
    CQL_TYPE_VARCHAR = 0x000D,
    CQL_TYPE_VARINT = 0x000E,
    CQL_TYPE_TIMEUUID = 0x000F,
    CQL_TYPE_INET = 0x0010,
    CQL_TYPE_DATE = 0x0011,
    CQL_TYPE_TIME = 0x0012,
    CQL_TYPE_SMALLINT = 0x0013,
    CQL_TYPE_TINYINT = 0x0014,
    CQL_TYPE_DURATION = 0x0015, /* v4 servers send the custom class DurationType: mapped */
    CQL_TYPE_LIST = 0x0020,
    CQL_TYPE_MAP = 0x0021,
    CQL_TYPE_SET = 0x0022,
    CQL_TYPE_UDT = 0x0030,
    CQL_TYPE_TUPLE = 0x0031,
} cql_type_kind_t;

/* ------------------------------------------------------------------------------------ */
/* Data types (decoded from result metadata; owned by the result or prepared statement)  */
/* ------------------------------------------------------------------------------------ */

typedef struct cql_type_s cql_type_t;

cql_type_kind_t cql_type_kind(const cql_type_t *t);
/* Element types: list/set 1, map 2 (key, value), tuple and UDT one per field. */
size_t cql_type_sub_count(const cql_type_t *t);
const cql_type_t *cql_type_sub(const cql_type_t *t, size_t i);
/* UDT field name i; custom class name (i ignored); UDT type name with i == SIZE_MAX.
 * Valid as long as the type. NULL when not applicable. */
const char *cql_type_name(const cql_type_t *t, size_t i);

/* ------------------------------------------------------------------------------------ */
/* Values: read-only views into a result's bytes                                        */
/* ------------------------------------------------------------------------------------ */

/* A view of one serialized value; valid as long as the result (or value) it came from.
 * size is -1 for null. */
typedef struct {
    const cql_type_t *type;
    const uint8_t *data;
    int32_t size;
} cql_value_t;

typedef struct {
    uint8_t addr[16];
    uint8_t len; /* 4 or 16 */
} cql_inet_t;

typedef struct {
    int32_t months;
    int32_t days;
    int64_t nanos;
} cql_duration_t;

bool cql_value_is_null(const cql_value_t *v);
/* Getters check the type (compatible kinds only: e.g. int for INT, int64 for BIGINT,
 * COUNTER and TIMESTAMP) and the serialized length; CQL_ERR_NULL for null values. */
cql_err_t cql_value_get_bool(const cql_value_t *v, bool *out);
cql_err_t cql_value_get_int8(const cql_value_t *v, int8_t *out);
cql_err_t cql_value_get_int16(const cql_value_t *v, int16_t *out);
cql_err_t cql_value_get_int32(const cql_value_t *v, int32_t *out);
cql_err_t cql_value_get_int64(const cql_value_t *v, int64_t *out);
cql_err_t cql_value_get_float(const cql_value_t *v, float *out);
cql_err_t cql_value_get_double(const cql_value_t *v, double *out);
/* DATE: days with 2^31 at the epoch, as on the wire. */
cql_err_t cql_value_get_uint32(const cql_value_t *v, uint32_t *out);
cql_err_t cql_value_get_uuid(const cql_value_t *v, uint8_t out[16]);
cql_err_t cql_value_get_inet(const cql_value_t *v, cql_inet_t *out);
cql_err_t cql_value_get_duration(const cql_value_t *v, cql_duration_t *out);
/* text/ascii/varchar/blob/custom, and the raw two's complement bytes of a varint:
 * points into the result, not NUL-terminated. */
cql_err_t cql_value_get_bytes(const cql_value_t *v, const uint8_t **data, size_t *size);
/* varint that fits in 64 bits; CQL_ERR_RANGE otherwise. */
cql_err_t cql_value_get_varint64(const cql_value_t *v, int64_t *out);
/* decimal = unscaled * 10^-scale; unscaled is the raw varint bytes. */
cql_err_t cql_value_get_decimal(const cql_value_t *v, int32_t *scale, const uint8_t **unscaled,
                                size_t *unscaled_size);

/* Walks the elements of a list, set, map (key, value, key, value ...), tuple or UDT.
 * The struct is public so it can live on the stack; treat its members as private. */
typedef struct {
    const cql_value_t *parent;
    const uint8_t *pos;
    const uint8_t *end;
    size_t index;
    size_t count;
} cql_value_iter_t;

cql_err_t cql_value_iter_init(cql_value_iter_t *it, const cql_value_t *v);
/* Fills *elem; false at the end or on malformed bytes (then *err, if given, is set). */
bool cql_value_iter_next(cql_value_iter_t *it, cql_value_t *elem, cql_err_t *err);
/* Number of elements (map: 2 per entry); known after init. */
size_t cql_value_iter_count(const cql_value_iter_t *it);

/* ------------------------------------------------------------------------------------ */
/* Building values for binding: collections, tuples, UDTs                               */
/* ------------------------------------------------------------------------------------ */

/* A serialized list/set/map/tuple/UDT under construction. Elements are appended in
 * order (map: key, value, key, value; UDT: fields in declaration order).
 * Must be freed with cql_coll_free(). */
typedef struct cql_coll_s cql_coll_t;

cql_coll_t *cql_coll_new(cql_type_kind_t kind);
void cql_coll_free(cql_coll_t *c);
/* Appending functions, one per wire shape; the same shapes exist for statements
 * (cql_stmt_bind_*) below. Strings and bytes are copied. */
cql_err_t cql_coll_append_null(cql_coll_t *c);
cql_err_t cql_coll_append_bool(cql_coll_t *c, bool v);
cql_err_t cql_coll_append_int8(cql_coll_t *c, int8_t v);
cql_err_t cql_coll_append_int16(cql_coll_t *c, int16_t v);
cql_err_t cql_coll_append_int32(cql_coll_t *c, int32_t v);
cql_err_t cql_coll_append_uint32(cql_coll_t *c, uint32_t v);
cql_err_t cql_coll_append_int64(cql_coll_t *c, int64_t v);
cql_err_t cql_coll_append_float(cql_coll_t *c, float v);
cql_err_t cql_coll_append_double(cql_coll_t *c, double v);
cql_err_t cql_coll_append_text(cql_coll_t *c, const char *s);
cql_err_t cql_coll_append_bytes(cql_coll_t *c, const void *data, size_t size);
cql_err_t cql_coll_append_uuid(cql_coll_t *c, const uint8_t uuid[16]);
cql_err_t cql_coll_append_inet(cql_coll_t *c, const cql_inet_t *inet);
cql_err_t cql_coll_append_duration(cql_coll_t *c, const cql_duration_t *d);
cql_err_t cql_coll_append_varint64(cql_coll_t *c, int64_t v);
cql_err_t cql_coll_append_decimal(cql_coll_t *c, int32_t scale, const uint8_t *unscaled,
                                  size_t unscaled_size);
cql_err_t cql_coll_append_coll(cql_coll_t *c, const cql_coll_t *sub);

/* Text forms of UUIDs: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
int cql_uuid_parse(const char *s, uint8_t out[16]);
void cql_uuid_format(const uint8_t uuid[16], char out[37]);

/* ------------------------------------------------------------------------------------ */
/* Tokens                                                                               */
/* ------------------------------------------------------------------------------------ */

/* Cassandra's Murmur3Partitioner token of a serialized partition key. */
int64_t cql_murmur3_token(const void *key, size_t size);

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                        */
/* ------------------------------------------------------------------------------------ */

typedef enum {
    CQL_LOG_DEBUG = 0,
    CQL_LOG_INFO = 1,
    CQL_LOG_WARN = 2,
    CQL_LOG_ERROR = 3,
} cql_log_level_t;

typedef void (*cql_log_cb_t)(void *opaque, cql_log_level_t level, const char *msg);

typedef struct cql_conf_s cql_conf_t;

/* Must be freed with cql_conf_free() unless handed to a session or connection. */
cql_conf_t *cql_conf_new(void);
void cql_conf_free(cql_conf_t *conf);
cql_conf_t *cql_conf_dup(const cql_conf_t *conf);
/*
 * Sets one property by name (the `-X cql.<name>=<value>` keys); value is copied. On an
 * unknown name or a value out of its type or range fills errstr and returns CQL_ERR_CONF;
 * CQL_ERR_NOMEM when a copy fails. Every property, its type, range, default and meaning is
 * in the table cql_conf_reference() renders (docs/cql.md shows it).
 */
cql_err_t cql_conf_set(cql_conf_t *conf, const char *name, const char *value, char *errstr,
                       size_t errstr_size);
/* The property table as Markdown (property, type, default, description), written into
 * buf like snprintf: always NUL-terminated when cap > 0; returns the length needed. */
size_t cql_conf_reference(char *buf, size_t cap);
/* The callback may be called from any cql_* call on a handle using this conf. */
void cql_conf_set_log_cb(cql_conf_t *conf, cql_log_cb_t cb, void *opaque);

/* ------------------------------------------------------------------------------------ */
/* Prepared statements, statements, batches                                             */
/* ------------------------------------------------------------------------------------ */

/* Result of a PREPARE. Reference counted: statements built from it hold a reference,
 * so it may be freed with cql_prepared_free() while they live. */
typedef struct cql_prepared_s cql_prepared_t;

size_t cql_prepared_param_count(const cql_prepared_t *p);
const cql_type_t *cql_prepared_param_type(const cql_prepared_t *p, size_t i);
const char *cql_prepared_param_name(const cql_prepared_t *p, size_t i);
void cql_prepared_free(cql_prepared_t *p);

/* One QUERY or EXECUTE. Must be freed with cql_stmt_free(); reusable: bind new values
 * and submit again (it is encoded at submit time, so it may be freed right after). */
typedef struct cql_stmt_s cql_stmt_t;

/* query is copied. */
cql_stmt_t *cql_stmt_new(const char *query, size_t param_count);
/* Takes a reference on p. */
cql_stmt_t *cql_stmt_new_prepared(cql_prepared_t *p);
void cql_stmt_free(cql_stmt_t *s);
/* Forget bound values, paging state and routing key; keep settings. */
void cql_stmt_reset(cql_stmt_t *s);

void cql_stmt_set_consistency(cql_stmt_t *s, cql_consistency_t c);
void cql_stmt_set_serial_consistency(cql_stmt_t *s, cql_consistency_t c);
/* 0 or negative: no paging. */
void cql_stmt_set_page_size(cql_stmt_t *s, int32_t rows);
/* Copied. NULL clears. */
cql_err_t cql_stmt_set_paging_state(cql_stmt_t *s, const uint8_t *state, size_t size);
void cql_stmt_set_timestamp(cql_stmt_t *s, int64_t micros);
/* Only idempotent statements are retried or sent to another host after a timeout. */
void cql_stmt_set_idempotent(cql_stmt_t *s, bool idempotent);
void cql_stmt_set_timeout_ms(cql_stmt_t *s, int64_t ms);
/* Serialized partition key for token-aware routing (copied). Prepared statements
 * compute it from the bound partition key columns when not set. */
cql_err_t cql_stmt_set_routing_key(cql_stmt_t *s, const void *key, size_t size);

/* Binding by position; values are copied. CQL_ERR_RANGE for a bad index. */
cql_err_t cql_stmt_bind_null(cql_stmt_t *s, size_t i);
cql_err_t cql_stmt_bind_unset(cql_stmt_t *s, size_t i);
cql_err_t cql_stmt_bind_bool(cql_stmt_t *s, size_t i, bool v);
cql_err_t cql_stmt_bind_int8(cql_stmt_t *s, size_t i, int8_t v);
cql_err_t cql_stmt_bind_int16(cql_stmt_t *s, size_t i, int16_t v);
cql_err_t cql_stmt_bind_int32(cql_stmt_t *s, size_t i, int32_t v);
cql_err_t cql_stmt_bind_uint32(cql_stmt_t *s, size_t i, uint32_t v);
cql_err_t cql_stmt_bind_int64(cql_stmt_t *s, size_t i, int64_t v);
cql_err_t cql_stmt_bind_float(cql_stmt_t *s, size_t i, float v);
cql_err_t cql_stmt_bind_double(cql_stmt_t *s, size_t i, double v);
cql_err_t cql_stmt_bind_text(cql_stmt_t *s, size_t i, const char *v);
cql_err_t cql_stmt_bind_text_n(cql_stmt_t *s, size_t i, const char *v, size_t len);
cql_err_t cql_stmt_bind_bytes(cql_stmt_t *s, size_t i, const void *data, size_t size);
cql_err_t cql_stmt_bind_uuid(cql_stmt_t *s, size_t i, const uint8_t uuid[16]);
cql_err_t cql_stmt_bind_inet(cql_stmt_t *s, size_t i, const cql_inet_t *inet);
cql_err_t cql_stmt_bind_duration(cql_stmt_t *s, size_t i, const cql_duration_t *d);
cql_err_t cql_stmt_bind_varint64(cql_stmt_t *s, size_t i, int64_t v);
cql_err_t cql_stmt_bind_decimal(cql_stmt_t *s, size_t i, int32_t scale, const uint8_t *unscaled,
                                size_t unscaled_size);
cql_err_t cql_stmt_bind_coll(cql_stmt_t *s, size_t i, const cql_coll_t *c);

typedef enum {
    CQL_BATCH_LOGGED = 0,
    CQL_BATCH_UNLOGGED = 1,
    CQL_BATCH_COUNTER = 2,
} cql_batch_type_t;

/* Must be freed with cql_batch_free(). */
typedef struct cql_batch_s cql_batch_t;
cql_batch_t *cql_batch_new(cql_batch_type_t type);
void cql_batch_free(cql_batch_t *b);
/* The statement is encoded now (copied); it may be changed or freed after the call. */
cql_err_t cql_batch_add(cql_batch_t *b, const cql_stmt_t *s);
void cql_batch_set_consistency(cql_batch_t *b, cql_consistency_t c);
void cql_batch_set_serial_consistency(cql_batch_t *b, cql_consistency_t c);
void cql_batch_set_timestamp(cql_batch_t *b, int64_t micros);
void cql_batch_set_idempotent(cql_batch_t *b, bool idempotent);
size_t cql_batch_count(const cql_batch_t *b);

/* ------------------------------------------------------------------------------------ */
/* Results                                                                              */
/* ------------------------------------------------------------------------------------ */

typedef enum {
    CQL_RESULT_VOID = 0x0001,
    CQL_RESULT_ROWS = 0x0002,
    CQL_RESULT_SET_KEYSPACE = 0x0003,
    CQL_RESULT_PREPARED = 0x0004,
    CQL_RESULT_SCHEMA_CHANGE = 0x0005,
} cql_result_kind_t;

/* A decoded RESULT. Rows are parsed lazily, one row per cql_result_next_row().
 * Must be freed with cql_result_free(). */
typedef struct cql_result_s cql_result_t;

void cql_result_free(cql_result_t *r);
cql_result_kind_t cql_result_kind(const cql_result_t *r);
size_t cql_result_column_count(const cql_result_t *r);
const char *cql_result_column_name(const cql_result_t *r, size_t i);
const cql_type_t *cql_result_column_type(const cql_result_t *r, size_t i);
/* -1 when the name is not a column. */
int cql_result_column_index(const cql_result_t *r, const char *name);
size_t cql_result_row_count(const cql_result_t *r);
/* Paging state of the next page, or NULL/0 on the last page; valid as the result. */
const uint8_t *cql_result_paging_state(const cql_result_t *r, size_t *size);
bool cql_result_has_more_pages(const cql_result_t *r);
/* Advances to the next row; false at the end or on malformed data (then *err set). */
bool cql_result_next_row(cql_result_t *r, cql_err_t *err);
/* Column i of the current row; the view is valid as the result. */
cql_err_t cql_result_column(const cql_result_t *r, size_t i, cql_value_t *out);
/* SET_KEYSPACE: the keyspace; SCHEMA_CHANGE: change type, target, keyspace, name. */
const char *cql_result_keyspace(const cql_result_t *r);
const char *cql_result_schema_change(const cql_result_t *r, const char **target, const char **name);

/* Details of a server error; strings valid as the future. Fields that the error kind
 * does not carry are zero/NULL. */
typedef struct {
    uint16_t code; /* verbatim, e.g. 0x1100 */
    const char *message;
    cql_consistency_t consistency;
    int32_t received, block_for, alive, required, failures;
    bool data_present;
    const char *write_type;       /* write timeout/failure */
    const char *keyspace, *table; /* already exists; function failure: keyspace, function */
    const uint8_t *unprepared_id;
    size_t unprepared_id_size;
} cql_server_error_t;

/* ------------------------------------------------------------------------------------ */
/* Futures                                                                              */
/* ------------------------------------------------------------------------------------ */

/* The outcome of one request. Must be freed with cql_future_free(), also before it
 * completes (the request then finishes silently). */
typedef struct cql_future_s cql_future_t;

typedef void (*cql_future_cb_t)(cql_future_t *f, void *opaque);

bool cql_future_ready(const cql_future_t *f);
/* Drives the owning connection or session until the future completes or timeout_ms
 * passes (negative: no limit). Returns the future's error, or CQL_ERR_PENDING. */
cql_err_t cql_future_wait(cql_future_t *f, int64_t timeout_ms);
/* Called once from within a step (or at once if already complete). The callback may
 * free the future and submit new requests, but must not free the connection or
 * session that runs it. */
void cql_future_set_callback(cql_future_t *f, cql_future_cb_t cb, void *opaque);
/* CQL_ERR_PENDING until complete. */
cql_err_t cql_future_error(const cql_future_t *f);
/* Human text of the failure (server message or library detail); valid as the future. */
const char *cql_future_error_message(const cql_future_t *f);
/* NULL unless the error came from the server. Valid as the future. */
const cql_server_error_t *cql_future_server_error(const cql_future_t *f);
/* The result, owned by the future (valid until cql_future_free()); NULL on error. */
cql_result_t *cql_future_result(cql_future_t *f);
/* Transfers the result to the caller, who must free it with cql_result_free(). */
cql_result_t *cql_future_take_result(cql_future_t *f);
/* For PREPARE futures: a new reference the caller must free with cql_prepared_free(). */
cql_prepared_t *cql_future_prepared(cql_future_t *f);
void cql_future_free(cql_future_t *f);

/* ------------------------------------------------------------------------------------ */
/* Event-loop integration                                                               */
/* ------------------------------------------------------------------------------------ */

#define CQL_EV_READ 0x1
#define CQL_EV_WRITE 0x2

/* ------------------------------------------------------------------------------------ */
/* Connection: one socket to one host                                                   */
/* ------------------------------------------------------------------------------------ */

typedef struct cql_conn_s cql_conn_t;

/* Starts a non-blocking connect to host:port (numeric IPv4/IPv6 or a name) and the
 * STARTUP/AUTH/USE handshake. Takes ownership of conf. Must be freed with
 * cql_conn_free(), which fails all outstanding futures with CQL_ERR_CLOSED. */
cql_err_t cql_conn_new(cql_conf_t *conf, const char *host, int port, cql_conn_t **out, char *errstr,
                       size_t errstr_size);
void cql_conn_free(cql_conn_t *c);
/* Socket to watch, -1 when closed. */
int cql_conn_fd(const cql_conn_t *c);
/* CQL_EV_READ | CQL_EV_WRITE as currently wanted. */
int cql_conn_events(const cql_conn_t *c);
/* Milliseconds until the next request deadline (-1: none); an upper bound for poll. */
int64_t cql_conn_timeout_ms(const cql_conn_t *c);
/* Does the I/O that revents allows, completes futures and expires deadlines. A lost
 * connection fails outstanding futures and returns the error; the handle then stays
 * closed. */
cql_err_t cql_conn_step(cql_conn_t *c, int revents);
/* Blocks up to timeout_ms for events and steps once. */
cql_err_t cql_conn_poll(cql_conn_t *c, int64_t timeout_ms);
bool cql_conn_is_ready(const cql_conn_t *c);
/* The handshake outcome; CQL_ERR_PENDING while connecting. */
cql_err_t cql_conn_state_error(const cql_conn_t *c, const char **message);
size_t cql_conn_inflight(const cql_conn_t *c);

/* Submission. NULL *out with CQL_ERR_BUSY when max_inflight requests are in flight,
 * CQL_ERR_CLOSED when the connection is down. Requests submitted before the handshake
 * completes are queued and sent after it. */
cql_err_t cql_conn_query(cql_conn_t *c, const cql_stmt_t *s, cql_future_t **out);
/* query is copied. */
cql_err_t cql_conn_prepare(cql_conn_t *c, const char *query, cql_future_t **out);
cql_err_t cql_conn_batch(cql_conn_t *c, const cql_batch_t *b, cql_future_t **out);
cql_err_t cql_conn_options(cql_conn_t *c, cql_future_t **out);
/* Subscribes to "TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE" (names copied). */
cql_err_t cql_conn_register(cql_conn_t *c, const char *const *events, size_t n, cql_future_t **out);

/* Pushed server events (after REGISTER). */
typedef struct {
    const char *type;   /* TOPOLOGY_CHANGE, STATUS_CHANGE, SCHEMA_CHANGE */
    const char *change; /* NEW_NODE, UP, DOWN, CREATED, ... */
    cql_inet_t addr;
    int32_t port;
    const char *target, *keyspace, *name; /* schema changes */
} cql_event_t;
typedef void (*cql_event_cb_t)(void *opaque, const cql_event_t *ev);
void cql_conn_set_event_cb(cql_conn_t *c, cql_event_cb_t cb, void *opaque);

/* ------------------------------------------------------------------------------------ */
/* Session: a cluster of hosts                                                          */
/* ------------------------------------------------------------------------------------ */

typedef struct cql_session_s cql_session_t;

/* Takes ownership of conf. Connects to the contact points, discovers the other hosts
 * from system.local / system.peers, and keeps connections up with backoff. Returns at
 * once; use cql_session_connect_wait() or drive it from the event loop. Must be freed
 * with cql_session_free(). */
cql_err_t cql_session_new(cql_conf_t *conf, cql_session_t **out, char *errstr, size_t errstr_size);
void cql_session_free(cql_session_t *s);
/* Blocks until one host is ready (CQL_OK) or timeout_ms; the last error otherwise. Returns
 * early, with that error, once every host has refused with an error that is not retriable
 * (CQL_ERR_AUTH, a server's bad credentials, TLS verification): another attempt would
 * fail the same way. The session keeps reconnecting in the background either way. */
cql_err_t cql_session_connect_wait(cql_session_t *s, int64_t timeout_ms, char *errstr,
                                   size_t errstr_size);
/* One fd for the whole session (readable when any of its sockets needs work). A request
 * is queued on its connection and written by the next flush (cql_session_flush(), which
 * cql_session_step() and cql_session_poll() do first), so the requests of one turn of a
 * loop go out in one write per connection; until then cql_session_timeout_ms() is 0. */
int cql_session_fd(const cql_session_t *s);
/* How long an event loop may wait on cql_session_fd() before it steps the session: the
 * next deadline, 0 while requests wait for a flush, -1 for none. */
int64_t cql_session_timeout_ms(const cql_session_t *s);
/* Writes what was queued since the last flush (as far as the sockets take it; the rest
 * when they become writable). Call it before waiting on cql_session_fd(). */
void cql_session_flush(cql_session_t *s);
/* Non-blocking: flushes, then handles whatever is ready. */
cql_err_t cql_session_step(cql_session_t *s);
/* Blocks up to timeout_ms for events, then steps. */
cql_err_t cql_session_poll(cql_session_t *s, int64_t timeout_ms);

cql_err_t cql_session_query(cql_session_t *s, const cql_stmt_t *st, cql_future_t **out);
cql_err_t cql_session_prepare(cql_session_t *s, const char *query, cql_future_t **out);
cql_err_t cql_session_batch(cql_session_t *s, const cql_batch_t *b, cql_future_t **out);
/* Blocking: runs st and waits up to timeout_ms for its outcome. On CQL_OK, *result (if
 * result is not NULL) is the result, which must be freed with cql_result_free(). On failure
 * errstr holds the error's text and, where there is one, the server's message; *result is
 * NULL. st is copied into the request; the caller may free it after the call. */
cql_err_t cql_session_execute(cql_session_t *s, const cql_stmt_t *st, int64_t timeout_ms,
                              cql_result_t **result, char *errstr, size_t errstr_size);
/* Waits until every up host reports the same schema_version (blocking). */
cql_err_t cql_session_wait_schema_agreement(cql_session_t *s, int64_t timeout_ms);
size_t cql_session_host_count(const cql_session_t *s);
size_t cql_session_hosts_up(const cql_session_t *s);

/* One known host. The strings are borrowed from the session: valid until its next step,
 * poll or query (a host that leaves the ring is freed then). */
typedef struct {
    const char *address;
    int port;
    const char *datacenter; /* "" until discovery has read it */
    bool up;
    uint64_t requests; /* queries and batches sent to it as coordinator, retries included
                          (not PREPARE) */
} cql_host_info_t;
/* Host i (0 <= i < cql_session_host_count()); false past the end. */
bool cql_session_host_info(const cql_session_t *s, size_t i, cql_host_info_t *out);
/* The datacenter requests stay in: local_dc, or learned from the first contact point that
 * answered; "" while unknown. Borrowed, valid as the session. */
const char *cql_session_local_dc(const cql_session_t *s);

#ifdef __cplusplus
}
#endif
#endif
