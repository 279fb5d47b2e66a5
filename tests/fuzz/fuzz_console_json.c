/*
 * Fuzz target for the console's JSON escaping: whatever bytes a Kafka message holds, the
 * string written must be valid JSON that a JSON parser (yajl) accepts, must contain no
 * '<', '>' or '&' (so no markup can close a script or HTML context), and when the input
 * was valid UTF-8 without NUL it must decode back to exactly the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "sl_console_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sl_console_json_t j;
    /* at most 6 output bytes per input byte, written twice */
    sl_console_json_init(&j, 64 + size * 12);
    sl_console_json_arr(&j);
    sl_console_json_strn(&j, (const char *)data, size);
    sl_console_json_strn_capped(&j, (const char *)data, size, size / 2);
    sl_console_json_arr_end(&j);
    size_t len;
    char *out = sl_console_json_take(&j, &len);
    if (!out)
        abort();
    if (strlen(out) != len || strpbrk(out, "<>&"))
        abort();
    char err[256];
    yajl_val v = yajl_tree_parse(out, err, sizeof err);
    if (!v || !YAJL_IS_ARRAY(v) || v->u.array.len != 2)
        abort();
    const char *back = YAJL_GET_STRING(v->u.array.values[0]);
    if (!back)
        abort();
    if (sl_console_json_utf8_valid((const char *)data, size) && !memchr(data, 0, size) &&
        (strlen(back) != size || memcmp(back, data, size) != 0))
        abort();
    yajl_tree_free(v);
    free(out);
    return 0;
}
