/* Unit tests for sl_buf (growth, the cap and its TOOBIG error that leaves the buffer as it
 * was, the NUL after the content, printf, attach and detach) and sl_text (what fits is
 * written, the whole length is counted). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_buf.h"
#include "sl_text.h"

static void grows_and_terminates(void **state) {
    (void)state;
    sl_buf_t b;
    sl_buf_init(&b, 1 << 20);
    assert_null(b.data);
    char chunk[1000];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 100; i++)
        assert_int_equal(sl_buf_append(&b, chunk, sizeof chunk), SL_BUF_OK);
    assert_int_equal(b.len, 100000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strlen(b.data), 100000);
    size_t cap = b.cap;
    sl_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap); /* memory kept for reuse */
    assert_string_equal(b.data, "");
    assert_int_equal(sl_buf_printf(&b, "%d-%s", 42, "abc"), SL_BUF_OK);
    assert_string_equal(b.data, "42-abc");
    assert_int_equal(sl_buf_append(&b, NULL, 0), SL_BUF_OK);
    assert_int_equal(b.len, 6);
    sl_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

/* An append past the cap fails whole: content, length and allocation stay as they were. */
static void cap_is_hard(void **state) {
    (void)state;
    sl_buf_t b;
    sl_buf_init(&b, 10);
    assert_int_equal(sl_buf_append(&b, "0123456789", 10), SL_BUF_OK);
    assert_int_equal(b.cap, 11); /* clamped to the cap and its NUL, not doubled past it */
    assert_int_equal(sl_buf_append(&b, "a", 1), SL_BUF_ERR_TOOBIG);
    assert_int_equal(sl_buf_printf(&b, "%s", "b"), SL_BUF_ERR_TOOBIG);
    assert_int_equal(sl_buf_reserve(&b, 1), SL_BUF_ERR_TOOBIG);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(sl_buf_reserve(&b, 0), SL_BUF_OK);
    sl_buf_reset(&b);
    assert_int_equal(sl_buf_append(&b, "0123456789x", 11), SL_BUF_ERR_TOOBIG);
    assert_int_equal(b.len, 0);
    assert_int_equal(sl_buf_reserve(&b, SIZE_MAX), SL_BUF_ERR_TOOBIG); /* no overflow */
    sl_buf_free(&b);
    assert_string_equal(sl_buf_err_str(SL_BUF_ERR_TOOBIG), "buffer would grow beyond its cap");
    assert_string_equal(sl_buf_err_str((sl_buf_err_t)99), "unknown error");
}

/* reserve gives room to write into; the writer adds to len itself. */
static void reserve_then_write(void **state) {
    (void)state;
    sl_buf_t b;
    sl_buf_init(&b, 4096);
    assert_int_equal(sl_buf_reserve(&b, 300), SL_BUF_OK);
    assert_true(b.cap >= 301);
    assert_string_equal(b.data, ""); /* a string from the first reservation on */
    memcpy(b.data, "hello", 5);
    b.len += 5;
    assert_int_equal(sl_buf_append(&b, " world", 6), SL_BUF_OK);
    assert_string_equal(b.data, "hello world");
    sl_buf_free(&b);
}

static void attach_and_detach(void **state) {
    (void)state;
    sl_buf_t b;
    sl_buf_init(&b, 100);
    assert_int_equal(sl_buf_append(&b, "old", 3), SL_BUF_OK);
    char *mine = strdup("attached");
    sl_buf_attach(&b, mine, 8); /* the old content is freed */
    assert_ptr_equal(b.data, mine);
    assert_int_equal(sl_buf_append(&b, "+more", 5), SL_BUF_OK);
    assert_string_equal(b.data, "attached+more");
    size_t len = 0;
    char *out = sl_buf_detach(&b, &len);
    assert_int_equal(len, 13);
    assert_string_equal(out, "attached+more");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(out);
    assert_null(sl_buf_detach(&b, &len)); /* nothing reserved */
    assert_int_equal(len, 0);
    sl_buf_free(&b);
}

static void text_counts_what_does_not_fit(void **state) {
    (void)state;
    char buf[8];
    sl_text_t t;
    sl_text_init(&t, buf, sizeof buf, 0);
    sl_text_printf(&t, "%s", "abc");
    assert_true(sl_text_fits(&t));
    sl_text_printf(&t, "%d", 12345);
    assert_false(sl_text_fits(&t));
    assert_int_equal(t.len, 8);
    assert_string_equal(buf, "abc1234"); /* cut, still terminated */
    sl_text_printf(&t, "tail");
    assert_int_equal(t.len, 12);
    /* sizing pass on no buffer at all */
    sl_text_init(&t, NULL, 0, 0);
    sl_text_printf(&t, "%s=%d\n", "key", 7);
    assert_int_equal(t.len, 6);
    /* appending after text already in the buffer */
    char buf2[16] = "head:";
    sl_text_init(&t, buf2, sizeof buf2, 5);
    sl_text_printf(&t, "%s", "body");
    assert_true(sl_text_fits(&t));
    assert_string_equal(buf2, "head:body");
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(grows_and_terminates), cmocka_unit_test(cap_is_hard),
          cmocka_unit_test(reserve_then_write), cmocka_unit_test(attach_and_detach),
          cmocka_unit_test(text_counts_what_does_not_fit))
