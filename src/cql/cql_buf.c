/*
 * cql_buf — the byte plumbing under the codec: a growable output buffer with a hard
 * cap and a sticky failure flag (so encoders write straight through and check once),
 * and a reader that bounds-checks every length it is given before using it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cql_int.h"

void cql_buf_init(cql_buf_t *b, size_t max) {
    memset(b, 0, sizeof *b);
    b->max = max ? max : SIZE_MAX;
}

void cql_buf_free(cql_buf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

bool cql_buf_grow(cql_buf_t *b, size_t n) {
    if (b->failed)
        return false;
    if (n > b->max || b->len > b->max - n) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + n;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void cql_buf_put(cql_buf_t *b, const void *p, size_t n) {
    if (n == 0 || !cql_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void cql_buf_u8(cql_buf_t *b, uint8_t v) {
    if (!cql_buf_reserve(b, 1))
        return;
    b->data[b->len++] = v;
}

void cql_buf_u16(cql_buf_t *b, uint16_t v) {
    if (!cql_buf_reserve(b, 2))
        return;
    cql_wr_u16(b->data + b->len, v);
    b->len += 2;
}

void cql_buf_u32(cql_buf_t *b, uint32_t v) {
    if (!cql_buf_reserve(b, 4))
        return;
    cql_wr_u32(b->data + b->len, v);
    b->len += 4;
}

void cql_buf_u64(cql_buf_t *b, uint64_t v) {
    if (!cql_buf_reserve(b, 8))
        return;
    cql_wr_u32(b->data + b->len, (uint32_t)(v >> 32));
    cql_wr_u32(b->data + b->len + 4, (uint32_t)v);
    b->len += 8;
}

/* n as a 2-byte ([string], [short bytes]) or 4-byte ([long string], [bytes]) length, then
 * the n bytes; a length that does not fit fails the buffer. */
static void put_sized(cql_buf_t *b, unsigned width, const void *p, size_t n) {
    if (n > (width == 2 ? UINT16_MAX : INT32_MAX)) {
        b->failed = true;
        return;
    }
    if (!cql_buf_reserve(b, width + n))
        return;
    uint8_t *d = b->data + b->len;
    if (width == 2)
        cql_wr_u16(d, (uint16_t)n);
    else
        cql_wr_u32(d, (uint32_t)n);
    if (n)
        memcpy(d + width, p, n);
    b->len += width + n;
}

void cql_buf_string(cql_buf_t *b, const char *s, size_t n) {
    put_sized(b, 2, s, n);
}

void cql_buf_long_string(cql_buf_t *b, const char *s, size_t n) {
    put_sized(b, 4, s, n);
}

void cql_buf_bytes(cql_buf_t *b, const void *p, size_t n) {
    put_sized(b, 4, p, n);
}

void cql_buf_short_bytes(cql_buf_t *b, const void *p, size_t n) {
    put_sized(b, 2, p, n);
}

void cql_buf_patch_u32(cql_buf_t *b, size_t off, uint32_t v) {
    if (b->failed || off + 4 > b->len)
        return;
    cql_wr_u32(b->data + off, v);
}

void cql_buf_consume(cql_buf_t *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

uint8_t cql_rd_u8(cql_rd_t *r) {
    const uint8_t *p = cql_rd_raw(r, 1);
    return p ? p[0] : 0;
}

uint16_t cql_rd_u16(cql_rd_t *r) {
    const uint8_t *p = cql_rd_raw(r, 2);
    return p ? cql_rd_u16p(p) : 0;
}

uint32_t cql_rd_u32(cql_rd_t *r) {
    const uint8_t *p = cql_rd_raw(r, 4);
    return p ? cql_rd_u32p(p) : 0;
}

uint64_t cql_rd_u64(cql_rd_t *r) {
    const uint8_t *p = cql_rd_raw(r, 8);
    return p ? cql_rd_u64p(p) : 0;
}

const uint8_t *cql_rd_raw(cql_rd_t *r, size_t n) {
    if (r->failed || n > cql_rd_left(r)) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

const char *cql_rd_string(cql_rd_t *r, size_t *n) {
    size_t len = cql_rd_u16(r);
    const char *s = (const char *)cql_rd_raw(r, len);
    *n = s ? len : 0;
    return s ? s : "";
}

const uint8_t *cql_rd_bytes(cql_rd_t *r, int32_t *n) {
    int32_t len = (int32_t)cql_rd_u32(r);
    if (r->failed) {
        *n = -1;
        return NULL;
    }
    if (len < 0) {
        /* -1 null, -2 not set; anything below is malformed */
        if (len < -2)
            r->failed = true;
        *n = len;
        return NULL;
    }
    const uint8_t *p = cql_rd_raw(r, (size_t)len);
    *n = p ? len : -1;
    return p;
}

const uint8_t *cql_rd_short_bytes(cql_rd_t *r, size_t *n) {
    size_t len = cql_rd_u16(r);
    const uint8_t *p = cql_rd_raw(r, len);
    *n = p ? len : 0;
    return p;
}

char *cql_strndup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int64_t cql_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cql_set_errstr(char *errstr, size_t size, const char *fmt, ...) {
    if (!errstr || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, size, fmt, ap);
    va_end(ap);
}
