/*
 * sl_record_json — a record as a Kafka message value, and back.
 *
 * The wire form is one flat JSON object with the 12 keys of sl_record.h, all values
 * strings, in field order, no whitespace:
 *   {"id":"…","first_name":"…",…,"picture":"…"}
 * Encoding escapes '"', '\\' and control bytes (\b \f \n \r \t, others \u00XX);
 * everything else, including non-ASCII UTF-8, is copied as is. No allocation.
 *
 * Decoding is strict and bounded, for bytes the processor consumed from Kafka:
 *   - at most SL_RECORD_JSON_MSG_MAX bytes, else too_large;
 *   - one JSON object with optional whitespace around tokens, nothing after it,
 *     else not_json (malformed, truncated, trailing bytes) or not_object (valid JSON
 *     scalar or array at top level);
 *   - every value a string (nested objects/arrays, numbers, true/false/null: wrong_type);
 *   - the same key twice: duplicate_key; one of the 12 keys absent: missing_field;
 *   - unknown keys are IGNORED (their value must still be a string), so that a newer
 *     producer adding a field does not send everything to the dead-letter topic at an
 *     older processor;
 *   - escapes are decoded (\uXXXX including surrogate pairs; a lone surrogate or
 *     \u0000 gives bad_utf8), raw bytes must be valid UTF-8 (bad_utf8);
 *   - then sl_record_validate() runs, so one call gives the one verdict to act on.
 */
#ifndef SL_RECORD_JSON_H
#define SL_RECORD_JSON_H

#include <stddef.h>

#include "sl_record.h"

/* Largest message value sl_record_from_json() accepts. */
#define SL_RECORD_JSON_MSG_MAX 65536

/* Largest encoding of a record that passed sl_record_validate(): every byte escaped
 * as \u00XX (6 bytes), plus the keys, quotes, commas and braces, plus the NUL. */
#define SL_RECORD_JSON_MAX (6 * SL_RECORD_MAX + 256)

/* Scratch needed by sl_record_from_json(): decoded text of all 12 fields, NULs. */
#define SL_RECORD_SCRATCH_SIZE (SL_RECORD_MAX + SL_FIELD_COUNT + 16)

/*
 * Encodes rec into buf (cap bytes). Returns the length of the full encoding without
 * the terminating NUL, like snprintf: if the return value is >= cap the output was
 * cut short and must not be used (buf then holds a NUL-terminated prefix if cap > 0).
 * A field with ptr == NULL is encoded as "". Does not validate; encode validated
 * records. rec is only read; buf is the caller's.
 */
size_t sl_record_to_json(const sl_record_t *rec, char *buf, size_t cap);

/*
 * Decodes the message value msg[0..len) into *out and validates it (see above).
 * Returns SL_REJECT_NONE on success. On a reject, field (if not NULL) names the
 * field at fault where there is one, else SL_FIELD_NONE, and *out is unspecified.
 * The fields of *out point into scratch only (scratch_size >= SL_RECORD_SCRATCH_SIZE;
 * with less, large records are rejected as record_too_long): they are valid while the
 * caller keeps scratch unchanged; msg may be freed after the call. No allocation;
 * msg need not be NUL-terminated.
 */
sl_reject_t sl_record_from_json(const char *msg, size_t len, sl_record_t *out, char *scratch,
                                size_t scratch_size, sl_field_t *field);

#endif
