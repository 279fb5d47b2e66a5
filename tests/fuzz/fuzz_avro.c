/*
 * Fuzz target for the Avro/wire decode path: the first byte picks one of a few writer
 * schemas (the record's own, one reordered with extra fields of every kind, one with
 * defaults to fill and a recursive list, one with a union of strings); the rest is the
 * payload after the wire header. Whatever decodes must validate and re-encode to a
 * payload that decodes with the record's own schema to the same fields. The same bytes,
 * framed, also go through the decode entry point (no registry: JSON or a clear outcome).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_avro.h"
#include "sl_record_json.h"
#include "sl_registry_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
    if (!ok)
        abort();
}

#define F(name) "{\"name\":\"" name "\",\"type\":\"string\"}"
static const char *const writers[] = {
    NULL, /* the record's own */
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" F("picture") "," F(
        "phone") ","
                 "{\"name\":\"x\",\"type\":[\"null\",\"long\",{\"type\":\"map\",\"values\":"
                 "\"double\"}]}," F("registered_date") "," F("dob") "," F("username") "," F(
                     "email") ","
                              "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":{\"type\":"
                              "\"enum\",\"name\":\"E\","
                              "\"symbols\":[\"A\",\"B\"]}}}," F("post_code") "," F("address") "," F(
                                  "gender") ","
                                            "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":"
                                            "\"F2\",\"size\":2}}," F("last_name") "," F(
                                                "first_name") "," F("id") ",{\"name\":\"b\","
                                                                          "\"type\":\"boolean\"},"
                                                                          "{\"name\":\"y\","
                                                                          "\"type\":\"bytes\"},{"
                                                                          "\"name\":\"z\",\"type\":"
                                                                          "\"float\"}]}",
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" F("id") "," F("first_name") "," F(
        "last_name") "," F("email") "," F("dob") "," F("registered_date") ","
                                                                          "{\"name\":\"l\","
                                                                          "\"type\":{\"type\":"
                                                                          "\"record\",\"name\":"
                                                                          "\"N\",\"fields\":[{"
                                                                          "\"name\":\"v\","
                                                                          "\"type\":\"int\"},{"
                                                                          "\"name\":\"next\","
                                                                          "\"type\":[\"null\","
                                                                          "\"N\"]}]}}]}",
    "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" F(
        "id") ","
              "{\"name\":\"first_name\",\"type\":[\"string\"]}," F("last_name") "," F("gender") "," F("address") "," F(
                  "post_code") "," F("email") "," F("username") "," F("dob") "," F("registered_"
                                                                                   "date") "," F("p"
                                                                                                 "h"
                                                                                                 "o"
                                                                                                 "n"
                                                                                                 "e") "," F("picture") ","
                                                                                                                       "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":"
                                                                                                                       "\"long\"}}}]}",
};
#define N_WRITERS (sizeof writers / sizeof writers[0])

static sl_avro_reader_t *readers[N_WRITERS];
static sl_avro_encoder_t *encoder;
static sl_registry_decode_t *decoder;

/* The objects live for the whole run; freed at exit so that leak checks see libavro's
 * values released. */
static void teardown(void) {
    for (size_t i = 0; i < N_WRITERS; i++)
        sl_avro_reader_free(readers[i]);
    sl_avro_encoder_free(encoder);
    sl_registry_decode_free(decoder);
}

static void setup(void) {
    if (encoder)
        return;
    atexit(teardown);
    for (size_t i = 0; i < N_WRITERS; i++) {
        const char *s = writers[i] ? writers[i] : sl_avro_schema();
        sl_registry_err_t err;
        readers[i] = sl_avro_reader_new(s, strlen(s), &err, NULL, 0);
        check(readers[i] != NULL);
    }
    encoder = sl_avro_encoder_new(1, NULL, 0);
    decoder = sl_registry_decode_new(NULL, NULL, NULL, 0);
    check(encoder && decoder);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char scratch[SL_RECORD_SCRATCH_SIZE], scratch2[SL_RECORD_SCRATCH_SIZE];
    static unsigned char framed[SL_AVRO_FRAMED_MAX];
    setup();
    if (size == 0)
        return 0;
    sl_avro_reader_t *rd = readers[data[0] % N_WRITERS];
    /* an exact-size heap copy, so reads past the end are caught */
    unsigned char *payload = malloc(size - 1 ? size - 1 : 1);
    if (!payload)
        return 0;
    memcpy(payload, data + 1, size - 1);
    sl_record_t rec, back;
    sl_field_t field;
    char why[256];
    int checked = sl_avro_reader_check(rd, payload, size - 1, why, sizeof why);
    sl_reject_t r = sl_avro_reader_decode(rd, payload, size - 1, &rec, scratch, sizeof scratch,
                                          &field, why, sizeof why);
    free(payload);
    check((int)r >= 0 && (int)r < SL_REJECT_COUNT);
    check(field >= SL_FIELD_NONE && field < SL_FIELD_COUNT);
    /* the bounds check and the decoder agree on what is a datum */
    if (r != SL_REJECT_TOO_LARGE)
        check((checked == 0) == (r != SL_REJECT_BAD_AVRO));
    if (r == SL_REJECT_NONE) {
        check(sl_record_validate(&rec, NULL) == SL_REJECT_NONE);
        size_t len;
        check(sl_avro_encoder_encode(encoder, &rec, framed, sizeof framed, &len) == SL_REGISTRY_OK);
        check(sl_avro_reader_decode(readers[0], framed + SL_WIRE_HEADER_SIZE,
                                    len - SL_WIRE_HEADER_SIZE, &back, scratch2, sizeof scratch2,
                                    NULL, NULL, 0) == SL_REJECT_NONE);
        for (int i = 0; i < SL_FIELD_COUNT; i++) {
            check(back.field[i].len == rec.field[i].len);
            check(memcmp(back.field[i].ptr, rec.field[i].ptr, rec.field[i].len) == 0);
        }
    }
    /* the entry point on the raw bytes: JSON, or Avro without a registry (fatal) */
    sl_reject_t rj;
    sl_registry_decode_result_t res = sl_registry_decode_message(
        decoder, data, size, &rec, scratch, sizeof scratch, &rj, &field, why, sizeof why);
    if (data[0] == 0)
        check(res == SL_REGISTRY_DECODE_FATAL ||
              (res == SL_REGISTRY_DECODE_REJECT &&
               (rj == SL_REJECT_BAD_AVRO || rj == SL_REJECT_UNKNOWN_SCHEMA)));
    else
        check(res == SL_REGISTRY_DECODE_OK || res == SL_REGISTRY_DECODE_REJECT);
    return 0;
}
