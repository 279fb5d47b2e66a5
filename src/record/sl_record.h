/*
 * sl_record — the flat user record that travels from the API through Kafka into
 * Cassandra, and the data-quality rules it must pass.
 *
 * A record is twelve text fields (see docs/design.md, "The record"). It holds no memory of
 * its own: every field is a view (pointer + length) into storage owned by whoever
 * produced the record (the API body parser's scratch arena, or the caller's scratch
 * buffer given to sl_record_from_json()). Every field is NUL-terminated at ptr[len],
 * and a field of an accepted record never contains a NUL byte, so it can be used as a
 * C string as well.
 *
 * Validation is shared by both sides of the pipeline: the ingest side runs it before
 * producing, the processor runs it again on what it consumes. A failed check yields
 * one reject reason; its short name is the value of the dead-letter header and of the
 * Prometheus "reason" label, so the names below are a stable interface.
 */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include <stddef.h>

/* The fields in their fixed order: (enum suffix, JSON key / Cassandra column). */
#define SL_FIELDS(X)                                                                               \
    X(ID, "id")                                                                                    \
    X(FIRST_NAME, "first_name")                                                                    \
    X(LAST_NAME, "last_name")                                                                      \
    X(GENDER, "gender")                                                                            \
    X(ADDRESS, "address")                                                                          \
    X(POST_CODE, "post_code")                                                                      \
    X(EMAIL, "email")                                                                              \
    X(USERNAME, "username")                                                                        \
    X(DOB, "dob")                                                                                  \
    X(REGISTERED_DATE, "registered_date")                                                          \
    X(PHONE, "phone")                                                                              \
    X(PICTURE, "picture")

typedef enum {
#define SL_FIELD_ENUM_(sym, key) SL_FIELD_##sym,
    SL_FIELDS(SL_FIELD_ENUM_)
#undef SL_FIELD_ENUM_
        SL_FIELD_COUNT,
    /* "no particular field": used where a reject is not about one field. */
    SL_FIELD_NONE = -1
} sl_field_t;

/* The JSON key / column name of a field ("first_name"); "" for SL_FIELD_NONE or an
 * out-of-range value. Static string, never freed. */
const char *sl_field_name(sl_field_t field);

/* Looks a key up by exact bytes; returns SL_FIELD_NONE if it is not one of the 12. */
sl_field_t sl_field_lookup(const char *key, size_t len);
/* strlen(sl_field_name(field)), from a table. */
size_t sl_field_name_len(sl_field_t field);

/* Limits. A field longer than SL_RECORD_FIELD_MAX bytes, or a record whose fields add
 * up to more than SL_RECORD_MAX bytes, is rejected (field_too_long, record_too_long). */
#define SL_RECORD_FIELD_MAX 1024
#define SL_RECORD_MAX 4096

/* A read-only view of bytes; ptr[len] == '\0' for record fields. */
typedef struct {
    const char *ptr;
    size_t len;
} sl_record_str_t;

/* One record: field[SL_FIELD_EMAIL] is the email, and so on. Plain struct, no
 * ownership: it is only as long-lived as the storage its views point into. */
typedef struct {
    sl_record_str_t field[SL_FIELD_COUNT];
} sl_record_t;

/*
 * Reject reasons: (enum suffix, code, name, text). The name is the DLQ header value
 * and the metric label; the code is stable too. NONE means "accepted".
 *
 * From the API body (flattening one user object):
 *   missing_id        login.uuid absent or null
 *   missing_field     another source value absent or null
 *   wrong_type        a source value has the wrong JSON type (object where text
 *                     was expected, a number where only text makes sense, a user
 *                     that is not an object...)
 *   duplicate_key     the same key twice in one object
 * From the Kafka message (sl_record_from_json):
 *   too_large         message longer than SL_RECORD_JSON_MSG_MAX
 *   not_json          not well-formed JSON (includes truncation, trailing bytes)
 *   not_object        well-formed JSON but not an object
 *   missing_field     one of the 12 keys absent (also wrong_type, duplicate_key)
 * From validation (both sides):
 *   bad_id            id is not a canonical 8-4-4-4-12 hex UUID
 *   missing_name      first_name or last_name empty or only spaces
 *   bad_email         email not shaped like local@domain.tld
 *   bad_dob           dob not an ISO-8601 date / date-time
 *   bad_registered    registered_date not an ISO-8601 date / date-time
 *   bad_utf8          a field is not valid UTF-8 or contains a NUL
 *   field_too_long    a field longer than SL_RECORD_FIELD_MAX
 *   record_too_long   all fields together longer than SL_RECORD_MAX
 * From a Confluent-Avro message (the registry module's decoder):
 *   unknown_schema      the registry answered 40403 for the message's schema id
 *   bad_avro            the bytes do not decode with the writer schema
 *   incompatible_schema the writer schema cannot be resolved against the record's
 */
#define SL_REJECTS(X)                                                                              \
    X(NONE, 0, "none", "accepted")                                                                 \
    X(MISSING_ID, 1, "missing_id", "login.uuid is missing")                                        \
    X(MISSING_FIELD, 2, "missing_field", "a required field is missing")                            \
    X(WRONG_TYPE, 3, "wrong_type", "a field has the wrong JSON type")                              \
    X(DUPLICATE_KEY, 4, "duplicate_key", "a key appears twice in one object")                      \
    X(TOO_LARGE, 5, "too_large", "message is larger than the limit")                               \
    X(NOT_JSON, 6, "not_json", "message is not well-formed JSON")                                  \
    X(NOT_OBJECT, 7, "not_object", "message is not a JSON object")                                 \
    X(BAD_ID, 8, "bad_id", "id is not a canonical UUID")                                           \
    X(MISSING_NAME, 9, "missing_name", "first or last name is empty")                              \
    X(BAD_EMAIL, 10, "bad_email", "email is not shaped like an address")                           \
    X(BAD_DOB, 11, "bad_dob", "dob is not an ISO-8601 date")                                       \
    X(BAD_REGISTERED, 12, "bad_registered", "registered_date is not an ISO-8601 date")             \
    X(BAD_UTF8, 13, "bad_utf8", "text is not valid UTF-8 or contains NUL")                         \
    X(FIELD_TOO_LONG, 14, "field_too_long", "a field is longer than the limit")                    \
    X(RECORD_TOO_LONG, 15, "record_too_long", "the record is longer than the limit")               \
    X(UNKNOWN_SCHEMA, 16, "unknown_schema", "the registry has no schema with the message's id")    \
    X(BAD_AVRO, 17, "bad_avro", "message bytes do not decode with their writer schema")            \
    X(INCOMPATIBLE_SCHEMA, 18, "incompatible_schema",                                              \
      "the writer schema cannot be resolved against the record's")

typedef enum {
#define SL_REJECT_ENUM_(sym, code, name, text) SL_REJECT_##sym = code,
    SL_REJECTS(SL_REJECT_ENUM_)
#undef SL_REJECT_ENUM_
} sl_reject_t;

#define SL_REJECT_COUNT 19

/* Human text ("email is not shaped like an address"); static, never NULL. */
const char *sl_record_reject_str(sl_reject_t reason);
/* Short snake_case name ("bad_email"); static, never NULL ("unknown" if out of range). */
const char *sl_reject_name(sl_reject_t reason);

/*
 * Runs every data-quality check on rec, in field order, and returns the first
 * failure (SL_REJECT_NONE if the record is good). If field is not NULL it receives
 * the field at fault (SL_FIELD_NONE for record_too_long or when accepted).
 * Checks: all fields valid UTF-8 without NUL, each <= SL_RECORD_FIELD_MAX, sum <=
 * SL_RECORD_MAX; id canonical UUID (either hex case); names not blank; email
 * shaped; dob and registered_date ISO-8601. Other fields may be empty.
 * A field with ptr == NULL counts as missing (missing_field / missing_id).
 * Reads rec only; no allocation.
 */
sl_reject_t sl_record_validate(const sl_record_t *rec, sl_field_t *field);
/* sl_record_validate() without the UTF-8 check, for a decoder that has just checked every
 * field it set (valid UTF-8 without NUL); same order and results otherwise. */
sl_reject_t sl_record_validate_rules(const sl_record_t *rec, sl_field_t *field);

/* The individual checks, exposed for reuse and tests. Each returns 1 if s[0..len)
 * passes, 0 otherwise; s need not be NUL-terminated. */
int sl_record_utf8_valid(const char *s,
                         size_t len); /* strict: no overlongs, no surrogates, no NUL */
/* The length (2..4) of the UTF-8 sequence at s, whose first byte is >= 0x80, when it is
 * valid by sl_record_utf8_valid()'s rules and ends within avail bytes; 0 otherwise. */
size_t sl_record_utf8_seq(const unsigned char *s, size_t avail);
int sl_record_uuid_valid(const char *s, size_t len);
/* The 16 bytes of a canonical UUID in network order, as CQL's uuid type carries them
 * (out is the caller's). Returns 1, or 0 if !sl_record_uuid_valid(s, len) (out untouched). */
int sl_record_uuid_to_bytes(const char *s, size_t len, unsigned char out[16]);
int sl_record_email_valid(const char *s, size_t len);
/* YYYY-MM-DD, optionally followed by Thh:mm[:ss[.f{1,9}]] and then a zone that is
 * required with a time: Z, +hh:mm, -hh:mm, +hhmm or +hh. Calendar-checked (leap
 * years), seconds may be 60. */
int sl_record_iso8601_valid(const char *s, size_t len);

#endif
