/*
 * sl_console_prom — a reader of the Prometheus text exposition format (version 0.0.4), for
 * the /metrics pages of the components the console watches. The bytes come from another
 * process over HTTP, so the parser trusts nothing: each sample line is checked whole
 * (metric name, optional {label="value",...} set with escapes, value, optional timestamp)
 * and a malformed line is skipped and counted, never half-read. Comments (# HELP, # TYPE)
 * and blank lines are skipped. Nothing is allocated; the callback gets pointers into the
 * caller's text.
 */
#ifndef SL_CONSOLE_PROM_H
#define SL_CONSOLE_PROM_H

#include <stddef.h>

/* One sample: name[0..name_len), the raw label text between the braces (labels_len 0 when
 * there were none; well-formed, still escaped), and the value (NaN and ±Inf allowed). */
typedef void (*sl_console_prom_sample_fn)(void *opaque, const char *name, size_t name_len,
                                          const char *labels, size_t labels_len, double value);

/* Calls fn for every well-formed sample line of text[0..len), in order. Returns the number
 * of lines that were not comments, blank or well-formed samples. */
size_t sl_console_prom_parse(const char *text, size_t len, sl_console_prom_sample_fn fn,
                             void *opaque);

/* Looks up label key in a label text as handed to the callback and writes its unescaped
 * value into out (NUL-terminated; cut to out_size - 1 bytes). Returns 0 when found, -1
 * when absent or the text is malformed. */
int sl_console_prom_label(const char *labels, size_t len, const char *key, char *out,
                          size_t out_size);

#endif
