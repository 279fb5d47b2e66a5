/*
 * sl_http_query — parsing of URL query strings ("a=1&b=x%20y+z") into decoded key/value
 * pairs. Used by sl_http for every request, and fuzzed, because the bytes come from outside.
 * Rules: pairs split on '&'; key and value split on the first '='; '+' means space; %XX is
 * a byte; a malformed escape or an escaped NUL is an error; empty pairs are skipped; a key
 * without '=' has the value "". Input is capped at SL_HTTP_QUERY_MAX_LEN bytes and
 * SL_HTTP_QUERY_MAX_ARGS pairs. Decoded bytes are not checked for UTF-8.
 */
#ifndef SL_HTTP_QUERY_H
#define SL_HTTP_QUERY_H

#include <stddef.h>

#include "sl_http_err.h"

#define SL_HTTP_QUERY_MAX_LEN 8192
#define SL_HTTP_QUERY_MAX_ARGS 64

typedef struct sl_http_query_s sl_http_query_t;

/* Parses qs[0..len) (without the leading '?'). On success sets *out, which must be freed
 * with sl_http_query_free(). Errors: SL_HTTP_ERR_QUERY (malformed), SL_HTTP_ERR_TOO_BIG (a
 * cap exceeded), SL_HTTP_ERR_NOMEM; *out is then NULL. qs may be NULL when len is 0. */
sl_http_err_t sl_http_query_parse(const char *qs, size_t len, sl_http_query_t **out);

/* Number of pairs, in input order. */
size_t sl_http_query_count(const sl_http_query_t *q);
/* Key and value of pair i (< count); valid until sl_http_query_free(). */
const char *sl_http_query_key(const sl_http_query_t *q, size_t i);
const char *sl_http_query_value(const sl_http_query_t *q, size_t i);
/* The value of the LAST pair with this key (a repeated key: the last one wins), or NULL. */
const char *sl_http_query_get(const sl_http_query_t *q, const char *key);

void sl_http_query_free(sl_http_query_t *q);

#endif
