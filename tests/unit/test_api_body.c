/*
 * Unit tests for sl_api_body: every field of every user of hand-written API bodies
 * (US, DE with a numeric postcode, UA in Cyrillic, IR in Persian, NL with a null
 * id.value, GB with escapes), fed whole, byte by byte and cut at every offset; the
 * API error object; one user per reject reason; body-level errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_api.h"

#define MAX_USERS 64

typedef struct {
    size_t index;
    sl_reject_t reject;
    sl_field_t field;
    char *value[SL_FIELD_COUNT]; /* NULL where the record had no field */
} got_user_t;

typedef struct {
    got_user_t users[MAX_USERS];
    size_t n;
    size_t stop_after; /* return non-zero after this many users (0: never) */
} got_t;

static int collect(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                   sl_field_t field) {
    got_t *g = opaque;
    assert_true(g->n < MAX_USERS);
    got_user_t *u = &g->users[g->n++];
    u->index = index;
    u->reject = reject;
    u->field = field;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        const sl_record_str_t *v = &rec->field[i];
        u->value[i] = NULL;
        if (v->ptr) {
            assert_int_equal(v->ptr[v->len], '\0');
            u->value[i] = malloc(v->len + 1);
            memcpy(u->value[i], v->ptr, v->len + 1);
        }
    }
    return g->stop_after && g->n >= g->stop_after;
}

static void got_free(got_t *g) {
    for (size_t i = 0; i < g->n; i++)
        for (int f = 0; f < SL_FIELD_COUNT; f++)
            free(g->users[i].value[f]);
    g->n = 0;
}

static char *load(const char *name, size_t *len) {
    const char *dir = getenv("SLUICE_FIXTURES");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* The 12 expected values of one user, in field order. */
typedef const char *expect_t[SL_FIELD_COUNT];

static const expect_t six_users[6] = {
    {"7a0eed16-9430-4d68-901f-c0d4c1c3bf00", "Jennie", "Nichols", "female",
     "8929 Valwood Pkwy, Billings, Michigan, United States", "63104", "jennie.nichols@example.com",
     "yellowpeacock117", "1992-03-08T15:13:16.688Z", "2007-07-09T05:51:59.390Z", "(272) 790-0888",
     "https://randomuser.me/api/portraits/med/women/75.jpg"},
    {"3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d", "Lukas", "Schäfer", "male",
     "4129 Mühlenweg, Gießen, Hessen, Germany", "71640", "lukas.schafer@example.com", "bigduck482",
     "1978-11-02T04:22:51.117Z", "2015-02-14T09:30:12.504Z", "0176-4418230",
     "https://randomuser.me/api/portraits/med/men/12.jpg"},
    {"B5E0F1D2-6A7B-4C8D-9E0F-1A2B3C4D5E6F", "Мирослава", "Гнатюк", "female",
     "6553 Вулиця Шевченка, Вінниця, Київська, Ukraine", "73412", "myroslava.gnatyuk@example.com",
     "silvercat905", "1965-12-31T23:59:59.999Z", "2004-02-29T00:00:00.000Z", "(097) 431-8825",
     "https://randomuser.me/api/portraits/med/women/3.jpg"},
    {"c2d4e6f8-1a3b-4c5d-8e7f-90a1b2c3d4e5", "محمدرضا", "کریمی", "male",
     "1704 میدان امام خمینی, قزوین, اصفهان, Iran", "48172", "mhmdrd.krymy@example.com",
     "orangerabbit311", "1983-07-19T22:10:05.881Z", "2019-10-05T11:45:33.020Z", "094-51947628",
     "https://randomuser.me/api/portraits/med/men/88.jpg"},
    {"0e9d8c7b-6a5f-4e3d-a2c1-b0a9f8e7d6c5", "Sanne", "van der Berg", "female",
     "8311 Ruiterstraat, Ede, Gelderland, Netherlands", "1234 AB", "sanne.vanderberg@example.com",
     "purplefish736", "2000-01-01T12:00:00.000Z", "2012-06-30T18:05:44.307Z", "(035) 8820104",
     "https://randomuser.me/api/portraits/med/women/51.jpg"},
    {"5d6e7f80-9a1b-4c2d-b3e4-f5a6b7c8d9e0", "Oliver", "O'Connor", "male",
     "2475 The \"Old\" Lane, St Albans, Hertfordshire, United Kingdom", "EC1 3DF",
     "oliver.oconnor@example.com", "happylion208", "1959-05-23T07:41:09.264+01:00",
     "2009-08-17T16:20:48.713Z", "016977 5520",
     "https://randomuser.me/api/portraits/med/men/44.jpg"},
};

static void assert_user(const got_user_t *u, size_t index, const expect_t want) {
    assert_int_equal(u->index, index);
    assert_int_equal(u->reject, SL_REJECT_NONE);
    assert_int_equal(u->field, SL_FIELD_NONE);
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        assert_non_null(u->value[f]);
        assert_string_equal(u->value[f], want[f]);
    }
}

static void assert_six_info(const sl_api_info_t *info) {
    assert_int_equal(info->present, 1);
    assert_string_equal(info->seed, "56d27f4a53bd5441");
    assert_string_equal(info->version, "1.4");
    assert_int_equal(info->results, 6);
    assert_int_equal(info->page, 3);
}

static void six_users_whole_body(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_6users.json", &len);
    got_t g = {0};
    sl_api_info_t info;
    sl_api_stats_t stats;
    char err[256];
    assert_int_equal(sl_api_parse(body, len, collect, &g, &info, &stats, err, sizeof err),
                     SL_API_ERR_OK);
    assert_string_equal(err, "");
    assert_int_equal(g.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_user(&g.users[i], i, six_users[i]);
    assert_six_info(&info);
    assert_int_equal(stats.users, 6);
    assert_int_equal(stats.accepted, 6);
    assert_int_equal(stats.rejected, 0);
    assert_int_equal(stats.by_reason[SL_REJECT_NONE], 6);
    got_free(&g);
    free(body);
}

/* Chunk boundaries fall inside keys, strings, numbers and multi-byte characters. */
static void six_users_in_chunks(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_6users.json", &len);
    static const size_t chunk_sizes[] = {1, 2, 3, 7, 64, 1000};
    for (size_t c = 0; c < sizeof chunk_sizes / sizeof chunk_sizes[0]; c++) {
        got_t g = {0};
        sl_api_parser_t *p = sl_api_parser_new(collect, &g);
        assert_non_null(p);
        for (size_t at = 0; at < len; at += chunk_sizes[c]) {
            size_t n = len - at < chunk_sizes[c] ? len - at : chunk_sizes[c];
            assert_int_equal(sl_api_parser_feed(p, body + at, n, NULL, 0), SL_API_ERR_OK);
        }
        assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_OK);
        assert_int_equal(g.n, 6);
        for (size_t i = 0; i < 6; i++)
            assert_user(&g.users[i], i, six_users[i]);
        assert_six_info(sl_api_parser_info(p));
        assert_null(sl_api_parser_error_message(p));
        got_free(&g);

        /* the same parser, reset, parses the body again from scratch */
        assert_int_equal(sl_api_parser_reset(p), SL_API_ERR_OK);
        assert_int_equal(sl_api_parser_stats(p)->users, 0);
        assert_int_equal(sl_api_parser_info(p)->present, 0);
        assert_int_equal(sl_api_parser_feed(p, body, len, NULL, 0), SL_API_ERR_OK);
        assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_OK);
        assert_int_equal(g.n, 6);
        assert_int_equal(g.users[5].index, 5);
        got_free(&g);
        sl_api_parser_free(p);
    }
    free(body);
}

/* Every proper prefix of the body: no crash, TRUNCATED, and exactly the users that
 * were complete in the prefix, each with the right values. */
static void every_prefix_is_truncated(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_6users.json", &len);
    /* offset just past each user's closing brace */
    size_t user_end[6];
    size_t found = 0;
    for (const char *q = body; found < 6 && (q = strstr(q, "\"nat\":\"")) != NULL; q++) {
        user_end[found++] = (size_t)(strchr(q, '}') - body) + 1;
    }
    assert_int_equal(found, 6);
    /* the body ends with a newline: the last complete prefix is len - 1 bytes */
    for (size_t cut = 0; cut < len - 1; cut++) {
        got_t g = {0};
        sl_api_parser_t *p = sl_api_parser_new(collect, &g);
        sl_api_err_t e = sl_api_parser_feed(p, body, cut, NULL, 0);
        assert_int_equal(e, SL_API_ERR_OK);
        char err[256];
        assert_int_equal(sl_api_parser_finish(p, err, sizeof err), SL_API_ERR_TRUNCATED);
        assert_non_null(strstr(err, "body ended before the JSON value was complete"));
        size_t complete = 0;
        while (complete < 6 && user_end[complete] <= cut)
            complete++;
        assert_int_equal(g.n, complete);
        for (size_t i = 0; i < g.n; i++)
            assert_user(&g.users[i], i, six_users[i]);
        got_free(&g);
        sl_api_parser_free(p);
    }
    free(body);
}

static void truncated_fixture(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_truncated.json", &len);
    got_t g = {0};
    char err[256];
    sl_api_err_t e = sl_api_parse(body, len, collect, &g, NULL, NULL, err, sizeof err);
    assert_int_equal(e, SL_API_ERR_TRUNCATED);
    assert_true(sl_api_err_is_retriable(e));
    assert_int_equal(g.n, 2);
    assert_user(&g.users[0], 0, six_users[0]);
    assert_user(&g.users[1], 1, six_users[1]);
    got_free(&g);
    free(body);
}

static void bad_utf8_body(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_bad_utf8.json", &len);
    got_t g = {0};
    char err[256];
    sl_api_err_t e = sl_api_parse(body, len, collect, &g, NULL, NULL, err, sizeof err);
    assert_int_equal(e, SL_API_ERR_BAD_UTF8);
    assert_false(sl_api_err_is_retriable(e));
    assert_non_null(strstr(err, "UTF8"));
    /* the first user was complete before the bad byte in the second */
    assert_int_equal(g.n, 1);
    assert_user(&g.users[0], 0, six_users[0]);
    got_free(&g);
    free(body);
}

static void api_error_object(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_error.json", &len);
    got_t g = {0};
    char err[256];
    sl_api_err_t e = sl_api_parse(body, len, collect, &g, NULL, NULL, err, sizeof err);
    assert_int_equal(e, SL_API_ERR_API_ERROR);
    assert_true(sl_api_err_is_retriable(e));
    assert_string_equal(err, "Uh oh, something has gone wrong. Please tell us on GitHub");
    assert_int_equal(g.n, 0);

    sl_api_parser_t *p = sl_api_parser_new(collect, &g);
    assert_int_equal(sl_api_parser_feed(p, body, len, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_finish(p, err, sizeof err), SL_API_ERR_API_ERROR);
    assert_string_equal(sl_api_parser_error_message(p),
                        "Uh oh, something has gone wrong. Please tell us on GitHub");
    assert_string_equal(err, "the API returned an error object: "
                             "Uh oh, something has gone wrong. Please tell us on GitHub");
    assert_int_equal(sl_api_parser_info(p)->present, 0);
    assert_int_equal(sl_api_parser_info(p)->results, -1);
    sl_api_parser_free(p);
    free(body);
}

static void one_user_per_reject(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_rejects.json", &len);
    got_t g = {0};
    sl_api_info_t info;
    sl_api_stats_t stats;
    assert_int_equal(sl_api_parse(body, len, collect, &g, &info, &stats, NULL, 0), SL_API_ERR_OK);
    static const struct {
        sl_reject_t reject;
        sl_field_t field;
    } want[] = {
        {SL_REJECT_MISSING_ID, SL_FIELD_ID},
        {SL_REJECT_BAD_ID, SL_FIELD_ID},
        {SL_REJECT_MISSING_NAME, SL_FIELD_FIRST_NAME},
        {SL_REJECT_BAD_EMAIL, SL_FIELD_EMAIL},
        {SL_REJECT_BAD_DOB, SL_FIELD_DOB},
        {SL_REJECT_BAD_REGISTERED, SL_FIELD_REGISTERED_DATE},
        {SL_REJECT_WRONG_TYPE, SL_FIELD_FIRST_NAME},
        {SL_REJECT_DUPLICATE_KEY, SL_FIELD_EMAIL},
        {SL_REJECT_MISSING_FIELD, SL_FIELD_PHONE},
        {SL_REJECT_WRONG_TYPE, SL_FIELD_NONE},
        {SL_REJECT_WRONG_TYPE, SL_FIELD_POST_CODE},
        {SL_REJECT_WRONG_TYPE, SL_FIELD_GENDER},
        {SL_REJECT_MISSING_FIELD, SL_FIELD_PICTURE},
        {SL_REJECT_NONE, SL_FIELD_NONE},
        {SL_REJECT_MISSING_NAME, SL_FIELD_LAST_NAME},
        {SL_REJECT_BAD_UTF8, SL_FIELD_PHONE},
    };
    assert_int_equal(g.n, 16);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(g.users[i].index, i);
        assert_int_equal(g.users[i].reject, want[i].reject);
        assert_int_equal(g.users[i].field, want[i].field);
    }
    /* a reject still carries the id when there was one, for logs */
    assert_null(g.users[0].value[SL_FIELD_ID]);
    assert_string_equal(g.users[1].value[SL_FIELD_ID], "not-a-uuid");
    assert_string_equal(g.users[8].value[SL_FIELD_ID], "11111111-2222-4333-8444-000000000008");
    assert_null(g.users[8].value[SL_FIELD_PHONE]);
    assert_null(g.users[9].value[SL_FIELD_ID]);
    /* the accepted one, field by field */
    static const expect_t ok = {"11111111-2222-4333-8444-000000000013",
                                "Ann",
                                "Lee",
                                "female",
                                "1 Main St, Springfield, Oregon, United States",
                                "97477",
                                "ann.lee@example.com",
                                "ann1",
                                "1990-01-02T03:04:05.678Z",
                                "2010-05-06T07:08:09.100Z",
                                "555-0100",
                                "https://example.com/a.jpg"};
    assert_user(&g.users[13], 13, ok);
    assert_int_equal(stats.users, 16);
    assert_int_equal(stats.accepted, 1);
    assert_int_equal(stats.rejected, 15);
    assert_int_equal(stats.by_reason[SL_REJECT_WRONG_TYPE], 4);
    assert_int_equal(stats.by_reason[SL_REJECT_MISSING_NAME], 2);
    assert_int_equal(stats.by_reason[SL_REJECT_MISSING_FIELD], 2);
    assert_int_equal(stats.by_reason[SL_REJECT_BAD_UTF8], 1);
    assert_string_equal(info.seed, "rejects");
    assert_int_equal(info.results, 16);
    got_free(&g);
    free(body);
}

/* A user of one field value given as a JSON string; the rest is a fixed good user. */
static sl_api_err_t parse_user(got_t *g, const char *street_number, const char *postcode,
                               const char *city) {
    char body[16384];
    int n =
        snprintf(body, sizeof body,
                 "{\"results\":[{\"gender\":\"male\",\"name\":{\"first\":\"Bo\",\"last\":\"Ek\"},"
                 "\"location\":{\"street\":{\"number\":%s,\"name\":\"Storgatan\"},\"city\":%s,"
                 "\"state\":\"Uppsala\",\"country\":\"Sweden\",\"postcode\":%s},"
                 "\"email\":\"bo.ek@example.se\",\"login\":{\"uuid\":"
                 "\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"username\":\"bo\"},"
                 "\"dob\":{\"date\":\"1970-01-01\"},\"registered\":{\"date\":"
                 "\"2020-02-29T12:30Z\"},\"phone\":\"\",\"picture\":{\"medium\":\"\"}}]}",
                 street_number, city, postcode);
    assert_true(n > 0 && (size_t)n < sizeof body);
    return sl_api_parse(body, (size_t)n, collect, g, NULL, NULL, NULL, 0);
}

/* Numbers keep their digits exactly as written: no reformatting through double. */
static void numbers_kept_as_written(void **state) {
    (void)state;
    got_t g = {0};
    assert_int_equal(parse_user(&g, "12", "98765432109876543210", "\"Uppsala\""), SL_API_ERR_OK);
    assert_int_equal(parse_user(&g, "-0", "1.50e+3", "\"Uppsala\""), SL_API_ERR_OK);
    assert_int_equal(parse_user(&g, "\"12B\"", "\"752 36\"", "\"Uppsala\""), SL_API_ERR_OK);
    assert_int_equal(g.n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(g.users[i].reject, SL_REJECT_NONE);
    assert_string_equal(g.users[0].value[SL_FIELD_POST_CODE], "98765432109876543210");
    assert_string_equal(g.users[0].value[SL_FIELD_ADDRESS],
                        "12 Storgatan, Uppsala, Uppsala, Sweden");
    assert_string_equal(g.users[1].value[SL_FIELD_POST_CODE], "1.50e+3");
    assert_string_equal(g.users[1].value[SL_FIELD_ADDRESS],
                        "-0 Storgatan, Uppsala, Uppsala, Sweden");
    assert_string_equal(g.users[2].value[SL_FIELD_POST_CODE], "752 36");
    assert_string_equal(g.users[2].value[SL_FIELD_ADDRESS],
                        "12B Storgatan, Uppsala, Uppsala, Sweden");
    assert_string_equal(g.users[2].value[SL_FIELD_PHONE], "");
    got_free(&g);
}

static void too_long_values(void **state) {
    (void)state;
    got_t g = {0};
    char city[SL_RECORD_FIELD_MAX + 8];
    /* exactly the field cap: the city is fine, but the address it builds is too long */
    city[0] = '"';
    memset(city + 1, 'x', SL_RECORD_FIELD_MAX);
    strcpy(city + 1 + SL_RECORD_FIELD_MAX, "\"");
    assert_int_equal(parse_user(&g, "1", "1", city), SL_API_ERR_OK);
    assert_int_equal(g.users[0].reject, SL_REJECT_FIELD_TOO_LONG);
    assert_int_equal(g.users[0].field, SL_FIELD_ADDRESS);
    /* one byte over the cap: the source value itself is refused */
    memset(city + 1, 'y', SL_RECORD_FIELD_MAX + 1);
    strcpy(city + 2 + SL_RECORD_FIELD_MAX, "\"");
    assert_int_equal(parse_user(&g, "1", "1", city), SL_API_ERR_OK);
    assert_int_equal(g.users[1].reject, SL_REJECT_FIELD_TOO_LONG);
    assert_int_equal(g.users[1].field, SL_FIELD_ADDRESS);
    assert_null(g.users[1].value[SL_FIELD_ADDRESS]);
    got_free(&g);

    /* many fields each under the cap that add up to more than SL_RECORD_MAX */
    char body[16384], big[1001];
    memset(big, 'z', 1000);
    big[1000] = '\0';
    int n = snprintf(body, sizeof body,
                     "{\"results\":[{\"gender\":\"%s\",\"name\":{\"first\":\"%s\",\"last\":\"%s\"},"
                     "\"location\":{\"street\":{\"number\":1,\"name\":\"a\"},\"city\":\"b\","
                     "\"state\":\"c\",\"country\":\"d\",\"postcode\":1},"
                     "\"email\":\"bo.ek@example.se\",\"login\":{\"uuid\":"
                     "\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"username\":\"%s\"},"
                     "\"dob\":{\"date\":\"1970-01-01\"},\"registered\":{\"date\":"
                     "\"2020-02-29T12:30Z\"},\"phone\":\"%s\",\"picture\":{\"medium\":\"\"}}]}",
                     big, big, big, big, big);
    assert_true(n > 0 && (size_t)n < sizeof body);
    assert_int_equal(sl_api_parse(body, (size_t)n, collect, &g, NULL, NULL, NULL, 0),
                     SL_API_ERR_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.users[0].reject, SL_REJECT_RECORD_TOO_LONG);
    assert_int_equal(g.users[0].field, SL_FIELD_NONE);
    got_free(&g);
}

static sl_api_err_t parse_str(const char *body, got_t *g, char *err, size_t errsz) {
    return sl_api_parse(body, strlen(body), collect, g, NULL, NULL, err, errsz);
}

static void body_level_errors(void **state) {
    (void)state;
    got_t g = {0};
    char err[256];
    assert_int_equal(parse_str("", &g, err, sizeof err), SL_API_ERR_TRUNCATED);
    assert_int_equal(parse_str("[]", &g, err, sizeof err), SL_API_ERR_NOT_OBJECT);
    assert_int_equal(parse_str("\"results\"", &g, err, sizeof err), SL_API_ERR_NOT_OBJECT);
    assert_int_equal(parse_str("{\"results\":{}}", &g, err, sizeof err),
                     SL_API_ERR_RESULTS_NOT_ARRAY);
    assert_int_equal(parse_str("{\"results\":7}", &g, err, sizeof err),
                     SL_API_ERR_RESULTS_NOT_ARRAY);
    assert_int_equal(parse_str("{\"info\":{}}", &g, err, sizeof err), SL_API_ERR_NO_RESULTS);
    assert_int_equal(parse_str("{\"results\":[]} x", &g, err, sizeof err), SL_API_ERR_MALFORMED);
    assert_int_equal(parse_str("{\"results\":[],}", &g, err, sizeof err), SL_API_ERR_MALFORMED);
    assert_int_equal(parse_str("{\"results\":[],\"results\":[]}", &g, err, sizeof err),
                     SL_API_ERR_MALFORMED);
    assert_string_equal(err, "body is not well-formed JSON: duplicate key \"results\"");
    assert_int_equal(parse_str("{\"results\":[], \"error\":null}", &g, err, sizeof err),
                     SL_API_ERR_OK);
    assert_int_equal(parse_str("{\"error\":{\"code\":500}}", &g, err, sizeof err),
                     SL_API_ERR_API_ERROR);
    assert_string_equal(err, "");
    assert_int_equal(g.n, 0);

    /* nesting: the limit counts every container, wherever it is */
    char deep[256];
    size_t at = 0;
    at += (size_t)snprintf(deep, sizeof deep, "{\"results\":[],\"x\":");
    for (int i = 0; i < SL_API_MAX_DEPTH; i++)
        deep[at++] = '[';
    deep[at] = '\0';
    assert_int_equal(parse_str(deep, &g, err, sizeof err), SL_API_ERR_TOO_DEEP);
    assert_string_equal(err, "body nests deeper than the limit: nesting deeper than the limit");
    /* one level less is allowed (and then merely truncated) */
    deep[at - 1] = '\0';
    assert_int_equal(parse_str(deep, &g, err, sizeof err), SL_API_ERR_TRUNCATED);
}

static void callback_stops_parse(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_6users.json", &len);
    got_t g = {0};
    g.stop_after = 2;
    sl_api_parser_t *p = sl_api_parser_new(collect, &g);
    char err[256];
    assert_int_equal(sl_api_parser_feed(p, body, len, err, sizeof err), SL_API_ERR_CANCELLED);
    assert_int_equal(g.n, 2);
    /* sticky until reset */
    assert_int_equal(sl_api_parser_feed(p, "x", 1, NULL, 0), SL_API_ERR_CANCELLED);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_CANCELLED);
    assert_int_equal(sl_api_parser_stats(p)->users, 2);
    assert_int_equal(sl_api_parser_reset(p), SL_API_ERR_OK);
    g.stop_after = 0;
    assert_int_equal(sl_api_parser_feed(p, body, len, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_STATE);
    assert_int_equal(g.n, 8);
    got_free(&g);
    sl_api_parser_free(p);
    free(body);
}

static void body_size_cap(void **state) {
    (void)state;
    size_t len;
    char *body = load("api_body_6users.json", &len);
    got_t g = {0};
    sl_api_parser_t *p = sl_api_parser_new(collect, &g);
    /* exactly the body's size is allowed */
    sl_api_parser_set_max_body(p, len);
    assert_int_equal(sl_api_parser_feed(p, body, 100, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_feed(p, body + 100, len - 100, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(g.n, 6);
    got_free(&g);
    /* one byte less: the chunk that passes the cap is refused whole */
    assert_int_equal(sl_api_parser_reset(p), SL_API_ERR_OK);
    sl_api_parser_set_max_body(p, len - 1);
    assert_int_equal(sl_api_parser_feed(p, body, 3000, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(g.n, 2);
    char err[256];
    assert_int_equal(sl_api_parser_feed(p, body + 3000, len - 3000, err, sizeof err),
                     SL_API_ERR_TOO_LARGE);
    assert_string_equal(err, "body is larger than the cap: body over the size cap");
    assert_int_equal(g.n, 2);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_TOO_LARGE);
    got_free(&g);
    /* 0: no cap */
    assert_int_equal(sl_api_parser_reset(p), SL_API_ERR_OK);
    sl_api_parser_set_max_body(p, 0);
    assert_int_equal(sl_api_parser_feed(p, body, len, NULL, 0), SL_API_ERR_OK);
    assert_int_equal(sl_api_parser_finish(p, NULL, 0), SL_API_ERR_OK);
    got_free(&g);
    sl_api_parser_free(p);
    free(body);
}

static void error_strings(void **state) {
    (void)state;
    assert_string_equal(sl_api_err_str(SL_API_ERR_OK), "success");
    assert_string_equal(sl_api_err_str(SL_API_ERR_TOO_DEEP), "body nests deeper than the limit");
    assert_string_equal(sl_api_err_str(SL_API_ERR_TOO_LARGE), "body is larger than the cap");
    assert_string_equal(sl_api_err_str((sl_api_err_t)99), "unknown error");
    assert_null(sl_api_parser_new(NULL, NULL));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(six_users_whole_body), cmocka_unit_test(six_users_in_chunks),
          cmocka_unit_test(every_prefix_is_truncated), cmocka_unit_test(truncated_fixture),
          cmocka_unit_test(bad_utf8_body), cmocka_unit_test(api_error_object),
          cmocka_unit_test(one_user_per_reject), cmocka_unit_test(numbers_kept_as_written),
          cmocka_unit_test(too_long_values), cmocka_unit_test(body_level_errors),
          cmocka_unit_test(callback_stops_parse), cmocka_unit_test(body_size_cap),
          cmocka_unit_test(error_strings))
