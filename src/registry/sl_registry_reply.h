/*
 * sl_registry_reply — the bodies a Confluent-API schema registry answers with, parsed.
 *
 * Every answer of the API is one JSON object or one JSON array: {"id":1}, {"schema":"…"},
 * {"error_code":40403,"message":"…"}, {"is_compatible":false,"messages":[…]}, ["a-value"],
 * [1,2]. This parser reads the members the client needs out of any of them, ignores the
 * others (any type, any depth up to SL_REGISTRY_REPLY_DEPTH) and refuses what no registry
 * sends (a scalar at top level, a known member of the wrong type, a member twice, an array
 * that mixes types). It knows nothing of HTTP: the client hands it the body, so the parser
 * can be fuzzed without a network. yajl callbacks, bounded: the body is bounded by the
 * client's cap, every kept string by max_string, arrays by SL_REGISTRY_REPLY_ITEMS_MAX.
 */
#ifndef SL_REGISTRY_REPLY_H
#define SL_REGISTRY_REPLY_H

#include <stddef.h>

#include "sl_registry_err.h"

#define SL_REGISTRY_REPLY_DEPTH 64
#define SL_REGISTRY_REPLY_ITEMS_MAX 100000
/* Size of the text members below, NUL included; longer texts are cut (with "..."). */
#define SL_REGISTRY_TEXT_MAX 512

typedef struct sl_registry_reply_s {
    /* members of a top-level object; has_* says whether the member was there */
    int has_id, has_version, has_error_code, has_is_compatible;
    long long id;         /* "id" */
    long long version;    /* "version" */
    long long error_code; /* "error_code", verbatim */
    int is_compatible;    /* "is_compatible" */
    char *schema;         /* "schema": NUL-terminated, owned by the reply; NULL if absent */
    size_t schema_len;
    char schema_type[16];               /* "schemaType"; "" if absent (AVRO) */
    char message[SL_REGISTRY_TEXT_MAX]; /* "message"; control bytes shown as '?' */
    char compatibility[32];             /* "compatibilityLevel" or "compatibility" */
    char reasons[SL_REGISTRY_TEXT_MAX]; /* "messages" joined by "; ", or "reason" */
    size_t n_references;                /* elements of "references" */
    /* a top-level array: its elements, all strings or all integers */
    int is_array;
    size_t n_items;
    char **strings;  /* n_items NUL-terminated strings, or NULL; owned by the reply */
    long long *ints; /* n_items integers, or NULL; owned by the reply */
} sl_registry_reply_t;

/*
 * Parses body[0..len) into *out (which is cleared first). max_string caps the "schema"
 * member and each string of an array (a longer one is SL_REGISTRY_ERR_TOO_BIG). Returns
 * SL_REGISTRY_OK, or SL_REGISTRY_ERR_BAD_RESPONSE / _TOO_BIG / _NOMEM with errstr saying
 * what is wrong (no body bytes are quoted). Whatever it returns, *out must be released
 * with sl_registry_reply_clear(). body need not be NUL-terminated and is only read.
 */
sl_registry_err_t sl_registry_reply_parse(const char *body, size_t len, size_t max_string,
                                          sl_registry_reply_t *out, char *errstr,
                                          size_t errstr_size);

/* Frees what *r owns and zeroes it; a zeroed reply may be cleared again. */
void sl_registry_reply_clear(sl_registry_reply_t *r);

/* Copies s[0..len) into dst (size bytes, NUL-terminated) with every byte below 0x20 or
 * 0x7f shown as '?', cut with "..." when it does not fit; for text from outside that ends
 * up in logs. size 0 is a no-op. */
void sl_registry_reply_text(char *dst, size_t size, const char *s, size_t len);

#endif
