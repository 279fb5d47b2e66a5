/*
 * A structural JSON scanner just good enough to delimit array elements: it knows strings
 * (with backslash escapes), brackets and commas, and nothing of values' meaning.
 */
#include "sl_ingest_raw.h"

#include <string.h>

static size_t skip_ws(const char *b, size_t i, size_t len) {
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    return i;
}

/* b[i] == '"': returns the index just past the closing quote, or len if unterminated. */
static size_t skip_string(const char *b, size_t i, size_t len) {
    for (i++; i < len; i++) {
        if (b[i] == '\\')
            i++;
        else if (b[i] == '"')
            return i + 1;
    }
    return len + 1;
}

/* Skips one value starting at b[i] (after whitespace); returns the index just past it,
 * or > len if it is cut short or unbalanced. */
static size_t skip_value(const char *b, size_t i, size_t len) {
    if (i >= len)
        return len + 1;
    if (b[i] == '"')
        return skip_string(b, i, len);
    if (b[i] == '{' || b[i] == '[') {
        size_t depth = 0;
        for (; i < len; i++) {
            char c = b[i];
            if (c == '"') {
                i = skip_string(b, i, len) - 1;
                if (i >= len)
                    return len + 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    return len + 1;
                if (--depth == 0)
                    return i + 1;
            }
        }
        return len + 1;
    }
    /* number, true, false, null: up to the next delimiter */
    while (i < len && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' &&
           b[i] != '\n' && b[i] != '\r')
        i++;
    return i;
}

long sl_ingest_raw_results(const char *b, size_t len, sl_ingest_raw_range_t *out, size_t max) {
    if (len > UINT32_MAX)
        return -1;
    size_t i = skip_ws(b, 0, len);
    if (i >= len || b[i] != '{')
        return -1;
    i++;
    for (;;) {
        i = skip_ws(b, i, len);
        if (i >= len || b[i] != '"')
            return -1;
        size_t kstart = i + 1;
        size_t kend = skip_string(b, i, len);
        if (kend > len)
            return -1;
        int is_results = kend - 1 - kstart == 7 && memcmp(b + kstart, "results", 7) == 0;
        i = skip_ws(b, kend, len);
        if (i >= len || b[i] != ':')
            return -1;
        i = skip_ws(b, i + 1, len);
        if (is_results) {
            if (i >= len || b[i] != '[')
                return -1;
            i = skip_ws(b, i + 1, len);
            long n = 0;
            if (i < len && b[i] == ']')
                return 0;
            for (;;) {
                size_t end = skip_value(b, i, len);
                if (end > len || end == i)
                    return -1;
                if ((size_t)n < max) {
                    out[n].off = (uint32_t)i;
                    out[n].len = (uint32_t)(end - i);
                }
                n++;
                i = skip_ws(b, end, len);
                if (i >= len)
                    return -1;
                if (b[i] == ']')
                    return n;
                if (b[i] != ',')
                    return -1;
                i = skip_ws(b, i + 1, len);
            }
        }
        size_t end = skip_value(b, i, len);
        if (end > len || end == i)
            return -1;
        i = skip_ws(b, end, len);
        if (i >= len)
            return -1;
        if (b[i] == '}')
            return -1; /* no "results" */
        if (b[i] != ',')
            return -1;
        i++;
    }
}
