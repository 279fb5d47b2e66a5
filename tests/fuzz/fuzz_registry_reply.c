/*
 * Fuzz target for the parser of schema-registry answers: arbitrary bytes as a response
 * body. Whatever it accepts must be consistent: a list holds only strings or only
 * integers, kept texts are NUL-terminated and free of control bytes, the schema within
 * its cap; and a reply is always released cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_registry_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
    if (!ok)
        abort();
}

static void clean_text(const char *s, size_t size) {
    size_t n = strnlen(s, size);
    check(n < size);
    for (size_t i = 0; i < n; i++)
        check((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    memcpy(body, data, size);
    sl_registry_reply_t r;
    char why[160];
    sl_registry_err_t err = sl_registry_reply_parse(body, size, 4096, &r, why, sizeof why);
    free(body);
    if (err == SL_REGISTRY_OK) {
        check(!(r.strings && r.ints));
        check(r.is_array || r.n_items == 0);
        for (size_t i = 0; r.strings && i < r.n_items; i++)
            check(r.strings[i] != NULL && strlen(r.strings[i]) <= 4096);
        if (r.schema)
            check(r.schema_len <= 4096);
        clean_text(r.message, sizeof r.message);
        clean_text(r.reasons, sizeof r.reasons);
        clean_text(r.compatibility, sizeof r.compatibility);
        clean_text(r.schema_type, sizeof r.schema_type);
    } else {
        check(err == SL_REGISTRY_ERR_BAD_RESPONSE || err == SL_REGISTRY_ERR_TOO_BIG ||
              err == SL_REGISTRY_ERR_NOMEM);
        check(strlen(why) > 0);
    }
    sl_registry_reply_clear(&r);
    return 0;
}
