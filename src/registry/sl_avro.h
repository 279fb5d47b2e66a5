/*
 * sl_avro — the record's Avro schema, and the record in Avro binary: encoding it, and
 * decoding what any compatible writer schema produced.
 *
 * The schema (sl_avro_schema()) is the one place that says what the record is in Avro:
 * a record sluice.User with the twelve fields of sl_record.h in their order, every field a
 * string, `id` with logicalType uuid, a doc line per field; the fields that validation
 * allows to be empty have the default "" so that a writer without them still resolves.
 *
 * Decoding resolves the WRITER schema (the one the bytes were written with, fetched from
 * the registry by id) against that READER schema with Avro's rules: fields are matched by
 * name, so reordered fields work; a writer field the record does not know is skipped,
 * whatever its type; a record field the writer lacks takes its default, and without one
 * the writer cannot be resolved; record names must match. Compiling a writer is done once
 * per schema id (sl_avro_reader_new) and decoding a message reuses it.
 *
 * Bytes are checked against the writer schema before libavro reads them: libavro 1.11
 * allocates whatever length a string claims before looking for it, so every length and
 * count is first checked to fit in the message (and nesting is bounded), and a writer
 * schema whose data could repeat without consuming bytes (an array of nulls) is refused.
 *
 * Encoder and reader objects are used by one thread at a time.
 */
#ifndef SL_AVRO_H
#define SL_AVRO_H

#include <stddef.h>
#include <stdint.h>

#include "sl_record.h"
#include "sl_registry_err.h"
#include "sl_wire.h"

/* The record's Avro schema as JSON text (one field per line, no newline at the end: some
 * clients strip it before registering, and a registry that compares texts would then give
 * another id), NUL-terminated; static. */
const char *sl_avro_schema(void);
size_t sl_avro_schema_len(void);

/* 1 if the record's schema gives field a default (it may be absent from a writer). */
int sl_avro_field_has_default(sl_field_t field);

/* Largest framed encoding of a record that passed sl_record_validate(): the header, the
 * fields' bytes and a length prefix of at most 10 bytes each. */
#define SL_AVRO_FRAMED_MAX (SL_WIRE_HEADER_SIZE + SL_RECORD_MAX + 10 * SL_FIELD_COUNT)

/* Deepest nesting of records, arrays, maps and unions a writer's data may have. */
#define SL_AVRO_DEPTH_MAX 64

/* ---- encoding ---- */

typedef struct sl_avro_encoder_s sl_avro_encoder_t;

/* An encoder of records in the Confluent wire format with schema id (the id the registry
 * gave sl_avro_schema()). Returns NULL with errstr set on failure. Must be freed with
 * sl_avro_encoder_free(). */
sl_avro_encoder_t *sl_avro_encoder_new(int32_t schema_id, char *errstr, size_t errstr_size);
/* NULL is a no-op. */
void sl_avro_encoder_free(sl_avro_encoder_t *e);

/*
 * Writes rec as 0x00, the id big-endian, then the Avro binary encoding, into buf (cap
 * bytes), and its length into *len. A field with ptr == NULL is written as "". Does not
 * validate (encode validated records; SL_AVRO_FRAMED_MAX bytes are then enough). Returns
 * SL_REGISTRY_OK, or SL_REGISTRY_ERR_ENCODE when buf is too small (buf unspecified).
 * rec is only read.
 */
sl_registry_err_t sl_avro_encoder_encode(sl_avro_encoder_t *e, const sl_record_t *rec,
                                         unsigned char *buf, size_t cap, size_t *len);

/* ---- decoding ---- */

typedef struct sl_avro_reader_s sl_avro_reader_t;

/*
 * Compiles writer_schema[0..len) (JSON text, as the registry returns it) against the
 * record's schema. Returns the reader, or NULL with *err set to SL_REGISTRY_ERR_SCHEMA_PARSE
 * (not an Avro schema) or SL_REGISTRY_ERR_RESOLVE (cannot be resolved: not a record, another
 * record name, a record field missing without default, a field of a type that cannot be
 * read as a string, data that cannot be bounded) and errstr saying why. The text is copied.
 * Must be freed with sl_avro_reader_free().
 */
sl_avro_reader_t *sl_avro_reader_new(const char *writer_schema, size_t len, sl_registry_err_t *err,
                                     char *errstr, size_t errstr_size);
/* NULL is a no-op. */
void sl_avro_reader_free(sl_avro_reader_t *rd);

/*
 * Decodes payload[0..len) (Avro binary, the bytes after the wire header) into *out and
 * validates the record. Returns SL_REJECT_NONE; SL_REJECT_BAD_AVRO when the bytes are not
 * a datum of the writer schema (truncated, a length past the end, a bad union index,
 * bytes left over, nested too deep; errstr says which); field_too_long / record_too_long
 * when a field does not fit; or the first validation reject (sl_record_validate). field
 * (may be NULL) names the field at fault, else SL_FIELD_NONE.
 * The fields of *out point into scratch (scratch_size >= SL_RECORD_SCRATCH_SIZE) or are
 * static "" (defaults): valid while the caller keeps scratch unchanged; payload may be
 * freed after the call.
 */
sl_reject_t sl_avro_reader_decode(sl_avro_reader_t *rd, const unsigned char *payload, size_t len,
                                  sl_record_t *out, char *scratch, size_t scratch_size,
                                  sl_field_t *field, char *errstr, size_t errstr_size);

/*
 * Checks that payload[0..len) is exactly one datum of the compiled writer schema, without
 * decoding it: every length and count fits in what is left, union and enum indexes are in
 * range, nesting is at most SL_AVRO_DEPTH_MAX, nothing is left over. Returns 0, or -1 with
 * errstr saying what is wrong. Part of sl_avro_reader_decode(); exposed for tests.
 */
int sl_avro_reader_check(const sl_avro_reader_t *rd, const unsigned char *payload, size_t len,
                         char *errstr, size_t errstr_size);

#endif
