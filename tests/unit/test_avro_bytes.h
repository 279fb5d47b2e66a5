/*
 * Avro binary written by hand from the specification, for tests that must not trust
 * libavro to make what they feed to code built on libavro: zigzag varints, strings,
 * raw bytes, appended to a fixed buffer.
 */
#ifndef TEST_AVRO_BYTES_H
#define TEST_AVRO_BYTES_H

#include <stdint.h>
#include <string.h>

#include "sl_record_json.h"

typedef struct {
    unsigned char b[SL_RECORD_JSON_MSG_MAX + 256];
    size_t n;
} bytes_t;

/* long and int: zigzag, then 7 bits a byte, low first */
static inline void put_long(bytes_t *o, int64_t v) {
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z & ~(uint64_t)0x7f) {
        o->b[o->n++] = (unsigned char)((z & 0x7f) | 0x80);
        z >>= 7;
    }
    o->b[o->n++] = (unsigned char)z;
}

static inline void put_raw(bytes_t *o, const void *p, size_t n) {
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

/* string and bytes: the length as a long, then the bytes */
static inline void put_str(bytes_t *o, const char *s) {
    put_long(o, (int64_t)strlen(s));
    put_raw(o, s, strlen(s));
}

#endif
