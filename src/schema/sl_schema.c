/*
 * What the two halves of the schema module share: the error texts and the check of the
 * names they splice into DDL.
 */
#include "sl_schema.h"

#include <ctype.h>

SL_ERR_DEFINE_STR(sl_schema_err_str, sl_schema_err_t, SL_SCHEMA_ERRORS)

int sl_schema_name_ok(const char *s) {
    size_t n = 0;
    if (!s || !isalpha((unsigned char)s[0]))
        return 0;
    for (; s[n]; n++) {
        if (!isalnum((unsigned char)s[n]) && s[n] != '_')
            return 0;
    }
    return n <= 48;
}
