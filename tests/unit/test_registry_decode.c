/*
 * Unit tests for sl_registry_decode, the processor's one decode call: JSON and Avro told
 * apart by the magic byte; writer schemas fetched once per id and cached; evolved writers
 * resolved; each outcome (reject with unknown_schema, bad_avro, incompatible_schema and
 * validation reasons; wait while the registry is unreachable or failing; fatal when it
 * refuses us or none is configured) against a scripted loopback registry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <yajl/yajl_gen.h>

#include "test_util.h"
#include "sl_avro.h"
#include "sl_record_json.h"
#include "sl_registry_decode.h"
#include "sl_time.h"
#include "test_avro_bytes.h"
#include "test_registry_fake.h"

static const char *const bo[SL_FIELD_COUNT] = {
    "c0ffee00-1234-4abc-8def-0123456789ab",
    "Bo",
    "Nielsen",
    "male",
    "12 Nørregade, København, Hovedstaden, Denmark",
    "1165",
    "bo.nielsen@example.dk",
    "tinyfish88",
    "1979-06-30",
    "2010-01-01T00:00:00+01:00",
    "31 12 34 56",
    "https://randomuser.me/api/portraits/med/men/3.jpg",
};

/* {"schema":"<text>"} as a registry sends it; static storage per slot. */
static const char *schema_answer(int slot, const char *text) {
    static char out[6][16384];
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *)"schema", 6);
    yajl_gen_string(g, (const unsigned char *)text, strlen(text));
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    snprintf(out[slot], sizeof out[slot], "%.*s", (int)len, (const char *)buf);
    yajl_gen_free(g);
    return out[slot];
}

/* The record's schema with its fields reversed, email dropped... per kind. */
static const char *evolved_schema(int kind) {
    static char buf[2][8192];
    size_t at = (size_t)snprintf(buf[kind], sizeof buf[kind],
                                 "{\"type\":\"record\",\"name\":\"User\",\"fields\":[");
    for (int i = SL_FIELD_COUNT - 1; i >= 0; i--) {
        if (kind == 1 && i == SL_FIELD_EMAIL)
            continue; /* a required field removed: cannot be resolved */
        at += (size_t)snprintf(buf[kind] + at, sizeof buf[kind] - at,
                               "{\"name\":\"%s\",\"type\":\"string\"},",
                               sl_field_name((sl_field_t)i));
    }
    snprintf(buf[kind] + at, sizeof buf[kind] - at,
             "{\"name\":\"nickname\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    return buf[kind];
}

/* A message framed with id, in the evolved schema 0: fields reversed, then a nickname. */
static size_t evolved_message(unsigned char *b, int32_t id) {
    bytes_t o = {.n = 0};
    sl_wire_header(id, o.b);
    o.n = SL_WIRE_HEADER_SIZE;
    for (int i = SL_FIELD_COUNT - 1; i >= 0; i--)
        put_str(&o, bo[i]);
    put_long(&o, 1); /* union branch "string" */
    put_str(&o, "Bob");
    memcpy(b, o.b, o.n);
    return o.n;
}

static size_t encoded(unsigned char *b, size_t cap, int32_t id, const char *const v[]) {
    char err[256];
    sl_avro_encoder_t *e = sl_avro_encoder_new(id, err, sizeof err);
    assert_non_null(e);
    sl_record_t r;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        r.field[i].ptr = v[i];
        r.field[i].len = strlen(v[i]);
    }
    size_t len = 0;
    assert_int_equal(sl_avro_encoder_encode(e, &r, b, cap, &len), SL_REGISTRY_OK);
    sl_avro_encoder_free(e);
    return len;
}

typedef struct {
    sl_registry_decode_result_t res;
    sl_reject_t reject;
    sl_field_t field;
    sl_record_t rec;
    char why[512];
} outcome_t;

static outcome_t run(sl_registry_decode_t *d, const void *msg, size_t len) {
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    outcome_t o;
    memset(&o, 0, sizeof o);
    o.res = sl_registry_decode_message(d, msg, len, &o.rec, scratch, sizeof scratch, &o.reject,
                                       &o.field, o.why, sizeof o.why);
    return o;
}

static void assert_bo(const sl_record_t *r) {
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        assert_int_equal(r->field[i].len, strlen(bo[i]));
        assert_memory_equal(r->field[i].ptr, bo[i], r->field[i].len);
    }
}

static sl_registry_t *client_for(const char *base, unsigned attempts) {
    sl_registry_conf_t c;
    sl_registry_conf_defaults(&c);
    c.url = base;
    c.attempts = attempts;
    c.backoff_base_ms = 1;
    c.backoff_max_ms = 5;
    char err[256];
    sl_registry_t *r = sl_registry_new(&c, err, sizeof err);
    assert_non_null(r);
    return r;
}

enum { R_V1, R_EVOLVED, R_NO_EMAIL, R_PROTO, R_UNKNOWN, R_DOWN, R_AUTH, R_COUNT };

static void init_routes(fake_route_t *routes) {
    memset(routes, 0, R_COUNT * sizeof *routes);
    routes[R_V1] =
        (fake_route_t){.path = "/schemas/ids/5", .body = schema_answer(0, sl_avro_schema())};
    routes[R_EVOLVED] =
        (fake_route_t){.path = "/schemas/ids/6", .body = schema_answer(1, evolved_schema(0))};
    routes[R_NO_EMAIL] =
        (fake_route_t){.path = "/schemas/ids/7", .body = schema_answer(2, evolved_schema(1))};
    routes[R_PROTO] = (fake_route_t){
        .path = "/schemas/ids/8",
        .body = "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"};
    routes[R_UNKNOWN] =
        (fake_route_t){.path = "/schemas/ids/9",
                       .status = 404,
                       .body = "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}"};
    routes[R_DOWN] =
        (fake_route_t){.path = "/schemas/ids/10",
                       .body = schema_answer(3, sl_avro_schema()),
                       .fail_first = 2,
                       .fail_status = 503,
                       .fail_body = "{\"error_code\":50003,\"message\":\"backend down\"}"};
    routes[R_AUTH] = (fake_route_t){.path = "/schemas/ids/11",
                                    .status = 401,
                                    .body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}"};
}

/* A scripted registry with the routes above, a client (one attempt) and a decoder. */
typedef struct {
    fake_route_t routes[R_COUNT];
    fake_registry_t f;
    sl_registry_t *reg;
    sl_registry_decode_t *d;
} fx_t;

/* conf NULL: the defaults, but a 404 believed at once (lost_ids_wait tests the wait). */
static void fx_start(fx_t *x, const sl_registry_decode_conf_t *conf, int down_failures) {
    sl_registry_decode_conf_t def;
    sl_registry_decode_conf_defaults(&def);
    def.lost_wait_ms = 0;
    if (!conf)
        conf = &def;
    init_routes(x->routes);
    x->routes[R_DOWN].fail_first = down_failures;
    assert_int_equal(fake_start(&x->f, x->routes, R_COUNT), 0);
    x->reg = client_for(x->f.base, 1);
    x->d = sl_registry_decode_new(x->reg, conf, NULL, 0);
    assert_non_null(x->d);
}

static void fx_stop(fx_t *x) {
    sl_registry_decode_free(x->d);
    sl_registry_free(x->reg);
    fake_stop(&x->f);
}

static void json_and_avro_told_apart(void **state) {
    (void)state;
    static fx_t x;
    fx_start(&x, NULL, 2);
    fake_route_t *routes = x.routes;
    sl_registry_decode_t *d = x.d;
    assert_non_null(d);

    /* JSON: the same record */
    char json[SL_RECORD_JSON_MAX];
    sl_record_t src;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        src.field[i].ptr = bo[i];
        src.field[i].len = strlen(bo[i]);
    }
    size_t jl = sl_record_to_json(&src, json, sizeof json);
    outcome_t o = run(d, json, jl);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_OK);
    assert_int_equal(o.reject, SL_REJECT_NONE);
    assert_bo(&o.rec);
    o = run(d, "{\"id\":1}", 8);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_REJECT);
    assert_int_equal(o.reject, SL_REJECT_WRONG_TYPE);
    assert_int_equal(o.field, SL_FIELD_ID);
    o = run(d, NULL, 0);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_REJECT);
    assert_int_equal(o.reject, SL_REJECT_NOT_JSON);

    /* Avro, 50 messages of one id: one request */
    unsigned char msg[SL_AVRO_FRAMED_MAX + 64];
    size_t ml = encoded(msg, sizeof msg, 5, bo);
    for (int i = 0; i < 50; i++) {
        o = run(d, msg, ml);
        assert_int_equal(o.res, SL_REGISTRY_DECODE_OK);
        assert_bo(&o.rec);
    }
    assert_int_equal(fake_hits(&routes[R_V1]), 1);
    /* an evolved writer: reordered, an extra optional field */
    ml = evolved_message(msg, 6);
    o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_OK);
    assert_bo(&o.rec);
    sl_registry_decode_stats_t st;
    sl_registry_decode_stats(d, &st);
    assert_int_equal(st.json, 3);
    assert_int_equal(st.avro, 51);
    assert_int_equal(st.fetches, 2);
    assert_int_equal(st.cache_hits, 49);
    assert_int_equal(st.cached, 2);
    assert_int_equal(st.fetch_errors, 0);
    fx_stop(&x);
}

static void avro_rejects(void **state) {
    (void)state;
    static fx_t x;
    fx_start(&x, NULL, 2);
    fake_route_t *routes = x.routes;
    sl_registry_decode_t *d = x.d;
    unsigned char msg[SL_AVRO_FRAMED_MAX + 64];
    outcome_t o;

    /* unknown id: unknown_schema, remembered (one request for three messages) */
    size_t ml = encoded(msg, sizeof msg, 9, bo);
    for (int i = 0; i < 3; i++) {
        o = run(d, msg, ml);
        assert_int_equal(o.res, SL_REGISTRY_DECODE_REJECT);
        assert_int_equal(o.reject, SL_REJECT_UNKNOWN_SCHEMA);
        assert_int_equal(o.field, SL_FIELD_NONE);
        assert_contains(o.why, "Schema 9 not found");
    }
    assert_int_equal(fake_hits(&routes[R_UNKNOWN]), 1);
    /* a writer without a required field, and one that is not Avro: incompatible_schema,
     * remembered */
    ml = encoded(msg, sizeof msg, 7, bo);
    for (int i = 0; i < 2; i++) {
        o = run(d, msg, ml);
        assert_int_equal(o.reject, SL_REJECT_INCOMPATIBLE_SCHEMA);
        assert_contains(o.why, "no field email");
    }
    assert_int_equal(fake_hits(&routes[R_NO_EMAIL]), 1);
    ml = encoded(msg, sizeof msg, 8, bo);
    o = run(d, msg, ml);
    assert_int_equal(o.reject, SL_REJECT_INCOMPATIBLE_SCHEMA);
    /* bytes that do not decode, a header cut short, a negative id (no request) */
    ml = encoded(msg, sizeof msg, 5, bo);
    o = run(d, msg, ml - 1);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_REJECT);
    assert_int_equal(o.reject, SL_REJECT_BAD_AVRO);
    o = run(d, "\0\0\0", 3);
    assert_int_equal(o.reject, SL_REJECT_BAD_AVRO);
    assert_contains(o.why, "header");
    o = run(d, "\0\xff\xff\xff\xff\x02", 6);
    assert_int_equal(o.reject, SL_REJECT_UNKNOWN_SCHEMA);
    /* validation after Avro decoding */
    const char *v[SL_FIELD_COUNT];
    memcpy(v, bo, sizeof v);
    v[SL_FIELD_EMAIL] = "nobody";
    ml = encoded(msg, sizeof msg, 5, v);
    o = run(d, msg, ml);
    assert_int_equal(o.reject, SL_REJECT_BAD_EMAIL);
    assert_int_equal(o.field, SL_FIELD_EMAIL);
    fx_stop(&x);
}

static void unknown_ids_asked_again_after_ttl(void **state) {
    (void)state;
    static fx_t x;
    sl_registry_decode_conf_t c = {.cache_max = 4, .unknown_ttl_ms = 0};
    fx_start(&x, &c, 2);
    fake_route_t *routes = x.routes;
    sl_registry_decode_t *d = x.d;
    unsigned char msg[SL_AVRO_FRAMED_MAX];
    size_t ml = encoded(msg, sizeof msg, 9, bo);
    for (int i = 0; i < 3; i++)
        assert_int_equal(run(d, msg, ml).reject, SL_REJECT_UNKNOWN_SCHEMA);
    assert_int_equal(fake_hits(&routes[R_UNKNOWN]), 3);
    fx_stop(&x);
}

static void registry_trouble_waits_or_stops(void **state) {
    (void)state;
    static fx_t x;
    fx_start(&x, NULL, 2);
    sl_registry_decode_t *d = x.d;
    sl_registry_t *reg;
    unsigned char msg[SL_AVRO_FRAMED_MAX];
    /* 503 twice: wait, wait (nothing cached, nothing rejected), then the record */
    size_t ml = encoded(msg, sizeof msg, 10, bo);
    for (int i = 0; i < 2; i++) {
        outcome_t o = run(d, msg, ml);
        assert_int_equal(o.res, SL_REGISTRY_DECODE_WAIT);
        assert_int_equal(o.reject, SL_REJECT_NONE);
        assert_contains(o.why, "backend down");
    }
    outcome_t o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_OK);
    assert_bo(&o.rec);
    /* credentials refused: fatal */
    ml = encoded(msg, sizeof msg, 11, bo);
    o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_FATAL);
    assert_contains(o.why, "Unauthorized");
    sl_registry_decode_stats_t st;
    sl_registry_decode_stats(d, &st);
    assert_int_equal(st.fetch_errors, 3);
    sl_registry_decode_free(d);
    sl_registry_free(x.reg);
    /* the registry gone: wait; cached ids still decode */
    reg = client_for(x.f.base, 1);
    d = sl_registry_decode_new(reg, NULL, NULL, 0);
    ml = encoded(msg, sizeof msg, 5, bo);
    assert_int_equal(run(d, msg, ml).res, SL_REGISTRY_DECODE_OK);
    fake_stop(&x.f);
    assert_int_equal(run(d, msg, ml).res, SL_REGISTRY_DECODE_OK);
    ml = encoded(msg, sizeof msg, 6, bo);
    o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_WAIT);
    assert_true(strlen(o.why) > 10);
    sl_registry_decode_free(d);
    sl_registry_free(reg);
}

static void no_registry_configured(void **state) {
    (void)state;
    sl_registry_decode_t *d = sl_registry_decode_new(NULL, NULL, NULL, 0);
    unsigned char msg[SL_AVRO_FRAMED_MAX];
    size_t ml = encoded(msg, sizeof msg, 5, bo);
    outcome_t o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_FATAL);
    assert_contains(o.why, "no schema registry");
    assert_string_equal(sl_registry_decode_result_name(o.res), "fatal");
    sl_registry_decode_free(d);
    sl_registry_decode_free(NULL);
}

static void cache_evicts_least_recently_used(void **state) {
    (void)state;
    static fx_t x;
    sl_registry_decode_conf_t c = {.cache_max = 2, .unknown_ttl_ms = 60000};
    fx_start(&x, &c, 0);
    fake_route_t *routes = x.routes;
    sl_registry_decode_t *d = x.d;
    unsigned char m5[SL_AVRO_FRAMED_MAX], m6[SL_AVRO_FRAMED_MAX + 64], m10[SL_AVRO_FRAMED_MAX];
    size_t l5 = encoded(m5, sizeof m5, 5, bo), l6 = evolved_message(m6, 6),
           l10 = encoded(m10, sizeof m10, 10, bo);
    assert_int_equal(run(d, m5, l5).res, SL_REGISTRY_DECODE_OK);
    assert_int_equal(run(d, m6, l6).res, SL_REGISTRY_DECODE_OK);
    assert_int_equal(run(d, m5, l5).res, SL_REGISTRY_DECODE_OK);   /* 6 is now the oldest */
    assert_int_equal(run(d, m10, l10).res, SL_REGISTRY_DECODE_OK); /* evicts 6 */
    assert_int_equal(run(d, m5, l5).res, SL_REGISTRY_DECODE_OK);   /* still cached */
    assert_int_equal(fake_hits(&routes[R_V1]), 1);
    assert_int_equal(run(d, m6, l6).res, SL_REGISTRY_DECODE_OK); /* fetched again */
    assert_int_equal(fake_hits(&routes[R_EVOLVED]), 2);
    sl_registry_decode_stats_t st;
    sl_registry_decode_stats(d, &st);
    assert_int_equal(st.evictions, 2);
    assert_int_equal(st.cached, 2);
    fx_stop(&x);
}

/* A registry that restarted empty: a 404 is not believed for lost_wait_ms from the id's
 * first 404 (WAIT: nothing dead-lettered), then the id is unknown_schema, and its next 404s
 * are believed at once; an id registered again within the wait is decoded, whether this
 * decoder resolved it before (here evicted from a one-entry cache) or never. */
static void lost_ids_wait(void **state) {
    (void)state;
    static fx_t x;
    sl_registry_decode_conf_t c = {.cache_max = 1, .unknown_ttl_ms = 0, .lost_wait_ms = 300};
    fx_start(&x, &c, 0);
    fake_route_t *routes = x.routes;
    sl_registry_decode_t *d = x.d;
    unsigned char msg[SL_AVRO_FRAMED_MAX];
    /* never known: waits, then unknown_schema after lost_wait_ms, then at once */
    size_t ml = encoded(msg, sizeof msg, 9, bo);
    int64_t t0 = sl_now_ms();
    outcome_t o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_WAIT);
    assert_int_equal(o.reject, SL_REJECT_NONE);
    assert_contains(o.why, "Schema 9 not found");
    assert_contains(o.why, "restarted empty");
    while ((o = run(d, msg, ml)).res == SL_REGISTRY_DECODE_WAIT)
        assert_true(sl_now_ms() - t0 < 10000);
    assert_true(sl_now_ms() - t0 >= 300);
    assert_int_equal(o.reject, SL_REJECT_UNKNOWN_SCHEMA);
    assert_int_equal(run(d, msg, ml).reject, SL_REJECT_UNKNOWN_SCHEMA);
    /* id 5 resolved, evicted by id 6, then lost: waits; registered again: decoded */
    ml = encoded(msg, sizeof msg, 5, bo);
    assert_int_equal(run(d, msg, ml).res, SL_REGISTRY_DECODE_OK);
    size_t ml6 = encoded(msg, sizeof msg, 6, bo); /* its entry takes the one slot */
    assert_int_not_equal(run(d, msg, ml6).res, SL_REGISTRY_DECODE_WAIT);
    routes[R_V1].status = 404;
    routes[R_V1].body = "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}";
    ml = encoded(msg, sizeof msg, 5, bo);
    o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_WAIT);
    assert_contains(o.why, "resolved before");
    routes[R_V1].status = 0;
    routes[R_V1].body = schema_answer(0, sl_avro_schema());
    o = run(d, msg, ml);
    assert_int_equal(o.res, SL_REGISTRY_DECODE_OK);
    assert_bo(&o.rec);
    sl_registry_decode_stats_t st;
    sl_registry_decode_stats(d, &st);
    assert_true(st.lost_waits >= 2);
    fx_stop(&x);
}

TEST_MAIN(http_client_up, http_client_down, cmocka_unit_test(json_and_avro_told_apart),
          cmocka_unit_test(avro_rejects), cmocka_unit_test(unknown_ids_asked_again_after_ttl),
          cmocka_unit_test(registry_trouble_waits_or_stops),
          cmocka_unit_test(no_registry_configured),
          cmocka_unit_test(cache_evicts_least_recently_used), cmocka_unit_test(lost_ids_wait))
