/*
 * sluice check: the health check of a pipeline's parts. Kafka: the brokers, every topic
 * (sorted by name) with each partition's low and high offsets, every consumer group with
 * its committed offsets and lag per partition (what kafka-consumer-groups --describe
 * shows). Cassandra: reachable, and the keyspace and table present. The schema registry,
 * when configured: GET <url>/subjects answers 200. Text for people, --json for scripts
 * (the schema is in docs/check.md). Reading goes through the console's Kafka, Cassandra
 * and probe helpers; this file only decides and renders.
 * Exit codes: 0 every part is healthy, 1 something is wrong (each problem on its own
 * line), 2 usage or configuration.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd_kafka.h"
#include "cmd_registry.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_console_cass.h"
#include "sl_console_json.h"
#include "sl_console_kafka.h"
#include "sl_console_probe.h"
#include "sl_console_snap.h"
#include "sl_log.h"
#include "sl_schema.h"

static const sl_config_opt_t check_opts[] = {
    CMD_OPT_BROKERS,
    {"topic", 't', SL_OPT_STR, "", 0, -1, "NAME",
     "only this topic (and the groups' lag on it); a problem when it does not exist"},
    CMD_OPT_CASSANDRA("Cassandra contact points, comma separated host[:port] (\"\": do not check)"),
    CMD_OPT_KEYSPACE("keyspace that must exist"),
    CMD_OPT_TABLE("table that must exist"),
    {"registry", 0, SL_OPT_STR, "", 0, -1, "URL",
     "schema registry base URL (Confluent API) to check (\"\": do not check)"},
    CMD_OPT_REGISTRY_CA,
    {"timeout", 0, SL_OPT_NUM, "10", 0.1, 3600, "S", "how long to wait for each answer"},
    {"json", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "print one JSON document (docs/check.md)"},
    CMD_OPTS_LOGGING,
};
#define N_CHECK_OPTS (sizeof check_opts / sizeof check_opts[0])

#define MAX_PROBLEMS 64

typedef struct {
    const char *brokers, *topic, *hosts, *keyspace, *table, *registry, *registry_ca;
    int timeout_ms;
    sl_console_snap_t *snap;
    int cass_checked, keyspace_present, table_present;
    const char *cass_error;
    int registry_status;
    char registry_error[160];
    char problems[MAX_PROBLEMS][320];
    size_t n_problems;
} check_t;

static void check_usage(FILE *out) {
    cmd_usage(out, check_opts, N_CHECK_OPTS,
              "usage: sluice check [options]\n"
              "\n"
              "Checks the pipeline's parts and prints what it found: Kafka's brokers, the\n"
              "topics (sorted) with each partition's low and high offsets, the consumer groups\n"
              "with their committed offsets and lag, Cassandra reachable with the keyspace and\n"
              "table present, and the schema registry when --registry is given. Every option\n"
              "also comes from SLUICE_<NAME>: after eval \"$(scripts/stack env)\" it checks the\n"
              "local stack.\n",
              "Exit codes: 0 all healthy, 1 something is wrong (one 'problem:' line each on\n"
              "stderr, and in the JSON's \"problems\"), 2 usage or configuration.\n");
}

__attribute__((format(printf, 2, 3))) static void problem(check_t *c, const char *fmt, ...) {
    if (c->n_problems >= MAX_PROBLEMS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->problems[c->n_problems++], sizeof c->problems[0], fmt, ap);
    va_end(ap);
}

static void kafka_log(void *opaque, sl_log_level_t level, const char *msg) {
    (void)opaque;
    (void)level;
    /* Connection refusals are the verdict's business; the details only on request. */
    sl_log(SL_LOG_DEBUG, "check", "%s", msg);
}

static int check_kafka(check_t *c, const cmd_props_t *kafka) {
    static const sl_console_kafka_log_t log = {kafka_log, NULL};
    const char *props[2 * 256 + 2] = {0};
    char err[512];
    for (size_t i = 0; i < 2 * kafka->n; i++)
        props[i] = kafka->kv[i];
    rd_kafka_t *rk = sl_console_kafka_new(c->brokers, props, "sluice-check", &log, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "sluice check: %s\n", err);
        return -1;
    }
    const sl_console_kafka_limits_t lim = {c->timeout_ms, 10000, 10000, 100000, ".dlq"};
    if (sl_console_kafka_gather(rk, c->snap, &lim) != 0) {
        problem(c, "Kafka at %s did not answer within %.1f s: %s", c->brokers,
                c->timeout_ms / 1000.0, c->snap->kafka_error ? c->snap->kafka_error : "?");
    } else {
        if (c->snap->groups_error)
            problem(c, "Kafka consumer groups: %s", c->snap->groups_error);
        if (*c->topic && !sl_console_snap_topic(c->snap, c->topic))
            problem(c, "topic %s does not exist", c->topic);
        for (size_t i = 0; i < c->snap->n_topics; i++) {
            const sl_console_topic_t *t = &c->snap->topics[i];
            if (t->err && (!*c->topic || !strcmp(t->name, c->topic)))
                problem(c, "topic %s: %s", t->name, rd_kafka_err2str((rd_kafka_resp_err_t)t->err));
        }
        if (c->snap->topics_capped)
            problem(c, "more than 10000 topics or 100000 partitions: not all are shown");
    }
    rd_kafka_destroy(rk);
    return 0;
}

/* 1 when query (with the one or two text values bound) returns a row, 0 when not, -1 on
 * failure with err filled. */
static int row_exists(cql_session_t *s, const char *query, const char *a, const char *b,
                      int timeout_ms, char *err, size_t err_size) {
    cql_stmt_t *st = cql_stmt_new(query, b ? 2 : 1);
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    cql_stmt_bind_text(st, 0, a);
    if (b)
        cql_stmt_bind_text(st, 1, b);
    cql_stmt_set_consistency(st, CQL_CONSISTENCY_ONE);
    cql_stmt_set_timeout_ms(st, timeout_ms);
    cql_result_t *r = NULL;
    cql_err_t e = cql_session_execute(s, st, timeout_ms, &r, err, err_size);
    cql_stmt_free(st);
    if (e != CQL_OK)
        return -1;
    cql_err_t rerr = CQL_OK;
    int rc = r && cql_result_next_row(r, &rerr) ? 1 : 0;
    cql_result_free(r);
    return rc;
}

static int check_cassandra(check_t *c, const sl_config_t *cfg) {
    char err[512] = "";
    cql_conf_t *cc = cmd_cql_conf(cfg, c->hosts, err, sizeof err);
    if (!cc) {
        fprintf(stderr, "sluice check: %s\n", err);
        return -1;
    }
    cql_session_t *s = NULL;
    if (cql_session_new(cc, &s, err, sizeof err) != CQL_OK) {
        fprintf(stderr, "sluice check: CQL session: %s\n", err);
        return -1;
    }
    c->cass_checked = 1;
    if (cql_session_connect_wait(s, c->timeout_ms, err, sizeof err) != CQL_OK) {
        c->cass_error = sl_console_arena_strdup(c->snap->arena, err);
        problem(c, "Cassandra at %s is not reachable: %s", c->hosts, err);
        cql_session_free(s);
        return 0;
    }
    sl_console_cass_gather(s, c->snap, c->timeout_ms);
    int ks =
        row_exists(s, "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
                   c->keyspace, NULL, c->timeout_ms, err, sizeof err);
    int tb = ks == 1 ? row_exists(s,
                                  "SELECT table_name FROM system_schema.tables WHERE "
                                  "keyspace_name = ? AND table_name = ?",
                                  c->keyspace, c->table, c->timeout_ms, err, sizeof err)
                     : 0;
    c->keyspace_present = ks == 1;
    c->table_present = tb == 1;
    char name[128];
    snprintf(name, sizeof name, "%s.%s", c->keyspace, c->table);
    if (ks < 0 || tb < 0) {
        c->cass_error = sl_console_arena_strdup(c->snap->arena, err);
        problem(c, "Cassandra at %s: reading the schema failed: %s", c->hosts, err);
    } else if (!ks) {
        problem(c, "keyspace %s does not exist in Cassandra (sluice schema creates it)",
                c->keyspace);
    } else if (!tb) {
        problem(c, "table %s does not exist in Cassandra (sluice schema creates it)", name);
    }
    cql_session_free(s);
    return 0;
}

static void check_registry(check_t *c) {
    char url[2048];
    snprintf(url, sizeof url, "%s/subjects", c->registry);
    sl_console_probe_t req = {.url = url, .max_body = 4 << 20, .ca_file = c->registry_ca};
    sl_console_probe_run(&req, 1, c->timeout_ms);
    c->registry_status = req.status;
    snprintf(c->registry_error, sizeof c->registry_error, "%s", req.error);
    if (req.status != 200) {
        char what[200];
        if (req.status)
            snprintf(what, sizeof what, "answered HTTP %d", req.status);
        else
            snprintf(what, sizeof what, "did not answer: %s", req.error);
        problem(c, "schema registry at %s %s", url, what);
    }
    sl_console_probe_clear(&req, 1);
}

static int topic_shown(const check_t *c, const char *name) {
    return !*c->topic || !strcmp(c->topic, name);
}

static void print_group_text(const check_t *c, const sl_console_group_t *g) {
    printf("  %s  state=%s  members=%zu\n", g->id, g->state ? g->state : "?", g->n_members);
    if (g->error)
        printf("    error: %s\n", g->error);
    const char *cur = NULL;
    for (size_t k = 0; k < g->n_offsets; k++) {
        const sl_console_committed_t *o = &g->offsets[k];
        if (!topic_shown(c, o->topic))
            continue;
        const sl_console_topic_t *t = sl_console_snap_topic(c->snap, o->topic);
        if (!cur || strcmp(cur, o->topic)) {
            int parts = 0;
            int64_t lag = t ? sl_console_snap_lag(g, t, &parts) : -1;
            printf("    %s  lag=%lld\n", o->topic, (long long)lag);
            cur = o->topic;
        }
        int64_t high = sl_console_snap_high(t, o->partition);
        long long lag = o->committed >= 0 && high >= 0 ? (long long)(high - o->committed) : -1;
        printf("      partition %d  committed=%lld  high=%lld  lag=%lld\n", o->partition,
               (long long)o->committed, (long long)high, lag < 0 ? -1 : lag);
    }
}

static void print_text(const check_t *c) {
    const sl_console_snap_t *s = c->snap;
    if (s->kafka_ok) {
        printf("kafka %s\n", c->brokers);
        printf("brokers (%zu):\n", s->n_brokers);
        for (size_t i = 0; i < s->n_brokers; i++)
            printf("  %d  %s:%d%s\n", s->brokers[i].id, s->brokers[i].host, s->brokers[i].port,
                   s->brokers[i].id == s->controller ? "  (controller)" : "");
        size_t shown = 0;
        for (size_t i = 0; i < s->n_topics; i++)
            shown += topic_shown(c, s->topics[i].name);
        printf("topics (%zu):\n", shown);
        for (size_t i = 0; i < s->n_topics; i++) {
            const sl_console_topic_t *t = &s->topics[i];
            if (!topic_shown(c, t->name))
                continue;
            printf("  %s  partitions=%d\n", t->name, t->n_partitions);
            for (int p = 0; p < t->n_partitions; p++)
                printf("    partition %d  leader=%d  low=%lld  high=%lld\n", t->partitions[p].id,
                       t->partitions[p].leader, (long long)t->partitions[p].low,
                       (long long)t->partitions[p].high);
        }
        printf("consumer groups (%zu):\n", s->n_groups);
        for (size_t i = 0; i < s->n_groups; i++)
            print_group_text(c, &s->groups[i]);
    }
    if (c->cass_checked) {
        printf("cassandra %s: %s", c->hosts, c->cass_error ? "not healthy" : "reachable");
        if (s->cassandra.configured)
            printf(", %zu of %zu hosts up", s->cassandra.up, s->cassandra.hosts);
        printf("\n  keyspace %s: %s\n  table %s.%s: %s\n", c->keyspace,
               c->keyspace_present ? "present" : "missing", c->keyspace, c->table,
               c->table_present ? "present" : "missing");
    }
    if (*c->registry)
        printf("registry %s: HTTP %d\n", c->registry, c->registry_status);
    for (size_t i = 0; i < c->n_problems; i++)
        fprintf(stderr, "problem: %s\n", c->problems[i]);
    printf("result: %s\n", c->n_problems ? "problems found" : "healthy");
}

static void json_kstr_or_null(sl_console_json_t *j, const char *key, const char *v) {
    sl_console_json_key(j, key);
    if (v && *v)
        sl_console_json_str(j, v);
    else
        sl_console_json_null(j);
}

static void json_topics(sl_console_json_t *j, const check_t *c) {
    const sl_console_snap_t *s = c->snap;
    sl_console_json_key(j, "topics");
    sl_console_json_arr(j);
    for (size_t i = 0; i < s->n_topics; i++) {
        const sl_console_topic_t *t = &s->topics[i];
        if (!topic_shown(c, t->name))
            continue;
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "name", t->name);
        json_kstr_or_null(j, "error",
                          t->err ? rd_kafka_err2str((rd_kafka_resp_err_t)t->err) : NULL);
        sl_console_json_key(j, "partitions");
        sl_console_json_arr(j);
        for (int p = 0; p < t->n_partitions; p++) {
            sl_console_json_obj(j);
            sl_console_json_kint(j, "partition", t->partitions[p].id);
            sl_console_json_kint(j, "leader", t->partitions[p].leader);
            sl_console_json_kint(j, "low", t->partitions[p].low);
            sl_console_json_kint(j, "high", t->partitions[p].high);
            sl_console_json_obj_end(j);
        }
        sl_console_json_arr_end(j);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
}

static void json_groups(sl_console_json_t *j, const check_t *c) {
    const sl_console_snap_t *s = c->snap;
    sl_console_json_key(j, "groups");
    sl_console_json_arr(j);
    for (size_t i = 0; i < s->n_groups; i++) {
        const sl_console_group_t *g = &s->groups[i];
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "id", g->id);
        json_kstr_or_null(j, "state", g->state);
        sl_console_json_kint(j, "members", (int64_t)g->n_members);
        json_kstr_or_null(j, "error", g->error);
        sl_console_json_key(j, "offsets");
        sl_console_json_arr(j);
        for (size_t k = 0; k < g->n_offsets; k++) {
            const sl_console_committed_t *o = &g->offsets[k];
            if (!topic_shown(c, o->topic))
                continue;
            const sl_console_topic_t *t = sl_console_snap_topic(s, o->topic);
            int64_t high = sl_console_snap_high(t, o->partition);
            sl_console_json_obj(j);
            sl_console_json_kstr(j, "topic", o->topic);
            sl_console_json_kint(j, "partition", o->partition);
            sl_console_json_kint(j, "committed", o->committed);
            sl_console_json_kint(j, "high", high);
            sl_console_json_kint(j, "lag",
                                 o->committed >= 0 && high >= 0 ? high - o->committed : -1);
            sl_console_json_obj_end(j);
        }
        sl_console_json_arr_end(j);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
}

static void json_kafka(sl_console_json_t *j, const check_t *c) {
    const sl_console_snap_t *s = c->snap;
    sl_console_json_key(j, "kafka");
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "bootstrap", c->brokers);
    sl_console_json_kbool(j, "reachable", s->kafka_ok);
    json_kstr_or_null(j, "error", s->kafka_error);
    sl_console_json_kint(j, "controller", s->kafka_ok ? s->controller : -1);
    sl_console_json_key(j, "brokers");
    sl_console_json_arr(j);
    for (size_t i = 0; i < s->n_brokers; i++) {
        sl_console_json_obj(j);
        sl_console_json_kint(j, "id", s->brokers[i].id);
        sl_console_json_kstr(j, "host", s->brokers[i].host);
        sl_console_json_kint(j, "port", s->brokers[i].port);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
    json_topics(j, c);
    json_groups(j, c);
    sl_console_json_obj_end(j);
}

static int print_json(const check_t *c) {
    const sl_console_snap_t *s = c->snap;
    sl_console_json_t j;
    sl_console_json_init(&j, 64u << 20);
    sl_console_json_obj(&j);
    sl_console_json_kbool(&j, "healthy", c->n_problems == 0);
    sl_console_json_key(&j, "problems");
    sl_console_json_arr(&j);
    for (size_t i = 0; i < c->n_problems; i++)
        sl_console_json_str(&j, c->problems[i]);
    sl_console_json_arr_end(&j);
    json_kafka(&j, c);
    sl_console_json_key(&j, "cassandra");
    sl_console_json_obj(&j);
    sl_console_json_kbool(&j, "checked", c->cass_checked);
    json_kstr_or_null(&j, "hosts", c->hosts);
    sl_console_json_kbool(&j, "reachable", c->cass_checked && s->cassandra.configured);
    sl_console_json_kint(&j, "hosts_known", (int64_t)s->cassandra.hosts);
    sl_console_json_kint(&j, "hosts_up", (int64_t)s->cassandra.up);
    sl_console_json_kstr(&j, "keyspace", c->keyspace);
    sl_console_json_kbool(&j, "keyspace_present", c->keyspace_present);
    sl_console_json_kstr(&j, "table", c->table);
    sl_console_json_kbool(&j, "table_present", c->table_present);
    json_kstr_or_null(&j, "error", c->cass_error);
    sl_console_json_obj_end(&j);
    sl_console_json_key(&j, "registry");
    sl_console_json_obj(&j);
    sl_console_json_kbool(&j, "checked", *c->registry != 0);
    json_kstr_or_null(&j, "url", c->registry);
    sl_console_json_kbool(&j, "reachable", c->registry_status == 200);
    sl_console_json_kint(&j, "status", c->registry_status);
    json_kstr_or_null(&j, "error", c->registry_error);
    sl_console_json_obj_end(&j);
    sl_console_json_obj_end(&j);
    size_t len = 0;
    char *text = sl_console_json_take(&j, &len);
    if (!text) {
        sl_console_json_free(&j);
        fprintf(stderr, "sluice check: the JSON document grew past 64 MiB\n");
        return -1;
    }
    fwrite(text, 1, len, stdout);
    putchar('\n');
    free(text);
    return 0;
}

int cmd_check(int argc, char **argv) {
    int rc = SL_EXIT_OK;
    sl_config_t *cfg =
        cmd_load_config("sluice check", check_opts, N_CHECK_OPTS, argc, argv, check_usage, &rc);
    if (!cfg)
        return rc;
    check_t *c = calloc(1, sizeof *c);
    cmd_props_t *kafka = calloc(1, sizeof *kafka);
    rc = SL_EXIT_USAGE;
    if (!c || !kafka || cmd_collect_props(cfg, "kafka", kafka) != 0) {
        fprintf(stderr, "sluice check: out of memory or too many -X kafka. properties\n");
        goto out;
    }
    c->brokers = sl_config_str(cfg, "brokers");
    c->topic = sl_config_str(cfg, "topic");
    c->hosts = sl_config_str(cfg, "cassandra");
    c->keyspace = sl_config_str(cfg, "keyspace");
    c->table = sl_config_str(cfg, "table");
    c->registry = sl_config_str(cfg, "registry");
    c->registry_ca = sl_config_str(cfg, "registry-ca");
    c->timeout_ms = (int)(sl_config_num(cfg, "timeout") * 1000);
    if (!sl_schema_name_ok(c->keyspace) || !sl_schema_name_ok(c->table)) {
        fprintf(stderr, "sluice check: keyspace and table must be plain identifiers\n");
        goto out;
    }
    c->snap = sl_console_snap_new(256u << 20);
    if (!c->snap || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "sluice check: out of memory\n");
        rc = SL_EXIT_FAIL;
        goto out;
    }
    if ((rc = cmd_kafka_check("check", c->brokers, kafka)) != SL_EXIT_OK) {
        curl_global_cleanup();
        goto out;
    }
    rc = SL_EXIT_USAGE;
    if (check_kafka(c, kafka) != 0 || (*c->hosts && check_cassandra(c, cfg) != 0)) {
        curl_global_cleanup();
        goto out;
    }
    if (*c->registry)
        check_registry(c);
    curl_global_cleanup();
    rc = c->n_problems ? SL_EXIT_FAIL : SL_EXIT_OK;
    if (sl_config_bool(cfg, "json")) {
        if (print_json(c) != 0)
            rc = SL_EXIT_FAIL;
        for (size_t i = 0; i < c->n_problems; i++)
            fprintf(stderr, "problem: %s\n", c->problems[i]);
    } else {
        print_text(c);
    }
out:
    if (c && c->snap)
        sl_console_snap_free(c->snap);
    free(c);
    free(kafka);
    sl_config_free(cfg);
    return rc;
}
