/*
 * Fuzz target for sl_record_from_json: arbitrary bytes as a Kafka message value.
 * Whatever decodes must validate, and decode -> encode -> decode must give the same
 * fields and encode -> decode -> encode the same bytes. The same bytes also check
 * sl_record_utf8_valid (which has a word-at-a-time fast path) against a plain reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_record_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
    if (!ok)
        abort();
}

/* Reference UTF-8 check, one code point at a time, straight from the Unicode table of
 * well-formed byte sequences; NUL is refused as sl_record_utf8_valid does. */
static int utf8_reference(const uint8_t *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c == 0xE0)
            n = 2, lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            n = 2, hi = 0x9F; /* no surrogates */
        else if (c >= 0xE1 && c <= 0xEF)
            n = 2;
        else if (c == 0xF0)
            n = 3, lo = 0x90;
        else if (c == 0xF4)
            n = 3, hi = 0x8F; /* nothing above U+10FFFF */
        else if (c >= 0xF1 && c <= 0xF3)
            n = 3;
        else
            return 0;
        if (len - i <= n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= n; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        }
        i += n + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char scratch[SL_RECORD_SCRATCH_SIZE], scratch2[SL_RECORD_SCRATCH_SIZE];
    static char json[SL_RECORD_JSON_MAX], json2[SL_RECORD_JSON_MAX];
    sl_record_t rec, back;
    sl_field_t field;
    /* an exact-size heap copy, so reads past the end are caught */
    char *msg = malloc(size ? size : 1);
    if (!msg)
        return 0;
    memcpy(msg, data, size);
    check(sl_record_utf8_valid(msg, size) == utf8_reference(data, size));
    sl_reject_t r = sl_record_from_json(msg, size, &rec, scratch, sizeof scratch, &field);
    free(msg);
    check((int)r >= 0 && (int)r < SL_REJECT_COUNT);
    check(field >= SL_FIELD_NONE && field < SL_FIELD_COUNT);
    if (r != SL_REJECT_NONE)
        return 0;
    check(field == SL_FIELD_NONE);
    check(sl_record_validate(&rec, NULL) == SL_REJECT_NONE);
    size_t n = sl_record_to_json(&rec, json, sizeof json);
    check(n < sizeof json);
    check(sl_record_from_json(json, n, &back, scratch2, sizeof scratch2, NULL) == SL_REJECT_NONE);
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        check(back.field[i].len == rec.field[i].len);
        check(memcmp(back.field[i].ptr, rec.field[i].ptr, rec.field[i].len) == 0);
    }
    size_t n2 = sl_record_to_json(&back, json2, sizeof json2);
    check(n2 == n && memcmp(json, json2, n) == 0);
    return 0;
}
