/* The record the record tests start from: a valid user (the API documentation's example,
 * Jennie Nichols), field by field in sl_field_t order. */
#ifndef TEST_RECORD_UTIL_H
#define TEST_RECORD_UTIL_H

#include <string.h>

#include "sl_record.h"

static const char *const test_jennie[12] = {
    "7a0eed16-9430-4d68-901f-c0d4c1c3bf00",
    "Jennie",
    "Nichols",
    "female",
    "8929 Valwood Pkwy, Billings, Michigan, United States",
    "63104",
    "jennie.nichols@example.com",
    "yellowpeacock117",
    "1992-03-08T15:13:16.688Z",
    "2007-07-09T05:51:59.390Z",
    "(272) 790-0888",
    "https://randomuser.me/api/portraits/med/women/75.jpg",
};

/* r's fields point at the twelve strings of v. */
static inline void test_record_set(sl_record_t *r, const char *const v[12]) {
    for (int i = 0; i < 12; i++) {
        r->field[i].ptr = v[i];
        r->field[i].len = strlen(v[i]);
    }
}

static inline void test_record_jennie(sl_record_t *r) {
    test_record_set(r, test_jennie);
}

#endif
