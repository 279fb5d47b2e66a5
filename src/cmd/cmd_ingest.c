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

#include <curl/curl.h>

#include "cmd_registry.h"
#include "cmd_kafka.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_avro.h"
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
    CMD_OPT_BROKERS,
    CMD_OPT_TOPIC("Kafka topic for records"),
    CMD_OPT_DLQ_TOPIC("dead-letter topic for rejected users (default TOPIC.dlq)"),
    {"format", 0, SL_OPT_STR, "json", 0, -1, "FMT",
     "message values: json, or avro (Confluent wire format; needs --registry)"},
    CMD_OPTS_REGISTRY("schema registry (Confluent API base URL) for --format avro"),
    CMD_OPT_REGISTRY_COMPATIBILITY,
    {"http-connect-timeout", 0, SL_OPT_NUM, "5", 0.001, 600, "S",
     "HTTP connect timeout (was --connect-timeout)"},
    {"http-timeout", 0, SL_OPT_NUM, "60", 0.001, 3600, "S",
     "HTTP request timeout, whole transfer (was --timeout)"},
    {"max-body", 0, SL_OPT_INT, "64M", 1024, 4294967295.0, "BYTES",
     "response body cap (k, M, G suffixes); a larger body fails the request"},
    {"retries", 0, SL_OPT_INT, "8", 0, 1000, "N", "retries per page after the first attempt"},
    {"backoff-base", 0, SL_OPT_NUM, "0.2", 0, 3600, "S", "ceiling of the first retry's wait"},
    {"backoff-max", 0, SL_OPT_NUM, "30", 0, 3600, "S", "ceiling of any retry's wait"},
    {"retry-after-max", 0, SL_OPT_NUM, "120", 0, 86400, "S",
     "longest wait a Retry-After header may impose"},
    {"retry-time", 0, SL_OPT_NUM, "180", 0, 86400, "S",
     "give a page up when another try could not end (its wait plus --http-timeout) this long "
     "after its first (0: --retries alone)"},
    {"flush-timeout", 0, SL_OPT_NUM, "30", 0, 3600, "S",
     "how long to wait for Kafka acknowledgements at the end"},
    {"metadata-timeout", 0, SL_OPT_NUM, "10", 0, 86400, "S",
     "give up (exit 1) when no Kafka broker answers for this long at start (0: keep trying)"},
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

static size_t avro_encode(void *opaque, const sl_record_t *rec, char *buf, size_t cap) {
    size_t len = 0;
    if (sl_avro_encoder_encode(opaque, rec, (unsigned char *)buf, cap, &len) != SL_REGISTRY_OK)
        return 0;
    return len;
}

/* --format: for avro, the record's schema id under <topic>-value (looked up, registered if
 * missing) and an encoder of it into *enc. Returns 0 or an exit code; the registry must
 * answer now, before anything is fetched. */
static int setup_format(const sl_config_t *cfg, sl_avro_encoder_t **enc) {
    *enc = NULL;
    const char *format = sl_config_str(cfg, "format");
    if (strcmp(format, "json") == 0)
        return cmd_registry_check_argv(cfg, "sluice ingest");
    if (strcmp(format, "avro") != 0) {
        fprintf(stderr, "sluice ingest: --format takes json or avro\n");
        return SL_EXIT_USAGE;
    }
    if (!cmd_registry_configured(cfg)) {
        fprintf(stderr, "sluice ingest: --format avro needs --registry URL (or SLUICE_REGISTRY)\n");
        return SL_EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sl_log(SL_LOG_ERROR, "ingest", "libcurl could not start");
        return SL_EXIT_FAIL;
    }
    sl_registry_t *reg = NULL;
    int32_t id = -1;
    char err[256];
    int code = cmd_registry_open(cfg, "sluice ingest", 0, 0, &g_stop, &reg);
    if (code == 0)
        code = cmd_registry_subject(reg, "ingest", sl_config_str(cfg, "topic"),
                                    sl_config_str(cfg, "registry-compatibility"), 0, &id);
    if (code == 0 && !(*enc = sl_avro_encoder_new(id, err, sizeof err))) {
        sl_log(SL_LOG_ERROR, "ingest", "Avro encoder: %s", err);
        code = SL_EXIT_FAIL;
    }
    sl_registry_free(reg);
    curl_global_cleanup();
    return code;
}

static void ingest_usage(FILE *out) {
    cmd_usage(out, ingest_opts, N_INGEST_OPTS,
              "usage: sluice ingest [options]\n"
              "\n"
              "Fetches users from a randomuser-compatible HTTP API and produces one record per\n"
              "user to Kafka (key = id); rejected users go to the dead-letter topic. Values are\n"
              "the record's JSON, or with --format avro the Confluent wire format (0x00, the\n"
              "4-byte schema id of TOPIC-value, Avro binary). Every option\n"
              "may also come from the environment (SLUICE_<NAME>) or a config file (-F);\n"
              "flags win over the environment, the environment over the file.\n",
              "Exit codes: 0 every fetched user acknowledged by Kafka, 1 not, or --count not\n"
              "reached (also when --duration ended the run first), or Kafka unreachable;\n"
              "2 usage or configuration error.\n");
}

/* The HTTP timeouts were --connect-timeout and --timeout, names that mean other things in
 * process (how long to wait for Cassandra, 0 = keep trying) and schema (each step). The old
 * flags still work here, with a warning; the old environment names are left to the
 * commands they belong to, so that one exported environment suits every command. */
static const struct {
    const char *old, *now, *old_env, *now_env, *owner;
} renamed[] = {
    {"connect-timeout", "http-connect-timeout", "SLUICE_CONNECT_TIMEOUT",
     "SLUICE_HTTP_CONNECT_TIMEOUT", "process"},
    {"timeout", "http-timeout", "SLUICE_TIMEOUT", "SLUICE_HTTP_TIMEOUT", "schema and check"},
};
#define N_RENAMED (sizeof renamed / sizeof renamed[0])

/* argv with the renamed flags under their new names (a copy whose strings are argv's or
 * static), or NULL when out of memory. */
static char **rename_flags(int argc, char **argv) {
    static char flag[N_RENAMED][80];
    char **out = calloc((size_t)argc + 1, sizeof *out);
    for (int i = 0; out && i < argc; i++) {
        out[i] = argv[i];
        for (size_t r = 0; i > 0 && r < N_RENAMED; r++) {
            size_t n = strlen(renamed[r].old);
            const char *a = argv[i];
            if (strncmp(a, "--", 2) || strncmp(a + 2, renamed[r].old, n) ||
                (a[2 + n] != '\0' && a[2 + n] != '='))
                continue;
            fprintf(stderr, "sluice ingest: --%s is now --%s (the old name will go)\n",
                    renamed[r].old, renamed[r].now);
            int len = snprintf(flag[r], sizeof flag[r], "--%s%s", renamed[r].now, a + 2 + n);
            if (len > 0 && (size_t)len < sizeof flag[r])
                out[i] = flag[r];
        }
    }
    return out;
}

int cmd_ingest(int argc, char **argv) {
    char err[512] = "";
    int exit_code = SL_EXIT_OK;
    char **args = rename_flags(argc, argv);
    if (!args) {
        fprintf(stderr, "sluice ingest: out of memory\n");
        return SL_EXIT_FAIL;
    }
    sl_config_t *cfg = cmd_load_config("sluice ingest", ingest_opts, N_INGEST_OPTS, argc, args,
                                       ingest_usage, &exit_code);
    free(args);
    if (!cfg)
        return exit_code;
    for (size_t r = 0; r < N_RENAMED; r++)
        if (getenv(renamed[r].old_env) && !getenv(renamed[r].now_env))
            sl_log(SL_LOG_INFO, "ingest", "%s is %s's, not applied here: ingest's is %s",
                   renamed[r].old_env, renamed[r].owner, renamed[r].now_env);
    sl_log_format_t fmt = SL_LOG_TEXT;
    sl_log_format_parse(sl_config_str(cfg, "log-format"), &fmt); /* checked by the loader */
    const char *progress = sl_config_str(cfg, "progress");
    if (strcmp(progress, "auto") && strcmp(progress, "always") && strcmp(progress, "never")) {
        fprintf(stderr, "sluice ingest: --progress takes auto, always or never\n");
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    cmd_props_t *props = cmd_props_new(cfg, "kafka", "sluice ingest");
    if (!props) {
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }

    sl_avro_encoder_t *avro = NULL;
    exit_code = cmd_kafka_check("ingest", sl_config_str(cfg, "brokers"), props);
    if (exit_code == SL_EXIT_OK)
        exit_code = setup_format(cfg, &avro);
    if (exit_code != SL_EXIT_OK) {
        free(props);
        sl_config_free(cfg);
        return exit_code;
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
    if (avro)
        c.encoder = (sl_ingest_encoder_t){avro_encode, avro, SL_AVRO_FRAMED_MAX};
    c.kafka_props = props->kv;
    c.n_kafka_props = props->n;
    c.connect_timeout_ms = (long)(sl_config_num(cfg, "http-connect-timeout") * 1000);
    c.timeout_ms = (long)(sl_config_num(cfg, "http-timeout") * 1000);
    c.max_body = (size_t)sl_config_int(cfg, "max-body");
    c.retries = (unsigned)sl_config_int(cfg, "retries");
    c.retry_time_ms = (int64_t)(sl_config_num(cfg, "retry-time") * 1000);
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
            sl_avro_encoder_free(avro);
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
    sl_avro_encoder_free(avro);
    free(props);
    sl_config_free(cfg);
    return exit_code;
}
