/*
 * sl_registry_err — the one error enum of the schema-registry library (the Confluent REST
 * client, the Avro codec of the record and the decode entry point).
 *
 * Each error says whether trying again later may help (sl_registry_err_is_retriable):
 * connection failures, timeouts, 5xx and 429 may; everything else needs a change by someone
 * (a schema, a URL, credentials). Where the registry answered with a Confluent error_code,
 * the enum value IS that code (40401, 40403, 409, 42201, ...), and the code is also kept
 * verbatim in sl_registry_detail_t for codes this list does not name.
 */
#ifndef SL_REGISTRY_ERR_H
#define SL_REGISTRY_ERR_H

#include <stddef.h>

#include "sl_err.h"

/* The error list of this library: name, code, text (sl_err.h). The retriable ones are
 * named in sl_registry_err_is_retriable(). */
#define SL_REGISTRY_ERRORS(X)                                                                      \
    X(SL_REGISTRY_OK, 0, "success")                                                                \
    X(SL_REGISTRY_ERR_INVALID, 1, "invalid argument")                                              \
    X(SL_REGISTRY_ERR_NOMEM, 2, "out of memory")                                                   \
    X(SL_REGISTRY_ERR_UNREACHABLE, 3, "registry unreachable (connect, DNS or timeout)")            \
    X(SL_REGISTRY_ERR_SERVER, 4, "registry server error (5xx)")                                    \
    X(SL_REGISTRY_ERR_RATE_LIMITED, 5, "registry rate limit (429)")                                \
    X(SL_REGISTRY_ERR_TOO_BIG, 6, "registry response larger than the cap")                         \
    X(SL_REGISTRY_ERR_BAD_RESPONSE, 7, "registry response is not what the Confluent API sends")    \
    X(SL_REGISTRY_ERR_UNAUTHORIZED, 8, "registry refused the credentials (401/403)")               \
    X(SL_REGISTRY_ERR_NOT_FOUND, 9,                                                                \
      "404 without a Confluent error code (is the URL the API's base?)")                           \
    X(SL_REGISTRY_ERR_CLIENT, 10, "registry refused the request (4xx)")                            \
    X(SL_REGISTRY_ERR_SCHEMA_PARSE, 11, "schema is not valid Avro")                                \
    X(SL_REGISTRY_ERR_RESOLVE, 12, "writer schema cannot be resolved against the record's")        \
    X(SL_REGISTRY_ERR_ENCODE, 13, "record cannot be encoded")                                      \
    X(SL_REGISTRY_ERR_TRANSPORT, 14, "HTTP transfer failed (TLS, protocol or URL)")                \
    X(SL_REGISTRY_ERR_INCOMPATIBLE, 409, "schema is incompatible with the subject's rule")         \
    X(SL_REGISTRY_ERR_SUBJECT_NOT_FOUND, 40401, "subject not found")                               \
    X(SL_REGISTRY_ERR_VERSION_NOT_FOUND, 40402, "version not found")                               \
    X(SL_REGISTRY_ERR_SCHEMA_NOT_FOUND, 40403, "schema not found")                                 \
    X(SL_REGISTRY_ERR_CONFIG_NOT_FOUND, 40408, "subject has no compatibility of its own")          \
    X(SL_REGISTRY_ERR_INVALID_SCHEMA, 42201, "registry says the schema is invalid")                \
    X(SL_REGISTRY_ERR_INVALID_VERSION, 42202, "invalid version")                                   \
    X(SL_REGISTRY_ERR_INVALID_COMPATIBILITY, 42203, "invalid compatibility level")

typedef enum { SL_ERR_ENUM(SL_REGISTRY_ERRORS) } sl_registry_err_t;

/* A static string describing err; never NULL ("unknown error" for a value not listed). */
const char *sl_registry_err_str(sl_registry_err_t err);

/* 1 if the same call may succeed later without any change (unreachable, 5xx, 429), else 0. */
int sl_registry_err_is_retriable(sl_registry_err_t err);

/* The enum for a Confluent error_code, or SL_REGISTRY_ERR_CLIENT for a code not listed. */
sl_registry_err_t sl_registry_err_from_code(long error_code);

#endif
