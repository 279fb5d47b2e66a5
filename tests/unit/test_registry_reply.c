/*
 * Unit tests for sl_registry_reply, the parser of registry answers: every member it reads,
 * the answers of Confluent's registry and Apicurio's as sent, unknown members of any type
 * and depth ignored, and each way an answer is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_registry_reply.h"

static sl_registry_err_t parse(const char *body, sl_registry_reply_t *r, char *why, size_t n) {
    return sl_registry_reply_parse(body, strlen(body), 1 << 20, r, why, n);
}

/* Parses body, which must be a good answer, into *r. */
static void parse_ok(const char *body, sl_registry_reply_t *r) {
    char why[160] = "";
    sl_registry_err_t got = parse(body, r, why, sizeof why);
    if (got != SL_REGISTRY_OK)
        fprintf(stderr, "body %s: got %d (%s)\n", body, (int)got, why);
    assert_int_equal(got, SL_REGISTRY_OK);
}

static void expect_bad(const char *body, sl_registry_err_t want, const char *why_part) {
    sl_registry_reply_t r;
    char why[160] = "";
    sl_registry_err_t got = parse(body, &r, why, sizeof why);
    if (got != want || !strstr(why, why_part))
        fprintf(stderr, "body %s: got %d (%s)\n", body, (int)got, why);
    assert_int_equal(got, want);
    assert_non_null(strstr(why, why_part));
    sl_registry_reply_clear(&r);
}

static void members_of_each_answer(void **state) {
    (void)state;
    sl_registry_reply_t r;
    /* register (Confluent) */
    parse_ok("{\"id\":21}", &r);
    assert_true(r.has_id);
    assert_int_equal(r.id, 21);
    assert_false(r.has_version);
    assert_null(r.schema);
    sl_registry_reply_clear(&r);
    /* lookup (Apicurio's, verbatim) */
    parse_ok("{\"id\":1,\"subject\":\"t1-value\",\"version\":1,\"schema\":"
             "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"X\\\",\\\"fields\\\":"
             "[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\","
             "\"references\":[]}",
             &r);
    assert_int_equal(r.version, 1);
    assert_string_equal(r.schema, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":"
                                  "\"a\",\"type\":\"string\"}]}");
    assert_int_equal(r.schema_len, strlen(r.schema));
    assert_int_equal(r.n_references, 0);
    sl_registry_reply_clear(&r);
    /* an error */
    parse_ok("{\"error_code\":40403,\"message\":\"Schema not found\"}", &r);
    assert_true(r.has_error_code);
    assert_int_equal(r.error_code, 40403);
    assert_string_equal(r.message, "Schema not found");
    sl_registry_reply_clear(&r);
    /* config, both spellings */
    parse_ok("{\"compatibilityLevel\":\"BACKWARD\"}", &r);
    assert_string_equal(r.compatibility, "BACKWARD");
    sl_registry_reply_clear(&r);
    parse_ok("{\"compatibility\":\"FULL_TRANSITIVE\"}", &r);
    assert_string_equal(r.compatibility, "FULL_TRANSITIVE");
    sl_registry_reply_clear(&r);
    /* compatibility check: Confluent's messages, Apicurio's reason */
    parse_ok("{\"is_compatible\":false,\"messages\":[\"a\",\"b c\",7,{\"x\":1}]}", &r);
    assert_true(r.has_is_compatible);
    assert_int_equal(r.is_compatible, 0);
    assert_string_equal(r.reasons, "a; b c");
    sl_registry_reply_clear(&r);
    parse_ok("{\"is_compatible\":true,\"reason\":\"fine\"}", &r);
    assert_int_equal(r.is_compatible, 1);
    assert_string_equal(r.reasons, "fine");
    sl_registry_reply_clear(&r);
    /* schema with a type and references */
    parse_ok("{\"schema\":\"x\",\"schemaType\":\"PROTOBUF\",\"references\":["
             "{\"name\":\"a.proto\",\"subject\":\"a\",\"version\":1},{}]}",
             &r);
    assert_string_equal(r.schema_type, "PROTOBUF");
    assert_int_equal(r.n_references, 2);
    assert_false(r.has_version); /* a version inside a reference is not the answer's */
    sl_registry_reply_clear(&r);
}

static void lists(void **state) {
    (void)state;
    sl_registry_reply_t r;
    parse_ok(" [ \"a-value\" , \"Ж-value\" ] ", &r);
    assert_true(r.is_array);
    assert_int_equal(r.n_items, 2);
    assert_string_equal(r.strings[1], "Ж-value");
    assert_null(r.ints);
    sl_registry_reply_clear(&r);
    parse_ok("[1,2,30]", &r);
    assert_int_equal(r.n_items, 3);
    assert_int_equal(r.ints[2], 30);
    sl_registry_reply_clear(&r);
    parse_ok("[]", &r);
    assert_true(r.is_array);
    assert_int_equal(r.n_items, 0);
    sl_registry_reply_clear(&r);
    /* a long list grows */
    char *big = malloc(60000);
    size_t n = 0;
    big[n++] = '[';
    for (int i = 0; i < 10000; i++)
        n += (size_t)sprintf(big + n, "%s%d", i ? "," : "", i);
    big[n++] = ']';
    big[n] = '\0';
    parse_ok(big, &r);
    assert_int_equal(r.n_items, 10000);
    assert_int_equal(r.ints[9999], 9999);
    sl_registry_reply_clear(&r);
    free(big);
    sl_registry_reply_clear(&r); /* twice is fine */
}

static void unknown_members_ignored(void **state) {
    (void)state;
    sl_registry_reply_t r;
    char why[160];
    parse_ok("{\"x\":null,\"y\":[1,[2,[3,{\"id\":\"nested\"}]]],\"z\":{\"id\":{}},"
             "\"w\":1.5,\"v\":true,\"u\":\"s\",\"id\":5}",
             &r);
    assert_int_equal(r.id, 5);
    sl_registry_reply_clear(&r);
    /* nesting up to the limit is fine, one more is not */
    char deep[4 * SL_REGISTRY_REPLY_DEPTH + 64];
    for (int extra = 0; extra < 2; extra++) {
        size_t n = (size_t)sprintf(deep, "{\"a\":");
        int levels = SL_REGISTRY_REPLY_DEPTH - 1 + extra;
        for (int i = 0; i < levels; i++)
            deep[n++] = '[';
        for (int i = 0; i < levels; i++)
            deep[n++] = ']';
        deep[n++] = '}';
        deep[n] = '\0';
        sl_registry_err_t e = parse(deep, &r, why, sizeof why);
        assert_int_equal(e, extra ? SL_REGISTRY_ERR_BAD_RESPONSE : SL_REGISTRY_OK);
        sl_registry_reply_clear(&r);
    }
    /* null for an optional member is as if absent */
    parse_ok("{\"message\":null,\"version\":null,\"id\":1}", &r);
    assert_false(r.has_version);
    sl_registry_reply_clear(&r);
}

static void refused(void **state) {
    (void)state;
    expect_bad("", SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON");
    expect_bad("   ", SL_REGISTRY_ERR_BAD_RESPONSE, "");
    expect_bad("{\"id\":1", SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON");
    expect_bad("{\"id\":1}x", SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON");
    expect_bad("<html></html>", SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON");
    expect_bad("42", SL_REGISTRY_ERR_BAD_RESPONSE, "scalar");
    expect_bad("\"text\"", SL_REGISTRY_ERR_BAD_RESPONSE, "scalar");
    expect_bad("{\"id\":\"1\"}", SL_REGISTRY_ERR_BAD_RESPONSE, "\"id\" is a string");
    expect_bad("{\"id\":1.5}", SL_REGISTRY_ERR_BAD_RESPONSE, "\"id\" is a fraction");
    expect_bad("{\"id\":null}", SL_REGISTRY_ERR_BAD_RESPONSE, "\"id\" is null");
    expect_bad("{\"schema\":{}}", SL_REGISTRY_ERR_BAD_RESPONSE, "\"schema\" is an object");
    expect_bad("{\"is_compatible\":\"yes\"}", SL_REGISTRY_ERR_BAD_RESPONSE, "a string");
    expect_bad("{\"message\":[]}", SL_REGISTRY_ERR_BAD_RESPONSE, "an array");
    expect_bad("{\"id\":1,\"id\":2}", SL_REGISTRY_ERR_BAD_RESPONSE, "twice");
    expect_bad("[1,\"a\"]", SL_REGISTRY_ERR_BAD_RESPONSE, "mixes");
    expect_bad("[\"a\",1]", SL_REGISTRY_ERR_BAD_RESPONSE, "mixes");
    expect_bad("[[1]]", SL_REGISTRY_ERR_BAD_RESPONSE, "an array");
    expect_bad("[{}]", SL_REGISTRY_ERR_BAD_RESPONSE, "an object");
    expect_bad("[null]", SL_REGISTRY_ERR_BAD_RESPONSE, "null");
    expect_bad("[true]", SL_REGISTRY_ERR_BAD_RESPONSE, "boolean");
    expect_bad("[1.5]", SL_REGISTRY_ERR_BAD_RESPONSE, "integer");
    expect_bad("{\"m\":\"\xff\"}", SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON"); /* UTF-8 */
    /* a schema over max_string */
    sl_registry_reply_t r;
    char why[160];
    const char *b = "{\"schema\":\"0123456789\"}";
    assert_int_equal(sl_registry_reply_parse(b, strlen(b), 9, &r, why, sizeof why),
                     SL_REGISTRY_ERR_TOO_BIG);
    sl_registry_reply_clear(&r);
    assert_int_equal(sl_registry_reply_parse(b, strlen(b), 10, &r, why, sizeof why),
                     SL_REGISTRY_OK);
    sl_registry_reply_clear(&r);
}

static void texts_are_safe_and_cut(void **state) {
    (void)state;
    char out[16];
    sl_registry_reply_text(out, sizeof out,
                           "a\nb\tc\x7f"
                           "d",
                           7);
    assert_string_equal(out, "a?b?c?d");
    sl_registry_reply_text(out, sizeof out, "0123456789abcdefghij", 20);
    assert_string_equal(out, "0123456789ab...");
    sl_registry_reply_text(out, 0, "x", 1); /* no-op */
    sl_registry_reply_t r;
    char body[2000];
    char msg[1200];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    snprintf(body, sizeof body, "{\"message\":\"%s\"}", msg);
    parse_ok(body, &r);
    assert_int_equal(strlen(r.message), SL_REGISTRY_TEXT_MAX - 1);
    assert_string_equal(r.message + SL_REGISTRY_TEXT_MAX - 4, "...");
    sl_registry_reply_clear(&r);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(members_of_each_answer), cmocka_unit_test(lists),
          cmocka_unit_test(unknown_members_ignored), cmocka_unit_test(refused),
          cmocka_unit_test(texts_are_safe_and_cut))
