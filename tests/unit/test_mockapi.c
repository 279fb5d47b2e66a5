/* Unit tests for the mock API's generator: determinism, UUID uniqueness, the exact shape of
 * a randomuser v1.4 body (parsed back with yajl_tree), query rules, and the word lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "test_util.h"
#include "sl_mockapi.h"
#include "sl_mockapi_gen.h"
#include "sl_mockapi_data.h"

static sl_mockapi_gen_req_t make_req(const char *results, const char *seed, const char *page,
                                     const char *nat) {
    sl_mockapi_gen_args_t a = {results, seed, page, nat, NULL, NULL, NULL, NULL};
    sl_mockapi_gen_req_t r;
    sl_mockapi_gen_req_from_args(&r, &a, 0x0123456789abcdefULL, 2026);
    return r;
}

static char *render(const sl_mockapi_gen_req_t *r, size_t *len) {
    char *body = NULL;
    assert_int_equal(sl_mockapi_gen_render(r, &body, len), SL_MOCKAPI_OK);
    assert_non_null(body);
    assert_int_equal(strlen(body), *len);
    return body;
}

static yajl_val parse(const char *body) {
    char err[256];
    yajl_val v = yajl_tree_parse(body, err, sizeof err);
    if (!v)
        fail_msg("body does not parse: %s", err);
    return v;
}

static yajl_val at(yajl_val obj, const char *a, const char *b, const char *c) {
    const char *path[4] = {a, b, c, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

/* The string at v; fails the test when v is not a string. */
static const char *S(yajl_val v) {
    if (!v || !YAJL_IS_STRING(v))
        fail_msg("expected a JSON string");
    const char *s = YAJL_GET_STRING(v);
    return s ? s : "";
}

/* ---------------------------------------------------------------- determinism */

static void same_seed_page_same_bytes(void **state) {
    (void)state;
    sl_mockapi_gen_req_t r = make_req("500", "sluice", "3", NULL);
    size_t l1, l2;
    char *b1 = render(&r, &l1);
    char *b2 = render(&r, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);

    sl_mockapi_gen_req_t r4 = make_req("500", "sluice", "4", NULL);
    size_t l4;
    char *b4 = render(&r4, &l4);
    yajl_val v3 = parse(b1), v4 = parse(b4);
    yajl_val u3 = YAJL_GET_ARRAY(at(v3, "results", NULL, NULL))->values[0];
    yajl_val u4 = YAJL_GET_ARRAY(at(v4, "results", NULL, NULL))->values[0];
    assert_string_not_equal(S(at(u3, "login", "uuid", NULL)), S(at(u4, "login", "uuid", NULL)));
    assert_string_not_equal(S(at(u3, "login", "salt", NULL)), S(at(u4, "login", "salt", NULL)));

    /* a user depends on (seed, page, index) only: the first 2 users of a 500-user page
     * are byte-identical to a 2-user page of the same seed and page */
    sl_mockapi_gen_req_t r2 = make_req("2", "sluice", "3", NULL);
    size_t lsmall;
    char *small = render(&r2, &lsmall);
    const char *cut = strstr(small, "],\"info\"");
    assert_non_null(cut);
    size_t users_len = (size_t)(cut - small);
    assert_memory_equal(small, b1, users_len);
    assert_int_equal(b1[users_len], ',');

    /* and a fixed seed gives fixed values, release after release */
    char uuid[37];
    sl_mockapi_gen_uuid(sl_mockapi_gen_seed_hash("abc"), 1, 0, uuid);
    assert_string_equal(uuid, "06714adf-b86d-4077-9385-afd3efe4a004");
    yajl_tree_free(v3);
    yajl_tree_free(v4);
    free(b1);
    free(b2);
    free(b4);
    free(small);
}

/* ---------------------------------------------------------------- uuid */

typedef struct u128_s {
    uint64_t hi, lo;
} u128_t;

static int hexnib(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

static u128_t uuid_bits(const char *s) {
    u128_t u = {0, 0};
    int n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '-')
            continue;
        if (n < 16)
            u.hi = u.hi << 4 | (uint64_t)hexnib(*p);
        else
            u.lo = u.lo << 4 | (uint64_t)hexnib(*p);
        n++;
    }
    return u;
}

static int is_v4_uuid(const char *s) {
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static void uuids_unique_over_200_pages(void **state) {
    (void)state;
    const uint32_t pages = 200, per_page = 5000;
    const size_t slots = 1u << 21; /* > 2 x 1,000,000 */
    u128_t *set = calloc(slots, sizeof *set);
    assert_non_null(set);
    uint64_t seed = sl_mockapi_gen_seed_hash("uniq");
    size_t inserted = 0, dups = 0, bad = 0;
    char s[37];
    for (uint32_t p = 1; p <= pages; p++) {
        for (uint32_t i = 0; i < per_page; i++) {
            sl_mockapi_gen_uuid(seed, p, i, s);
            if (!is_v4_uuid(s))
                bad++;
            u128_t u = uuid_bits(s);
            size_t h = (size_t)((u.hi ^ (u.lo * 0x9e3779b97f4a7c15ULL)) & (slots - 1));
            for (;;) {
                if (set[h].hi == 0 && set[h].lo == 0) {
                    set[h] = u;
                    inserted++;
                    break;
                }
                if (set[h].hi == u.hi && set[h].lo == u.lo) {
                    dups++;
                    break;
                }
                h = (h + 1) & (slots - 1);
            }
        }
    }
    free(set);
    assert_int_equal(bad, 0);
    assert_int_equal(dups, 0);
    assert_int_equal(inserted, (size_t)pages * per_page);

    /* the bodies carry exactly these UUIDs */
    sl_mockapi_gen_req_t r = make_req("50", "uniq", "7", NULL);
    size_t len;
    char *body = render(&r, &len);
    yajl_val v = parse(body);
    yajl_val arr = at(v, "results", NULL, NULL);
    assert_int_equal(YAJL_GET_ARRAY(arr)->len, 50);
    for (uint32_t i = 0; i < 50; i++) {
        sl_mockapi_gen_uuid(seed, 7, i, s);
        assert_string_equal(S(at(YAJL_GET_ARRAY(arr)->values[i], "login", "uuid", NULL)), s);
    }
    yajl_tree_free(v);
    free(body);
}

/* ---------------------------------------------------------------- shape */

static int is_str(yajl_val v) {
    return v && YAJL_IS_STRING(v);
}
static int is_int(yajl_val v) {
    return v && YAJL_IS_INTEGER(v);
}

static int is_iso_ms(const char *s) {
    /* YYYY-MM-DDTHH:MM:SS.mmmZ */
    const char *shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (strlen(s) != strlen(shape))
        return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
            return 0;
    }
    int mo = atoi(s + 5), d = atoi(s + 8), h = atoi(s + 11), mi = atoi(s + 14), se = atoi(s + 17);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 60;
}

static int is_hex(const char *s, size_t n) {
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return 0;
    return 1;
}

static int is_email(const char *s) {
    const char *at_ = strchr(s, '@');
    if (!at_ || strcmp(at_, "@example.com") != 0 || at_ == s)
        return 0;
    for (const char *p = s; p < at_; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789.-", *p))
            return 0;
    return 1;
}

static int is_coord(const char *s, double limit) {
    char *end;
    double v = strtod(s, &end);
    const char *dot = strchr(s, '.');
    return *end == '\0' && dot && strlen(dot) == 5 && v >= -limit && v <= limit;
}

/* Non-ASCII lead bytes: Cyrillic 0xD0-0xD3, Arabic script 0xD8-0xDB. */
static int has_lead(const char *s, unsigned char lo, unsigned char hi) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= lo && *p <= hi)
            return 1;
    return 0;
}

static void body_has_randomuser_shape(void **state) {
    (void)state;
    sl_mockapi_gen_req_t r = make_req("3000", "shape", "1", NULL);
    size_t len;
    char *body = render(&r, &len);
    yajl_val v = parse(body);
    assert_true(YAJL_IS_OBJECT(v));
    assert_int_equal(YAJL_GET_OBJECT(v)->len, 2);
    assert_string_equal(YAJL_GET_OBJECT(v)->keys[0], "results");
    assert_string_equal(YAJL_GET_OBJECT(v)->keys[1], "info");
    assert_string_equal(S(at(v, "info", "seed", NULL)), "shape");
    assert_int_equal(YAJL_GET_INTEGER(at(v, "info", "results", NULL)), 3000);
    assert_int_equal(YAJL_GET_INTEGER(at(v, "info", "page", NULL)), 1);
    assert_string_equal(S(at(v, "info", "version", NULL)), "1.4");

    static const char *const keys[] = {"gender", "name", "location",   "email",
                                       "login",  "dob",  "registered", "phone",
                                       "cell",   "id",   "picture",    "nat"};
    yajl_val arr = at(v, "results", NULL, NULL);
    assert_int_equal(YAJL_GET_ARRAY(arr)->len, 3000);
    size_t pc_num[32] = {0}, pc_str[32] = {0}, id_null[32] = {0}, seen[32] = {0};
    size_t cyr_ua = 0, persian_ir = 0, n_ua = 0, n_ir = 0;
    for (size_t i = 0; i < 3000; i++) {
        yajl_val u = YAJL_GET_ARRAY(arr)->values[i];
        assert_int_equal(YAJL_GET_OBJECT(u)->len, 12);
        for (size_t k = 0; k < 12; k++)
            assert_string_equal(YAJL_GET_OBJECT(u)->keys[k], keys[k]);
        const char *gender = S(at(u, "gender", NULL, NULL));
        assert_true(strcmp(gender, "male") == 0 || strcmp(gender, "female") == 0);
        int male = gender[0] == 'm';
        const char *title = S(at(u, "name", "title", NULL));
        assert_true(male ? strcmp(title, "Mr") == 0 : strchr("MmS", title[0]) != NULL);
        assert_true(is_str(at(u, "name", "first", NULL)));
        assert_true(is_str(at(u, "name", "last", NULL)));
        assert_true(is_int(at(u, "location", "street", NULL)
                               ? at(at(u, "location", "street", NULL), "number", NULL, NULL)
                               : NULL));
        assert_true(is_str(at(at(u, "location", "street", NULL), "name", NULL, NULL)));
        assert_true(is_str(at(u, "location", "city", NULL)));
        assert_true(is_str(at(u, "location", "state", NULL)));
        assert_true(is_str(at(u, "location", "country", NULL)));
        assert_true(
            is_coord(S(at(at(u, "location", "coordinates", NULL), "latitude", NULL, NULL)), 90));
        assert_true(
            is_coord(S(at(at(u, "location", "coordinates", NULL), "longitude", NULL, NULL)), 180));
        assert_true(is_str(at(at(u, "location", "timezone", NULL), "offset", NULL, NULL)));
        assert_true(is_str(at(at(u, "location", "timezone", NULL), "description", NULL, NULL)));
        assert_true(is_email(S(at(u, "email", NULL, NULL))));
        assert_true(is_v4_uuid(S(at(u, "login", "uuid", NULL))));
        assert_true(is_str(at(u, "login", "username", NULL)));
        assert_true(is_str(at(u, "login", "password", NULL)));
        assert_int_equal(strlen(S(at(u, "login", "salt", NULL))), 8);
        assert_true(is_hex(S(at(u, "login", "md5", NULL)), 32));
        assert_true(is_hex(S(at(u, "login", "sha1", NULL)), 40));
        assert_true(is_hex(S(at(u, "login", "sha256", NULL)), 64));
        const char *dob = S(at(u, "dob", "date", NULL));
        assert_true(is_iso_ms(dob));
        assert_int_equal(YAJL_GET_INTEGER(at(u, "dob", "age", NULL)), 2026 - atoi(dob));
        const char *reg = S(at(u, "registered", "date", NULL));
        assert_true(is_iso_ms(reg));
        assert_true(atoi(reg) >= 2002 && atoi(reg) <= 2022);
        assert_int_equal(YAJL_GET_INTEGER(at(u, "registered", "age", NULL)), 2026 - atoi(reg));
        assert_true(is_str(at(u, "phone", NULL, NULL)));
        assert_true(is_str(at(u, "cell", NULL, NULL)));
        assert_true(is_str(at(u, "id", "name", NULL)));
        yajl_val idv = at(u, "id", "value", NULL);
        assert_true(idv && (YAJL_IS_NULL(idv) || YAJL_IS_STRING(idv)));
        const char *pics[] = {"large", "medium", "thumbnail"};
        const char *pre[] = {"https://randomuser.me/api/portraits/",
                             "https://randomuser.me/api/portraits/med/",
                             "https://randomuser.me/api/portraits/thumb/"};
        for (int k = 0; k < 3; k++) {
            const char *url = S(at(u, "picture", pics[k], NULL));
            assert_memory_equal(url, pre[k], strlen(pre[k]));
            assert_string_equal(url + strlen(pre[k]) + (male ? 4 : 6) +
                                    strspn(url + strlen(pre[k]) + (male ? 4 : 6), "0123456789"),
                                ".jpg");
        }
        const char *nat = S(at(u, "nat", NULL, NULL));
        int ni = sl_mockapi_data_nat_find(nat, strlen(nat));
        assert_true(ni >= 0);
        seen[ni]++;
        assert_string_equal(S(at(u, "location", "country", NULL)),
                            sl_mockapi_data_nats[ni].country);
        yajl_val pc = at(u, "location", "postcode", NULL);
        if (YAJL_IS_INTEGER(pc))
            pc_num[ni]++;
        else if (YAJL_IS_STRING(pc))
            pc_str[ni]++;
        else
            fail_msg("postcode neither number nor string");
        if (YAJL_IS_NULL(idv))
            id_null[ni]++;
        if (strcmp(nat, "UA") == 0) {
            n_ua++;
            cyr_ua += has_lead(S(at(u, "name", "first", NULL)), 0xD0, 0xD3) &&
                      has_lead(S(at(u, "location", "city", NULL)), 0xD0, 0xD3);
        }
        if (strcmp(nat, "IR") == 0) {
            n_ir++;
            persian_ir += has_lead(S(at(u, "name", "last", NULL)), 0xD8, 0xDB);
        }
    }
    /* every nationality shows up in 3000 users; postcode types follow the nationality */
    for (size_t i = 0; i < sl_mockapi_data_nat_count; i++) {
        assert_true(seen[i] > 50);
        const char *c = sl_mockapi_data_nats[i].code;
        if (strstr("DE FR ES FI DK NO CH AU TR IR IN MX NZ", c)) {
            assert_int_equal(pc_str[i], 0);
        }
        if (strstr("GB CA NL UA RS BR IE", c)) {
            assert_int_equal(pc_num[i], 0);
        }
        if (strcmp(c, "US") == 0) {
            assert_true(pc_num[i] > 0 && pc_str[i] > 0);
        }
        if (strstr("IR UA NZ TR", c)) {
            assert_int_equal(id_null[i], seen[i]);
        }
        if (strstr("DE FR GB DK", c)) {
            assert_int_equal(id_null[i], 0);
        }
        if (strstr("IE NL", c)) {
            assert_true(id_null[i] > 0 && id_null[i] < seen[i]);
        }
    }
    assert_true(n_ua > 0 && cyr_ua == n_ua);
    assert_true(n_ir > 0 && persian_ir == n_ir);
    yajl_tree_free(v);
    free(body);
}

/* ---------------------------------------------------------------- query rules */

static void query_rules_like_randomuser(void **state) {
    (void)state;
    uint32_t all = (uint32_t)((1ull << sl_mockapi_data_nat_count) - 1);
    sl_mockapi_gen_req_t r = make_req(NULL, NULL, NULL, NULL);
    assert_int_equal(r.results, 1);
    assert_int_equal(r.page, 1);
    assert_int_equal(r.nat_mask, all);
    assert_string_equal(r.seed, "0123456789abcdef");
    assert_int_equal(r.fields, SL_MOCKAPI_GEN_ALL_FIELDS);
    assert_int_equal(r.info, 1);
    const char *res_in[] = {"0", "5001", "abc", "-3", "12x", "", "1", "5000", " 42 "};
    uint32_t res_out[] = {1, 1, 1, 1, 1, 1, 1, 5000, 42};
    for (size_t i = 0; i < sizeof res_in / sizeof res_in[0]; i++) {
        r = make_req(res_in[i], "s", NULL, NULL);
        assert_int_equal(r.results, res_out[i]);
    }
    r = make_req("1", "s", "10000", NULL);
    assert_int_equal(r.page, 10000);
    r = make_req("1", "s", "10001", NULL);
    assert_int_equal(r.page, 1);
    r = make_req("1", "s", "0", NULL);
    assert_int_equal(r.page, 1);
    r = make_req("1", "s", "1", "ua,De");
    assert_int_equal(r.nat_mask, (1u << sl_mockapi_data_nat_find("UA", 2)) |
                                     (1u << sl_mockapi_data_nat_find("DE", 2)));
    r = make_req("1", "s", "1", "ua,XX");
    assert_int_equal(r.nat_mask, all);
    char longseed[100];
    memset(longseed, 'q', 99);
    longseed[99] = '\0';
    r = make_req("1", longseed, "1", NULL);
    assert_int_equal(strlen(r.seed), SL_MOCKAPI_GEN_SEED_MAX);

    /* nat restricts every user */
    r = make_req("200", "n", "1", "ua");
    size_t len;
    char *body = render(&r, &len);
    yajl_val v = parse(body);
    yajl_val arr = at(v, "results", NULL, NULL);
    for (size_t i = 0; i < 200; i++)
        assert_string_equal(S(at(YAJL_GET_ARRAY(arr)->values[i], "nat", NULL, NULL)), "UA");
    yajl_tree_free(v);
    free(body);

    /* inc / exc / noinfo, and a seed that needs escaping */
    sl_mockapi_gen_args_t a = {
        "2", "a\"b\\c\x01\xc3\xa9", NULL, NULL, "name, nat,login", "login", "", NULL};
    sl_mockapi_gen_req_from_args(&r, &a, 1, 2026);
    assert_int_equal(r.info, 0);
    body = render(&r, &len);
    assert_null(strstr(body, "\"info\""));
    assert_memory_equal(body, "{\"results\":[{\"name\":{\"title\":", 29);
    v = parse(body);
    yajl_val u = YAJL_GET_ARRAY(at(v, "results", NULL, NULL))->values[1];
    assert_int_equal(YAJL_GET_OBJECT(u)->len, 2);
    assert_string_equal(YAJL_GET_OBJECT(u)->keys[0], "name");
    assert_string_equal(YAJL_GET_OBJECT(u)->keys[1], "nat");
    yajl_tree_free(v);
    free(body);
    a.inc = NULL;
    a.exc = NULL;
    a.noinfo = NULL;
    sl_mockapi_gen_req_from_args(&r, &a, 1, 2026);
    body = render(&r, &len);
    v = parse(body);
    assert_string_equal(S(at(v, "info", "seed", NULL)), "a\"b\\c\x01\xc3\x83\xc2\xa9");
    assert_non_null(strstr(body, "\"seed\":\"a\\\"b\\\\c\\u0001\\u00c3\\u00a9\""));
    yajl_tree_free(v);
    free(body);

    /* gender: honoured without a seed, ignored with one (like randomuser) */
    sl_mockapi_gen_args_t g = {"100", NULL, NULL, NULL, "gender", NULL, NULL, "female"};
    sl_mockapi_gen_req_from_args(&r, &g, 5, 2026);
    assert_int_equal(r.gender, 2);
    body = render(&r, &len);
    v = parse(body);
    for (size_t i = 0; i < 100; i++)
        assert_string_equal(
            S(at(YAJL_GET_ARRAY(at(v, "results", NULL, NULL))->values[i], "gender", NULL, NULL)),
            "female");
    yajl_tree_free(v);
    free(body);
    g.seed = "s";
    sl_mockapi_gen_req_from_args(&r, &g, 5, 2026);
    assert_int_equal(r.gender, 0);

    r.results = 0;
    char *none = (char *)1;
    assert_int_equal(sl_mockapi_gen_render(&r, &none, &len), SL_MOCKAPI_ERR_INVALID);
    assert_null(none);
}

/* ---------------------------------------------------------------- data */

static int valid_utf8(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
        if (n < 0)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static int json_safe(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == '"' || *p == '\\')
            return 0;
    return valid_utf8(s);
}

static void check_list(const sl_mockapi_data_list_t *l, int names) {
    assert_true(l->n > 0);
    for (uint32_t i = 0; i < l->n; i++) {
        const sl_mockapi_data_word_t *w = &l->w[i];
        assert_true(json_safe(w->s));
        assert_int_equal(strlen(w->s), w->len);
        assert_int_equal(strlen(w->ascii), w->alen);
        if (names) {
            for (const char *p = w->ascii; *p; p++)
                assert_true((unsigned char)*p < 0x80);
        }
    }
}

static void word_lists_need_no_escaping(void **state) {
    (void)state;
    assert_int_equal(sl_mockapi_data_nat_count, 21);
    for (size_t i = 0; i < sl_mockapi_data_nat_count; i++) {
        const sl_mockapi_data_nat_t *n = &sl_mockapi_data_nats[i];
        check_list(&n->male, 1);
        check_list(&n->female, 1);
        check_list(&n->last, 1);
        check_list(&n->street, 0);
        check_list(&n->city, 0);
        check_list(&n->state, 0);
        assert_true(json_safe(n->country) && json_safe(n->phone_fmt) && json_safe(n->cell_fmt));
        assert_true(json_safe(n->id_name));
        if (n->postcode_kind != SL_MOCKAPI_DATA_POSTCODE_NUMBER)
            assert_true(n->postcode_fmt && json_safe(n->postcode_fmt));
        assert_int_equal(sl_mockapi_data_nat_find(n->code, 2), (int)i);
    }
    check_list(&sl_mockapi_data_passwords, 1);
    check_list(&sl_mockapi_data_user_adjectives, 1);
    check_list(&sl_mockapi_data_user_nouns, 1);
    check_list(&sl_mockapi_data_female_titles, 1);
    for (size_t i = 0; i < sl_mockapi_data_timezone_count; i++)
        assert_true(json_safe(sl_mockapi_data_timezones[i].offset) &&
                    json_safe(sl_mockapi_data_timezones[i].description));
    assert_int_equal(sl_mockapi_data_nat_find("us", 2), sl_mockapi_data_nat_find("US", 2));
    assert_int_equal(sl_mockapi_data_nat_find("USA", 3), -1);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(same_seed_page_same_bytes),
          cmocka_unit_test(uuids_unique_over_200_pages),
          cmocka_unit_test(body_has_randomuser_shape),
          cmocka_unit_test(query_rules_like_randomuser),
          cmocka_unit_test(word_lists_need_no_escaping))
