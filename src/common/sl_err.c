/* The errstr convention's one formatter; see sl_err.h. */
#include "sl_err.h"

#include <stdio.h>

void sl_err_vformat(char *errstr, size_t errstr_size, const char *fmt, va_list ap) {
    if (errstr && errstr_size)
        vsnprintf(errstr, errstr_size, fmt, ap);
}

void sl_err_format(char *errstr, size_t errstr_size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sl_err_vformat(errstr, errstr_size, fmt, ap);
    va_end(ap);
}
