/* Unit tests for sl_console_json: escaping of hostile text, invalid UTF-8, nesting, caps. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "sl_console_json.h"

static char *render_str(const char *s, size_t n) {
    sl_console_json_t j;
    sl_console_json_init(&j, 1 << 20);
    sl_console_json_strn(&j, s, n);
    size_t len;
    char *out = sl_console_json_take(&j, &len);
    assert_non_null(out);
    assert_int_equal(len, strlen(out));
    return out;
}

static void markup_is_escaped(void **state) {
    (void)state;
    const char *evil = "<img src=x onerror=alert(1)></script>\"'&\\";
    char *out = render_str(evil, strlen(evil));
    assert_string_equal(out, "\"\\u003cimg src=x onerror=alert(1)\\u003e\\u003c/script\\u003e"
                             "\\\"\\u0027\\u0026\\\\\"");
    assert_null(strchr(out, '<'));
    assert_null(strchr(out, '>'));
    /* a JSON parser gives the original text back */
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "[%s]", out);
    yajl_val v = yajl_tree_parse(wrapped, NULL, 0);
    assert_non_null(v);
    assert_string_equal(YAJL_GET_STRING(v->u.array.values[0]), evil);
    yajl_tree_free(v);
    free(out);
}

static void controls_and_unicode(void **state) {
    (void)state;
    char *out = render_str("a\nb\tc\r\x01\x7f", 8);
    assert_string_equal(out, "\"a\\nb\\tc\\r\\u0001\\u007f\"");
    free(out);
    /* NUL inside the data */
    out = render_str("x\0y", 3);
    assert_string_equal(out, "\"x\\u0000y\"");
    free(out);
    /* valid multi-byte text passes through; U+2028 is escaped */
    out = render_str("Müller \xe2\x80\xa8 آرش", strlen("Müller \xe2\x80\xa8 آرش"));
    assert_string_equal(out, "\"Müller \\u2028 آرش\"");
    free(out);
    /* invalid bytes: a lone continuation, a truncated sequence, an overlong, a surrogate */
    out = render_str("a\x80"
                     "b\xe2\x82"
                     "c\xc0\xaf"
                     "d\xed\xa0\x80",
                     12);
    assert_string_equal(out, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffd\"");
    free(out);
    assert_true(sl_console_json_utf8_valid("Müller", 7));
    assert_false(sl_console_json_utf8_valid("\xf5\x80\x80\x80", 4));
    assert_false(sl_console_json_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

static void structure(void **state) {
    (void)state;
    sl_console_json_t j;
    sl_console_json_init(&j, 4096);
    sl_console_json_obj(&j);
    sl_console_json_kstr(&j, "a", "x");
    sl_console_json_kint(&j, "b", -5);
    sl_console_json_knum(&j, "c", 1.5);
    sl_console_json_knum(&j, "nan", NAN);
    sl_console_json_kbool(&j, "d", 1);
    sl_console_json_kstr(&j, "n", NULL);
    sl_console_json_key(&j, "arr");
    sl_console_json_arr(&j);
    sl_console_json_int(&j, 1);
    sl_console_json_arr(&j);
    sl_console_json_arr_end(&j);
    sl_console_json_raw(&j, "{\"r\":1}", 7);
    sl_console_json_hex(&j, "\x00\xff", 2);
    sl_console_json_arr_end(&j);
    sl_console_json_obj_end(&j);
    size_t len;
    char *out = sl_console_json_take(&j, &len);
    assert_string_equal(out, "{\"a\":\"x\",\"b\":-5,\"c\":1.5,\"nan\":null,\"d\":true,\"n\":null,"
                             "\"arr\":[1,[],{\"r\":1},\"00ff\"]}");
    free(out);
}

static void caps(void **state) {
    (void)state;
    sl_console_json_t j;
    sl_console_json_init(&j, 16);
    sl_console_json_str(&j, "0123456789abcdefghij");
    assert_true(j.failed);
    size_t len = 99;
    assert_null(sl_console_json_take(&j, &len));
    assert_int_equal(len, 0);
    /* too deep */
    sl_console_json_init(&j, 4096);
    for (int i = 0; i < SL_CONSOLE_JSON_DEPTH + 1; i++)
        sl_console_json_arr(&j);
    assert_true(j.failed);
    sl_console_json_free(&j);
    /* capped strings cut at a character boundary */
    sl_console_json_init(&j, 4096);
    const char *s = "abü"; /* 'ü' is 2 bytes: a cut at 3 would split it */
    assert_int_equal(sl_console_json_strn_capped(&j, s, 4, 3), 1);
    assert_int_equal(sl_console_json_strn_capped(&j, s, 4, 4), 0);
    assert_int_equal(sl_console_json_strn_capped(&j, s, 4, 0), 1);
    char *out = sl_console_json_take(&j, &len);
    assert_string_equal(out, "\"ab\",\"abü\",\"\"");
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markup_is_escaped),
        cmocka_unit_test(controls_and_unicode),
        cmocka_unit_test(structure),
        cmocka_unit_test(caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
