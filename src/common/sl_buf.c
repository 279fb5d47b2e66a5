/*
 * Growth doubles from a small first allocation and is clamped to the cap (plus the NUL),
 * so a buffer that ends just under its cap does not over-allocate by half.
 */
#include "sl_buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_ALLOC 256

SL_ERR_DEFINE_STR(sl_buf_err_str, sl_buf_err_t, SL_BUF_ERRORS)

void sl_buf_init(sl_buf_t *b, size_t max) {
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max < SIZE_MAX ? max : SIZE_MAX - 1;
}

void sl_buf_free(sl_buf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void sl_buf_reset(sl_buf_t *b) {
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

sl_buf_err_t sl_buf_reserve(sl_buf_t *b, size_t n) {
    if (n > b->max - b->len)
        return SL_BUF_ERR_TOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return SL_BUF_OK;
    size_t cap = b->cap ? b->cap : FIRST_ALLOC;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return SL_BUF_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return SL_BUF_OK;
}

sl_buf_err_t sl_buf_append(sl_buf_t *b, const void *p, size_t n) {
    sl_buf_err_t err = sl_buf_reserve(b, n);
    if (err)
        return err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SL_BUF_OK;
}

sl_buf_err_t sl_buf_vprintf(sl_buf_t *b, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    sl_buf_err_t err = n < 0 ? SL_BUF_ERR_NOMEM /* an encoding error or ENOMEM */
                             : sl_buf_reserve(b, (size_t)n);
    if (err == SL_BUF_OK) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
    return err;
}

sl_buf_err_t sl_buf_printf(sl_buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_buf_err_t err = sl_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return err;
}

void sl_buf_attach(sl_buf_t *b, char *data, size_t len) {
    free(b->data);
    b->data = data;
    b->len = data ? len : 0;
    b->cap = data ? len + 1 : 0;
}

char *sl_buf_detach(sl_buf_t *b, size_t *len) {
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
