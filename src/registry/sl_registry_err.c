/*
 * sl_registry_err — texts and retriability of the registry library's errors.
 */
#include "sl_registry_err.h"

#include <stdarg.h>
#include <stdio.h>

const char *sl_registry_err_str(sl_registry_err_t err) {
    switch (err) {
#define SL_REGISTRY_ERR_STR_(name, code, retriable, text)                                          \
    case name: return text;
        SL_REGISTRY_ERRORS(SL_REGISTRY_ERR_STR_)
#undef SL_REGISTRY_ERR_STR_
    }
    return "unknown error";
}

int sl_registry_err_is_retriable(sl_registry_err_t err) {
    switch (err) {
#define SL_REGISTRY_ERR_RETRY_(name, code, retriable, text)                                        \
    case name: return retriable;
        SL_REGISTRY_ERRORS(SL_REGISTRY_ERR_RETRY_)
#undef SL_REGISTRY_ERR_RETRY_
    }
    return 0;
}

sl_registry_err_t sl_registry_err_from_code(long error_code) {
    /* Only the Confluent codes (>= 400) map to themselves; the library's own small codes
     * must not be taken for a server's answer. */
    if (error_code < 400)
        return SL_REGISTRY_ERR_CLIENT;
    switch (error_code) {
#define SL_REGISTRY_ERR_CODE_(name, code, retriable, text)                                         \
    case code: return name;
        SL_REGISTRY_ERRORS(SL_REGISTRY_ERR_CODE_)
#undef SL_REGISTRY_ERR_CODE_
    default: break;
    }
    return SL_REGISTRY_ERR_CLIENT;
}

void sl_registry_err_set(char *errstr, size_t size, const char *fmt, ...) {
    if (!errstr || size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, size, fmt, ap);
    va_end(ap);
}
