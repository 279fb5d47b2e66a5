/*
 * sluice process: argv, environment and file into a processor configuration; connect to
 * Cassandra (waiting for it as long as it takes, unless stopped); optionally create the
 * schema; serve /metrics and /healthz; run; print the summary.
 * 0: stopped with everything consumed stored or dead-lettered and committed; 1: not;
 * 2: usage or configuration error.
 */
#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_schema.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_http.h"
#include "sl_log.h"
#include "sl_processor.h"
#include "sl_schema.h"
#include "sl_time.h"

static const sl_config_opt_t process_opts[] = {
    {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers"},
    {"topic", 't', SL_OPT_STR, "users_created", 0, -1, "NAME", "Kafka topic to consume"},
    {"group", 'g', SL_OPT_STR, "sluice-process", 0, -1, "ID", "Kafka consumer group"},
    {"dlq-topic", 0, SL_OPT_STR, "", 0, -1, "NAME", "dead-letter topic (default TOPIC.dlq)"},
    {"cassandra", 'c', SL_OPT_STR, "127.0.0.1:9042", 0, -1, "HOSTS",
     "Cassandra contact points, comma separated host[:port]"},
    {"keyspace", 'k', SL_OPT_STR, "spark_streams", 0, -1, "NAME", "Cassandra keyspace"},
    {"table", 0, SL_OPT_STR, "created_users", 0, -1, "NAME", "Cassandra table"},
    {"consistency", 0, SL_OPT_STR, "local_quorum", 0, -1, "LEVEL",
     "write consistency: one, quorum, local_quorum, all, ..."},
    {"max-inflight", 0, SL_OPT_INT, "1024", 1, 65536, "N", "Cassandra writes in flight at most"},
    {"commit-interval", 0, SL_OPT_NUM, "1", 0.01, 3600, "S", "how often offsets are committed"},
    {"drain-timeout", 0, SL_OPT_NUM, "8", 0.1, 3600, "S",
     "how long a rebalance or shutdown waits for in-flight writes"},
    {"connect-timeout", 0, SL_OPT_NUM, "0", 0, 86400, "S",
     "give up when Cassandra cannot be reached for this long at start (0: keep trying)"},
    {"create-schema", 0, SL_OPT_BOOL, "false", 0, -1, NULL,
     "create topics, keyspace and table first (as `sluice schema`)"},
    {"partitions", 0, SL_OPT_INT, "6", 1, 10000, "N", "with --create-schema: topic partitions"},
    {"replication", 0, SL_OPT_INT, "1", 1, 32, "N", "with --create-schema: topic replication"},
    {"keyspace-replication", 0, SL_OPT_STR, "{'class': 'SimpleStrategy', 'replication_factor': 1}",
     0, -1, "MAP", "with --create-schema: replication of a new keyspace"},
    {"max-messages", 0, SL_OPT_INT, "0", 0, 1e15, "N", "stop after N messages (0: no limit)"},
    {"idle-exit", 0, SL_OPT_NUM, "0", 0, 86400, "S",
     "stop once caught up and idle for S seconds (0: run until a signal)"},
    CMD_OPTS_HTTP_PROGRESS,
    CMD_OPTS_LOGGING,
};
#define N_PROCESS_OPTS (sizeof process_opts / sizeof process_opts[0])

static volatile sig_atomic_t g_stop;

static void process_usage(FILE *out) {
    char buf[8192];
    sl_config_usage(process_opts, N_PROCESS_OPTS, buf, sizeof buf);
    fprintf(out,
            "usage: sluice process [options]\n"
            "\n"
            "Consumes user records from Kafka as a member of a consumer group, validates them\n"
            "and writes them to Cassandra; invalid ones go to the dead-letter topic with the\n"
            "reason in a header. Offsets are committed only behind rows that are stored, so a\n"
            "crash loses nothing. Run more processes with the same --group to scale out.\n"
            "Every option may also come from the environment (SLUICE_<NAME>) or a config\n"
            "file (-F). Pass librdkafka properties as -X kafka.<name>=<value> and CQL client\n"
            "properties as -X cql.<name>=<value> (cql.username, cql.password, cql.tls, ...).\n"
            "\n%s\n"
            "Exit codes: 0 stopped cleanly with everything consumed stored and committed,\n"
            "1 something consumed was not stored (it stays uncommitted), 2 usage.\n",
            buf);
}

/* What /metrics serves: a copy taken on the loop thread every tick. */
typedef struct {
    pthread_mutex_t lock;
    sl_processor_stats_t st;
    sl_writer_stats_t ws;
    size_t in_flight;
    int cassandra_hosts_up;
    struct {
        char addr[80], dc[64];
        uint64_t requests;
    } hosts[32]; /* the session's per-host counters, for the first 32 hosts */
    size_t n_hosts;
    double started_s;
    const char *topic;
    int progress;
    int line_shown;
    uint64_t last_consumed;
    double last_t, rate;
} shared_t;

typedef struct {
    shared_t *sh;
    const sl_processor_t *proc;
    cql_session_t *session;
} tick_ctx_t;

static double now_s(void) {
    return (double)sl_now_us() / 1e6;
}

static void on_tick(void *opaque, const sl_processor_stats_t *st) {
    tick_ctx_t *t = opaque;
    shared_t *sh = t->sh;
    pthread_mutex_lock(&sh->lock);
    sh->st = *st;
    sh->ws = *sl_processor_writer_stats(t->proc);
    sh->in_flight = sl_processor_in_flight(t->proc);
    sh->cassandra_hosts_up = (int)cql_session_hosts_up(t->session);
    cql_host_info_t hi;
    sh->n_hosts = 0;
    for (size_t i = 0; sh->n_hosts < 32 && cql_session_host_info(t->session, i, &hi); i++) {
        size_t k = sh->n_hosts++;
        snprintf(sh->hosts[k].addr, sizeof sh->hosts[k].addr, "%s:%d", hi.address, hi.port);
        /* the server's datacenter name goes into a label: keep it to safe characters */
        snprintf(sh->hosts[k].dc, sizeof sh->hosts[k].dc, "%s", hi.datacenter);
        for (char *c = sh->hosts[k].dc; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
                *c = '_';
        sh->hosts[k].requests = hi.requests;
    }
    pthread_mutex_unlock(&sh->lock);

    double now = now_s();
    double dt = now - sh->last_t;
    if (dt >= 0.2) {
        double inst = (double)(st->consumed - sh->last_consumed) / dt;
        sh->rate = sh->last_t == 0 ? inst : 0.5 * sh->rate + 0.5 * inst;
        sh->last_consumed = st->consumed;
        sh->last_t = now;
    }
    if (!sh->progress)
        return;
    int64_t lag = 0;
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (st->is_assigned[i] && st->high_watermark[i] >= 0 && st->committed[i] >= 0)
            lag += st->high_watermark[i] - st->committed[i];
    }
    fprintf(stderr,
            "\r\033[Kconsumed %" PRIu64 "  written %" PRIu64 "  dead-lettered %" PRIu64
            "  in flight %zu  lag %" PRId64 "  partitions %d  %.0f msg/s",
            st->consumed, st->written, st->dead_lettered, sh->in_flight, lag, st->assigned,
            sh->rate);
    fflush(stderr);
    sh->line_shown = 1;
}

/* Requests per Cassandra host as coordinator: where token- and DC-aware routing sent them. */
static void render_host_metrics(sl_http_response_t *resp, shared_t *sh) {
    sl_http_response_printf(resp, "# HELP sluice_process_cassandra_requests_total Requests sent "
                                  "to each Cassandra host as coordinator, retries included.\n"
                                  "# TYPE sluice_process_cassandra_requests_total counter\n");
    pthread_mutex_lock(&sh->lock);
    for (size_t i = 0; i < sh->n_hosts; i++)
        sl_http_response_printf(resp,
                                "sluice_process_cassandra_requests_total{host=\"%s\",dc=\"%s\"} "
                                "%" PRIu64 "\n",
                                sh->hosts[i].addr, sh->hosts[i].dc, sh->hosts[i].requests);
    pthread_mutex_unlock(&sh->lock);
}

static void render_metrics(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    shared_t *sh = opaque;
    pthread_mutex_lock(&sh->lock);
    sl_processor_stats_t *st = malloc(sizeof *st);
    sl_writer_stats_t ws = sh->ws;
    size_t in_flight = sh->in_flight;
    int hosts_up = sh->cassandra_hosts_up;
    if (st)
        *st = sh->st;
    pthread_mutex_unlock(&sh->lock);
    if (!st) {
        sl_http_response_status(resp, 500);
        return;
    }
    sl_http_response_content_type(resp, "text/plain; version=0.0.4");
    render_host_metrics(resp, sh);
    sl_http_response_printf(
        resp,
        "# HELP sluice_process_messages_consumed_total Messages taken from Kafka.\n"
        "# TYPE sluice_process_messages_consumed_total counter\n"
        "sluice_process_messages_consumed_total %" PRIu64 "\n"
        "# HELP sluice_process_rows_written_total Rows acknowledged by Cassandra.\n"
        "# TYPE sluice_process_rows_written_total counter\n"
        "sluice_process_rows_written_total %" PRIu64 "\n"
        "# HELP sluice_process_write_retries_total Cassandra writes sent again after an error.\n"
        "# TYPE sluice_process_write_retries_total counter\n"
        "sluice_process_write_retries_total %" PRIu64 "\n"
        "# HELP sluice_process_write_errors_total Failed Cassandra write attempts by kind.\n"
        "# TYPE sluice_process_write_errors_total counter\n"
        "sluice_process_write_errors_total{kind=\"timeout\"} %" PRIu64 "\n"
        "sluice_process_write_errors_total{kind=\"unavailable\"} %" PRIu64 "\n"
        "sluice_process_write_errors_total{kind=\"connection\"} %" PRIu64 "\n"
        "sluice_process_write_errors_total{kind=\"other\"} %" PRIu64 "\n"
        "# HELP sluice_process_writes_in_flight Cassandra writes not yet acknowledged.\n"
        "# TYPE sluice_process_writes_in_flight gauge\n"
        "sluice_process_writes_in_flight %zu\n"
        "# HELP sluice_process_commits_total Offset commits issued.\n"
        "# TYPE sluice_process_commits_total counter\n"
        "sluice_process_commits_total %" PRIu64 "\n"
        "sluice_process_commit_failures_total %" PRIu64 "\n"
        "# HELP sluice_process_rebalances_total Partition assignments and revocations.\n"
        "# TYPE sluice_process_rebalances_total counter\n"
        "sluice_process_rebalances_total %" PRIu64 "\n"
        "# HELP sluice_process_partitions_assigned Partitions this member owns.\n"
        "# TYPE sluice_process_partitions_assigned gauge\n"
        "sluice_process_partitions_assigned %d\n"
        "# HELP sluice_process_cassandra_hosts_up Cassandra hosts with a ready connection.\n"
        "# TYPE sluice_process_cassandra_hosts_up gauge\n"
        "sluice_process_cassandra_hosts_up %d\n"
        "# HELP sluice_process_dead_lettered_total Messages acknowledged on the dead-letter "
        "topic, by reason.\n"
        "# TYPE sluice_process_dead_lettered_total counter\n",
        st->consumed, st->written, ws.retries, ws.errors_by_kind[0], ws.errors_by_kind[1],
        ws.errors_by_kind[2], ws.errors_by_kind[3], in_flight, st->commits, st->commit_failures,
        st->rebalances, st->assigned, hosts_up);
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        sl_http_response_printf(resp,
                                "sluice_process_dead_lettered_total{reason=\"%s\"} %" PRIu64 "\n",
                                sl_reject_name((sl_reject_t)r), st->dead_by_reason[r]);
    sl_http_response_printf(resp, "# HELP sluice_process_lag_messages Messages behind the end "
                                  "of each assigned partition (from the last commit).\n"
                                  "# TYPE sluice_process_lag_messages gauge\n");
    for (int i = 0; i < SL_PROCESSOR_MAX_PARTITIONS; i++) {
        if (!st->is_assigned[i] || st->high_watermark[i] < 0)
            continue;
        int64_t base = st->committed[i] >= 0 ? st->committed[i] : 0;
        sl_http_response_printf(
            resp, "sluice_process_lag_messages{topic=\"%s\",partition=\"%d\"} %" PRId64 "\n",
            sh->topic, i, st->high_watermark[i] - base);
    }
    char buf[4096];
    size_t len = 0;
    sl_http_response_printf(resp, "# HELP sluice_process_cql_write_seconds One Cassandra write "
                                  "attempt, request to acknowledgement.\n"
                                  "# TYPE sluice_process_cql_write_seconds histogram\n");
    if (sl_hist_render(&ws.latency, "sluice_process_cql_write_seconds", NULL, buf, sizeof buf,
                       &len) == 0)
        sl_http_response_append(resp, buf, len);
    len = 0;
    sl_http_response_printf(resp, "# HELP sluice_process_end_to_end_seconds Kafka message "
                                  "timestamp to Cassandra acknowledgement.\n"
                                  "# TYPE sluice_process_end_to_end_seconds histogram\n");
    if (sl_hist_render(&st->e2e, "sluice_process_end_to_end_seconds", NULL, buf, sizeof buf,
                       &len) == 0)
        sl_http_response_append(resp, buf, len);
    free(st);
}

static void render_health(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    shared_t *sh = opaque;
    pthread_mutex_lock(&sh->lock);
    int up = sh->cassandra_hosts_up;
    int assigned = sh->st.assigned;
    pthread_mutex_unlock(&sh->lock);
    sl_http_response_content_type(resp, "application/json");
    sl_http_response_status(resp, up > 0 ? 200 : 503);
    sl_http_response_printf(resp,
                            "{\"status\":\"%s\",\"cassandra_hosts_up\":%d,"
                            "\"partitions_assigned\":%d}\n",
                            up > 0 ? "ok" : "cassandra_down", up, assigned);
}

static void print_summary(const sl_processor_stats_t *st, const sl_writer_stats_t *ws,
                          double elapsed, const char *verdict, int json) {
    if (json) {
        double active = st->last_done_us > st->first_message_us && st->first_message_us
                            ? (double)(st->last_done_us - st->first_message_us) / 1e6
                            : 0.0;
        printf("{\"summary\":{\"elapsed_s\":%.3f,\"active_s\":%.3f,\"consumed\":%" PRIu64
               ",\"written\":%" PRIu64 ",\"dead_lettered\":%" PRIu64 ",\"write_retries\":%" PRIu64
               ",\"commits\":%" PRIu64 ",\"rebalances\":%" PRIu64
               ",\"e2e_p50_s\":%.6f,\"e2e_p99_s\":%.6f},\"result\":\"%s\"}\n",
               elapsed, active, st->consumed, st->written, st->dead_lettered, ws->retries,
               st->commits, st->rebalances, sl_hist_quantile(&st->e2e, 0.5),
               sl_hist_quantile(&st->e2e, 0.99), verdict);
        fflush(stdout);
        return;
    }
    printf("process summary (%.1f s, %.0f msg/s)\n", elapsed,
           elapsed > 0 ? (double)st->consumed / elapsed : 0.0);
    printf("  consumed           %" PRIu64 "\n", st->consumed);
    printf("  written            %" PRIu64 " (retries %" PRIu64 ")\n", st->written, ws->retries);
    printf("  dead-lettered      %" PRIu64 "\n", st->dead_lettered);
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        if (st->dead_by_reason[r])
            printf("    %-16s %" PRIu64 "\n", sl_reject_name((sl_reject_t)r),
                   st->dead_by_reason[r]);
    printf("  commits            %" PRIu64 " (failed %" PRIu64 ")\n", st->commits,
           st->commit_failures);
    printf("  rebalances         %" PRIu64 "\n", st->rebalances);
    printf("  cql write p50/p99  %.1f / %.1f ms\n", sl_hist_quantile(&ws->latency, 0.5) * 1e3,
           sl_hist_quantile(&ws->latency, 0.99) * 1e3);
    printf("  end-to-end p50/p99 %.1f / %.1f ms\n", sl_hist_quantile(&st->e2e, 0.5) * 1e3,
           sl_hist_quantile(&st->e2e, 0.99) * 1e3);
    printf("  result             %s\n", verdict);
    fflush(stdout);
}

/* Connects, retrying with a growing pause until it works, the deadline passes or a signal. */
static int connect_cassandra(cql_session_t *s, const char *hosts, double give_up_s) {
    double start = now_s();
    int delay_ms = 500;
    char err[512];
    for (int attempt = 1;; attempt++) {
        if (cql_session_connect_wait(s, 5000, err, sizeof err) == CQL_OK)
            return 0;
        if (g_stop)
            return -1;
        if (give_up_s > 0 && now_s() - start >= give_up_s) {
            sl_log(SL_LOG_ERROR, "process", "Cassandra at %s unreachable for %.0f s: %s", hosts,
                   give_up_s, err);
            return -1;
        }
        sl_log(SL_LOG_WARN, "process", "Cassandra at %s not reachable (attempt %d): %s; retrying",
               hosts, attempt, err);
        for (int waited = 0; waited < delay_ms && !g_stop; waited += 100)
            usleep(100 * 1000);
        if (delay_ms < 10000)
            delay_ms *= 2;
    }
}

int cmd_process(int argc, char **argv) {
    int rc = SL_EXIT_OK;
    sl_config_t *cfg = cmd_load_config("sluice process", process_opts, N_PROCESS_OPTS, argc, argv,
                                       process_usage, &rc);
    if (!cfg)
        return rc;
    char err[1024] = "";
    const char *progress = sl_config_str(cfg, "progress");
    cql_consistency_t consistency;
    if (strcmp(progress, "auto") && strcmp(progress, "always") && strcmp(progress, "never")) {
        fprintf(stderr, "sluice process: --progress takes auto, always or never\n");
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    if (cql_consistency_parse(sl_config_str(cfg, "consistency"), &consistency) != 0) {
        fprintf(stderr, "sluice process: unknown consistency '%s'\n",
                sl_config_str(cfg, "consistency"));
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    const char *keyspace = sl_config_str(cfg, "keyspace");
    const char *table = sl_config_str(cfg, "table");
    if (!sl_schema_name_ok(keyspace) || !sl_schema_name_ok(table)) {
        fprintf(stderr, "sluice process: keyspace and table must be plain identifiers\n");
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    const char *topic = sl_config_str(cfg, "topic");
    char dlq[512];
    const char *dlq_opt = sl_config_str(cfg, "dlq-topic");
    if (dlq_opt && *dlq_opt)
        snprintf(dlq, sizeof dlq, "%s", dlq_opt);
    else
        snprintf(dlq, sizeof dlq, "%s.dlq", topic);

    cmd_props_t *kafka = calloc(1, sizeof *kafka);
    sl_kv_t *kv = calloc(256, sizeof *kv);
    if (!kafka || !kv || cmd_collect_props(cfg, "kafka", kafka) != 0) {
        fprintf(stderr, "sluice process: too many -X kafka. properties\n");
        free(kafka);
        free(kv);
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    for (size_t i = 0; i < kafka->n; i++)
        kv[i] = (sl_kv_t){kafka->kv[2 * i], kafka->kv[2 * i + 1]};

    const char *hosts = sl_config_str(cfg, "cassandra");
    cql_conf_t *cc = cmd_cql_conf(cfg, hosts, err, sizeof err);
    if (!cc) {
        fprintf(stderr, "sluice process: %s\n", err);
        free(kafka);
        free(kv);
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }

    cmd_catch_signals(&g_stop);
    shared_t sh = {.topic = topic, .started_s = now_s()};
    pthread_mutex_init(&sh.lock, NULL);
    sl_hist_init_latency(&sh.st.e2e);
    sl_hist_init_latency(&sh.ws.latency);
    sh.progress =
        strcmp(progress, "always") == 0 || (strcmp(progress, "auto") == 0 && isatty(STDERR_FILENO));

    sl_http_server_t *http = NULL;
    const char *listen = sl_config_str(cfg, "http");
    if (listen && *listen) {
        sl_http_conf_t hc = {.listen = listen, .threads = 1};
        if (sl_http_server_new(&hc, &http, err, sizeof err) != SL_HTTP_OK ||
            sl_http_server_route(http, "GET", "/metrics", render_metrics, &sh) != SL_HTTP_OK ||
            sl_http_server_route(http, "GET", "/healthz", render_health, &sh) != SL_HTTP_OK ||
            sl_http_server_start(http, err, sizeof err) != SL_HTTP_OK) {
            fprintf(stderr, "sluice process: --http %s: %s\n", listen, err);
            sl_http_server_free(http);
            cql_conf_free(cc);
            free(kafka);
            free(kv);
            sl_config_free(cfg);
            return SL_EXIT_USAGE;
        }
        sl_log(SL_LOG_INFO, "process", "metrics on http://%s:%u/metrics", sl_http_server_host(http),
               (unsigned)sl_http_server_port(http));
    }

    cql_session_t *session = NULL;
    sl_processor_t *proc = NULL;
    const char *verdict = "failed";
    rc = SL_EXIT_FAIL;
    if (cql_session_new(cc, &session, err, sizeof err) != CQL_OK) {
        sl_log(SL_LOG_ERROR, "process", "CQL session: %s", err);
        goto out;
    }
    if (connect_cassandra(session, hosts, sl_config_num(cfg, "connect-timeout")) != 0) {
        verdict = g_stop ? "stopped before start" : "Cassandra unreachable";
        rc = g_stop ? SL_EXIT_OK : SL_EXIT_FAIL;
        goto out;
    }
    int timeout_ms = 60000;
    if (sl_config_bool(cfg, "create-schema")) {
        if (schema_ensure_topics(
                sl_config_str(cfg, "brokers"), topic, dlq, (int)sl_config_int(cfg, "partitions"),
                (int)sl_config_int(cfg, "replication"), kafka, timeout_ms, err, sizeof err) != 0 ||
            schema_ensure_cassandra(session, keyspace, table,
                                    sl_config_str(cfg, "keyspace-replication"), timeout_ms, err,
                                    sizeof err) != 0) {
            sl_log(SL_LOG_ERROR, "process", "schema: %s", err);
            goto out;
        }
    }

    sl_processor_conf_t pc = {
        .brokers = sl_config_str(cfg, "brokers"),
        .group = sl_config_str(cfg, "group"),
        .topic = topic,
        .dlq_topic = dlq,
        .kafka = kv,
        .kafka_count = kafka->n,
        .keyspace = keyspace,
        .table = table,
        .consistency = consistency,
        .max_inflight = (size_t)sl_config_int(cfg, "max-inflight"),
        .commit_interval_ms = (int)(sl_config_num(cfg, "commit-interval") * 1000),
        .drain_timeout_ms = (int)(sl_config_num(cfg, "drain-timeout") * 1000),
        .max_messages = sl_config_int(cfg, "max-messages"),
        .idle_exit_ms = (int)(sl_config_num(cfg, "idle-exit") * 1000),
        .stop = &g_stop,
    };
    proc = sl_processor_new(&pc, session, err, sizeof err);
    if (!proc) {
        sl_log(SL_LOG_ERROR, "process", "%s", err);
        rc = strstr(err, "No such configuration property") ? SL_EXIT_USAGE : SL_EXIT_FAIL;
        goto out;
    }
    sl_log(SL_LOG_INFO, "process", "consuming %s as group %s into %s.%s (dead letters to %s)",
           topic, pc.group, keyspace, table, dlq);
    tick_ctx_t tc = {&sh, proc, session};
    int run = sl_processor_run(proc, on_tick, &tc, err, sizeof err);
    if (sh.line_shown)
        fputs("\r\033[K", stderr);
    if (run != 0) {
        sl_log(SL_LOG_ERROR, "process", "%s", err);
    } else {
        verdict = "ok";
        rc = SL_EXIT_OK;
    }
    print_summary(sl_processor_stats(proc), sl_processor_writer_stats(proc), now_s() - sh.started_s,
                  verdict, sl_config_str(cfg, "log-format")[0] == 'j');
out:
    sl_processor_free(proc);
    sl_http_server_free(http);
    cql_session_free(session);
    pthread_mutex_destroy(&sh.lock);
    free(kafka);
    free(kv);
    sl_config_free(cfg);
    return rc;
}
