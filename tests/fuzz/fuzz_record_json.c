/*
 * Fuzz target for sl_record_from_json: arbitrary bytes as a Kafka message value.
 * Whatever decodes must validate, and decode -> encode -> decode must give the same
 * fields and encode -> decode -> encode the same bytes.
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
