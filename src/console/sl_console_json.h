/*
 * sl_console_json — the console's JSON writer. Every value the console serves comes from
 * outside (Kafka messages, topic and group names, component answers, Cassandra), so the
 * writer is where escaping happens, once: strings are emitted as valid UTF-8 JSON with
 * invalid bytes replaced by U+FFFD, control characters escaped, and '<', '>', '&', '\''
 * and U+2028/U+2029 written as \u escapes so that no byte sequence from data can close a
 * script or an HTML context even if a client mishandles the content type. Output grows
 * in one buffer up to a fixed cap; past it the writer marks itself failed and drops the
 * rest (the caller then answers with an error instead of a cut document).
 * Commas and nesting are tracked by the writer (at most SL_CONSOLE_JSON_DEPTH levels).
 */
#ifndef SL_CONSOLE_JSON_H
#define SL_CONSOLE_JSON_H

#include <stddef.h>
#include <stdint.h>

#define SL_CONSOLE_JSON_DEPTH 32

typedef struct sl_console_json_s {
    char *buf;
    size_t len, cap, max;
    int failed; /* over max, out of memory or nested too deep: the text is incomplete */
    unsigned depth;
    unsigned char first[SL_CONSOLE_JSON_DEPTH + 1];
    int after_key;
} sl_console_json_t;

/* An empty writer whose output may grow to max bytes. Release with sl_console_json_free()
 * or take the text with sl_console_json_take(). */
void sl_console_json_init(sl_console_json_t *j, size_t max);
void sl_console_json_free(sl_console_json_t *j);
/* The text so far (NUL-terminated, malloc'ed; the caller frees it) and its length; the
 * writer is empty afterwards. NULL when nothing was written or the writer failed. */
char *sl_console_json_take(sl_console_json_t *j, size_t *len);

void sl_console_json_obj(sl_console_json_t *j);
void sl_console_json_obj_end(sl_console_json_t *j);
void sl_console_json_arr(sl_console_json_t *j);
void sl_console_json_arr_end(sl_console_json_t *j);
/* An object key (escaped like any string); the next value belongs to it. */
void sl_console_json_key(sl_console_json_t *j, const char *key);

/* A string value from s (NUL-terminated; NULL writes null). */
void sl_console_json_str(sl_console_json_t *j, const char *s);
/* A string value from s[0..n), which may hold any bytes, NULs included. */
void sl_console_json_strn(sl_console_json_t *j, const char *s, size_t n);
/* A string value from at most cap bytes of s[0..n), cut at a UTF-8 character boundary.
 * Returns 1 when s was cut, 0 when all of it fit. */
int sl_console_json_strn_capped(sl_console_json_t *j, const char *s, size_t n, size_t cap);
/* Lower-case hex of s[0..n) as a string value. */
void sl_console_json_hex(sl_console_json_t *j, const void *s, size_t n);
void sl_console_json_int(sl_console_json_t *j, int64_t v);
/* A number; NaN and infinities (no JSON form) are written as null. */
void sl_console_json_num(sl_console_json_t *j, double v);
void sl_console_json_bool(sl_console_json_t *j, int v);
void sl_console_json_null(sl_console_json_t *j);
/* Text that is already a complete JSON value (made by this writer), inserted as is. */
void sl_console_json_raw(sl_console_json_t *j, const char *text, size_t n);

/* key + value shorthands */
void sl_console_json_kstr(sl_console_json_t *j, const char *key, const char *v);
void sl_console_json_kint(sl_console_json_t *j, const char *key, int64_t v);
void sl_console_json_knum(sl_console_json_t *j, const char *key, double v);
void sl_console_json_kbool(sl_console_json_t *j, const char *key, int v);

/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int sl_console_json_utf8_valid(const char *s, size_t n);

#endif
