/*
 * The ingest's producer over librdkafka. Messages carry a tag pointer as their opaque
 * (main or dead-letter topic) so that delivery reports can be counted without any
 * per-message allocation on our side.
 */
#include "sl_ingest_producer.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

struct sl_ingest_producer_s {
    rd_kafka_t *rk;
    rd_kafka_topic_t *main, *dlq;
    rd_kafka_queue_t *mainq;
    sl_ingest_stats_t *stats;
    sl_ingest_producer_log_fn log;
    void *log_opaque;
    int pipe_fd[2];
    char fatal[512];
    char last_error[256]; /* of the last failed delivery */
};

static char tag_main, tag_dlq;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    sl_ingest_producer_t *p = opaque;
    int is_dlq = m->_private == &tag_dlq;
    if (m->err) {
        snprintf(p->last_error, sizeof p->last_error, "%s: %s", rd_kafka_topic_name(m->rkt),
                 rd_kafka_err2str(m->err));
        if (is_dlq)
            p->stats->dlq_failed++;
        else
            p->stats->delivery_failed++;
    } else {
        if (is_dlq)
            p->stats->dlq_produced++;
        else
            p->stats->produced++;
    }
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    sl_ingest_producer_t *p = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[256];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        snprintf(p->fatal, sizeof p->fatal, "%s", buf);
    }
    (void)reason;
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    sl_ingest_producer_t *p = rd_kafka_opaque(rk);
    if (p && p->log)
        p->log(p->log_opaque, level, fac, buf);
}

static int set(rd_kafka_conf_t *conf, const char *k, const char *v, char *errstr, size_t size) {
    return rd_kafka_conf_set(conf, k, v, errstr, size) == RD_KAFKA_CONF_OK ? 0 : -1;
}

sl_ingest_producer_t *sl_ingest_producer_new(const char *brokers, const char *topic,
                                             const char *dlq_topic, const char *const *props,
                                             size_t n_props, sl_ingest_stats_t *stats,
                                             sl_ingest_producer_log_fn log, void *log_opaque,
                                             char *errstr, size_t errstr_size) {
    sl_ingest_producer_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    p->stats = stats;
    p->log = log;
    p->log_opaque = log_opaque;
    p->pipe_fd[0] = p->pipe_fd[1] = -1;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* Defaults for no loss, no duplicates, and throughput; the user's -X wins. */
    static const char *const defaults[][2] = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"compression.type", "lz4"},
        {"linger.ms", "20"},
        {"batch.size", "1000000"},
        {"batch.num.messages", "10000"},
        {"queue.buffering.max.messages", "1000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"message.timeout.ms", "120000"},
        {"log_level", "4"},
        {"log.queue", "true"},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (set(conf, defaults[i][0], defaults[i][1], errstr, errstr_size))
            goto fail;
    if (set(conf, "bootstrap.servers", brokers, errstr, errstr_size))
        goto fail;
    for (size_t i = 0; i < n_props; i++)
        if (set(conf, props[2 * i], props[2 * i + 1], errstr, errstr_size))
            goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_opaque(conf, p);
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!p->rk)
        goto fail;
    conf = NULL;                         /* owned by rk now */
    rd_kafka_set_log_queue(p->rk, NULL); /* logs are served by rd_kafka_poll() */
    p->main = rd_kafka_topic_new(p->rk, topic, NULL);
    p->dlq = rd_kafka_topic_new(p->rk, dlq_topic, NULL);
    if (!p->main || !p->dlq) {
        snprintf(errstr, errstr_size, "cannot create topic handles: %s",
                 rd_kafka_err2str(rd_kafka_last_error()));
        sl_ingest_producer_free(p);
        return NULL;
    }
    p->mainq = rd_kafka_queue_get_main(p->rk);
    if (pipe(p->pipe_fd) == 0) {
        fcntl(p->pipe_fd[0], F_SETFL, O_NONBLOCK);
        fcntl(p->pipe_fd[1], F_SETFL, O_NONBLOCK);
        rd_kafka_queue_io_event_enable(p->mainq, p->pipe_fd[1], "1", 1);
    } else {
        p->pipe_fd[0] = p->pipe_fd[1] = -1;
    }
    return p;
fail:
    if (conf)
        rd_kafka_conf_destroy(conf);
    free(p);
    return NULL;
}

void sl_ingest_producer_free(sl_ingest_producer_t *p) {
    if (!p)
        return;
    if (p->mainq) {
        rd_kafka_queue_io_event_enable(p->mainq, -1, NULL, 0);
        rd_kafka_queue_destroy(p->mainq);
    }
    if (p->main)
        rd_kafka_topic_destroy(p->main);
    if (p->dlq)
        rd_kafka_topic_destroy(p->dlq);
    if (p->rk)
        rd_kafka_destroy(p->rk);
    if (p->pipe_fd[0] >= 0)
        close(p->pipe_fd[0]);
    if (p->pipe_fd[1] >= 0)
        close(p->pipe_fd[1]);
    free(p);
}

int sl_ingest_producer_check(sl_ingest_producer_t *p, int timeout_ms, int *topic_exists,
                             char *errstr, size_t errstr_size) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(p->rk, 0, p->main, &md, timeout_ms);
    if (err) {
        snprintf(errstr, errstr_size, "%s", rd_kafka_err2str(err));
        return -1;
    }
    *topic_exists = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_metadata_destroy(md);
    return 0;
}

static sl_ingest_producer_res_t result(sl_ingest_producer_t *p, rd_kafka_resp_err_t err) {
    if (!err)
        return SL_INGEST_PRODUCER_OK;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return SL_INGEST_PRODUCER_QUEUE_FULL;
    snprintf(p->last_error, sizeof p->last_error, "produce: %s", rd_kafka_err2str(err));
    return SL_INGEST_PRODUCER_FAILED;
}

/* rd_kafka_produceva() rather than the RD_KAFKA_V_* macros: same call, no GNU statement
 * expressions in our code (clang -Wpedantic flags those). */
static rd_kafka_resp_err_t produce(sl_ingest_producer_t *p, rd_kafka_topic_t *rkt, const char *key,
                                   size_t key_len, const char *value, size_t value_len,
                                   int64_t timestamp_ms, rd_kafka_headers_t *headers, void *tag) {
    rd_kafka_vu_t vu[7];
    size_t n = 0;
    vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = rkt};
    vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY};
    if (key_len)
        vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_KEY,
                                  .u.mem = {.ptr = (void *)key, .size = key_len}};
    vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_VALUE,
                              .u.mem = {.ptr = (void *)value, .size = value_len}};
    vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_TIMESTAMP, .u.i64 = timestamp_ms};
    vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = tag};
    if (headers)
        vu[n++] = (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = headers};
    rd_kafka_error_t *error = rd_kafka_produceva(p->rk, vu, n);
    if (!error)
        return RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_resp_err_t err = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    return err;
}

sl_ingest_producer_res_t sl_ingest_producer_send(sl_ingest_producer_t *p, const char *key,
                                                 size_t key_len, const char *value,
                                                 size_t value_len, int64_t timestamp_ms) {
    return result(
        p, produce(p, p->main, key, key_len, value, value_len, timestamp_ms, NULL, &tag_main));
}

sl_ingest_producer_res_t sl_ingest_producer_send_dlq(sl_ingest_producer_t *p, const char *key,
                                                     size_t key_len, const char *value,
                                                     size_t value_len, int64_t timestamp_ms,
                                                     sl_reject_t reason, sl_field_t field,
                                                     const char *source, const char *format) {
    rd_kafka_headers_t *h = rd_kafka_headers_new(4);
    rd_kafka_header_add(h, "reason", -1, sl_reject_name(reason), -1);
    if (field != SL_FIELD_NONE)
        rd_kafka_header_add(h, "field", -1, sl_field_name(field), -1);
    if (source)
        rd_kafka_header_add(h, "source", -1, source, -1);
    if (format)
        rd_kafka_header_add(h, "format", -1, format, -1);
    rd_kafka_resp_err_t err =
        produce(p, p->dlq, key, key_len, value, value_len, timestamp_ms, h, &tag_dlq);
    if (err)
        rd_kafka_headers_destroy(h); /* ownership passes only on success */
    return result(p, err);
}

void sl_ingest_producer_poll(sl_ingest_producer_t *p, int timeout_ms) {
    rd_kafka_poll(p->rk, timeout_ms);
}

int sl_ingest_producer_flush(sl_ingest_producer_t *p, int timeout_ms) {
    rd_kafka_flush(p->rk, timeout_ms);
    return rd_kafka_outq_len(p->rk);
}

int sl_ingest_producer_outq(sl_ingest_producer_t *p) {
    return rd_kafka_outq_len(p->rk);
}

int sl_ingest_producer_fd(const sl_ingest_producer_t *p) {
    return p->pipe_fd[0];
}

void sl_ingest_producer_drain_fd(sl_ingest_producer_t *p) {
    char buf[256];
    if (p->pipe_fd[0] < 0)
        return;
    while (read(p->pipe_fd[0], buf, sizeof buf) > 0) {
    }
}

const char *sl_ingest_producer_fatal(sl_ingest_producer_t *p) {
    return p->fatal[0] ? p->fatal : NULL;
}

const char *sl_ingest_producer_last_error(const sl_ingest_producer_t *p) {
    return p->last_error[0] ? p->last_error : NULL;
}
