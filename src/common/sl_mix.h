/*
 * sl_mix — the splitmix64 finalizer: a fast bijective 64-bit mix with good avalanche.
 * Used where sluice derives reproducible values from seeds (the mock API's users and
 * fault decisions). Not for anything that must resist an adversary.
 */
#ifndef SL_MIX_H
#define SL_MIX_H

#include <stdint.h>

static inline uint64_t sl_mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

#endif
