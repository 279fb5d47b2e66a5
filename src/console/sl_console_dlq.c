/*
 * Dead-letter counting. Per topic: the next offset to read of each partition, the reasons
 * seen with their counts and a small ring of the newest samples each. A round assigns the
 * partitions that have something new at their next offsets, polls until each reached the
 * high watermark of the snapshot (or the budget ends), then unassigns, so nothing is
 * prefetched between rounds.
 */
#include "sl_console_dlq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_time.h"

#define FIELD_CAP 512
#define KEY_CAP 256
#define NAME_CAP 64

typedef struct {
    int used;
    int32_t partition;
    int64_t offset, timestamp;
    char src_topic[256], src_partition[24], src_offset[24], field[NAME_CAP];
    char key[KEY_CAP];
    size_t key_len, key_size;
    char value[FIELD_CAP];
    size_t value_len, value_size;
} sample_t;

typedef struct {
    char name[NAME_CAP];
    uint64_t count;
    sample_t samples[SL_CONSOLE_DLQ_SAMPLES];
    unsigned next_sample;
} reason_t;

typedef struct {
    char *name;
    int n_parts;
    int64_t *next;                                    /* next offset to read, per partition id */
    reason_t reasons[SL_CONSOLE_DLQ_MAX_REASONS + 1]; /* the last is "(other)" */
    size_t n_reasons;
    uint64_t counted;
} dtopic_t;

struct sl_console_dlq_s {
    rd_kafka_t *rk;
    char suffix[64];
    char pipeline[320]; /* the pipeline's dead-letter topic: always followed */
    dtopic_t topics[SL_CONSOLE_DLQ_MAX_TOPICS];
    size_t n_topics;
};

sl_console_dlq_t *sl_console_dlq_new(const char *brokers, const char *const *props,
                                     const char *suffix, const char *pipeline_dlq,
                                     const sl_console_kafka_log_t *log, char *errstr,
                                     size_t errstr_size) {
    sl_console_dlq_t *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    snprintf(d->suffix, sizeof d->suffix, "%s", suffix);
    snprintf(d->pipeline, sizeof d->pipeline, "%s", pipeline_dlq ? pipeline_dlq : "");
    d->rk = sl_console_kafka_reader(brokers, props, "sluice-console-dlq", log, errstr, errstr_size);
    if (!d->rk) {
        free(d);
        return NULL;
    }
    return d;
}

static void topic_clear(dtopic_t *t) {
    free(t->name);
    free(t->next);
    memset(t, 0, sizeof *t);
}

void sl_console_dlq_free(sl_console_dlq_t *d) {
    if (!d)
        return;
    for (size_t i = 0; i < d->n_topics; i++)
        topic_clear(&d->topics[i]);
    rd_kafka_destroy_flags(d->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    free(d);
}

static dtopic_t *find_topic(sl_console_dlq_t *d, const char *name) {
    for (size_t i = 0; i < d->n_topics; i++)
        if (strcmp(d->topics[i].name, name) == 0)
            return &d->topics[i];
    return NULL;
}

/* Brings the state of one topic in line with the snapshot's partitions and watermarks. */
static int sync_topic(sl_console_dlq_t *d, const sl_console_topic_t *st) {
    dtopic_t *t = find_topic(d, st->name);
    if (!t) {
        if (d->n_topics == SL_CONSOLE_DLQ_MAX_TOPICS)
            return -1;
        t = &d->topics[d->n_topics];
        if (!(t->name = strdup(st->name)))
            return -1;
        d->n_topics++;
    }
    int reset = 0;
    for (int p = 0; p < st->n_partitions && p < t->n_parts; p++)
        if (st->partitions[p].high >= 0 && st->partitions[p].high < t->next[p])
            reset = 1; /* deleted and created again: start over */
    if (reset) {
        char *name = t->name;
        t->name = NULL;
        topic_clear(t);
        t->name = name;
    }
    if (st->n_partitions > t->n_parts) {
        int64_t *nn = realloc(t->next, (size_t)st->n_partitions * sizeof *nn);
        if (!nn)
            return -1;
        for (int p = t->n_parts; p < st->n_partitions; p++)
            nn[p] = 0;
        t->next = nn;
        t->n_parts = st->n_partitions;
    }
    for (int p = 0; p < st->n_partitions; p++)
        if (st->partitions[p].low > t->next[p])
            t->next[p] = st->partitions[p].low;
    return 0;
}

static void copy_header(const rd_kafka_message_t *m, const char *name, char *out, size_t size) {
    rd_kafka_headers_t *h = NULL;
    const void *v = NULL;
    size_t n = 0;
    out[0] = '\0';
    if (rd_kafka_message_headers(m, &h) || !h || rd_kafka_header_get_last(h, name, &v, &n) || !v)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static reason_t *reason_for(dtopic_t *t, const char *name) {
    for (size_t i = 0; i < t->n_reasons; i++)
        if (strcmp(t->reasons[i].name, name) == 0)
            return &t->reasons[i];
    reason_t *other = &t->reasons[SL_CONSOLE_DLQ_MAX_REASONS];
    if (t->n_reasons == SL_CONSOLE_DLQ_MAX_REASONS) {
        snprintf(other->name, sizeof other->name, "(other)");
        return other;
    }
    reason_t *r = &t->reasons[t->n_reasons++];
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

static void count_message(dtopic_t *t, const rd_kafka_message_t *m) {
    char reason[NAME_CAP];
    copy_header(m, "reason", reason, sizeof reason);
    reason_t *r = reason_for(t, reason[0] ? reason : "(none)");
    r->count++;
    t->counted++;
    sample_t *s = &r->samples[r->next_sample];
    r->next_sample = (r->next_sample + 1) % SL_CONSOLE_DLQ_SAMPLES;
    s->used = 1;
    s->partition = m->partition;
    s->offset = m->offset;
    s->timestamp = rd_kafka_message_timestamp(m, NULL);
    copy_header(m, "source.topic", s->src_topic, sizeof s->src_topic);
    copy_header(m, "source.partition", s->src_partition, sizeof s->src_partition);
    copy_header(m, "source.offset", s->src_offset, sizeof s->src_offset);
    copy_header(m, "field", s->field, sizeof s->field);
    s->key_size = m->key_len;
    s->key_len = m->key_len < KEY_CAP ? m->key_len : KEY_CAP;
    if (m->key)
        memcpy(s->key, m->key, s->key_len);
    s->value_size = m->len;
    s->value_len = m->len < FIELD_CAP ? m->len : FIELD_CAP;
    if (m->payload)
        memcpy(s->value, m->payload, s->value_len);
}

/* Partitions with something to read; the target high watermarks go into high[]. */
static rd_kafka_topic_partition_list_t *pending(sl_console_dlq_t *d,
                                                const sl_console_snap_t *snap) {
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(16);
    for (size_t i = 0; list && i < d->n_topics; i++) {
        dtopic_t *t = &d->topics[i];
        const sl_console_topic_t *st = sl_console_snap_topic(snap, t->name);
        for (int p = 0; st && p < st->n_partitions && p < t->n_parts; p++)
            if (st->partitions[p].high > t->next[p])
                rd_kafka_topic_partition_list_add(list, t->name, p)->offset = t->next[p];
    }
    return list;
}

static int caught_up(sl_console_dlq_t *d, const sl_console_snap_t *snap,
                     const rd_kafka_topic_partition_list_t *list) {
    for (int i = 0; i < list->cnt; i++) {
        dtopic_t *t = find_topic(d, list->elems[i].topic);
        const sl_console_topic_t *st = sl_console_snap_topic(snap, list->elems[i].topic);
        int32_t p = list->elems[i].partition;
        if (t && st && p < t->n_parts && p < st->n_partitions &&
            t->next[p] < st->partitions[p].high)
            return 0;
    }
    return 1;
}

static void drop_topic(sl_console_dlq_t *d, size_t i) {
    topic_clear(&d->topics[i]);
    memmove(&d->topics[i], &d->topics[i + 1], (d->n_topics - i - 1) * sizeof d->topics[0]);
    memset(&d->topics[--d->n_topics], 0, sizeof d->topics[0]);
}

/* Which dead-letter topics to follow: those followed already (while they exist), the
 * pipeline's own (it takes the place of the newest other one when all places are taken),
 * then new ones in name order while there is room. */
static void choose_topics(sl_console_dlq_t *d, const sl_console_snap_t *snap) {
    for (size_t i = 0; i < d->n_topics;) {
        const sl_console_topic_t *st = sl_console_snap_topic(snap, d->topics[i].name);
        if (st && !st->err && sync_topic(d, st) == 0)
            i++;
        else
            drop_topic(d, i);
    }
    const sl_console_topic_t *own =
        d->pipeline[0] ? sl_console_snap_topic(snap, d->pipeline) : NULL;
    if (own && !own->err && !find_topic(d, own->name)) {
        if (d->n_topics == SL_CONSOLE_DLQ_MAX_TOPICS)
            drop_topic(d, d->n_topics - 1);
        sync_topic(d, own);
    }
    for (size_t i = 0; i < snap->n_topics && d->n_topics < SL_CONSOLE_DLQ_MAX_TOPICS; i++)
        if (snap->topics[i].dlq && !snap->topics[i].err && !find_topic(d, snap->topics[i].name))
            sync_topic(d, &snap->topics[i]);
}

void sl_console_dlq_update(sl_console_dlq_t *d, const sl_console_snap_t *snap, int budget_ms,
                           size_t max_messages) {
    choose_topics(d, snap);
    rd_kafka_topic_partition_list_t *list = pending(d, snap);
    if (!list)
        return;
    if (list->cnt > 0 && rd_kafka_assign(d->rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        int64_t deadline = sl_now_ms() + budget_ms;
        size_t read = 0;
        while (read < max_messages && !caught_up(d, snap, list)) {
            int64_t left = deadline - sl_now_ms();
            if (left <= 0)
                break;
            rd_kafka_message_t *m = rd_kafka_consumer_poll(d->rk, left > 100 ? 100 : (int)left);
            if (!m)
                continue;
            dtopic_t *t = m->rkt ? find_topic(d, rd_kafka_topic_name(m->rkt)) : NULL;
            if (t && m->partition >= 0 && m->partition < t->n_parts) {
                if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    if (m->offset > t->next[m->partition])
                        t->next[m->partition] = m->offset;
                } else if (!m->err && m->offset >= t->next[m->partition]) {
                    count_message(t, m);
                    t->next[m->partition] = m->offset + 1;
                    read++;
                }
            }
            rd_kafka_message_destroy(m);
        }
        rd_kafka_assign(d->rk, NULL);
    }
    rd_kafka_topic_partition_list_destroy(list);
}

static void render_sample(sl_console_json_t *j, const sample_t *s) {
    sl_console_json_obj(j);
    sl_console_json_kint(j, "partition", s->partition);
    sl_console_json_kint(j, "offset", s->offset);
    sl_console_json_kint(j, "timestamp", s->timestamp);
    sl_console_json_key(j, "source");
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "topic", s->src_topic[0] ? s->src_topic : NULL);
    sl_console_json_kstr(j, "partition", s->src_partition[0] ? s->src_partition : NULL);
    sl_console_json_kstr(j, "offset", s->src_offset[0] ? s->src_offset : NULL);
    sl_console_json_obj_end(j);
    sl_console_json_kstr(j, "field", s->field[0] ? s->field : NULL);
    sl_console_json_key(j, "key");
    sl_console_json_strn(j, s->key, s->key_len);
    sl_console_json_kint(j, "key_bytes", (int64_t)s->key_size);
    sl_console_json_key(j, "value");
    sl_console_json_strn(j, s->value, s->value_len);
    sl_console_json_kint(j, "value_bytes", (int64_t)s->value_size);
    sl_console_json_obj_end(j);
}

static void render_reason(sl_console_json_t *j, const reason_t *r) {
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "reason", r->name);
    sl_console_json_kint(j, "count", (int64_t)r->count);
    sl_console_json_key(j, "samples");
    sl_console_json_arr(j);
    /* newest first */
    for (unsigned k = 0; k < SL_CONSOLE_DLQ_SAMPLES; k++) {
        unsigned idx = (r->next_sample + SL_CONSOLE_DLQ_SAMPLES - 1 - k) % SL_CONSOLE_DLQ_SAMPLES;
        if (r->samples[idx].used)
            render_sample(j, &r->samples[idx]);
    }
    sl_console_json_arr_end(j);
    sl_console_json_obj_end(j);
}

static void render_topic(sl_console_json_t *j, const dtopic_t *t, const sl_console_topic_t *st,
                         const char *suffix) {
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "topic", t->name);
    size_t n = strlen(t->name), m = strlen(suffix);
    sl_console_json_key(j, "source_topic");
    sl_console_json_strn(j, t->name, n > m ? n - m : n);
    int64_t messages = 0;
    for (int p = 0; st && p < st->n_partitions; p++)
        if (st->partitions[p].high >= 0 && st->partitions[p].low >= 0)
            messages += st->partitions[p].high - st->partitions[p].low;
    sl_console_json_kint(j, "messages", messages);
    sl_console_json_kint(j, "counted", (int64_t)t->counted);
    sl_console_json_kint(j, "partitions", t->n_parts);
    /* reasons by count, largest first */
    const reason_t *order[SL_CONSOLE_DLQ_MAX_REASONS + 1];
    size_t k = 0;
    for (size_t i = 0; i < t->n_reasons; i++)
        order[k++] = &t->reasons[i];
    if (t->reasons[SL_CONSOLE_DLQ_MAX_REASONS].count)
        order[k++] = &t->reasons[SL_CONSOLE_DLQ_MAX_REASONS];
    for (size_t a = 1; a < k; a++)
        for (size_t b = a; b > 0 && order[b]->count > order[b - 1]->count; b--) {
            const reason_t *tmp = order[b];
            order[b] = order[b - 1];
            order[b - 1] = tmp;
        }
    sl_console_json_key(j, "reasons");
    sl_console_json_arr(j);
    for (size_t i = 0; i < k; i++)
        render_reason(j, order[i]);
    sl_console_json_arr_end(j);
    sl_console_json_obj_end(j);
}

void sl_console_dlq_render(const sl_console_dlq_t *d, const sl_console_snap_t *snap,
                           sl_console_json_t *j) {
    sl_console_json_obj(j);
    sl_console_json_key(j, "topics");
    sl_console_json_arr(j);
    for (size_t i = 0; d && i < d->n_topics; i++) {
        const sl_console_topic_t *st = sl_console_snap_topic(snap, d->topics[i].name);
        render_topic(j, &d->topics[i], st, d->suffix);
    }
    sl_console_json_arr_end(j);
    /* more dead-letter topics than places: say which are not counted */
    sl_console_json_key(j, "not_followed");
    sl_console_json_arr(j);
    for (size_t i = 0; d && i < snap->n_topics; i++)
        if (snap->topics[i].dlq && !find_topic((sl_console_dlq_t *)d, snap->topics[i].name))
            sl_console_json_str(j, snap->topics[i].name);
    sl_console_json_arr_end(j);
    sl_console_json_obj_end(j);
}
