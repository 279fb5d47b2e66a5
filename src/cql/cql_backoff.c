/*
 * cql_backoff — when the session tries a host again: exponential backoff with full jitter
 * (attempt n waits a uniform time in [0, min(cap, base * 2^n)]), so that the clients of a
 * node that went away do not all come back at the same instant.
 *
 * A private copy of sluice's sl_backoff (src/common/sl_backoff.c), kept on purpose: the
 * CQL library depends on nothing of sluice. The two must stay the same algorithm;
 * tests/unit/test_backoff.c runs one table of vectors against both.
 */
#include "cql_int.h"

#define SEED_DEFAULT 0x9E3779B97F4A7C15ull

void cql_backoff_init(cql_backoff_t *b, uint64_t base_ms, uint64_t cap_ms, uint64_t seed) {
    b->base_ms = base_ms;
    b->cap_ms = cap_ms < base_ms ? base_ms : cap_ms;
    b->rng = seed ? seed : SEED_DEFAULT;
}

uint64_t cql_backoff_ceiling_ms(const cql_backoff_t *b, unsigned attempt) {
    uint64_t c = b->base_ms;
    for (unsigned i = 0; i < attempt && c < b->cap_ms; i++)
        c = c > UINT64_MAX / 2 ? UINT64_MAX : c * 2;
    return c < b->cap_ms ? c : b->cap_ms;
}

uint64_t cql_backoff_next_ms(cql_backoff_t *b, unsigned attempt) {
    if (b->rng == 0)
        b->rng = SEED_DEFAULT;
    uint64_t ceil = cql_backoff_ceiling_ms(b, attempt);
    uint64_t x = b->rng; /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b->rng = x;
    return ceil == UINT64_MAX ? x : x % (ceil + 1);
}
