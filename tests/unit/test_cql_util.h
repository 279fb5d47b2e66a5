/* Helpers shared by the CQL tests: a byte builder independent of the library's encoder,
 * so decoder tests do not lean on the code they check, and assertions on decoded values.
 * Include after <cmocka.h>. */
#ifndef TEST_CQL_UTIL_H
#define TEST_CQL_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cql.h"

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
/* Appends values by a spec, one letter each (like Python's struct.pack, big-endian):
 *   c  u8 (int)        h  u16 (int)         i  u32 (unsigned)
 *   s  [string] (const char *)              b  [bytes] (const void *, int n; n < 0: null)
 *   r  raw bytes (const void *, int n)
 * e.g. tb_pack(&t, "ish", 0x1000, "message", 1) for an error code, its text and a short. */
static inline void tb_pack(tb_t *t, const char *spec, ...) {
    va_list ap;
    va_start(ap, spec);
    for (const char *c = spec; *c; c++) {
        switch (*c) {
        case 'c': tb_u8(t, (uint8_t)va_arg(ap, int)); break;
        case 'h': tb_u16(t, (uint16_t)va_arg(ap, int)); break;
        case 'i': tb_u32(t, va_arg(ap, unsigned)); break;
        case 's': tb_str(t, va_arg(ap, const char *)); break;
        case 'b': {
            const void *p = va_arg(ap, const void *);
            tb_bytes(t, p, (int32_t)va_arg(ap, int));
            break;
        }
        case 'r': {
            const void *p = va_arg(ap, const void *);
            tb_raw(t, p, (size_t)va_arg(ap, int));
            break;
        }
        default: abort(); /* a typo in a test's spec */
        }
    }
    va_end(ap);
}

/* A malloc'd copy, as the decoders take ownership of bodies. */
static inline uint8_t *tb_dup(const tb_t *t) {
    uint8_t *p = malloc(t->n ? t->n : 1);
    memcpy(p, t->b, t->n);
    return p;
}

/* v holds exactly the n bytes want (text, ascii, blob: the getter checks the type). */
static inline void assert_cql_bytes(const cql_value_t *v, const void *want, size_t n) {
    const uint8_t *p;
    size_t len;
    assert_int_equal(cql_value_get_bytes(v, &p, &len), CQL_OK);
    assert_int_equal(len, n);
    assert_memory_equal(p, want, n);
}

static inline void assert_cql_text(const cql_value_t *v, const char *want) {
    assert_cql_bytes(v, want, strlen(want));
}

static inline void assert_cql_int32(const cql_value_t *v, int32_t want) {
    int32_t x;
    assert_int_equal(cql_value_get_int32(v, &x), CQL_OK);
    assert_int_equal(x, want);
}

static inline void assert_cql_int64(const cql_value_t *v, int64_t want) {
    int64_t x;
    assert_int_equal(cql_value_get_int64(v, &x), CQL_OK);
    assert_true(x == want);
}

/* Reads exactly n bytes from fd (a fake server's socket); -1 on EOF or error. */
static inline int tu_read_full(int fd, void *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (uint8_t *)p + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* A socket listening on 127.0.0.1 at a free port (written to *port), for a fake server. */
static inline int tu_listen(int backlog, int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, backlog), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Prepares query on session (which must succeed within 5 s) and returns a statement of
 * it, to be bound and freed with cql_stmt_free(). */
static inline cql_stmt_t *tu_prepare(cql_session_t *session, const char *query) {
    cql_future_t *f;
    assert_int_equal(cql_session_prepare(session, query, &f), CQL_OK);
    assert_int_equal(cql_future_wait(f, 5000), CQL_OK);
    cql_prepared_t *p = cql_future_prepared(f);
    cql_future_free(f);
    cql_stmt_t *st = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    return st;
}

#endif
