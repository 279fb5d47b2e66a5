/*
 * Helpers shared by the commands that take an sl_config option table: loading flags,
 * environment and file with --help and --config-reference handled, log setup, and the
 * pass-through properties for librdkafka and the CQL client.
 */
#ifndef SLUICE_CMD_UTIL_H
#define SLUICE_CMD_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>

#include "cql.h"
#include "sl_config.h"
#include "sl_http.h"
#include "sl_log.h"

/* Loads argv, environment and file into a new config over opts. Handles --help (calls
 * usage(stdout)), -X list / -X cql.list / -X kafka.list (prints the properties the CQL
 * client and librdkafka take), --config-reference (if the table has it), --log-format,
 * --log-level.
 * Returns the config to go on with, or NULL with *exit_code set to what the command
 * should return. The config must be freed with sl_config_free(). */
sl_config_t *cmd_load_config(const char *prog, const sl_config_opt_t *opts, size_t n, int argc,
                             char **argv, void (*usage)(FILE *), int *exit_code);

/* Writes a command's --help: head (the usage line and what the command does), the option
 * table rendered by sl_config_usage(), then tail (the exit codes). */
void cmd_usage(FILE *out, const sl_config_opt_t *opts, size_t n, const char *head,
               const char *tail);

/* Option-table rows several commands share: one name, flag, type, default and range each,
 * so that SLUICE_<NAME> means the same to every command; help says what this command does
 * with it. (check's --topic is its own row: there no topic means every topic.) */
#define CMD_OPT_BROKERS                                                                            \
    { "brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers" }
#define CMD_OPT_TOPIC(help)                                                                        \
    { "topic", 't', SL_OPT_STR, "users_created", 0, -1, "NAME", help }
#define CMD_OPT_DLQ_TOPIC(help)                                                                    \
    { "dlq-topic", 0, SL_OPT_STR, "", 0, -1, "NAME", help }
#define CMD_OPT_CASSANDRA(help)                                                                    \
    { "cassandra", 'c', SL_OPT_STR, "127.0.0.1:9042", 0, -1, "HOSTS", help }
#define CMD_OPT_KEYSPACE(help)                                                                     \
    { "keyspace", 'k', SL_OPT_STR, "spark_streams", 0, -1, "NAME", help }
#define CMD_OPT_TABLE(help)                                                                        \
    { "table", 0, SL_OPT_STR, "created_users", 0, -1, "NAME", help }

/* Option-table rows every long-running command shares. */
#define CMD_OPTS_HTTP_PROGRESS                                                                     \
    {"http", 0, SL_OPT_STR, "", 0, -1, "ADDR", "serve /metrics and /healthz on HOST:PORT"}, {      \
        "progress", 0, SL_OPT_STR, "auto", 0, -1, "WHEN",                                          \
            "live progress line: auto (on a terminal), always, never"                              \
    }

/* Option-table rows every command shares; cmd_load_config() acts on them. */
#define CMD_OPTS_LOGGING                                                                           \
    {"log-format", 0, SL_OPT_STR, "text", 0, -1, "FMT", "text or json"},                           \
        {"log-level", 0, SL_OPT_STR, "info", 0, -1, "LEVEL", "debug, info, warn or error"}, {      \
        "config-reference", 0, SL_OPT_BOOL, "false", 0, -1, NULL,                                  \
            "print the options as a Markdown table and exit"                                       \
    }

/* The log callback (sl_log_cb_t) a command gives a library: each line goes to sl_log under
 * the component named by opaque, a string that outlives the library's handle:
 * `.log = cmd_log_line, .log_opaque = (void *)"schema"`. */
void cmd_log_line(void *component, sl_log_level_t level, const char *msg);

/* -X <ns>.key=value properties as a flat list: kv[2i] = key, kv[2i+1] = value. The strings
 * belong to the config. */
typedef struct {
    const char *kv[2 * 256];
    size_t n;
} cmd_props_t;

/* Fills props from the config; -1 when there are more than 256. */
int cmd_collect_props(const sl_config_t *cfg, const char *ns, cmd_props_t *props);
/* A new cmd_props_t filled from the config's -X <ns>.* properties, to be freed with free();
 * NULL, with "<prog>: too many -X <ns>. properties" on stderr, when they do not fit (or
 * out of memory): a usage error. */
cmd_props_t *cmd_props_new(const sl_config_t *cfg, const char *ns, const char *prog);

/* The properties of in that a librdkafka handle of type `type` takes (sl_kafka_scope.h),
 * into out (which may be in): a consumer-only property on a producer would only get a
 * CONFWARN. The strings belong to in's config. */
void cmd_props_for(const cmd_props_t *in, rd_kafka_type_t type, cmd_props_t *out);

/* A CQL client configuration: contact points from `hosts` ("h1:9042,h2"), then every
 * -X cql.* property, then the library's log routed to sl_log. NULL with errstr filled on a
 * bad property. Must be freed with cql_conf_free() unless handed to a session. */
cql_conf_t *cmd_cql_conf(const sl_config_t *cfg, const char *hosts, char *errstr,
                         size_t errstr_size);

/* Connects session, one attempt of at most 5 s at a time with a growing, jittered pause
 * between them, logging each failed attempt (as component who) with the reason, until it
 * works (0), give_up_s pass (0: never), *stop is set (stop may be NULL) or Cassandra
 * refuses in a way retrying cannot cure (TLS, credentials: logged at once); -1 then, the
 * last reason logged as an error when the time ran out. */
int cmd_cql_connect(cql_session_t *session, const char *who, const char *hosts, double give_up_s,
                    volatile sig_atomic_t *stop);

/* The signal setup of every long-running command: SIGINT and SIGTERM count into *flag
 * (the first asks for a clean stop, a second one means "hurry"), SIGPIPE is ignored. The
 * handler only increments the flag. */
void cmd_catch_signals(volatile sig_atomic_t *flag);

/* The --http endpoint of a long-running command: a server on listen ("HOST:PORT") with one
 * polling thread, GET /metrics answered by metrics and GET /healthz by healthz (which
 * should answer with sl_http_response_health()), both called with opaque on the server's
 * thread. Returns the started server, to be freed with sl_http_server_free(), or NULL
 * with errstr filled. */
sl_http_server_t *cmd_http_serve(const char *listen, sl_http_handler_fn metrics,
                                 sl_http_handler_fn healthz, void *opaque, char *errstr,
                                 size_t errstr_size);

/* librdkafka's log callback routed to sl_log, at sl_log_level_from_kafka(). */
void cmd_kafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

#endif
