/* Fuzz target for sl_ingest_raw: any bytes must be scanned without reading out of bounds,
 * and every range found must lie inside the input, in order, without overlap. */
#include <stdint.h>
#include <stdlib.h>

#include "sl_ingest_raw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sl_ingest_raw_range_t r[64];
    long n = sl_ingest_raw_results((const char *)data, size, r, 64);
    if (n < -1)
        abort();
    uint64_t prev_end = 0;
    for (long i = 0; i < n && i < 64; i++) {
        if (r[i].len == 0 || (uint64_t)r[i].off + r[i].len > size || r[i].off < prev_end)
            abort();
        prev_end = (uint64_t)r[i].off + r[i].len;
    }
    return 0;
}
