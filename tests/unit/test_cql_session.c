/* Unit tests for cql_session against a fake two-node cluster (in-process servers on
 * loopback, one thread per connection): discovery through system.peers_v2, round
 * robin, token-aware routing on the ring the nodes report, retries on the other node
 * only for idempotent statements, and the schema agreement wait after DDL. */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "test_cql_fake.h"

#define MAX_KEYS 512

/* A fake node (test_cql_fake.h) and what this test has it see and do. */
typedef struct {
    fake_node_t fake; /* first: the handler's node is this struct */
    /* what the node saw */
    int rr, fails, agreement_polls, ddls;
    int keys[MAX_KEYS];
    int n_keys;
    /* behaviour */
    int disagree_polls; /* report an old schema version of its own this many times */
    int require_auth;   /* answer STARTUP with AUTHENTICATE */
    int startups;       /* STARTUP requests seen */
} node_t;

static const uint8_t V2[16] = {2, 2, 2, 2, 2, 2, 0x12, 2, 0x82, 2, 2, 2, 2, 2, 2, 2};

static int reply_query(node_t *n, const char *query, tb_t *t) {
    pthread_mutex_t *mu = &n->fake.mu;
    if (strstr(query, "schema_version FROM system.peers")) {
        /* a stale peers table: agreement must not read it */
        fake_rows_header(t, 1);
        tb_str(t, "schema_version");
        tb_u16(t, CQL_TYPE_UUID);
        tb_u32(t, 1);
        tb_bytes(t, V2, 16);
    } else if (strstr(query, "SELECT schema_version FROM system.local")) {
        pthread_mutex_lock(mu);
        n->agreement_polls++;
        bool differ = n->disagree_polls > 0;
        if (differ && n->disagree_polls < 1000)
            n->disagree_polls--;
        pthread_mutex_unlock(mu);
        fake_rows_header(t, 1);
        tb_str(t, "schema_version");
        tb_u16(t, CQL_TYPE_UUID);
        tb_u32(t, 1);
        tb_bytes(t, differ ? V2 : FAKE_SCHEMA_V1, 16);
    } else if (strstr(query, "CREATE TABLE")) {
        pthread_mutex_lock(mu);
        n->ddls++;
        pthread_mutex_unlock(mu);
        tb_u32(t, CQL_RESULT_SCHEMA_CHANGE);
        tb_str(t, "CREATED");
        tb_str(t, "TABLE");
        tb_str(t, "ks");
        tb_str(t, "x");
    } else if (strstr(query, "SYNTAX")) {
        fake_error(t, 0x2000, "line 1:0 no viable alternative at input 'SYNTAX'");
        return CQL_OP_ERROR;
    } else if (strstr(query, "FAIL") && n->fake.token[0] == '0') {
        /* only the node owning token 0 fails: the other one would succeed */
        pthread_mutex_lock(mu);
        n->fails++;
        pthread_mutex_unlock(mu);
        fake_error(t, 0x1100, "Operation timed out");
        return CQL_OP_ERROR;
    } else {
        pthread_mutex_lock(mu);
        n->rr++;
        pthread_mutex_unlock(mu);
        tb_u32(t, CQL_RESULT_VOID);
    }
    return CQL_OP_RESULT;
}

static int handle(fake_node_t *f, uint8_t op, const uint8_t *body, size_t len, tb_t *t) {
    node_t *n = (node_t *)f;
    char query[512];
    switch (op) {
    case CQL_OP_STARTUP:
        pthread_mutex_lock(&f->mu);
        n->startups++;
        pthread_mutex_unlock(&f->mu);
        if (!n->require_auth)
            return FAKE_REPLY_DEFAULT;
        tb_pack(t, "s", "org.apache.cassandra.auth.PasswordAuthenticator");
        return CQL_OP_AUTHENTICATE;
    case CQL_OP_QUERY:
        fake_query_text(body, len, query, sizeof query);
        return strstr(query, "tokens") ? FAKE_REPLY_DEFAULT : reply_query(n, query, t);
    case CQL_OP_PREPARE: fake_prepared_k(t); return CQL_OP_RESULT;
    case CQL_OP_EXECUTE:
        pthread_mutex_lock(&f->mu);
        if (n->n_keys < MAX_KEYS)
            n->keys[n->n_keys++] = (int32_t)cql_rd_u32p(body + len - 4);
        pthread_mutex_unlock(&f->mu);
        tb_u32(t, CQL_RESULT_VOID);
        return CQL_OP_RESULT;
    default: return FAKE_REPLY_DEFAULT;
    }
}

static node_t A, B;
static cql_session_t *sess;

/* A owns token 0, B owns 2^62: B gets (0, 2^62], A the rest. */
#define TOKEN_B 4611686018427387904LL

static int setup(void **state) {
    (void)state;
    if (fake_node_init(&A.fake, "0", handle, NULL) != 0 ||
        fake_node_init(&B.fake, "4611686018427387904", handle, NULL) != 0)
        return -1;
    A.fake.peer = &B.fake;
    B.fake.peer = &A.fake;
    fake_node_start(&A.fake);
    fake_node_start(&B.fake);
    cql_conf_t *conf = cql_conf_new();
    char cp[64];
    fake_node_address(&A.fake, cp, sizeof cp);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "schema_agreement_timeout_ms", "5000", NULL, 0);
    char err[256];
    if (cql_session_new(conf, &sess, err, sizeof err) != CQL_OK)
        return -1;
    if (cql_session_connect_wait(sess, 5000, err, sizeof err) != CQL_OK)
        return -1;
    for (int i = 0; i < 500 && cql_session_hosts_up(sess) < 2; i++)
        cql_session_poll(sess, 10);
    return cql_session_hosts_up(sess) == 2 ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cql_session_free(sess);
    fake_node_stop(&A.fake);
    fake_node_stop(&B.fake);
    return 0;
}

static cql_err_t run(cql_stmt_t *st) {
    char err[256];
    return cql_session_execute(sess, st, 5000, NULL, err, sizeof err);
}

static void test_discovery(void **state) {
    (void)state;
    assert_int_equal(cql_session_host_count(sess), 2);
    assert_int_equal(cql_session_hosts_up(sess), 2);
}

static void test_round_robin(void **state) {
    (void)state;
    int a0 = A.rr, b0 = B.rr;
    cql_stmt_t *st = cql_stmt_new("INSERT RR", 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(run(st), CQL_OK);
    cql_stmt_free(st);
    assert_int_equal(A.rr - a0, 5);
    assert_int_equal(B.rr - b0, 5);
}

static void test_token_aware(void **state) {
    (void)state;
    cql_stmt_t *st = tu_prepare(sess, "INSERT INTO t (k) VALUES (?)");
    A.n_keys = B.n_keys = 0;
    int want_a = 0, want_b = 0;
    for (int k = 0; k < 200; k++) {
        cql_stmt_reset(st);
        cql_stmt_bind_int32(st, 0, k);
        assert_int_equal(run(st), CQL_OK);
        uint8_t key[4];
        cql_wr_u32(key, (uint32_t)k);
        int64_t t = cql_murmur3_token(key, 4);
        bool on_b = t > 0 && t <= TOKEN_B;
        node_t *n = on_b ? &B : &A;
        int *cnt = on_b ? &want_b : &want_a;
        assert_int_equal(n->keys[(*cnt)++], k);
    }
    cql_stmt_free(st);
    assert_int_equal(A.n_keys, want_a);
    assert_int_equal(B.n_keys, want_b);
    assert_true(want_a > 0 && want_b > 0);
}

static void test_idempotent_retry(void **state) {
    (void)state;
    /* a routing key whose token A owns: int 1 hashes to a negative token */
    uint8_t key[4] = {0, 0, 0, 1};
    assert_true(cql_murmur3_token(key, 4) < 0);
    cql_stmt_t *st = cql_stmt_new("UPDATE FAIL", 0);
    cql_stmt_set_routing_key(st, key, 4);
    int fails0 = A.fails, b0 = B.rr;
    assert_int_equal(run(st), CQL_ERR_WRITE_TIMEOUT); /* not idempotent: no retry */
    assert_int_equal(A.fails - fails0, 1);
    assert_int_equal(B.rr - b0, 0);
    cql_stmt_set_idempotent(st, true);
    assert_int_equal(run(st), CQL_OK); /* retried on B */
    assert_int_equal(A.fails - fails0, 2);
    assert_int_equal(B.rr - b0, 1);
    cql_stmt_free(st);
}

static void test_schema_agreement(void **state) {
    (void)state;
    /* one node still reports the old version three times, then agreement; twice, so that
     * the DDL runs once on each node: every node is asked for its own version each poll
     * (its peers table may be stale: the fake's answers a version that never agrees) */
    cql_stmt_t *st = cql_stmt_new("CREATE TABLE ks.x (k int PRIMARY KEY)", 0);
    for (int i = 0; i < 2; i++) {
        node_t *behind = i ? &A : &B;
        behind->disagree_polls = 3;
        int pa = A.agreement_polls, pb = B.agreement_polls, da = A.ddls, db = B.ddls;
        cql_future_t *f;
        assert_int_equal(cql_session_query(sess, st, &f), CQL_OK);
        assert_int_equal(cql_future_wait(f, 10000), CQL_OK);
        const char *target;
        assert_string_equal(cql_result_schema_change(cql_future_result(f), &target, NULL),
                            "CREATED");
        cql_future_free(f);
        assert_int_equal((A.ddls - da) + (B.ddls - db), 1);
        assert_int_equal(behind->disagree_polls, 0);
        assert_int_equal(A.agreement_polls - pa, 4);
        assert_int_equal(B.agreement_polls - pb, 4);
    }

    /* a peer that never agrees: the DDL's future fails after the configured wait */
    A.disagree_polls = 1000000;
    assert_int_equal(cql_session_wait_schema_agreement(sess, 300), CQL_ERR_SCHEMA_DISAGREEMENT);
    A.disagree_polls = B.disagree_polls = 0;
    assert_int_equal(cql_session_wait_schema_agreement(sess, 3000), CQL_OK);
    cql_stmt_free(st);
}

static int completed;
static void on_done(cql_future_t *f, void *opaque) {
    (void)opaque;
    if (cql_future_error(f) == CQL_OK)
        completed++;
    cql_future_free(f); /* freeing inside the callback is allowed */
}

/* Submits n INSERTs, each completing through on_done; completed starts again at 0. */
static void submit_inserts(int n) {
    cql_stmt_t *st = cql_stmt_new("INSERT RR", 0);
    completed = 0;
    for (int i = 0; i < n; i++) {
        cql_future_t *f;
        assert_int_equal(cql_session_query(sess, st, &f), CQL_OK);
        cql_future_set_callback(f, on_done, NULL);
    }
    cql_stmt_free(st);
}

/* The session as one fd in a caller's poll loop, completions by callback. */
static void test_external_event_loop(void **state) {
    (void)state;
    submit_inserts(50);
    struct pollfd pfd = {.fd = cql_session_fd(sess), .events = POLLIN};
    for (int i = 0; i < 1000 && completed < 50; i++) {
        int64_t t = cql_session_timeout_ms(sess);
        poll(&pfd, 1, t < 0 || t > 100 ? 100 : (int)t);
        assert_int_equal(cql_session_step(sess), CQL_OK);
    }
    assert_int_equal(completed, 50);
}

/* A caller's own loop that flushes before it waits: the requests of a turn wait for the
 * flush (the timeout says 0 until then), the flush alone writes them, and the fd then
 * turns readable only when answers came (no step in between). */
static void test_flush_before_wait(void **state) {
    (void)state;
    submit_inserts(20);
    assert_int_equal(cql_session_timeout_ms(sess), 0);
    cql_session_flush(sess);
    assert_true(cql_session_timeout_ms(sess) > 0); /* the requests' deadline now */
    struct pollfd pfd = {.fd = cql_session_fd(sess), .events = POLLIN};
    for (int i = 0; i < 500 && completed < 20; i++) {
        cql_session_flush(sess);
        if (poll(&pfd, 1, 100) > 0)
            assert_int_equal(cql_session_step(sess), CQL_OK);
    }
    assert_int_equal(completed, 20);
}

/* The blocking call: a result the caller owns, or the error with the server's message. */
static void test_execute(void **state) {
    (void)state;
    char err[256] = "";
    cql_result_t *r = NULL;
    cql_stmt_t *st = cql_stmt_new("SELECT schema_version FROM system.local", 0);
    assert_int_equal(cql_session_execute(sess, st, 5000, &r, err, sizeof err), CQL_OK);
    cql_stmt_free(st);
    assert_non_null(r);
    cql_err_t rerr = CQL_OK;
    assert_true(cql_result_next_row(r, &rerr));
    cql_value_t v;
    assert_int_equal(cql_result_column(r, 0, &v), CQL_OK);
    assert_int_equal(v.size, 16);
    assert_memory_equal(v.data, FAKE_SCHEMA_V1, 16);
    assert_false(cql_result_next_row(r, &rerr));
    cql_result_free(r);

    st = cql_stmt_new("SYNTAX", 0);
    assert_int_equal(cql_session_execute(sess, st, 5000, &r, err, sizeof err), CQL_ERR_SYNTAX);
    cql_stmt_free(st);
    assert_null(r);
    char want[256];
    snprintf(want, sizeof want, "%s: line 1:0 no viable alternative at input 'SYNTAX'",
             cql_err_str(CQL_ERR_SYNTAX));
    assert_string_equal(err, want);
}

/* A node that wants credentials the session does not have: connect_wait gives up on the
 * first refusal instead of reconnecting until its deadline. */
static void test_connect_refused(void **state) {
    (void)state;
    static node_t c;
    assert_int_equal(fake_node_init(&c.fake, "0", handle, NULL), 0);
    c.require_auth = 1;
    fake_node_start(&c.fake);
    cql_conf_t *conf = cql_conf_new();
    char cp[64], err[256] = "";
    fake_node_address(&c.fake, cp, sizeof cp);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "reconnect_base_ms", "1", NULL, 0);
    cql_conf_set(conf, "reconnect_max_ms", "1", NULL, 0);
    cql_session_t *s;
    assert_int_equal(cql_session_new(conf, &s, err, sizeof err), CQL_OK);
    assert_int_equal(cql_session_connect_wait(s, 600000, err, sizeof err), CQL_ERR_AUTH);
    assert_non_null(strstr(err, "PasswordAuthenticator"));
    /* with reconnects 1 ms apart, waiting out the deadline would have meant thousands */
    pthread_mutex_lock(&c.fake.mu);
    int startups = c.startups;
    pthread_mutex_unlock(&c.fake.mu);
    assert_int_equal(startups, 1);
    cql_session_free(s);
    fake_node_stop(&c.fake);
}

static int unresolved_warnings;

static void count_unresolved(void *opaque, cql_log_level_t level, const char *msg) {
    (void)opaque;
    if (level == CQL_LOG_WARN && strstr(msg, "nosuch.invalid:9042"))
        unresolved_warnings++;
}

/* A contact point whose name does not resolve is warned about once, with the resolver's
 * reason, however often the session tries it again: beside a good one (the session works)
 * and alone (it does not, and connect_wait says why). */
static void test_unresolved_warned_once(void **state) {
    (void)state;
    static node_t c;
    assert_int_equal(fake_node_init(&c.fake, "0", handle, NULL), 0);
    fake_node_start(&c.fake);
    char addr[64], cp[128], err[256] = "";
    fake_node_address(&c.fake, addr, sizeof addr);
    for (int alone = 0; alone < 2; alone++) {
        snprintf(cp, sizeof cp, alone ? "nosuch.invalid:9042" : "nosuch.invalid:9042,%s", addr);
        cql_conf_t *conf = cql_conf_new();
        cql_conf_set(conf, "contact_points", cp, NULL, 0);
        cql_conf_set(conf, "reconnect_base_ms", "1", NULL, 0);
        cql_conf_set(conf, "reconnect_max_ms", "1", NULL, 0);
        cql_conf_set_log_cb(conf, count_unresolved, NULL);
        unresolved_warnings = 0;
        cql_session_t *s;
        assert_int_equal(cql_session_new(conf, &s, err, sizeof err), CQL_OK);
        cql_err_t e = cql_session_connect_wait(s, alone ? 500 : 5000, err, sizeof err);
        for (int i = 0; i < 30; i++) /* attempts 1 ms apart meanwhile */
            cql_session_poll(s, 10);
        if (alone) {
            assert_int_not_equal(e, CQL_OK);
            assert_non_null(strstr(err, "nosuch.invalid"));
        } else {
            assert_int_equal(e, CQL_OK);
        }
        assert_int_equal(unresolved_warnings, 1);
        cql_session_free(s);
    }
    fake_node_stop(&c.fake);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_discovery), cmocka_unit_test(test_connect_refused),
          cmocka_unit_test(test_unresolved_warned_once), cmocka_unit_test(test_round_robin),
          cmocka_unit_test(test_token_aware), cmocka_unit_test(test_idempotent_retry),
          cmocka_unit_test(test_schema_agreement), cmocka_unit_test(test_external_event_loop),
          cmocka_unit_test(test_flush_before_wait), cmocka_unit_test(test_execute))
