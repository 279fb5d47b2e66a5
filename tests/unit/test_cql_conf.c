/* Unit tests for cql_conf: every property's default lands in its member, values of every
 * type are checked against their range or names and written through the table, copies
 * own their strings, and the reference lists every property with its default. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"
#include "cql_int.h"

static void defaults(void **state) {
    (void)state;
    cql_conf_t *c = cql_conf_new();
    assert_non_null(c);
    assert_string_equal(c->contact_points, "127.0.0.1");
    assert_int_equal(c->port, 9042);
    assert_null(c->username);
    assert_null(c->password);
    assert_null(c->keyspace);
    assert_int_equal(c->consistency, CQL_CONSISTENCY_LOCAL_QUORUM);
    assert_true(c->connect_timeout_ms == 5000 && c->request_timeout_ms == 12000);
    assert_int_equal(c->max_inflight, 1024);
    assert_int_equal(c->max_frame_size, 256u << 20);
    assert_int_equal(c->connections_per_host, 1);
    assert_true(c->reconnect_base_ms == 500 && c->reconnect_max_ms == 30000);
    assert_true(c->token_aware);
    assert_true(c->schema_agreement_timeout_ms == 10000);
    assert_false(c->tls);
    assert_int_equal(c->tls_verify, 2);
    assert_null(c->tls_ca_file);
    cql_conf_free(c);
}

/* A value for every property, and where it must land. */
static void sets_every_type(void **state) {
    (void)state;
    cql_conf_t *c = cql_conf_new();
    char err[128];
    static const char *const kv[] = {"contact_points",
                                     "10.0.0.1,10.0.0.2:9043",
                                     "port",
                                     "65535",
                                     "username",
                                     "u",
                                     "password",
                                     "p",
                                     "keyspace",
                                     "ks",
                                     "consistency",
                                     "LOCAL_ONE",
                                     "connect_timeout_ms",
                                     "2147483647",
                                     "request_timeout_ms",
                                     "1",
                                     "max_inflight",
                                     "32767",
                                     "max_frame_size",
                                     "2147483647",
                                     "connections_per_host",
                                     "64",
                                     "reconnect_base_ms",
                                     "7",
                                     "reconnect_max_ms",
                                     "70",
                                     "token_aware",
                                     "no",
                                     "schema_agreement_timeout_ms",
                                     "3",
                                     "tls",
                                     "yes",
                                     "tls.ca_file",
                                     "/ca.pem",
                                     "tls.cert_file",
                                     "/c.pem",
                                     "tls.key_file",
                                     "/k.pem",
                                     "tls.verify",
                                     "peer",
                                     "tls.server_name",
                                     "db.example"};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i += 2)
        if (cql_conf_set(c, kv[i], kv[i + 1], err, sizeof err) != CQL_OK)
            fail_msg("%s=%s: %s", kv[i], kv[i + 1], err);
    assert_string_equal(c->contact_points, "10.0.0.1,10.0.0.2:9043");
    assert_int_equal(c->port, 65535);
    assert_string_equal(c->username, "u");
    assert_string_equal(c->password, "p");
    assert_string_equal(c->keyspace, "ks");
    assert_int_equal(c->consistency, CQL_CONSISTENCY_LOCAL_ONE);
    assert_true(c->connect_timeout_ms == INT32_MAX && c->request_timeout_ms == 1);
    assert_int_equal(c->max_inflight, 32767);
    assert_int_equal(c->max_frame_size, INT32_MAX);
    assert_int_equal(c->connections_per_host, 64);
    assert_true(c->reconnect_base_ms == 7 && c->reconnect_max_ms == 70);
    assert_false(c->token_aware);
    assert_true(c->schema_agreement_timeout_ms == 3);
    assert_true(c->tls);
    assert_string_equal(c->tls_ca_file, "/ca.pem");
    assert_string_equal(c->tls_cert_file, "/c.pem");
    assert_string_equal(c->tls_key_file, "/k.pem");
    assert_int_equal(c->tls_verify, 1);
    assert_string_equal(c->tls_server_name, "db.example");
    cql_conf_t *d = cql_conf_dup(c);
    assert_non_null(d);
    assert_string_equal(d->tls_server_name, "db.example");
    assert_ptr_not_equal(d->username, c->username);
    cql_conf_free(c);
    assert_string_equal(d->password, "p"); /* the copy owns its strings */
    cql_conf_free(d);
}

/* Bad values leave the member as it was and say why. */
static void rejects(void **state) {
    (void)state;
    cql_conf_t *c = cql_conf_new();
    char err[128];
    static const struct {
        const char *name, *value, *msg;
    } bad[] = {
        {"port", "0", "port: expected an integer in 1..65535, got \"0\""},
        {"port", "65536", NULL},
        {"port", "12x", NULL},
        {"max_inflight", "32768", NULL},
        {"max_frame_size", "1023", NULL},
        {"connections_per_host", "65", NULL},
        {"request_timeout_ms", "2147483648", NULL},
        {"token_aware", "maybe", "token_aware: invalid value \"maybe\""},
        {"tls.verify", "host", NULL},
        {"consistency", "most", NULL},
        {"contact_points", "", "contact_points: invalid value \"\""},
        {"nope", "1", "unknown property \"nope\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(cql_conf_set(c, bad[i].name, bad[i].value, err, sizeof err), CQL_ERR_CONF);
        if (bad[i].msg)
            assert_string_equal(err, bad[i].msg);
        else
            assert_true(err[0] != '\0');
    }
    assert_int_equal(cql_conf_set(c, NULL, "1", err, sizeof err), CQL_ERR_CONF);
    assert_int_equal(c->port, 9042);
    assert_int_equal(c->max_inflight, 1024);
    assert_true(c->token_aware);
    assert_int_equal(c->tls_verify, 2);
    assert_string_equal(c->contact_points, "127.0.0.1");
    cql_consistency_t cons;
    assert_int_equal(cql_consistency_parse("Quorum", &cons), 0);
    assert_int_equal(cons, CQL_CONSISTENCY_QUORUM);
    assert_int_equal(cql_consistency_parse("most", &cons), -1);
    cql_conf_free(c);
}

static void reference_lists_every_property(void **state) {
    (void)state;
    size_t need = cql_conf_reference(NULL, 0);
    char *buf = malloc(need + 1);
    assert_non_null(buf);
    assert_int_equal(cql_conf_reference(buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    assert_non_null(
        strstr(buf, "| property | type | default | description |\n|---|---|---|---|\n"));
    assert_contains(buf, "| `port` | integer (1..65535) | `9042` | ",
                    "| `tls.verify` | `none`, `peer`, `peer_host` | `peer_host` | ",
                    "| `token_aware` | boolean | `true` | ", "| `username` | text |  | ");
    size_t rows = 0;
    for (const char *p = buf; (p = strstr(p, "\n| `")); p++)
        rows++;
    assert_int_equal(rows, 21);
    char small[16];
    assert_int_equal(cql_conf_reference(small, sizeof small), need);
    assert_int_equal(strlen(small), sizeof small - 1);
    free(buf);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(defaults), cmocka_unit_test(sets_every_type),
          cmocka_unit_test(rejects), cmocka_unit_test(reference_lists_every_property))
