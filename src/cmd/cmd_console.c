/*
 * sluice console: argv, environment and file into a console configuration; the token from
 * --auth-token-file or SLUICE_CONSOLE_TOKEN (never from argv); a CQL session to watch when
 * --cassandra is given; serve until SIGINT or SIGTERM.
 * 0: stopped by a signal; 1: could not start (Kafka client, listener); 2: usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmd_console_registry.h"
#include "cmd_kafka.h"
#include "cmd_registry.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_console.h"
#include "sl_console_param.h"
#include "sl_log.h"

static const sl_config_opt_t console_opts[] = {
    {"listen", 0, SL_OPT_STR, "127.0.0.1:9000", 0, -1, "ADDR",
     "serve the console on HOST:PORT (loopback unless told otherwise)"},
    CMD_OPT_BROKERS,
    CMD_OPT_CASSANDRA(
        "Cassandra contact points to watch, comma separated host[:port] (\"\": none)"),
    CMD_OPTS_REGISTRY("schema registry base URL (Confluent API), e.g. "
                      "http://127.0.0.1:8081/apis/ccompat/v7: the schemas view and Avro values"),
    {"component", 0, SL_OPT_STR, "", 0, -1, "NAME=URL",
     "a component's --http endpoint to watch; repeat the flag or separate with commas"},
    CMD_OPT_TOPIC("the pipeline's topic, for the picture and the charts"),
    CMD_OPT_KEYSPACE("the pipeline's Cassandra keyspace, for the picture"),
    CMD_OPT_TABLE("the pipeline's Cassandra table, for the picture"),
    {"dlq-suffix", 0, SL_OPT_STR, ".dlq", 0, -1, "TEXT",
     "topics whose name ends with this are dead-letter topics"},
    {"interval", 0, SL_OPT_NUM, "5", 0.2, 3600, "S",
     "how often Kafka, Cassandra and the components are sampled"},
    {"history", 0, SL_OPT_NUM, "3600", 1, 604800, "S",
     "how far back the charts reach (the ring holds history/interval samples)"},
    {"kafka-timeout", 0, SL_OPT_NUM, "5", 0.1, 600, "S",
     "each Kafka request of a sample or an action"},
    {"probe-timeout", 0, SL_OPT_NUM, "2", 0.1, 600, "S",
     "each request to a component or the registry"},
    {"browse-timeout", 0, SL_OPT_NUM, "5", 0.1, 600, "S", "a whole message-browser request"},
    {"browse-max-messages", 0, SL_OPT_INT, "500", 1, 10000, "N",
     "messages on one message-browser page at most"},
    {"max-message-bytes", 0, SL_OPT_INT, "16k", 64, 16777216, "BYTES",
     "bytes of one message value shown (k, M suffixes)"},
    {"max-page-bytes", 0, SL_OPT_INT, "1M", 1024, 268435456, "BYTES",
     "bytes of one message-browser page"},
    {"browse-concurrency", 0, SL_OPT_INT, "2", 1, 64, "N",
     "message-browser requests running at once (more get 503)"},
    {"auth-token-file", 0, SL_OPT_STR, "", 0, -1, "PATH",
     "file holding the token that enables management (else SLUICE_CONSOLE_TOKEN; none: "
     "read-only)"},
    CMD_OPTS_LOGGING,
};
#define N_CONSOLE_OPTS (sizeof console_opts / sizeof console_opts[0])

static volatile sig_atomic_t g_stop;

static void console_usage(FILE *out) {
    cmd_usage(
        out, console_opts, N_CONSOLE_OPTS,
        "usage: sluice console [options]\n"
        "\n"
        "Serves a web console of the pipeline: brokers, topics with offsets and consumer\n"
        "lag, consumer groups, a message browser, dead letters by reason, schemas,\n"
        "throughput and lag charts, the pipeline as a picture with live rates and health,\n"
        "and -- with a token -- topic and offset management. Every view is also JSON\n"
        "under /api (see docs/console.md), e.g.\n"
        "\n"
        "  sluice console -b 127.0.0.1:9092 --cassandra 127.0.0.1:9042 \\\n"
        "      --component ingest=http://127.0.0.1:9107 --component process=http://127.0.0.1:9108\n"
        "  curl -s http://127.0.0.1:9000/api/topics\n"
        "\n"
        "Without a token the console is read-only. Put a token in a file (mode 0600) and\n"
        "pass --auth-token-file, or set SLUICE_CONSOLE_TOKEN; then every page and /api path\n"
        "needs it (\"Authorization: Bearer <token>\", or log in at /login for a cookie)\n"
        "and the management actions are on. The token is never taken from the command\n"
        "line. Every option may also come from the environment (SLUICE_<NAME>) or a config\n"
        "file (-F); -X kafka.<name>=<value> and -X cql.<name>=<value> go to librdkafka\n"
        "and the CQL client.\n",
        "Exit codes: 0 stopped by SIGINT/SIGTERM, 1 could not start (Kafka client,\n"
        "listener), 2 usage or configuration error.\n");
}

/* argv with every "--component X" / "--component=X" merged into one "--component=A,B"
 * at the first one's place, so that the flag can be repeated. NULL when out of memory;
 * *joined must be freed with the array. */
static char **merge_components(int argc, char **argv, int *out_argc, char **joined) {
    char **out = calloc((size_t)argc + 1, sizeof *out);
    size_t cap = 1, len = 0;
    *joined = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--component") == 0 && i + 1 < argc)
            cap += strlen(argv[++i]) + 1;
        else if (strncmp(argv[i], "--component=", 12) == 0)
            cap += strlen(argv[i]) + 1;
    }
    char *j = malloc(cap + 12);
    if (!out || !j) {
        free(out);
        free(j);
        return NULL;
    }
    strcpy(j, "--component=");
    len = 12;
    int n = 0, placed = 0, any = 0;
    out[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--component") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "--component=", 12) == 0)
            v = argv[i] + 12;
        if (!v) {
            out[n++] = argv[i];
            continue;
        }
        if (*v) {
            len += (size_t)sprintf(j + len, "%s%s", any ? "," : "", v);
            any = 1;
        }
        if (!placed) {
            out[n++] = j;
            placed = 1;
        }
    }
    *out_argc = n;
    *joined = j;
    return out;
}

/* Reads the token from the file or the environment into a malloc'ed buffer (*len bytes);
 * NULL with *len 0 when there is none. -1 on an unreadable or empty file. */
static int read_token(const char *path, char **token, size_t *len) {
    *token = NULL;
    *len = 0;
    if (path && *path) {
        FILE *f = fopen(path, "r");
        if (!f) {
            sl_log(SL_LOG_ERROR, "console", "--auth-token-file %s: cannot open it", path);
            return -1;
        }
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
            sl_log(SL_LOG_WARN, "console",
                   "--auth-token-file %s can be read by other users (chmod 600 it)", path);
        char *buf = calloc(1, 4097);
        size_t n = buf ? fread(buf, 1, 4096, f) : 0;
        int more = fgetc(f) != EOF;
        fclose(f);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
            n--;
        if (!buf || n == 0 || more) {
            sl_log(SL_LOG_ERROR, "console", "--auth-token-file %s: %s", path,
                   more ? "longer than 4096 bytes" : "empty");
            free(buf);
            return -1;
        }
        *token = buf;
        *len = n;
        return 0;
    }
    const char *env = getenv("SLUICE_CONSOLE_TOKEN");
    if (env && *env) {
        *token = strdup(env);
        *len = *token ? strlen(*token) : 0;
        unsetenv("SLUICE_CONSOLE_TOKEN"); /* not handed to anything this process starts */
    }
    return 0;
}

/* Splits the --component list into conf entries (names and URLs copied into store). */
static int parse_components(const char *list, sl_console_component_conf_t *out, size_t max,
                            size_t *n, char (*store)[2][1100]) {
    *n = 0;
    const char *p = list;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char spec[1200];
        if (len >= sizeof spec || *n == max) {
            fprintf(stderr, "sluice console: --component: too long or more than %zu\n", max);
            return -1;
        }
        memcpy(spec, p, len);
        spec[len] = '\0';
        if (sl_console_param_component(spec, store[*n][0], sizeof store[*n][0], store[*n][1],
                                       sizeof store[*n][1]) != 0) {
            fprintf(stderr,
                    "sluice console: --component '%s': want NAME=http://HOST:PORT (NAME of "
                    "letters, digits, . _ -)\n",
                    spec);
            return -1;
        }
        out[*n] = (sl_console_component_conf_t){store[*n][0], store[*n][1]};
        (*n)++;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static int run_console(sl_console_conf_t *conf) {
    char err[1024] = "";
    sl_console_t *c = NULL;
    sl_console_err_t e = sl_console_new(conf, &c, err, sizeof err);
    if (e != SL_CONSOLE_OK) {
        fprintf(stderr, "sluice console: %s\n", err[0] ? err : sl_console_err_str(e));
        return e == SL_CONSOLE_ERR_CONFIG ? SL_EXIT_USAGE : SL_EXIT_FAIL;
    }
    e = sl_console_start(c, err, sizeof err);
    if (e != SL_CONSOLE_OK) {
        sl_log(SL_LOG_ERROR, "console", "%s", err[0] ? err : sl_console_err_str(e));
        sl_console_free(c);
        return SL_EXIT_FAIL;
    }
    sl_log(SL_LOG_INFO, "console", "console on http://%s:%u/ (%s)", sl_console_host(c),
           sl_console_port(c), conf->token ? "management on" : "read-only: no token");
    while (!g_stop)
        usleep(100 * 1000);
    sl_log(SL_LOG_INFO, "console", "stopping");
    sl_console_free(c);
    return SL_EXIT_OK;
}

int cmd_console(int argc, char **argv) {
    int rc = SL_EXIT_OK, margc = 0;
    char *joined = NULL;
    char **margv = merge_components(argc, argv, &margc, &joined);
    if (!margv) {
        fprintf(stderr, "sluice console: out of memory\n");
        return SL_EXIT_FAIL;
    }
    sl_config_t *cfg = cmd_load_config("sluice console", console_opts, N_CONSOLE_OPTS, margc, margv,
                                       console_usage, &rc);
    free(margv);
    free(joined);
    if (!cfg)
        return rc;
    static char store[32][2][1100];
    sl_console_component_conf_t comps[32];
    sl_console_conf_t conf;
    sl_console_conf_defaults(&conf);
    cmd_props_t *kafka = cmd_props_new(cfg, "kafka", "sluice console");
    const char **props = calloc(2 * 256 + 2, sizeof *props);
    char *token = NULL;
    size_t token_len = 0;
    cql_session_t *session = NULL;
    rc = SL_EXIT_USAGE;
    if (!kafka || !props) {
        if (kafka)
            fprintf(stderr, "sluice console: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < 2 * kafka->n; i++)
        props[i] = kafka->kv[i];
    if ((rc = cmd_kafka_check("console", sl_config_str(cfg, "brokers"), kafka)) != SL_EXIT_OK)
        goto out;
    rc = SL_EXIT_USAGE;
    if (parse_components(sl_config_str(cfg, "component"), comps, 32, &conf.n_components, store))
        goto out;
    if (read_token(sl_config_str(cfg, "auth-token-file"), &token, &token_len) != 0)
        goto out;
    char err[1024] = "", table[300];
    const char *hosts = sl_config_str(cfg, "cassandra");
    if (hosts && *hosts) {
        cql_conf_t *cc = cmd_cql_conf(cfg, hosts, err, sizeof err);
        if (!cc) {
            fprintf(stderr, "sluice console: %s\n", err);
            goto out;
        }
        /* Connects in the background and keeps reconnecting: Cassandra may be down now. */
        if (cql_session_new(cc, &session, err, sizeof err) != CQL_OK) {
            fprintf(stderr, "sluice console: CQL session: %s\n", err);
            rc = SL_EXIT_FAIL;
            goto out;
        }
    }
    snprintf(table, sizeof table, "%s.%s", sl_config_str(cfg, "keyspace"),
             sl_config_str(cfg, "table"));
    const char *registry = sl_config_str(cfg, "registry");
    conf.listen = sl_config_str(cfg, "listen");
    conf.brokers = sl_config_str(cfg, "brokers");
    conf.kafka_props = props;
    conf.cassandra = session;
    conf.cassandra_hosts = hosts && *hosts ? hosts : NULL;
    conf.registry_url = registry && *registry ? registry : NULL;
    conf.registry_ca = sl_config_str(cfg, "registry-ca");
    conf.components = comps;
    conf.topic = sl_config_str(cfg, "topic");
    conf.table = table;
    conf.dlq_suffix = sl_config_str(cfg, "dlq-suffix");
    conf.token = token;
    conf.token_len = token_len;
    conf.interval_s = sl_config_num(cfg, "interval");
    conf.history_s = sl_config_num(cfg, "history");
    conf.kafka_timeout_ms = (int)(sl_config_num(cfg, "kafka-timeout") * 1000);
    conf.probe_timeout_ms = (int)(sl_config_num(cfg, "probe-timeout") * 1000);
    conf.browse_timeout_ms = (int)(sl_config_num(cfg, "browse-timeout") * 1000);
    conf.browse_max_messages = (size_t)sl_config_int(cfg, "browse-max-messages");
    conf.browse_max_value = (size_t)sl_config_int(cfg, "max-message-bytes");
    conf.browse_max_page = (size_t)sl_config_int(cfg, "max-page-bytes");
    conf.browse_concurrency = (unsigned)sl_config_int(cfg, "browse-concurrency");
    conf.log = cmd_log_line;
    conf.log_opaque = (void *)"console";
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "sluice console: libcurl did not initialise\n");
        rc = SL_EXIT_FAIL;
        goto out;
    }
    cmd_catch_signals(&g_stop);
    cmd_console_registry_t *reg = NULL;
    rc = cmd_console_registry_open(cfg, conf.probe_timeout_ms, &g_stop, &reg, &conf.registry);
    if (rc == 0)
        rc = run_console(&conf);
    cmd_console_registry_free(reg);
    curl_global_cleanup();
out:
    if (token) {
        explicit_bzero(token, token_len);
        free(token);
    }
    cql_session_free(session);
    free(kafka);
    free(props);
    sl_config_free(cfg);
    return rc;
}
