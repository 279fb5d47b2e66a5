/*
 * sl_ingest_raw — finds the original bytes of each user in an API body.
 *
 * The dead-letter topic keeps a rejected user as the API sent it, not as far as it could
 * be flattened. The streaming parser reports users by position in "results"; this module
 * maps positions back to byte ranges with one structural pass over the buffered body
 * (strings and escapes skipped, brackets counted). It runs only for pages that had a
 * reject, on bodies the parser already accepted as well-formed JSON; on anything it does
 * not understand it reports failure and the caller falls back to the flattened record.
 * No allocation.
 */
#ifndef SL_INGEST_RAW_H
#define SL_INGEST_RAW_H

#include <stddef.h>
#include <stdint.h>

/* One element's bytes: body[off .. off+len). */
typedef struct sl_ingest_raw_range_s {
    uint32_t off, len;
} sl_ingest_raw_range_t;

/*
 * Scans body[0..len) — a JSON object — for the top-level key "results" (written without
 * escapes) holding an array, and fills out[i] with the byte range of element i for the
 * first max elements. Returns the number of elements found (all of them, even beyond max),
 * or -1 if the body is not an object with such an array, or is cut short, or larger than
 * 4 GiB. Only the first "results" key counts.
 */
long sl_ingest_raw_results(const char *body, size_t len, sl_ingest_raw_range_t *out, size_t max);

#endif
