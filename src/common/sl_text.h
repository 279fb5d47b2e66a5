/*
 * sl_text — the text appender behind sluice's snprintf-style renderers (configuration
 * references, metrics pages, summaries): `size_t render(..., char *buf, size_t cap)` that
 * writes what fits, always NUL-terminates when cap > 0, and returns the length the whole
 * text needs, so a caller can size a buffer with a first call on (NULL, 0). Appends after
 * the buffer is full are still counted. Plain data over a caller's buffer; no allocation.
 * For text that must grow without a fixed buffer, use sl_buf.
 */
#ifndef SL_TEXT_H
#define SL_TEXT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sl_text_s {
    char *buf;  /* borrowed; may be NULL when cap is 0 */
    size_t cap; /* bytes of buf */
    size_t len; /* length of the whole text so far, written or not */
} sl_text_t;

/* Starts appending at buf[at] (0 for a fresh text); buf[at] becomes '\0' if it fits. */
void sl_text_init(sl_text_t *t, char *buf, size_t cap, size_t at);
void sl_text_printf(sl_text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_text_vprintf(sl_text_t *t, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* 1 when everything appended so far was written (with its NUL), else 0. */
int sl_text_fits(const sl_text_t *t);

#endif
