/*
 * Fuzz target for sl_console_param: request arguments and the Cookie header come from any
 * client. The input is split at the first two NUL bytes into a cookie header, a value for
 * the number, time, name and component checkers, and a cookie name. Besides memory safety
 * it checks: what the number parser accepts reads back to the same text, an accepted time
 * is not before 1970, an accepted topic name has only legal characters, and a cookie value
 * found fits its buffer.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_console_param.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536)
        return 0;
    char *buf = malloc(size + 3);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = buf[size + 2] = '\0';
    const char *cookie = buf;
    const char *value = cookie + strlen(cookie) + 1;
    if (value > buf + size)
        value = buf + size;
    const char *name = value + strlen(value) + 1;
    if (name > buf + size + 1)
        name = buf + size + 1;

    char out[16];
    memset(out, 'x', sizeof out);
    if (sl_console_param_cookie(cookie, name, out, sizeof out) == 0 && !memchr(out, 0, sizeof out))
        abort();
    int64_t v;
    if (sl_console_param_i64(value, INT64_MIN, INT64_MAX, &v) == 0) {
        char back[32];
        snprintf(back, sizeof back, "%" PRId64, v);
        if (strcmp(back, value) != 0 && !(value[0] == '-' && strcmp(value, "-0") == 0) &&
            strspn(value, "-0") == 0)
            abort();
    }
    if (sl_console_param_time_ms(value, &v) == 0 && v < 0)
        abort();
    if (sl_console_param_topic_ok(value))
        for (const char *p = value; *p; p++)
            if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
                abort();
    sl_console_param_group_ok(value);
    char cname[40], url[128];
    if (sl_console_param_component(value, cname, sizeof cname, url, sizeof url) == 0 &&
        (strlen(cname) == 0 || strncmp(url, "http", 4) != 0))
        abort();
    char pr[24];
    sl_console_param_printable(value, pr, sizeof pr);
    for (const char *p = pr; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            abort();
    free(buf);
    return 0;
}
