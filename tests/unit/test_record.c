/*
 * Unit tests for sl_record: field and reject-reason tables, the individual checks
 * (UTF-8, UUID, email, ISO-8601) on accepted and refused inputs, and
 * sl_record_validate() returning each of its reasons for a specific record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_record.h"
#include "test_record_util.h"

static void field_table(void **state) {
    (void)state;
    assert_int_equal(SL_FIELD_COUNT, 12);
    static const char *const keys[12] = {"id",      "first_name",      "last_name", "gender",
                                         "address", "post_code",       "email",     "username",
                                         "dob",     "registered_date", "phone",     "picture"};
    for (int i = 0; i < 12; i++) {
        assert_string_equal(sl_field_name((sl_field_t)i), keys[i]);
        assert_int_equal(sl_field_lookup(keys[i], strlen(keys[i])), i);
    }
    assert_string_equal(sl_field_name(SL_FIELD_NONE), "");
    assert_string_equal(sl_field_name((sl_field_t)12), "");
    assert_int_equal(sl_field_lookup("i", 1), SL_FIELD_NONE);
    assert_int_equal(sl_field_lookup("idx", 3), SL_FIELD_NONE);
    assert_int_equal(sl_field_lookup("email", 4), SL_FIELD_NONE);
}

static void reject_table(void **state) {
    (void)state;
    static const char *const names[SL_REJECT_COUNT] = {
        "none",           "missing_id",   "missing_field",  "wrong_type",
        "duplicate_key",  "too_large",    "not_json",       "not_object",
        "bad_id",         "missing_name", "bad_email",      "bad_dob",
        "bad_registered", "bad_utf8",     "field_too_long", "record_too_long"};
    for (int i = 0; i < SL_REJECT_COUNT; i++) {
        assert_string_equal(sl_reject_name((sl_reject_t)i), names[i]);
        /* names are snake_case ASCII: they go into headers and metric labels */
        for (const char *c = names[i]; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
        assert_true(strlen(sl_record_reject_str((sl_reject_t)i)) > 5);
    }
    assert_string_equal(sl_record_reject_str(SL_REJECT_BAD_EMAIL),
                        "email is not shaped like an address");
    assert_string_equal(sl_reject_name((sl_reject_t)SL_REJECT_COUNT), "unknown");
    assert_string_equal(sl_reject_name((sl_reject_t)-1), "unknown");
    assert_string_equal(sl_record_reject_str((sl_reject_t)99), "unknown reject reason");
}

#define OK(fn, lit) assert_int_equal(fn(lit, sizeof(lit) - 1), 1)
#define NO(fn, lit) assert_int_equal(fn(lit, sizeof(lit) - 1), 0)

static void utf8(void **state) {
    (void)state;
    OK(sl_record_utf8_valid, "");
    OK(sl_record_utf8_valid, "plain ascii ~\x7f");
    OK(sl_record_utf8_valid, "Gießen Вінниця قزوین");
    OK(sl_record_utf8_valid, "\xc2\x80");         /* U+0080, smallest 2-byte */
    OK(sl_record_utf8_valid, "\xef\xbf\xbf");     /* U+FFFF */
    OK(sl_record_utf8_valid, "\xf0\x9f\x98\x80"); /* U+1F600 */
    OK(sl_record_utf8_valid, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    NO(sl_record_utf8_valid, "a\0b");             /* NUL */
    NO(sl_record_utf8_valid, "\x80");             /* lone continuation */
    NO(sl_record_utf8_valid, "\xc3");             /* cut short */
    NO(sl_record_utf8_valid, "\xc3\x28");         /* bad continuation */
    NO(sl_record_utf8_valid, "\xc0\xaf");         /* overlong '/' */
    NO(sl_record_utf8_valid, "\xe0\x80\xaf");     /* overlong 3-byte */
    NO(sl_record_utf8_valid, "\xf0\x80\x80\xaf"); /* overlong 4-byte */
    NO(sl_record_utf8_valid, "\xed\xa0\x80");     /* U+D800 surrogate */
    NO(sl_record_utf8_valid, "\xf4\x90\x80\x80"); /* U+110000 */
    NO(sl_record_utf8_valid, "\xff");
    NO(sl_record_utf8_valid, "\xe2\x82"); /* cut 3-byte */
}

static void uuid(void **state) {
    (void)state;
    OK(sl_record_uuid_valid, "7a0eed16-9430-4d68-901f-c0d4c1c3bf00");
    OK(sl_record_uuid_valid, "B5E0F1D2-6A7B-4C8D-9E0F-1A2B3C4D5E6F");
    OK(sl_record_uuid_valid, "00000000-0000-0000-0000-000000000000");
    NO(sl_record_uuid_valid, "");
    NO(sl_record_uuid_valid, "7a0eed1694304d68901fc0d4c1c3bf00");       /* no hyphens */
    NO(sl_record_uuid_valid, "{7a0eed16-9430-4d68-901f-c0d4c1c3bf00}"); /* braces */
    NO(sl_record_uuid_valid, "7a0eed16-9430-4d68-901f-c0d4c1c3bf0");    /* short */
    NO(sl_record_uuid_valid, "7a0eed16-9430-4d68-901f-c0d4c1c3bf000");  /* long */
    NO(sl_record_uuid_valid, "7a0eed1g-9430-4d68-901f-c0d4c1c3bf00");   /* not hex */
    NO(sl_record_uuid_valid, "7a0eed169-430-4d68-901f-c0d4c1c3bf00");   /* hyphen moved */
}

static void uuid_bytes(void **state) {
    (void)state;
    unsigned char b[16];
    static const unsigned char want[16] = {0x7a, 0x0e, 0xed, 0x16, 0x94, 0x30, 0x4d, 0x68,
                                           0x90, 0x1f, 0xc0, 0xd4, 0xc1, 0xc3, 0xbf, 0x00};
    assert_int_equal(sl_record_uuid_to_bytes("7a0eed16-9430-4d68-901f-c0d4c1c3bf00", 36, b), 1);
    assert_memory_equal(b, want, 16);
    memset(b, 0, sizeof b);
    assert_int_equal(sl_record_uuid_to_bytes("7A0EED16-9430-4D68-901F-C0D4C1C3BF00", 36, b), 1);
    assert_memory_equal(b, want, 16);
    memset(b, 0xAA, sizeof b);
    assert_int_equal(sl_record_uuid_to_bytes("7a0eed16-9430-4d68-901f-c0d4c1c3bf0x", 36, b), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(b[i], 0xAA);
}

static void email(void **state) {
    (void)state;
    OK(sl_record_email_valid, "jennie.nichols@example.com");
    OK(sl_record_email_valid, "a@b.cd");
    OK(sl_record_email_valid, "o'connor+tag@mail.example-site.co.uk");
    NO(sl_record_email_valid, "");
    NO(sl_record_email_valid, "jennie.example.com");
    NO(sl_record_email_valid, "@example.com");
    NO(sl_record_email_valid, "a@example");     /* one label */
    NO(sl_record_email_valid, "a@example.c");   /* one-letter TLD */
    NO(sl_record_email_valid, "a@example.c0m"); /* digit in TLD */
    NO(sl_record_email_valid, "a@@example.com");
    NO(sl_record_email_valid, "a@b@example.com");
    NO(sl_record_email_valid, ".a@example.com");
    NO(sl_record_email_valid, "a.@example.com");
    NO(sl_record_email_valid, "a..b@example.com");
    NO(sl_record_email_valid, "a b@example.com");
    NO(sl_record_email_valid, "a@-example.com");
    NO(sl_record_email_valid, "a@example-.com");
    NO(sl_record_email_valid, "a@example..com");
    NO(sl_record_email_valid, "a@exa_mple.com");
    NO(sl_record_email_valid, "мирослава@example.com"); /* addresses are ASCII here */
    NO(sl_record_email_valid, "a@example.com.");
    char local[80];
    memset(local, 'x', 65);
    strcpy(local + 65, "@example.com");
    assert_int_equal(sl_record_email_valid(local, strlen(local)), 0); /* local part > 64 */
    strcpy(local + 64, "@example.com");
    assert_int_equal(sl_record_email_valid(local, strlen(local)), 1);
}

static void iso8601(void **state) {
    (void)state;
    OK(sl_record_iso8601_valid, "1992-03-08T15:13:16.688Z");
    OK(sl_record_iso8601_valid, "1992-03-08");
    OK(sl_record_iso8601_valid, "1992-03-08T15:13Z");
    OK(sl_record_iso8601_valid, "1992-03-08T15:13:16Z");
    OK(sl_record_iso8601_valid, "1992-03-08T15:13:16.1+05:30");
    OK(sl_record_iso8601_valid, "1992-03-08T15:13:16.123456789-0800");
    OK(sl_record_iso8601_valid, "1992-03-08T15:13:16+01");
    OK(sl_record_iso8601_valid, "2000-02-29T00:00:00Z"); /* leap (400) */
    OK(sl_record_iso8601_valid, "2016-12-31T23:59:60Z"); /* leap second */
    NO(sl_record_iso8601_valid, "");
    NO(sl_record_iso8601_valid, "1992-03-08T15:13:16"); /* time without zone */
    NO(sl_record_iso8601_valid, "1992-3-8");
    NO(sl_record_iso8601_valid, "92-03-08");
    NO(sl_record_iso8601_valid, "1992-13-01");
    NO(sl_record_iso8601_valid, "1992-00-01");
    NO(sl_record_iso8601_valid, "1992-04-31");
    NO(sl_record_iso8601_valid, "1900-02-29"); /* not leap (100) */
    NO(sl_record_iso8601_valid, "1992-02-30T10:00:00Z");
    NO(sl_record_iso8601_valid, "1992-03-08T24:00:00Z");
    NO(sl_record_iso8601_valid, "1992-03-08T12:60:00Z");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:61Z");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00.Z");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00.1234567890Z");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00ZZ");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00+5:30");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00+05:3");
    NO(sl_record_iso8601_valid, "1992-03-08T12:00:00+24:00");
    NO(sl_record_iso8601_valid, "1992-03-08 12:00:00Z");
    NO(sl_record_iso8601_valid, "yesterday");
}

/* A record that passes, to break one field at a time. */
static void good(sl_record_t *r) {
    test_record_jennie(r);
}

static void set(sl_record_t *r, sl_field_t f, const char *s, size_t len) {
    r->field[f].ptr = s;
    r->field[f].len = len;
}

static void expect(const sl_record_t *r, sl_reject_t want, sl_field_t want_field) {
    sl_field_t f = (sl_field_t)77;
    assert_int_equal(sl_record_validate(r, &f), want);
    assert_int_equal(f, want_field);
    assert_int_equal(sl_record_validate(r, NULL), want);
}

static void validate_each_reason(void **state) {
    (void)state;
    sl_record_t r;
    good(&r);
    expect(&r, SL_REJECT_NONE, SL_FIELD_NONE);

    /* one field broken at a time: (field, its value, NULL for absent), the reason */
    static const struct {
        sl_field_t field;
        const char *value;
        size_t len;
        sl_reject_t want;
    } broken[] = {
        {SL_FIELD_ID, NULL, 0, SL_REJECT_MISSING_ID},
        {SL_FIELD_PICTURE, NULL, 0, SL_REJECT_MISSING_FIELD},
        {SL_FIELD_ID, "7a0eed16-9430-4d68-901f-c0d4c1c3bf0", 35, SL_REJECT_BAD_ID},
        {SL_FIELD_FIRST_NAME, "", 0, SL_REJECT_MISSING_NAME},
        {SL_FIELD_LAST_NAME, " \t ", 3, SL_REJECT_MISSING_NAME},
        {SL_FIELD_EMAIL, "jennie.nichols@example", 22, SL_REJECT_BAD_EMAIL},
        {SL_FIELD_DOB, "08/03/1992", 10, SL_REJECT_BAD_DOB},
        {SL_FIELD_REGISTERED_DATE, "2007-07-09T05:51:59.390", 23, SL_REJECT_BAD_REGISTERED},
        {SL_FIELD_PHONE, "(272) \xff 790", 10, SL_REJECT_BAD_UTF8},
        {SL_FIELD_GENDER, "fe\0male", 7, SL_REJECT_BAD_UTF8},
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        good(&r);
        set(&r, broken[i].field, broken[i].value, broken[i].len);
        expect(&r, broken[i].want, broken[i].field);
    }

    static char big[SL_RECORD_FIELD_MAX + 1];
    memset(big, 'a', sizeof big);
    good(&r);
    set(&r, SL_FIELD_ADDRESS, big, SL_RECORD_FIELD_MAX); /* exactly the cap: fine */
    expect(&r, SL_REJECT_NONE, SL_FIELD_NONE);
    set(&r, SL_FIELD_ADDRESS, big, SL_RECORD_FIELD_MAX + 1);
    expect(&r, SL_REJECT_FIELD_TOO_LONG, SL_FIELD_ADDRESS);

    /* four fields at the cap plus the rest: over the total */
    good(&r);
    set(&r, SL_FIELD_GENDER, big, SL_RECORD_FIELD_MAX);
    set(&r, SL_FIELD_ADDRESS, big, SL_RECORD_FIELD_MAX);
    set(&r, SL_FIELD_POST_CODE, big, SL_RECORD_FIELD_MAX);
    set(&r, SL_FIELD_USERNAME, big, SL_RECORD_FIELD_MAX);
    expect(&r, SL_REJECT_RECORD_TOO_LONG, SL_FIELD_NONE);
    /* the same with the others emptied where allowed is exactly at the total: fine */
    set(&r, SL_FIELD_PHONE, "", 0);
    set(&r, SL_FIELD_PICTURE, "", 0);
    size_t rest = 0;
    for (int i = 0; i < SL_FIELD_COUNT; i++)
        rest += r.field[i].len;
    assert_true(rest > SL_RECORD_MAX);
    set(&r, SL_FIELD_USERNAME, big, SL_RECORD_FIELD_MAX - (rest - SL_RECORD_MAX));
    expect(&r, SL_REJECT_NONE, SL_FIELD_NONE);
    set(&r, SL_FIELD_USERNAME, big, SL_RECORD_FIELD_MAX - (rest - SL_RECORD_MAX) + 1);
    expect(&r, SL_REJECT_RECORD_TOO_LONG, SL_FIELD_NONE);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(field_table), cmocka_unit_test(reject_table),
          cmocka_unit_test(utf8), cmocka_unit_test(uuid), cmocka_unit_test(uuid_bytes),
          cmocka_unit_test(email), cmocka_unit_test(iso8601),
          cmocka_unit_test(validate_each_reason))
