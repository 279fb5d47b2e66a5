/* Shared command plumbing; see cmd_util.h. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_util.h"
#include "commands.h"
#include "sl_kafka_scope.h"
#include "sl_backoff.h"
#include "sl_log.h"
#include "sl_time.h"

static int has_opt(const sl_config_opt_t *opts, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(opts[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* -X list: the CQL client's property table (Markdown, as in docs/cql.md) and librdkafka's
 * own list, or one of them (ns "cql" or "kafka"). -1 when out of memory. */
static int print_properties(const char *ns) {
    int both = !*ns;
    if (both || !strcmp(ns, "cql")) {
        size_t need = cql_conf_reference(NULL, 0);
        char *md = malloc(need + 1);
        if (!md)
            return -1;
        cql_conf_reference(md, need + 1);
        if (both)
            printf("CQL client properties (-X cql.NAME=VALUE):\n\n");
        fputs(md, stdout);
        free(md);
    }
    if (both || !strcmp(ns, "kafka")) {
        if (both)
            printf("\nlibrdkafka properties (-X kafka.NAME=VALUE):\n\n");
        fflush(stdout);
        rd_kafka_conf_properties_show(stdout);
    }
    fflush(stdout);
    return 0;
}

void cmd_usage(FILE *out, const sl_config_opt_t *opts, size_t n, const char *head,
               const char *tail) {
    char buf[8192];
    sl_config_usage(opts, n, buf, sizeof buf);
    fprintf(out, "%s\n%s\n%s", head, buf, tail);
}

sl_config_t *cmd_load_config(const char *prog, const sl_config_opt_t *opts, size_t n, int argc,
                             char **argv, void (*usage)(FILE *), int *exit_code) {
    char err[512] = "";
    sl_config_t *cfg = sl_config_new(prog, opts, n);
    if (!cfg) {
        fprintf(stderr, "%s: out of memory\n", prog);
        *exit_code = SL_EXIT_FAIL;
        return NULL;
    }
    sl_config_err_t cerr = sl_config_load_all(cfg, argc, argv, err, sizeof err);
    if (cerr == SL_CONFIG_ERR_HELP) {
        usage(stdout);
        *exit_code = SL_EXIT_OK;
        goto done;
    }
    if (cerr == SL_CONFIG_ERR_LIST) {
        *exit_code = print_properties(sl_config_list_ns(cfg)) ? SL_EXIT_FAIL : SL_EXIT_OK;
        goto done;
    }
    if (cerr) {
        fprintf(stderr, "%s\n(see '%s --help')\n", err, prog);
        *exit_code = SL_EXIT_USAGE;
        goto done;
    }
    if (has_opt(opts, n, "config-reference") && sl_config_bool(cfg, "config-reference")) {
        size_t need = sl_config_markdown(opts, n, NULL, 0);
        char *md = malloc(need + 1);
        if (md) {
            sl_config_markdown(opts, n, md, need + 1);
            fputs(md, stdout);
            free(md);
        }
        *exit_code = md ? SL_EXIT_OK : SL_EXIT_FAIL;
        goto done;
    }
    sl_log_format_t fmt = SL_LOG_TEXT;
    sl_log_level_t level = SL_LOG_INFO;
    if ((has_opt(opts, n, "log-format") &&
         sl_log_format_parse(sl_config_str(cfg, "log-format"), &fmt) != 0) ||
        (has_opt(opts, n, "log-level") &&
         sl_log_level_parse(sl_config_str(cfg, "log-level"), &level) != 0)) {
        fprintf(stderr,
                "%s: --log-format takes text or json, --log-level debug, info, warn or "
                "error\n",
                prog);
        *exit_code = SL_EXIT_USAGE;
        goto done;
    }
    sl_log_set_format(fmt);
    sl_log_set_level(level);
    if (level == SL_LOG_DEBUG) {
        char desc[8192];
        sl_config_describe(cfg, desc, sizeof desc);
        for (char *line = strtok(desc, "\n"); line; line = strtok(NULL, "\n"))
            sl_log(SL_LOG_DEBUG, "config", "%s", line);
    }
    return cfg;
done:
    sl_config_free(cfg);
    return NULL;
}

static int collect(const char *key, const char *value, void *opaque) {
    cmd_props_t *p = opaque;
    if (p->n >= 256)
        return 1;
    p->kv[2 * p->n] = key;
    p->kv[2 * p->n + 1] = value;
    p->n++;
    return 0;
}

int cmd_collect_props(const sl_config_t *cfg, const char *ns, cmd_props_t *props) {
    props->n = 0;
    return sl_config_props(cfg, ns, collect, props) ? -1 : 0;
}

cmd_props_t *cmd_props_new(const sl_config_t *cfg, const char *ns, const char *prog) {
    cmd_props_t *props = calloc(1, sizeof *props);
    if (!props || cmd_collect_props(cfg, ns, props) != 0) {
        fprintf(stderr, "%s: too many -X %s. properties\n", prog, ns);
        free(props);
        return NULL;
    }
    return props;
}

void cmd_props_for(const cmd_props_t *in, rd_kafka_type_t type, cmd_props_t *out) {
    size_t kept = 0; /* never ahead of i: out may be in */
    for (size_t i = 0; i < in->n; i++) {
        if (!sl_kafka_scope_applies(in->kv[2 * i], type))
            continue;
        out->kv[2 * kept] = in->kv[2 * i];
        out->kv[2 * kept + 1] = in->kv[2 * i + 1];
        kept++;
    }
    out->n = kept;
}

/* The client's info lines (hosts found, schema events) are detail for an operator who asks
 * for it; warnings and errors pass through as they are. */
static void cql_log(void *opaque, cql_log_level_t level, const char *msg) {
    (void)opaque;
    sl_log(level <= CQL_LOG_INFO ? SL_LOG_DEBUG : (sl_log_level_t)level, "cql", "%s", msg);
}

void cmd_kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    sl_log(sl_log_level_from_kafka(level, fac), "kafka", "%s: %s", fac, buf);
}

typedef struct {
    cql_conf_t *conf;
    char *errstr;
    size_t errstr_size;
} cql_props_ctx_t;

static int set_cql(const char *key, const char *value, void *opaque) {
    cql_props_ctx_t *c = opaque;
    return cql_conf_set(c->conf, key, value, c->errstr, c->errstr_size) != CQL_OK;
}

cql_conf_t *cmd_cql_conf(const sl_config_t *cfg, const char *hosts, char *errstr,
                         size_t errstr_size) {
    cql_conf_t *conf = cql_conf_new();
    if (!conf) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (hosts && *hosts &&
        cql_conf_set(conf, "contact_points", hosts, errstr, errstr_size) != CQL_OK) {
        cql_conf_free(conf);
        return NULL;
    }
    cql_props_ctx_t ctx = {conf, errstr, errstr_size};
    if (sl_config_props(cfg, "cql", set_cql, &ctx) != 0) {
        cql_conf_free(conf);
        return NULL;
    }
    cql_conf_set_log_cb(conf, cql_log, NULL);
    return conf;
}

int cmd_cql_connect(cql_session_t *session, const char *who, const char *hosts, double give_up_s,
                    volatile sig_atomic_t *stop) {
    const uint64_t start = sl_now_ms();
    const uint64_t limit = give_up_s > 0 ? (uint64_t)(give_up_s * 1000) : 0;
    sl_backoff_t backoff;
    sl_backoff_init(&backoff, 1000, 10000, sl_now_us());
    char err[512];
    for (unsigned attempt = 1;; attempt++) {
        uint64_t spent = sl_now_ms() - start;
        int64_t wait = 5000;
        if (limit && (int64_t)(limit - spent) < wait)
            wait = spent < limit ? (int64_t)(limit - spent) : 1;
        cql_err_t e = cql_session_connect_wait(session, wait, err, sizeof err);
        if (e == CQL_OK)
            return 0;
        if (stop && *stop)
            return -1;
        if (!cql_err_is_retriable(e)) { /* TLS, credentials: retrying cannot cure it */
            sl_log(SL_LOG_ERROR, who, "Cassandra at %s: %s", hosts, err);
            return -1;
        }
        spent = sl_now_ms() - start;
        if (limit && spent >= limit) {
            sl_log(SL_LOG_ERROR, who, "Cassandra at %s unreachable for %.0f s (%u attempts): %s",
                   hosts, give_up_s, attempt, err);
            return -1;
        }
        uint64_t pause = sl_backoff_next_ms(&backoff, attempt - 1);
        if (limit && spent + pause > limit)
            pause = limit - spent;
        sl_log(SL_LOG_WARN, who,
               "Cassandra at %s not reachable (attempt %u): %s; retrying in %.1f s", hosts, attempt,
               err, (double)pause / 1000.0);
        for (uint64_t waited = 0; waited < pause && !(stop && *stop); waited += 100)
            usleep(100 * 1000);
    }
}

sl_http_server_t *cmd_http_serve(const char *listen, sl_http_handler_fn metrics,
                                 sl_http_handler_fn healthz, void *opaque, char *errstr,
                                 size_t errstr_size) {
    errstr[0] = '\0';
    sl_http_conf_t hc = {.listen = listen, .threads = 1};
    sl_http_server_t *srv = NULL;
    sl_http_err_t e = sl_http_server_new(&hc, &srv, errstr, errstr_size);
    if (!e)
        e = sl_http_server_route(srv, "GET", "/metrics", metrics, opaque);
    if (!e)
        e = sl_http_server_route(srv, "GET", "/healthz", healthz, opaque);
    if (!e)
        e = sl_http_server_start(srv, errstr, errstr_size);
    if (e) {
        if (!*errstr)
            snprintf(errstr, errstr_size, "%s", sl_http_err_str(e));
        sl_http_server_free(srv);
        return NULL;
    }
    return srv;
}

static volatile sig_atomic_t *g_flag;

static void on_signal(int sig) {
    (void)sig;
    if (g_flag && *g_flag < 100)
        (*g_flag)++;
}

void cmd_catch_signals(volatile sig_atomic_t *flag) {
    g_flag = flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void cmd_log_line(void *component, sl_log_level_t level, const char *msg) {
    sl_log(level, (const char *)component, "%s", msg);
}
