/*
 * sluice process: argv, environment and file into a processor configuration (parse_args);
 * then connect to Cassandra (retrying with backoff until --connect-timeout, or a signal),
 * optionally create the schema, serve /metrics and /healthz, run the processor and print
 * the summary (run_processor). The processor and the schema module report through log
 * callbacks; this file routes them to sl_log.
 * /healthz says "degraded" while the processor reports its writes stalled.
 * 0: stopped with everything consumed stored or dead-lettered and committed; 1: not, or
 * Kafka (--metadata-timeout) or Cassandra (--connect-timeout) not reached at start;
 * 2: usage or configuration error (a librdkafka property included).
 */
#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_registry.h"
#include "cmd_kafka.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_backoff.h"
#include "sl_http.h"
#include "sl_log.h"
#include "sl_processor.h"
#include "sl_schema.h"
#include "sl_time.h"

static const sl_config_opt_t process_opts[] = {
    CMD_OPT_BROKERS,
    CMD_OPT_TOPIC("Kafka topic to consume"),
    {"group", 'g', SL_OPT_STR, "sluice-process", 0, -1, "ID", "Kafka consumer group"},
    CMD_OPT_DLQ_TOPIC("dead-letter topic (default TOPIC.dlq)"),
    {"dlq", 0, SL_OPT_PROPS, NULL, 0, -1, "PROP=VALUE",
     "librdkafka property of the dead-letter producer only (repeatable)"},
    CMD_OPT_CASSANDRA("Cassandra contact points, comma separated host[:port]"),
    CMD_OPT_KEYSPACE("Cassandra keyspace"),
    CMD_OPT_TABLE("Cassandra table"),
    {"consistency", 0, SL_OPT_STR, "local_quorum", 0, -1, "LEVEL",
     "write consistency: one, quorum, local_quorum, all, ..."},
    {"max-inflight", 0, SL_OPT_INT, "256", 1, 65536, "N", "Cassandra writes in flight at most"},
    {"prefetch-kbytes", 0, SL_OPT_INT, "1024", 1024, 1048576, "KB",
     "Kafka messages fetched ahead at most (librdkafka's queued.max.messages.kbytes and "
     "fetch.max.bytes; fetch.message.max.bytes a quarter of it, at most 1 MB): consumption "
     "stalls beyond"},
    {"fetch-wakeup", 0, SL_OPT_NUM, "0.01", 0, 1, "S",
     "for a second after the prefetch was half full, while it holds less, wake librdkafka's "
     "fetcher (a watermark request to the leader) at most this often (0: never; it then "
     "re-checks once a second)"},
    {"dlq-buffer-kbytes", 0, SL_OPT_INT, "16384", 1024, 1048576, "KB",
     "dead letters waiting for Kafka's acknowledgement at most: consumption stalls beyond "
     "(the producer's queue.buffering.max.kbytes is this plus 8 MB, the largest dead letter)"},
    {"commit-interval", 0, SL_OPT_NUM, "1", 0.01, 3600, "S", "how often offsets are committed"},
    {"drain-timeout", 0, SL_OPT_NUM, "8", 0.1, 3600, "S",
     "how long a rebalance or shutdown waits for in-flight writes"},
    {"connect-timeout", 0, SL_OPT_NUM, "0", 0, 86400, "S",
     "give up when Cassandra cannot be reached for this long at start (0: keep trying)"},
    {"metadata-timeout", 0, SL_OPT_NUM, "30", 0, 86400, "S",
     "give up (exit 1) when no Kafka broker answers for this long at start (0: keep trying)"},
    {"stall-timeout", 0, SL_OPT_NUM, "10", 0.1, 3600, "S",
     "writes pending and none acknowledged this long: stalled (/healthz 503 degraded)"},
    {"create-schema", 0, SL_OPT_BOOL, "false", 0, -1, NULL,
     "create topics, keyspace and table first (as `sluice schema`)"},
    {"partitions", 0, SL_OPT_INT, "6", 1, 10000, "N", "with --create-schema: topic partitions"},
    {"replication", 0, SL_OPT_INT, "1", 1, 32, "N", "with --create-schema: topic replication"},
    {"keyspace-replication", 0, SL_OPT_STR, "{'class': 'SimpleStrategy', 'replication_factor': 1}",
     0, -1, "MAP", "with --create-schema: replication of a new keyspace"},
    {"max-messages", 0, SL_OPT_INT, "0", 0, 1e15, "N", "stop after N messages (0: no limit)"},
    {"idle-exit", 0, SL_OPT_NUM, "0", 0, 86400, "S",
     "stop once caught up and idle for S seconds (0: run until a signal)"},
    CMD_OPTS_REGISTRY("schema registry (Confluent API base URL): decode Avro values too"),
    {"registry-lost-wait", 0, SL_OPT_NUM, "60", 0, 86400, "S",
     "an Avro schema id the registry answers 404 for waits this long (its partition held) "
     "before it is dead-lettered as unknown_schema: a registry restarted empty gets that "
     "long to be registered again (0: at once)"},
    CMD_OPTS_HTTP_PROGRESS,
    CMD_OPTS_LOGGING,
};
#define N_PROCESS_OPTS (sizeof process_opts / sizeof process_opts[0])

static volatile sig_atomic_t g_stop;

static void process_usage(FILE *out) {
    cmd_usage(out, process_opts, N_PROCESS_OPTS,
              "usage: sluice process [options]\n"
              "\n"
              "Consumes user records from Kafka as a member of a consumer group, validates them\n"
              "and writes them to Cassandra; invalid ones go to the dead-letter topic with the\n"
              "reason in a header. Offsets are committed only behind rows that are stored, so a\n"
              "crash loses nothing. Run more processes with the same --group to scale out.\n"
              "Every option may also come from the environment (SLUICE_<NAME>) or a config\n"
              "file (-F). Pass librdkafka properties as -X kafka.<name>=<value>: each goes to\n"
              "the consumer and the dead-letter producer where librdkafka says it applies (a\n"
              "consumer-only one such as auto.offset.reset to the consumer alone), and\n"
              "-X dlq.<name>=<value> to the dead-letter producer only. CQL client properties are\n"
              "-X cql.<name>=<value> (cql.username, cql.password, cql.tls, ...).\n",
              "Exit codes: 0 stopped cleanly with everything consumed stored and committed,\n"
              "1 something consumed was not stored (it stays uncommitted), or Kafka or\n"
              "Cassandra could not be reached at start (--metadata-timeout, --connect-timeout),\n"
              "2 usage.\n");
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

/* Everything a run takes from argv, the environment and the file. */
typedef struct {
    sl_config_t *cfg;
    cmd_props_t kafka;
    cmd_props_t dlq_props; /* -X dlq.*: the dead-letter producer only */
    cmd_props_t admin;     /* the -X kafka.* that apply to a producer, for --create-schema */
    cql_conf_t *cql;       /* handed to the session */
    sl_processor_conf_t pc;
    char dlq[512];
    const char *hosts;
    int progress;
    int json;
} process_args_t;

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

/* The processor's log lines (on the loop thread): the progress line makes way. */
static void on_log(void *opaque, sl_log_level_t level, const char *msg) {
    shared_t *sh = opaque;
    if (sh->line_shown) {
        fputs("\r\033[K", stderr);
        sh->line_shown = 0;
    }
    sl_log(level, "process", "%s", msg);
}

/* One counter or gauge with its HELP and TYPE lines. */
static void metric(sl_http_response_t *resp, const char *name, const char *type, const char *help,
                   uint64_t value) {
    sl_http_response_printf(resp, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help, name,
                            type, name, value);
}

static void render_counters(sl_http_response_t *resp, const sl_processor_stats_t *st,
                            const sl_writer_stats_t *ws, size_t in_flight, int hosts_up) {
    metric(resp, "sluice_process_messages_consumed_total", "counter", "Messages taken from Kafka.",
           st->consumed);
    metric(resp, "sluice_process_rows_written_total", "counter", "Rows acknowledged by Cassandra.",
           st->written);
    metric(resp, "sluice_process_write_retries_total", "counter",
           "Cassandra writes sent again after an error.", ws->retries);
    sl_http_response_printf(
        resp, "# HELP sluice_process_write_errors_total Failed Cassandra write "
              "attempts by kind.\n# TYPE sluice_process_write_errors_total counter\n");
    for (int k = SL_WRITER_ERR_TIMEOUT; k <= SL_WRITER_ERR_OTHER; k++)
        sl_http_response_printf(resp,
                                "sluice_process_write_errors_total{kind=\"%s\"} %" PRIu64 "\n",
                                sl_writer_err_name((sl_writer_err_t)k), ws->errors[k]);
    metric(resp, "sluice_process_writes_in_flight", "gauge",
           "Cassandra writes not yet acknowledged.", in_flight);
    metric(resp, "sluice_process_commits_total", "counter", "Offset commit requests sent.",
           st->commits);
    metric(resp, "sluice_process_commit_failures_total", "counter",
           "Offset commits the broker refused (sent again).", st->commit_failures);
    metric(resp, "sluice_process_rebalances_total", "counter",
           "Partition assignments and revocations.", st->rebalances);
    metric(resp, "sluice_process_rebalance_errors_total", "counter",
           "Failed assign or unassign calls and rebalance errors.", st->rebalance_errors);
    metric(resp, "sluice_process_partitions_lost_total", "counter",
           "Partitions whose assignment was lost; their uncommitted work was dropped.",
           st->partitions_lost);
    metric(resp, "sluice_process_kafka_errors_total", "counter",
           "Consumer errors and failed committed-offset lookups.", st->kafka_errors);
    metric(resp, "sluice_process_partitions_assigned", "gauge", "Partitions this member owns.",
           (uint64_t)st->assigned);
    metric(resp, "sluice_process_partitions_paused", "gauge",
           "Assigned partitions paused for backpressure or a revoke.", (uint64_t)st->paused);
    metric(resp, "sluice_process_writes_stalled", "gauge",
           "1 while writes are pending and none was acknowledged for --stall-timeout.",
           (uint64_t)st->stalled);
    metric(resp, "sluice_process_write_stalls_total", "counter", "Times the writes became stalled.",
           st->stalls);
    sl_http_response_printf(resp,
                            "# HELP sluice_process_oldest_pending_write_seconds Age of the oldest "
                            "Cassandra write not yet acknowledged (0: none).\n"
                            "# TYPE sluice_process_oldest_pending_write_seconds gauge\n"
                            "sluice_process_oldest_pending_write_seconds %.3f\n",
                            (double)st->oldest_pending_ms / 1000.0);
    metric(resp, "sluice_process_decode_waits", "gauge",
           "Partitions waiting for the schema registry (unreachable, or an id it lost).",
           (uint64_t)st->decode_waiting);
    metric(resp, "sluice_process_decode_waits_total", "counter",
           "Times a message was kept for a later try because the registry could not answer.",
           st->decode_waits);
    metric(resp, "sluice_process_untimestamped_total", "counter",
           "Records without a Kafka timestamp, written at the processor's clock.",
           st->untimestamped);
    metric(resp, "sluice_process_cassandra_hosts_up", "gauge",
           "Cassandra hosts with a ready connection.", (uint64_t)(hosts_up > 0 ? hosts_up : 0));
    sl_http_response_printf(resp, "# HELP sluice_process_dead_lettered_total Messages acknowledged "
                                  "on the dead-letter topic, by reason.\n"
                                  "# TYPE sluice_process_dead_lettered_total counter\n");
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        sl_http_response_printf(resp,
                                "sluice_process_dead_lettered_total{reason=\"%s\"} %" PRIu64 "\n",
                                sl_reject_name((sl_reject_t)r), st->dead_by_reason[r]);
}

static void render_hist(sl_http_response_t *resp, const sl_hist_t *h, const char *name,
                        const char *help) {
    char buf[4096];
    size_t len = 0;
    sl_http_response_printf(resp, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
    if (sl_hist_render(h, name, NULL, buf, sizeof buf, &len) == 0)
        sl_http_response_append(resp, buf, len);
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
    sl_http_response_content_type(resp, SL_HTTP_CONTENT_PROMETHEUS);
    render_counters(resp, st, &ws, in_flight, hosts_up);
    render_host_metrics(resp, sh);
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
    render_hist(resp, &ws.latency, "sluice_process_cql_write_seconds",
                "One Cassandra write attempt, request to acknowledgement.");
    render_hist(resp, &st->e2e, "sluice_process_end_to_end_seconds",
                "Kafka message timestamp to Cassandra acknowledgement.");
    free(st);
}

static void render_health(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    shared_t *sh = opaque;
    pthread_mutex_lock(&sh->lock);
    int up = sh->cassandra_hosts_up;
    int assigned = sh->st.assigned, paused = sh->st.paused, stalled = sh->st.stalled;
    double oldest = (double)sh->st.oldest_pending_ms / 1000.0;
    pthread_mutex_unlock(&sh->lock);
    /* Degraded: Cassandra takes writes but acknowledges none (hung, overloaded). */
    const char *status = up <= 0 ? "cassandra_down" : stalled ? "degraded" : "ok";
    sl_http_response_health(resp, up > 0 && !stalled, status,
                            ",\"cassandra_hosts_up\":%d,\"partitions_assigned\":%d,"
                            "\"partitions_paused\":%d,\"writes_stalled\":%s,"
                            "\"oldest_pending_write_s\":%.1f",
                            up, assigned, paused, stalled ? "true" : "false", oldest);
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
    char q50[32], q99[32];
    printf("  cql write p50/p99  %s / %s\n",
           sl_hist_quantile_text(&ws->latency, 0.5, q50, sizeof q50),
           sl_hist_quantile_text(&ws->latency, 0.99, q99, sizeof q99));
    printf("  end-to-end p50/p99 %s / %s\n", sl_hist_quantile_text(&st->e2e, 0.5, q50, sizeof q50),
           sl_hist_quantile_text(&st->e2e, 0.99, q99, sizeof q99));
    printf("  result             %s\n", verdict);
    fflush(stdout);
}

/* Topics, keyspace and table, as `sluice schema` makes them. An exit code, or -1 to go on. */
static int create_schema(const process_args_t *a, cql_session_t *session) {
    const sl_config_t *cfg = a->cfg;
    char err[1024] = "";
    sl_schema_topics_conf_t tc = {.brokers = a->pc.brokers,
                                  .kafka_props = a->admin.kv,
                                  .n_kafka_props = a->admin.n,
                                  .topic = a->pc.topic,
                                  .dlq_topic = a->pc.dlq_topic,
                                  .partitions = (int)sl_config_int(cfg, "partitions"),
                                  .replication = (int)sl_config_int(cfg, "replication"),
                                  .fewer_partitions_ok = 1, /* it consumes what there is */
                                  .timeout_ms = 60000,
                                  .kafka_log = cmd_kafka_log,
                                  .log = cmd_log_line,
                                  .log_opaque = (void *)"schema"};
    sl_schema_table_conf_t kc = {.keyspace = a->pc.keyspace,
                                 .table = a->pc.table,
                                 .replication = sl_config_str(cfg, "keyspace-replication"),
                                 .timeout_ms = 60000,
                                 .log = cmd_log_line,
                                 .log_opaque = (void *)"schema"};
    sl_schema_err_t serr = sl_schema_topics_setup(&tc, NULL, err, sizeof err);
    if (serr == SL_SCHEMA_ERR_OK)
        serr = sl_schema_table_ensure(session, &kc, NULL, err, sizeof err);
    if (serr == SL_SCHEMA_ERR_OK)
        return -1;
    sl_log(SL_LOG_ERROR, "process", "schema: %s", err);
    return serr == SL_SCHEMA_ERR_CONFIG ? SL_EXIT_USAGE : SL_EXIT_FAIL;
}

/* argv, environment and file into a; an exit code when the command must stop here, -1 to
 * run. */
static int parse_args(int argc, char **argv, process_args_t *a) {
    int rc = SL_EXIT_OK;
    a->cfg = cmd_load_config("sluice process", process_opts, N_PROCESS_OPTS, argc, argv,
                             process_usage, &rc);
    if (!a->cfg)
        return rc;
    const sl_config_t *cfg = a->cfg;
    const char *progress = sl_config_str(cfg, "progress");
    sl_processor_conf_t *pc = &a->pc;
    if (strcmp(progress, "auto") && strcmp(progress, "always") && strcmp(progress, "never")) {
        fprintf(stderr, "sluice process: --progress takes auto, always or never\n");
        return SL_EXIT_USAGE;
    }
    if (cql_consistency_parse(sl_config_str(cfg, "consistency"), &pc->consistency) != 0) {
        fprintf(stderr, "sluice process: unknown consistency '%s'\n",
                sl_config_str(cfg, "consistency"));
        return SL_EXIT_USAGE;
    }
    pc->keyspace = sl_config_str(cfg, "keyspace");
    pc->table = sl_config_str(cfg, "table");
    if (!sl_schema_name_ok(pc->keyspace) || !sl_schema_name_ok(pc->table)) {
        fprintf(stderr, "sluice process: keyspace and table must be plain identifiers\n");
        return SL_EXIT_USAGE;
    }
    pc->topic = sl_config_str(cfg, "topic");
    const char *dlq_opt = sl_config_str(cfg, "dlq-topic");
    snprintf(a->dlq, sizeof a->dlq, dlq_opt && *dlq_opt ? "%s" : "%s.dlq",
             dlq_opt && *dlq_opt ? dlq_opt : pc->topic);
    if (cmd_collect_props(cfg, "kafka", &a->kafka) != 0 ||
        cmd_collect_props(cfg, "dlq", &a->dlq_props) != 0) {
        fprintf(stderr, "sluice process: too many -X kafka. or -X dlq. properties\n");
        return SL_EXIT_USAGE;
    }
    cmd_props_for(&a->kafka, RD_KAFKA_PRODUCER, &a->admin);
    char err[1024] = "";
    a->hosts = sl_config_str(cfg, "cassandra");
    a->cql = cmd_cql_conf(cfg, a->hosts, err, sizeof err);
    if (!a->cql) {
        fprintf(stderr, "sluice process: %s\n", err);
        return SL_EXIT_USAGE;
    }
    pc->brokers = sl_config_str(cfg, "brokers");
    pc->group = sl_config_str(cfg, "group");
    pc->dlq_topic = a->dlq;
    pc->kafka_props = a->kafka.kv;
    pc->n_kafka_props = a->kafka.n;
    pc->dlq_props = a->dlq_props.kv;
    pc->n_dlq_props = a->dlq_props.n;
    pc->max_inflight = (size_t)sl_config_int(cfg, "max-inflight");
    pc->prefetch_kbytes = (size_t)sl_config_int(cfg, "prefetch-kbytes");
    pc->dlq_buffer_kbytes = (size_t)sl_config_int(cfg, "dlq-buffer-kbytes");
    int wakeup_ms = (int)(sl_config_num(cfg, "fetch-wakeup") * 1000 + 0.5);
    pc->fetch_wakeup_ms = wakeup_ms > 0 ? wakeup_ms : -1;
    pc->commit_interval_ms = (int)(sl_config_num(cfg, "commit-interval") * 1000);
    pc->drain_timeout_ms = (int)(sl_config_num(cfg, "drain-timeout") * 1000);
    pc->max_messages = sl_config_int(cfg, "max-messages");
    pc->idle_exit_ms = (int)(sl_config_num(cfg, "idle-exit") * 1000);
    pc->start_timeout_ms = (int)(sl_config_num(cfg, "metadata-timeout") * 1000);
    pc->stall_after_ms = (int)(sl_config_num(cfg, "stall-timeout") * 1000);
    pc->stop = &g_stop;
    pc->kafka_log = cmd_kafka_log;
    pc->log = on_log;
    a->progress =
        strcmp(progress, "always") == 0 || (strcmp(progress, "auto") == 0 && isatty(STDERR_FILENO));
    a->json = sl_config_str(cfg, "log-format")[0] == 'j';
    if (sl_processor_check_conf(pc, err, sizeof err) != SL_PROCESSOR_ERR_OK) {
        fprintf(stderr, "sluice process: %s\n", err);
        return SL_EXIT_USAGE;
    }
    return -1;
}

/* /metrics and /healthz, when --http is given. An exit code, or -1 to go on. */
static int start_http(const sl_config_t *cfg, shared_t *sh, sl_http_server_t **out) {
    const char *listen = sl_config_str(cfg, "http");
    *out = NULL;
    if (!listen || !*listen)
        return -1;
    char err[512] = "";
    sl_http_server_t *http =
        cmd_http_serve(listen, render_metrics, render_health, sh, err, sizeof err);
    if (!http) {
        fprintf(stderr, "sluice process: --http %s: %s\n", listen, err);
        return SL_EXIT_USAGE;
    }
    sl_log(SL_LOG_INFO, "process", "metrics on http://%s:%u/metrics", sl_http_server_host(http),
           (unsigned)sl_http_server_port(http));
    *out = http;
    return -1;
}

/* Connects, optionally creates the schema, processes, prints the summary. */
static int run_connected(process_args_t *a, shared_t *sh, cql_session_t *session) {
    char err[1024] = "";
    if (cmd_cql_connect(session, "process", a->hosts, sl_config_num(a->cfg, "connect-timeout"),
                        &g_stop) != 0)
        return g_stop ? SL_EXIT_OK : SL_EXIT_FAIL; /* stopped before start, or unreachable */
    if (sl_config_bool(a->cfg, "create-schema")) {
        int rc = create_schema(a, session);
        if (rc >= 0)
            return rc;
    }
    a->pc.log_opaque = sh;
    sl_processor_t *proc = NULL;
    sl_processor_err_t perr = sl_processor_new(&a->pc, session, &proc, err, sizeof err);
    if (perr != SL_PROCESSOR_ERR_OK) {
        sl_log(SL_LOG_ERROR, "process", "%s", err);
        return perr == SL_PROCESSOR_ERR_CONFIG ? SL_EXIT_USAGE : SL_EXIT_FAIL;
    }
    sl_log(SL_LOG_INFO, "process", "consuming %s as group %s into %s.%s (dead letters to %s)",
           a->pc.topic, a->pc.group, a->pc.keyspace, a->pc.table, a->pc.dlq_topic);
    tick_ctx_t tc = {sh, proc, session};
    perr = sl_processor_run(proc, on_tick, &tc, err, sizeof err);
    if (sh->line_shown)
        fputs("\r\033[K", stderr);
    if (perr != SL_PROCESSOR_ERR_OK)
        sl_log(SL_LOG_ERROR, "process", "%s", err);
    print_summary(sl_processor_stats(proc), sl_processor_writer_stats(proc),
                  now_s() - sh->started_s, perr == SL_PROCESSOR_ERR_OK ? "ok" : "failed", a->json);
    sl_processor_free(proc);
    return perr == SL_PROCESSOR_ERR_OK ? SL_EXIT_OK : SL_EXIT_FAIL;
}

/* run_connected() with the registry's decode step when --registry is given (JSON and
 * Confluent-framed Avro), the JSON one otherwise (registry credentials on the command line
 * are refused either way). */
static int run_processor(process_args_t *a, shared_t *sh, cql_session_t *session) {
    sl_registry_t *reg = NULL;
    sl_registry_decode_t *dec = NULL;
    int rc = cmd_registry_decoder(a->cfg, "sluice process", &g_stop, &reg, &dec);
    if (rc != 0)
        return rc;
    a->pc.decode = dec ? cmd_registry_decode : NULL;
    a->pc.decode_opaque = dec;
    rc = run_connected(a, sh, session);
    if (reg)
        cmd_registry_decoder_free(reg, dec);
    return rc;
}

int cmd_process(int argc, char **argv) {
    process_args_t *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "sluice process: out of memory\n");
        return SL_EXIT_FAIL;
    }
    int rc = parse_args(argc, argv, a);
    if (rc >= 0 || (rc = cmd_kafka_check("process", a->pc.brokers, &a->kafka)) != SL_EXIT_OK)
        goto out;
    cmd_catch_signals(&g_stop);
    shared_t sh = {.topic = a->pc.topic, .started_s = now_s(), .progress = a->progress};
    pthread_mutex_init(&sh.lock, NULL);
    sl_processor_e2e_init(&sh.st.e2e);
    sl_hist_init_latency(&sh.ws.latency);
    sl_http_server_t *http = NULL;
    rc = start_http(a->cfg, &sh, &http);
    if (rc < 0) {
        char err[1024] = "";
        cql_session_t *session = NULL;
        cql_conf_t *cc = a->cql;
        a->cql = NULL; /* the session owns it now, even when it fails */
        if (cql_session_new(cc, &session, err, sizeof err) != CQL_OK) {
            sl_log(SL_LOG_ERROR, "process", "CQL session: %s", err);
            rc = SL_EXIT_FAIL;
        } else {
            rc = run_processor(a, &sh, session);
        }
        cql_session_free(session);
    }
    sl_http_server_free(http);
    pthread_mutex_destroy(&sh.lock);
out:
    cql_conf_free(a->cql);
    sl_config_free(a->cfg);
    free(a);
    return rc;
}
