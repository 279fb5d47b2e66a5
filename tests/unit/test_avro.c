/*
 * Unit tests for sl_avro: the record's schema (fields, docs, defaults, as libavro and a
 * JSON parser read it), exact encoded bytes, and decoding by Avro's resolution rules:
 * the same schema, reordered fields, extra writer fields of every Avro type, writer
 * fields missing with and without a default, every kind of unresolvable writer, bytes
 * that are not a datum of the writer (truncated at every length, lying lengths and counts,
 * indexes out of range, nesting), and validation after decoding. Writer bytes are built
 * here by hand from the Avro specification, not by libavro.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "test_util.h"
#include "sl_avro.h"
#include "sl_record_json.h"
#include "test_avro_bytes.h"

static const char *const ana[SL_FIELD_COUNT] = {
    "3f1c2b9a-0d4e-4c1b-8e7f-123456789abc",
    "Анна",
    "Коваленко",
    "female",
    "7 Shevchenka St, Lviv, Lvivska, Ukraine",
    "79000",
    "anna.kovalenko@example.com",
    "bluebird42",
    "1988-11-02T07:30:00.000Z",
    "2015-04-21T12:00:00Z",
    "(067) 123-4567",
    "https://randomuser.me/api/portraits/med/women/12.jpg",
};

static void make(sl_record_t *r, const char *const v[SL_FIELD_COUNT]) {
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        r->field[i].ptr = v[i];
        r->field[i].len = strlen(v[i]);
    }
}

static void assert_record(const sl_record_t *r, const char *const v[SL_FIELD_COUNT]) {
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        assert_non_null(r->field[i].ptr);
        assert_int_equal(r->field[i].len, strlen(v[i]));
        assert_memory_equal(r->field[i].ptr, v[i], r->field[i].len);
        assert_int_equal(r->field[i].ptr[r->field[i].len], '\0');
    }
}

/* A writer record schema named name with the given field declarations (JSON objects). */
static char *writer(const char *name, const char *const *decls, size_t n) {
    static char buf[16384];
    size_t at = (size_t)snprintf(buf, sizeof buf,
                                 "{\"type\":\"record\",\"name\":\"%s\",\"namespace\":\"other.ns\","
                                 "\"fields\":[",
                                 name);
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", i ? "," : "", decls[i]);
    snprintf(buf + at, sizeof buf - at, "]}");
    return buf;
}

static char *string_field(int f) {
    static char d[SL_FIELD_COUNT][96];
    snprintf(d[f], sizeof d[f], "{\"name\":\"%s\",\"type\":\"string\"}",
             sl_field_name((sl_field_t)f));
    return d[f];
}

static sl_avro_reader_t *compile(const char *schema) {
    sl_registry_err_t err = SL_REGISTRY_OK;
    char why[256] = "";
    sl_avro_reader_t *rd = sl_avro_reader_new(schema, strlen(schema), &err, why, sizeof why);
    if (!rd)
        fprintf(stderr, "compile failed: %s\n  schema %s\n", why, schema);
    assert_non_null(rd);
    return rd;
}

static void expect_unresolvable(const char *schema, sl_registry_err_t want, const char *part) {
    sl_registry_err_t err = SL_REGISTRY_OK;
    char why[256] = "";
    sl_avro_reader_t *rd = sl_avro_reader_new(schema, strlen(schema), &err, why, sizeof why);
    if (rd || err != want || !strstr(why, part))
        fprintf(stderr, "schema %s\n  err %d why %s\n", schema, (int)err, why);
    assert_null(rd);
    assert_int_equal(err, want);
    assert_non_null(strstr(why, part));
}

static sl_reject_t decode(sl_avro_reader_t *rd, const bytes_t *in, sl_record_t *out,
                          sl_field_t *field, char *why, size_t why_size) {
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    return sl_avro_reader_decode(rd, in->b, in->n, out, scratch, sizeof scratch, field, why,
                                 why_size);
}

/* in decodes with the writer schema to the record want. */
static void expect_record(const char *schema, const bytes_t *in,
                          const char *const want[SL_FIELD_COUNT]) {
    sl_avro_reader_t *rd = compile(schema);
    sl_record_t r;
    char why[256] = "";
    sl_reject_t got = decode(rd, in, &r, NULL, why, sizeof why);
    if (got != SL_REJECT_NONE)
        fprintf(stderr, "decode: %s: %s\n", sl_reject_name(got), why);
    assert_int_equal(got, SL_REJECT_NONE);
    assert_record(&r, want);
    sl_avro_reader_free(rd);
}

/* ---- the schema ---- */

static const char *str_at(yajl_val obj, const char *key) {
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

static void schema_is_the_record(void **state) {
    (void)state;
    char err[256];
    yajl_val root = yajl_tree_parse(sl_avro_schema(), err, sizeof err);
    assert_non_null(root);
    assert_int_equal(strlen(sl_avro_schema()), sl_avro_schema_len());
    assert_string_equal(str_at(root, "type"), "record");
    assert_string_equal(str_at(root, "name"), "User");
    assert_string_equal(str_at(root, "namespace"), "sluice");
    assert_true(strlen(str_at(root, "doc")) > 20);
    const char *fp[] = {"fields", NULL};
    yajl_val fields = yajl_tree_get(root, fp, yajl_t_array);
    assert_non_null(fields);
    assert_int_equal(YAJL_GET_ARRAY(fields)->len, SL_FIELD_COUNT);
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        yajl_val f = YAJL_GET_ARRAY(fields)->values[i];
        assert_string_equal(str_at(f, "name"), sl_field_name((sl_field_t)i));
        assert_true(strlen(str_at(f, "doc")) > 10);
        const char *tp[] = {"type", NULL};
        yajl_val t = yajl_tree_get(f, tp, yajl_t_any);
        if (i == SL_FIELD_ID) {
            assert_true(YAJL_IS_OBJECT(t));
            assert_string_equal(str_at(t, "type"), "string");
            assert_string_equal(str_at(t, "logicalType"), "uuid");
        } else {
            assert_string_equal(YAJL_GET_STRING(t), "string");
        }
        const char *dp[] = {"default", NULL};
        yajl_val d = yajl_tree_get(f, dp, yajl_t_any);
        /* the fields validation lets be empty have "", the others none */
        int may_be_empty = i == SL_FIELD_GENDER || i == SL_FIELD_ADDRESS ||
                           i == SL_FIELD_POST_CODE || i == SL_FIELD_USERNAME ||
                           i == SL_FIELD_PHONE || i == SL_FIELD_PICTURE;
        assert_int_equal(d != NULL, may_be_empty);
        assert_int_equal(sl_avro_field_has_default((sl_field_t)i), may_be_empty);
        if (d)
            assert_string_equal(YAJL_GET_STRING(d), "");
    }
    assert_false(sl_avro_field_has_default(SL_FIELD_NONE));
    yajl_tree_free(root);
    /* libavro reads it as the reader of itself */
    sl_avro_reader_free(compile(sl_avro_schema()));
}

/* docs/schema-registry.md shows the schema exactly */
static void schema_in_the_docs(void **state) {
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    assert_non_null(slash);
    snprintf(slash, sizeof path - (size_t)(slash - path), "/../../docs/schema-registry.md");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    const char *begin = strstr(doc, "<!-- BEGIN avro-schema -->\n```json\n");
    const char *end = strstr(doc, "\n```\n<!-- END avro-schema -->");
    assert_non_null(begin);
    assert_non_null(end);
    begin += strlen("<!-- BEGIN avro-schema -->\n```json\n");
    if ((size_t)(end - begin) != sl_avro_schema_len() ||
        memcmp(begin, sl_avro_schema(), sl_avro_schema_len()) != 0)
        fail_msg("docs/schema-registry.md shows another schema than sl_avro_schema(); copy it "
                 "from there");
}

/* ---- encoding ---- */

static void encode_exact_bytes(void **state) {
    (void)state;
    char err[256];
    sl_avro_encoder_t *e = sl_avro_encoder_new(0x01020304, err, sizeof err);
    assert_non_null(e);
    sl_record_t r;
    make(&r, ana);
    unsigned char buf[SL_AVRO_FRAMED_MAX];
    size_t len = 0;
    assert_int_equal(sl_avro_encoder_encode(e, &r, buf, sizeof buf, &len), SL_REGISTRY_OK);
    bytes_t want = {.n = 0};
    put_raw(&want, "\x00\x01\x02\x03\x04", 5);
    for (int i = 0; i < SL_FIELD_COUNT; i++)
        put_str(&want, ana[i]);
    assert_int_equal(len, want.n);
    assert_memory_equal(buf, want.b, len);
    /* NULL fields are "", a second record reuses the encoder */
    r.field[SL_FIELD_PHONE].ptr = NULL;
    assert_int_equal(sl_avro_encoder_encode(e, &r, buf, sizeof buf, &len), SL_REGISTRY_OK);
    assert_int_equal(len, want.n - strlen(ana[SL_FIELD_PHONE]));
    /* too small a buffer fails */
    assert_int_equal(sl_avro_encoder_encode(e, &r, buf, 40, &len), SL_REGISTRY_ERR_ENCODE);
    assert_int_equal(sl_avro_encoder_encode(e, &r, buf, 3, &len), SL_REGISTRY_ERR_ENCODE);
    /* the largest valid record fits SL_AVRO_FRAMED_MAX: the optional fields filled up to
     * the total (each at most the field cap) */
    static char big[SL_RECORD_FIELD_MAX + 1]; /* NUL-terminated, as record fields are */
    memset(big, 'x', SL_RECORD_FIELD_MAX);
    sl_record_t m;
    make(&m, ana);
    size_t left = SL_RECORD_MAX;
    for (int i = 0; i < SL_FIELD_COUNT; i++)
        left -= sl_avro_field_has_default((sl_field_t)i) ? 0 : strlen(ana[i]);
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        if (!sl_avro_field_has_default((sl_field_t)i))
            continue;
        size_t n = left < SL_RECORD_FIELD_MAX ? left : SL_RECORD_FIELD_MAX;
        m.field[i].ptr = big + SL_RECORD_FIELD_MAX - n;
        m.field[i].len = n;
        left -= n;
    }
    assert_int_equal(left, 0);
    assert_int_equal(sl_record_validate(&m, NULL), SL_REJECT_NONE);
    assert_int_equal(sl_avro_encoder_encode(e, &m, buf, sizeof buf, &len), SL_REGISTRY_OK);
    sl_avro_encoder_free(e);
    sl_avro_encoder_free(NULL);
}

static void round_trip(void **state) {
    (void)state;
    char err[256];
    sl_avro_encoder_t *e = sl_avro_encoder_new(7, err, sizeof err);
    sl_avro_reader_t *rd = compile(sl_avro_schema());
    sl_record_t r, back;
    make(&r, ana);
    unsigned char buf[SL_AVRO_FRAMED_MAX];
    size_t len;
    assert_int_equal(sl_avro_encoder_encode(e, &r, buf, sizeof buf, &len), SL_REGISTRY_OK);
    bytes_t in = {.n = 0};
    put_raw(&in, buf + SL_WIRE_HEADER_SIZE, len - SL_WIRE_HEADER_SIZE);
    sl_field_t f = SL_FIELD_ID;
    char why[256];
    assert_int_equal(decode(rd, &in, &back, &f, why, sizeof why), SL_REJECT_NONE);
    assert_int_equal(f, SL_FIELD_NONE);
    assert_record(&back, ana);
    /* decode -> encode gives the same bytes */
    unsigned char buf2[SL_AVRO_FRAMED_MAX];
    size_t len2;
    assert_int_equal(sl_avro_encoder_encode(e, &back, buf2, sizeof buf2, &len2), SL_REGISTRY_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(buf, buf2, len);
    sl_avro_reader_free(rd);
    sl_avro_encoder_free(e);
}

/* ---- resolution ---- */

static void reordered_fields(void **state) {
    (void)state;
    const char *decls[SL_FIELD_COUNT];
    bytes_t in = {.n = 0};
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        int f = SL_FIELD_COUNT - 1 - i;
        decls[i] = string_field(f);
        put_str(&in, ana[f]);
    }
    expect_record(writer("User", decls, SL_FIELD_COUNT), &in, ana);
}

/* Every Avro type as an extra writer field, between the record's fields, with a value. */
static void extra_fields_of_every_type_ignored(void **state) {
    (void)state;
    static const char *const extras[] = {
        "{\"name\":\"x_null\",\"type\":\"null\"}",
        "{\"name\":\"x_bool\",\"type\":\"boolean\"}",
        "{\"name\":\"x_int\",\"type\":\"int\"}",
        "{\"name\":\"x_long\",\"type\":\"long\"}",
        "{\"name\":\"x_float\",\"type\":\"float\"}",
        "{\"name\":\"x_double\",\"type\":\"double\"}",
        "{\"name\":\"x_bytes\",\"type\":\"bytes\"}",
        "{\"name\":\"x_string\",\"type\":\"string\",\"default\":\"d\"}",
        "{\"name\":\"x_fixed\",\"type\":{\"type\":\"fixed\",\"name\":\"F3\",\"size\":3}}",
        "{\"name\":\"x_enum\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\","
        "\"C\"]}}",
        "{\"name\":\"x_array\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}",
        "{\"name\":\"x_map\",\"type\":{\"type\":\"map\",\"values\":\"string\"}}",
        "{\"name\":\"x_union\",\"type\":[\"null\",\"int\",\"string\"],\"default\":null}",
        "{\"name\":\"x_record\",\"type\":{\"type\":\"record\",\"name\":\"Inner\",\"fields\":["
        "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"id\",\"type\":\"long\"}]}}",
        "{\"name\":\"x_list\",\"type\":{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
        "{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}}",
        "{\"name\":\"x_records\",\"type\":{\"type\":\"array\",\"items\":\"Inner\"}}",
        "{\"name\":\"x_fixed_again\",\"type\":\"F3\"}",
    };
    const size_t n_extras = sizeof extras / sizeof extras[0];
    const char *decls[SL_FIELD_COUNT + 32];
    size_t n = 0;
    bytes_t in = {.n = 0};
    size_t x = 0;
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        /* one or two extras before each record field, the rest at the end */
        for (int k = 0; k < 2 && x < n_extras && f > 0; k++)
            decls[n++] = extras[x++];
        decls[n++] = string_field(f);
    }
    while (x < n_extras)
        decls[n++] = extras[x++];
    /* the bytes, in declaration order */
    for (size_t i = 0; i < n; i++) {
        const char *d = decls[i];
        if (strncmp(d, "{\"name\":\"x_", 11) != 0) {
            put_str(&in, ana[sl_field_lookup(d + 9, strcspn(d + 9, "\""))]);
        } else if (strstr(d, "x_null")) {
        } else if (strstr(d, "x_bool")) {
            put_raw(&in, "\x01", 1);
        } else if (strstr(d, "x_int")) {
            put_long(&in, -123456);
        } else if (strstr(d, "x_long")) {
            put_long(&in, INT64_MIN);
        } else if (strstr(d, "x_float")) {
            put_raw(&in, "\x00\x00\x80\x3f", 4);
        } else if (strstr(d, "x_double")) {
            put_raw(&in, "\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);
        } else if (strstr(d, "x_bytes")) {
            put_long(&in, 3);
            put_raw(&in, "\x00\xff\x00", 3);
        } else if (strstr(d, "x_string")) {
            put_str(&in, "\"id\": not this one");
        } else if (strstr(d, "x_fixed")) {
            put_raw(&in, "abc", 3);
        } else if (strstr(d, "x_enum")) {
            put_long(&in, 2);
        } else if (strstr(d, "x_array")) {
            put_long(&in, 2), put_long(&in, 1), put_long(&in, 2);  /* a block of 2 */
            put_long(&in, -1), put_long(&in, 1), put_long(&in, 3); /* a sized block of 1 */
            put_long(&in, 0);
        } else if (strstr(d, "x_map")) {
            put_long(&in, 1), put_str(&in, "k"), put_str(&in, "v"), put_long(&in, 0);
        } else if (strstr(d, "x_union")) {
            put_long(&in, 2), put_str(&in, "a string branch");
        } else if (strstr(d, "x_records")) {
            put_long(&in, 1), put_long(&in, 5), put_long(&in, 6), put_long(&in, 0);
        } else if (strstr(d, "x_record")) {
            put_long(&in, 1), put_long(&in, 2);
        } else if (strstr(d, "x_list")) {
            /* 1 -> 2 -> 3 -> null */
            put_long(&in, 1), put_long(&in, 1), put_long(&in, 2), put_long(&in, 1);
            put_long(&in, 3), put_long(&in, 0);
        } else {
            fail_msg("no bytes for %s", d);
        }
    }
    sl_avro_reader_t *rd = compile(writer("User", decls, n));
    char why[256] = "";
    assert_int_equal(sl_avro_reader_check(rd, in.b, in.n, why, sizeof why), 0);
    sl_record_t r;
    sl_reject_t got = decode(rd, &in, &r, NULL, why, sizeof why);
    if (got != SL_REJECT_NONE)
        fprintf(stderr, "decode: %s: %s\n", sl_reject_name(got), why);
    assert_int_equal(got, SL_REJECT_NONE);
    assert_record(&r, ana);
    sl_avro_reader_free(rd);
}

static void missing_fields_take_defaults(void **state) {
    (void)state;
    const char *decls[SL_FIELD_COUNT];
    size_t n = 0;
    bytes_t in = {.n = 0};
    const char *want[SL_FIELD_COUNT];
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        want[f] = ana[f];
        if (f == SL_FIELD_GENDER || f == SL_FIELD_PICTURE || f == SL_FIELD_PHONE) {
            want[f] = "";
            continue;
        }
        decls[n++] = string_field(f);
        put_str(&in, ana[f]);
    }
    expect_record(writer("User", decls, n), &in, want);
}

static void union_of_strings_resolves(void **state) {
    (void)state;
    const char *decls[SL_FIELD_COUNT];
    bytes_t in = {.n = 0};
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        decls[f] = string_field(f);
        if (f == SL_FIELD_EMAIL) {
            decls[f] = "{\"name\":\"email\",\"type\":[\"string\"]}";
            put_long(&in, 0);
        }
        put_str(&in, ana[f]);
    }
    expect_record(writer("User", decls, SL_FIELD_COUNT), &in, ana);
}

/* The record's fields with field f declared as decl instead. */
static char *with_field(int f, const char *decl) {
    const char *decls[SL_FIELD_COUNT];
    for (int i = 0; i < SL_FIELD_COUNT; i++)
        decls[i] = i == f ? decl : string_field(i);
    return writer("User", decls, SL_FIELD_COUNT);
}

static void unresolvable_writers(void **state) {
    (void)state;
    const char *decls[SL_FIELD_COUNT];
    size_t n = 0;
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        if (f != SL_FIELD_EMAIL)
            decls[n++] = string_field(f);
    expect_unresolvable(writer("User", decls, n), SL_REGISTRY_ERR_RESOLVE,
                        "no field email and the record's gives it no default");
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        decls[f] = string_field(f);
    expect_unresolvable(writer("Person", decls, SL_FIELD_COUNT), SL_REGISTRY_ERR_RESOLVE,
                        "named Person");
    expect_unresolvable(with_field(SL_FIELD_POST_CODE, "{\"name\":\"post_code\",\"type\":\"int\"}"),
                        SL_REGISTRY_ERR_RESOLVE, "writer field post_code is int");
    expect_unresolvable(with_field(SL_FIELD_ID, "{\"name\":\"id\",\"type\":\"bytes\"}"),
                        SL_REGISTRY_ERR_RESOLVE, "bytes");
    expect_unresolvable(
        with_field(SL_FIELD_PHONE, "{\"name\":\"phone\",\"type\":[\"null\",\"string\"]}"),
        SL_REGISTRY_ERR_RESOLVE, "a union with a branch that is not a string");
    expect_unresolvable(with_field(SL_FIELD_PHONE, "{\"name\":\"phone\",\"type\":{\"type\":"
                                                   "\"map\",\"values\":\"string\"}}"),
                        SL_REGISTRY_ERR_RESOLVE, "phone is map");
    expect_unresolvable("\"string\"", SL_REGISTRY_ERR_RESOLVE, "not a record");
    expect_unresolvable("{\"type\":", SL_REGISTRY_ERR_SCHEMA_PARSE, "writer schema");
    expect_unresolvable("{\"type\":\"nonsense\"}", SL_REGISTRY_ERR_SCHEMA_PARSE, "");
    expect_unresolvable("syntax = \"proto3\"; message User {}", SL_REGISTRY_ERR_SCHEMA_PARSE, "");
    /* a named type defined twice (libavro would leak the first), in any namespace form */
    const char *twice[SL_FIELD_COUNT + 2];
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        twice[f] = string_field(f);
    twice[SL_FIELD_COUNT] =
        "{\"name\":\"a\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}}";
    twice[SL_FIELD_COUNT + 1] =
        "{\"name\":\"b\",\"type\":{\"type\":\"enum\",\"name\":\"other.ns.F\",\"symbols\":[\"A\"]}}";
    expect_unresolvable(writer("User", twice, SL_FIELD_COUNT + 2), SL_REGISTRY_ERR_SCHEMA_PARSE,
                        "defines other.ns.F twice");
    /* the same short name in two namespaces is two types */
    twice[SL_FIELD_COUNT + 1] = "{\"name\":\"b\",\"type\":{\"type\":\"enum\",\"name\":\"F\","
                                "\"namespace\":\"elsewhere\",\"symbols\":[\"A\"]}}";
    sl_avro_reader_free(compile(writer("User", twice, SL_FIELD_COUNT + 2)));
    /* text nested far deeper than any schema */
    static char deep[20002];
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    expect_unresolvable(deep, SL_REGISTRY_ERR_SCHEMA_PARSE, "nests deeper");
}

static void unbounded_writers_refused(void **state) {
    (void)state;
    const char *decls[SL_FIELD_COUNT + 12];
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        decls[f] = string_field(f);
    static const char *const zero_size_items[] = {
        "{\"name\":\"nulls\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}",
        "{\"name\":\"e\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
        "\"name\":\"Empty\",\"fields\":[]}}}",
        "{\"name\":\"z\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"fixed\","
        "\"name\":\"Z\",\"size\":0}}}",
    };
    for (size_t i = 0; i < 3; i++) {
        decls[SL_FIELD_COUNT] = zero_size_items[i];
        expect_unresolvable(writer("User", decls, SL_FIELD_COUNT + 1), SL_REGISTRY_ERR_RESOLVE,
                            "items take no bytes");
    }
    /* a record that holds itself with no union in between: endless data */
    decls[SL_FIELD_COUNT] = "{\"name\":\"loop\",\"type\":{\"type\":\"record\",\"name\":"
                            "\"Loop\",\"fields\":[{\"name\":\"again\",\"type\":\"Loop\"}]}}";
    expect_unresolvable(writer("User", decls, SL_FIELD_COUNT + 1), SL_REGISTRY_ERR_RESOLVE,
                        "contains itself");
    /* L0 has two nulls, each Li two L(i-1): L11 stands for 4096 nulls */
    static char level[12][256];
    snprintf(level[0], sizeof level[0],
             "{\"name\":\"l0\",\"type\":{\"type\":\"record\",\"name\":\"L0\",\"fields\":["
             "{\"name\":\"a\",\"type\":\"null\"},{\"name\":\"b\",\"type\":\"null\"}]}}");
    for (int i = 1; i < 12; i++)
        snprintf(level[i], sizeof level[i],
                 "{\"name\":\"l%d\",\"type\":{\"type\":\"record\",\"name\":\"L%d\",\"fields\":["
                 "{\"name\":\"a\",\"type\":\"L%d\"},{\"name\":\"b\",\"type\":\"L%d\"}]}}",
                 i, i, i - 1, i - 1);
    for (int i = 0; i < 12; i++)
        decls[SL_FIELD_COUNT + i] = level[i];
    expect_unresolvable(writer("User", decls, SL_FIELD_COUNT + 12), SL_REGISTRY_ERR_RESOLVE,
                        "expands to more than");
    /* four levels are fine (2^4 nulls) */
    sl_avro_reader_free(compile(writer("User", decls, SL_FIELD_COUNT + 4)));
    /* nesting deeper than the limit */
    static char deep[8192];
    size_t at = (size_t)snprintf(deep, sizeof deep, "{\"name\":\"deep\",\"type\":");
    for (int i = 0; i < SL_AVRO_DEPTH_MAX + 2; i++)
        at += (size_t)snprintf(deep + at, sizeof deep - at, "{\"type\":\"array\",\"items\":");
    at += (size_t)snprintf(deep + at, sizeof deep - at, "\"int\"");
    for (int i = 0; i < SL_AVRO_DEPTH_MAX + 2; i++)
        at += (size_t)snprintf(deep + at, sizeof deep - at, "}");
    snprintf(deep + at, sizeof deep - at, "}");
    decls[SL_FIELD_COUNT] = deep;
    expect_unresolvable(writer("User", decls, SL_FIELD_COUNT + 1), SL_REGISTRY_ERR_RESOLVE,
                        "nests deeper");
}

/* ---- bytes that are not a datum ---- */

static void expect_bad(sl_avro_reader_t *rd, const bytes_t *in, const char *part) {
    sl_record_t r;
    char why[256] = "";
    sl_field_t f = SL_FIELD_ID;
    sl_reject_t got = decode(rd, in, &r, &f, why, sizeof why);
    if (got != SL_REJECT_BAD_AVRO || !strstr(why, part))
        fprintf(stderr, "got %s: %s (want %s)\n", sl_reject_name(got), why, part);
    assert_int_equal(got, SL_REJECT_BAD_AVRO);
    assert_int_equal(f, SL_FIELD_NONE);
    assert_non_null(strstr(why, part));
}

static void good_bytes(bytes_t *in) {
    in->n = 0;
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        put_str(in, ana[f]);
}

static void bad_bytes(void **state) {
    (void)state;
    sl_avro_reader_t *rd = compile(sl_avro_schema());
    static bytes_t in, cut;
    good_bytes(&in);
    /* cut at every length: never a record, never a crash */
    for (size_t k = 0; k < in.n; k++) {
        cut.n = 0;
        put_raw(&cut, in.b, k);
        expect_bad(rd, &cut, "");
    }
    in.b[in.n++] = 0;
    expect_bad(rd, &in, "1 bytes after the record");
    /* a string claiming a terabyte */
    in.n = 0;
    put_long(&in, (int64_t)1 << 40);
    put_raw(&in, "abc", 3);
    expect_bad(rd, &in, "string length past the end");
    in.n = 0;
    put_long(&in, -5);
    expect_bad(rd, &in, "string length past the end");
    in.n = 0;
    put_raw(&in, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
    expect_bad(rd, &in, "longer than 10 bytes");
    sl_avro_reader_free(rd);

    /* a writer with extras: union index, enum index, boolean, array counts, nesting */
    const char *decls[SL_FIELD_COUNT + 1];
    for (int f = 0; f < SL_FIELD_COUNT; f++)
        decls[f] = string_field(f);
    static const struct {
        const char *decl;
        int64_t values[4];
        int n_values;
        const char *why;
    } cases[] = {
        {"{\"name\":\"u\",\"type\":[\"null\",\"int\"]}", {2}, 1, "union index out of range"},
        {"{\"name\":\"u\",\"type\":[\"null\",\"int\"]}", {-1}, 1, "union index out of range"},
        {"{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}",
         {1},
         1,
         "enum index out of range"},
        {"{\"name\":\"i\",\"type\":\"int\"}", {(int64_t)1 << 33}, 1, "int out of range"},
        {"{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}",
         {1000, 1},
         2,
         "block count past the end"},
        {"{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}",
         {-1, 5000},
         2,
         "block size past the end"},
        {"{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"}}",
         {1, 50},
         2,
         "map key past the end"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        decls[SL_FIELD_COUNT] = cases[c].decl;
        rd = compile(writer("User", decls, SL_FIELD_COUNT + 1));
        good_bytes(&in);
        for (int v = 0; v < cases[c].n_values; v++)
            put_long(&in, cases[c].values[v]);
        expect_bad(rd, &in, cases[c].why);
        sl_avro_reader_free(rd);
    }
    decls[SL_FIELD_COUNT] = "{\"name\":\"b\",\"type\":\"boolean\"}";
    rd = compile(writer("User", decls, SL_FIELD_COUNT + 1));
    good_bytes(&in);
    put_raw(&in, "\x02", 1);
    expect_bad(rd, &in, "bad boolean");
    sl_avro_reader_free(rd);
    /* a linked list deeper than the limit (each node is a union and a record) */
    decls[SL_FIELD_COUNT] =
        "{\"name\":\"l\",\"type\":{\"type\":\"record\",\"name\":\"N\",\"fields\":"
        "[{\"name\":\"next\",\"type\":[\"null\",\"N\"]}]}}";
    rd = compile(writer("User", decls, SL_FIELD_COUNT + 1));
    good_bytes(&in);
    for (int i = 0; i < SL_AVRO_DEPTH_MAX; i++)
        put_long(&in, 1);
    put_long(&in, 0);
    expect_bad(rd, &in, "nested deeper");
    /* and a short one decodes */
    good_bytes(&in);
    for (int i = 0; i < 5; i++)
        put_long(&in, 1);
    put_long(&in, 0);
    sl_record_t r;
    char why[256];
    assert_int_equal(decode(rd, &in, &r, NULL, why, sizeof why), SL_REJECT_NONE);
    assert_record(&r, ana);
    sl_avro_reader_free(rd);
}

/* ---- validation after decoding ---- */

static void validated_after_decoding(void **state) {
    (void)state;
    sl_avro_reader_t *rd = compile(sl_avro_schema());
    static bytes_t in;
    const char *v[SL_FIELD_COUNT];
    sl_record_t r;
    sl_field_t f;
    char why[256];
    struct {
        int field;
        const char *value;
        size_t len;
        sl_reject_t want;
    } cases[] = {
        {SL_FIELD_EMAIL, "not-an-email", 0, SL_REJECT_BAD_EMAIL},
        {SL_FIELD_ID, "3f1c2b9a", 0, SL_REJECT_BAD_ID},
        {SL_FIELD_FIRST_NAME, "  ", 0, SL_REJECT_MISSING_NAME},
        {SL_FIELD_DOB, "yesterday", 0, SL_REJECT_BAD_DOB},
        {SL_FIELD_PHONE, "a\0b", 3, SL_REJECT_BAD_UTF8},
        {SL_FIELD_ADDRESS, "\xc3\x28", 0, SL_REJECT_BAD_UTF8},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        in.n = 0;
        for (int i = 0; i < SL_FIELD_COUNT; i++) {
            v[i] = i == cases[c].field ? cases[c].value : ana[i];
            size_t len = i == cases[c].field && cases[c].len ? cases[c].len : strlen(v[i]);
            put_long(&in, (int64_t)len);
            put_raw(&in, v[i], len);
        }
        assert_int_equal(decode(rd, &in, &r, &f, why, sizeof why), cases[c].want);
        assert_int_equal(f, cases[c].field);
    }
    /* a field over the cap; all fields over the total; a scratch too small */
    static char big[SL_RECORD_FIELD_MAX + 2];
    memset(big, 'a', SL_RECORD_FIELD_MAX + 1);
    in.n = 0;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        size_t len = i == SL_FIELD_ADDRESS ? SL_RECORD_FIELD_MAX + 1 : strlen(ana[i]);
        put_long(&in, (int64_t)len);
        put_raw(&in, i == SL_FIELD_ADDRESS ? big : ana[i], len);
    }
    assert_int_equal(decode(rd, &in, &r, &f, why, sizeof why), SL_REJECT_FIELD_TOO_LONG);
    assert_int_equal(f, SL_FIELD_ADDRESS);
    in.n = 0;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        size_t len = sl_avro_field_has_default((sl_field_t)i) ? 1000 : strlen(ana[i]);
        put_long(&in, (int64_t)len);
        put_raw(&in, len == 1000 ? big : ana[i], len);
    }
    assert_int_equal(decode(rd, &in, &r, &f, why, sizeof why), SL_REJECT_RECORD_TOO_LONG);
    good_bytes(&in);
    char small[64];
    assert_int_equal(
        sl_avro_reader_decode(rd, in.b, in.n, &r, small, sizeof small, &f, why, sizeof why),
        SL_REJECT_RECORD_TOO_LONG);
    assert_int_not_equal(f, SL_FIELD_NONE);
    /* over the message cap */
    static bytes_t huge;
    huge.n = SL_RECORD_JSON_MSG_MAX + 1;
    assert_int_equal(decode(rd, &huge, &r, &f, why, sizeof why), SL_REJECT_TOO_LARGE);
    sl_avro_reader_free(rd);
    sl_avro_reader_free(NULL);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(schema_is_the_record), cmocka_unit_test(schema_in_the_docs),
          cmocka_unit_test(encode_exact_bytes), cmocka_unit_test(round_trip),
          cmocka_unit_test(reordered_fields), cmocka_unit_test(extra_fields_of_every_type_ignored),
          cmocka_unit_test(missing_fields_take_defaults),
          cmocka_unit_test(union_of_strings_resolves), cmocka_unit_test(unresolvable_writers),
          cmocka_unit_test(unbounded_writers_refused), cmocka_unit_test(bad_bytes),
          cmocka_unit_test(validated_after_decoding))
