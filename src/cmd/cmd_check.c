/*
 * sluice check: asks the Kafka cluster for its metadata and prints brokers, topics and
 * partitions, like `kcat -L`. Exit 0 when the cluster answered, 1 when it did not in time.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "commands.h"
#include "sl_log.h"

static void check_usage(FILE *out) {
    fprintf(
        out,
        "usage: sluice check [-b BROKERS] [-t TOPIC] [--timeout SECONDS] [-X kafka.KEY=VALUE]\n"
        "\n"
        "Asks Kafka for its metadata and prints the brokers, and the topics with their\n"
        "partition counts (only TOPIC with -t). Use it to see whether the cluster is up.\n"
        "\n"
        "  -b, --brokers LIST   bootstrap brokers (default $SLUICE_BROKERS or 127.0.0.1:9092)\n"
        "  -t, --topic NAME     only this topic; exit 1 if it does not exist\n"
        "      --timeout S      how long to wait for an answer (default 10)\n"
        "  -X kafka.KEY=VALUE   any librdkafka property, e.g. -X kafka.security.protocol=ssl\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit codes: 0 the cluster answered, 1 it did not (or the topic is missing), 2 usage.\n");
}

int cmd_check(int argc, char **argv) {
    const char *brokers = getenv("SLUICE_BROKERS");
    const char *topic = NULL;
    double timeout_s = 10.0;
    char errstr[512];

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* A check must not create the topic it asks about; -X can still turn this back on. */
    rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", NULL, 0);
    static const struct option opts[] = {{"brokers", required_argument, NULL, 'b'},
                                         {"topic", required_argument, NULL, 't'},
                                         {"timeout", required_argument, NULL, 'T'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:t:X:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': brokers = optarg; break;
        case 't': topic = optarg; break;
        case 'T': {
            char *end;
            timeout_s = strtod(optarg, &end);
            if (*end || timeout_s <= 0) {
                fprintf(stderr, "sluice check: --timeout wants a positive number of seconds\n");
                rd_kafka_conf_destroy(conf);
                return SL_EXIT_USAGE;
            }
            break;
        }
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (strncmp(optarg, "kafka.", 6) != 0 || !eq) {
                fprintf(stderr, "sluice check: -X wants kafka.KEY=VALUE, got '%s'\n", optarg);
                rd_kafka_conf_destroy(conf);
                return SL_EXIT_USAGE;
            }
            char key[256];
            size_t klen = (size_t)(eq - optarg) - 6;
            if (klen >= sizeof key)
                klen = sizeof key - 1;
            memcpy(key, optarg + 6, klen);
            key[klen] = '\0';
            if (rd_kafka_conf_set(conf, key, eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "sluice check: %s\n", errstr);
                rd_kafka_conf_destroy(conf);
                return SL_EXIT_USAGE;
            }
            break;
        }
        case 'h':
            check_usage(stdout);
            rd_kafka_conf_destroy(conf);
            return SL_EXIT_OK;
        default:
            check_usage(stderr);
            rd_kafka_conf_destroy(conf);
            return SL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sluice check: unexpected argument '%s'\n", argv[optind]);
        rd_kafka_conf_destroy(conf);
        return SL_EXIT_USAGE;
    }
    if (!brokers || !*brokers)
        brokers = "127.0.0.1:9092";
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        fprintf(stderr, "sluice check: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return SL_EXIT_USAGE;
    }
    /* librdkafka logs connection refusals itself; keep stderr for our one-line verdict. */
    rd_kafka_conf_set(conf, "log_level", "0", NULL, 0);

    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "sluice check: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return SL_EXIT_USAGE;
    }

    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = topic ? rd_kafka_topic_new(rk, topic, NULL) : NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, rkt == NULL, rkt, &md, (int)(timeout_s * 1000));
    int rc = SL_EXIT_OK;
    if (err) {
        sl_log(SL_LOG_ERROR, "check", "Kafka at %s did not answer within %.0f s: %s", brokers,
               timeout_s, rd_kafka_err2str(err));
        rc = SL_EXIT_FAIL;
    } else {
        printf("brokers (%d):\n", md->broker_cnt);
        for (int i = 0; i < md->broker_cnt; i++)
            printf("  %d  %s:%d%s\n", md->brokers[i].id, md->brokers[i].host, md->brokers[i].port,
                   md->brokers[i].id == md->orig_broker_id ? "  (answered)" : "");
        printf("topics (%d):\n", md->topic_cnt);
        for (int i = 0; i < md->topic_cnt; i++) {
            const struct rd_kafka_metadata_topic *t = &md->topics[i];
            if (t->err) {
                printf("  %s  error: %s\n", t->topic, rd_kafka_err2str(t->err));
                rc = SL_EXIT_FAIL;
                continue;
            }
            printf("  %s  partitions=%d\n", t->topic, t->partition_cnt);
        }
        rd_kafka_metadata_destroy(md);
    }
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return rc;
}
