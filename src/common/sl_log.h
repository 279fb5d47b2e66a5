/*
 * sl_log — the one logging path of sluice commands.
 *
 * Human lines on a terminal ("2026-11-26T10:00:00Z INFO  ingest: text"), or JSON lines
 * ({"ts":…,"level":…,"component":…,"msg":…}) with --log-format json. Libraries never call
 * this directly (the CQL client takes a log callback); commands wire them to it.
 * Logs go to stderr so that stdout stays free for data and summaries.
 */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stdarg.h>

typedef enum {
    SL_LOG_DEBUG = 0,
    SL_LOG_INFO = 1,
    SL_LOG_WARN = 2,
    SL_LOG_ERROR = 3,
} sl_log_level_t;

typedef enum {
    SL_LOG_TEXT = 0,
    SL_LOG_JSON = 1,
} sl_log_format_t;

/* Global settings; set once by the command before it starts work. */
void sl_log_set_level(sl_log_level_t level);
void sl_log_set_format(sl_log_format_t format);

/* Parses "debug", "info", "warn", "error"; returns -1 for anything else. */
int sl_log_level_parse(const char *s, sl_log_level_t *out);
/* Parses "text" or "json"; returns -1 for anything else. */
int sl_log_format_parse(const char *s, sl_log_format_t *out);

/* The level of a librdkafka log line (syslog levels 0..7: up to 3 error, 4 warning, 5 and 6
 * info, 7 debug) for routing it to a log callback or to sl_log. A broker connection
 * failure (facility "FAIL") is a warning whatever its level: librdkafka reconnects by
 * itself, and what is lost shows in delivery reports and counters. */
sl_log_level_t sl_log_level_from_kafka(int syslog_level, const char *facility);

/* Writes one record. component is a short word such as "ingest" or "cql". */
void sl_log(sl_log_level_t level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sl_log_va(sl_log_level_t level, const char *component, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
