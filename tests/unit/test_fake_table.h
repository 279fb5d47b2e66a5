/* The users table on a fake Cassandra node (test_cql_fake.h), for the tests of the writer and
 * the processor: it answers the writer's PREPARE, stores each EXECUTE of the INSERT (id,
 * first name and the write's timestamp, in arrival order) and fails them on demand; plus the test
 * records it expects, row i having a known id and first name. One node per test binary: `srv`. */
#ifndef TEST_FAKE_TABLE_H
#define TEST_FAKE_TABLE_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cql.h"
#include "sl_record.h"
#include "sl_record_json.h"
#include "test_cql_fake.h"

#define MAX_ROWS 2048

/* What the fake node stored (an EXECUTE answered without error) and how it misbehaves. */
typedef struct {
    fake_node_t fake;
    int n_rows;
    struct {
        uint8_t id[16];
        char first_name[64];
        uint32_t text_hash; /* text_hash() of the eleven text values */
        int64_t timestamp;  /* the INSERT's USING TIMESTAMP, µs */
    } rows[MAX_ROWS];
    int prepare_params; /* bind markers in the PREPARE answer */
    uint32_t fail_code; /* while non-zero, EXECUTEs of fail_id (all if fail_any) fail so */
    int fail_any;
    uint8_t fail_id[16];
    int failed; /* EXECUTEs answered with fail_code */
} srv_t;

static srv_t srv;

/* FNV-1a over the text values (fields 1..SL_FIELD_COUNT-1), each with its length: the fake
 * stores it so that a test can compare every field it bound, not only the first name. */
static inline uint32_t text_hash(const uint8_t *const *vals, const int32_t *lens) {
    uint32_t h = 2166136261u;
    for (int i = 1; i < SL_FIELD_COUNT; i++) {
        uint32_t n = lens[i] > 0 ? (uint32_t)lens[i] : 0;
        for (int b = 0; b < 4; b++)
            h = (h ^ ((n >> (8 * b)) & 0xff)) * 16777619u;
        for (uint32_t k = 0; k < n; k++)
            h = (h ^ vals[i][k]) * 16777619u;
    }
    return h;
}

/* text_hash() of a record's fields, as the writer should bind them. */
static inline uint32_t record_text_hash(const sl_record_t *rec) {
    const uint8_t *vals[SL_FIELD_COUNT];
    int32_t lens[SL_FIELD_COUNT];
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        vals[i] = (const uint8_t *)rec->field[i].ptr;
        lens[i] = (int32_t)rec->field[i].len;
    }
    return text_hash(vals, lens);
}

static inline int fake_table_request(fake_node_t *f, uint8_t op, const uint8_t *body, size_t len,
                                     tb_t *t) {
    srv_t *s = (srv_t *)f;
    if (op == CQL_OP_PREPARE) {
        static const char *names[SL_FIELD_COUNT + 1];
        static uint16_t types[SL_FIELD_COUNT + 1];
        for (int i = 0; i < SL_FIELD_COUNT; i++) {
            names[i] = sl_field_name((sl_field_t)i);
            types[i] = i == 0 ? CQL_TYPE_UUID : CQL_TYPE_VARCHAR;
        }
        names[SL_FIELD_COUNT] = "[timestamp]";
        types[SL_FIELD_COUNT] = CQL_TYPE_BIGINT;
        fake_prepared(t, "ins", s->prepare_params, names, types);
        return CQL_OP_RESULT;
    }
    if (op != CQL_OP_EXECUTE)
        return FAKE_REPLY_DEFAULT;
    const uint8_t *vals[SL_FIELD_COUNT + 1];
    int32_t lens[SL_FIELD_COUNT + 1];
    if (fake_execute_values(body, len, vals, lens, SL_FIELD_COUNT + 1) != SL_FIELD_COUNT + 1 ||
        lens[0] != 16 || lens[SL_FIELD_COUNT] != 8)
        return FAKE_REPLY_CLOSE;
    pthread_mutex_lock(&f->mu);
    int fail = s->fail_code && (s->fail_any || memcmp(vals[0], s->fail_id, 16) == 0);
    if (fail) {
        s->failed++;
        fake_error(t, s->fail_code,
                   s->fail_code == 0x2200 ? "unconfigured table created_users"
                                          : "injected by the test");
    } else if (s->n_rows < MAX_ROWS) {
        memcpy(s->rows[s->n_rows].id, vals[0], 16);
        snprintf(s->rows[s->n_rows].first_name, sizeof s->rows[0].first_name, "%.*s",
                 lens[1] > 0 ? (int)lens[1] : 0, (const char *)vals[1]);
        s->rows[s->n_rows].text_hash = text_hash(vals, lens);
        s->rows[s->n_rows].timestamp = (int64_t)cql_rd_u64p(vals[SL_FIELD_COUNT]);
        s->n_rows++;
        tb_u32(t, CQL_RESULT_VOID);
    }
    pthread_mutex_unlock(&f->mu);
    return fail ? CQL_OP_ERROR : CQL_OP_RESULT;
}

/* ---- records ------------------------------------------------------------------------ */

/* Test row i: id 00000000-0000-4000-8000-<i, 12 digits>, first name user-<i>, the other
 * fields fixed (make_row_long: an address of address_len bytes instead, up to
 * SL_RECORD_FIELD_MAX). rec is decoded from its Kafka JSON (sl_record_from_json), so it is
 * what the processor would see; its views point into scratch. */
typedef struct {
    char id[40];
    char first_name[32];
    char scratch[SL_RECORD_SCRATCH_SIZE];
    sl_record_t rec;
} row_t;

static inline void make_row_long(row_t *r, int i, size_t address_len) {
    char json[2048], address[SL_RECORD_FIELD_MAX + 1] = "8929 Valwood Pkwy, Billings";
    if (address_len > 0 && address_len < sizeof address) {
        for (size_t k = 0; k < address_len; k++)
            address[k] = (char)('a' + (k + (size_t)i) % 26);
        address[address_len] = '\0';
    }
    snprintf(r->id, sizeof r->id, "00000000-0000-4000-8000-%012d", i);
    snprintf(r->first_name, sizeof r->first_name, "user-%d", i);
    int n = snprintf(json, sizeof json,
                     "{\"id\":\"%s\",\"first_name\":\"%s\",\"last_name\":\"Nichols\","
                     "\"gender\":\"female\",\"address\":\"%s\","
                     "\"post_code\":\"63104\",\"email\":\"jennie.nichols@example.com\","
                     "\"username\":\"yellowpeacock117\",\"dob\":\"1992-03-08T15:13:16.688Z\","
                     "\"registered_date\":\"2007-07-09T05:51:59.390Z\","
                     "\"phone\":\"(272) 790-0888\",\"picture\":\"https://example.com/75.jpg\"}",
                     r->id, r->first_name, address);
    sl_field_t field;
    if (sl_record_from_json(json, (size_t)n, &r->rec, r->scratch, sizeof r->scratch, &field) !=
        SL_REJECT_NONE)
        memset(&r->rec, 0, sizeof r->rec); /* cannot happen: the writer tests would fail */
}

static inline void make_row(row_t *r, int i) {
    make_row_long(r, i, 0);
}

static inline void id_bytes(int i, uint8_t out[16]) {
    row_t r;
    make_row(&r, i);
    if (cql_uuid_parse(r.id, out) != 0)
        memset(out, 0, 16);
}

/* How many times the fake stored row i. */
static inline int stored(int i) {
    uint8_t id[16];
    id_bytes(i, id);
    int n = 0;
    pthread_mutex_lock(&srv.fake.mu);
    for (int k = 0; k < srv.n_rows; k++)
        n += memcmp(srv.rows[k].id, id, 16) == 0;
    pthread_mutex_unlock(&srv.fake.mu);
    return n;
}

/* A fresh node on a free port, answering for the table; 0 or -1. */
static inline int fake_table_start(void) {
    memset(&srv, 0, sizeof srv);
    if (fake_node_init(&srv.fake, "0", fake_table_request, NULL) != 0)
        return -1;
    srv.prepare_params = SL_FIELD_COUNT + 1;
    fake_node_start(&srv.fake);
    return 0;
}

/* A session on the node, connected; NULL on failure. */
static inline cql_session_t *fake_table_session(void) {
    cql_conf_t *conf = cql_conf_new();
    cql_session_t *s = NULL;
    char cp[64], err[256];
    fake_node_address(&srv.fake, cp, sizeof cp);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "reconnect_base_ms", "20", NULL, 0);
    cql_conf_set(conf, "reconnect_max_ms", "100", NULL, 0);
    /* Writes may wait at the node for as long as a test holds them (a rebalance takes a
     * while): fewer client-side timeouts and retries, though a test must not count on none. */
    cql_conf_set(conf, "request_timeout_ms", "120000", NULL, 0);
    if (cql_session_new(conf, &s, err, sizeof err) != CQL_OK ||
        cql_session_connect_wait(s, 10000, err, sizeof err) != CQL_OK) {
        fprintf(stderr, "fake table session: %s\n", err);
        cql_session_free(s);
        return NULL;
    }
    return s;
}

/* Rows the node stored. */
static inline int fake_table_rows(void) {
    pthread_mutex_lock(&srv.fake.mu);
    int n = srv.n_rows;
    pthread_mutex_unlock(&srv.fake.mu);
    return n;
}

#endif
