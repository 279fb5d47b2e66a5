/* Unit tests for the CQL frame codec: byte-exact request frames built from the v4 spec,
 * and response decoders (ERROR, RESULT of every kind, EVENT, SUPPORTED, AUTHENTICATE)
 * including truncated and lying inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "test_cql_util.h"

static void assert_frame(const cql_buf_t *b, size_t off, const uint8_t *want, size_t n) {
    assert_int_equal(b->len - off, n);
    assert_memory_equal(b->data + off, want, n);
}

static void test_startup(void **state) {
    (void)state;
    cql_buf_t b;
    cql_buf_init(&b, 0);
    const char *kv[] = {"CQL_VERSION", "3.0.0"};
    assert_int_equal(cql_enc_startup(&b, 0, kv, 1), 0);
    static const uint8_t want[] = {0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x01,
                                   0x00, 0x0b, 'C',  'Q',  'L',  '_',  'V',  'E',  'R',  'S',  'I',
                                   'O',  'N',  0x00, 0x05, '3',  '.',  '0',  '.',  '0'};
    assert_frame(&b, 0, want, sizeof want);
    cql_buf_free(&b);
}

static void test_options_register_prepare(void **state) {
    (void)state;
    cql_buf_t b;
    cql_buf_init(&b, 0);
    size_t off = cql_enc_options(&b, 5);
    static const uint8_t opt[] = {0x04, 0, 0x00, 0x05, 0x05, 0, 0, 0, 0};
    assert_frame(&b, off, opt, sizeof opt);

    off = cql_enc_register(&b, -1, (const char *const[]){"STATUS_CHANGE"}, 1);
    assert_int_equal(off, 9);
    static const uint8_t reg[] = {0x04, 0,   0xff, 0xff, 0x0b, 0,   0,   0,   17,
                                  0,    1,   0,    13,   'S',  'T', 'A', 'T', 'U',
                                  'S',  '_', 'C',  'H',  'A',  'N', 'G', 'E'};
    assert_frame(&b, off, reg, sizeof reg);

    size_t off2 = cql_enc_prepare(&b, 300, "SELECT 1", 8);
    static const uint8_t prep[] = {0x04, 0, 0x01, 0x2c, 0x09, 0,   0,   0,   12,  0,  0,
                                   0,    8, 'S',  'E',  'L',  'E', 'C', 'T', ' ', '1'};
    assert_frame(&b, off2, prep, sizeof prep);
    cql_buf_free(&b);
}

static void test_auth_response_plain(void **state) {
    (void)state;
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_enc_auth_plain(&b, 1, "ab", "xyz");
    static const uint8_t want[] = {0x04, 0, 0, 1, 0x0f, 0,   0, 0,   11,  0,
                                   0,    0, 7, 0, 'a',  'b', 0, 'x', 'y', 'z'};
    assert_frame(&b, 0, want, sizeof want);
    b.len = 0;
    cql_enc_auth_response(&b, 2, NULL, 0);
    static const uint8_t nul[] = {0x04, 0, 0, 2, 0x0f, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff};
    assert_frame(&b, 0, nul, sizeof nul);
    cql_buf_free(&b);
}

static void test_query_all_params(void **state) {
    (void)state;
    cql_stmt_t *s = cql_stmt_new("SELECT 1", 0);
    cql_stmt_set_consistency(s, CQL_CONSISTENCY_QUORUM);
    cql_stmt_set_page_size(s, 100);
    assert_int_equal(cql_stmt_set_paging_state(s, (const uint8_t[]){0xab, 0xcd}, 2), CQL_OK);
    cql_stmt_set_serial_consistency(s, CQL_CONSISTENCY_LOCAL_SERIAL);
    cql_stmt_set_timestamp(s, 0x0102030405060708LL);
    cql_buf_t b;
    cql_buf_init(&b, 0);
    assert_int_equal(cql_enc_query(&b, 7, s), 0);
    static const uint8_t want[] = {0x04, 0,    0,   7,   0x07, 0,    0,   0,   35, /* header */
                                   0,    0,    0,   8,   'S',  'E',  'L', 'E', 'C',
                                   'T',  ' ',  '1',                  /* query */
                                   0x00, 0x04,                       /* QUORUM */
                                   0x3c,                             /* page|state|serial|ts */
                                   0,    0,    0,   100,             /* page size */
                                   0,    0,    0,   2,   0xab, 0xcd, /* paging state */
                                   0x00, 0x09,                       /* LOCAL_SERIAL */
                                   1,    2,    3,   4,   5,    6,    7,   8};
    assert_frame(&b, 0, want, sizeof want);
    cql_buf_free(&b);
    cql_stmt_free(s);
}

static void test_query_values_null_unset(void **state) {
    (void)state;
    cql_stmt_t *s = cql_stmt_new("I", 5);
    assert_int_equal(cql_stmt_bind_null(s, 0), CQL_OK);
    assert_int_equal(cql_stmt_bind_unset(s, 1), CQL_OK);
    assert_int_equal(cql_stmt_bind_int32(s, 2, 7), CQL_OK);
    assert_int_equal(cql_stmt_bind_int32(s, 2, 42), CQL_OK); /* rebinding replaces */
    assert_int_equal(cql_stmt_bind_text(s, 3, "hi"), CQL_OK);
    /* slot 4 never bound: sent as unset */
    assert_int_equal(cql_stmt_bind_int32(s, 5, 1), CQL_ERR_RANGE);
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_enc_query(&b, 1, s);
    static const uint8_t want[] = {0x04, 0,    0,    1,    0x07, 0,    0,    0,    36,
                                   0,    0,    0,    1,    'I',  0x00, 0x01, /* ONE (default) */
                                   0x01,                                     /* values */
                                   0x00, 0x05,                               /* five values */
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0,
                                   0,    0,    4,    0,    0,    0,    42,   0,    0,
                                   0,    2,    'h',  'i',  0xff, 0xff, 0xff, 0xfe};
    assert_frame(&b, 0, want, sizeof want);
    cql_buf_free(&b);
    cql_stmt_free(s);
}

/* The same values give the same frame whether they were bound in order (the encoder then
 * copies them in one piece), backwards, or in order again after a reset. */
static void test_query_values_any_order(void **state) {
    (void)state;
    static const uint8_t want[] = {0x04, 0, 0, 1,   0x07, 0,    0,    0,    31,   0,
                                   0,    0, 1, 'I', 0x00, 0x01, 0x01, 0x00, 0x03, /* three values */
                                   0,    0, 0, 4,   0,    0,    0,    7,          /* int 7 */
                                   0,    0, 0, 2,   'h',  'i',                    /* text hi */
                                   0,    0, 0, 3,   'a',  'b',  'c'};             /* blob abc */
    cql_stmt_t *s = cql_stmt_new("I", 3);
    for (int round = 0; round < 3; round++) {
        cql_stmt_reset(s);
        for (int k = 0; k < 3; k++) {
            int i = round == 1 ? 2 - k : k;
            cql_err_t err = i == 0   ? cql_stmt_bind_int32(s, 0, 7)
                            : i == 1 ? cql_stmt_bind_text(s, 1, "hi")
                                     : cql_stmt_bind_bytes(s, 2, "abc", 3);
            assert_int_equal(err, CQL_OK);
        }
        cql_buf_t b;
        cql_buf_init(&b, 0);
        cql_enc_query(&b, 1, s);
        assert_frame(&b, 0, want, sizeof want);
        cql_buf_free(&b);
    }
    cql_stmt_free(s);
}

/* RESULT Prepared body: id 0xAA 0xBB, 2 bind markers (pk index 0) of table ks.t,
 * result metadata with no columns. */
static tb_t prepared_body(void) {
    tb_t t = {.n = 0};
    tb_pack(&t, "ihcciiihssshshii", CQL_RESULT_PREPARED, 2, 0xaa, 0xbb, CQL_META_GLOBAL_TABLES, 2,
            1, 0, "ks", "t", "id", CQL_TYPE_INT, "name", CQL_TYPE_VARCHAR, CQL_META_NO_METADATA, 0);
    return t;
}

static cql_prepared_t *make_prepared(void) {
    tb_t t = prepared_body();
    cql_result_t *r;
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    assert_int_equal(cql_result_kind(r), CQL_RESULT_PREPARED);
    cql_prepared_t *p = cql_prepared_from_result(r, "INSERT", 6);
    cql_result_free(r);
    assert_non_null(p);
    return p;
}

static void test_prepared_and_execute(void **state) {
    (void)state;
    cql_prepared_t *p = make_prepared();
    assert_int_equal(cql_prepared_param_count(p), 2);
    assert_string_equal(cql_prepared_param_name(p, 1), "name");
    assert_int_equal(cql_type_kind(cql_prepared_param_type(p, 0)), CQL_TYPE_INT);
    assert_null(cql_prepared_param_name(p, 2));
    assert_null(cql_prepared_param_type(p, 2));
    cql_stmt_t *s = cql_stmt_new_prepared(p);
    cql_prepared_free(p); /* the statement keeps its reference */
    cql_stmt_bind_int32(s, 0, 0x01020304);
    cql_stmt_bind_text(s, 1, "x");
    cql_stmt_set_consistency(s, CQL_CONSISTENCY_LOCAL_QUORUM);
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_enc_execute(&b, 2, s);
    static const uint8_t want[] = {0x04, 0,    0,    2,    0x0a, 0,    0,    0, 22, 0, 2,
                                   0xaa, 0xbb, 0x00, 0x06, 0x01, 0x00, 0x02, 0, 0,  0, 4,
                                   1,    2,    3,    4,    0,    0,    0,    1, 'x'};
    assert_frame(&b, 0, want, sizeof want);

    /* routing key: the single pk column's bytes */
    cql_buf_t rk;
    cql_buf_init(&rk, 0);
    assert_true(cql_stmt_routing_key(s, &rk));
    assert_int_equal(rk.len, 4);
    assert_memory_equal(rk.data, ((uint8_t[]){1, 2, 3, 4}), 4);
    cql_buf_free(&rk);
    cql_buf_free(&b);
    cql_stmt_free(s);
}

static void test_batch(void **state) {
    (void)state;
    cql_prepared_t *p = make_prepared();
    cql_stmt_t *ps = cql_stmt_new_prepared(p);
    cql_stmt_bind_int32(ps, 0, 9);
    cql_stmt_bind_null(ps, 1);
    cql_stmt_t *qs = cql_stmt_new("Q", 0);
    cql_batch_t *bt = cql_batch_new(CQL_BATCH_UNLOGGED);
    assert_int_equal(cql_batch_add(bt, qs), CQL_OK);
    assert_int_equal(cql_batch_add(bt, ps), CQL_OK);
    cql_stmt_free(ps);
    cql_prepared_free(p);
    cql_batch_set_consistency(bt, CQL_CONSISTENCY_ALL);
    cql_batch_set_timestamp(bt, 1);
    assert_int_equal(cql_batch_count(bt), 2);
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_enc_batch(&b, 3, bt);
    static const uint8_t want[] = {
        0x04, 0,    0, 3,    0x0d, 0,    0,    0,    41,   0x01, 0x00, 0x02, /* unlogged, 2 queries
                                                                              */
        0x00, 0,    0, 0,    1,    'Q',  0x00, 0x00, /* query string, no values */
        0x01, 0,    2, 0xaa, 0xbb, 0x00, 0x02,       /* prepared id, 2 values */
        0,    0,    0, 4,    0,    0,    0,    9,    0xff, 0xff, 0xff, 0xff, 0x00,
        0x05, 0x20, 0, 0,    0,    0,    0,    0,    0,    1}; /* ALL, timestamp */
    assert_frame(&b, 0, want, sizeof want);
    cql_buf_free(&b);
    cql_batch_free(bt);
    cql_stmt_free(qs);
}

static void test_frame_cap(void **state) {
    (void)state;
    cql_buf_t b;
    cql_buf_init(&b, 16);
    assert_int_equal(cql_enc_prepare(&b, 1, "SELECT * FROM x", 15), (size_t)-1);
    assert_int_equal(b.len, 0); /* partial frame dropped */
    assert_int_equal(cql_enc_options(&b, 1), 0);
    cql_buf_free(&b);
}

static void test_header_decode(void **state) {
    (void)state;
    cql_frame_header_t h;
    uint8_t ok[] = {0x84, 0x08, 0x12, 0x34, 0x08, 0x00, 0x00, 0x01, 0x00};
    assert_int_equal(cql_frame_header_decode(ok, &h, 1 << 20), CQL_OK);
    assert_int_equal(h.flags, 0x08);
    assert_int_equal(h.stream, 0x1234);
    assert_int_equal(h.opcode, CQL_OP_RESULT);
    assert_int_equal(h.length, 256);
    assert_int_equal(cql_frame_header_decode(ok, &h, 255), CQL_ERR_FRAME_TOO_BIG);
    uint8_t v3[] = {0x83, 0, 0, 0, 0x08, 0, 0, 0, 0};
    assert_int_equal(cql_frame_header_decode(v3, &h, 100), CQL_ERR_PROTOCOL);
    uint8_t req[] = {0x84, 0, 0, 0, CQL_OP_QUERY, 0, 0, 0, 0};
    assert_int_equal(cql_frame_header_decode(req, &h, 100), CQL_ERR_PROTOCOL);
    uint8_t neg[] = {0x84, 0, 0xff, 0xff, CQL_OP_EVENT, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(cql_frame_header_decode(neg, &h, UINT32_MAX), CQL_ERR_FRAME_TOO_BIG);
    assert_int_equal(h.stream, -1);
}

static void test_skip_extras(void **state) {
    (void)state;
    tb_t t = {.n = 0};
    for (int i = 0; i < 16; i++)
        tb_u8(&t, (uint8_t)i); /* tracing id */
    tb_pack(&t, "hsi", 1, "warn", CQL_RESULT_VOID);
    cql_rd_t r;
    cql_rd_init(&r, t.b, t.n);
    assert_int_equal(cql_frame_skip_extras(CQL_FLAG_TRACING | CQL_FLAG_WARNING, &r), CQL_OK);
    assert_int_equal(cql_rd_left(&r), 4);
    cql_rd_init(&r, t.b, 20);
    assert_int_equal(cql_frame_skip_extras(CQL_FLAG_TRACING | CQL_FLAG_WARNING, &r),
                     CQL_ERR_PROTOCOL);
}

static void test_error_write_timeout(void **state) {
    (void)state;
    tb_t t = {.n = 0};
    tb_pack(&t, "ishiis", 0x1100, "Operation timed out", CQL_CONSISTENCY_QUORUM, 1, 2, "SIMPLE");
    cql_server_error_owned_t e;
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_WRITE_TIMEOUT);
    assert_int_equal(e.e.code, 0x1100);
    assert_string_equal(e.e.message, "Operation timed out");
    assert_int_equal(e.e.consistency, CQL_CONSISTENCY_QUORUM);
    assert_int_equal(e.e.received, 1);
    assert_int_equal(e.e.block_for, 2);
    assert_string_equal(e.e.write_type, "SIMPLE");
    assert_true(cql_err_is_retriable(CQL_ERR_WRITE_TIMEOUT));
    assert_int_equal(cql_err_server_code(CQL_ERR_WRITE_TIMEOUT), 0x1100);
    cql_server_error_clear(&e);
    /* every strict prefix is malformed */
    for (size_t n = 0; n < t.n; n++) {
        assert_int_equal(cql_error_decode(t.b, n, &e), CQL_ERR_PROTOCOL);
        assert_null(e.message);
    }
}

static void test_error_kinds(void **state) {
    (void)state;
    cql_server_error_owned_t e;
    tb_t t = {.n = 0};
    tb_pack(&t, "ishii", 0x1000, "u", 1, 3, 1);
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_UNAVAILABLE);
    assert_int_equal(e.e.required, 3);
    assert_int_equal(e.e.alive, 1);
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "ishiiic", 0x1300, "rf", 4, 1, 2, 1, 1);
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_READ_FAILURE);
    assert_int_equal(e.e.failures, 1);
    assert_true(e.e.data_present);
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "ishiic", 0x1200, "rt", CQL_CONSISTENCY_LOCAL_QUORUM, 2, 3, 0);
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_READ_TIMEOUT);
    assert_int_equal(e.e.consistency, CQL_CONSISTENCY_LOCAL_QUORUM);
    assert_int_equal(e.e.received, 2);
    assert_int_equal(e.e.block_for, 3);
    assert_false(e.e.data_present);
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "ishiiis", 0x1500, "wf", CQL_CONSISTENCY_ALL, 1, 3, 2, "BATCH");
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_WRITE_FAILURE);
    assert_int_equal(e.e.failures, 2);
    assert_string_equal(e.e.write_type, "BATCH");
    assert_false(cql_err_is_retriable(CQL_ERR_WRITE_FAILURE));
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "issshs", 0x1400, "ff", "ks", "fn", 1, "int");
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_FUNCTION_FAILURE);
    assert_string_equal(e.e.keyspace, "ks");
    assert_string_equal(e.e.table, "fn");
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "isss", 0x2400, "exists", "ks", "tbl");
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_ALREADY_EXISTS);
    assert_string_equal(e.e.keyspace, "ks");
    assert_string_equal(e.e.table, "tbl");
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "ishr", 0x2500, "unprepared", 3, "\x01\x02\x03", 3);
    assert_int_equal(cql_error_decode(t.b, t.n, &e), CQL_ERR_UNPREPARED);
    assert_int_equal(e.e.unprepared_id_size, 3);
    assert_memory_equal(e.e.unprepared_id, "\x01\x02\x03", 3);
    cql_server_error_clear(&e);

    t.n = 0;
    tb_pack(&t, "is", 0x7777, "future");
    cql_err_t err = cql_error_decode(t.b, t.n, &e);
    assert_int_equal(cql_err_server_code(err), 0x7777);
    assert_true(cql_err_is_server(err));
    assert_string_equal(cql_err_str(err), "server: unknown error");
    assert_false(cql_err_is_retriable(err));
    cql_server_error_clear(&e);
    assert_string_equal(cql_err_str(CQL_ERR_BUSY), "too many requests in flight");
    assert_false(cql_err_is_server(CQL_ERR_BUSY));
}

static void test_result_void_keyspace_schema(void **state) {
    (void)state;
    cql_result_t *r;
    tb_t t = {.n = 0};
    tb_u32(&t, CQL_RESULT_VOID);
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    assert_int_equal(cql_result_kind(r), CQL_RESULT_VOID);
    assert_false(cql_result_next_row(r, NULL));
    cql_result_free(r);

    t.n = 0;
    tb_pack(&t, "is", CQL_RESULT_SET_KEYSPACE, "sluice");
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    assert_string_equal(cql_result_keyspace(r), "sluice");
    cql_result_free(r);

    t.n = 0;
    tb_pack(&t, "issss", CQL_RESULT_SCHEMA_CHANGE, "CREATED", "TABLE", "ks", "users");
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    const char *target, *name;
    assert_string_equal(cql_result_schema_change(r, &target, &name), "CREATED");
    assert_string_equal(target, "TABLE");
    assert_string_equal(name, "users");
    assert_string_equal(cql_result_keyspace(r), "ks");
    cql_result_free(r);

    t.n = 0;
    tb_u32(&t, 0x0009);
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_ERR_PROTOCOL);
    assert_null(r);
}

/* Rows: global spec ks.t, columns id int, name text, tags list<int>; 2 rows; more pages. */
static tb_t rows_body(void) {
    tb_t t = {.n = 0};
    tb_pack(&t, "iiibssshshshhi", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES | CQL_META_HAS_MORE_PAGES,
            3, "\x00\x01\x02", 3, "ks", "t", "id", CQL_TYPE_INT, "name", CQL_TYPE_VARCHAR, "tags",
            CQL_TYPE_LIST, CQL_TYPE_INT, 2);
    /* row 1 */
    tb_pack(&t, "bbb", "\x00\x00\x00\x05", 4, "ann", 3,
            "\x00\x00\x00\x02\x00\x00\x00\x04\x00\x00\x00\x0a\xff\xff\xff\xff", 16);
    /* row 2: id -2, then nulls */
    tb_pack(&t, "bii", "\xff\xff\xff\xfe", 4, 0xffffffff, 0xffffffff);
    return t;
}

static void test_result_rows(void **state) {
    (void)state;
    tb_t t = rows_body();
    cql_result_t *r;
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    assert_int_equal(cql_result_kind(r), CQL_RESULT_ROWS);
    assert_int_equal(cql_result_column_count(r), 3);
    assert_int_equal(cql_result_row_count(r), 2);
    assert_string_equal(cql_result_column_name(r, 2), "tags");
    assert_null(cql_result_column_name(r, 3));
    assert_null(cql_result_column_type(r, 3));
    assert_int_equal(cql_result_column_index(r, "name"), 1);
    assert_int_equal(cql_result_column_index(r, "nope"), -1);
    const cql_type_t *lt = cql_result_column_type(r, 2);
    assert_int_equal(cql_type_kind(lt), CQL_TYPE_LIST);
    assert_int_equal(cql_type_kind(cql_type_sub(lt, 0)), CQL_TYPE_INT);
    size_t ps_size;
    const uint8_t *ps = cql_result_paging_state(r, &ps_size);
    assert_true(cql_result_has_more_pages(r));
    assert_int_equal(ps_size, 3);
    assert_memory_equal(ps, "\x00\x01\x02", 3);

    cql_value_t v;
    assert_int_equal(cql_result_column(r, 0, &v), CQL_ERR_INVALID_ARG); /* no row yet */
    cql_err_t err;
    assert_true(cql_result_next_row(r, &err));
    assert_int_equal(cql_result_column(r, 0, &v), CQL_OK);
    assert_cql_int32(&v, 5);
    int64_t wrong;
    assert_int_equal(cql_value_get_int64(&v, &wrong), CQL_ERR_TYPE);
    const uint8_t *s;
    size_t n;
    cql_result_column(r, 1, &v);
    assert_cql_bytes(&v, "ann", 3);
    cql_result_column(r, 2, &v);
    cql_value_iter_t it;
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_int_equal(cql_value_iter_count(&it), 2);
    cql_value_t e;
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_cql_int32(&e, 10);
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_true(cql_value_is_null(&e));
    assert_false(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(err, CQL_OK);
    assert_int_equal(cql_result_column(r, 3, &v), CQL_ERR_RANGE);

    assert_true(cql_result_next_row(r, &err));
    cql_result_column(r, 0, &v);
    assert_cql_int32(&v, -2);
    cql_result_column(r, 1, &v);
    assert_true(cql_value_is_null(&v));
    assert_int_equal(cql_value_get_bytes(&v, &s, &n), CQL_ERR_NULL);
    assert_false(cql_result_next_row(r, &err));
    assert_int_equal(err, CQL_OK);
    cql_result_free(r);
}

/* Every strict prefix of a rows body fails to decode or fails while iterating rows. */
static void test_result_rows_truncated(void **state) {
    (void)state;
    tb_t t = rows_body();
    for (size_t n = 0; n < t.n; n++) {
        cql_result_t *r;
        cql_err_t err = cql_result_decode(tb_dup(&t), n, &r);
        if (err != CQL_OK) {
            assert_null(r);
            continue;
        }
        cql_err_t rerr = CQL_OK;
        size_t rows = 0;
        while (cql_result_next_row(r, &rerr))
            rows++;
        assert_int_equal(rerr, CQL_ERR_PROTOCOL);
        assert_true(rows < 2);
        cql_result_free(r);
    }
}

static void test_result_rows_lying_counts(void **state) {
    (void)state;
    cql_result_t *r;
    tb_t t = {.n = 0};
    tb_pack(&t, "ii", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES);
    tb_u32(&t, 0x7fffffff); /* column count far beyond the body */
    tb_pack(&t, "ss", "ks", "t");
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_ERR_PROTOCOL);

    t.n = 0;
    tb_pack(&t, "iiisssh", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "c",
            CQL_TYPE_INT);
    tb_u32(&t, 1000000); /* row count beyond the body */
    tb_bytes(&t, "\0\0\0\1", 4);
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_ERR_PROTOCOL);

    /* nesting deeper than the cap */
    t.n = 0;
    tb_pack(&t, "iiisss", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "c");
    for (int i = 0; i < 40; i++)
        tb_u16(&t, CQL_TYPE_LIST);
    tb_pack(&t, "hi", CQL_TYPE_INT, 0);
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_ERR_PROTOCOL);

    /* unknown type id */
    t.n = 0;
    tb_pack(&t, "iiissshi", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "c", 0x00FF, 0);
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_ERR_PROTOCOL);
}

static void test_result_udt_tuple_map_types(void **state) {
    (void)state;
    tb_t t = {.n = 0};
    tb_u32(&t, CQL_RESULT_ROWS);
    tb_u32(&t, 0); /* per-column specs */
    tb_pack(&t, "issshsshshshssshhhhssshhhsi", 3, "ks", "t", "addr", CQL_TYPE_UDT, "ks", "address",
            2, "street", CQL_TYPE_VARCHAR, "zip", CQL_TYPE_INT, "ks", "t", "pair", CQL_TYPE_TUPLE,
            2, CQL_TYPE_BIGINT, CQL_TYPE_BOOLEAN, "ks", "t", "m", CQL_TYPE_MAP, CQL_TYPE_VARCHAR,
            CQL_TYPE_CUSTOM, "org.example.T", 1);
    /* udt with only the first field present (a field added later) */
    tb_pack(&t, "ib", 8, "main", 4);
    /* tuple (7, true) */
    tb_pack(&t, "ibb", 17, "\0\0\0\0\0\0\0\7", 8, "\1", 1);
    /* map {"k": 0xbeef} */
    tb_pack(&t, "iibb", 15, 1, "k", 1, "\xbe\xef", 2);

    cql_result_t *r;
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    const cql_type_t *ut = cql_result_column_type(r, 0);
    assert_int_equal(cql_type_kind(ut), CQL_TYPE_UDT);
    assert_string_equal(cql_type_name(ut, SIZE_MAX), "address");
    assert_string_equal(cql_type_name(ut, 1), "zip");
    assert_int_equal(cql_type_sub_count(ut), 2);
    const cql_type_t *mt = cql_result_column_type(r, 2);
    assert_string_equal(cql_type_name(cql_type_sub(mt, 1), 0), "org.example.T");
    assert_true(cql_result_next_row(r, NULL));

    cql_value_t v, e;
    cql_value_iter_t it;
    cql_err_t err;
    const uint8_t *p;
    size_t n;
    cql_result_column(r, 0, &v);
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(cql_value_get_bytes(&e, &p, &n), CQL_OK);
    assert_memory_equal(p, "main", 4);
    assert_true(cql_value_iter_next(&it, &e, &err)); /* missing trailing field: null */
    assert_true(cql_value_is_null(&e));
    assert_int_equal(cql_type_kind(e.type), CQL_TYPE_INT);
    assert_false(cql_value_iter_next(&it, &e, &err));

    cql_result_column(r, 1, &v);
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    int64_t i64;
    bool bv;
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(cql_value_get_int64(&e, &i64), CQL_OK);
    assert_int_equal(i64, 7);
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(cql_value_get_bool(&e, &bv), CQL_OK);
    assert_true(bv);

    cql_result_column(r, 2, &v);
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_int_equal(cql_value_iter_count(&it), 2);
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(cql_type_kind(e.type), CQL_TYPE_VARCHAR);
    assert_true(cql_value_iter_next(&it, &e, &err));
    assert_int_equal(cql_type_kind(e.type), CQL_TYPE_CUSTOM);
    assert_int_equal(cql_value_get_bytes(&e, &p, &n), CQL_OK);
    assert_int_equal(n, 2);
    assert_false(cql_result_next_row(r, &err));
    cql_result_free(r);
}

/* v4 servers describe duration columns as a custom class; it reads as DURATION */
static void test_duration_custom_type(void **state) {
    (void)state;
    tb_t t = {.n = 0};
    tb_pack(&t, "iiissshsib", CQL_RESULT_ROWS, CQL_META_GLOBAL_TABLES, 1, "ks", "t", "d",
            CQL_TYPE_CUSTOM, "org.apache.cassandra.db.marshal.DurationType", 1, "\x02\x04\x06", 3);
    cql_result_t *r;
    assert_int_equal(cql_result_decode(tb_dup(&t), t.n, &r), CQL_OK);
    assert_int_equal(cql_type_kind(cql_result_column_type(r, 0)), CQL_TYPE_DURATION);
    assert_true(cql_result_next_row(r, NULL));
    cql_value_t v;
    cql_duration_t d;
    cql_result_column(r, 0, &v);
    assert_int_equal(cql_value_get_duration(&v, &d), CQL_OK);
    assert_int_equal(d.months, 1);
    assert_int_equal(d.days, 2);
    assert_true(d.nanos == 3);
    cql_result_free(r);
}

static void test_event_decode(void **state) {
    (void)state;
    cql_event_owned_t ev;
    tb_t t = {.n = 0};
    tb_pack(&t, "sscri", "STATUS_CHANGE", "DOWN", 4, "\x7f\x00\x00\x03", 4, 9042);
    assert_int_equal(cql_event_decode(t.b, t.n, &ev), CQL_OK);
    assert_string_equal(ev.ev.type, "STATUS_CHANGE");
    assert_string_equal(ev.ev.change, "DOWN");
    assert_int_equal(ev.ev.addr.len, 4);
    assert_memory_equal(ev.ev.addr.addr, "\x7f\x00\x00\x03", 4);
    assert_int_equal(ev.ev.port, 9042);
    assert_int_equal(cql_event_decode(t.b, t.n - 1, &ev), CQL_ERR_PROTOCOL);

    t.n = 0;
    tb_pack(&t, "sssss", "SCHEMA_CHANGE", "DROPPED", "TABLE", "ks", "users");
    assert_int_equal(cql_event_decode(t.b, t.n, &ev), CQL_OK);
    assert_string_equal(ev.ev.target, "TABLE");
    assert_string_equal(ev.ev.keyspace, "ks");
    assert_string_equal(ev.ev.name, "users");

    t.n = 0;
    tb_pack(&t, "ss", "BOGUS", "X");
    assert_int_equal(cql_event_decode(t.b, t.n, &ev), CQL_ERR_PROTOCOL);
}

static int supported_count;
static void on_supported(void *opaque, const char *k, size_t kl, const char *v, size_t vl) {
    (void)opaque;
    if (kl == 11 && !memcmp(k, "CQL_VERSION", 11) && vl == 5 && !memcmp(v, "3.4.7", 5))
        supported_count += 100;
    supported_count++;
}

static void test_supported_authenticate(void **state) {
    (void)state;
    tb_t t = {.n = 0};
    tb_pack(&t, "hshsshss", 2, "CQL_VERSION", 1, "3.4.7", "COMPRESSION", 2, "lz4", "snappy");
    supported_count = 0;
    assert_int_equal(cql_supported_decode(t.b, t.n, on_supported, NULL), CQL_OK);
    assert_int_equal(supported_count, 103);
    assert_int_equal(cql_supported_decode(t.b, t.n - 1, NULL, NULL), CQL_ERR_PROTOCOL);

    t.n = 0;
    tb_str(&t, "org.apache.cassandra.auth.PasswordAuthenticator");
    const char *cls;
    size_t n;
    assert_int_equal(cql_authenticate_decode(t.b, t.n, &cls, &n), CQL_OK);
    assert_int_equal(n, 47);
    assert_memory_equal(cls, "org.apache.cassandra.auth.PasswordAuthenticator", n);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_startup),
          cmocka_unit_test(test_options_register_prepare),
          cmocka_unit_test(test_auth_response_plain), cmocka_unit_test(test_query_all_params),
          cmocka_unit_test(test_query_values_null_unset),
          cmocka_unit_test(test_query_values_any_order),
          cmocka_unit_test(test_prepared_and_execute), cmocka_unit_test(test_batch),
          cmocka_unit_test(test_frame_cap), cmocka_unit_test(test_header_decode),
          cmocka_unit_test(test_skip_extras), cmocka_unit_test(test_error_write_timeout),
          cmocka_unit_test(test_error_kinds), cmocka_unit_test(test_result_void_keyspace_schema),
          cmocka_unit_test(test_result_rows), cmocka_unit_test(test_result_rows_truncated),
          cmocka_unit_test(test_result_rows_lying_counts),
          cmocka_unit_test(test_result_udt_tuple_map_types),
          cmocka_unit_test(test_duration_custom_type), cmocka_unit_test(test_event_decode),
          cmocka_unit_test(test_supported_authenticate))
