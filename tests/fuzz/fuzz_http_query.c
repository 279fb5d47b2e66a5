/*
 * Fuzz target for sl_http_query_parse: query strings come straight from the network.
 * Besides memory safety it checks the parser's promises: on success the pair count is
 * within the cap, every key and value is a NUL-terminated string no longer than the input,
 * and sl_http_query_get returns the last value of a key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_http_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sl_http_query_t *q = NULL;
    sl_http_err_t err = sl_http_query_parse((const char *)data, size, &q);
    if (err != SL_HTTP_OK) {
        if (q)
            abort();
        if (err != SL_HTTP_ERR_QUERY && err != SL_HTTP_ERR_TOO_BIG)
            abort();
        return 0;
    }
    size_t n = sl_http_query_count(q);
    if (n > SL_HTTP_QUERY_MAX_ARGS || size > SL_HTTP_QUERY_MAX_LEN)
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *k = sl_http_query_key(q, i);
        const char *v = sl_http_query_value(q, i);
        if (!k || !v || strlen(k) + strlen(v) > size)
            abort();
        const char *last = sl_http_query_get(q, k);
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(sl_http_query_key(q, j), k) == 0)
                v = sl_http_query_value(q, j);
        if (last != v)
            abort();
    }
    if (sl_http_query_key(q, n) != NULL)
        abort();
    sl_http_query_free(q);
    return 0;
}
