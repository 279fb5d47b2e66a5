/*
 * sl_console_param — checks and conversions of the values a console request carries
 * (query and form arguments, the Cookie header) and of the console's own settings. All of
 * it is outside input: each function accepts exactly the documented form and nothing
 * around it, and writes only within the sizes given. Fuzzed (tests/fuzz/fuzz_console_param.c).
 */
#ifndef SL_CONSOLE_PARAM_H
#define SL_CONSOLE_PARAM_H

#include <stddef.h>
#include <stdint.h>

/* A decimal integer (optional '-') within [min, max]; 0 with *out set, -1 otherwise. */
int sl_console_param_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* A point in time as milliseconds since the Unix epoch: either all digits (milliseconds)
 * or ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+HH:MM" or "-HH:MM" (none
 * means UTC; a space may stand for the T). 0 with *out set, -1 otherwise. */
int sl_console_param_time_ms(const char *s, int64_t *out);

/* 1 when s is a legal Kafka topic name: 1..249 of [A-Za-z0-9._-], not "." or "..". */
int sl_console_param_topic_ok(const char *s);
/* 1 when s can be a consumer group id the console acts on: 1..255 printable ASCII
 * characters without quotes, backslash or blanks. */
int sl_console_param_group_ok(const char *s);

/* Finds cookie name in a Cookie header value ("a=1; b=2") and copies its value into out
 * (NUL-terminated). 0 when found and it fit, -1 otherwise. */
int sl_console_param_cookie(const char *header, const char *name, char *out, size_t out_size);

/* Splits a component spec "NAME=URL": NAME 1..32 of [A-Za-z0-9._-], URL starting with
 * http:// or https:// without blanks or control characters, at most url_size-1 bytes. A
 * trailing '/' of the URL is dropped. 0 on success, -1 otherwise. */
int sl_console_param_component(const char *spec, char *name, size_t name_size, char *url,
                               size_t url_size);

/* Writes a printable copy of s for a log line: bytes outside printable ASCII become '?',
 * at most out_size - 1 of them. */
void sl_console_param_printable(const char *s, char *out, size_t out_size);

#endif
