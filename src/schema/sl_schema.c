/*
 * What the two halves of the schema module share: the error texts and the check of the
 * names they splice into DDL.
 */
#include "sl_schema.h"

#include <ctype.h>

const char *sl_schema_err_str(sl_schema_err_t err) {
    switch (err) {
#define SL_SCHEMA_ERR_CASE_(name, code, text)                                                      \
    case name: return text;
        SL_SCHEMA_ERRORS(SL_SCHEMA_ERR_CASE_)
#undef SL_SCHEMA_ERR_CASE_
    }
    return "unknown error";
}

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
