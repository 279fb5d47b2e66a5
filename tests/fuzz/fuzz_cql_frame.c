/*
 * Fuzz target for the CQL response decoders: the input is one response frame (9-byte
 * header + body). The header, the frame extras, and the body of every response opcode
 * are decoded; RESULT rows are walked down to every nested element and typed getter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cql_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_value(const cql_value_t *v, int depth) {
    union {
        bool b;
        int8_t i8;
        int16_t i16;
        int32_t i32;
        uint32_t u32;
        int64_t i64;
        float f;
        double d;
        uint8_t uuid[16];
        cql_inet_t inet;
        cql_duration_t dur;
    } out;
    const uint8_t *p;
    size_t n;
    int32_t scale;
    cql_value_get_bool(v, &out.b);
    cql_value_get_int8(v, &out.i8);
    cql_value_get_int16(v, &out.i16);
    cql_value_get_int32(v, &out.i32);
    cql_value_get_uint32(v, &out.u32);
    cql_value_get_int64(v, &out.i64);
    cql_value_get_float(v, &out.f);
    cql_value_get_double(v, &out.d);
    cql_value_get_uuid(v, out.uuid);
    cql_value_get_inet(v, &out.inet);
    cql_value_get_duration(v, &out.dur);
    cql_value_get_bytes(v, &p, &n);
    cql_value_get_varint64(v, &out.i64);
    cql_value_get_decimal(v, &scale, &p, &n);
    if (depth > 32)
        return;
    cql_value_iter_t it;
    if (cql_value_iter_init(&it, v) != CQL_OK)
        return;
    cql_value_t e;
    while (cql_value_iter_next(&it, &e, NULL))
        walk_value(&e, depth + 1);
}

static void on_kv(void *opaque, const char *k, size_t kl, const char *v, size_t vl) {
    (void)opaque;
    (void)k;
    (void)kl;
    (void)v;
    (void)vl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < CQL_FRAME_HEADER_SIZE)
        return 0;
    cql_frame_header_t h;
    if (cql_frame_header_decode(data, &h, 1u << 20) != CQL_OK)
        return 0;
    size_t body_n = size - CQL_FRAME_HEADER_SIZE;
    if (h.length < body_n)
        body_n = h.length;
    cql_rd_t rd;
    cql_rd_init(&rd, data + CQL_FRAME_HEADER_SIZE, body_n);
    if (cql_frame_skip_extras(h.flags & (uint8_t)~CQL_FLAG_COMPRESSION, &rd) != CQL_OK)
        return 0;
    const uint8_t *body = rd.p;
    size_t n = cql_rd_left(&rd);
    switch (h.opcode) {
    case CQL_OP_RESULT: {
        /* exact-size heap copy so ASan sees reads past the end */
        uint8_t *copy = malloc(n ? n : 1);
        if (!copy)
            return 0;
        memcpy(copy, body, n);
        cql_result_t *r;
        if (cql_result_decode(copy, n, &r) != CQL_OK)
            return 0;
        size_t ps;
        cql_result_paging_state(r, &ps);
        for (size_t i = 0; i < cql_result_column_count(r); i++)
            cql_result_column_name(r, i);
        while (cql_result_next_row(r, NULL)) {
            for (size_t i = 0; i < cql_result_column_count(r); i++) {
                cql_value_t v;
                if (cql_result_column(r, i, &v) == CQL_OK)
                    walk_value(&v, 0);
            }
        }
        if (cql_result_kind(r) == CQL_RESULT_PREPARED) {
            cql_prepared_t *p = cql_prepared_from_result(r, "q", 1);
            if (p) {
                cql_stmt_t *s = cql_stmt_new_prepared(p);
                cql_buf_t b;
                cql_buf_init(&b, 0);
                if (s)
                    cql_stmt_routing_key(s, &b);
                cql_buf_free(&b);
                cql_stmt_free(s);
                cql_prepared_free(p);
            }
        }
        cql_result_free(r);
        break;
    }
    case CQL_OP_ERROR: {
        uint8_t *copy = malloc(n ? n : 1);
        if (!copy)
            return 0;
        memcpy(copy, body, n);
        cql_server_error_owned_t e;
        cql_error_decode(copy, n, &e);
        cql_server_error_clear(&e);
        free(copy);
        break;
    }
    case CQL_OP_EVENT: {
        cql_event_owned_t ev;
        cql_event_decode(body, n, &ev);
        break;
    }
    case CQL_OP_SUPPORTED: cql_supported_decode(body, n, on_kv, NULL); break;
    case CQL_OP_AUTHENTICATE: {
        const char *cls;
        size_t len;
        cql_authenticate_decode(body, n, &cls, &len);
        break;
    }
    default: break;
    }
    return 0;
}
