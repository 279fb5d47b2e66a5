/* Helpers shared by the CQL unit tests: a byte builder independent of the library's
 * encoder, so decoder tests do not lean on the code they check, and a full read for the
 * fake servers. */
#ifndef TEST_CQL_UTIL_H
#define TEST_CQL_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    uint8_t b[65536];
    size_t n;
} tb_t;

static inline void tb_u8(tb_t *t, uint8_t v) {
    t->b[t->n++] = v;
}
static inline void tb_u16(tb_t *t, uint16_t v) {
    tb_u8(t, (uint8_t)(v >> 8));
    tb_u8(t, (uint8_t)v);
}
static inline void tb_u32(tb_t *t, uint32_t v) {
    tb_u16(t, (uint16_t)(v >> 16));
    tb_u16(t, (uint16_t)v);
}
static inline void tb_raw(tb_t *t, const void *p, size_t n) {
    memcpy(t->b + t->n, p, n);
    t->n += n;
}
static inline void tb_str(tb_t *t, const char *s) {
    tb_u16(t, (uint16_t)strlen(s));
    tb_raw(t, s, strlen(s));
}
static inline void tb_bytes(tb_t *t, const void *p, int32_t n) {
    tb_u32(t, (uint32_t)n);
    if (n > 0)
        tb_raw(t, p, (size_t)n);
}
/* Reads exactly n bytes from fd (a fake server's socket); -1 on EOF or error. */
static inline int tb_read_full(int fd, void *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (uint8_t *)p + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* A malloc'd copy, as the decoders take ownership of bodies. */
static inline uint8_t *tb_dup(const tb_t *t) {
    uint8_t *p = malloc(t->n ? t->n : 1);
    memcpy(p, t->b, t->n);
    return p;
}

#endif
