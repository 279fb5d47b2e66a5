/*
 * sl_mockapi_data — the word lists and per-nationality formats the mock user generator
 * draws from: names, streets, cities, states, phone and postcode patterns, national id
 * shapes, time zones, passwords. The lists are small (a mock needs plausible variety, not a
 * census). Every string is UTF-8 and contains nothing that JSON would need escaped, so the
 * generator copies them verbatim; a unit test checks that promise.
 *
 * Patterns: '#' is a random digit, 'A' a random capital letter, anything else literal.
 */
#ifndef SL_MOCKAPI_DATA_H
#define SL_MOCKAPI_DATA_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_mockapi_data_word_s {
    const char *s;     /* as shown, possibly non-Latin */
    const char *ascii; /* Latin transliteration; e-mail lower-cases it and drops spaces */
    uint8_t len, alen;
} sl_mockapi_data_word_t;

typedef struct sl_mockapi_data_list_s {
    const sl_mockapi_data_word_t *w;
    uint32_t n;
} sl_mockapi_data_list_t;

typedef enum {
    SL_MOCKAPI_DATA_POSTCODE_NUMBER = 0, /* JSON number in [pc_lo, pc_hi] */
    SL_MOCKAPI_DATA_POSTCODE_STRING = 1, /* JSON string from postcode_fmt */
    SL_MOCKAPI_DATA_POSTCODE_MIXED = 2,  /* either, per user (half each) */
} sl_mockapi_data_postcode_kind_t;

typedef struct sl_mockapi_data_nat_s {
    const char *code;    /* "US" */
    const char *country; /* "United States" */
    sl_mockapi_data_list_t male, female, last, street, city, state;
    const char *phone_fmt, *cell_fmt;
    sl_mockapi_data_postcode_kind_t postcode_kind;
    uint32_t pc_lo, pc_hi;
    const char *postcode_fmt;
    const char *id_name; /* may be "" */
    const char *id_fmt;  /* NULL: id.value is always null */
    uint8_t id_null_pct; /* share of users with id.value null, in percent */
} sl_mockapi_data_nat_t;

typedef struct sl_mockapi_data_tz_s {
    const char *offset;
    const char *description;
} sl_mockapi_data_tz_t;

extern const sl_mockapi_data_nat_t sl_mockapi_data_nats[];
extern const size_t sl_mockapi_data_nat_count;

extern const sl_mockapi_data_list_t sl_mockapi_data_female_titles;
extern const sl_mockapi_data_list_t sl_mockapi_data_passwords;
extern const sl_mockapi_data_list_t sl_mockapi_data_user_adjectives;
extern const sl_mockapi_data_list_t sl_mockapi_data_user_nouns;
extern const sl_mockapi_data_tz_t sl_mockapi_data_timezones[];
extern const size_t sl_mockapi_data_timezone_count;

/* Index of the nationality with this code (case-insensitive), or -1. */
int sl_mockapi_data_nat_find(const char *code, size_t len);

#endif
