/* Unit tests for CQL value serialization: vint/varint/duration bytes, every bindable
 * type's exact encoding, collections/tuples/UDTs, typed getters, UUID text, and the
 * Murmur3 partitioner token against values Cassandra's own algorithm produces. */
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

static void test_vint(void **state) {
    (void)state;
    struct {
        uint64_t v;
        uint8_t bytes[9];
        size_t n;
    } cases[] = {
        {0, {0x00}, 1},
        {127, {0x7f}, 1},
        {128, {0x80, 0x80}, 2},
        {16383, {0xbf, 0xff}, 2},
        {16384, {0xc0, 0x40, 0x00}, 3},
        {UINT64_MAX, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
        {(uint64_t)1 << 56, {0xff, 0x01, 0, 0, 0, 0, 0, 0, 0}, 9},
        {((uint64_t)1 << 56) - 1, {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[9];
        size_t n = cql_vint_encode(cases[i].v, out);
        assert_int_equal(n, cases[i].n);
        assert_memory_equal(out, cases[i].bytes, n);
        uint64_t back;
        assert_int_equal(cql_vint_decode(out, n, &back), n);
        assert_true(back == cases[i].v);
        assert_int_equal(cql_vint_decode(out, n - 1, &back), 0); /* truncated */
    }
}

static void test_varint_bytes(void **state) {
    (void)state;
    struct {
        int64_t v;
        uint8_t bytes[8];
        size_t n;
    } cases[] = {
        {0, {0x00}, 1},         {127, {0x7f}, 1},
        {128, {0x00, 0x80}, 2}, {-1, {0xff}, 1},
        {-128, {0x80}, 1},      {-129, {0xff, 0x7f}, 2},
        {256, {0x01, 0x00}, 2}, {INT64_MIN, {0x80, 0, 0, 0, 0, 0, 0, 0}, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[8];
        size_t n = cql_varint_from_int64(cases[i].v, out);
        assert_int_equal(n, cases[i].n);
        assert_memory_equal(out, cases[i].bytes, n);
        cql_value_t v = {NULL, out, (int32_t)n};
        int64_t back;
        assert_int_equal(cql_value_get_varint64(&v, &back), CQL_OK);
        assert_true(back == cases[i].v);
    }
    uint8_t big[9] = {1};
    cql_value_t v = {NULL, big, 9};
    int64_t x;
    assert_int_equal(cql_value_get_varint64(&v, &x), CQL_ERR_RANGE);
}

/* Encodes a one-value statement and returns the value's [bytes] as sent. */
static size_t bound(cql_stmt_t *s, uint8_t *out) {
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_enc_query(&b, 0, s);
    /* header 9 + [long string] "X" 5 + consistency 2 + flags 1 + count 2 */
    size_t off = 9 + 5 + 2 + 1 + 2;
    size_t n = b.len - off;
    memcpy(out, b.data + off, n);
    cql_buf_free(&b);
    cql_stmt_reset(s);
    return n;
}

#define ASSERT_BOUND(s, ...)                                                                       \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        uint8_t got_[256];                                                                         \
        assert_int_equal(bound(s, got_), sizeof want_);                                            \
        assert_memory_equal(got_, want_, sizeof want_);                                            \
    } while (0)

static void test_bind_every_type(void **state) {
    (void)state;
    cql_stmt_t *s = cql_stmt_new("X", 1);
    cql_stmt_bind_bool(s, 0, true);
    ASSERT_BOUND(s, 0, 0, 0, 1, 1);
    cql_stmt_bind_int8(s, 0, -2);
    ASSERT_BOUND(s, 0, 0, 0, 1, 0xfe);
    cql_stmt_bind_int16(s, 0, 0x1234);
    ASSERT_BOUND(s, 0, 0, 0, 2, 0x12, 0x34);
    cql_stmt_bind_int32(s, 0, -1);
    ASSERT_BOUND(s, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff);
    cql_stmt_bind_int64(s, 0, 0x0102030405060708LL);
    ASSERT_BOUND(s, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8);
    cql_stmt_bind_uint32(s, 0, 0x80000000u); /* date: the epoch */
    ASSERT_BOUND(s, 0, 0, 0, 4, 0x80, 0, 0, 0);
    cql_stmt_bind_float(s, 0, 1.5f);
    ASSERT_BOUND(s, 0, 0, 0, 4, 0x3f, 0xc0, 0, 0);
    cql_stmt_bind_double(s, 0, -2.0);
    ASSERT_BOUND(s, 0, 0, 0, 8, 0xc0, 0, 0, 0, 0, 0, 0, 0);
    cql_stmt_bind_text(s, 0, "");
    ASSERT_BOUND(s, 0, 0, 0, 0);
    cql_stmt_bind_text(s, 0, NULL);
    ASSERT_BOUND(s, 0xff, 0xff, 0xff, 0xff);
    cql_stmt_bind_bytes(s, 0, "\x00\x01", 2);
    ASSERT_BOUND(s, 0, 0, 0, 2, 0, 1);
    uint8_t u[16];
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", u), 0);
    cql_stmt_bind_uuid(s, 0, u);
    ASSERT_BOUND(s, 0, 0, 0, 16, 0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00,
                 0xc0, 0x4f, 0xd4, 0x30, 0xc8);
    cql_inet_t in4 = {.addr = {127, 0, 0, 3}, .len = 4};
    cql_stmt_bind_inet(s, 0, &in4);
    ASSERT_BOUND(s, 0, 0, 0, 4, 127, 0, 0, 3);
    cql_inet_t bad = {.len = 5};
    assert_int_equal(cql_stmt_bind_inet(s, 0, &bad), CQL_ERR_INVALID_ARG);
    /* duration 1mo 2d 3ns -> zigzag 2, 4, 6; -1 month -> 1 */
    cql_duration_t d = {1, 2, 3};
    cql_stmt_bind_duration(s, 0, &d);
    ASSERT_BOUND(s, 0, 0, 0, 3, 2, 4, 6);
    cql_duration_t d2 = {-1, 0, 3600000000000LL};
    cql_stmt_bind_duration(s, 0, &d2);
    ASSERT_BOUND(s, 0, 0, 0, 9, 1, 0, 0xfc, 0x06, 0x8c, 0x61, 0x71, 0x40, 0x00);
    cql_stmt_bind_varint64(s, 0, 128);
    ASSERT_BOUND(s, 0, 0, 0, 2, 0x00, 0x80);
    /* decimal 12.34 = 1234 * 10^-2 */
    cql_stmt_bind_decimal(s, 0, 2, (const uint8_t[]){0x04, 0xd2}, 2);
    ASSERT_BOUND(s, 0, 0, 0, 6, 0, 0, 0, 2, 0x04, 0xd2);
    cql_stmt_bind_unset(s, 0);
    ASSERT_BOUND(s, 0xff, 0xff, 0xff, 0xfe);
    cql_stmt_free(s);
}

static void test_duration_roundtrip(void **state) {
    (void)state;
    cql_duration_t cases[] = {
        {0, 0, 0}, {-1, -31, -1}, {INT32_MAX, INT32_MIN, INT64_MAX}, {12, 3, INT64_MIN}};
    for (size_t i = 0; i < 4; i++) {
        cql_buf_t b;
        cql_buf_init(&b, 0);
        cql_val_duration(&b, &cases[i]);
        cql_type_t t = {.kind = CQL_TYPE_DURATION};
        cql_value_t v = {&t, b.data + 4, (int32_t)(b.len - 4)};
        cql_duration_t back;
        assert_int_equal(cql_value_get_duration(&v, &back), CQL_OK);
        assert_int_equal(back.months, cases[i].months);
        assert_int_equal(back.days, cases[i].days);
        assert_true(back.nanos == cases[i].nanos);
        v.size--; /* truncated */
        assert_int_equal(cql_value_get_duration(&v, &back), CQL_ERR_PROTOCOL);
        cql_buf_free(&b);
    }
}

static void test_collections(void **state) {
    (void)state;
    cql_stmt_t *s = cql_stmt_new("X", 1);
    cql_coll_t *l = cql_coll_new(CQL_TYPE_LIST);
    cql_coll_append_int32(l, 1);
    cql_coll_append_int32(l, 2);
    cql_stmt_bind_coll(s, 0, l);
    ASSERT_BOUND(s, 0, 0, 0, 20, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2);

    cql_coll_t *m = cql_coll_new(CQL_TYPE_MAP);
    cql_coll_append_text(m, "a");
    assert_int_equal(cql_stmt_bind_coll(s, 0, m), CQL_ERR_INVALID_ARG); /* odd */
    cql_coll_append_coll(m, l);
    cql_stmt_bind_coll(s, 0, m);
    ASSERT_BOUND(s, 0, 0, 0, 33, 0, 0, 0, 1, 0, 0, 0, 1, 'a', 0, 0, 0, 20, 0, 0, 0, 2, 0, 0, 0, 4,
                 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2);

    /* tuple and UDT carry no count */
    cql_coll_t *t = cql_coll_new(CQL_TYPE_TUPLE);
    cql_coll_append_int8(t, 5);
    cql_coll_append_null(t);
    cql_stmt_bind_coll(s, 0, t);
    ASSERT_BOUND(s, 0, 0, 0, 9, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff);
    assert_null(cql_coll_new(CQL_TYPE_INT));

    /* decode the list back through a typed view */
    cql_buf_t b;
    cql_buf_init(&b, 0);
    cql_val_coll(&b, l);
    cql_type_t it = {.kind = CQL_TYPE_INT};
    cql_type_t *subs[] = {&it};
    cql_type_t lt = {.kind = CQL_TYPE_LIST, .n_sub = 1, .sub = subs};
    cql_value_t v = {&lt, b.data + 4, (int32_t)(b.len - 4)};
    cql_value_iter_t iter;
    assert_int_equal(cql_value_iter_init(&iter, &v), CQL_OK);
    cql_value_t e;
    int32_t x, sum = 0;
    while (cql_value_iter_next(&iter, &e, NULL)) {
        assert_int_equal(cql_value_get_int32(&e, &x), CQL_OK);
        sum += x;
    }
    assert_int_equal(sum, 3);
    /* count that lies about the bytes */
    b.data[7] = 0x7f;
    assert_int_equal(cql_value_iter_init(&iter, &v), CQL_ERR_PROTOCOL);
    cql_buf_free(&b);

    cql_coll_free(l);
    cql_coll_free(m);
    cql_coll_free(t);
    cql_stmt_free(s);
}

static void test_getters(void **state) {
    (void)state;
    cql_type_t tf = {.kind = CQL_TYPE_FLOAT}, td = {.kind = CQL_TYPE_DECIMAL},
               ti = {.kind = CQL_TYPE_INET}, tt = {.kind = CQL_TYPE_TIMESTAMP},
               tdate = {.kind = CQL_TYPE_DATE};
    uint8_t f[] = {0x3f, 0xc0, 0, 0};
    cql_value_t v = {&tf, f, 4};
    float fv;
    assert_int_equal(cql_value_get_float(&v, &fv), CQL_OK);
    assert_true(fv == 1.5f);
    v.size = 3;
    assert_int_equal(cql_value_get_float(&v, &fv), CQL_ERR_PROTOCOL);
    v.size = -1;
    assert_int_equal(cql_value_get_float(&v, &fv), CQL_ERR_NULL);

    uint8_t dec[] = {0, 0, 0, 2, 0x04, 0xd2};
    cql_value_t dv = {&td, dec, 6};
    int32_t scale;
    const uint8_t *un;
    size_t un_n;
    assert_int_equal(cql_value_get_decimal(&dv, &scale, &un, &un_n), CQL_OK);
    assert_int_equal(scale, 2);
    assert_int_equal(un_n, 2);
    assert_int_equal(un[1], 0xd2);

    uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8};
    cql_value_t iv = {&ti, a6, 16};
    cql_inet_t in;
    assert_int_equal(cql_value_get_inet(&iv, &in), CQL_OK);
    assert_int_equal(in.len, 16);
    assert_int_equal(in.addr[1], 0x01);
    iv.size = 5;
    assert_int_equal(cql_value_get_inet(&iv, &in), CQL_ERR_PROTOCOL);

    uint8_t ts[] = {0, 0, 1, 0x8b, 0xcf, 0xe5, 0x68, 0};
    cql_value_t tv = {&tt, ts, 8};
    assert_cql_int64(&tv, 0x18bcfe56800LL);
    int32_t i32;
    assert_int_equal(cql_value_get_int32(&tv, &i32), CQL_ERR_TYPE);
    uint8_t day[] = {0x80, 0, 0, 1};
    cql_value_t dayv = {&tdate, day, 4};
    uint32_t days;
    assert_int_equal(cql_value_get_uint32(&dayv, &days), CQL_OK);
    assert_int_equal(days, 0x80000001u);
}

static void test_uuid_text(void **state) {
    (void)state;
    uint8_t u[16];
    char s[37];
    assert_int_equal(cql_uuid_parse("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", u), 0);
    cql_uuid_format(u, s);
    assert_string_equal(s, "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", u), -1);
    assert_int_equal(cql_uuid_parse("6ba7b810x9dad-11d1-80b4-00c04fd430c8", u), -1);
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cg", u), -1);
    /* the case folding takes 'A'..'F' and nothing else: 'G', '@' and '`' stay refused */
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cG", u), -1);
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c@", u), -1);
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c`", u), -1);
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430cF", u), 0);
    assert_int_equal(u[15], 0xcf);
    /* one character wrong anywhere (a digit where a dash stands, else a dash), one too many,
     * none, cut short at every length */
    const char *good = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    for (int i = 0; i < 36; i++) {
        char bad[40];
        memcpy(bad, good, 37);
        bad[i] = good[i] == '-' ? '0' : '-';
        assert_int_equal(cql_uuid_parse(bad, u), -1);
        bad[i] = '\0';
        assert_int_equal(cql_uuid_parse(bad, u), -1);
    }
    assert_int_equal(cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c80", u), -1);
    assert_int_equal(cql_uuid_parse("", u), -1);
    assert_int_equal(cql_uuid_parse(NULL, u), -1);
}

/* Expected tokens come from an independent implementation of Cassandra's
 * Murmur3Partitioner (the DataStax Python driver's cassandra.cmurmur3); keys with tail
 * bytes >= 0x80 exercise Cassandra's sign extension. */
static void test_murmur3_tokens(void **state) {
    (void)state;
    assert_true(cql_murmur3_token("\x00\x00\x00\x01", 4) == -4069959284402364209LL);
    assert_true(cql_murmur3_token("\x00\x00\x00\x02", 4) == -3248873570005575792LL);
    assert_true(cql_murmur3_token("", 0) == 0);
    assert_true(cql_murmur3_token("\xff", 1) == -4442228696663692417LL);
    uint8_t k15[15], k55[55];
    for (int i = 0; i < 15; i++)
        k15[i] = (uint8_t)(0x80 + i);
    for (int i = 0; i < 55; i++)
        k55[i] = (uint8_t)(200 + i);
    assert_true(cql_murmur3_token(k15, 15) == 63099782945186636LL);
    assert_true(cql_murmur3_token(k55, 55) == 6322383030230670822LL);
    uint8_t u[16];
    cql_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", u);
    assert_true(cql_murmur3_token(u, 16) == -6761550319734257329LL);
    assert_true(cql_murmur3_token("hello world, this is a key", 26) == 2715572237970438656LL);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_vint), cmocka_unit_test(test_varint_bytes),
          cmocka_unit_test(test_bind_every_type), cmocka_unit_test(test_duration_roundtrip),
          cmocka_unit_test(test_collections), cmocka_unit_test(test_getters),
          cmocka_unit_test(test_uuid_text), cmocka_unit_test(test_murmur3_tokens))
