/*
 * sl_registry_err — texts and retriability of the registry library's errors.
 */
#include "sl_registry_err.h"

SL_ERR_DEFINE_STR(sl_registry_err_str, sl_registry_err_t, SL_REGISTRY_ERRORS)

int sl_registry_err_is_retriable(sl_registry_err_t err) {
    switch (err) {
    case SL_REGISTRY_ERR_UNREACHABLE:
    case SL_REGISTRY_ERR_SERVER:
    case SL_REGISTRY_ERR_RATE_LIMITED: return 1;
    default: return 0;
    }
}

sl_registry_err_t sl_registry_err_from_code(long error_code) {
    /* Only the Confluent codes (>= 400) map to themselves; the library's own small codes
     * must not be taken for a server's answer. */
    if (error_code < 400)
        return SL_REGISTRY_ERR_CLIENT;
    switch (error_code) {
#define SL_REGISTRY_ERR_CODE_(name, code, text)                                                    \
    case code: return name;
        SL_REGISTRY_ERRORS(SL_REGISTRY_ERR_CODE_)
#undef SL_REGISTRY_ERR_CODE_
    default: break;
    }
    return SL_REGISTRY_ERR_CLIENT;
}
