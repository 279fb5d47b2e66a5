/*
 * cql_stmt — statements, batches and prepared statements as the caller builds them:
 * bound values are serialized once into the statement's own buffer, so a submit only
 * copies bytes into the output frame. Also the routing key of a prepared statement,
 * computed from its bound partition key columns.
 */
#include <stdlib.h>
#include <string.h>

#include "cql_int.h"

/* Bound values of one statement are capped like a frame. */
#define CQL_STMT_VALUES_MAX ((size_t)256 << 20)

void cql_prepared_ref(cql_prepared_t *p) {
    p->refs++;
}

void cql_prepared_free(cql_prepared_t *p) {
    if (!p || --p->refs > 0)
        return;
    free(p->id);
    free(p->query);
    free(p->keyspace);
    cql_metadata_free(&p->params);
    cql_metadata_free(&p->result_meta);
    free(p);
}

cql_prepared_t *cql_prepared_from_result(cql_result_t *r, const char *query, size_t qlen) {
    if (r->kind != CQL_RESULT_PREPARED)
        return NULL;
    cql_prepared_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->refs = 1;
    p->id = malloc(r->prepared_id_size);
    p->query = cql_strndup(query, qlen);
    if (!p->id || !p->query) {
        free(p->id);
        free(p->query);
        free(p);
        return NULL;
    }
    memcpy(p->id, r->prepared_id, r->prepared_id_size);
    p->id_size = r->prepared_id_size;
    p->query_len = qlen;
    /* the metadata moves over; its paging_state pointer (none here) would dangle */
    p->params = r->meta;
    p->result_meta = r->result_meta;
    p->params.paging_state = p->result_meta.paging_state = NULL;
    memset(&r->meta, 0, sizeof r->meta);
    memset(&r->result_meta, 0, sizeof r->result_meta);
    return p;
}

size_t cql_prepared_param_count(const cql_prepared_t *p) {
    return p->params.n_cols;
}

const cql_type_t *cql_prepared_param_type(const cql_prepared_t *p, size_t i) {
    const cql_column_t *c = cql_metadata_column(&p->params, i);
    return c ? c->type : NULL;
}

const char *cql_prepared_param_name(const cql_prepared_t *p, size_t i) {
    const cql_column_t *c = cql_metadata_column(&p->params, i);
    return c ? c->name : NULL;
}

/* ---- statements --------------------------------------------------------------------- */

static cql_stmt_t *stmt_alloc(size_t n) {
    if (n > UINT16_MAX)
        return NULL;
    cql_stmt_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n_params = n;
    s->slots = malloc((n ? n : 1) * sizeof *s->slots);
    if (!s->slots) {
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        s->slots[i].off = -1;
    cql_buf_init(&s->vals, CQL_STMT_VALUES_MAX);
    return s;
}

cql_stmt_t *cql_stmt_new(const char *query, size_t param_count) {
    if (!query)
        return NULL;
    cql_stmt_t *s = stmt_alloc(param_count);
    if (!s)
        return NULL;
    s->query_len = strlen(query);
    s->query = cql_strndup(query, s->query_len);
    if (!s->query) {
        cql_stmt_free(s);
        return NULL;
    }
    return s;
}

cql_stmt_t *cql_stmt_new_prepared(cql_prepared_t *p) {
    if (!p)
        return NULL;
    cql_stmt_t *s = stmt_alloc(p->params.n_cols);
    if (!s)
        return NULL;
    cql_prepared_ref(p);
    s->prepared = p;
    return s;
}

void cql_stmt_free(cql_stmt_t *s) {
    if (!s)
        return;
    free(s->query);
    free(s->slots);
    cql_buf_free(&s->vals);
    free(s->paging_state);
    free(s->routing_key);
    cql_prepared_free(s->prepared);
    free(s);
}

void cql_stmt_reset(cql_stmt_t *s) {
    for (size_t i = 0; i < s->n_params; i++)
        s->slots[i].off = -1;
    s->vals.len = 0;
    s->vals.failed = false;
    s->n_seq = 0;
    s->unordered = false;
    cql_stmt_set_paging_state(s, NULL, 0);
    cql_stmt_set_routing_key(s, NULL, 0);
}

/* The options statements and batches share, each with a `<member>_set` flag saying that
 * it was given: (setter name, member, type). One table for cql_stmt_set_* and
 * cql_batch_set_*. */
#define CQL_FLAGGED_OPTIONS(X)                                                                     \
    X(consistency, consistency, cql_consistency_t)                                                 \
    X(serial_consistency, serial, cql_consistency_t)                                               \
    X(timestamp, timestamp, int64_t)

#define CQL_FLAGGED_SETTER_(obj, name, member, type)                                               \
    void cql_##obj##_set_##name(cql_##obj##_t *o, type v) {                                        \
        o->member = v;                                                                             \
        o->member##_set = true;                                                                    \
    }
#define CQL_STMT_SETTER_(name, member, type) CQL_FLAGGED_SETTER_(stmt, name, member, type)
#define CQL_BATCH_SETTER_(name, member, type) CQL_FLAGGED_SETTER_(batch, name, member, type)
CQL_FLAGGED_OPTIONS(CQL_STMT_SETTER_)
CQL_FLAGGED_OPTIONS(CQL_BATCH_SETTER_)

void cql_stmt_set_page_size(cql_stmt_t *s, int32_t rows) {
    s->page_size = rows;
}
void cql_stmt_set_idempotent(cql_stmt_t *s, bool idempotent) {
    s->idempotent = idempotent;
}
void cql_stmt_set_timeout_ms(cql_stmt_t *s, int64_t ms) {
    s->timeout_ms = ms;
}

static cql_err_t set_blob(uint8_t **dst, size_t *dst_size, const void *p, size_t n) {
    free(*dst);
    *dst = NULL;
    *dst_size = 0;
    if (!p)
        return CQL_OK;
    if (n > INT32_MAX)
        return CQL_ERR_INVALID_ARG;
    *dst = malloc(n ? n : 1);
    if (!*dst)
        return CQL_ERR_NOMEM;
    if (n)
        memcpy(*dst, p, n);
    *dst_size = n;
    return CQL_OK;
}

cql_err_t cql_stmt_set_paging_state(cql_stmt_t *s, const uint8_t *state, size_t size) {
    return set_blob(&s->paging_state, &s->paging_state_size, state, size);
}

cql_err_t cql_stmt_set_routing_key(cql_stmt_t *s, const void *key, size_t size) {
    return set_blob(&s->routing_key, &s->routing_key_size, key, size);
}

/* Values are appended; rebinding a slot leaves the old bytes behind until reset,
 * which keeps binding O(1) and the buffer bounded by the cap. */
static cql_err_t bind_begin(cql_stmt_t *s, size_t i, size_t *off) {
    if (i >= s->n_params)
        return CQL_ERR_RANGE;
    if (s->vals.len > INT32_MAX)
        return CQL_ERR_NOMEM;
    *off = s->vals.len;
    return CQL_OK;
}

static cql_err_t bind_end(cql_stmt_t *s, size_t i, size_t off) {
    if (s->vals.failed) {
        s->vals.failed = false;
        s->vals.len = off;
        return CQL_ERR_NOMEM;
    }
    s->slots[i].off = (int32_t)off;
    if (i == s->n_seq && !s->unordered)
        s->n_seq++;
    else
        s->unordered = true;
    return CQL_OK;
}

#define BIND(s, i, stmt)                                                                           \
    do {                                                                                           \
        size_t off_;                                                                               \
        cql_err_t e_ = bind_begin(s, i, &off_);                                                    \
        if (e_)                                                                                    \
            return e_;                                                                             \
        stmt;                                                                                      \
        return bind_end(s, i, off_);                                                               \
    } while (0)

cql_err_t cql_stmt_bind_null(cql_stmt_t *s, size_t i) {
    BIND(s, i, cql_val_null(&s->vals));
}
cql_err_t cql_stmt_bind_unset(cql_stmt_t *s, size_t i) {
    BIND(s, i, cql_val_unset(&s->vals));
}
cql_err_t cql_stmt_bind_bool(cql_stmt_t *s, size_t i, bool v) {
    BIND(s, i, cql_val_be(&s->vals, 1, v ? 1 : 0));
}
cql_err_t cql_stmt_bind_int8(cql_stmt_t *s, size_t i, int8_t v) {
    BIND(s, i, cql_val_be(&s->vals, 1, (uint8_t)v));
}
cql_err_t cql_stmt_bind_int16(cql_stmt_t *s, size_t i, int16_t v) {
    BIND(s, i, cql_val_be(&s->vals, 2, (uint16_t)v));
}
cql_err_t cql_stmt_bind_int32(cql_stmt_t *s, size_t i, int32_t v) {
    BIND(s, i, cql_val_be(&s->vals, 4, (uint32_t)v));
}
cql_err_t cql_stmt_bind_uint32(cql_stmt_t *s, size_t i, uint32_t v) {
    BIND(s, i, cql_val_be(&s->vals, 4, v));
}
cql_err_t cql_stmt_bind_int64(cql_stmt_t *s, size_t i, int64_t v) {
    BIND(s, i, cql_val_be(&s->vals, 8, (uint64_t)v));
}
cql_err_t cql_stmt_bind_float(cql_stmt_t *s, size_t i, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    BIND(s, i, cql_val_be(&s->vals, 4, u));
}
cql_err_t cql_stmt_bind_double(cql_stmt_t *s, size_t i, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    BIND(s, i, cql_val_be(&s->vals, 8, u));
}
cql_err_t cql_stmt_bind_text(cql_stmt_t *s, size_t i, const char *v) {
    if (!v)
        return cql_stmt_bind_null(s, i);
    return cql_stmt_bind_text_n(s, i, v, strlen(v));
}
cql_err_t cql_stmt_bind_text_n(cql_stmt_t *s, size_t i, const char *v, size_t len) {
    if (!v && len)
        return CQL_ERR_INVALID_ARG;
    BIND(s, i, cql_val_fixed(&s->vals, v, len));
}
cql_err_t cql_stmt_bind_bytes(cql_stmt_t *s, size_t i, const void *data, size_t size) {
    if (!data && size)
        return CQL_ERR_INVALID_ARG;
    BIND(s, i, cql_val_fixed(&s->vals, data, size));
}
cql_err_t cql_stmt_bind_uuid(cql_stmt_t *s, size_t i, const uint8_t uuid[16]) {
    BIND(s, i, cql_val_fixed(&s->vals, uuid, 16));
}
cql_err_t cql_stmt_bind_inet(cql_stmt_t *s, size_t i, const cql_inet_t *inet) {
    if (inet->len != 4 && inet->len != 16)
        return CQL_ERR_INVALID_ARG;
    BIND(s, i, cql_val_inet(&s->vals, inet));
}
cql_err_t cql_stmt_bind_duration(cql_stmt_t *s, size_t i, const cql_duration_t *d) {
    BIND(s, i, cql_val_duration(&s->vals, d));
}
cql_err_t cql_stmt_bind_varint64(cql_stmt_t *s, size_t i, int64_t v) {
    BIND(s, i, cql_val_varint64(&s->vals, v));
}
cql_err_t cql_stmt_bind_decimal(cql_stmt_t *s, size_t i, int32_t scale, const uint8_t *unscaled,
                                size_t unscaled_size) {
    if (!unscaled || unscaled_size == 0)
        return CQL_ERR_INVALID_ARG;
    BIND(s, i, cql_val_decimal(&s->vals, scale, unscaled, unscaled_size));
}

cql_err_t cql_stmt_bind_coll(cql_stmt_t *s, size_t i, const cql_coll_t *c) {
    if (!c || (c->kind == CQL_TYPE_MAP && (c->count & 1)))
        return CQL_ERR_INVALID_ARG;
    BIND(s, i, cql_val_coll(&s->vals, c));
}

/* Single pk column: its value bytes. Composite: for each component
 * <u16 length><bytes><0x00>, as Cassandra's CompositeType serializes it. */
bool cql_stmt_routing_key(const cql_stmt_t *s, cql_buf_t *b) {
    if (s->routing_key) {
        cql_buf_put(b, s->routing_key, s->routing_key_size);
        return !b->failed;
    }
    if (!s->prepared || s->prepared->params.n_pk == 0)
        return false;
    const cql_metadata_t *m = &s->prepared->params;
    for (uint32_t k = 0; k < m->n_pk; k++) {
        uint16_t idx = m->pk[k];
        if (idx >= s->n_params || s->slots[idx].off < 0)
            return false;
        const uint8_t *p = s->vals.data + s->slots[idx].off;
        int32_t n = (int32_t)cql_rd_u32p(p);
        if (n < 0 || (m->n_pk > 1 && n > UINT16_MAX))
            return false;
        if (m->n_pk == 1) {
            cql_buf_put(b, p + 4, (size_t)n);
        } else {
            cql_buf_u16(b, (uint16_t)n);
            cql_buf_put(b, p + 4, (size_t)n);
            cql_buf_u8(b, 0);
        }
    }
    return !b->failed;
}

/* ---- batches ------------------------------------------------------------------------ */

cql_batch_t *cql_batch_new(cql_batch_type_t type) {
    if (type != CQL_BATCH_LOGGED && type != CQL_BATCH_UNLOGGED && type != CQL_BATCH_COUNTER)
        return NULL;
    cql_batch_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->type = type;
    cql_buf_init(&b->body, CQL_STMT_VALUES_MAX);
    return b;
}

void cql_batch_free(cql_batch_t *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->n_prepared; i++)
        cql_prepared_free(b->prepared[i]);
    free(b->prepared);
    free(b->routing_key);
    cql_buf_free(&b->body);
    free(b);
}

cql_err_t cql_batch_add(cql_batch_t *b, const cql_stmt_t *s) {
    if (b->count == UINT16_MAX)
        return CQL_ERR_RANGE;
    size_t before = b->body.len;
    if (s->prepared) {
        cql_prepared_t **np = realloc(b->prepared, (b->n_prepared + 1) * sizeof *np);
        if (!np)
            return CQL_ERR_NOMEM;
        b->prepared = np;
        cql_buf_u8(&b->body, 1);
        cql_buf_short_bytes(&b->body, s->prepared->id, s->prepared->id_size);
    } else {
        cql_buf_u8(&b->body, 0);
        cql_buf_long_string(&b->body, s->query, s->query_len);
    }
    cql_buf_u16(&b->body, (uint16_t)s->n_params);
    for (size_t i = 0; i < s->n_params; i++) {
        int32_t off = s->slots[i].off;
        if (off < 0) {
            cql_val_unset(&b->body);
            continue;
        }
        const uint8_t *p = s->vals.data + off;
        int32_t n = (int32_t)cql_rd_u32p(p);
        cql_buf_put(&b->body, p, 4 + (n > 0 ? (size_t)n : 0));
    }
    if (b->body.failed) {
        b->body.failed = false;
        b->body.len = before;
        return CQL_ERR_NOMEM;
    }
    if (s->prepared) {
        cql_prepared_ref(s->prepared);
        b->prepared[b->n_prepared++] = s->prepared;
    }
    if (b->count == 0 && !b->routing_key) {
        cql_buf_t rk;
        cql_buf_init(&rk, 65536);
        if (cql_stmt_routing_key(s, &rk) && rk.len) {
            b->routing_key = rk.data;
            b->routing_key_size = rk.len;
        } else {
            cql_buf_free(&rk);
        }
    }
    b->count++;
    return CQL_OK;
}

void cql_batch_set_idempotent(cql_batch_t *b, bool idempotent) {
    b->idempotent = idempotent;
}
size_t cql_batch_count(const cql_batch_t *b) {
    return b->count;
}
