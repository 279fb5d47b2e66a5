/*
 * Fuzz target for sl_http_query_parse: query strings come straight from the network.
 * Besides memory safety it checks the parser's promises: on success the pair count is
 * within the cap, every key and value is a NUL-terminated string no longer than the input,
 * and sl_http_query_get returns the last value of a key. The parsed query then goes where
 * mock-api sends it: into sl_mockapi_gen_req_from_args and the generator (at most 2 users, to
 * keep runs fast), whose body must be valid JSON whatever bytes the seed holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "sl_http_query.h"
#include "sl_mockapi_gen.h"

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

    sl_mockapi_gen_args_t args = {sl_http_query_get(q, "results"), sl_http_query_get(q, "seed"),
                                  sl_http_query_get(q, "page"),    sl_http_query_get(q, "nat"),
                                  sl_http_query_get(q, "inc"),     sl_http_query_get(q, "exc"),
                                  sl_http_query_get(q, "noinfo"),  sl_http_query_get(q, "gender")};
    sl_mockapi_gen_req_t req;
    sl_mockapi_gen_req_from_args(&req, &args, 42, 2026);
    if (req.results < 1 || req.results > SL_MOCKAPI_GEN_MAX_RESULTS || req.page < 1 ||
        req.page > SL_MOCKAPI_GEN_MAX_PAGE || req.nat_mask == 0 || strlen(req.seed) == 0 ||
        strlen(req.seed) > SL_MOCKAPI_GEN_SEED_MAX)
        abort();
    if (req.results > 2)
        req.results = 2;
    char *body = NULL;
    size_t len = 0;
    if (sl_mockapi_gen_render(&req, &body, &len) != SL_MOCKAPI_OK)
        abort();
    yajl_val v = yajl_tree_parse(body, NULL, 0);
    if (!v)
        abort();
    yajl_tree_free(v);
    free(body);
    sl_http_query_free(q);
    return 0;
}
