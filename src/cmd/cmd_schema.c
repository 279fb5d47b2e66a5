/*
 * sluice schema: the Kafka topics (main and dead-letter) and the Cassandra keyspace and
 * table, created idempotently by the schema module (src/schema), which
 * `sluice process --create-schema` calls as well, and with --registry the record's Avro
 * schema registered under <topic>-value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cmd_registry.h"
#include "cmd_kafka.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_avro.h"
#include "sl_log.h"
#include "sl_registry.h"
#include "sl_schema.h"

static const sl_config_opt_t schema_opts[] = {
    CMD_OPT_BROKERS,
    CMD_OPT_TOPIC("Kafka topic of records"),
    CMD_OPT_DLQ_TOPIC("dead-letter topic (default TOPIC.dlq)"),
    {"partitions", 0, SL_OPT_INT, "6", 1, 10000, "N", "partitions of a new topic"},
    {"replication", 0, SL_OPT_INT, "1", 1, 32, "N", "replication factor of a new topic"},
    CMD_OPT_CASSANDRA("Cassandra contact points, comma separated host[:port]"),
    CMD_OPT_KEYSPACE("Cassandra keyspace"),
    CMD_OPT_TABLE("Cassandra table"),
    {"keyspace-replication", 0, SL_OPT_STR, "{'class': 'SimpleStrategy', 'replication_factor': 1}",
     0, -1, "MAP", "replication of a new keyspace, a CQL map literal"},
    {"timeout", 0, SL_OPT_NUM, "60", 0.1, 3600, "S", "how long to wait for each step"},
    {"allow-fewer-partitions", 0, SL_OPT_BOOL, "false", 0, -1, NULL,
     "an existing topic with fewer partitions than --partitions is a warning, not exit 1"},
    {"skip-kafka", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "leave the topics alone"},
    {"skip-cassandra", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "leave keyspace and table alone"},
    {"print-avro", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "print the record's Avro schema and exit"},
    CMD_OPTS_REGISTRY("schema registry (Confluent API base URL): register the Avro schema as "
                      "TOPIC-value"),
    CMD_OPT_REGISTRY_COMPATIBILITY,
    CMD_OPTS_LOGGING,
};
#define N_SCHEMA_OPTS (sizeof schema_opts / sizeof schema_opts[0])

static void schema_usage(FILE *out) {
    cmd_usage(out, schema_opts, N_SCHEMA_OPTS,
              "usage: sluice schema [options]\n"
              "\n"
              "Creates what the pipeline writes to, when it is missing: the Kafka topic and its\n"
              "dead-letter topic, the Cassandra keyspace and the table (id uuid PRIMARY KEY and\n"
              "the record's fields as text). Adds record columns an existing table lacks, such\n"
              "as dob in a table made by the Spark tutorial stack. Safe to run again.\n"
              "Credentials and TLS: -X cql.username=… -X cql.password=… (or SLUICE_* env).\n"
              "With --registry URL it also registers the record's Avro schema under the subject\n"
              "TOPIC-value (the same schema again gets the same id), sets the subject's\n"
              "compatibility (FULL unless --registry-compatibility says otherwise) and prints\n"
              "the id; registry credentials come from the environment\n"
              "(SLUICE_REGISTRY_USERNAME, SLUICE_REGISTRY_PASSWORD) or the config file only.\n",
              "Exit codes: 0 all in place, 1 something could not be created, an existing\n"
              "topic has fewer partitions than --partitions (unless --allow-fewer-partitions),\n"
              "or the registry refused the schema, 2 usage.\n");
}

/* Registers the record's schema under <topic>-value and sets the subject's compatibility;
 * prints the id on stdout. Returns an exit code. */
static int schema_register(const sl_config_t *cfg, const char *topic, int timeout_ms) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sl_log(SL_LOG_ERROR, "schema", "libcurl could not start");
        return SL_EXIT_FAIL;
    }
    sl_registry_t *reg = NULL;
    int32_t id = -1;
    int code = cmd_registry_open(cfg, "sluice schema", timeout_ms, 0, NULL, &reg);
    if (code == 0)
        code = cmd_registry_subject(reg, "schema", topic,
                                    sl_config_str(cfg, "registry-compatibility"), 1, &id);
    if (code == 0)
        printf("%d\n", (int)id);
    sl_registry_free(reg);
    curl_global_cleanup();
    return code;
}

int cmd_schema(int argc, char **argv) {
    int rc = SL_EXIT_OK;
    sl_config_t *cfg =
        cmd_load_config("sluice schema", schema_opts, N_SCHEMA_OPTS, argc, argv, schema_usage, &rc);
    if (!cfg)
        return rc;
    if (sl_config_bool(cfg, "print-avro")) {
        printf("%s\n", sl_avro_schema());
        sl_config_free(cfg);
        return SL_EXIT_OK;
    }
    char err[1024] = "";
    char dlq[512];
    const char *topic = sl_config_str(cfg, "topic");
    const char *dlq_opt = sl_config_str(cfg, "dlq-topic");
    snprintf(dlq, sizeof dlq, "%s", dlq_opt && *dlq_opt ? dlq_opt : topic);
    if (!(dlq_opt && *dlq_opt))
        strncat(dlq, ".dlq", sizeof dlq - strlen(dlq) - 1);
    int timeout_ms = (int)(sl_config_num(cfg, "timeout") * 1000);
    const char *keyspace = sl_config_str(cfg, "keyspace");
    const char *table = sl_config_str(cfg, "table");
    if (!sl_schema_name_ok(keyspace) || !sl_schema_name_ok(table)) {
        fprintf(stderr, "sluice schema: keyspace and table must be plain identifiers\n");
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }

    cmd_props_t *kafka = cmd_props_new(cfg, "kafka", "sluice schema");
    if (!kafka) {
        sl_config_free(cfg);
        return SL_EXIT_USAGE;
    }
    cmd_props_for(kafka, RD_KAFKA_PRODUCER, kafka); /* the admin client is a producer */
    sl_schema_topics_conf_t tc = {.brokers = sl_config_str(cfg, "brokers"),
                                  .kafka_props = kafka->kv,
                                  .n_kafka_props = kafka->n,
                                  .topic = topic,
                                  .dlq_topic = dlq,
                                  .partitions = (int)sl_config_int(cfg, "partitions"),
                                  .replication = (int)sl_config_int(cfg, "replication"),
                                  .fewer_partitions_ok =
                                      sl_config_bool(cfg, "allow-fewer-partitions"),
                                  .timeout_ms = timeout_ms,
                                  .kafka_log = cmd_kafka_log,
                                  .log = cmd_log_line,
                                  .log_opaque = (void *)"schema"};
    sl_schema_err_t serr = SL_SCHEMA_ERR_OK;
    if (!sl_config_bool(cfg, "skip-kafka"))
        rc = cmd_kafka_check("schema", tc.brokers, kafka);
    if (rc == SL_EXIT_OK && !sl_config_bool(cfg, "skip-kafka") &&
        (serr = sl_schema_topics_setup(&tc, NULL, err, sizeof err)) != SL_SCHEMA_ERR_OK) {
        sl_log(SL_LOG_ERROR, "schema", "Kafka: %s", err);
        rc = serr == SL_SCHEMA_ERR_CONFIG ? SL_EXIT_USAGE : SL_EXIT_FAIL;
    }
    free(kafka);

    if (rc == SL_EXIT_OK && !sl_config_bool(cfg, "skip-cassandra")) {
        cql_conf_t *cc = cmd_cql_conf(cfg, sl_config_str(cfg, "cassandra"), err, sizeof err);
        cql_session_t *session = NULL;
        if (!cc) {
            fprintf(stderr, "sluice schema: %s\n", err);
            rc = SL_EXIT_USAGE;
        } else if (cql_session_new(cc, &session, err, sizeof err) != CQL_OK) {
            sl_log(SL_LOG_ERROR, "schema", "Cassandra at %s: %s", sl_config_str(cfg, "cassandra"),
                   err);
            rc = SL_EXIT_FAIL;
        } else if (cmd_cql_connect(session, "schema", sl_config_str(cfg, "cassandra"),
                                   timeout_ms / 1000.0, NULL) != 0) {
            rc = SL_EXIT_FAIL; /* each attempt and the reason logged */
        } else {
            sl_schema_table_conf_t kc = {.keyspace = keyspace,
                                         .table = table,
                                         .replication = sl_config_str(cfg, "keyspace-replication"),
                                         .timeout_ms = timeout_ms,
                                         .log = cmd_log_line,
                                         .log_opaque = (void *)"schema"};
            if ((serr = sl_schema_table_ensure(session, &kc, NULL, err, sizeof err)) !=
                SL_SCHEMA_ERR_OK) {
                sl_log(SL_LOG_ERROR, "schema", "Cassandra: %s", err);
                rc = serr == SL_SCHEMA_ERR_CONFIG ? SL_EXIT_USAGE : SL_EXIT_FAIL;
            }
        }
        cql_session_free(session);
    }
    const char *registry = sl_config_str(cfg, "registry");
    if (rc == SL_EXIT_OK && registry && *registry)
        rc = schema_register(cfg, topic, timeout_ms);
    sl_config_free(cfg);
    return rc;
}
