/* Unit tests for the session's datacenter- and token-aware host choice (cql_lb and its
 * use in cql_session): replication maps, replica placement for SimpleStrategy and
 * NetworkTopologyStrategy, and, against a fake three-node cluster in-process (one thread
 * per connection, test_cql_fake.h), that requests go to a replica of their key in the local
 * datacenter, that the local datacenter is learned from the first contact point, that LOCAL_*
 * consistency never leaves it, and that a host that leaves the ring (REMOVED_NODE) is
 * dropped. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"
#include "cql_lb.h"
#include "test_cql_fake.h"

/* ---- pure placement ------------------------------------------------------------------- */

/* map<text, text>, as a result's metadata would describe it */
static cql_type_t TEXT_T = {.kind = CQL_TYPE_VARCHAR};
static cql_type_t *MAP_SUB[2] = {&TEXT_T, &TEXT_T};
static cql_type_t MAP_T = {.kind = CQL_TYPE_MAP, .n_sub = 2, .sub = MAP_SUB};

/* A map<text, text> value with n entries of key/value pairs. */
static cql_value_t map_value(tb_t *t, int n, const char *const *kv) {
    t->n = 0;
    tb_u32(t, (uint32_t)n);
    for (int i = 0; i < 2 * n; i++)
        tb_bytes(t, kv[i], (int32_t)strlen(kv[i]));
    cql_value_t v = {.type = &MAP_T, .data = t->b, .size = (int32_t)t->n};
    return v;
}

static void test_repl_parse(void **state) {
    (void)state;
    static tb_t t;
    cql_lb_repl_t r;
    const char *simple[] = {"class", "org.apache.cassandra.locator.SimpleStrategy",
                            "replication_factor", "3"};
    cql_value_t v = map_value(&t, 2, simple);
    assert_true(cql_lb_repl_parse(&v, &r));
    assert_int_equal(r.kind, CQL_LB_REPL_SIMPLE);
    assert_int_equal(r.rf, 3);
    const char *nts[] = {
        "class", "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1", "2", "dc2", "1/0"};
    v = map_value(&t, 3, nts);
    assert_true(cql_lb_repl_parse(&v, &r));
    assert_int_equal(r.kind, CQL_LB_REPL_NTS);
    assert_int_equal(r.n_dcs, 2);
    assert_string_equal(r.dc[0], "dc1");
    assert_int_equal(r.dc_rf[0], 2);
    assert_string_equal(r.dc[1], "dc2");
    assert_int_equal(r.dc_rf[1], 1);
    const char *odd[] = {"class", "com.example.MoonStrategy", "replication_factor", "1"};
    v = map_value(&t, 2, odd);
    assert_false(cql_lb_repl_parse(&v, &r));
    assert_int_equal(r.kind, CQL_LB_REPL_UNKNOWN);
    const char *norf[] = {"class", "SimpleStrategy"};
    v = map_value(&t, 1, norf);
    assert_false(cql_lb_repl_parse(&v, &r));
    const char *bad[] = {"class", "SimpleStrategy", "replication_factor", "three"};
    v = map_value(&t, 2, bad);
    assert_false(cql_lb_repl_parse(&v, &r));
    /* truncated bytes: declared 5 entries, holds 1 */
    v = map_value(&t, 1, norf);
    t.b[3] = 5;
    assert_false(cql_lb_repl_parse(&v, &r));
}

/* Ring: host 0 at -100 and 200, host 1 at 0, host 2 at 100, host 3 at 300. */
static const cql_lb_token_t RING[] = {{-100, 0}, {0, 1}, {100, 2}, {200, 0}, {300, 3}};
#define N_RING (sizeof RING / sizeof RING[0])

static void test_replicas_simple(void **state) {
    (void)state;
    cql_lb_repl_t r = {.kind = CQL_LB_REPL_SIMPLE, .rf = 3};
    uint32_t out[8];
    const char *dc[] = {"", "", "", ""};
    /* token 50: owner 2 (at 100), then 0 (200), then 3 (300) */
    assert_int_equal(cql_lb_replicas(RING, N_RING, 50, &r, dc, 4, out, 8), 3);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 3);
    /* past the last token wraps to the first: 0 (-100), 1 (0), 2 (100) */
    assert_int_equal(cql_lb_replicas(RING, N_RING, 301, &r, dc, 4, out, 8), 3);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 2);
    /* exactly a token: that host owns it; a repeated host is counted once */
    assert_int_equal(cql_lb_replicas(RING, N_RING, 100, &r, dc, 4, out, 8), 3);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 3);
    /* more replicas than hosts: every host once */
    r.rf = 9;
    assert_int_equal(cql_lb_replicas(RING, N_RING, 50, &r, dc, 4, out, 8), 4);
    /* unknown replication: the primary owner alone */
    assert_int_equal(cql_lb_replicas(RING, N_RING, 50, NULL, dc, 4, out, 8), 1);
    assert_int_equal(out[0], 2);
    assert_int_equal(cql_lb_replicas(RING, 0, 50, &r, dc, 4, out, 8), 0);
}

static void test_replicas_nts(void **state) {
    (void)state;
    cql_lb_repl_t r = {.kind = CQL_LB_REPL_NTS, .n_dcs = 2, .dc = {"dc1", "dc2"}, .dc_rf = {1, 1}};
    const char *dc[] = {"dc1", "dc2", "dc1", "dc2"};
    uint32_t out[8];
    /* token 50: walk 2 (dc1), 0 (dc1, full), 3 (dc2) */
    assert_int_equal(cql_lb_replicas(RING, N_RING, 50, &r, dc, 4, out, 8), 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 3);
    /* dc2 wants none: hosts of dc2 are never replicas */
    r.dc_rf[1] = 0;
    assert_int_equal(cql_lb_replicas(RING, N_RING, -50, &r, dc, 4, out, 8), 1);
    assert_int_equal(out[0], 2);
    /* hosts of an unknown DC hold nothing */
    const char *unknown[] = {"", "", "", ""};
    assert_int_equal(cql_lb_replicas(RING, N_RING, 50, &r, unknown, 4, out, 8), 0);
    assert_true(cql_lb_consistency_is_local(CQL_CONSISTENCY_LOCAL_QUORUM));
    assert_true(cql_lb_consistency_is_local(CQL_CONSISTENCY_LOCAL_ONE));
    assert_false(cql_lb_consistency_is_local(CQL_CONSISTENCY_QUORUM));
}

/* ---- a fake three-node cluster ------------------------------------------------------- */

#define N_NODES 3

/* A fake node (test_cql_fake.h) in a datacenter, answering the topology of the whole
 * cluster itself, and what it saw. */
typedef struct {
    fake_node_t fake; /* first: the handler's node is this struct */
    const char *dc;
    int execs, queries; /* under fake.mu */
} node_t;

static node_t N[N_NODES];
static volatile int present[N_NODES]; /* listed in the peers of the others */
static const char *ks_class, *ks_opt1, *ks_val1, *ks_opt2, *ks_val2;

static void host_cols(tb_t *t, const node_t *n) {
    const char *token = n->fake.token;
    tb_pack(t, "iib", (uint32_t)(4 + 4 + strlen(token)), 1, token, (int)strlen(token));
}

static void reply_query(node_t *n, const char *q, tb_t *t) {
    const int rows = CQL_RESULT_ROWS, g = CQL_META_GLOBAL_TABLES;
    if (strstr(q, "FROM system.local")) {
        tb_pack(t, "iiiss", rows, g, 3, "system", "local");
        tb_pack(t, "shshshhi", "key", CQL_TYPE_VARCHAR, "data_center", CQL_TYPE_VARCHAR, "tokens",
                CQL_TYPE_SET, CQL_TYPE_VARCHAR, 1);
        tb_pack(t, "bb", "local", 5, n->dc, (int)strlen(n->dc));
        host_cols(t, n);
    } else if (strstr(q, "FROM system.peers_v2")) {
        int cnt = 0;
        for (int i = 0; i < N_NODES; i++)
            cnt += &N[i] != n && present[i];
        tb_pack(t, "iiiss", rows, g, 4, "system", "peers_v2");
        tb_pack(t, "shshshshhi", "native_address", CQL_TYPE_INET, "native_port", CQL_TYPE_INT,
                "data_center", CQL_TYPE_VARCHAR, "tokens", CQL_TYPE_SET, CQL_TYPE_VARCHAR, cnt);
        for (int i = 0; i < N_NODES; i++) {
            if (&N[i] == n || !present[i])
                continue;
            tb_pack(t, "biib", "\x7f\x00\x00\x01", 4, 4, (uint32_t)N[i].fake.port, N[i].dc,
                    (int)strlen(N[i].dc));
            host_cols(t, &N[i]);
        }
    } else if (strstr(q, "system_schema.keyspaces")) {
        tb_pack(t, "iiiss", rows, g, 2, "system_schema", "keyspaces");
        tb_pack(t, "shshhhi", "keyspace_name", CQL_TYPE_VARCHAR, "replication", CQL_TYPE_MAP,
                CQL_TYPE_VARCHAR, CQL_TYPE_VARCHAR, 1);
        tb_pack(t, "b", "ks", 2);
        const char *kv[] = {"class", ks_class, ks_opt1, ks_val1, ks_opt2, ks_val2};
        int pairs = ks_opt2 ? 3 : 2;
        tb_t m = {.n = 0};
        cql_value_t v = map_value(&m, pairs, kv);
        tb_bytes(t, v.data, v.size);
    } else {
        pthread_mutex_lock(&n->fake.mu);
        n->queries++;
        pthread_mutex_unlock(&n->fake.mu);
        tb_u32(t, CQL_RESULT_VOID);
    }
}

static int handle(fake_node_t *f, uint8_t op, const uint8_t *body, size_t len, tb_t *t) {
    node_t *n = (node_t *)f;
    switch (op) {
    case CQL_OP_QUERY: {
        char q[512];
        fake_query_text(body, len, q, sizeof q);
        reply_query(n, q, t);
        return CQL_OP_RESULT;
    }
    case CQL_OP_PREPARE: fake_prepared_k(t); return CQL_OP_RESULT;
    case CQL_OP_EXECUTE:
        pthread_mutex_lock(&f->mu);
        n->execs++;
        pthread_mutex_unlock(&f->mu);
        tb_u32(t, CQL_RESULT_VOID);
        return CQL_OP_RESULT;
    default: return FAKE_REPLY_DEFAULT; /* READY to STARTUP and REGISTER */
    }
}

/* A node that is down: its connections are cut, new ones closed at once. */
static void node_down(node_t *n) {
    n->fake.down = 1;
}

static cql_session_t *sess;

/* Tokens split the ring in three; node i owns (token[i-1], token[i]]. */
static const char *const TOKENS[N_NODES] = {"-3074457345618258603", "3074457345618258602",
                                            "9223372036854775807"};

static int start_cluster(const char *dc0, const char *dc1, const char *dc2, const char *local_dc) {
    const char *dcs[N_NODES] = {dc0, dc1, dc2};
    for (int i = 0; i < N_NODES; i++) {
        memset(&N[i], 0, sizeof N[i]);
        if (fake_node_init(&N[i].fake, TOKENS[i], handle, NULL) != 0)
            return -1;
        N[i].dc = dcs[i];
        present[i] = 1;
        fake_node_start(&N[i].fake);
    }
    cql_conf_t *conf = cql_conf_new();
    char cp[64];
    fake_node_address(&N[0].fake, cp, sizeof cp);
    cql_conf_set(conf, "contact_points", cp, NULL, 0);
    cql_conf_set(conf, "reconnect_base_ms", "50", NULL, 0);
    cql_conf_set(conf, "request_timeout_ms", "3000", NULL, 0);
    if (local_dc)
        cql_conf_set(conf, "local_dc", local_dc, NULL, 0);
    char err[256];
    if (cql_session_new(conf, &sess, err, sizeof err) != CQL_OK ||
        cql_session_connect_wait(sess, 5000, err, sizeof err) != CQL_OK)
        return -1;
    int64_t deadline = cql_now_ms() + 10000;
    while (cql_session_hosts_up(sess) < N_NODES && cql_now_ms() < deadline)
        cql_session_poll(sess, 10);
    return cql_session_hosts_up(sess) == N_NODES ? 0 : -1;
}

static int stop_cluster(void **state) {
    (void)state;
    cql_session_free(sess);
    sess = NULL;
    for (int i = 0; i < N_NODES; i++)
        fake_node_stop(&N[i].fake);
    return 0;
}

static int setup_simple_rf1(void **state) {
    (void)state;
    ks_class = "SimpleStrategy", ks_opt1 = "replication_factor", ks_val1 = "1", ks_opt2 = NULL;
    return start_cluster("dc1", "dc1", "dc1", NULL);
}

static int setup_two_dcs(void **state) {
    (void)state;
    ks_class = "org.apache.cassandra.locator.NetworkTopologyStrategy";
    ks_opt1 = "dc1", ks_val1 = "1", ks_opt2 = "dc2", ks_val2 = "1";
    return start_cluster("dc1", "dc1", "dc2", NULL);
}

static int setup_local_dc2(void **state) {
    (void)state;
    ks_class = "NetworkTopologyStrategy";
    ks_opt1 = "dc1", ks_val1 = "2", ks_opt2 = "dc2", ks_val2 = "1";
    return start_cluster("dc1", "dc1", "dc2", "dc2");
}

/* Node i owns token t (the ring of TOKENS). */
static int owner_of(int64_t t) {
    for (int i = 0; i < N_NODES; i++)
        if (t <= strtoll(TOKENS[i], NULL, 10))
            return i;
    return 0;
}

static cql_stmt_t *prepared_insert(void) {
    return tu_prepare(sess, "INSERT INTO ks.t (k) VALUES (?)");
}

static cql_err_t exec_key(cql_stmt_t *st, int k, cql_consistency_t cl) {
    cql_stmt_reset(st);
    cql_stmt_bind_int32(st, 0, k);
    cql_stmt_set_consistency(st, cl);
    char err[256];
    return cql_session_execute(sess, st, 5000, NULL, err, sizeof err);
}

static int64_t key_token(int k) {
    uint8_t key[4];
    cql_wr_u32(key, (uint32_t)k);
    return cql_murmur3_token(key, 4);
}

/* The per-host counter of the node listening on port. */
static uint64_t host_requests(int port) {
    cql_host_info_t hi;
    for (size_t i = 0; cql_session_host_info(sess, i, &hi); i++)
        if (hi.port == port)
            return hi.requests;
    return (uint64_t)-1;
}

/* RF 1: every key goes to the one node that owns it, and the per-host counters agree
 * with what each node saw. */
static void test_rf1_goes_to_owner(void **state) {
    (void)state;
    cql_stmt_t *st = prepared_insert();
    int want[N_NODES] = {0}, base[N_NODES];
    uint64_t base_req[N_NODES];
    for (int i = 0; i < N_NODES; i++) {
        base[i] = N[i].execs;
        base_req[i] = host_requests(N[i].fake.port);
    }
    for (int k = 0; k < 300; k++) {
        assert_int_equal(exec_key(st, k, CQL_CONSISTENCY_ONE), CQL_OK);
        want[owner_of(key_token(k))]++;
    }
    cql_stmt_free(st);
    for (int i = 0; i < N_NODES; i++) {
        assert_true(want[i] > 0);
        assert_int_equal(N[i].execs - base[i], want[i]);
        assert_int_equal(host_requests(N[i].fake.port) - base_req[i], (uint64_t)want[i]);
    }
    assert_string_equal(cql_session_local_dc(sess), "dc1");
}

/* dc1:1, dc2:1 with the local DC learned from the contact point (dc1): no request goes to
 * dc2 while dc1 is up; each goes to the dc1 replica of its key. */
static void test_local_dc_replica(void **state) {
    (void)state;
    assert_string_equal(cql_session_local_dc(sess), "dc1");
    cql_host_info_t hi;
    int dc2 = 0;
    for (size_t i = 0; cql_session_host_info(sess, i, &hi); i++)
        dc2 += !strcmp(hi.datacenter, "dc2");
    assert_int_equal(dc2, 1);
    cql_stmt_t *st = prepared_insert();
    int base[N_NODES], want[N_NODES] = {0};
    for (int i = 0; i < N_NODES; i++)
        base[i] = N[i].execs;
    for (int k = 0; k < 300; k++) {
        assert_int_equal(exec_key(st, k, CQL_CONSISTENCY_LOCAL_QUORUM), CQL_OK);
        /* the dc1 replica: the owner if in dc1, else the next dc1 node clockwise (node 0) */
        int o = owner_of(key_token(k));
        want[o == 2 ? 0 : o]++;
    }
    assert_int_equal(N[2].execs - base[2], 0);
    assert_int_equal(N[0].execs - base[0], want[0]);
    assert_int_equal(N[1].execs - base[1], want[1]);
    /* unrouted statements: round robin inside dc1 */
    int q2 = N[2].queries;
    cql_stmt_t *plain = cql_stmt_new("INSERT RR", 0);
    char err[256];
    for (int i = 0; i < 20; i++)
        assert_int_equal(cql_session_execute(sess, plain, 5000, NULL, err, sizeof err), CQL_OK);
    cql_stmt_free(plain);
    assert_int_equal(N[2].queries, q2);

    /* dc1 down: LOCAL_QUORUM has no host (retriable), QUORUM may use dc2 */
    node_down(&N[0]);
    node_down(&N[1]);
    int64_t deadline = cql_now_ms() + 10000;
    while (cql_session_hosts_up(sess) > 1 && cql_now_ms() < deadline)
        cql_session_poll(sess, 10);
    assert_int_equal(cql_session_hosts_up(sess), 1);
    cql_err_t e = exec_key(st, 7, CQL_CONSISTENCY_LOCAL_QUORUM);
    assert_int_equal(e, CQL_ERR_NO_HOSTS);
    assert_true(cql_err_is_retriable(e));
    assert_int_equal(N[2].execs - base[2], 0);
    assert_int_equal(exec_key(st, 7, CQL_CONSISTENCY_QUORUM), CQL_OK);
    assert_int_equal(N[2].execs - base[2], 1);
    cql_stmt_free(st);
}

/* local_dc configured (dc2) wins over the contact point's DC (dc1). */
static void test_local_dc_configured(void **state) {
    (void)state;
    assert_string_equal(cql_session_local_dc(sess), "dc2");
    cql_stmt_t *st = prepared_insert();
    int base[N_NODES];
    for (int i = 0; i < N_NODES; i++)
        base[i] = N[i].execs;
    for (int k = 0; k < 50; k++)
        assert_int_equal(exec_key(st, k, CQL_CONSISTENCY_LOCAL_ONE), CQL_OK);
    cql_stmt_free(st);
    assert_int_equal(N[2].execs - base[2], 50);
    assert_int_equal(N[0].execs - base[0] + N[1].execs - base[1], 0);
}

/* A node that leaves the ring: REMOVED_NODE pushed by the control node, and no longer in
 * its peers. The session drops it and sends it nothing more. */
static void test_removed_node_dropped(void **state) {
    (void)state;
    assert_int_equal(cql_session_host_count(sess), N_NODES);
    present[1] = 0;
    tb_t t = {.n = 0};
    tb_pack(&t, "sscri", "TOPOLOGY_CHANGE", "REMOVED_NODE", 4, "\x7f\x00\x00\x01", 4,
            (uint32_t)N[1].fake.port);
    assert_int_equal(fake_node_event(&N[0].fake, &t), 0);
    int64_t deadline = cql_now_ms() + 10000;
    while (cql_session_host_count(sess) == N_NODES && cql_now_ms() < deadline)
        cql_session_poll(sess, 10);
    assert_int_equal(cql_session_host_count(sess), N_NODES - 1);
    assert_int_equal(host_requests(N[1].fake.port), (uint64_t)-1);
    cql_stmt_t *st = prepared_insert();
    int b1 = N[1].execs;
    for (int k = 0; k < 100; k++)
        assert_int_equal(exec_key(st, k, CQL_CONSISTENCY_ONE), CQL_OK);
    cql_stmt_free(st);
    assert_int_equal(N[1].execs, b1);
    /* the next discovery does not bring it back */
    assert_int_equal(cql_session_host_count(sess), N_NODES - 1);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_repl_parse), cmocka_unit_test(test_replicas_simple),
          cmocka_unit_test(test_replicas_nts),
          cmocka_unit_test_setup_teardown(test_rf1_goes_to_owner, setup_simple_rf1, stop_cluster),
          cmocka_unit_test_setup_teardown(test_local_dc_replica, setup_two_dcs, stop_cluster),
          cmocka_unit_test_setup_teardown(test_local_dc_configured, setup_local_dc2, stop_cluster),
          cmocka_unit_test_setup_teardown(test_removed_node_dropped, setup_simple_rf1,
                                          stop_cluster))
