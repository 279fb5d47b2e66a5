/* Integration: the client's Murmur3 token equals Cassandra's token() for 10,000 text
 * keys (lengths 0..40, many with bytes >= 0x80 in the hashed tail, which exercises
 * Cassandra's sign extension) and 10,000 uuid keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "test_cql_it.h"

#define KS "sluice_test_cql_token"
#define N_KEYS 10000

IT_GROUP_FIXTURE(KS, "CREATE TABLE IF NOT EXISTS " KS ".tk (k text PRIMARY KEY)",
                 "CREATE TABLE IF NOT EXISTS " KS ".uk (k uuid PRIMARY KEY)")

/* Deterministic key i: a mix of ASCII and two-byte UTF-8 characters. */
static size_t make_key(int i, char *out) {
    uint32_t x = (uint32_t)i * 2654435761u + 12345u;
    size_t len = (size_t)(i % 41), n = 0;
    while (n < len) {
        x = x * 1103515245u + 12345u;
        if ((x >> 16) % 3 == 0 && n + 2 <= len) {
            out[n++] = (char)0xc3; /* U+00C0..U+00FF */
            out[n++] = (char)(0x80 + (x >> 8) % 0x40);
        } else {
            out[n++] = (char)('a' + (x >> 8) % 26);
        }
    }
    /* the running counter keeps keys distinct */
    n += (size_t)snprintf(out + n, 16, "%d", i);
    return n;
}

static void make_uuid(int i, uint8_t u[16]) {
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ULL + 1;
    for (int j = 0; j < 16; j++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        u[j] = (uint8_t)x;
    }
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

static void bind_key(cql_stmt_t *st, int i, void *ctx) {
    if (*(const bool *)ctx) {
        char k[64];
        size_t n = make_key(i, k);
        cql_stmt_bind_text_n(st, 0, k, n);
    } else {
        uint8_t u[16];
        make_uuid(i, u);
        cql_stmt_bind_uuid(st, 0, u);
    }
}

typedef struct {
    bool text;
    size_t rows, mismatches, high_tail;
} tally_t;

/* The client's token of the key against Cassandra's token(k). */
static void check_token(const cql_result_t *r, void *ctx) {
    tally_t *t = ctx;
    cql_value_t kv, tv;
    const uint8_t *k;
    size_t n;
    int64_t tok;
    cql_result_column(r, 0, &kv);
    cql_result_column(r, 1, &tv);
    if (t->text) {
        assert_int_equal(cql_value_get_bytes(&kv, &k, &n), CQL_OK);
    } else {
        k = kv.data;
        n = (size_t)kv.size;
        assert_int_equal(n, 16);
    }
    assert_int_equal(cql_value_get_int64(&tv, &tok), CQL_OK);
    if (cql_murmur3_token(k, n) != tok)
        t->mismatches++;
    for (size_t j = n & ~(size_t)15; j < n; j++)
        if (k[j] >= 0x80) {
            t->high_tail++;
            break;
        }
    t->rows++;
}

static void check_table(const char *table, bool text) {
    char q[256];
    snprintf(q, sizeof q, "INSERT INTO " KS ".%s (k) VALUES (?)", table);
    cql_prepared_t *p = it_prepare(sess, q);
    assert_non_null(p);
    cql_stmt_t *ins = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    assert_int_equal(it_write_rows(sess, ins, 0, N_KEYS, bind_key, &text), 0);
    cql_stmt_free(ins);

    snprintf(q, sizeof q, "SELECT k, token(k) FROM " KS ".%s", table);
    cql_stmt_t *sel = cql_stmt_new(q, 0);
    tally_t t = {.text = text};
    assert_true(it_scan(sess, sel, 2000, check_token, &t) > 0);
    cql_stmt_free(sel);
    fprintf(stderr, "%s: %zu keys, %zu with a byte >= 0x80 in the tail, %zu mismatches\n", table,
            t.rows, t.high_tail, t.mismatches);
    assert_int_equal(t.rows, N_KEYS);
    assert_int_equal(t.mismatches, 0);
    if (text)
        assert_true(t.high_tail > N_KEYS / 4);
}

static void test_text_keys(void **state) {
    (void)state;
    check_table("tk", true);
}

static void test_uuid_keys(void **state) {
    (void)state;
    check_table("uk", false);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_text_keys), cmocka_unit_test(test_uuid_keys))
