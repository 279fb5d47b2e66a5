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

/* SL_REGISTRY_ERRORS(X): the rows of sl_registry.errors, generated at configure time
 * (sl_err.h). The retriable ones are named in sl_registry_err_is_retriable(). */
#include "sl_registry_errors.h"

typedef enum { SL_ERR_ENUM(SL_REGISTRY_ERRORS) } sl_registry_err_t;

/* A static string describing err; never NULL ("unknown error" for a value not listed). */
const char *sl_registry_err_str(sl_registry_err_t err);

/* 1 if the same call may succeed later without any change (unreachable, 5xx, 429), else 0. */
int sl_registry_err_is_retriable(sl_registry_err_t err);

/* The enum for a Confluent error_code, or SL_REGISTRY_ERR_CLIENT for a code not listed. */
sl_registry_err_t sl_registry_err_from_code(long error_code);

#endif
