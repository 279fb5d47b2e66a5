/*
 * Unit tests for sl_record_json: exact encoded bytes (escapes, non-ASCII), the
 * snprintf-style size contract, encode -> decode round trips, decoding of escapes and
 * whitespace, and one message per reject reason of the decoder.
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
#include "sl_record_json.h"
#include "test_record_util.h"

static const char jennie_json[] =
    "{\"id\":\"7a0eed16-9430-4d68-901f-c0d4c1c3bf00\",\"first_name\":\"Jennie\","
    "\"last_name\":\"Nichols\",\"gender\":\"female\","
    "\"address\":\"8929 Valwood Pkwy, Billings, Michigan, United States\","
    "\"post_code\":\"63104\",\"email\":\"jennie.nichols@example.com\","
    "\"username\":\"yellowpeacock117\",\"dob\":\"1992-03-08T15:13:16.688Z\","
    "\"registered_date\":\"2007-07-09T05:51:59.390Z\",\"phone\":\"(272) 790-0888\","
    "\"picture\":\"https://randomuser.me/api/portraits/med/women/75.jpg\"}";

static void assert_fields(const sl_record_t *r, const char *const v[12]) {
    for (int i = 0; i < 12; i++) {
        assert_non_null(r->field[i].ptr);
        assert_int_equal(r->field[i].len, strlen(v[i]));
        assert_memory_equal(r->field[i].ptr, v[i], r->field[i].len);
        assert_int_equal(r->field[i].ptr[r->field[i].len], '\0');
    }
}

static void encode_exact(void **state) {
    (void)state;
    sl_record_t r;
    test_record_jennie(&r);
    char buf[SL_RECORD_JSON_MAX];
    size_t n = sl_record_to_json(&r, buf, sizeof buf);
    assert_int_equal(n, sizeof jennie_json - 1);
    assert_string_equal(buf, jennie_json);
}

static void encode_escapes(void **state) {
    (void)state;
    sl_record_t r;
    test_record_jennie(&r);
    static const char weird[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f Ж ی 😀";
    r.field[SL_FIELD_ADDRESS].ptr = weird;
    r.field[SL_FIELD_ADDRESS].len = sizeof weird - 1;
    r.field[SL_FIELD_PHONE].ptr = NULL; /* encoded as "" */
    char buf[SL_RECORD_JSON_MAX];
    size_t n = sl_record_to_json(&r, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    const char *a = strstr(buf, "\"address\":\"");
    assert_non_null(a);
    static const char want[] =
        "\"address\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f Ж ی 😀\",\"post_code\"";
    assert_memory_equal(a, want, sizeof want - 1);
    assert_non_null(strstr(buf, ",\"phone\":\"\",\"picture\":"));
}

static void encode_size_contract(void **state) {
    (void)state;
    sl_record_t r;
    test_record_jennie(&r);
    size_t full = sizeof jennie_json - 1;
    char buf[600];
    /* exactly enough (with the NUL), one short, tiny, zero */
    assert_int_equal(sl_record_to_json(&r, buf, full + 1), full);
    assert_string_equal(buf, jennie_json);
    memset(buf, '#', sizeof buf);
    assert_int_equal(sl_record_to_json(&r, buf, full), full);
    assert_int_equal(strlen(buf), full - 1);
    assert_memory_equal(buf, jennie_json, full - 1);
    memset(buf, '#', sizeof buf);
    assert_int_equal(sl_record_to_json(&r, buf, 5), full);
    assert_string_equal(buf, "{\"id");
    assert_int_equal(buf[5], '#');
    assert_int_equal(sl_record_to_json(&r, NULL, 0), full);

    /* the worst case fits SL_RECORD_JSON_MAX: every byte of a maximal record escaped */
    static char ctl[SL_RECORD_FIELD_MAX];
    memset(ctl, '\x01', sizeof ctl);
    for (int i = 0; i < 4; i++) {
        r.field[i].ptr = ctl;
        r.field[i].len = sizeof ctl;
    }
    for (int i = 4; i < 12; i++)
        r.field[i].len = 0;
    static char big[SL_RECORD_JSON_MAX];
    size_t n = sl_record_to_json(&r, big, sizeof big);
    assert_true(n < sizeof big);
    assert_int_equal(n,
                     4 * 6 * SL_RECORD_FIELD_MAX +
                         strlen("{\"id\":\"\",\"first_name\":\"\",\"last_name\":\"\",\"gender\":"
                                "\"\",\"address\":\"\","
                                "\"post_code\":\"\",\"email\":\"\",\"username\":\"\",\"dob\":\"\","
                                "\"registered_date\":\"\",\"phone\":\"\",\"picture\":\"\"}"));
}

static void round_trip(void **state) {
    (void)state;
    static const char *const v[12] = {"B5E0F1D2-6A7B-4C8D-9E0F-1A2B3C4D5E6F",
                                      "Мирослава",
                                      "محمدرضا",
                                      "fe\"male\\",
                                      "2475 The \"Old\" Lane,\tSt Albans\n\x01\x1f\x7f",
                                      "1.50e+3",
                                      "o'connor+x@example.co.uk",
                                      "😀 user/name",
                                      "1965-12-31T23:59:59.999Z",
                                      "2004-02-29T00:00:00.000+05:30",
                                      "",
                                      "https:\\/\\/x"};
    sl_record_t r, back;
    test_record_set(&r, v);
    assert_int_equal(sl_record_validate(&r, NULL), SL_REJECT_NONE);
    char buf[SL_RECORD_JSON_MAX];
    size_t n = sl_record_to_json(&r, buf, sizeof buf);
    char scratch[SL_RECORD_SCRATCH_SIZE];
    sl_field_t f = (sl_field_t)77;
    assert_int_equal(sl_record_from_json(buf, n, &back, scratch, sizeof scratch, &f),
                     SL_REJECT_NONE);
    assert_int_equal(f, SL_FIELD_NONE);
    assert_fields(&back, v);
    /* fields live in scratch, not in the message */
    for (int i = 0; i < 12; i++)
        assert_true(back.field[i].ptr >= scratch && back.field[i].ptr < scratch + sizeof scratch);
    /* and encode again gives the same bytes */
    char again[SL_RECORD_JSON_MAX];
    assert_int_equal(sl_record_to_json(&back, again, sizeof again), n);
    assert_memory_equal(again, buf, n);
}

static sl_reject_t decode(const char *msg, sl_record_t *r, sl_field_t *f) {
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    return sl_record_from_json(msg, strlen(msg), r, scratch, sizeof scratch, f);
}

static void decode_escapes_and_whitespace(void **state) {
    (void)state;
    static const char msg[] =
        " \r\n\t{ \"\\u0069d\" : \"7a0eed16-9430-4d68-901f-c0d4c1c3bf00\" ,\n"
        "\"first_name\":\"Ren\\u00e9e\",\"last_name\":\"\\u0416\\u0443\\u043a\","
        "\"gender\":\"\\ud83d\\ude00\",\"address\":\"a\\/b\\\\c\\\"d\\b\\f\\n\\r\\t\","
        "\"nat\":\"ignored\",\"this_key_is_longer_than_any_known_key\":\"also ignored\","
        "\"post_code\":\"\",\"email\":\"x@example.com\",\"username\":\"\\u20AC\","
        "\"dob\":\"1992-03-08\",\"registered_date\":\"2007-07-09T05:51Z\",\"phone\":\"\","
        "\"picture\":\"\"} \n";
    static const char *const want[12] = {"7a0eed16-9430-4d68-901f-c0d4c1c3bf00",
                                         "Renée",
                                         "Жук",
                                         "😀",
                                         "a/b\\c\"d\b\f\n\r\t",
                                         "",
                                         "x@example.com",
                                         "€",
                                         "1992-03-08",
                                         "2007-07-09T05:51Z",
                                         "",
                                         ""};
    sl_record_t r;
    sl_field_t f;
    assert_int_equal(decode(msg, &r, &f), SL_REJECT_NONE);
    assert_fields(&r, want);
}

/* jennie_json with the first occurrence of from replaced by to. */
static const char *variant(const char *from, const char *to) {
    static char buf[SL_RECORD_JSON_MSG_MAX];
    const char *at = strstr(jennie_json, from);
    assert_non_null(at);
    size_t pre = (size_t)(at - jennie_json);
    int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, jennie_json, to, at + strlen(from));
    assert_true(n > 0 && (size_t)n < sizeof buf);
    return buf;
}

static void expect(const char *msg, sl_reject_t want, sl_field_t want_field) {
    sl_record_t r;
    sl_field_t f = (sl_field_t)77;
    sl_reject_t got = decode(msg, &r, &f);
    if (got != want || f != want_field)
        fprintf(stderr, "message: %s\n got %s/%d\n", msg, sl_reject_name(got), (int)f);
    assert_int_equal(got, want);
    assert_int_equal(f, want_field);
}

/* A message and the reject it must get: jennie_json with from replaced by to, or, when
 * from is NULL, the message `to` itself. */
static const struct {
    const char *from, *to;
    sl_reject_t want;
    sl_field_t field;
} rejects[] = {
    /* not_json: malformed, truncated, trailing bytes, bad escapes, raw control bytes */
    {NULL, "", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "   ", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "{", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "{\"id\":\"x\"", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "{\"id\":1,", SL_REJECT_NOT_JSON, SL_FIELD_NONE}, /* wrong type, but not JSON */
    {NULL, "{'id':'x'}", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "{\"id\" \"x\"}", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "{\"id\":\"x\",}", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "[1,", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {NULL, "hello", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {"}", "}x", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {"}", "}{}", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {"Jennie", "Jen\\xnie", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {"Jennie", "Jen\\u00Gnie", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    {"Jennie", "Jen\tnie", SL_REJECT_NOT_JSON, SL_FIELD_NONE},
    /* not_object: well-formed JSON of another kind */
    {NULL, "[]", SL_REJECT_NOT_OBJECT, SL_FIELD_NONE},
    {NULL, "[{\"id\":\"x\"}]", SL_REJECT_NOT_OBJECT, SL_FIELD_NONE},
    {NULL, " \"text\" ", SL_REJECT_NOT_OBJECT, SL_FIELD_NONE},
    {NULL, "42", SL_REJECT_NOT_OBJECT, SL_FIELD_NONE},
    {NULL, "null", SL_REJECT_NOT_OBJECT, SL_FIELD_NONE},
    /* wrong_type: a value that is not a string, known key or not */
    {"\"63104\"", "63104", SL_REJECT_WRONG_TYPE, SL_FIELD_POST_CODE},
    {"\"Jennie\"", "{\"x\":\"Jennie\"}", SL_REJECT_WRONG_TYPE, SL_FIELD_FIRST_NAME},
    {"\"female\"", "[\"female\"]", SL_REJECT_WRONG_TYPE, SL_FIELD_GENDER},
    {"\"female\"", "null", SL_REJECT_WRONG_TYPE, SL_FIELD_GENDER},
    {"{", "{\"nat\":true,", SL_REJECT_WRONG_TYPE, SL_FIELD_NONE},
    /* duplicate_key, missing_field, missing_id */
    {"\"phone\"", "\"email\":\"a@b.cd\",\"phone\"", SL_REJECT_DUPLICATE_KEY, SL_FIELD_EMAIL},
    {",\"phone\":\"(272) 790-0888\"", "", SL_REJECT_MISSING_FIELD, SL_FIELD_PHONE},
    {"\"id\":\"7a0eed16-9430-4d68-901f-c0d4c1c3bf00\",", "", SL_REJECT_MISSING_ID, SL_FIELD_ID},
    {NULL, "{}", SL_REJECT_MISSING_ID, SL_FIELD_ID},
    /* bad_utf8: raw bytes, lone surrogates, NUL */
    {"Jennie", "Jen\xffnie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"Jennie", "Jen\xc3nie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"Jennie", "Jen\\ud800nie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"Jennie", "Jen\\udc00nie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"Jennie", "Jen\\ud800\\u0041nie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"Jennie", "Jen\\u0000nie", SL_REJECT_BAD_UTF8, SL_FIELD_FIRST_NAME},
    {"{", "{\"n\xe9t\":\"x\",", SL_REJECT_BAD_UTF8, SL_FIELD_NONE},
    /* validation runs after decoding */
    {"7a0eed16-", "7a0eed1-", SL_REJECT_BAD_ID, SL_FIELD_ID},
    {"\"Nichols\"", "\"\"", SL_REJECT_MISSING_NAME, SL_FIELD_LAST_NAME},
    {"@example.com", "example.com", SL_REJECT_BAD_EMAIL, SL_FIELD_EMAIL},
    {"1992-03-08", "1992-03-38", SL_REJECT_BAD_DOB, SL_FIELD_DOB},
    {"2007-07-09T05:51:59.390Z", "2007-07-09T05:51:59.390", SL_REJECT_BAD_REGISTERED,
     SL_FIELD_REGISTERED_DATE},
};

static void decode_rejects(void **state) {
    (void)state;
    expect(jennie_json, SL_REJECT_NONE, SL_FIELD_NONE);
    size_t jl = strlen(jennie_json);
    char cut[1024];
    memcpy(cut, jennie_json, jl - 1);
    cut[jl - 1] = '\0';
    expect(cut, SL_REJECT_NOT_JSON, SL_FIELD_NONE); /* the last brace missing */
    for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++)
        expect(rejects[i].from ? variant(rejects[i].from, rejects[i].to) : rejects[i].to,
               rejects[i].want, rejects[i].field);
}

static void decode_limits(void **state) {
    (void)state;
    sl_record_t r;
    sl_field_t f;
    char scratch[SL_RECORD_SCRATCH_SIZE];

    /* too_large: one byte over, whatever it holds */
    char *huge = malloc(SL_RECORD_JSON_MSG_MAX + 1);
    memset(huge, ' ', SL_RECORD_JSON_MSG_MAX + 1);
    assert_int_equal(
        sl_record_from_json(huge, SL_RECORD_JSON_MSG_MAX + 1, &r, scratch, sizeof scratch, &f),
        SL_REJECT_TOO_LARGE);
    assert_int_equal(f, SL_FIELD_NONE);
    /* exactly the max is read (and here, all spaces, is not JSON) */
    assert_int_equal(
        sl_record_from_json(huge, SL_RECORD_JSON_MSG_MAX, &r, scratch, sizeof scratch, &f),
        SL_REJECT_NOT_JSON);
    free(huge);

    /* field_too_long: one byte over the cap, escaped or not */
    static char msg[SL_RECORD_JSON_MSG_MAX];
    static char val[6 * SL_RECORD_FIELD_MAX + 8];
    memset(val, 'a', SL_RECORD_FIELD_MAX + 1);
    val[SL_RECORD_FIELD_MAX + 1] = '\0';
    snprintf(msg, sizeof msg, "%s", variant("Pkwy", val));
    expect(msg, SL_REJECT_FIELD_TOO_LONG, SL_FIELD_ADDRESS);
    val[SL_RECORD_FIELD_MAX - 60] = '\0'; /* address then is exactly under the cap */
    snprintf(msg, sizeof msg, "%s", variant("Pkwy", val));
    expect(msg, SL_REJECT_NONE, SL_FIELD_NONE);
    val[0] = '\0';
    for (int i = 0; i < SL_RECORD_FIELD_MAX + 1; i++)
        strcat(val, "\\u0041");
    snprintf(msg, sizeof msg, "%s", variant("Pkwy", val));
    expect(msg, SL_REJECT_FIELD_TOO_LONG, SL_FIELD_ADDRESS);

    /* record_too_long: a scratch buffer too small for the record */
    char small[64];
    assert_int_equal(
        sl_record_from_json(jennie_json, strlen(jennie_json), &r, small, sizeof small, &f),
        SL_REJECT_RECORD_TOO_LONG);
    /* and fields that add up to more than the total */
    memset(val, 'b', 1000);
    val[1000] = '\0';
    char *m = msg;
    m += sprintf(m,
                 "{\"id\":\"7a0eed16-9430-4d68-901f-c0d4c1c3bf00\",\"first_name\":\"%s\","
                 "\"last_name\":\"%s\",\"gender\":\"%s\",\"address\":\"%s\",",
                 val, val, val, val);
    sprintf(m,
            "\"post_code\":\"%s\",\"email\":\"a@b.cd\",\"username\":\"\",\"dob\":\"1992-03-08\","
            "\"registered_date\":\"1992-03-08\",\"phone\":\"\",\"picture\":\"\"}",
            val);
    expect(msg, SL_REJECT_RECORD_TOO_LONG, SL_FIELD_POST_CODE);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(encode_exact), cmocka_unit_test(encode_escapes),
          cmocka_unit_test(encode_size_contract), cmocka_unit_test(round_trip),
          cmocka_unit_test(decode_escapes_and_whitespace), cmocka_unit_test(decode_rejects),
          cmocka_unit_test(decode_limits))
