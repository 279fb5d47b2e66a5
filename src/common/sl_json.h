/*
 * sl_json — the JSON string escaper of sluice's plain writers: the JSON log lines (sl_log)
 * and the mock API's pages (sl_mockapi_gen). It writes the body of a JSON string (no
 * quotes) for any bytes: '"' and '\' with a backslash, control characters as \u00XX.
 *
 * Two escapers stay apart on purpose, each for a contract of its own: the record's Kafka
 * encoding (sl_record_json: the short escapes \n \t ..., table-driven on the hot path, and
 * its bytes are the wire format) and the web console's (sl_console_json: it validates
 * UTF-8 and escapes < > & ' and U+2028/U+2029 for a browser).
 */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stddef.h>

/* Bytes 0x7f and above as \u00XX too (one per byte): plain ASCII out whatever the input. */
#define SL_JSON_ASCII 1u

/* Writes the escaped s[0..n) into out (cap bytes), only whole escapes, and a NUL when cap >
 * 0; stops at the first character that would not fit with the NUL. Returns the bytes
 * written, the NUL not counted. flags: 0 or SL_JSON_ASCII. */
size_t sl_json_escape(char *out, size_t cap, const char *s, size_t n, unsigned flags);

#endif
