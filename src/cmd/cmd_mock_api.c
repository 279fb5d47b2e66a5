/*
 * sluice mock-api: runs a local randomuser.me-compatible API with fault injection, for
 * offline demos, tests and benchmarks of `sluice ingest`. argv and SLUICE_MOCKAPI_* become
 * a sl_mockapi_conf_t; the server runs until SIGINT/SIGTERM, then a summary is printed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_util.h"
#include "commands.h"
#include "sl_log.h"
#include "sl_mockapi.h"
#include "sl_time.h"

static volatile sig_atomic_t g_stop;

static void mock_usage(FILE *out) {
    fprintf(
        out,
        "usage: sluice mock-api [--listen HOST:PORT] [fault options] [--log-format json]\n"
        "\n"
        "Serves a local stand-in for the randomuser.me v1.4 API, so that ingest can be\n"
        "tried, tested and benchmarked offline. Pages are deterministic for a given\n"
        "seed and page; faults can be injected to see how a client copes.\n"
        "\n"
        "Endpoints: GET /api/ and /api/1.4/ (?results=1..5000&seed=S&page=P&nat=US,DE\n"
        "           &gender=male|female&inc=FIELDS&exc=FIELDS&noinfo),\n"
        "           GET /metrics, GET /healthz. See docs/mock-api.md.\n"
        "\n"
        "  -l, --listen HOST:PORT     where to listen (default 127.0.0.1:8000; port 0 picks one)\n"
        "      --threads N            polling threads; 0 = one thread per connection (default)\n"
        "      --latency MS           added to every API response\n"
        "      --latency-jitter MS    plus a uniform 0..MS on top\n"
        "      --fail-rate P          share of responses that are 5xx (500/502/503/504)\n"
        "      --throttle-rate P      share of 429 Too Many Requests with Retry-After\n"
        "      --retry-after S        the Retry-After value for 429 (default 1)\n"
        "      --truncate-rate P      share of bodies cut mid-way (connection closed early)\n"
        "      --malformed-rate P     share of bodies with broken JSON (status 200)\n"
        "      --error-rate P         share of {\"error\":...} bodies (status 200 or 500)\n"
        "      --fault-seed N         makes fault decisions repeatable (default: random)\n"
        "      --log-format F         text or json\n"
        "      --log-level L          debug, info, warn or error\n"
        "  -h, --help                 this text\n"
        "\n"
        "Rates are between 0 and 1 and add up to at most 1. Every option can also come\n"
        "from the environment as SLUICE_MOCKAPI_<OPTION> (e.g. SLUICE_MOCKAPI_FAIL_RATE=0.1);\n"
        "options on the command line win.\n"
        "\n"
        "Example:\n"
        "  sluice mock-api --listen 127.0.0.1:8000 --throttle-rate 0.05 --fault-seed 7 &\n"
        "  curl -s 'http://127.0.0.1:8000/api/?results=2&seed=demo&nat=ua' | head -c 300\n"
        "  curl -s http://127.0.0.1:8000/metrics\n"
        "\n"
        "Stop with Ctrl-C (SIGINT) or SIGTERM: prints requests by outcome and users served.\n"
        "Exit codes: 0 stopped cleanly, 1 could not listen, 2 usage.\n");
}

enum {
    OPT_THREADS = 256,
    OPT_LATENCY,
    OPT_JITTER,
    OPT_FAIL,
    OPT_THROTTLE,
    OPT_RETRY_AFTER,
    OPT_TRUNCATE,
    OPT_MALFORMED,
    OPT_ERROR,
    OPT_FAULT_SEED,
    OPT_LOG_FORMAT,
    OPT_LOG_LEVEL,
};

static const struct option mock_opts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"latency", required_argument, NULL, OPT_LATENCY},
    {"latency-jitter", required_argument, NULL, OPT_JITTER},
    {"fail-rate", required_argument, NULL, OPT_FAIL},
    {"throttle-rate", required_argument, NULL, OPT_THROTTLE},
    {"retry-after", required_argument, NULL, OPT_RETRY_AFTER},
    {"truncate-rate", required_argument, NULL, OPT_TRUNCATE},
    {"malformed-rate", required_argument, NULL, OPT_MALFORMED},
    {"error-rate", required_argument, NULL, OPT_ERROR},
    {"fault-seed", required_argument, NULL, OPT_FAULT_SEED},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct mock_cli_s {
    sl_mockapi_conf_t conf;
    const char *listen;
    int have_fault_seed;
    sl_log_format_t log_format; /* set once every option is read */
    sl_log_level_t log_level;
} mock_cli_t;

static int parse_rate(const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0.0 && v <= 1.0))
        return -1;
    *out = v;
    return 0;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out) {
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_unsigned(const char *s, unsigned max, unsigned *out) {
    unsigned long long u;
    if (parse_uint(s, max, &u) != 0)
        return -1;
    *out = (unsigned)u;
    return 0;
}

/* Applies one option; src says where it came from, for the error message. */
static int apply(mock_cli_t *cli, int opt, const char *name, const char *val, const char *src) {
    int bad = 0;
    sl_mockapi_fault_conf_t *f = &cli->conf.fault;
    switch (opt) {
    case 'l': cli->listen = val; break;
    case OPT_THREADS: bad = parse_unsigned(val, 64, &cli->conf.threads); break;
    case OPT_LATENCY: bad = parse_unsigned(val, 600000, &f->latency_ms); break;
    case OPT_JITTER: bad = parse_unsigned(val, 600000, &f->latency_jitter_ms); break;
    case OPT_FAIL: bad = parse_rate(val, &f->fail_rate); break;
    case OPT_THROTTLE: bad = parse_rate(val, &f->throttle_rate); break;
    case OPT_RETRY_AFTER: bad = parse_unsigned(val, 86400, &f->retry_after_s); break;
    case OPT_TRUNCATE: bad = parse_rate(val, &f->truncate_rate); break;
    case OPT_MALFORMED: bad = parse_rate(val, &f->malformed_rate); break;
    case OPT_ERROR: bad = parse_rate(val, &f->error_rate); break;
    case OPT_FAULT_SEED: {
        unsigned long long u = 0;
        bad = parse_uint(val, UINT64_MAX, &u);
        f->fault_seed = u;
        cli->have_fault_seed = 1;
        break;
    }
    case OPT_LOG_FORMAT: bad = sl_log_format_parse(val, &cli->log_format); break;
    case OPT_LOG_LEVEL: bad = sl_log_level_parse(val, &cli->log_level); break;
    default: return -1;
    }
    if (bad) {
        fprintf(stderr, "sluice mock-api: invalid value '%s' for %s%s (see --help)\n", val, src,
                name);
        return -1;
    }
    return 0;
}

/* SLUICE_MOCKAPI_FAIL_RATE for --fail-rate, and so on. */
static int apply_env(mock_cli_t *cli) {
    for (const struct option *o = mock_opts; o->name; o++) {
        if (o->has_arg != required_argument)
            continue;
        char env[64] = "SLUICE_MOCKAPI_";
        size_t n = strlen(env);
        for (const char *p = o->name; *p && n < sizeof env - 1; p++)
            env[n++] = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        env[n] = '\0';
        const char *v = getenv(env);
        if (v && *v && apply(cli, o->val, env, v, "") != 0)
            return -1;
    }
    return 0;
}

int cmd_mock_api(int argc, char **argv) {
    mock_cli_t cli;
    memset(&cli, 0, sizeof cli);
    cli.listen = "127.0.0.1:8000";
    cli.log_format = SL_LOG_TEXT;
    cli.log_level = SL_LOG_INFO;
    if (apply_env(&cli) != 0)
        return SL_EXIT_USAGE;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:h", mock_opts, NULL)) != -1) {
        if (c == 'h') {
            mock_usage(stdout);
            return SL_EXIT_OK;
        }
        if (c == '?' || c == ':') {
            mock_usage(stderr);
            return SL_EXIT_USAGE;
        }
        const char *name = "";
        for (const struct option *o = mock_opts; o->name; o++)
            if (o->val == c)
                name = o->name;
        if (apply(&cli, c, name, optarg, "--") != 0)
            return SL_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "sluice mock-api: unexpected argument '%s'\n", argv[optind]);
        return SL_EXIT_USAGE;
    }
    sl_log_set_format(cli.log_format);
    sl_log_set_level(cli.log_level);
    if (!cli.have_fault_seed) {
        cli.conf.fault.fault_seed =
            (uint64_t)sl_wall_us() * 1000000007ULL ^ ((uint64_t)getpid() << 40);
    }
    cli.conf.listen = cli.listen;
    char errstr[256];
    if (sl_mockapi_fault_conf_check(&cli.conf.fault, errstr, sizeof errstr) != 0) {
        fprintf(stderr, "sluice mock-api: %s\n", errstr);
        return SL_EXIT_USAGE;
    }

    cmd_catch_signals(&g_stop);

    sl_mockapi_t *m = NULL;
    sl_mockapi_err_t err = sl_mockapi_start(&cli.conf, &m, errstr, sizeof errstr);
    if (err == SL_MOCKAPI_ERR_INVALID) {
        fprintf(stderr, "sluice mock-api: %s\n", errstr);
        return SL_EXIT_USAGE;
    }
    if (err) {
        sl_log(SL_LOG_ERROR, "mock-api", "%s", errstr);
        return SL_EXIT_FAIL;
    }
    const char *host = sl_mockapi_host(m);
    int v6 = strchr(host, ':') != NULL;
    printf("mock-api listening on http://%s%s%s:%u/api/\n", v6 ? "[" : "", host, v6 ? "]" : "",
           (unsigned)sl_mockapi_port(m));
    fflush(stdout);
    const sl_mockapi_fault_conf_t *f = &cli.conf.fault;
    sl_log(SL_LOG_INFO, "mock-api",
           "faults: latency=%ums jitter=%ums fail=%g throttle=%g truncate=%g malformed=%g "
           "error=%g fault-seed=%llu",
           f->latency_ms, f->latency_jitter_ms, f->fail_rate, f->throttle_rate, f->truncate_rate,
           f->malformed_rate, f->error_rate, (unsigned long long)f->fault_seed);

    while (!g_stop) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    sl_mockapi_stop(m); /* requests in progress are answered and counted */
    sl_mockapi_stats_t st;
    sl_mockapi_stats(m, &st);
    sl_mockapi_free(m);
    uint64_t total = 0;
    for (int i = 0; i < SL_MOCKAPI_FAULT_OUTCOME_COUNT; i++)
        total += st.requests[i];
    printf("mock-api stopped: requests=%llu", (unsigned long long)total);
    for (int i = 0; i < SL_MOCKAPI_FAULT_OUTCOME_COUNT; i++)
        printf(" %s=%llu", sl_mockapi_fault_outcome_str((sl_mockapi_fault_outcome_t)i),
               (unsigned long long)st.requests[i]);
    printf(" users=%llu\n", (unsigned long long)st.users);
    fflush(stdout);
    return SL_EXIT_OK;
}
