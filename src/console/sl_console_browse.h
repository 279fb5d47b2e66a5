/*
 * sl_console_browse — the message browser: the newest N messages of a topic (or of one
 * partition), or the first N from the beginning, from an offset or from a timestamp, with
 * an optional text filter over key, value and headers. Each request uses a consumer of its
 * own (no group: nothing is committed, no member joins anything) that reads only up to the
 * high watermarks seen when the request started, and it ends by its deadline whatever the
 * brokers do. Memory is bounded: at most limit messages are kept, each rendered with its
 * key, value and header values cut to caps, and the page stops at max_page bytes.
 * Values in the Confluent wire format (0x00 + 4-byte schema id) go through the registry's
 * decode hook when there is one, and are shown as hex otherwise.
 */
#ifndef SL_CONSOLE_BROWSE_H
#define SL_CONSOLE_BROWSE_H

#include <stddef.h>
#include <stdint.h>

#include "sl_console.h"
#include "sl_console_json.h"
#include "sl_console_kafka.h"

typedef enum {
    SL_CONSOLE_FROM_LATEST = 0,
    SL_CONSOLE_FROM_EARLIEST = 1,
    SL_CONSOLE_FROM_OFFSET = 2,
    SL_CONSOLE_FROM_TIME = 3,
} sl_console_from_t;

typedef struct {
    const char *topic;
    int32_t partition; /* -1: every partition */
    sl_console_from_t from;
    int64_t offset;     /* SL_CONSOLE_FROM_OFFSET */
    int64_t time_ms;    /* SL_CONSOLE_FROM_TIME */
    size_t limit;       /* messages on the page */
    const char *filter; /* case-insensitive substring of key, value or a header; NULL: all */
    size_t max_value;   /* bytes of a value (and of a decoded value) shown */
    size_t max_page;    /* bytes of the whole page */
    size_t scan_max;    /* messages read at most when a filter is given */
    int timeout_ms;     /* the whole request */
    const sl_console_registry_t *registry; /* decode hook, or NULL */
} sl_console_browse_req_t;

/* Reads per req and writes the page as a JSON object into j. Returns 0, or -1 with errstr
 * and *http_status (400 bad request, 404 no such topic or partition, 504 Kafka did not
 * answer in time, 500 otherwise). */
int sl_console_browse(const char *brokers, const char *const *props,
                      const sl_console_kafka_log_t *log, const sl_console_browse_req_t *req,
                      sl_console_json_t *j, int *http_status, char *errstr, size_t errstr_size);

/* 1 when needle (NUL-terminated, ASCII case-insensitive) occurs in hay[0..n). An empty
 * needle matches everything. */
int sl_console_browse_contains(const void *hay, size_t n, const char *needle);

#endif
