/*
 * sl_mockapi_gen — the mock API's user generator: answers a query (results, seed, page, nat,
 * inc, exc) with a body shaped like the real randomuser.me v1.4 API's, deterministic for
 * (seed, page, index). Thread-safe, no printing.
 */
#ifndef SL_MOCKAPI_GEN_H
#define SL_MOCKAPI_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sl_mockapi.h"

#define SL_MOCKAPI_GEN_MAX_RESULTS 5000
#define SL_MOCKAPI_GEN_MAX_PAGE 10000
#define SL_MOCKAPI_GEN_SEED_MAX 64

/* Top-level fields of a user, for inc/exc. */
/* clang-format off */
#define SL_MOCKAPI_GEN_FIELDS(X) \
    X(GENDER, "gender") \
    X(NAME, "name") \
    X(LOCATION, "location") \
    X(EMAIL, "email") \
    X(LOGIN, "login") \
    X(REGISTERED, "registered") \
    X(DOB, "dob") \
    X(PHONE, "phone") \
    X(CELL, "cell") \
    X(ID, "id") \
    X(PICTURE, "picture") \
    X(NAT, "nat")
/* clang-format on */

enum {
#define SL_MOCKAPI_GEN_FIELD_BIT_(name, text) SL_MOCKAPI_GEN_FBIT_##name,
    SL_MOCKAPI_GEN_FIELDS(SL_MOCKAPI_GEN_FIELD_BIT_)
#undef SL_MOCKAPI_GEN_FIELD_BIT_
        SL_MOCKAPI_GEN_FIELD_COUNT
};
#define SL_MOCKAPI_GEN_ALL_FIELDS ((1u << SL_MOCKAPI_GEN_FIELD_COUNT) - 1)

typedef struct sl_mockapi_gen_req_s {
    char seed[SL_MOCKAPI_GEN_SEED_MAX + 1]; /* as given, or 16 random hex digits */
    uint32_t page;                          /* 1..SL_MOCKAPI_GEN_MAX_PAGE */
    uint32_t results;                       /* 1..SL_MOCKAPI_GEN_MAX_RESULTS */
    uint32_t nat_mask;                      /* bit i: sl_mockapi_data_nats[i]; never 0 */
    uint32_t fields;                        /* SL_MOCKAPI_GEN_FBIT_* bits */
    int info;                               /* write the info block (0 with ?noinfo) */
    int gender;                             /* 0 either, 1 male only, 2 female only */
    int now_year;                           /* ages are now_year - birth year */
} sl_mockapi_gen_req_t;

/* Query parameters as received (each may be NULL). */
typedef struct sl_mockapi_gen_args_s {
    const char *results, *seed, *page, *nat, *inc, *exc, *noinfo, *gender;
} sl_mockapi_gen_args_t;

/* Turns query parameters into a request, with the real API's rules (docs/mock-api.md):
 * results missing, not a number or outside 1..5000 -> 1; page missing, invalid or outside
 * 1..10000 -> 1; nat a comma list, and any unknown code voids the whole list (all
 * nationalities); a seed longer than 64 bytes is cut; no seed -> 16 hex digits from
 * random_seed; gender "male" or "female" only counts without a seed (as in randomuser). */
void sl_mockapi_gen_req_from_args(sl_mockapi_gen_req_t *req, const sl_mockapi_gen_args_t *args,
                                  uint64_t random_seed, int now_year);

/* Renders the response body for req. On success *body is a NUL-terminated buffer of *len
 * bytes that must be freed with free(). Thread-safe. */
sl_mockapi_err_t sl_mockapi_gen_render(const sl_mockapi_gen_req_t *req, char **body, size_t *len);

/* A 64-bit hash of a seed string; the base of every value of that seed. */
uint64_t sl_mockapi_gen_seed_hash(const char *seed);

/* The login.uuid of user index (0-based) of page under seed_hash: a version-4 UUID in lower
 * case hex, written NUL-terminated to out (37 bytes). Distinct for every (page, index) of
 * one seed: 64 of its bits are a bijection of (page, index). */
void sl_mockapi_gen_uuid(uint64_t seed_hash, uint32_t page, uint32_t index, char out[37]);

#endif
