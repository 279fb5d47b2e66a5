/* Unit tests for sl_json_escape, one table of cases: quotes and backslashes, control
 * characters, bytes above 0x7f with and without SL_JSON_ASCII, NULs inside the input,
 * and a buffer that ends mid-escape. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_json.h"

typedef struct {
    const char *in;
    size_t n;
    unsigned flags;
    size_t cap;
    const char *want;
} case_t;

#define CASE(in, flags, cap, want)                                                                 \
    { in, sizeof(in) - 1, flags, cap, want }

static const case_t cases[] = {
    CASE("plain text", 0, 64, "plain text"),
    CASE("say \"hi\"\\", 0, 64, "say \\\"hi\\\"\\\\"),
    CASE("a\nb\tc\x01\x1f", 0, 64, "a\\u000ab\\u0009c\\u0001\\u001f"),
    CASE("nul\0in", 0, 64, "nul\\u0000in"),
    CASE("caf\xc3\xa9\x7f", 0, 64, "caf\xc3\xa9\x7f"),
    CASE("caf\xc3\xa9\x7f", SL_JSON_ASCII, 64, "caf\\u00c3\\u00a9\\u007f"),
    /* only whole escapes, and room for the NUL */
    CASE("ab\ncd", 0, 8, "ab"),
    CASE("ab\ncd", 0, 9, "ab\\u000a"),
    CASE("a\"b", 0, 3, "a"),
    CASE("abc", 0, 1, ""),
};

static void escapes_each_case(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const case_t *c = &cases[i];
        char out[64];
        memset(out, 'x', sizeof out);
        size_t n = sl_json_escape(out, c->cap, c->in, c->n, c->flags);
        assert_string_equal(out, c->want);
        assert_int_equal(n, strlen(c->want));
    }
}

static void nothing_written_without_room(void **state) {
    (void)state;
    char out[1] = {'x'};
    assert_int_equal(sl_json_escape(out, 0, "abc", 3, 0), 0);
    assert_int_equal(out[0], 'x');
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(escapes_each_case),
          cmocka_unit_test(nothing_written_without_room))
