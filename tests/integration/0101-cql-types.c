/* Integration: every CQL type a user table can hold round-trips through a real
 * Cassandra — bound with a prepared INSERT, read back with a prepared SELECT and
 * compared field by field; nulls and unset values; counters; a QUERY with values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_types"

IT_GROUP_FIXTURE(
    KS, "CREATE TYPE IF NOT EXISTS " KS ".addr (street text, zip int)",
    "CREATE TABLE IF NOT EXISTS " KS ".all_types (id int PRIMARY KEY, a ascii, t text, "
    "vc varchar, u uuid, tu timeuuid, ti tinyint, si smallint, i int, bi bigint, vi varint, "
    "f float, d double, dec decimal, b boolean, ts timestamp, dt date, tm time, "
    "dur duration, bl blob, ip inet, ip6 inet, l list<int>, st set<text>, "
    "m map<text, bigint>, tup tuple<int, text>, ud frozen<addr>)",
    "CREATE TABLE IF NOT EXISTS " KS ".ctr (id int PRIMARY KEY, c counter)")

static const char *cols = "id, a, t, vc, u, tu, ti, si, i, bi, vi, f, d, dec, b, ts, dt, tm, "
                          "dur, bl, ip, ip6, l, st, m, tup, ud";
#define NCOLS 27

static void bind_full(cql_stmt_t *s) {
    uint8_t u[16], tu[16];
    cql_uuid_parse("6ba7b810-9dad-41d1-80b4-00c04fd430c8", u);
    cql_uuid_parse("d2177dd0-eaa2-11de-a572-001b779c76e3", tu);
    size_t k = 0;
    assert_int_equal(cql_stmt_bind_int32(s, k++, 1), CQL_OK);
    assert_int_equal(cql_stmt_bind_text(s, k++, "plain ascii"), CQL_OK);
    assert_int_equal(cql_stmt_bind_text(s, k++, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac"), CQL_OK);
    assert_int_equal(cql_stmt_bind_text(s, k++, ""), CQL_OK);
    assert_int_equal(cql_stmt_bind_uuid(s, k++, u), CQL_OK);
    assert_int_equal(cql_stmt_bind_uuid(s, k++, tu), CQL_OK);
    assert_int_equal(cql_stmt_bind_int8(s, k++, -128), CQL_OK);
    assert_int_equal(cql_stmt_bind_int16(s, k++, 32767), CQL_OK);
    assert_int_equal(cql_stmt_bind_int32(s, k++, INT32_MIN), CQL_OK);
    assert_int_equal(cql_stmt_bind_int64(s, k++, INT64_MAX), CQL_OK);
    assert_int_equal(cql_stmt_bind_varint64(s, k++, -1234567890123LL), CQL_OK);
    assert_int_equal(cql_stmt_bind_float(s, k++, 3.25f), CQL_OK);
    assert_int_equal(cql_stmt_bind_double(s, k++, -1e300), CQL_OK);
    assert_int_equal(cql_stmt_bind_decimal(s, k++, 3, (const uint8_t[]){0xfb, 0x2e}, 2),
                     CQL_OK); /* -1234 * 10^-3 */
    assert_int_equal(cql_stmt_bind_bool(s, k++, true), CQL_OK);
    assert_int_equal(cql_stmt_bind_int64(s, k++, 1700000000123LL), CQL_OK);
    assert_int_equal(cql_stmt_bind_uint32(s, k++, (1u << 31) + 19000), CQL_OK);
    assert_int_equal(cql_stmt_bind_int64(s, k++, 13LL * 3600 * 1000000000LL + 5), CQL_OK);
    cql_duration_t dur = {14, -3, -7000000001LL};
    dur.months = -14; /* all three share one sign */
    assert_int_equal(cql_stmt_bind_duration(s, k++, &dur), CQL_OK);
    assert_int_equal(cql_stmt_bind_bytes(s, k++, "\x00\xff\x10", 3), CQL_OK);
    cql_inet_t ip4 = {.addr = {10, 1, 2, 3}, .len = 4};
    cql_inet_t ip6 = {.addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .len = 16};
    assert_int_equal(cql_stmt_bind_inet(s, k++, &ip4), CQL_OK);
    assert_int_equal(cql_stmt_bind_inet(s, k++, &ip6), CQL_OK);
    cql_coll_t *l = cql_coll_new(CQL_TYPE_LIST);
    cql_coll_append_int32(l, 3);
    cql_coll_append_int32(l, 1);
    cql_coll_append_int32(l, 3);
    assert_int_equal(cql_stmt_bind_coll(s, k++, l), CQL_OK);
    cql_coll_t *st = cql_coll_new(CQL_TYPE_SET);
    cql_coll_append_text(st, "a");
    cql_coll_append_text(st, "b");
    assert_int_equal(cql_stmt_bind_coll(s, k++, st), CQL_OK);
    cql_coll_t *m = cql_coll_new(CQL_TYPE_MAP);
    cql_coll_append_text(m, "k1");
    cql_coll_append_int64(m, -5);
    cql_coll_append_text(m, "k2");
    cql_coll_append_int64(m, 6);
    assert_int_equal(cql_stmt_bind_coll(s, k++, m), CQL_OK);
    cql_coll_t *tup = cql_coll_new(CQL_TYPE_TUPLE);
    cql_coll_append_int32(tup, 42);
    cql_coll_append_text(tup, "x");
    assert_int_equal(cql_stmt_bind_coll(s, k++, tup), CQL_OK);
    cql_coll_t *ud = cql_coll_new(CQL_TYPE_UDT);
    cql_coll_append_text(ud, "Main St");
    cql_coll_append_int32(ud, 12345);
    assert_int_equal(cql_stmt_bind_coll(s, k++, ud), CQL_OK);
    assert_int_equal(k, NCOLS);
    cql_coll_free(l);
    cql_coll_free(st);
    cql_coll_free(m);
    cql_coll_free(tup);
    cql_coll_free(ud);
}

/* The prepared INSERT of every column, checked against the table's metadata. */
static cql_stmt_t *insert_all(void) {
    char q[512];
    snprintf(q, sizeof q, "INSERT INTO " KS ".all_types (%s) VALUES (?%s)", cols,
             ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?");
    cql_prepared_t *p = it_prepare(sess, q);
    assert_non_null(p);
    assert_int_equal(cql_prepared_param_count(p), NCOLS);
    assert_int_equal(cql_type_kind(cql_prepared_param_type(p, 26)), CQL_TYPE_UDT);
    cql_stmt_t *s = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    return s;
}

static cql_result_t *select_row(int id) {
    char q[512];
    snprintf(q, sizeof q, "SELECT %s FROM " KS ".all_types WHERE id = ?", cols);
    cql_prepared_t *p = it_prepare(sess, q);
    assert_non_null(p);
    cql_stmt_t *s = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    cql_stmt_bind_int32(s, 0, id);
    cql_result_t *r;
    assert_int_equal(it_run(sess, s, &r), CQL_OK);
    cql_stmt_free(s);
    assert_int_equal(cql_result_row_count(r), 1);
    assert_true(cql_result_next_row(r, NULL));
    return r;
}

/* Columns 0 .. 21 of the full row: every scalar type, as bind_full() wrote it. */
static size_t check_scalars(const cql_result_t *r) {
    cql_value_t v;
    size_t k = 0;
    int64_t i64;
    int16_t i16;
    int8_t i8;
    uint32_t u32;
    float f;
    double d;
    bool b;
    uint8_t u[16];
    char us[37];
    cql_result_column(r, k++, &v);
    assert_cql_int32(&v, 1);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_ASCII);
    assert_cql_text(&v, "plain ascii");
    cql_result_column(r, k++, &v);
    assert_cql_text(&v, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac");
    cql_result_column(r, k++, &v);
    assert_false(cql_value_is_null(&v));
    assert_cql_text(&v, "");
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_uuid(&v, u), CQL_OK);
    cql_uuid_format(u, us);
    assert_string_equal(us, "6ba7b810-9dad-41d1-80b4-00c04fd430c8");
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_TIMEUUID);
    assert_int_equal(cql_value_get_uuid(&v, u), CQL_OK);
    cql_uuid_format(u, us);
    assert_string_equal(us, "d2177dd0-eaa2-11de-a572-001b779c76e3");
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_int8(&v, &i8), CQL_OK);
    assert_int_equal(i8, -128);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_int16(&v, &i16), CQL_OK);
    assert_int_equal(i16, 32767);
    cql_result_column(r, k++, &v);
    assert_cql_int32(&v, INT32_MIN);
    cql_result_column(r, k++, &v);
    assert_cql_int64(&v, INT64_MAX);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_varint64(&v, &i64), CQL_OK);
    assert_true(i64 == -1234567890123LL);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_float(&v, &f), CQL_OK);
    assert_true(f == 3.25f);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_double(&v, &d), CQL_OK);
    assert_true(d == -1e300);
    cql_result_column(r, k++, &v);
    int32_t scale;
    const uint8_t *un;
    size_t un_n;
    assert_int_equal(cql_value_get_decimal(&v, &scale, &un, &un_n), CQL_OK);
    assert_int_equal(scale, 3);
    assert_int_equal(un_n, 2);
    assert_memory_equal(un, "\xfb\x2e", 2);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_bool(&v, &b), CQL_OK);
    assert_true(b);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_TIMESTAMP);
    assert_cql_int64(&v, 1700000000123LL);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_uint32(&v, &u32), CQL_OK);
    assert_int_equal(u32, (1u << 31) + 19000);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_TIME);
    assert_cql_int64(&v, 13LL * 3600 * 1000000000LL + 5);
    cql_result_column(r, k++, &v);
    cql_duration_t dur;
    assert_int_equal(cql_value_get_duration(&v, &dur), CQL_OK);
    assert_int_equal(dur.months, -14);
    assert_int_equal(dur.days, -3);
    assert_true(dur.nanos == -7000000001LL);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_BLOB);
    assert_cql_bytes(&v, "\x00\xff\x10", 3);
    cql_inet_t in;
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_inet(&v, &in), CQL_OK);
    assert_int_equal(in.len, 4);
    assert_memory_equal(in.addr, "\x0a\x01\x02\x03", 4);
    cql_result_column(r, k++, &v);
    assert_int_equal(cql_value_get_inet(&v, &in), CQL_OK);
    assert_int_equal(in.len, 16);
    assert_memory_equal(in.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);

    return k;
}

/* Columns k .. 26 of the full row: list, set, map, tuple and UDT. */
static size_t check_collections(const cql_result_t *r, size_t k) {
    cql_value_t v, e;
    cql_value_iter_t it;
    cql_result_column(r, k++, &v); /* list keeps order and duplicates */
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_int_equal(cql_value_iter_count(&it), 3);
    int32_t want_l[] = {3, 1, 3};
    for (int j = 0; j < 3; j++) {
        assert_true(cql_value_iter_next(&it, &e, NULL));
        assert_cql_int32(&e, want_l[j]);
    }
    cql_result_column(r, k++, &v); /* set */
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_int_equal(cql_value_iter_count(&it), 2);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "a");
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "b");
    cql_result_column(r, k++, &v); /* map, sorted by key */
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_int_equal(cql_value_iter_count(&it), 4);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "k1");
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_int64(&e, -5);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "k2");
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_int64(&e, 6);
    cql_result_column(r, k++, &v); /* tuple */
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_TUPLE);
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_int32(&e, 42);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "x");
    cql_result_column(r, k++, &v); /* UDT */
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_UDT);
    assert_string_equal(cql_type_name(v.type, SIZE_MAX), "addr");
    assert_string_equal(cql_type_name(v.type, 1), "zip");
    assert_int_equal(cql_value_iter_init(&it, &v), CQL_OK);
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_text(&e, "Main St");
    assert_true(cql_value_iter_next(&it, &e, NULL));
    assert_cql_int32(&e, 12345);
    return k;
}

static void test_every_type(void **state) {
    (void)state;
    cql_stmt_t *s = insert_all();
    bind_full(s);
    assert_int_equal(it_run(sess, s, NULL), CQL_OK);
    cql_stmt_free(s);

    cql_result_t *r = select_row(1);
    assert_int_equal(cql_result_column_count(r), NCOLS);
    size_t k = check_collections(r, check_scalars(r));
    assert_int_equal(k, NCOLS);
    assert_false(cql_result_next_row(r, NULL));
    cql_result_free(r);
}

static void test_nulls_and_unset(void **state) {
    (void)state;
    cql_stmt_t *s = insert_all();
    /* row 2: everything null; row 3: written full, then overwritten with unset values,
     * which must leave the columns as they were */
    cql_stmt_bind_int32(s, 0, 2);
    for (size_t k = 1; k < NCOLS; k++)
        assert_int_equal(cql_stmt_bind_null(s, k), CQL_OK);
    assert_int_equal(it_run(sess, s, NULL), CQL_OK);
    cql_stmt_reset(s);
    bind_full(s);
    cql_stmt_bind_int32(s, 0, 3);
    assert_int_equal(it_run(sess, s, NULL), CQL_OK);
    cql_stmt_reset(s);
    cql_stmt_bind_int32(s, 0, 3);
    for (size_t k = 1; k < NCOLS; k++)
        assert_int_equal(cql_stmt_bind_unset(s, k), CQL_OK);
    cql_stmt_bind_text(s, 2, "changed");
    assert_int_equal(it_run(sess, s, NULL), CQL_OK);
    cql_stmt_free(s);

    cql_result_t *r = select_row(2);
    cql_value_t v;
    for (size_t k = 1; k < NCOLS; k++) {
        assert_int_equal(cql_result_column(r, k, &v), CQL_OK);
        assert_true(cql_value_is_null(&v));
    }
    cql_result_free(r);
    r = select_row(3);
    cql_result_column(r, 2, &v);
    assert_cql_text(&v, "changed");
    cql_result_column(r, 9, &v);
    assert_cql_int64(&v, INT64_MAX); /* untouched by the unset value */
    cql_result_free(r);
}

/* Adds +5 then -7 to the counter of row id, each update sent once (a counter update is
 * not idempotent: after a timeout it may or may not have counted). Returns false when an
 * update failed retriably and the row's count is unknown. */
static bool count_on_row(int id) {
    static const int64_t deltas[] = {5, -7};
    cql_stmt_t *s = cql_stmt_new("UPDATE " KS ".ctr SET c = c + ? WHERE id = ?", 2);
    bool ok = true;
    for (size_t i = 0; ok && i < 2; i++) {
        cql_stmt_reset(s);
        cql_stmt_bind_int64(s, 0, deltas[i]);
        cql_stmt_bind_int32(s, 1, id);
        cql_err_t e = it_run_once(sess, s, NULL);
        assert_true(e == CQL_OK || cql_err_is_retriable(e));
        ok = e == CQL_OK;
    }
    cql_stmt_free(s);
    return ok;
}

static void test_counter_and_query_values(void **state) {
    (void)state;
    /* a sequence cut short by a retriable failure is done again on a fresh row */
    int id = 1;
    while (!count_on_row(id)) {
        assert_true(id < 20);
        fprintf(stderr, "counter row %d: an update failed; counting on row %d\n", id, id + 1);
        id++;
    }
    cql_stmt_t *s = cql_stmt_new("SELECT c FROM " KS ".ctr WHERE id = ?", 1);
    cql_stmt_bind_int32(s, 0, id);
    cql_value_t v;
    cql_result_t *r = it_first(sess, s, &v);
    cql_stmt_free(s);
    assert_int_equal(cql_type_kind(v.type), CQL_TYPE_COUNTER);
    assert_cql_int64(&v, -2);
    cql_result_free(r);

    /* a syntax error and an unknown table come back with the server's codes */
    cql_stmt_t *bad = cql_stmt_new("SELEC nothing", 0);
    assert_int_equal(it_run(sess, bad, NULL), CQL_ERR_SYNTAX);
    cql_stmt_free(bad);
    bad = cql_stmt_new("SELECT * FROM " KS ".no_such_table", 0);
    assert_int_equal(it_run(sess, bad, NULL), CQL_ERR_INVALID);
    cql_stmt_free(bad);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_every_type),
          cmocka_unit_test(test_nulls_and_unset), cmocka_unit_test(test_counter_and_query_values))
