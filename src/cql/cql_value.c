/*
 * cql_value — CQL value types: the type trees read from result metadata, the
 * serialization of every type a user table can hold (fixed-width numbers, varint and
 * decimal, Cassandra's vint-based duration, inet, uuid, collections, tuples and UDTs),
 * typed getters over views into a result, and the builder for collection values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cql_int.h"

/* ---- type trees --------------------------------------------------------------------- */

cql_type_t *cql_type_new_simple(cql_type_kind_t kind) {
    cql_type_t *t = calloc(1, sizeof *t);
    if (t)
        t->kind = kind;
    return t;
}

void cql_type_free(cql_type_t *t) {
    if (!t)
        return;
    for (size_t i = 0; i < t->n_sub; i++) {
        if (t->sub)
            cql_type_free(t->sub[i]);
        if (t->names)
            free(t->names[i]);
    }
    free(t->sub);
    free(t->names);
    free(t->name);
    free(t->keyspace);
    free(t);
}

static bool type_alloc_subs(cql_type_t *t, size_t n, bool names) {
    t->sub = calloc(n ? n : 1, sizeof *t->sub);
    if (names)
        t->names = calloc(n ? n : 1, sizeof *t->names);
    if (!t->sub || (names && !t->names))
        return false;
    t->n_sub = (uint16_t)n;
    return true;
}

cql_type_t *cql_type_decode(cql_rd_t *r, int depth) {
    if (depth > CQL_TYPE_MAX_DEPTH) {
        r->failed = true;
        return NULL;
    }
    uint16_t id = cql_rd_u16(r);
    if (r->failed)
        return NULL;
    cql_type_t *t = cql_type_new_simple((cql_type_kind_t)id);
    if (!t) {
        r->failed = true;
        return NULL;
    }
    size_t n;
    const char *s;
    switch (id) {
    case CQL_TYPE_CUSTOM:
        s = cql_rd_string(r, &n);
        if (!r->failed && !(t->name = cql_strndup(s, n)))
            goto fail;
        /* protocol v4 has no duration id on the wire: Cassandra sends the class */
        if (!r->failed && !strcmp(t->name, "org.apache.cassandra.db.marshal.DurationType"))
            t->kind = CQL_TYPE_DURATION;
        break;
    case CQL_TYPE_ASCII:
    case CQL_TYPE_BIGINT:
    case CQL_TYPE_BLOB:
    case CQL_TYPE_BOOLEAN:
    case CQL_TYPE_COUNTER:
    case CQL_TYPE_DECIMAL:
    case CQL_TYPE_DOUBLE:
    case CQL_TYPE_FLOAT:
    case CQL_TYPE_INT:
    case CQL_TYPE_TIMESTAMP:
    case CQL_TYPE_UUID:
    case CQL_TYPE_VARCHAR:
    case CQL_TYPE_VARINT:
    case CQL_TYPE_TIMEUUID:
    case CQL_TYPE_INET:
    case CQL_TYPE_DATE:
    case CQL_TYPE_TIME:
    case CQL_TYPE_SMALLINT:
    case CQL_TYPE_TINYINT:
    case CQL_TYPE_DURATION: break;
    case CQL_TYPE_LIST:
    case CQL_TYPE_SET:
        if (!type_alloc_subs(t, 1, false))
            goto fail;
        if (!(t->sub[0] = cql_type_decode(r, depth + 1)))
            goto fail;
        break;
    case CQL_TYPE_MAP:
        if (!type_alloc_subs(t, 2, false))
            goto fail;
        if (!(t->sub[0] = cql_type_decode(r, depth + 1)) ||
            !(t->sub[1] = cql_type_decode(r, depth + 1)))
            goto fail;
        break;
    case CQL_TYPE_UDT: {
        s = cql_rd_string(r, &n);
        if (r->failed || !(t->keyspace = cql_strndup(s, n)))
            goto fail;
        s = cql_rd_string(r, &n);
        if (r->failed || !(t->name = cql_strndup(s, n)))
            goto fail;
        size_t nf = cql_rd_u16(r);
        /* each field needs at least 4 bytes: a cap from the input itself */
        if (r->failed || nf > cql_rd_left(r) / 4 || !type_alloc_subs(t, nf, true))
            goto fail;
        for (size_t i = 0; i < nf; i++) {
            s = cql_rd_string(r, &n);
            if (r->failed || !(t->names[i] = cql_strndup(s, n)))
                goto fail;
            if (!(t->sub[i] = cql_type_decode(r, depth + 1)))
                goto fail;
        }
        break;
    }
    case CQL_TYPE_TUPLE: {
        size_t nf = cql_rd_u16(r);
        if (r->failed || nf > cql_rd_left(r) / 2 || !type_alloc_subs(t, nf, false))
            goto fail;
        for (size_t i = 0; i < nf; i++)
            if (!(t->sub[i] = cql_type_decode(r, depth + 1)))
                goto fail;
        break;
    }
    default: goto fail;
    }
    if (r->failed)
        goto fail;
    return t;
fail:
    r->failed = true;
    cql_type_free(t);
    return NULL;
}

cql_type_kind_t cql_type_kind(const cql_type_t *t) {
    return t->kind;
}
size_t cql_type_sub_count(const cql_type_t *t) {
    return t->n_sub;
}
const cql_type_t *cql_type_sub(const cql_type_t *t, size_t i) {
    return i < t->n_sub ? t->sub[i] : NULL;
}
const char *cql_type_name(const cql_type_t *t, size_t i) {
    if (t->kind == CQL_TYPE_CUSTOM)
        return t->name;
    if (t->kind == CQL_TYPE_UDT)
        return i == SIZE_MAX ? t->name : (i < t->n_sub ? t->names[i] : NULL);
    return NULL;
}

/* ---- vint, varint ------------------------------------------------------------------- */

size_t cql_vint_encode(uint64_t v, uint8_t out[9]) {
    /* extra bytes = leading one bits of the first byte; the value is big-endian in the
     * remaining bits */
    size_t extra = 0;
    while (extra < 8 && v >= ((uint64_t)1 << (7 * (extra + 1))))
        extra++;
    if (extra == 8) {
        out[0] = 0xFF;
        for (int i = 0; i < 8; i++)
            out[1 + i] = (uint8_t)(v >> (56 - 8 * i));
        return 9;
    }
    for (size_t i = 0; i <= extra; i++)
        out[extra - i] = (uint8_t)(v >> (8 * i));
    out[0] |= (uint8_t)(0xFF00 >> extra);
    return extra + 1;
}

size_t cql_vint_decode(const uint8_t *p, size_t n, uint64_t *v) {
    if (n < 1)
        return 0;
    size_t extra = 0;
    while (extra < 8 && (p[0] & (0x80 >> extra)))
        extra++;
    if (n < extra + 1)
        return 0;
    uint64_t x = extra == 8 ? 0 : (uint64_t)(p[0] & (0xFF >> (extra + 1)));
    for (size_t i = 1; i <= extra; i++)
        x = (x << 8) | p[i];
    *v = x;
    return extra + 1;
}

static uint64_t zigzag(int64_t v) {
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static int64_t unzigzag(uint64_t v) {
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

size_t cql_varint_from_int64(int64_t v, uint8_t out[8]) {
    uint8_t tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    size_t start = 0;
    /* drop leading bytes that only repeat the sign */
    while (start < 7 && ((tmp[start] == 0x00 && !(tmp[start + 1] & 0x80)) ||
                         (tmp[start] == 0xFF && (tmp[start + 1] & 0x80))))
        start++;
    memcpy(out, tmp + start, 8 - start);
    return 8 - start;
}

/* ---- slot encoders ------------------------------------------------------------------ */

void cql_val_null(cql_buf_t *b) {
    cql_buf_u32(b, 0xFFFFFFFFu);
}
void cql_val_unset(cql_buf_t *b) {
    cql_buf_u32(b, 0xFFFFFFFEu);
}
void cql_val_fixed(cql_buf_t *b, const void *p, size_t n) {
    cql_buf_bytes(b, p, n);
}

void cql_val_be(cql_buf_t *b, unsigned width, uint64_t v) {
    cql_buf_u32(b, width);
    for (unsigned i = width; i-- > 0;)
        cql_buf_u8(b, (uint8_t)(v >> (8 * i)));
}
void cql_val_varint64(cql_buf_t *b, int64_t v) {
    uint8_t tmp[8];
    size_t n = cql_varint_from_int64(v, tmp);
    cql_buf_bytes(b, tmp, n);
}
void cql_val_decimal(cql_buf_t *b, int32_t scale, const uint8_t *u, size_t n) {
    if (n == 0 || n > INT32_MAX - 4) {
        b->failed = true;
        return;
    }
    cql_buf_u32(b, (uint32_t)(4 + n));
    cql_buf_u32(b, (uint32_t)scale);
    cql_buf_put(b, u, n);
}
void cql_val_duration(cql_buf_t *b, const cql_duration_t *d) {
    uint8_t tmp[27];
    size_t n = cql_vint_encode(zigzag(d->months), tmp);
    n += cql_vint_encode(zigzag(d->days), tmp + n);
    n += cql_vint_encode(zigzag(d->nanos), tmp + n);
    cql_buf_bytes(b, tmp, n);
}
void cql_val_inet(cql_buf_t *b, const cql_inet_t *inet) {
    if (inet->len != 4 && inet->len != 16) {
        b->failed = true;
        return;
    }
    cql_buf_bytes(b, inet->addr, inet->len);
}

/* ---- getters ------------------------------------------------------------------------ */

bool cql_value_is_null(const cql_value_t *v) {
    return v->size < 0;
}

static cql_err_t check(const cql_value_t *v, size_t size) {
    if (v->size < 0)
        return CQL_ERR_NULL;
    if ((size_t)v->size != size)
        return CQL_ERR_PROTOCOL;
    return CQL_OK;
}

/* A set of type kinds, for what a getter accepts (every kind is below 64). */
#define KIND(k) (UINT64_C(1) << (k))

/* Whether v's kind is in kinds; an untyped view (e.g. from a test) is trusted. */
static bool kind_in(const cql_value_t *v, uint64_t kinds) {
    return !v->type || ((unsigned)v->type->kind < 64 && (kinds & KIND(v->type->kind)));
}

/* The checks every getter starts with: the kind, then null. */
static cql_err_t check_kind(const cql_value_t *v, uint64_t kinds) {
    if (!kind_in(v, kinds))
        return CQL_ERR_TYPE;
    return v->size < 0 ? CQL_ERR_NULL : CQL_OK;
}

/* The one routine behind every fixed-size getter: checks the kind and the serialized size,
 * then stores the big-endian value in host order into out (size bytes; 16 bytes are
 * copied as they are). */
static cql_err_t get_fixed(const cql_value_t *v, uint64_t kinds, size_t size, void *out) {
    if (!kind_in(v, kinds))
        return CQL_ERR_TYPE;
    cql_err_t e = check(v, size);
    if (e != CQL_OK)
        return e;
    if (size == 2) {
        uint16_t x = cql_rd_u16p(v->data);
        memcpy(out, &x, sizeof x);
    } else if (size == 4) {
        uint32_t x = cql_rd_u32p(v->data);
        memcpy(out, &x, sizeof x);
    } else if (size == 8) {
        uint64_t x = cql_rd_u64p(v->data);
        memcpy(out, &x, sizeof x);
    } else {
        memcpy(out, v->data, size);
    }
    return CQL_OK;
}

/* (name, C type, serialized size, kinds it reads): cql_value_get_<name>(). */
#define CQL_FIXED_GETTERS(X)                                                                       \
    X(int8, int8_t, 1, KIND(CQL_TYPE_TINYINT))                                                     \
    X(int16, int16_t, 2, KIND(CQL_TYPE_SMALLINT))                                                  \
    X(int32, int32_t, 4, KIND(CQL_TYPE_INT))                                                       \
    X(uint32, uint32_t, 4, KIND(CQL_TYPE_DATE))                                                    \
    X(int64, int64_t, 8,                                                                           \
      KIND(CQL_TYPE_BIGINT) | KIND(CQL_TYPE_COUNTER) | KIND(CQL_TYPE_TIMESTAMP) |                  \
          KIND(CQL_TYPE_TIME))                                                                     \
    X(float, float, 4, KIND(CQL_TYPE_FLOAT))                                                       \
    X(double, double, 8, KIND(CQL_TYPE_DOUBLE))

#define CQL_DEFINE_FIXED_GETTER_(name, type, size, kinds)                                          \
    cql_err_t cql_value_get_##name(const cql_value_t *v, type *out) {                              \
        return get_fixed(v, kinds, size, out);                                                     \
    }
CQL_FIXED_GETTERS(CQL_DEFINE_FIXED_GETTER_)
#undef CQL_DEFINE_FIXED_GETTER_

cql_err_t cql_value_get_bool(const cql_value_t *v, bool *out) {
    uint8_t b;
    cql_err_t e = get_fixed(v, KIND(CQL_TYPE_BOOLEAN), 1, &b);
    if (e == CQL_OK)
        *out = b != 0;
    return e;
}

cql_err_t cql_value_get_uuid(const cql_value_t *v, uint8_t out[16]) {
    return get_fixed(v, KIND(CQL_TYPE_UUID) | KIND(CQL_TYPE_TIMEUUID), 16, out);
}

cql_err_t cql_value_get_inet(const cql_value_t *v, cql_inet_t *out) {
    cql_err_t e = check_kind(v, KIND(CQL_TYPE_INET));
    if (e != CQL_OK)
        return e;
    if (v->size != 4 && v->size != 16)
        return CQL_ERR_PROTOCOL;
    memset(out, 0, sizeof *out);
    memcpy(out->addr, v->data, (size_t)v->size);
    out->len = (uint8_t)v->size;
    return CQL_OK;
}

cql_err_t cql_value_get_duration(const cql_value_t *v, cql_duration_t *out) {
    cql_err_t e = check_kind(v, KIND(CQL_TYPE_DURATION));
    if (e != CQL_OK)
        return e;
    const uint8_t *p = v->data;
    size_t left = (size_t)v->size;
    uint64_t u[3];
    for (int i = 0; i < 3; i++) {
        size_t k = cql_vint_decode(p, left, &u[i]);
        if (k == 0)
            return CQL_ERR_PROTOCOL;
        p += k;
        left -= k;
    }
    int64_t m = unzigzag(u[0]), d = unzigzag(u[1]);
    if (left != 0 || m < INT32_MIN || m > INT32_MAX || d < INT32_MIN || d > INT32_MAX)
        return CQL_ERR_PROTOCOL;
    out->months = (int32_t)m;
    out->days = (int32_t)d;
    out->nanos = unzigzag(u[2]);
    return CQL_OK;
}

cql_err_t cql_value_get_bytes(const cql_value_t *v, const uint8_t **data, size_t *size) {
    cql_err_t e =
        check_kind(v, KIND(CQL_TYPE_ASCII) | KIND(CQL_TYPE_VARCHAR) | KIND(CQL_TYPE_BLOB) |
                          KIND(CQL_TYPE_CUSTOM) | KIND(CQL_TYPE_VARINT));
    if (e != CQL_OK)
        return e;
    *data = v->data;
    *size = (size_t)v->size;
    return CQL_OK;
}

cql_err_t cql_value_get_varint64(const cql_value_t *v, int64_t *out) {
    cql_err_t e = check_kind(v, KIND(CQL_TYPE_VARINT));
    if (e != CQL_OK)
        return e;
    if (v->size == 0 || v->size > 8)
        return v->size == 0 ? CQL_ERR_PROTOCOL : CQL_ERR_RANGE;
    uint64_t x = (v->data[0] & 0x80) ? UINT64_MAX : 0;
    for (int32_t i = 0; i < v->size; i++)
        x = (x << 8) | v->data[i];
    *out = (int64_t)x;
    return CQL_OK;
}

cql_err_t cql_value_get_decimal(const cql_value_t *v, int32_t *scale, const uint8_t **unscaled,
                                size_t *unscaled_size) {
    cql_err_t e = check_kind(v, KIND(CQL_TYPE_DECIMAL));
    if (e != CQL_OK)
        return e;
    if (v->size < 5)
        return CQL_ERR_PROTOCOL;
    *scale = (int32_t)cql_rd_u32p(v->data);
    *unscaled = v->data + 4;
    *unscaled_size = (size_t)v->size - 4;
    return CQL_OK;
}

/* ---- collection iteration ----------------------------------------------------------- */

cql_err_t cql_value_iter_init(cql_value_iter_t *it, const cql_value_t *v) {
    memset(it, 0, sizeof *it);
    if (!v->type)
        return CQL_ERR_TYPE;
    if (v->size < 0)
        return CQL_ERR_NULL;
    it->parent = v;
    it->pos = v->data;
    it->end = v->data + v->size;
    switch (v->type->kind) {
    case CQL_TYPE_LIST:
    case CQL_TYPE_SET:
    case CQL_TYPE_MAP: {
        if (v->size < 4)
            return CQL_ERR_PROTOCOL;
        int32_t n = (int32_t)cql_rd_u32p(v->data);
        /* every element takes at least its 4 length bytes */
        size_t per = v->type->kind == CQL_TYPE_MAP ? 8 : 4;
        if (n < 0 || (size_t)n > (size_t)(v->size - 4) / per)
            return CQL_ERR_PROTOCOL;
        it->count = (size_t)n * (per / 4);
        it->pos += 4;
        return CQL_OK;
    }
    case CQL_TYPE_TUPLE:
    case CQL_TYPE_UDT:
        /* trailing fields may be missing (added to a UDT after the value was written) */
        it->count = v->type->n_sub;
        return CQL_OK;
    default: return CQL_ERR_TYPE;
    }
}

size_t cql_value_iter_count(const cql_value_iter_t *it) {
    return it->count;
}

bool cql_value_iter_next(cql_value_iter_t *it, cql_value_t *elem, cql_err_t *err) {
    if (err)
        *err = CQL_OK;
    if (!it->parent || it->index >= it->count)
        return false;
    const cql_type_t *t = it->parent->type;
    size_t left = (size_t)(it->end - it->pos);
    if (left == 0 && (t->kind == CQL_TYPE_UDT || t->kind == CQL_TYPE_TUPLE)) {
        elem->type = t->sub[it->index];
        elem->data = NULL;
        elem->size = -1;
        it->index++;
        return true;
    }
    if (left < 4)
        goto bad;
    int32_t n = (int32_t)cql_rd_u32p(it->pos);
    it->pos += 4;
    if (n >= 0 && (size_t)n > left - 4)
        goto bad;
    if (n < -1)
        goto bad;
    switch (t->kind) {
    case CQL_TYPE_LIST:
    case CQL_TYPE_SET: elem->type = t->sub[0]; break;
    case CQL_TYPE_MAP: elem->type = t->sub[it->index & 1]; break;
    default: elem->type = t->sub[it->index]; break;
    }
    elem->data = n >= 0 ? it->pos : NULL;
    elem->size = n;
    if (n > 0)
        it->pos += n;
    it->index++;
    return true;
bad:
    it->index = it->count;
    if (err)
        *err = CQL_ERR_PROTOCOL;
    return false;
}

/* ---- collection builder ------------------------------------------------------------- */

/* Elements of a collection are capped like a frame: 256 MiB. */
#define CQL_COLL_MAX ((size_t)256 << 20)

cql_coll_t *cql_coll_new(cql_type_kind_t kind) {
    if (kind != CQL_TYPE_LIST && kind != CQL_TYPE_SET && kind != CQL_TYPE_MAP &&
        kind != CQL_TYPE_TUPLE && kind != CQL_TYPE_UDT)
        return NULL;
    cql_coll_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kind = kind;
    cql_buf_init(&c->buf, CQL_COLL_MAX);
    return c;
}

void cql_coll_free(cql_coll_t *c) {
    if (!c)
        return;
    cql_buf_free(&c->buf);
    free(c);
}

static cql_err_t coll_done(cql_coll_t *c, size_t before) {
    if (c->buf.failed) {
        c->buf.failed = false;
        c->buf.len = before;
        return CQL_ERR_NOMEM;
    }
    c->count++;
    return CQL_OK;
}

#define COLL_APPEND(c, stmt)                                                                       \
    do {                                                                                           \
        size_t before_ = (c)->buf.len;                                                             \
        stmt;                                                                                      \
        return coll_done((c), before_);                                                            \
    } while (0)

cql_err_t cql_coll_append_null(cql_coll_t *c) {
    COLL_APPEND(c, cql_val_null(&c->buf));
}
cql_err_t cql_coll_append_bool(cql_coll_t *c, bool v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 1, v));
}
cql_err_t cql_coll_append_int8(cql_coll_t *c, int8_t v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 1, (uint8_t)v));
}
cql_err_t cql_coll_append_int16(cql_coll_t *c, int16_t v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 2, (uint16_t)v));
}
cql_err_t cql_coll_append_int32(cql_coll_t *c, int32_t v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 4, (uint32_t)v));
}
cql_err_t cql_coll_append_uint32(cql_coll_t *c, uint32_t v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 4, v));
}
cql_err_t cql_coll_append_int64(cql_coll_t *c, int64_t v) {
    COLL_APPEND(c, cql_val_be(&c->buf, 8, (uint64_t)v));
}
cql_err_t cql_coll_append_float(cql_coll_t *c, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    COLL_APPEND(c, cql_val_be(&c->buf, 4, u));
}
cql_err_t cql_coll_append_double(cql_coll_t *c, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    COLL_APPEND(c, cql_val_be(&c->buf, 8, u));
}
cql_err_t cql_coll_append_text(cql_coll_t *c, const char *s) {
    if (!s)
        return CQL_ERR_INVALID_ARG;
    COLL_APPEND(c, cql_val_fixed(&c->buf, s, strlen(s)));
}
cql_err_t cql_coll_append_bytes(cql_coll_t *c, const void *data, size_t size) {
    if (!data && size)
        return CQL_ERR_INVALID_ARG;
    COLL_APPEND(c, cql_val_fixed(&c->buf, data, size));
}
cql_err_t cql_coll_append_uuid(cql_coll_t *c, const uint8_t uuid[16]) {
    COLL_APPEND(c, cql_val_fixed(&c->buf, uuid, 16));
}
cql_err_t cql_coll_append_inet(cql_coll_t *c, const cql_inet_t *inet) {
    if (inet->len != 4 && inet->len != 16)
        return CQL_ERR_INVALID_ARG;
    COLL_APPEND(c, cql_val_inet(&c->buf, inet));
}
cql_err_t cql_coll_append_duration(cql_coll_t *c, const cql_duration_t *d) {
    COLL_APPEND(c, cql_val_duration(&c->buf, d));
}
cql_err_t cql_coll_append_varint64(cql_coll_t *c, int64_t v) {
    COLL_APPEND(c, cql_val_varint64(&c->buf, v));
}
cql_err_t cql_coll_append_decimal(cql_coll_t *c, int32_t scale, const uint8_t *unscaled,
                                  size_t unscaled_size) {
    if (!unscaled || unscaled_size == 0)
        return CQL_ERR_INVALID_ARG;
    COLL_APPEND(c, cql_val_decimal(&c->buf, scale, unscaled, unscaled_size));
}

/* Serialized size of a finished collection value (without its own [bytes] length). */
static size_t coll_value_size(const cql_coll_t *c) {
    bool counted = c->kind == CQL_TYPE_LIST || c->kind == CQL_TYPE_SET || c->kind == CQL_TYPE_MAP;
    return c->buf.len + (counted ? 4 : 0);
}

void cql_val_coll(cql_buf_t *b, const cql_coll_t *c) {
    size_t size = coll_value_size(c);
    if (size > INT32_MAX || (c->kind == CQL_TYPE_MAP && (c->count & 1))) {
        b->failed = true;
        return;
    }
    cql_buf_u32(b, (uint32_t)size);
    if (c->kind == CQL_TYPE_MAP)
        cql_buf_u32(b, c->count / 2);
    else if (c->kind == CQL_TYPE_LIST || c->kind == CQL_TYPE_SET)
        cql_buf_u32(b, c->count);
    cql_buf_put(b, c->buf.data, c->buf.len);
}

cql_err_t cql_coll_append_coll(cql_coll_t *c, const cql_coll_t *sub) {
    if (!sub || sub == c || (sub->kind == CQL_TYPE_MAP && (sub->count & 1)))
        return CQL_ERR_INVALID_ARG;
    COLL_APPEND(c, cql_val_coll(&c->buf, sub));
}

/* ---- uuid text ---------------------------------------------------------------------- */

static int hexval(int ch) {
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20; /* 'A'..'F' to 'a'..'f' (and no other byte into them), without the locale */
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

int cql_uuid_parse(const char *s, uint8_t out[16]) {
    /* where each byte's two digits start: 8-4-4-4-12, dashes at 8, 13, 18 and 23 */
    static const uint8_t at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    if (!s)
        return -1;
    /* left to right, so that nothing past a shorter string's NUL is read */
    for (int i = 0; i < 16; i++) {
        const unsigned char *p = (const unsigned char *)s + at[i];
        if ((i == 4 || i == 6 || i == 8 || i == 10) && p[-1] != '-')
            return -1;
        int hi = hexval(p[0]);
        if (hi < 0)
            return -1;
        int lo = hexval(p[1]);
        if (lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return s[36] == '\0' ? 0 : -1;
}

void cql_uuid_format(const uint8_t u[16], char out[37]) {
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}
