/* The snprintf-style appender; see sl_text.h. */
#include "sl_text.h"

#include <stdio.h>

void sl_text_init(sl_text_t *t, char *buf, size_t cap, size_t at) {
    t->buf = buf;
    t->cap = cap;
    t->len = at;
    if (at < cap)
        buf[at] = '\0';
}

void sl_text_vprintf(sl_text_t *t, const char *fmt, va_list ap) {
    char *at = t->len < t->cap ? t->buf + t->len : NULL;
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(at, room, fmt, ap);
    if (n > 0)
        t->len += (size_t)n;
}

void sl_text_printf(sl_text_t *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_text_vprintf(t, fmt, ap);
    va_end(ap);
}

int sl_text_fits(const sl_text_t *t) {
    return t->len < t->cap;
}
