/*
 * Query-string parsing for sl_http: one allocation holds the pair table and a decoded copy
 * of the input, so a parsed query is freed with one free() and never grows after parsing.
 */
#include "sl_http_query.h"

#include <stdlib.h>
#include <string.h>

struct sl_http_query_s {
    size_t count;
    const char *keys[SL_HTTP_QUERY_MAX_ARGS];
    const char *values[SL_HTTP_QUERY_MAX_ARGS];
    char text[]; /* decoded keys and values, each NUL-terminated */
};

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes src[0..len) into dst (which has room for len + 1 bytes) and NUL-terminates it.
 * Returns -1 on a malformed or NUL escape, or a raw NUL byte. */
static int decode(const char *src, size_t len, char *dst) {
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '+') {
            dst[o++] = ' ';
        } else if (c == '%') {
            if (len - i < 3)
                return -1;
            int hi = hexval((unsigned char)src[i + 1]);
            int lo = hexval((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            dst[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '\0') {
            return -1;
        } else {
            dst[o++] = (char)c;
        }
    }
    dst[o] = '\0';
    return 0;
}

sl_http_err_t sl_http_query_parse(const char *qs, size_t len, sl_http_query_t **out) {
    *out = NULL;
    if (len > SL_HTTP_QUERY_MAX_LEN)
        return SL_HTTP_ERR_TOO_BIG;
    if (len > 0 && !qs)
        return SL_HTTP_ERR_INVALID;
    /* Each pair's key and value end with a NUL: at most len + 2 per pair beyond the input. */
    size_t room = len + 2 * SL_HTTP_QUERY_MAX_ARGS + 2;
    sl_http_query_t *q = malloc(sizeof *q + room);
    if (!q)
        return SL_HTTP_ERR_NOMEM;
    q->count = 0;
    char *w = q->text;
    size_t pos = 0;
    while (pos < len) {
        const char *pair = qs + pos;
        const char *amp = memchr(pair, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - pair) : len - pos;
        pos += plen + (amp ? 1 : 0);
        if (plen == 0)
            continue;
        if (q->count == SL_HTTP_QUERY_MAX_ARGS) {
            free(q);
            return SL_HTTP_ERR_TOO_BIG;
        }
        const char *eq = memchr(pair, '=', plen);
        size_t klen = eq ? (size_t)(eq - pair) : plen;
        size_t vlen = eq ? plen - klen - 1 : 0;
        char *key = w;
        if (decode(pair, klen, key) != 0) {
            free(q);
            return SL_HTTP_ERR_QUERY;
        }
        w += strlen(key) + 1;
        char *value = w;
        if (decode(eq ? eq + 1 : "", vlen, value) != 0) {
            free(q);
            return SL_HTTP_ERR_QUERY;
        }
        w += strlen(value) + 1;
        q->keys[q->count] = key;
        q->values[q->count] = value;
        q->count++;
    }
    *out = q;
    return SL_HTTP_OK;
}

size_t sl_http_query_count(const sl_http_query_t *q) {
    return q ? q->count : 0;
}

const char *sl_http_query_key(const sl_http_query_t *q, size_t i) {
    return q && i < q->count ? q->keys[i] : NULL;
}

const char *sl_http_query_value(const sl_http_query_t *q, size_t i) {
    return q && i < q->count ? q->values[i] : NULL;
}

const char *sl_http_query_get(const sl_http_query_t *q, const char *key) {
    if (!q)
        return NULL;
    for (size_t i = q->count; i > 0; i--) {
        if (strcmp(q->keys[i - 1], key) == 0)
            return q->values[i - 1];
    }
    return NULL;
}

void sl_http_query_free(sl_http_query_t *q) {
    free(q);
}
