/*
 * sluice ingest: argv, environment and config file into an ingest configuration; run it;
 * show progress on a terminal, print the summary, map the result to an exit code.
 * 0: everything fetched was acknowledged by Kafka; 1: something was not (or Kafka was
 * unreachable); 2: usage or configuration error.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_util.h"
#include "commands.h"
#include "sl_config.h"
#include "sl_http.h"
#include "sl_ingest.h"
#include "sl_log.h"

static const sl_config_opt_t ingest_opts[] = {
    {"source", 0, SL_OPT_STR, "https://randomuser.me/api/", 0, -1, "URL",
     "randomuser-compatible API to fetch from"},
    {"batch", 0, SL_OPT_INT, "1000", 1, 5000, "N", "users per request"},
    {"concurrency", 0, SL_OPT_INT, "4", 1, 256, "C", "requests in flight at once"},
    {"count", 'n', SL_OPT_INT, "0", 0, 1e15, "N", "users to fetch, then stop (0: no limit)"},
    {"duration", 0, SL_OPT_NUM, "0", 0, 1e9, "S", "stop fetching after S seconds (0: no limit)"},
    {"rate", 0, SL_OPT_NUM, "0", 0, 1e9, "R", "cap on users fetched per second (0: none)"},
    {"seed", 0, SL_OPT_STR, "", 0, -1, "S",
     "API seed; pages 1, 2, 3... of it are fetched, so users are distinct and repeatable"},
    {"nat", 0, SL_OPT_STR, "", 0, -1, "LIST", "API nationalities, e.g. gb,fr"},
    {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers"},
    {"topic", 't', SL_OPT_STR, "users_created", 0, -1, "NAME", "Kafka topic for records"},
    {"dlq-topic", 0, SL_OPT_STR, "", 0, -1, "NAME",
     "dead-letter topic for rejected users (default TOPIC.dlq)"},
    {"connect-timeout", 0, SL_OPT_NUM, "5", 0.001, 600, "S", "HTTP connect timeout"},
    {"timeout", 0, SL_OPT_NUM, "60", 0.001, 3600, "S", "HTTP request timeout (whole transfer)"},
    {"max-body", 0, SL_OPT_INT, "64M", 1024, 4294967295.0, "BYTES",
     "response body cap (k, M, G suffixes); a larger body fails the request"},
    {"retries", 0, SL_OPT_INT, "8", 0, 1000, "N", "retries per page after the first attempt"},
    {"backoff-base", 0, SL_OPT_NUM, "0.2", 0, 3600, "S", "ceiling of the first retry's wait"},
    {"backoff-max", 0, SL_OPT_NUM, "30", 0, 3600, "S", "ceiling of any retry's wait"},
    {"retry-after-max", 0, SL_OPT_NUM, "120", 0, 86400, "S",
     "longest wait a Retry-After header may impose"},
    {"flush-timeout", 0, SL_OPT_NUM, "30", 0, 3600, "S",
     "how long to wait for Kafka acknowledgements at the end"},
    {"metadata-timeout", 0, SL_OPT_NUM, "10", 0.001, 600, "S",
     "how long to wait for Kafka at start-up"},
    CMD_OPTS_HTTP_PROGRESS,
    CMD_OPTS_LOGGING,
};
#define N_INGEST_OPTS (sizeof ingest_opts / sizeof ingest_opts[0])

/* The first signal asks for a clean stop (flush, then exit); a second one for an
 * immediate exit that still reports what was not delivered. */
static volatile sig_atomic_t g_stop;

typedef struct {
    int progress;   /* draw the live line */
    int line_shown; /* a progress line is on screen */
    uint64_t last_users;
    double last_t;
    double rate; /* users/s, smoothed */
    /* /metrics reads a copy of the counters taken on each tick, under the lock: the run's
     * thread never waits for a scrape, and a scrape never sees a half-written struct. */
    pthread_mutex_t lock;
    sl_ingest_stats_t snapshot;
    int finished;
} ui_t;

static void ui_clear(ui_t *ui) {
    if (ui->line_shown) {
        fputs("\r\033[K", stderr);
        ui->line_shown = 0;
    }
}

static void on_log(void *opaque, sl_log_level_t level, const char *msg) {
    ui_t *ui = opaque;
    ui_clear(ui);
    sl_log(level, "ingest", "%s", msg);
}

static void on_tick(void *opaque, const sl_ingest_stats_t *st, int final) {
    ui_t *ui = opaque;
    pthread_mutex_lock(&ui->lock);
    ui->snapshot = *st;
    ui->finished = final;
    pthread_mutex_unlock(&ui->lock);
    double dt = st->elapsed_s - ui->last_t;
    if (dt > 0) {
        double inst = (double)(st->users_fetched - ui->last_users) / dt;
        ui->rate = ui->last_t == 0 ? inst : 0.5 * ui->rate + 0.5 * inst;
        ui->last_users = st->users_fetched;
        ui->last_t = st->elapsed_s;
    }
    if (!ui->progress)
        return;
    if (final) {
        ui_clear(ui);
        return;
    }
    char line[256];
    sl_ingest_stats_progress(st, ui->rate, line, sizeof line);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    ui->line_shown = 1;
}

static void serve_metrics(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    ui_t *ui = opaque;
    sl_ingest_stats_t st;
    pthread_mutex_lock(&ui->lock);
    st = ui->snapshot;
    pthread_mutex_unlock(&ui->lock);
    size_t need = sl_ingest_stats_prometheus(&st, NULL, 0);
    char *body = malloc(need + 1);
    if (!body) {
        sl_http_response_status(resp, 500);
        return;
    }
    sl_ingest_stats_prometheus(&st, body, need + 1);
    sl_http_response_content_type(resp, SL_HTTP_CONTENT_PROMETHEUS);
    sl_http_response_set_body(resp, body, need);
}

static void serve_healthz(const sl_http_request_t *req, sl_http_response_t *resp, void *opaque) {
    (void)req;
    ui_t *ui = opaque;
    pthread_mutex_lock(&ui->lock);
    int finished = ui->finished;
    double elapsed = ui->snapshot.elapsed_s;
    pthread_mutex_unlock(&ui->lock);
    sl_http_response_health(resp, 1, finished ? "finished" : "running", ",\"elapsed_s\":%.1f",
                            elapsed);
}

static void print_summary(const sl_ingest_stats_t *st, sl_log_format_t fmt, const char *verdict) {
    if (fmt == SL_LOG_JSON) {
        char buf[4096];
        sl_ingest_stats_json(st, buf, sizeof buf);
        printf("{\"summary\":%s,\"result\":\"%s\"}\n", buf, verdict);
        fflush(stdout);
        return;
    }
    printf("ingest summary (%.1f s, %.0f users/s)\n", st->elapsed_s,
           st->elapsed_s > 0 ? (double)st->users_fetched / st->elapsed_s : 0.0);
    printf("  users fetched      %llu\n", (unsigned long long)st->users_fetched);
    printf("  produced (acked)   %llu\n", (unsigned long long)st->produced);
    printf("  rejected (to DLQ)  %llu (acked %llu)\n", (unsigned long long)st->rejected,
           (unsigned long long)st->dlq_produced);
    for (int r = 1; r < SL_REJECT_COUNT; r++)
        if (st->rejected_by[r])
            printf("    %-16s %llu\n", sl_reject_name((sl_reject_t)r),
                   (unsigned long long)st->rejected_by[r]);
    printf("  not delivered      %llu (+%llu dead letters)\n",
           (unsigned long long)sl_ingest_stats_undelivered(st),
           (unsigned long long)sl_ingest_stats_dlq_undelivered(st));
    printf("  requests           %llu (retries %llu, pages failed %llu)\n",
           (unsigned long long)sl_ingest_stats_requests(st), (unsigned long long)st->retries,
           (unsigned long long)st->pages_failed);
    for (int i = 0; i < SL_INGEST_OUTCOME_COUNT; i++)
        if (st->requests[i])
            printf("    %-16s %llu\n", sl_ingest_outcome_label((sl_ingest_outcome_t)i),
                   (unsigned long long)st->requests[i]);
    printf("  result             %s\n", verdict);
    fflush(stdout);
}

static void ingest_usage(FILE *out) {
    char buf[8192];
    sl_config_usage(ingest_opts, N_INGEST_OPTS, buf, sizeof buf);
    fprintf(out,
            "usage: sluice ingest [options]\n"
            "\n"
            "Fetches users from a randomuser-compatible HTTP API and produces one record per\n"
            "user to Kafka (key = id); rejected users go to the dead-letter topic. Every option\n"
            "may also come from the environment (SLUICE_<NAME>) or a config file (-F);\n"
            "flags win over the environment, the environment over the file.\n"
            "\n%s\n"
            "Exit codes: 0 every fetched user acknowledged by Kafka, 1 not (or Kafka\n"
            "unreachable), 2 usage or configuration error.\n",
            buf);
}

int cmd_ingest(int argc, char **argv) {
    char err[512] = "";
    int exit_code = SL_EXIT_OK;
    sl_config_t *cfg = cmd_load_config("sluice ingest", ingest_opts, N_INGEST_OPTS, argc, argv,
                                       ingest_usage, &exit_code);
    if (!cfg)
        return exit_code;
    sl_log_format_t fmt = SL_LOG_TEXT;
    sl_log_format_parse(sl_config_str(cfg, "log-format"), &fmt); /* checked by the loader */
    const char *progress = sl_config_str(cfg, "progress");
    if (strcmp(progress, "auto") && strcmp(progress, "always") && strcmp(progress, "never")) {
        fprintf(stderr, "sluice ingest: --progress takes auto, always or never\n");
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    cmd_props_t *props = calloc(1, sizeof *props);
    if (!props || cmd_collect_props(cfg, "kafka", props) != 0) {
        fprintf(stderr, "sluice ingest: too many -X kafka. properties\n");
        free(props);
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }

    ui_t ui;
    memset(&ui, 0, sizeof ui);
    sl_ingest_stats_init(&ui.snapshot); /* what /metrics shows before the first tick */
    pthread_mutex_init(&ui.lock, NULL);
    ui.progress =
        strcmp(progress, "always") == 0 || (strcmp(progress, "auto") == 0 && isatty(STDERR_FILENO));

    sl_ingest_conf_t c;
    sl_ingest_conf_defaults(&c);
    c.source = sl_config_str(cfg, "source");
    c.batch = (unsigned)sl_config_int(cfg, "batch");
    c.concurrency = (unsigned)sl_config_int(cfg, "concurrency");
    c.count = (uint64_t)sl_config_int(cfg, "count");
    c.duration_s = sl_config_num(cfg, "duration");
    c.rate = sl_config_num(cfg, "rate");
    c.seed = sl_config_str(cfg, "seed");
    c.nat = sl_config_str(cfg, "nat");
    c.brokers = sl_config_str(cfg, "brokers");
    c.topic = sl_config_str(cfg, "topic");
    c.dlq_topic = sl_config_str(cfg, "dlq-topic");
    c.kafka_props = props->kv;
    c.n_kafka_props = props->n;
    c.connect_timeout_ms = (long)(sl_config_num(cfg, "connect-timeout") * 1000);
    c.timeout_ms = (long)(sl_config_num(cfg, "timeout") * 1000);
    c.max_body = (size_t)sl_config_int(cfg, "max-body");
    c.retries = (unsigned)sl_config_int(cfg, "retries");
    c.backoff_base_ms = (uint64_t)(sl_config_num(cfg, "backoff-base") * 1000);
    c.backoff_max_ms = (uint64_t)(sl_config_num(cfg, "backoff-max") * 1000);
    c.retry_after_max_ms = (uint64_t)(sl_config_num(cfg, "retry-after-max") * 1000);
    c.flush_timeout_ms = (int)(sl_config_num(cfg, "flush-timeout") * 1000);
    c.metadata_timeout_ms = (int)(sl_config_num(cfg, "metadata-timeout") * 1000);
    c.stop = &g_stop;
    c.log = on_log;
    c.tick = on_tick;
    c.tick_ms = 250; /* the progress line is redrawn at most 4 times a second */
    c.opaque = &ui;

    sl_http_server_t *srv = NULL;
    const char *http = sl_config_str(cfg, "http");
    if (http && *http) {
        srv = cmd_http_serve(http, serve_metrics, serve_healthz, &ui, err, sizeof err);
        if (!srv) {
            sl_log(SL_LOG_ERROR, "ingest", "cannot serve metrics on %s: %s", http, err);
            free(props);
            sl_config_free(cfg);
            pthread_mutex_destroy(&ui.lock);
            return SL_EXIT_USAGE;
        }
        sl_log(SL_LOG_INFO, "ingest", "metrics on http://%s:%u/metrics", sl_http_server_host(srv),
               (unsigned)sl_http_server_port(srv));
    }

    cmd_catch_signals(&g_stop);

    sl_ingest_stats_t st;
    sl_ingest_err_t rc = sl_ingest_run(&c, &st, err, sizeof err);
    exit_code = SL_EXIT_OK;
    if (rc == SL_INGEST_ERR_CONFIG) {
        sl_log(SL_LOG_ERROR, "ingest", "%s", err);
        exit_code = SL_EXIT_USAGE;
    } else if (rc == SL_INGEST_ERR_KAFKA_UNREACHABLE) {
        sl_log(SL_LOG_ERROR, "ingest", "%s", err);
        exit_code = SL_EXIT_FAIL;
    } else {
        if (rc != SL_INGEST_ERR_OK)
            sl_log(SL_LOG_ERROR, "ingest", "%s: %s", sl_ingest_err_str(rc), err);
        print_summary(&st, fmt, rc == SL_INGEST_ERR_OK ? "complete" : "incomplete");
        exit_code = rc == SL_INGEST_ERR_OK ? SL_EXIT_OK : SL_EXIT_FAIL;
    }
    sl_http_server_free(srv);
    pthread_mutex_destroy(&ui.lock);
    free(props);
    sl_config_free(cfg);
    return exit_code;
}
