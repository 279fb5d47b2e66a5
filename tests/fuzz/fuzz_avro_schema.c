/*
 * Fuzz target for compiling writer schemas (text from the registry) against the record's:
 * arbitrary bytes as the schema. A schema that compiles must then check and decode a few
 * fixed payloads without trouble, and whatever decodes must validate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_avro.h"
#include "sl_record_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    static unsigned char framed[SL_AVRO_FRAMED_MAX];
    static const char *const v[SL_FIELD_COUNT] = {"3f1c2b9a-0d4e-4c1b-8e7f-123456789abc",
                                                  "A",
                                                  "B",
                                                  "",
                                                  "",
                                                  "",
                                                  "a@b.cd",
                                                  "",
                                                  "2000-01-01",
                                                  "2000-01-01",
                                                  "",
                                                  ""};
    if (size > 16384)
        return 0; /* a registry answer is capped; keep runs fast */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    sl_registry_err_t err = SL_REGISTRY_OK;
    char why[256];
    sl_avro_reader_t *rd = sl_avro_reader_new(text, size, &err, why, sizeof why);
    free(text);
    if (!rd) {
        check(err == SL_REGISTRY_ERR_SCHEMA_PARSE || err == SL_REGISTRY_ERR_RESOLVE ||
              err == SL_REGISTRY_ERR_NOMEM);
        return 0;
    }
    sl_avro_encoder_t *e = sl_avro_encoder_new(1, NULL, 0);
    check(e != NULL);
    sl_record_t rec;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        rec.field[i].ptr = v[i];
        rec.field[i].len = strlen(v[i]);
    }
    size_t len;
    check(sl_avro_encoder_encode(e, &rec, framed, sizeof framed, &len) == SL_REGISTRY_OK);
    sl_avro_encoder_free(e);
    /* the record's bytes, a prefix of them, and some small fixed payloads */
    const unsigned char *payloads[] = {framed + 5, framed + 5, (const unsigned char *)"\x02\x00",
                                       (const unsigned char *)"\x00\x00\x00\x00\x00\x00"};
    size_t lens[] = {len - 5, (len - 5) / 2, 2, 6};
    for (size_t i = 0; i < 4; i++) {
        sl_field_t f;
        sl_reject_t r = sl_avro_reader_decode(rd, payloads[i], lens[i], &rec, scratch,
                                              sizeof scratch, &f, why, sizeof why);
        check((int)r >= 0 && (int)r < SL_REJECT_COUNT);
        if (r == SL_REJECT_NONE)
            check(sl_record_validate(&rec, NULL) == SL_REJECT_NONE);
    }
    sl_avro_reader_free(rd);
    return 0;
}
