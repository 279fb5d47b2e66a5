/*
 * cql_frame — the native protocol v4 frame codec. Encoders write whole request frames
 * straight into a connection's output buffer (header, then body, then the length
 * patched in); decoders read response bodies: RESULT of every kind with its metadata,
 * ERROR with the server's code and per-code fields, EVENT, SUPPORTED, AUTHENTICATE.
 * Every length read from the wire is checked against the bytes that are really there.
 */
#include <stdlib.h>
#include <string.h>

#include "cql_int.h"

/* ---- header ------------------------------------------------------------------------- */

cql_err_t cql_frame_header_decode(const uint8_t *p, cql_frame_header_t *h, size_t max_body) {
    h->version = p[0];
    h->flags = p[1];
    h->stream = (int16_t)cql_rd_u16p(p + 2);
    h->opcode = p[4];
    h->length = cql_rd_u32p(p + 5);
    if (h->version != (0x80 | CQL_PROTO_VERSION))
        return CQL_ERR_PROTOCOL;
    switch (h->opcode) {
    case CQL_OP_ERROR:
    case CQL_OP_READY:
    case CQL_OP_AUTHENTICATE:
    case CQL_OP_SUPPORTED:
    case CQL_OP_RESULT:
    case CQL_OP_EVENT:
    case CQL_OP_AUTH_CHALLENGE:
    case CQL_OP_AUTH_SUCCESS: break;
    default: return CQL_ERR_PROTOCOL;
    }
    if (h->length > max_body || h->length > INT32_MAX)
        return CQL_ERR_FRAME_TOO_BIG;
    return CQL_OK;
}

cql_err_t cql_frame_skip_extras(uint8_t flags, cql_rd_t *r) {
    if (flags & CQL_FLAG_COMPRESSION)
        return CQL_ERR_PROTOCOL; /* never negotiated */
    if (flags & CQL_FLAG_TRACING)
        cql_rd_raw(r, 16);
    if (flags & CQL_FLAG_WARNING) {
        uint16_t n = cql_rd_u16(r);
        for (uint16_t i = 0; i < n && !r->failed; i++) {
            size_t len;
            cql_rd_string(r, &len);
        }
    }
    if (flags & CQL_FLAG_CUSTOM_PAYLOAD) {
        uint16_t n = cql_rd_u16(r);
        for (uint16_t i = 0; i < n && !r->failed; i++) {
            size_t len;
            int32_t blen;
            cql_rd_string(r, &len);
            cql_rd_bytes(r, &blen);
        }
    }
    return r->failed ? CQL_ERR_PROTOCOL : CQL_OK;
}

/* ---- encoders ----------------------------------------------------------------------- */

size_t cql_frame_begin(cql_buf_t *b, uint8_t opcode, int16_t stream) {
    size_t off = b->len;
    if (!cql_buf_reserve(b, CQL_FRAME_HEADER_SIZE))
        return (size_t)-1;
    uint8_t *p = b->data + off;
    p[0] = CQL_PROTO_VERSION;
    p[1] = 0;
    cql_wr_u16(p + 2, (uint16_t)stream);
    p[4] = opcode;
    cql_wr_u32(p + 5, 0);
    b->len += CQL_FRAME_HEADER_SIZE;
    return off;
}

size_t cql_frame_end(cql_buf_t *b, size_t off) {
    if (b->failed || off == (size_t)-1) {
        if (off != (size_t)-1 && off <= b->len)
            b->len = off; /* drop the partial frame */
        b->failed = false;
        return (size_t)-1;
    }
    size_t body = b->len - off - CQL_FRAME_HEADER_SIZE;
    if (body > INT32_MAX) {
        b->len = off;
        return (size_t)-1;
    }
    cql_wr_u32(b->data + off + 5, (uint32_t)body);
    return off;
}

size_t cql_enc_startup(cql_buf_t *b, int16_t stream, const char *const *kv, size_t n_pairs) {
    size_t off = cql_frame_begin(b, CQL_OP_STARTUP, stream);
    cql_buf_u16(b, (uint16_t)n_pairs);
    for (size_t i = 0; i < 2 * n_pairs; i++)
        cql_buf_string(b, kv[i], strlen(kv[i]));
    return cql_frame_end(b, off);
}

size_t cql_enc_options(cql_buf_t *b, int16_t stream) {
    return cql_frame_end(b, cql_frame_begin(b, CQL_OP_OPTIONS, stream));
}

size_t cql_enc_auth_response(cql_buf_t *b, int16_t stream, const void *token, size_t n) {
    size_t off = cql_frame_begin(b, CQL_OP_AUTH_RESPONSE, stream);
    if (token)
        cql_buf_bytes(b, token, n);
    else
        cql_val_null(b);
    return cql_frame_end(b, off);
}

size_t cql_enc_auth_plain(cql_buf_t *b, int16_t stream, const char *user, const char *pass) {
    size_t ul = strlen(user), pl = strlen(pass);
    size_t off = cql_frame_begin(b, CQL_OP_AUTH_RESPONSE, stream);
    if (ul + pl + 2 > INT32_MAX)
        b->failed = true;
    cql_buf_u32(b, (uint32_t)(ul + pl + 2));
    cql_buf_u8(b, 0);
    cql_buf_put(b, user, ul);
    cql_buf_u8(b, 0);
    cql_buf_put(b, pass, pl);
    return cql_frame_end(b, off);
}

size_t cql_enc_register(cql_buf_t *b, int16_t stream, const char *const *events, size_t n) {
    size_t off = cql_frame_begin(b, CQL_OP_REGISTER, stream);
    cql_buf_u16(b, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        cql_buf_string(b, events[i], strlen(events[i]));
    return cql_frame_end(b, off);
}

size_t cql_enc_prepare(cql_buf_t *b, int16_t stream, const char *query, size_t n) {
    size_t off = cql_frame_begin(b, CQL_OP_PREPARE, stream);
    cql_buf_long_string(b, query, n);
    return cql_frame_end(b, off);
}

/* Writes the values of s in order; a never-bound slot goes as "unset". */
static void enc_values(cql_buf_t *b, const cql_stmt_t *s) {
    cql_buf_u16(b, (uint16_t)s->n_params);
    if (!s->unordered && s->n_seq == s->n_params) { /* all bound in order: one copy */
        cql_buf_put(b, s->vals.data, s->vals.len);
        return;
    }
    for (size_t i = 0; i < s->n_params; i++) {
        int32_t off = s->slots[i].off;
        if (off < 0) {
            cql_val_unset(b);
            continue;
        }
        const uint8_t *p = s->vals.data + off;
        int32_t n = (int32_t)cql_rd_u32p(p);
        cql_buf_put(b, p, 4 + (n > 0 ? (size_t)n : 0));
    }
}

/* A statement's [values][page_size][paging_state], as its flags announce them. */
static void enc_stmt_parts(cql_buf_t *b, const cql_stmt_t *s) {
    if (s->n_params)
        enc_values(b, s);
    if (s->page_size > 0)
        cql_buf_u32(b, (uint32_t)s->page_size);
    if (s->paging_state)
        cql_buf_bytes(b, s->paging_state, s->paging_state_size);
}

/* The options statements and batches share (the members of CQL_FLAGGED_OPTIONS). */
typedef struct {
    bool consistency_set, serial_set, timestamp_set;
    cql_consistency_t consistency, serial;
    int64_t timestamp;
} options_t;
#define OPTIONS_OF(x)                                                                              \
    ((options_t){(x)->consistency_set, (x)->serial_set, (x)->timestamp_set, (x)->consistency,      \
                 (x)->serial, (x)->timestamp})

/* <consistency><flags>, a statement's own parts (when s is given), then
 * [<serial_consistency>][<timestamp>]. */
static void enc_options(cql_buf_t *b, uint8_t flags, options_t o, const cql_stmt_t *s) {
    flags |= (o.serial_set ? CQL_QF_SERIAL : 0) | (o.timestamp_set ? CQL_QF_TIMESTAMP : 0);
    cql_buf_u16(b, (uint16_t)(o.consistency_set ? o.consistency : CQL_CONSISTENCY_ONE));
    cql_buf_u8(b, flags);
    if (s)
        enc_stmt_parts(b, s);
    if (o.serial_set)
        cql_buf_u16(b, (uint16_t)o.serial);
    if (o.timestamp_set)
        cql_buf_u64(b, (uint64_t)o.timestamp);
}

static void enc_query_params(cql_buf_t *b, const cql_stmt_t *s) {
    uint8_t flags = (s->n_params ? CQL_QF_VALUES : 0) | (s->page_size > 0 ? CQL_QF_PAGE_SIZE : 0) |
                    (s->paging_state ? CQL_QF_PAGING_STATE : 0);
    enc_options(b, flags, OPTIONS_OF(s), s);
}

size_t cql_enc_query(cql_buf_t *b, int16_t stream, const cql_stmt_t *s) {
    size_t off = cql_frame_begin(b, CQL_OP_QUERY, stream);
    cql_buf_long_string(b, s->query, s->query_len);
    enc_query_params(b, s);
    return cql_frame_end(b, off);
}

size_t cql_enc_execute(cql_buf_t *b, int16_t stream, const cql_stmt_t *s) {
    if (!s->prepared) {
        return (size_t)-1;
    }
    size_t off = cql_frame_begin(b, CQL_OP_EXECUTE, stream);
    cql_buf_short_bytes(b, s->prepared->id, s->prepared->id_size);
    enc_query_params(b, s);
    return cql_frame_end(b, off);
}

size_t cql_enc_batch(cql_buf_t *b, int16_t stream, const cql_batch_t *bt) {
    size_t off = cql_frame_begin(b, CQL_OP_BATCH, stream);
    cql_buf_u8(b, (uint8_t)bt->type);
    cql_buf_u16(b, bt->count);
    cql_buf_put(b, bt->body.data, bt->body.len);
    enc_options(b, 0, OPTIONS_OF(bt), NULL);
    return cql_frame_end(b, off);
}

/* ---- metadata ----------------------------------------------------------------------- */

const cql_column_t *cql_metadata_column(const cql_metadata_t *m, size_t i) {
    return i < m->n_cols && m->cols ? &m->cols[i] : NULL;
}

void cql_metadata_free(cql_metadata_t *m) {
    if (m->cols) {
        for (uint32_t i = 0; i < m->n_cols; i++) {
            free(m->cols[i].keyspace);
            free(m->cols[i].table);
            free(m->cols[i].name);
            cql_type_free(m->cols[i].type);
        }
    }
    free(m->cols);
    free(m->pk);
    memset(m, 0, sizeof *m);
}

static char *rd_strdup(cql_rd_t *r) {
    size_t n;
    const char *s = cql_rd_string(r, &n);
    if (r->failed)
        return NULL;
    char *d = cql_strndup(s, n);
    if (!d)
        r->failed = true;
    return d;
}

cql_err_t cql_metadata_decode(cql_rd_t *r, cql_metadata_t *m, bool with_pk) {
    memset(m, 0, sizeof *m);
    m->flags = cql_rd_u32(r);
    uint32_t n = cql_rd_u32(r);
    if (r->failed)
        return CQL_ERR_PROTOCOL;
    if (with_pk) {
        uint32_t npk = cql_rd_u32(r);
        if (r->failed || npk > cql_rd_left(r) / 2 || npk > n)
            return CQL_ERR_PROTOCOL;
        m->n_pk = npk;
        if (npk) {
            m->pk = malloc(npk * sizeof *m->pk);
            if (!m->pk)
                return CQL_ERR_NOMEM;
            for (uint32_t i = 0; i < npk; i++) {
                m->pk[i] = cql_rd_u16(r);
                if (m->pk[i] >= n) {
                    cql_metadata_free(m);
                    return CQL_ERR_PROTOCOL;
                }
            }
        }
    } else if (m->flags & CQL_META_HAS_MORE_PAGES) {
        int32_t len;
        const uint8_t *ps = cql_rd_bytes(r, &len);
        if (ps && len > 0) {
            m->paging_state = ps;
            m->paging_state_size = (size_t)len;
        }
    }
    if (r->failed)
        goto bad;
    if (m->flags & CQL_META_NO_METADATA) {
        /* columns without specs: a row needs at least 4 bytes per column */
        if (n > cql_rd_left(r) / 4 + 65536)
            goto bad;
        m->n_cols = n;
        return CQL_OK;
    }
    /* a column spec takes at least a 2-byte name and a 2-byte type */
    if (n > cql_rd_left(r) / 4)
        goto bad;
    char *gks = NULL, *gtable = NULL;
    if (m->flags & CQL_META_GLOBAL_TABLES) {
        gks = rd_strdup(r);
        gtable = rd_strdup(r);
        if (r->failed) {
            free(gks);
            free(gtable);
            goto bad;
        }
    }
    m->cols = calloc(n ? n : 1, sizeof *m->cols);
    if (!m->cols) {
        free(gks);
        free(gtable);
        cql_metadata_free(m);
        return CQL_ERR_NOMEM;
    }
    m->n_cols = n;
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        cql_column_t *c = &m->cols[i];
        if (m->flags & CQL_META_GLOBAL_TABLES) {
            c->keyspace = cql_strndup(gks, strlen(gks));
            c->table = cql_strndup(gtable, strlen(gtable));
            if (!c->keyspace || !c->table)
                r->failed = true;
        } else {
            c->keyspace = rd_strdup(r);
            c->table = rd_strdup(r);
        }
        c->name = rd_strdup(r);
        if (!r->failed)
            c->type = cql_type_decode(r, 0);
    }
    free(gks);
    free(gtable);
    if (r->failed)
        goto bad;
    return CQL_OK;
bad:
    cql_metadata_free(m);
    return CQL_ERR_PROTOCOL;
}

/* ---- results ------------------------------------------------------------------------ */

void cql_result_free(cql_result_t *r) {
    if (!r)
        return;
    cql_metadata_free(&r->meta);
    cql_metadata_free(&r->result_meta);
    free(r->row);
    free(r->keyspace);
    free(r->change);
    free(r->target);
    free(r->name);
    free(r->body);
    free(r);
}

static cql_err_t decode_schema_change(cql_rd_t *rd, char **change, char **target, char **ks,
                                      char **name) {
    *change = rd_strdup(rd);
    *target = rd_strdup(rd);
    *ks = rd_strdup(rd);
    if (rd->failed)
        return CQL_ERR_PROTOCOL;
    if (strcmp(*target, "KEYSPACE") == 0)
        return CQL_OK;
    *name = rd_strdup(rd);
    if (!rd->failed && (strcmp(*target, "FUNCTION") == 0 || strcmp(*target, "AGGREGATE") == 0)) {
        uint16_t n = cql_rd_u16(rd);
        for (uint16_t i = 0; i < n && !rd->failed; i++) {
            size_t len;
            cql_rd_string(rd, &len);
        }
    }
    return rd->failed ? CQL_ERR_PROTOCOL : CQL_OK;
}

cql_err_t cql_result_decode(uint8_t *body, size_t size, cql_result_t **out) {
    *out = NULL;
    cql_result_t *r = calloc(1, sizeof *r);
    if (!r) {
        free(body);
        return CQL_ERR_NOMEM;
    }
    r->body = body;
    r->body_size = size;
    cql_rd_t rd;
    cql_rd_init(&rd, body, size);
    uint32_t kind = cql_rd_u32(&rd);
    cql_err_t err = CQL_OK;
    r->kind = (cql_result_kind_t)kind;
    switch (kind) {
    case CQL_RESULT_VOID: break;
    case CQL_RESULT_ROWS:
        err = cql_metadata_decode(&rd, &r->meta, false);
        if (err)
            break;
        r->row_count = cql_rd_u32(&rd);
        if (rd.failed || r->row_count > INT32_MAX || (r->meta.n_cols == 0 && r->row_count > 0) ||
            (r->meta.n_cols && r->row_count > cql_rd_left(&rd) / 4 / r->meta.n_cols)) {
            err = CQL_ERR_PROTOCOL;
            break;
        }
        r->rows = rd;
        r->row = calloc(r->meta.n_cols ? r->meta.n_cols : 1, sizeof *r->row);
        if (!r->row)
            err = CQL_ERR_NOMEM;
        break;
    case CQL_RESULT_SET_KEYSPACE:
        r->keyspace = rd_strdup(&rd);
        if (rd.failed)
            err = CQL_ERR_PROTOCOL;
        break;
    case CQL_RESULT_PREPARED: {
        size_t n;
        r->prepared_id = cql_rd_short_bytes(&rd, &n);
        r->prepared_id_size = n;
        if (rd.failed || n == 0) {
            err = CQL_ERR_PROTOCOL;
            break;
        }
        err = cql_metadata_decode(&rd, &r->meta, true);
        if (!err)
            err = cql_metadata_decode(&rd, &r->result_meta, false);
        break;
    }
    case CQL_RESULT_SCHEMA_CHANGE:
        err = decode_schema_change(&rd, &r->change, &r->target, &r->keyspace, &r->name);
        break;
    default: err = CQL_ERR_PROTOCOL;
    }
    if (err) {
        cql_result_free(r);
        return err;
    }
    *out = r;
    return CQL_OK;
}

cql_result_kind_t cql_result_kind(const cql_result_t *r) {
    return r->kind;
}
size_t cql_result_column_count(const cql_result_t *r) {
    return r->meta.n_cols;
}

const char *cql_result_column_name(const cql_result_t *r, size_t i) {
    const cql_column_t *c = cql_metadata_column(&r->meta, i);
    return c ? c->name : NULL;
}

const cql_type_t *cql_result_column_type(const cql_result_t *r, size_t i) {
    const cql_column_t *c = cql_metadata_column(&r->meta, i);
    return c ? c->type : NULL;
}

int cql_result_column_index(const cql_result_t *r, const char *name) {
    if (!r->meta.cols)
        return -1;
    for (uint32_t i = 0; i < r->meta.n_cols; i++)
        if (strcmp(r->meta.cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

size_t cql_result_row_count(const cql_result_t *r) {
    return r->row_count;
}

const uint8_t *cql_result_paging_state(const cql_result_t *r, size_t *size) {
    *size = r->meta.paging_state_size;
    return r->meta.paging_state;
}

bool cql_result_has_more_pages(const cql_result_t *r) {
    return r->meta.paging_state != NULL;
}

bool cql_result_next_row(cql_result_t *r, cql_err_t *err) {
    if (err)
        *err = CQL_OK;
    r->have_row = false;
    if (r->kind != CQL_RESULT_ROWS || r->rows_read >= r->row_count)
        return false;
    for (uint32_t i = 0; i < r->meta.n_cols; i++) {
        int32_t n;
        const uint8_t *p = cql_rd_bytes(&r->rows, &n);
        if (r->rows.failed || n < -1) {
            r->rows.failed = true;
            r->rows_read = r->row_count;
            if (err)
                *err = CQL_ERR_PROTOCOL;
            return false;
        }
        r->row[i].type = r->meta.cols ? r->meta.cols[i].type : NULL;
        r->row[i].data = p;
        r->row[i].size = n;
    }
    r->rows_read++;
    r->have_row = true;
    return true;
}

cql_err_t cql_result_column(const cql_result_t *r, size_t i, cql_value_t *out) {
    if (!r->have_row)
        return CQL_ERR_INVALID_ARG;
    if (i >= r->meta.n_cols)
        return CQL_ERR_RANGE;
    *out = r->row[i];
    return CQL_OK;
}

const char *cql_result_keyspace(const cql_result_t *r) {
    return r->keyspace;
}

const char *cql_result_schema_change(const cql_result_t *r, const char **target,
                                     const char **name) {
    if (target)
        *target = r->target;
    if (name)
        *name = r->name;
    return r->change;
}

/* ---- errors ------------------------------------------------------------------------- */

void cql_server_error_clear(cql_server_error_owned_t *e) {
    free(e->message);
    free(e->write_type);
    free(e->keyspace);
    free(e->table);
    free(e->unprepared_id);
    memset(e, 0, sizeof *e);
}

/* The counts that lead the bodies of the timeout and failure errors:
 * <consistency><received><blockfor>. */
static void rd_replica_counts(cql_rd_t *rd, cql_server_error_t *e) {
    e->consistency = cql_rd_u16(rd);
    e->received = (int32_t)cql_rd_u32(rd);
    e->block_for = (int32_t)cql_rd_u32(rd);
}

cql_err_t cql_error_decode(const uint8_t *body, size_t size, cql_server_error_owned_t *e) {
    memset(e, 0, sizeof *e);
    cql_rd_t rd;
    cql_rd_init(&rd, body, size);
    uint32_t code = cql_rd_u32(&rd);
    e->message = rd_strdup(&rd);
    if (rd.failed || code > 0xFFFF)
        goto bad;
    e->e.code = (uint16_t)code;
    switch (code) {
    case 0x1000: /* unavailable */
        e->e.consistency = cql_rd_u16(&rd);
        e->e.required = (int32_t)cql_rd_u32(&rd);
        e->e.alive = (int32_t)cql_rd_u32(&rd);
        break;
    case 0x1100: /* write timeout */
        rd_replica_counts(&rd, &e->e);
        e->write_type = rd_strdup(&rd);
        break;
    case 0x1200: /* read timeout */
        rd_replica_counts(&rd, &e->e);
        e->e.data_present = cql_rd_u8(&rd) != 0;
        break;
    case 0x1300: /* read failure */
        rd_replica_counts(&rd, &e->e);
        e->e.failures = (int32_t)cql_rd_u32(&rd);
        e->e.data_present = cql_rd_u8(&rd) != 0;
        break;
    case 0x1500: /* write failure */
        rd_replica_counts(&rd, &e->e);
        e->e.failures = (int32_t)cql_rd_u32(&rd);
        e->write_type = rd_strdup(&rd);
        break;
    case 0x1400: /* function failure: the keyspace and the function */
    case 0x2400: /* already exists: the keyspace and the table */
        e->keyspace = rd_strdup(&rd);
        e->table = rd_strdup(&rd);
        break;
    case 0x2500: { /* unprepared */
        size_t n;
        const uint8_t *id = cql_rd_short_bytes(&rd, &n);
        if (rd.failed)
            break;
        e->unprepared_id = malloc(n ? n : 1);
        if (!e->unprepared_id) {
            rd.failed = true;
            break;
        }
        memcpy(e->unprepared_id, id, n);
        e->e.unprepared_id_size = n;
        break;
    }
    default: break;
    }
    if (rd.failed)
        goto bad;
    e->e.message = e->message;
    e->e.write_type = e->write_type;
    e->e.keyspace = e->keyspace;
    e->e.table = e->table;
    e->e.unprepared_id = e->unprepared_id;
    return cql_err_from_server(e->e.code);
bad:
    cql_server_error_clear(e);
    return CQL_ERR_PROTOCOL;
}

/* ---- events, supported, authenticate ------------------------------------------------ */

static bool copy_bounded(char *dst, size_t cap, const char *s, size_t n) {
    if (n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

static bool rd_inet(cql_rd_t *rd, cql_inet_t *addr, int32_t *port) {
    uint8_t n = cql_rd_u8(rd);
    if (rd->failed || (n != 4 && n != 16))
        return false;
    const uint8_t *p = cql_rd_raw(rd, n);
    if (!p)
        return false;
    memset(addr, 0, sizeof *addr);
    memcpy(addr->addr, p, n);
    addr->len = n;
    *port = (int32_t)cql_rd_u32(rd);
    return !rd->failed;
}

cql_err_t cql_event_decode(const uint8_t *body, size_t size, cql_event_owned_t *ev) {
    memset(ev, 0, sizeof *ev);
    cql_rd_t rd;
    cql_rd_init(&rd, body, size);
    size_t n;
    const char *type = cql_rd_string(&rd, &n);
    if (rd.failed || !copy_bounded(ev->buf[0], sizeof ev->buf[0], type, n))
        return CQL_ERR_PROTOCOL;
    ev->ev.type = ev->buf[0];
    const char *change = cql_rd_string(&rd, &n);
    if (rd.failed || !copy_bounded(ev->buf[1], sizeof ev->buf[1], change, n))
        return CQL_ERR_PROTOCOL;
    ev->ev.change = ev->buf[1];
    if (strcmp(ev->ev.type, "TOPOLOGY_CHANGE") == 0 || strcmp(ev->ev.type, "STATUS_CHANGE") == 0) {
        if (!rd_inet(&rd, &ev->ev.addr, &ev->ev.port))
            return CQL_ERR_PROTOCOL;
        return CQL_OK;
    }
    if (strcmp(ev->ev.type, "SCHEMA_CHANGE") != 0)
        return CQL_ERR_PROTOCOL;
    const char *s = cql_rd_string(&rd, &n);
    if (rd.failed || !copy_bounded(ev->target, sizeof ev->target, s, n))
        return CQL_ERR_PROTOCOL;
    ev->ev.target = ev->target;
    s = cql_rd_string(&rd, &n);
    if (rd.failed || !copy_bounded(ev->keyspace, sizeof ev->keyspace, s, n))
        return CQL_ERR_PROTOCOL;
    ev->ev.keyspace = ev->keyspace;
    if (strcmp(ev->target, "KEYSPACE") != 0) {
        s = cql_rd_string(&rd, &n);
        if (rd.failed || !copy_bounded(ev->name, sizeof ev->name, s, n))
            return CQL_ERR_PROTOCOL;
        ev->ev.name = ev->name;
    }
    return CQL_OK;
}

cql_err_t cql_supported_decode(const uint8_t *body, size_t size,
                               void (*cb)(void *opaque, const char *key, size_t klen,
                                          const char *val, size_t vlen),
                               void *opaque) {
    cql_rd_t rd;
    cql_rd_init(&rd, body, size);
    uint16_t n = cql_rd_u16(&rd);
    for (uint16_t i = 0; i < n && !rd.failed; i++) {
        size_t klen;
        const char *k = cql_rd_string(&rd, &klen);
        uint16_t m = cql_rd_u16(&rd);
        for (uint16_t j = 0; j < m && !rd.failed; j++) {
            size_t vlen;
            const char *v = cql_rd_string(&rd, &vlen);
            if (!rd.failed && cb)
                cb(opaque, k, klen, v, vlen);
        }
    }
    return rd.failed ? CQL_ERR_PROTOCOL : CQL_OK;
}

cql_err_t cql_authenticate_decode(const uint8_t *body, size_t size, const char **cls, size_t *n) {
    cql_rd_t rd;
    cql_rd_init(&rd, body, size);
    *cls = cql_rd_string(&rd, n);
    return rd.failed ? CQL_ERR_PROTOCOL : CQL_OK;
}
