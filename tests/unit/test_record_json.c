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
    /* wrong_type: a value of one of the 12 keys that is not a string (unknown keys are
     * ignored whatever their type: unknown_keys_any_type) */
    {"\"63104\"", "63104", SL_REJECT_WRONG_TYPE, SL_FIELD_POST_CODE},
    {"\"Jennie\"", "{\"x\":\"Jennie\"}", SL_REJECT_WRONG_TYPE, SL_FIELD_FIRST_NAME},
    {"\"female\"", "[\"female\"]", SL_REJECT_WRONG_TYPE, SL_FIELD_GENDER},
    {"\"female\"", "null", SL_REJECT_WRONG_TYPE, SL_FIELD_GENDER},
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

/* The string scan goes eight bytes at a time: each special byte (escape, control byte,
 * UTF-8 sequence valid or not) at every offset within and across the words, both before
 * and after a run of plain text, decodes (or is rejected) exactly as one byte at a time. */
static void decode_word_boundaries(void **state) {
    (void)state;
    static const struct {
        const char *raw;  /* as it stands in the JSON string */
        const char *want; /* decoded, or NULL when rejected */
        sl_reject_t reject;
    } cases[] = {
        {"\xc3\xa9", "\xc3\xa9", SL_REJECT_NONE},
        {"\xe2\x82\xac", "\xe2\x82\xac", SL_REJECT_NONE},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", SL_REJECT_NONE},
        {"\\n", "\n", SL_REJECT_NONE},
        {"\\\"", "\"", SL_REJECT_NONE},
        {"\\\\", "\\", SL_REJECT_NONE},
        {"\\u00e9", "\xc3\xa9", SL_REJECT_NONE},
        {"\x7f", "\x7f", SL_REJECT_NONE},
        {" ~!", " ~!", SL_REJECT_NONE},
        {"\xc3\xa9\\t\xc3\xa9", "\xc3\xa9\t\xc3\xa9", SL_REJECT_NONE}, /* runs beside an escape */
        {"\x01", NULL, SL_REJECT_NOT_JSON},
        {"\x1f", NULL, SL_REJECT_NOT_JSON},
        {"\n", NULL, SL_REJECT_NOT_JSON},
        {"\x80", NULL, SL_REJECT_BAD_UTF8},             /* a lone continuation byte */
        {"\xc3\\n\xa9", NULL, SL_REJECT_BAD_UTF8},      /* a sequence cut by an escape */
        {"\xc3\xa9\xe2\x82", NULL, SL_REJECT_BAD_UTF8}, /* cut by the closing quote */
        {"\xe2\x82\x01", NULL, SL_REJECT_NOT_JSON},     /* cut by a control byte: not JSON */
        {"\xed\xa0\x80", NULL, SL_REJECT_BAD_UTF8},     /* a surrogate, raw */
        {"\xf4\x90\x80\x80", NULL, SL_REJECT_BAD_UTF8}, /* above U+10FFFF */
        {"\xc0\xaf", NULL, SL_REJECT_BAD_UTF8},         /* overlong */
        {"\xe0\x80\xaf", NULL, SL_REJECT_BAD_UTF8},     /* overlong */
        {"\xf0\x8f\xbf\xbf", NULL, SL_REJECT_BAD_UTF8}, /* overlong */
        {"\xf5\x80\x80\x80", NULL, SL_REJECT_BAD_UTF8}, /* no such lead byte */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t before = 0; before <= 17; before++) {
            for (size_t after = 0; after <= 9; after += 9) {
                char raw[64], want[64];
                snprintf(raw, sizeof raw, "%.*s%s%.*s", (int)before, "abcdefghijklmnopq",
                         cases[c].raw, (int)after, "rstuvwxyz");
                sl_record_t r;
                sl_field_t f = (sl_field_t)77;
                const char *msg =
                    variant("8929 Valwood Pkwy, Billings, Michigan, United States", raw);
                sl_reject_t got = decode(msg, &r, &f);
                if (got != cases[c].reject)
                    fprintf(stderr, "case %zu, %zu bytes before, %zu after: got %s\n", c, before,
                            after, sl_reject_name(got));
                assert_int_equal(got, cases[c].reject);
                if (!cases[c].want) {
                    assert_int_equal(f,
                                     got == SL_REJECT_NOT_JSON ? SL_FIELD_NONE : SL_FIELD_ADDRESS);
                    continue;
                }
                int n = snprintf(want, sizeof want, "%.*s%s%.*s", (int)before, "abcdefghijklmnopq",
                                 cases[c].want, (int)after, "rstuvwxyz");
                assert_int_equal(r.field[SL_FIELD_ADDRESS].len, (size_t)n);
                assert_memory_equal(r.field[SL_FIELD_ADDRESS].ptr, want, (size_t)n);
                /* the decoder skips validate's UTF-8 pass: the full check agrees */
                assert_int_equal(sl_record_validate(&r, NULL), SL_REJECT_NONE);
            }
        }
    }
}

/* Keys in any order decode alike (the decoder compares the next field's name first). */
static void decode_key_order(void **state) {
    (void)state;
    static const char reversed[] =
        "{\"picture\":\"https://randomuser.me/api/portraits/med/women/75.jpg\","
        "\"phone\":\"(272) 790-0888\",\"registered_date\":\"2007-07-09T05:51:59.390Z\","
        "\"dob\":\"1992-03-08T15:13:16.688Z\",\"username\":\"yellowpeacock117\","
        "\"email\":\"jennie.nichols@example.com\",\"post_code\":\"63104\","
        "\"address\":\"8929 Valwood Pkwy, Billings, Michigan, United States\","
        "\"gender\":\"female\",\"nat\":\"US\",\"last_name\":\"Nichols\","
        "\"first_name\":\"Jennie\",\"id\":\"7a0eed16-9430-4d68-901f-c0d4c1c3bf00\"}";
    sl_record_t want, r;
    sl_field_t f;
    test_record_jennie(&want);
    assert_int_equal(decode(reversed, &r, &f), SL_REJECT_NONE);
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        assert_int_equal(r.field[i].len, want.field[i].len);
        assert_memory_equal(r.field[i].ptr, want.field[i].ptr, want.field[i].len);
    }
    /* a key that only starts like the expected one, or spelled with an escape */
    assert_int_equal(decode(variant("\"gender\"", "\"gende\""), &r, &f), SL_REJECT_MISSING_FIELD);
    assert_int_equal(f, SL_FIELD_GENDER);
    assert_int_equal(decode(variant("\"gender\"", "\"gender_\""), &r, &f), SL_REJECT_MISSING_FIELD);
    assert_int_equal(decode(variant("\"gender\"", "\"g\\u0065nder\""), &r, &f), SL_REJECT_NONE);
    assert_int_equal(r.field[SL_FIELD_GENDER].len, 6);
    assert_int_equal(sl_field_name_len(SL_FIELD_REGISTERED_DATE), strlen("registered_date"));
    assert_int_equal(sl_field_name_len(SL_FIELD_NONE), 0);
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

/* Keys the record does not know are ignored whatever their value (as Spark's from_json):
 * every JSON type, first, between and after the known keys, nested deeply; the record is
 * the same as without them. */
static void unknown_keys_any_type(void **state) {
    (void)state;
    static const char *const values[] = {
        "\"text\"",
        "\"\\u00e9\\\"\"",
        "0",
        "-0",
        "12",
        "-1.5e+3",
        "2E-7",
        "6.02e23",
        "true",
        "false",
        "null",
        "{}",
        "[]",
        " [ ] ",
        "{\"a\":{\"b\":[1,{\"c\":null}]}}",
        "[1,\"x\",[true,false,null],{\"id\":42}]",
        "{\"first_name\":{\"x\":1}}",
        "{ \"k\" : [ 1 , 2 ] , \"l\" : { } }",
    };
    static char msg[4096];
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        /* first, between two known keys, last */
        snprintf(msg, sizeof msg, "%s", variant("{", ""));
        char tmp[8192];
        assert_true(snprintf(tmp, sizeof tmp, "{\"extra\":%s,%s", values[i], msg) > 0);
        expect(tmp, SL_REJECT_NONE, SL_FIELD_NONE);
        char mid[256];
        snprintf(mid, sizeof mid, "\"gender\":\"female\",\"nat\":%s,", values[i]);
        expect(variant("\"gender\":\"female\",", mid), SL_REJECT_NONE, SL_FIELD_NONE);
        char last[256];
        snprintf(last, sizeof last, ",\"x_%zu\":%s}", i, values[i]);
        snprintf(msg, sizeof msg, "%.*s%s", (int)strlen(jennie_json) - 1, jennie_json, last);
        expect(msg, SL_REJECT_NONE, SL_FIELD_NONE);
        sl_record_t r;
        assert_int_equal(decode(msg, &r, NULL), SL_REJECT_NONE);
        assert_fields(&r, test_jennie);
    }
    /* a known key must still hold a string, an unknown one beside it or not */
    expect(variant("\"63104\"", "63104,\"zip\":63104"), SL_REJECT_WRONG_TYPE, SL_FIELD_POST_CODE);
}

/* Nesting as deep as the message cap allows, arrays and objects; malformed ignored values
 * are not_json and invalid UTF-8 inside them bad_utf8. */
static void unknown_keys_deep_and_malformed(void **state) {
    (void)state;
    static char msg[SL_RECORD_JSON_MSG_MAX + 64];
    size_t head = strlen(jennie_json) - 1; /* without the closing brace */
    for (int kind = 0; kind < 2; kind++) {
        const char *open = kind ? "{\"a\":" : "[";
        const char *close = kind ? "}" : "]";
        size_t per = strlen(open) + strlen(close);
        size_t depth = (SL_RECORD_JSON_MSG_MAX - head - 16) / per;
        size_t n = 0;
        memcpy(msg, jennie_json, head);
        n = head;
        n += (size_t)sprintf(msg + n, ",\"d\":");
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(msg + n, "%s", open);
        n += (size_t)sprintf(msg + n, "1");
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(msg + n, "%s", close);
        n += (size_t)sprintf(msg + n, "}");
        assert_true(n <= SL_RECORD_JSON_MSG_MAX);
        assert_true(depth > 10000);
        expect(msg, SL_REJECT_NONE, SL_FIELD_NONE);
        /* one closing bracket short: not JSON */
        memmove(msg + n - 2, msg + n - 1, 2);
        expect(msg, SL_REJECT_NOT_JSON, SL_FIELD_NONE);
    }
    static const char *const malformed[] = {
        "tru",    "nul",  "falsey",  "01",         "1.",    "-", ".5", "1e",    "+1",
        "[1,]",   "[,1]", "{\"a\"}", "{\"a\":1,}", "{a:1}", "[", "{",  "[1 2]", "{\"a\":1 \"b\":2}",
        "\"open", "[}",   "{]",      "'x'",        "NaN",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        char v[128];
        snprintf(v, sizeof v, "\"nat\":%s,\"gender\":", malformed[i]);
        expect(variant("\"gender\":", v), SL_REJECT_NOT_JSON, SL_FIELD_NONE);
    }
    expect(variant("\"gender\":", "\"nat\":[\"\xff\"],\"gender\":"), SL_REJECT_BAD_UTF8,
           SL_FIELD_NONE);
    expect(variant("\"gender\":", "\"nat\":{\"\xc3\":1},\"gender\":"), SL_REJECT_BAD_UTF8,
           SL_FIELD_NONE);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(encode_exact), cmocka_unit_test(encode_escapes),
          cmocka_unit_test(encode_size_contract), cmocka_unit_test(round_trip),
          cmocka_unit_test(decode_escapes_and_whitespace), cmocka_unit_test(decode_rejects),
          cmocka_unit_test(decode_word_boundaries), cmocka_unit_test(decode_key_order),
          cmocka_unit_test(decode_limits), cmocka_unit_test(unknown_keys_any_type),
          cmocka_unit_test(unknown_keys_deep_and_malformed))
