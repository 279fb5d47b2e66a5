/*
 * sluice schema: the Kafka topics (main and dead-letter) and the Cassandra keyspace and
 * table, created idempotently. Also used by `sluice process --create-schema`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "cmd_schema.h"
#include "cmd_util.h"
#include "commands.h"
#include "sl_log.h"
#include "sl_schema.h"
#include "sl_topics.h"

static const sl_config_opt_t schema_opts[] = {
    {"brokers", 'b', SL_OPT_STR, "127.0.0.1:9092", 0, -1, "LIST", "Kafka bootstrap brokers"},
    {"topic", 't', SL_OPT_STR, "users_created", 0, -1, "NAME", "Kafka topic of records"},
    {"dlq-topic", 0, SL_OPT_STR, "", 0, -1, "NAME", "dead-letter topic (default TOPIC.dlq)"},
    {"partitions", 0, SL_OPT_INT, "6", 1, 10000, "N", "partitions of a new topic"},
    {"replication", 0, SL_OPT_INT, "1", 1, 32, "N", "replication factor of a new topic"},
    {"cassandra", 'c', SL_OPT_STR, "127.0.0.1:9042", 0, -1, "HOSTS",
     "Cassandra contact points, comma separated host[:port]"},
    {"keyspace", 'k', SL_OPT_STR, "spark_streams", 0, -1, "NAME", "Cassandra keyspace"},
    {"table", 0, SL_OPT_STR, "created_users", 0, -1, "NAME", "Cassandra table"},
    {"keyspace-replication", 0, SL_OPT_STR, "{'class': 'SimpleStrategy', 'replication_factor': 1}",
     0, -1, "MAP", "replication of a new keyspace, a CQL map literal"},
    {"timeout", 0, SL_OPT_NUM, "60", 0.1, 3600, "S", "how long to wait for each step"},
    {"skip-kafka", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "leave the topics alone"},
    {"skip-cassandra", 0, SL_OPT_BOOL, "false", 0, -1, NULL, "leave keyspace and table alone"},
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
              "Credentials and TLS: -X cql.username=… -X cql.password=… (or SLUICE_* env).\n",
              "Exit codes: 0 all in place, 1 something could not be created, 2 usage.\n");
}

int schema_ensure_topics(const char *brokers, const char *topic, const char *dlq_topic,
                         int partitions, int replication, const cmd_props_t *kafka, int timeout_ms,
                         char *errstr, size_t errstr_size) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, errstr_size)) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    for (size_t i = 0; i < kafka->n; i++) {
        if (rd_kafka_conf_set(conf, kafka->kv[2 * i], kafka->kv[2 * i + 1], errstr, errstr_size)) {
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    rd_kafka_conf_set_log_cb(conf, cmd_kafka_log);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    /* The dead-letter topic keeps whole poison messages, which may be larger than the
     * broker's default limit. */
    sl_topic_spec_t specs[2] = {
        {.name = topic, .partitions = partitions, .replication = replication},
        {.name = dlq_topic,
         .partitions = partitions,
         .replication = replication,
         .max_message_bytes = "8388608"},
    };
    int rc = sl_topics_ensure(rk, specs, 2, timeout_ms, errstr, errstr_size);
    for (int i = 0; rc == 0 && i < 2; i++) {
        sl_log(SL_LOG_INFO, "schema", "topic %s %s (%d partitions)", specs[i].name,
               specs[i].existed ? "exists" : "created", specs[i].partitions_now);
        if (specs[i].existed && specs[i].partitions_now != specs[i].partitions)
            sl_log(SL_LOG_WARN, "schema", "topic %s has %d partitions, not the %d asked for",
                   specs[i].name, specs[i].partitions_now, specs[i].partitions);
    }
    rd_kafka_destroy(rk);
    return rc;
}

int schema_ensure_cassandra(cql_session_t *session, const char *keyspace, const char *table,
                            const char *replication, int64_t timeout_ms, char *errstr,
                            size_t errstr_size) {
    sl_schema_report_t rep;
    if (sl_schema_ensure(session, keyspace, table, replication, timeout_ms, &rep, errstr,
                         errstr_size) != 0)
        return -1;
    sl_log(SL_LOG_INFO, "schema", "keyspace %s %s", keyspace,
           rep.keyspace_created ? "created" : "exists");
    sl_log(SL_LOG_INFO, "schema", "table %s.%s %s", keyspace, table,
           rep.table_created ? "created" : "exists");
    if (rep.columns_added)
        sl_log(SL_LOG_INFO, "schema", "added column(s) %s to %s.%s", rep.added, keyspace, table);
    return 0;
}

int cmd_schema(int argc, char **argv) {
    int rc = SL_EXIT_OK;
    sl_config_t *cfg =
        cmd_load_config("sluice schema", schema_opts, N_SCHEMA_OPTS, argc, argv, schema_usage, &rc);
    if (!cfg)
        return rc;
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
    if (!sl_config_bool(cfg, "skip-kafka") &&
        schema_ensure_topics(
            sl_config_str(cfg, "brokers"), topic, dlq, (int)sl_config_int(cfg, "partitions"),
            (int)sl_config_int(cfg, "replication"), kafka, timeout_ms, err, sizeof err) != 0) {
        sl_log(SL_LOG_ERROR, "schema", "Kafka: %s", err);
        rc = SL_EXIT_FAIL;
    }
    free(kafka);

    if (rc == SL_EXIT_OK && !sl_config_bool(cfg, "skip-cassandra")) {
        cql_conf_t *cc = cmd_cql_conf(cfg, sl_config_str(cfg, "cassandra"), err, sizeof err);
        cql_session_t *session = NULL;
        if (!cc) {
            fprintf(stderr, "sluice schema: %s\n", err);
            rc = SL_EXIT_USAGE;
        } else if (cql_session_new(cc, &session, err, sizeof err) != CQL_OK ||
                   cql_session_connect_wait(session, timeout_ms, err, sizeof err) != CQL_OK) {
            sl_log(SL_LOG_ERROR, "schema", "Cassandra at %s: %s", sl_config_str(cfg, "cassandra"),
                   err);
            rc = SL_EXIT_FAIL;
        } else if (schema_ensure_cassandra(session, keyspace, table,
                                           sl_config_str(cfg, "keyspace-replication"), timeout_ms,
                                           err, sizeof err) != 0) {
            sl_log(SL_LOG_ERROR, "schema", "Cassandra: %s", err);
            rc = SL_EXIT_FAIL;
        }
        cql_session_free(session);
    }
    sl_config_free(cfg);
    return rc;
}
