/*
 * Fuzz target for sl_console_prom: the console reads other processes' /metrics pages.
 * Besides memory safety it checks the parser's promises: every sample it reports lies
 * within the input, its name is a well-formed metric name, and looking up any label of a
 * reported label set succeeds or fails without writing past the buffer given.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_console_prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const char *start, *end;
    size_t samples;
} ctx_t;

static void check(void *opaque, const char *name, size_t name_len, const char *labels,
                  size_t labels_len, double value) {
    (void)value;
    ctx_t *c = opaque;
    c->samples++;
    if (name < c->start || name + name_len > c->end || name_len == 0)
        abort();
    if (!(isalpha((unsigned char)name[0]) || name[0] == '_' || name[0] == ':'))
        abort();
    if (labels_len && (labels < c->start || labels + labels_len > c->end))
        abort();
    static const char *const keys[] = {"le", "reason", "topic", "partition", "a"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        char out[8];
        memset(out, 'x', sizeof out);
        if (sl_console_prom_label(labels, labels_len, keys[k], out, sizeof out) == 0 &&
            memchr(out, '\0', sizeof out) == NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    ctx_t c = {text, text + size, 0};
    size_t bad = sl_console_prom_parse(text, size, check, &c);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    if (bad + c.samples > lines)
        abort();
    free(text);
    return 0;
}
