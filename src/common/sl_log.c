/*
 * Logging: one formatted line per call, written with a single write(2) so that lines of
 * concurrent processes sharing a terminal or file do not interleave mid-line.
 */
#include "sl_log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sl_json.h"
#include "sl_time.h"

static sl_log_level_t g_level = SL_LOG_INFO;
static sl_log_format_t g_format = SL_LOG_TEXT;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void sl_log_set_level(sl_log_level_t level) {
    g_level = level;
}
void sl_log_set_format(sl_log_format_t format) {
    g_format = format;
}

int sl_log_level_parse(const char *s, sl_log_level_t *out) {
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (sl_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

int sl_log_format_parse(const char *s, sl_log_format_t *out) {
    if (strcmp(s, "text") == 0)
        *out = SL_LOG_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = SL_LOG_JSON;
    else
        return -1;
    return 0;
}

sl_log_level_t sl_log_level_from_kafka(int syslog_level, const char *facility) {
    sl_log_level_t l = syslog_level <= 3   ? SL_LOG_ERROR
                       : syslog_level <= 4 ? SL_LOG_WARN
                       : syslog_level <= 6 ? SL_LOG_INFO
                                           : SL_LOG_DEBUG;
    if (l == SL_LOG_ERROR && facility && strcmp(facility, "FAIL") == 0)
        l = SL_LOG_WARN;
    return l;
}

/* Appends s to out[at..cap) as the body of a JSON string; stops at the buffer's end. */
static size_t json_escape(char *out, size_t cap, size_t at, const char *s) {
    return at < cap ? at + sl_json_escape(out + at, cap - at, s, strlen(s), 0) : at;
}

void sl_log_va(sl_log_level_t level, const char *component, const char *fmt, va_list ap) {
    if (level < g_level)
        return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);

    int64_t now_ms = sl_wall_ms();
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char when[96];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now_ms % 1000));

    char line[4096];
    size_t n;
    if (g_format == SL_LOG_JSON) {
        n = (size_t)snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":\"",
                             when, level_names[level]);
        n = json_escape(line, sizeof line, n, component);
        n += (size_t)snprintf(line + n, sizeof line - n, "\",\"msg\":\"");
        n = json_escape(line, sizeof line, n, msg);
        n += (size_t)snprintf(line + n, sizeof line - n, "\"}\n");
    } else {
        n = (size_t)snprintf(line, sizeof line, "%s %-5s %s: %s\n", when, level_names[level],
                             component, msg);
    }
    if (n >= sizeof line) {
        n = sizeof line - 1;
        line[n - 1] = '\n';
    }
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}

void sl_log(sl_log_level_t level, const char *component, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_log_va(level, component, fmt, ap);
    va_end(ap);
}

void sl_log_to_cb_va(sl_log_cb_t cb, void *opaque, sl_log_level_t level, const char *fmt,
                     va_list ap) {
    if (!cb)
        return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    cb(opaque, level, msg);
}

void sl_log_to_cb(sl_log_cb_t cb, void *opaque, sl_log_level_t level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_log_to_cb_va(cb, opaque, level, fmt, ap);
    va_end(ap);
}
