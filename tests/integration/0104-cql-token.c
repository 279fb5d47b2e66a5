/* Integration: the client's Murmur3 token equals Cassandra's token() for 10,000 text
 * keys (lengths 0..40, many with bytes >= 0x80 in the hashed tail, which exercises
 * Cassandra's sign extension) and 10,000 uuid keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_cql_it.h"

#define KS "sluice_test_cql_token"
#define N_KEYS 10000

static cql_session_t *sess;

static int setup(void **state) {
    (void)state;
    sess = it_session(NULL);
    if (!sess || it_keyspace(sess, KS) ||
        it_exec(sess, "CREATE TABLE " KS ".tk (k text PRIMARY KEY)") ||
        it_exec(sess, "CREATE TABLE " KS ".uk (k uuid PRIMARY KEY)"))
        return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    if (sess)
        it_exec(sess, "DROP KEYSPACE IF EXISTS " KS);
    cql_session_free(sess);
    return 0;
}

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

static void check_table(const char *table, bool text) {
    char q[256];
    snprintf(q, sizeof q, "INSERT INTO " KS ".%s (k) VALUES (?)", table);
    cql_prepared_t *p = it_prepare(sess, q);
    assert_non_null(p);
    cql_stmt_t *ins = cql_stmt_new_prepared(p);
    cql_prepared_free(p);
    it_window_t w = {.n = 0};
    for (int i = 0; i < N_KEYS; i++) {
        cql_stmt_reset(ins);
        if (text) {
            char k[64];
            size_t n = make_key(i, k);
            cql_stmt_bind_text_n(ins, 0, k, n);
        } else {
            uint8_t u[16];
            make_uuid(i, u);
            cql_stmt_bind_uuid(ins, 0, u);
        }
        it_window_submit(sess, &w, ins);
    }
    it_window_drain(sess, &w, 0);
    cql_stmt_free(ins);
    assert_int_equal(w.failed, 0);

    snprintf(q, sizeof q, "SELECT k, token(k) FROM " KS ".%s", table);
    cql_stmt_t *sel = cql_stmt_new(q, 0);
    cql_stmt_set_page_size(sel, 2000);
    size_t rows = 0, mismatches = 0, high_tail = 0;
    for (;;) {
        cql_result_t *r;
        assert_int_equal(it_run(sess, sel, &r), CQL_OK);
        while (cql_result_next_row(r, NULL)) {
            cql_value_t kv, tv;
            const uint8_t *k;
            size_t n;
            int64_t tok;
            cql_result_column(r, 0, &kv);
            cql_result_column(r, 1, &tv);
            if (text) {
                assert_int_equal(cql_value_get_bytes(&kv, &k, &n), CQL_OK);
            } else {
                k = kv.data;
                n = (size_t)kv.size;
                assert_int_equal(n, 16);
            }
            assert_int_equal(cql_value_get_int64(&tv, &tok), CQL_OK);
            if (cql_murmur3_token(k, n) != tok)
                mismatches++;
            for (size_t j = n & ~(size_t)15; j < n; j++)
                if (k[j] >= 0x80) {
                    high_tail++;
                    break;
                }
            rows++;
        }
        size_t ps_n;
        const uint8_t *ps = cql_result_paging_state(r, &ps_n);
        if (ps)
            cql_stmt_set_paging_state(sel, ps, ps_n);
        cql_result_free(r);
        if (!ps)
            break;
    }
    cql_stmt_free(sel);
    fprintf(stderr, "%s: %zu keys, %zu with a byte >= 0x80 in the tail, %zu mismatches\n", table,
            rows, high_tail, mismatches);
    assert_int_equal(rows, N_KEYS);
    assert_int_equal(mismatches, 0);
    if (text)
        assert_true(high_tail > N_KEYS / 4);
}

static void test_text_keys(void **state) {
    (void)state;
    check_table("tk", true);
}

static void test_uuid_keys(void **state) {
    (void)state;
    check_table("uk", false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_keys),
        cmocka_unit_test(test_uuid_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
