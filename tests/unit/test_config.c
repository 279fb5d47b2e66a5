/* Unit tests for sl_config: precedence flags > env > file > default, parsing of every
 * flag form, types and ranges, -X properties, secrets redaction, Markdown rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"
#include "sl_config.h"

static const sl_config_opt_t opts[] = {
    {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers"},
    {"topic", 't', SL_OPT_STR, "users_created", 0, -1, "NAME", "topic"},
    {"batch", 0, SL_OPT_INT, "500", 1, 5000, "N", "users per request"},
    {"rate", 0, SL_OPT_NUM, "0", 0, 1e9, "R", "users/s cap | 0 for none"},
    {"max-body", 0, SL_OPT_INT, "64M", 1, 1e12, "BYTES", "body cap"},
    {"dry-run", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "do not produce"},
    {"sasl-password", 0, SL_OPT_STR, NULL, 0, -1, "PW", "a secret"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

/* A fake environment for sl_config_load_env. */
static const char *fake_env[][2] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
static char *fake_getenv(const char *name) {
    for (size_t i = 0; i < 4; i++)
        if (fake_env[i][0] && strcmp(fake_env[i][0], name) == 0)
            return (char *)fake_env[i][1];
    return NULL;
}
static void env_clear(void) {
    memset(fake_env, 0, sizeof fake_env);
}

static sl_config_t *fresh(void) {
    sl_config_t *cfg = sl_config_new("t", opts, N_OPTS);
    assert_non_null(cfg);
    return cfg;
}

static void defaults(void **state) {
    (void)state;
    sl_config_t *cfg = fresh();
    assert_string_equal(sl_config_str(cfg, "brokers"), "127.0.0.1:9092");
    assert_int_equal(sl_config_int(cfg, "batch"), 500);
    assert_int_equal(sl_config_int(cfg, "max-body"), 64ll << 20);
    assert_true(sl_config_num(cfg, "rate") == 0.0);
    assert_int_equal(sl_config_bool(cfg, "dry-run"), 0);
    assert_null(sl_config_str(cfg, "sasl-password"));
    assert_int_equal(sl_config_source(cfg, "batch"), SL_CONFIG_SRC_DEFAULT);
    sl_config_free(cfg);
}

/* The same option set from all three places: the flag wins, then env, then file,
 * whatever order the sources are loaded in. */
static void precedence(void **state) {
    (void)state;
    char err[256] = "";
    const char *file = "batch = 10\ntopic = from_file\nbrokers = file:1\n";
    char *argv[] = {"ingest", "--batch", "30", NULL};
    env_clear();
    fake_env[0][0] = "SLUICE_BATCH", fake_env[0][1] = "20";
    fake_env[1][0] = "SLUICE_TOPIC", fake_env[1][1] = "from_env";

    /* Order 1: flags, env, file (what sl_config_load_all does). */
    sl_config_t *cfg = fresh();
    assert_int_equal(sl_config_parse_args(cfg, 3, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err), 0);
    assert_int_equal(sl_config_int(cfg, "batch"), 30);
    assert_int_equal(sl_config_source(cfg, "batch"), SL_CONFIG_SRC_FLAG);
    assert_string_equal(sl_config_str(cfg, "topic"), "from_env");
    assert_int_equal(sl_config_source(cfg, "topic"), SL_CONFIG_SRC_ENV);
    assert_string_equal(sl_config_str(cfg, "brokers"), "file:1");
    assert_int_equal(sl_config_source(cfg, "brokers"), SL_CONFIG_SRC_FILE);
    assert_string_equal(sl_config_str(cfg, "t"
                                           "opic"),
                        "from_env");
    sl_config_free(cfg);

    /* Order 2: file, env, flags — same outcome. */
    cfg = fresh();
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err), 0);
    assert_int_equal(sl_config_int(cfg, "batch"), 10);
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_int(cfg, "batch"), 20);
    assert_int_equal(sl_config_parse_args(cfg, 3, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_int(cfg, "batch"), 30);
    assert_string_equal(sl_config_str(cfg, "topic"), "from_env");
    assert_string_equal(sl_config_str(cfg, "brokers"), "file:1");
    sl_config_free(cfg);
    env_clear();
}

/* The file path: -F wins over SLUICE_CONFIG whatever the order. */
static void file_path_precedence(void **state) {
    (void)state;
    char err[256];
    env_clear();
    fake_env[0][0] = "SLUICE_CONFIG", fake_env[0][1] = "from-env.conf";
    sl_config_t *cfg = fresh();
    assert_null(sl_config_file_path(cfg));
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_string_equal(sl_config_file_path(cfg), "from-env.conf");
    char *argv[] = {"ingest", "--config=flag.conf", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_string_equal(sl_config_file_path(cfg), "flag.conf");
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_string_equal(sl_config_file_path(cfg), "flag.conf");
    sl_config_free(cfg);
    env_clear();
}

static void flag_forms(void **state) {
    (void)state;
    char err[256] = "";
    char *argv[] = {"ingest",
                    "-bh1:9092",
                    "-t",
                    "tp",
                    "--batch=7",
                    "--rate",
                    "2.5",
                    "--dry-run",
                    "--max-body",
                    "3k",
                    "-Xkafka.linger.ms=5",
                    "-X",
                    "cql.consistency=QUORUM",
                    "-F",
                    "cfg.conf",
                    NULL};
    sl_config_t *cfg = fresh();
    assert_int_equal(sl_config_parse_args(cfg, 15, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_string_equal(sl_config_str(cfg, "brokers"), "h1:9092");
    assert_string_equal(sl_config_str(cfg, "topic"), "tp");
    assert_int_equal(sl_config_int(cfg, "batch"), 7);
    assert_true(sl_config_num(cfg, "rate") == 2.5);
    assert_int_equal(sl_config_bool(cfg, "dry-run"), 1);
    assert_int_equal(sl_config_int(cfg, "max-body"), 3072);
    assert_string_equal(sl_config_file_path(cfg), "cfg.conf");
    sl_config_free(cfg);
}

static int collect(const char *key, const char *value, void *opaque) {
    char *out = opaque;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s=%s;", key, value);
    return 0;
}

static void properties_by_namespace_and_precedence(void **state) {
    (void)state;
    char err[256] = "";
    const char *file = "kafka.linger.ms = 50\nkafka.acks = 1\ncql.port=9043\n";
    char *argv[] = {"ingest", "-X", "kafka.linger.ms=5", "-X", "kafka.batch.size=1000000", NULL};
    sl_config_t *cfg = fresh();
    assert_int_equal(sl_config_parse_args(cfg, 5, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err), 0);
    char got[512] = "";
    assert_int_equal(sl_config_props(cfg, "kafka", collect, got), 0);
    assert_string_equal(got, "linger.ms=5;batch.size=1000000;acks=1;");
    got[0] = '\0';
    sl_config_props(cfg, "cql", collect, got);
    assert_string_equal(got, "port=9043;");
    sl_config_free(cfg);
}

/* An SL_OPT_PROPS row declares one more -X namespace: taken from flags and the file, not an
 * option (--dlq, SLUICE_DLQ), shown in --help and the reference; without the row it is
 * refused, naming the namespaces there are. */
static char *dlq_env(const char *name) {
    return strcmp(name, "SLUICE_DLQ") == 0 ? "linger.ms=1" : NULL;
}

static void props_namespace_row(void **state) {
    (void)state;
    static const sl_config_opt_t with_dlq[] = {
        {"topic", 't', SL_OPT_STR, "t", 0, -1, "NAME", "topic"},
        {"dlq", 0, SL_OPT_PROPS, NULL, 0, -1, "PROP=VALUE", "dead-letter producer only"},
    };
    char err[256] = "";
    sl_config_t *cfg = sl_config_new("process", with_dlq, 2);
    assert_non_null(cfg);
    char *argv[] = {"process", "-X", "dlq.linger.ms=20", "-X", "kafka.client.id=a", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 5, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    const char *file = "dlq.client.id = b\n";
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err), 0);
    assert_int_equal(sl_config_load_env(cfg, dlq_env, err, sizeof err), SL_CONFIG_ERR_OK);
    char got[256] = "";
    sl_config_props(cfg, "dlq", collect, got);
    assert_string_equal(got, "linger.ms=20;client.id=b;");
    got[0] = '\0';
    sl_config_props(cfg, "kafka", collect, got);
    assert_string_equal(got, "client.id=a;");
    char desc[512];
    sl_config_describe(cfg, desc, sizeof desc);
    assert_string_equal(desc, "topic=t (default)\ndlq.linger.ms=20 (flag)\n"
                              "kafka.client.id=a (flag)\ndlq.client.id=b (file)\n");
    char *flag[] = {"process", "--dlq", "x", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, flag, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    sl_config_free(cfg);

    char usage[1024], md[1024];
    sl_config_usage(with_dlq, 2, usage, sizeof usage);
    assert_contains(usage, "\n  -X dlq.PROP=VALUE          dead-letter producer only\n");
    sl_config_markdown(with_dlq, 2, md, sizeof md);
    assert_contains(md, "| `-X dlq.PROP=VALUE` |  | text |  | dead-letter producer only (also "
                        "`dlq.PROP = VALUE` in the file) |\n");

    cfg = fresh(); /* a table without the row */
    char *other[] = {"ingest", "-X", "dlq.linger.ms=20", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, other, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    assert_contains(err, "must start with kafka. or cql.");
    sl_config_free(cfg);
    cfg = sl_config_new("process", with_dlq, 2);
    char *wrong[] = {"process", "-X", "dql.linger.ms=20", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, wrong, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    assert_contains(err, "must start with kafka., dlq. or cql.");
    sl_config_free(cfg);
}

/* -X list, -X cql.list, -X kafka.list stop the parse like --help, naming what to list. */
static void property_lists(void **state) {
    (void)state;
    static const struct {
        const char *a, *b, *ns;
    } cases[] = {{"-X", "list", ""}, {"-Xcql.list", NULL, "cql"}, {"-X", "kafka.list", "kafka"}};
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_config_t *cfg = fresh();
        char *argv[] = {"t", "-b", "h:1", (char *)cases[i].a, (char *)cases[i].b, NULL};
        int argc = cases[i].b ? 5 : 4;
        assert_int_equal(sl_config_parse_args(cfg, argc, argv, err, sizeof err),
                         SL_CONFIG_ERR_LIST);
        assert_string_equal(sl_config_list_ns(cfg), cases[i].ns);
        sl_config_free(cfg);
    }
    sl_config_t *cfg = fresh();
    char *argv[] = {"t", "-X", "kafka.list.x=1", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_null(sl_config_list_ns(cfg));
    sl_config_free(cfg);
}

static void errors(void **state) {
    (void)state;
    char err[256];
    sl_config_t *cfg = fresh();
    char *a1[] = {"ingest", "--batch", "5001", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a1, err, sizeof err), SL_CONFIG_ERR_BAD_VALUE);
    assert_string_equal(err, "t: batch must be in 1..5000, got 5001");
    assert_int_equal(sl_config_int(cfg, "batch"), 500); /* unchanged */
    char *a2[] = {"ingest", "--batch", "12x", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a2, err, sizeof err), SL_CONFIG_ERR_BAD_VALUE);
    char *a3[] = {"ingest", "--nope", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, a3, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    assert_string_equal(err, "t: unknown option '--nope'");
    char *a4[] = {"ingest", "--topic", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, a4, err, sizeof err),
                     SL_CONFIG_ERR_MISSING_VALUE);
    char *a5[] = {"ingest", "stray", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, a5, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    char *a6[] = {"ingest", "-X", "linger.ms=5", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a6, err, sizeof err), SL_CONFIG_ERR_UNKNOWN);
    char *a7[] = {"ingest", "-X", "kafka.acks", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a7, err, sizeof err), SL_CONFIG_ERR_BAD_VALUE);
    char *a8[] = {"ingest", "--help", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, a8, err, sizeof err), SL_CONFIG_ERR_HELP);
    char *a9[] = {"ingest", "--dry-run=maybe", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 2, a9, err, sizeof err), SL_CONFIG_ERR_BAD_VALUE);
    char *a10[] = {"ingest", "--rate", "inf", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a10, err, sizeof err), SL_CONFIG_ERR_BAD_VALUE);

    const char *f1 = "# comment\n\n  batch = 9 \nwhat\n";
    assert_int_equal(sl_config_load_text(cfg, f1, strlen(f1), "x.conf", err, sizeof err),
                     SL_CONFIG_ERR_SYNTAX);
    assert_string_equal(err, "x.conf:4: expected name = value");
    assert_int_equal(sl_config_int(cfg, "batch"), 9); /* lines before the error applied */
    const char *f2 = "colour = red\n";
    assert_int_equal(sl_config_load_text(cfg, f2, strlen(f2), "x.conf", err, sizeof err),
                     SL_CONFIG_ERR_UNKNOWN);
    assert_string_equal(err, "x.conf:1: unknown option 'colour'");
    const char *f3 = "batch = 0\n";
    assert_int_equal(sl_config_load_text(cfg, f3, strlen(f3), "x.conf", err, sizeof err),
                     SL_CONFIG_ERR_BAD_VALUE);
    assert_string_equal(err, "x.conf:1: t: batch must be in 1..5000, got 0");

    env_clear();
    fake_env[0][0] = "SLUICE_RATE", fake_env[0][1] = "fast";
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err),
                     SL_CONFIG_ERR_BAD_VALUE);
    assert_string_equal(err, "t: rate wants a number, got 'fast' (from SLUICE_RATE)");
    env_clear();

    sl_config_set(cfg, "brokers", "x", SL_CONFIG_SRC_FLAG, err, sizeof err);
    assert_int_equal(sl_config_load_file(cfg, err, sizeof err), SL_CONFIG_ERR_OK); /* no -F */
    char *a11[] = {"ingest", "-F", "/nonexistent/sluice.conf", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, a11, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_load_file(cfg, err, sizeof err), SL_CONFIG_ERR_IO);
    sl_config_free(cfg);
}

static void file_limits(void **state) {
    (void)state;
    char err[256];
    sl_config_t *cfg = fresh();
    size_t n = 5000;
    char *big = malloc(n + 20);
    assert_non_null(big);
    memcpy(big, "topic = ", 8);
    memset(big + 8, 'a', n);
    big[n + 8] = '\n';
    assert_int_equal(sl_config_load_text(cfg, big, n + 9, "big", err, sizeof err),
                     SL_CONFIG_ERR_TOO_LARGE);
    assert_int_equal(sl_config_load_text(cfg, "topic=a\0b\n", 10, "nul", err, sizeof err),
                     SL_CONFIG_ERR_SYNTAX);
    free(big);
    sl_config_free(cfg);
}

static void secrets_never_rendered(void **state) {
    (void)state;
    char err[256];
    assert_true_for(sl_config_is_secret, "sasl-password", "ssl.key.password", "kafka.sasl.username",
                    "sasl.mechanism", "oauth.client.SECRET");
    assert_false_for(sl_config_is_secret, "brokers", "kafka.linger.ms");

    sl_config_t *cfg = fresh();
    char *argv[] = {"ingest", "-X", "kafka.sasl.username=bob", "-X", "kafka.linger.ms=5", NULL};
    assert_int_equal(sl_config_parse_args(cfg, 5, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    const char *file = "sasl-password = hunter2\nkafka.ssl.key.password = pw9\n";
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err),
                     SL_CONFIG_ERR_OK);
    char buf[2048];
    size_t need = sl_config_describe(cfg, buf, sizeof buf);
    assert_int_equal(need, strlen(buf));
    assert_null(strstr(buf, "hunter2"));
    assert_null(strstr(buf, "bob"));
    assert_null(strstr(buf, "pw9"));
    assert_contains(buf, "sasl-password=*** (file)\n", "kafka.sasl.username=*** (flag)\n",
                    "kafka.linger.ms=5 (flag)\n", "batch=500 (default)\n");
    /* Truncation behaves like snprintf. */
    char small[16];
    assert_int_equal(sl_config_describe(cfg, small, sizeof small), need);
    assert_int_equal(strlen(small), 15);
    sl_config_free(cfg);
}

/* Credentials are refused on argv, with where they may come from instead. */
static void credentials_not_on_argv(void **state) {
    (void)state;
    char err[512];
    assert_true_for(sl_config_is_credential, "sasl-password", "kafka.sasl.password",
                    "ssl.key.password", "registry-password", "ssl.key.pem", "sasl.jaas.config",
                    "sasl.oauthbearer.client.secret");
    assert_false_for(sl_config_is_credential, "sasl.mechanism", "sasl.username", "tls.key_file",
                     "ssl.ca.location");
    struct {
        int argc;
        char *argv[4];
        const char *want;
    } cases[] = {
        {3, {"t", "--sasl-password", "hunter2"}, "set SLUICE_SASL_PASSWORD"},
        {2, {"t", "--sasl-password=hunter2"}, "--sasl-password is a secret"},
        {3, {"t", "-X", "kafka.sasl.password=hunter2"}, "or set SLUICE_KAFKA_SASL_PASSWORD"},
        {2, {"t", "-Xcql.password=hunter2"}, "or set SLUICE_CQL_PASSWORD"},
        {3, {"t", "-X", "kafka.ssl.key.pem=hunter2"}, "(-F FILE, mode 0600)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_config_t *cfg = fresh();
        assert_int_equal(sl_config_parse_args(cfg, cases[i].argc, cases[i].argv, err, sizeof err),
                         SL_CONFIG_ERR_SECRET_ARGV);
        assert_contains(err, cases[i].want, "not taken on the command line");
        assert_null(strstr(err, "hunter2"));
        sl_config_free(cfg);
    }
    /* Not credentials: taken. */
    sl_config_t *cfg = fresh();
    char *ok[] = {"t", "-X", "kafka.sasl.mechanism=SCRAM-SHA-512", "-X", "cql.tls.key_file=/k",
                  NULL};
    assert_int_equal(sl_config_parse_args(cfg, 5, ok, err, sizeof err), SL_CONFIG_ERR_OK);
    sl_config_free(cfg);
}

static int prop_of(const char *key, const char *value, void *opaque) {
    const char **want = opaque;
    if (!strcmp(key, want[0]))
        want[1] = value;
    return 0;
}

/* A few credential properties come from the environment, weaker than the command line's
 * other properties and stronger than the file. */
static void credentials_from_env(void **state) {
    (void)state;
    char err[512];
    sl_config_t *cfg = fresh();
    env_clear();
    fake_env[0][0] = "SLUICE_KAFKA_SASL_PASSWORD";
    fake_env[0][1] = "from-env";
    fake_env[1][0] = "SLUICE_CQL_USERNAME";
    fake_env[1][1] = "svc";
    assert_int_equal(sl_config_load_env(cfg, fake_getenv, err, sizeof err), SL_CONFIG_ERR_OK);
    const char *file = "kafka.sasl.password = from-file\n";
    assert_int_equal(sl_config_load_text(cfg, file, strlen(file), "f", err, sizeof err),
                     SL_CONFIG_ERR_OK);
    const char *want[2] = {"sasl.password", NULL};
    sl_config_props(cfg, "kafka", prop_of, want);
    assert_string_equal(want[1], "from-env");
    const char *user[2] = {"username", NULL};
    sl_config_props(cfg, "cql", prop_of, user);
    assert_string_equal(user[1], "svc");
    const char *const *map = sl_config_env_props();
    assert_string_equal(map[0], "SLUICE_KAFKA_SASL_USERNAME");
    env_clear();
    sl_config_free(cfg);
}

/* A config file holding a credential must be private to its owner. */
static void secret_file_mode(void **state) {
    (void)state;
    char err[512], path[] = "/tmp/sluice-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "topic = t1\nkafka.sasl.password = hunter2\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    static const struct {
        mode_t mode;
        sl_config_err_t want;
    } modes[] = {{0600, SL_CONFIG_ERR_OK},
                 {0400, SL_CONFIG_ERR_OK},
                 {0640, SL_CONFIG_ERR_SECRET_FILE},
                 {0604, SL_CONFIG_ERR_SECRET_FILE},
                 {0620, SL_CONFIG_ERR_SECRET_FILE}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        assert_int_equal(chmod(path, modes[i].mode), 0);
        sl_config_t *cfg = fresh();
        char *argv[] = {"t", "-F", path, NULL};
        assert_int_equal(sl_config_parse_args(cfg, 3, argv, err, sizeof err), SL_CONFIG_ERR_OK);
        assert_int_equal(sl_config_load_file(cfg, err, sizeof err), modes[i].want);
        if (modes[i].want) {
            assert_contains(err, path, "holds a secret (kafka.sasl.password)", "chmod 600");
            assert_null(strstr(err, "hunter2"));
        }
        sl_config_free(cfg);
    }
    /* Without a credential any mode will do. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("topic = t2\n", f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    sl_config_t *cfg = fresh();
    char *argv[] = {"t", "-F", path, NULL};
    assert_int_equal(sl_config_parse_args(cfg, 3, argv, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_int_equal(sl_config_load_file(cfg, err, sizeof err), SL_CONFIG_ERR_OK);
    assert_string_equal(sl_config_str(cfg, "topic"), "t2");
    sl_config_free(cfg);
    unlink(path);
}

static void markdown_table(void **state) {
    (void)state;
    size_t need = sl_config_markdown(opts, N_OPTS, NULL, 0);
    char *buf = malloc(need + 1);
    assert_non_null(buf);
    assert_int_equal(sl_config_markdown(opts, N_OPTS, buf, need + 1), need);
    assert_int_equal(strlen(buf), need);
    assert_contains(buf,
                    "| option | environment | type | default | description |\n"
                    "|---|---|---|---|---|\n"
                    "| `-b`, `--brokers LIST` | `SLUICE_BROKERS` | text | "
                    "`127.0.0.1:9092` | Kafka bootstrap brokers |\n",
                    "| `--batch N` | `SLUICE_BATCH` | integer (1..5000) | `500` | "
                    "users per request |\n",
                    "| `--max-body BYTES` | `SLUICE_MAX_BODY` |");
    assert_non_null(strstr(buf, "users/s cap \\| 0 for none |")); /* pipe escaped */
    /* One header, one rule, one row per option, three fixed rows. */
    size_t lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2 + N_OPTS + 3);
    free(buf);

    char usage[2048];
    sl_config_usage(opts, N_OPTS, usage, sizeof usage);
    assert_contains(usage, "  -b, --brokers LIST", "      --batch N ");
}

/* Each option of the table has its row in the usage text with its help at column 29: on
 * the row itself when the flag fits its 26 columns, else on the next line, indented to the
 * same column. Returns the number of rows whose flag was wrapped. */
static int assert_usage_aligned(const char *usage, const sl_config_opt_t *table, size_t n) {
    int wrapped = 0;
    char text[4096]; /* a newline before the first row too */
    snprintf(text, sizeof text, "\n%s", usage);
    for (size_t i = 0; i < n; i++) {
        char flag[128], row[256];
        if (table[i].short_flag)
            snprintf(flag, sizeof flag, "  -%c, --%s%s%s", table[i].short_flag, table[i].name,
                     table[i].arg ? " " : "", table[i].arg ? table[i].arg : "");
        else
            snprintf(flag, sizeof flag, "      --%s%s%s", table[i].name, table[i].arg ? " " : "",
                     table[i].arg ? table[i].arg : "");
        if (strlen(flag) <= 28) /* padded to column 28, the help from 29 */
            snprintf(row, sizeof row, "\n%-28s %s", flag, table[i].help);
        else /* the flag alone, then the help at column 29 */
            snprintf(row, sizeof row, "\n%s\n%29s%s", flag, "", table[i].help);
        if (!strstr(text, row))
            fail_msg("no aligned row for --%s: want '%s'", table[i].name, row + 1);
        wrapped += strlen(flag) > 28;
    }
    return wrapped;
}

static void usage_long_flag_aligned(void **state) {
    (void)state;
    /* The widest flags sluice has: process's and schema's replication map, the registry's
     * credentials, a short flag with a long name. */
    static const sl_config_opt_t wide[] = {
        {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers"},
        {"keyspace-replication", 0, SL_OPT_STR, "{'class': 'SimpleStrategy'}", 0, -1, "MAP",
         "replication of a new keyspace"},
        {"registry-password-file", 0, SL_OPT_STR, NULL, 0, -1, "PATH", "registry password"},
        {"registry-compatibility", 0, SL_OPT_STR, "FULL", 0, -1, "LEVEL", "subject level"},
        {"exactly-twenty-six", 'e', SL_OPT_STR, NULL, 0, -1, "X", "fits exactly"},
        {"quiet", 'q', SL_OPT_BOOL, "false", 0, -1, NULL, "say less"},
    };
    char usage[4096];
    size_t need = sl_config_usage(wide, sizeof wide / sizeof wide[0], usage, sizeof usage);
    assert_true(need < sizeof usage);
    assert_int_equal(assert_usage_aligned(usage, wide, sizeof wide / sizeof wide[0]), 3);
    assert_contains(usage,
                    "      --keyspace-replication MAP\n"
                    "                             replication of a new keyspace (default "
                    "{'class': 'SimpleStrategy'})\n",
                    "      --registry-password-file PATH\n"
                    "                             registry password\n",
                    "  -e, --exactly-twenty-six X fits exactly\n",
                    "  -q, --quiet                say less (default false)\n",
                    "  -X kafka.PROP=VALUE        librdkafka property (repeatable)\n");
    /* the table of the other tests too */
    sl_config_usage(opts, N_OPTS, usage, sizeof usage);
    assert_int_equal(assert_usage_aligned(usage, opts, N_OPTS), 0);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(defaults), cmocka_unit_test(precedence),
          cmocka_unit_test(flag_forms), cmocka_unit_test(file_path_precedence),
          cmocka_unit_test(properties_by_namespace_and_precedence),
          cmocka_unit_test(property_lists), cmocka_unit_test(errors), cmocka_unit_test(file_limits),
          cmocka_unit_test(secrets_never_rendered), cmocka_unit_test(credentials_not_on_argv),
          cmocka_unit_test(credentials_from_env), cmocka_unit_test(secret_file_mode),
          cmocka_unit_test(markdown_table), cmocka_unit_test(usage_long_flag_aligned),
          cmocka_unit_test(props_namespace_row))
