/*
 * Idempotent topic creation: CreateTopics for all topics in one request,
 * TOPIC_ALREADY_EXISTS counted as success, then a metadata read for the partition counts
 * that now hold.
 */
#include "sl_schema.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int read_partitions(rd_kafka_t *rk, sl_schema_topic_t *specs, int count, int timeout_ms,
                           char *errstr, size_t errstr_size) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
    if (err) {
        snprintf(errstr, errstr_size, "metadata: %s", rd_kafka_err2str(err));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < count; i++) {
        specs[i].partitions_now = -1;
        for (int t = 0; t < md->topic_cnt; t++) {
            if (strcmp(md->topics[t].topic, specs[i].name) == 0 && !md->topics[t].err)
                specs[i].partitions_now = md->topics[t].partition_cnt;
        }
        if (specs[i].partitions_now < 0 && rc == 0) {
            snprintf(errstr, errstr_size, "topic %s not in the cluster metadata", specs[i].name);
            rc = -1;
        }
    }
    rd_kafka_metadata_destroy(md);
    return rc;
}

sl_schema_err_t sl_schema_topics_ensure(rd_kafka_t *rk, sl_schema_topic_t *specs, int count,
                                        int timeout_ms, char *errstr, size_t errstr_size) {
    rd_kafka_NewTopic_t *nts[16];
    if (count <= 0 || count > 16) {
        snprintf(errstr, errstr_size, "between 1 and 16 topics at a time");
        return SL_SCHEMA_ERR_CONFIG;
    }
    int made = 0, rc = 0;
    for (int i = 0; i < count; i++) {
        specs[i].existed = 0;
        nts[i] = rd_kafka_NewTopic_new(specs[i].name, specs[i].partitions, specs[i].replication,
                                       errstr, errstr_size);
        if (!nts[i]) {
            rc = -1;
            break;
        }
        made++;
        if (specs[i].max_message_bytes &&
            rd_kafka_NewTopic_set_config(nts[i], "max.message.bytes", specs[i].max_message_bytes)) {
            snprintf(errstr, errstr_size, "topic %s: bad max.message.bytes", specs[i].name);
            rc = -1;
            break;
        }
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = NULL;
    if (rc == 0) {
        opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, NULL, 0);
        rd_kafka_CreateTopics(rk, nts, (size_t)count, opts, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
        if (!ev) {
            snprintf(errstr, errstr_size, "no answer to CreateTopics within %d ms", timeout_ms);
            rc = -1;
        } else if (rd_kafka_event_error(ev)) {
            snprintf(errstr, errstr_size, "CreateTopics: %s", rd_kafka_event_error_string(ev));
            rc = -1;
        } else {
            size_t n = 0;
            const rd_kafka_topic_result_t **res =
                rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
            for (size_t r = 0; r < n; r++) {
                rd_kafka_resp_err_t terr = rd_kafka_topic_result_error(res[r]);
                const char *tname = rd_kafka_topic_result_name(res[r]);
                for (int i = 0; i < count; i++) {
                    if (strcmp(specs[i].name, tname) == 0)
                        specs[i].existed = terr == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
                }
                if (terr && terr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && rc == 0) {
                    const char *msg = rd_kafka_topic_result_error_string(res[r]);
                    snprintf(errstr, errstr_size, "create topic %s: %s", tname,
                             msg ? msg : rd_kafka_err2str(terr));
                    rc = -1;
                }
            }
        }
        if (ev)
            rd_kafka_event_destroy(ev);
    }
    if (opts)
        rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    for (int i = 0; i < made; i++)
        rd_kafka_NewTopic_destroy(nts[i]);
    /* A new topic reaches the metadata of every broker a little after CreateTopics
     * answers: poll until it shows, within the same timeout. */
    for (int waited = 0; rc == 0; waited += 100) {
        if (read_partitions(rk, specs, count, timeout_ms, errstr, errstr_size) == 0)
            break;
        if (waited >= timeout_ms)
            rc = -1;
        else
            nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
    }
    return rc == 0 ? SL_SCHEMA_ERR_OK : SL_SCHEMA_ERR_KAFKA;
}

/* A client for the admin calls: the brokers, then every pass-through property. */
static rd_kafka_t *admin_client(const sl_schema_topics_conf_t *c, sl_schema_err_t *err,
                                char *errstr, size_t errstr_size) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    *err = SL_SCHEMA_ERR_CONFIG;
    if (rd_kafka_conf_set(conf, "bootstrap.servers", c->brokers, errstr, errstr_size))
        goto fail;
    for (size_t i = 0; i < c->n_kafka_props; i++) {
        if (rd_kafka_conf_set(conf, c->kafka_props[2 * i], c->kafka_props[2 * i + 1], errstr,
                              errstr_size))
            goto fail;
    }
    if (c->kafka_log)
        rd_kafka_conf_set_log_cb(conf, c->kafka_log);
    *err = SL_SCHEMA_ERR_KAFKA;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (rk)
        return rk;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

sl_schema_err_t sl_schema_topics_setup(const sl_schema_topics_conf_t *c, sl_schema_topic_t out[2],
                                       char *errstr, size_t errstr_size) {
    sl_schema_err_t err;
    rd_kafka_t *rk = admin_client(c, &err, errstr, errstr_size);
    if (!rk)
        return err;
    /* The dead-letter topic keeps whole poison messages, which may be larger than the
     * broker's default limit. */
    sl_schema_topic_t specs[2] = {
        {.name = c->topic, .partitions = c->partitions, .replication = c->replication},
        {.name = c->dlq_topic,
         .partitions = c->partitions,
         .replication = c->replication,
         .max_message_bytes = "8388608"},
    };
    err = sl_schema_topics_ensure(rk, specs, 2, c->timeout_ms, errstr, errstr_size);
    for (int i = 0; err == SL_SCHEMA_ERR_OK && i < 2; i++) {
        sl_log_to_cb(c->log, c->log_opaque, SL_LOG_INFO, "topic %s %s (%d partitions)",
                     specs[i].name, specs[i].existed ? "exists" : "created",
                     specs[i].partitions_now);
        if (!specs[i].existed || specs[i].partitions_now == specs[i].partitions)
            continue;
        if (specs[i].partitions_now < specs[i].partitions && !c->fewer_partitions_ok) {
            snprintf(errstr, errstr_size,
                     "topic %s exists with %d partitions, fewer than the %d asked for (Kafka "
                     "cannot remove partitions: ask for %d, add partitions with kafka-topics "
                     "--alter --partitions %d, or accept it with --allow-fewer-partitions)",
                     specs[i].name, specs[i].partitions_now, specs[i].partitions,
                     specs[i].partitions_now, specs[i].partitions);
            err = SL_SCHEMA_ERR_PARTITIONS;
            break;
        }
        sl_log_to_cb(c->log, c->log_opaque, SL_LOG_WARN,
                     "topic %s has %d partitions, not the %d asked for", specs[i].name,
                     specs[i].partitions_now, specs[i].partitions);
    }
    if (out)
        memcpy(out, specs, sizeof specs);
    rd_kafka_destroy(rk);
    return err;
}
