/*
 * sl_mockapi_data — the word lists and per-nationality formats the mock user generator
 * draws from: names, streets, cities, states, phone and postcode patterns, national id
 * shapes, titles, time zones, passwords. The lists are small (a mock needs plausible
 * variety, not a census). Every string is UTF-8 and contains nothing that JSON would need
 * escaped, so the generator copies them verbatim; a unit test checks that promise.
 *
 * The formats follow what the randomuser.me v1.4 generator emits for each nationality
 * (docs/mock-api.md has the table and where each fact was read; the unit test checks the
 * output against tests/fixtures/randomuser-1.4-nat.json).
 *
 * Patterns: '#' is a random digit, '@' a random capital letter A-Z, '%' a digit that is odd
 * for men and even for women, "[...]" one of the characters listed, and '|' separates
 * alternatives (one is picked, uniformly); anything else is literal.
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
} sl_mockapi_data_postcode_kind_t;

/* How id.value is made. The computed ones depend on the user's dob and gender the way the
 * real generator's are (docs/mock-api.md). */
typedef enum {
    SL_MOCKAPI_DATA_ID_PATTERN = 0, /* a string from id_fmt */
    SL_MOCKAPI_DATA_ID_NULL,        /* JSON null (id.name is "") */
    SL_MOCKAPI_DATA_ID_SSN,   /* US: AAA-GG-SSSS, no 000/666/9xx area, 00 group, 0000 serial */
    SL_MOCKAPI_DATA_ID_SIN,   /* CA: 9 digits with a valid Luhn check digit */
    SL_MOCKAPI_DATA_ID_CPR,   /* DK: DDMM, dob year - 1900, '-', 4 digits */
    SL_MOCKAPI_DATA_ID_SVNR,  /* DE: area, DDMM and year - 1900, last-name initial, serial */
    SL_MOCKAPI_DATA_ID_INSEE, /* FR: sex, year - 1900, month 00..11, 8 digits, mod-97 key */
    SL_MOCKAPI_DATA_ID_FN,    /* NO: DDMMYY, individual number, two mod-11 check digits */
} sl_mockapi_data_id_kind_t;

typedef struct sl_mockapi_data_nat_s {
    const char *code;    /* "US" */
    const char *country; /* "United States" */
    sl_mockapi_data_list_t male, female, last, street, city, state;
    const char *phone_fmt, *cell_fmt;
    sl_mockapi_data_postcode_kind_t postcode_kind;
    uint32_t pc_lo, pc_hi;
    const char *postcode_fmt;
    sl_mockapi_data_id_kind_t id_kind;
    const char *id_name; /* "" with SL_MOCKAPI_DATA_ID_NULL */
    const char *id_fmt;  /* with SL_MOCKAPI_DATA_ID_PATTERN */
    const char *male_title;
    const sl_mockapi_data_list_t *female_titles;
} sl_mockapi_data_nat_t;

typedef struct sl_mockapi_data_tz_s {
    const char *offset;
    const char *description;
} sl_mockapi_data_tz_t;

extern const sl_mockapi_data_nat_t sl_mockapi_data_nats[];
extern const size_t sl_mockapi_data_nat_count;

extern const sl_mockapi_data_list_t sl_mockapi_data_female_titles;    /* Miss, Mrs, Ms */
extern const sl_mockapi_data_list_t sl_mockapi_data_ch_female_titles; /* Mademoiselle, Madame */
extern const sl_mockapi_data_list_t sl_mockapi_data_passwords;
extern const sl_mockapi_data_list_t sl_mockapi_data_user_adjectives;
extern const sl_mockapi_data_list_t sl_mockapi_data_user_nouns;
extern const sl_mockapi_data_tz_t sl_mockapi_data_timezones[];
extern const size_t sl_mockapi_data_timezone_count;

/* German pension insurance area numbers, the first part of an SVNR (00..99). */
extern const uint8_t sl_mockapi_data_svnr_areas[];
extern const size_t sl_mockapi_data_svnr_area_count;

/* Index of the nationality with this code (case-insensitive), or -1. */
int sl_mockapi_data_nat_find(const char *code, size_t len);

#endif
