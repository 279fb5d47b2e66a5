/*
 * sluice: argv[1] picks a subcommand; everything else belongs to it.
 */
#include <stdio.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "commands.h"

static const sl_command_t commands[] = {
    {"check", "check that Kafka answers (brokers, topics, partitions)", cmd_check},
    {"console", "serve the web console: topics, lag, messages, dead letters, charts", cmd_console},
    {"ingest", "fetch users from the HTTP API and produce them to Kafka", cmd_ingest},
    {"process", "consume records from Kafka, validate them, write them to Cassandra", cmd_process},
    {"schema", "create the Kafka topics and the Cassandra keyspace and table", cmd_schema},
    {"mock-api", "serve a local randomuser-compatible API with fault injection", cmd_mock_api},
};

static const size_t n_commands = sizeof commands / sizeof commands[0];

static void usage(FILE *out) {
    fprintf(out,
            "sluice %s — a streaming pipeline: HTTP API -> Kafka -> Cassandra\n"
            "\n"
            "usage: sluice <command> [options]\n"
            "       sluice <command> --help\n"
            "       sluice --version\n"
            "\n"
            "commands:\n",
            SLUICE_VERSION);
    for (size_t i = 0; i < n_commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n"
                 "Common options: -b BROKERS (Kafka, default 127.0.0.1:9092), -X key=value,\n"
                 "--log-format text|json, --log-level debug|info|warn|error.\n"
                 "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 || strcmp(name, "version") == 0) {
        printf("sluice %s (librdkafka %s)\n", SLUICE_VERSION, rd_kafka_version_str());
        return SL_EXIT_OK;
    }
    for (size_t i = 0; i < n_commands; i++) {
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "sluice: unknown command '%s' (see 'sluice --help')\n", name);
    return SL_EXIT_USAGE;
}
