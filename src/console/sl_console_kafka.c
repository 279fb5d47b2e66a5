/*
 * Snapshot reads from Kafka. One metadata request for brokers and topics, two ListOffsets
 * rounds (earliest, latest) for all partitions at once, then the groups: one list, one
 * describe for all of them, and one offsets request per group, all sent before the first
 * answer is awaited so that N groups cost one round trip, not N.
 */
#include "sl_console_kafka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_time.h"

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    const sl_console_kafka_log_t *log = rd_kafka_opaque(rk);
    if (log)
        sl_log_to_cb(log->fn, log->opaque, sl_log_level_from_kafka(level, fac), "kafka %s: %s", fac,
                     buf);
}

int sl_console_kafka_conf(rd_kafka_conf_t *conf, const char *brokers, const char *const *props,
                          const char *client_id, const sl_console_kafka_log_t *log, char *errstr,
                          size_t errstr_size) {
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "client.id", client_id, errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", errstr, errstr_size))
        return -1;
    for (size_t i = 0; props && props[i] && props[i + 1]; i += 2)
        if (rd_kafka_conf_set(conf, props[i], props[i + 1], errstr, errstr_size))
            return -1;
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_opaque(conf, (void *)log);
    return 0;
}

rd_kafka_t *sl_console_kafka_new(const char *brokers, const char *const *props,
                                 const char *client_id, const sl_console_kafka_log_t *log,
                                 char *errstr, size_t errstr_size) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (sl_console_kafka_conf(conf, brokers, props, client_id, log, errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "isolation.level", "read_uncommitted", errstr, errstr_size)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size);
    if (!rk)
        rd_kafka_conf_destroy(conf);
    return rk;
}

rd_kafka_event_t *sl_console_kafka_wait(rd_kafka_queue_t *q, int timeout_ms) {
    return rd_kafka_queue_poll(q, timeout_ms);
}

rd_kafka_resp_err_t sl_console_kafka_watermarks(rd_kafka_t *rk,
                                                rd_kafka_topic_partition_list_t *list, int64_t *low,
                                                int64_t *high, int timeout_ms) {
    rd_kafka_resp_err_t first = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int round = 0; round < 2; round++) {
        int64_t *out = round == 0 ? low : high;
        for (int i = 0; i < list->cnt; i++) {
            list->elems[i].offset = round == 0 ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
            list->elems[i].err = 0;
        }
        rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, timeout_ms);
        for (int i = 0; i < list->cnt; i++)
            out[i] = !err && !list->elems[i].err && list->elems[i].offset >= 0
                         ? list->elems[i].offset
                         : -1;
        if (err && !first)
            first = err;
    }
    return first;
}

static int cmp_topic(const void *a, const void *b) {
    return strcmp(((const sl_console_topic_t *)a)->name, ((const sl_console_topic_t *)b)->name);
}

static int cmp_part(const void *a, const void *b) {
    int32_t x = ((const sl_console_partition_t *)a)->id,
            y = ((const sl_console_partition_t *)b)->id;
    return x < y ? -1 : x > y;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return m > 0 && n > m && strcmp(s + n - m, suffix) == 0;
}

static int32_t *copy_ids(sl_console_arena_t *a, const int32_t *ids, int n) {
    int32_t *out = n > 0 ? sl_console_arena_alloc(a, (size_t)n * sizeof *out) : NULL;
    if (out)
        memcpy(out, ids, (size_t)n * sizeof *out);
    return out;
}

/* Brokers and topics from one metadata answer. */
static int read_metadata(rd_kafka_t *rk, sl_console_snap_t *s,
                         const sl_console_kafka_limits_t *lim) {
    sl_console_arena_t *a = s->arena;
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, lim->timeout_ms);
    if (err) {
        char buf[256];
        snprintf(buf, sizeof buf, "metadata: %s", rd_kafka_err2str(err));
        s->kafka_error = sl_console_arena_strdup(a, buf);
        return -1;
    }
    s->controller = rd_kafka_controllerid(rk, 0);
    char *cid = rd_kafka_clusterid(rk, 0);
    s->cluster_id = sl_console_arena_strdup(a, cid);
    if (cid)
        rd_kafka_mem_free(rk, cid);
    s->brokers = sl_console_arena_alloc(a, (size_t)(md->broker_cnt + 1) * sizeof *s->brokers);
    for (int i = 0; s->brokers && i < md->broker_cnt; i++) {
        s->brokers[i] = (sl_console_broker_t){md->brokers[i].id,
                                              sl_console_arena_strdup(a, md->brokers[i].host),
                                              md->brokers[i].port};
        s->n_brokers++;
    }
    size_t nt = (size_t)md->topic_cnt, parts = 0;
    if (nt > lim->max_topics) {
        nt = lim->max_topics;
        s->topics_capped = 1;
    }
    s->topics = sl_console_arena_alloc(a, (nt + 1) * sizeof *s->topics);
    for (size_t i = 0; s->topics && i < nt; i++) {
        const struct rd_kafka_metadata_topic *mt = &md->topics[i];
        int np = mt->partition_cnt;
        if (parts + (size_t)np > lim->max_partitions) {
            s->topics_capped = 1;
            break;
        }
        sl_console_topic_t *t = &s->topics[s->n_topics];
        t->name = sl_console_arena_strdup(a, mt->topic);
        t->internal = mt->topic[0] == '_';
        t->dlq = ends_with(mt->topic, lim->dlq_suffix);
        t->err = mt->err;
        t->partitions =
            np > 0 ? sl_console_arena_alloc(a, (size_t)np * sizeof *t->partitions) : NULL;
        if (!t->name || (np > 0 && !t->partitions))
            break;
        for (int p = 0; p < np; p++) {
            const struct rd_kafka_metadata_partition *mp = &mt->partitions[p];
            t->partitions[p] = (sl_console_partition_t){
                .id = mp->id,
                .leader = mp->leader,
                .err = mp->err,
                .n_replicas = mp->replica_cnt,
                .n_isr = mp->isr_cnt,
                .replicas = copy_ids(a, mp->replicas, mp->replica_cnt),
                .isr = copy_ids(a, mp->isrs, mp->isr_cnt),
                .low = -1,
                .high = -1,
            };
        }
        t->n_partitions = np;
        qsort(t->partitions, (size_t)np, sizeof *t->partitions, cmp_part);
        parts += (size_t)np;
        s->n_topics++;
    }
    rd_kafka_metadata_destroy(md);
    qsort(s->topics, s->n_topics, sizeof *s->topics, cmp_topic);
    return 0;
}

static void read_watermarks(rd_kafka_t *rk, sl_console_snap_t *s, int timeout_ms) {
    size_t total = 0;
    for (size_t i = 0; i < s->n_topics; i++)
        total += (size_t)s->topics[i].n_partitions;
    if (total == 0)
        return;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)total);
    int64_t *low = calloc(total, sizeof *low), *high = calloc(total, sizeof *high);
    if (list && low && high) {
        for (size_t i = 0; i < s->n_topics; i++)
            for (int p = 0; p < s->topics[i].n_partitions; p++)
                rd_kafka_topic_partition_list_add(list, s->topics[i].name,
                                                  s->topics[i].partitions[p].id);
        sl_console_kafka_watermarks(rk, list, low, high, timeout_ms);
        size_t k = 0;
        for (size_t i = 0; i < s->n_topics; i++)
            for (int p = 0; p < s->topics[i].n_partitions; p++, k++) {
                s->topics[i].partitions[p].low = low[k];
                s->topics[i].partitions[p].high = high[k];
            }
    }
    free(low);
    free(high);
    if (list)
        rd_kafka_topic_partition_list_destroy(list);
}

static rd_kafka_AdminOptions_t *admin_opts(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeout_ms) {
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    if (o)
        rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms, NULL, 0);
    return o;
}

static int cmp_group(const void *a, const void *b) {
    return strcmp(((const sl_console_group_t *)a)->id, ((const sl_console_group_t *)b)->id);
}

static int cmp_committed(const void *a, const void *b) {
    const sl_console_committed_t *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition < y->partition ? -1 : x->partition > y->partition);
}

static int list_groups(rd_kafka_t *rk, rd_kafka_queue_t *q, sl_console_snap_t *s,
                       const sl_console_kafka_limits_t *lim) {
    sl_console_arena_t *a = s->arena;
    rd_kafka_AdminOptions_t *o =
        admin_opts(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, lim->timeout_ms);
    rd_kafka_ListConsumerGroups(rk, o, q);
    rd_kafka_event_t *ev = sl_console_kafka_wait(q, lim->timeout_ms + 1000);
    rd_kafka_AdminOptions_destroy(o);
    if (!ev || rd_kafka_event_error(ev)) {
        char buf[256];
        snprintf(buf, sizeof buf, "list groups: %s",
                 ev ? rd_kafka_event_error_string(ev) : "no answer in time");
        s->groups_error = sl_console_arena_strdup(a, buf);
        if (ev)
            rd_kafka_event_destroy(ev);
        return -1;
    }
    size_t n = 0;
    const rd_kafka_ListConsumerGroups_result_t *res = rd_kafka_event_ListConsumerGroups_result(ev);
    const rd_kafka_ConsumerGroupListing_t **gl = rd_kafka_ListConsumerGroups_result_valid(res, &n);
    if (n > lim->max_groups)
        n = lim->max_groups;
    s->groups = sl_console_arena_alloc(a, (n + 1) * sizeof *s->groups);
    for (size_t i = 0; s->groups && i < n; i++) {
        sl_console_group_t *g = &s->groups[s->n_groups];
        g->id = sl_console_arena_strdup(a, rd_kafka_ConsumerGroupListing_group_id(gl[i]));
        g->state = sl_console_arena_strdup(
            a, rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(gl[i])));
        g->simple = rd_kafka_ConsumerGroupListing_is_simple_consumer_group(gl[i]);
        g->coordinator = -1;
        if (g->id)
            s->n_groups++;
    }
    rd_kafka_event_destroy(ev);
    qsort(s->groups, s->n_groups, sizeof *s->groups, cmp_group);
    return 0;
}

static void fill_member(sl_console_arena_t *a, sl_console_member_t *m,
                        const rd_kafka_MemberDescription_t *md) {
    m->client_id = sl_console_arena_strdup(a, rd_kafka_MemberDescription_client_id(md));
    m->consumer_id = sl_console_arena_strdup(a, rd_kafka_MemberDescription_consumer_id(md));
    m->host = sl_console_arena_strdup(a, rd_kafka_MemberDescription_host(md));
    m->instance_id = sl_console_arena_strdup(a, rd_kafka_MemberDescription_group_instance_id(md));
    const rd_kafka_MemberAssignment_t *as = rd_kafka_MemberDescription_assignment(md);
    const rd_kafka_topic_partition_list_t *pl =
        as ? rd_kafka_MemberAssignment_partitions(as) : NULL;
    if (!pl || pl->cnt <= 0)
        return;
    m->assigned = sl_console_arena_alloc(a, (size_t)pl->cnt * sizeof *m->assigned);
    for (int k = 0; m->assigned && k < pl->cnt; k++) {
        m->assigned[k].topic = sl_console_arena_strdup(a, pl->elems[k].topic);
        m->assigned[k].partition = pl->elems[k].partition;
        m->n_assigned++;
    }
}

static void describe_result(sl_console_snap_t *s, rd_kafka_event_t *ev) {
    sl_console_arena_t *a = s->arena;
    size_t n = 0;
    const rd_kafka_ConsumerGroupDescription_t **ds = rd_kafka_DescribeConsumerGroups_result_groups(
        rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
    for (size_t i = 0; i < n; i++) {
        sl_console_group_t *g = (sl_console_group_t *)sl_console_snap_group(
            s, rd_kafka_ConsumerGroupDescription_group_id(ds[i]));
        if (!g)
            continue;
        const rd_kafka_error_t *e = rd_kafka_ConsumerGroupDescription_error(ds[i]);
        if (e) {
            g->error = sl_console_arena_strdup(a, rd_kafka_error_string(e));
            continue;
        }
        g->state = sl_console_arena_strdup(
            a, rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(ds[i])));
        const rd_kafka_Node_t *node = rd_kafka_ConsumerGroupDescription_coordinator(ds[i]);
        g->coordinator = node ? rd_kafka_Node_id(node) : -1;
        size_t nm = rd_kafka_ConsumerGroupDescription_member_count(ds[i]);
        g->members = nm ? sl_console_arena_alloc(a, nm * sizeof *g->members) : NULL;
        for (size_t m = 0; g->members && m < nm; m++) {
            fill_member(a, &g->members[m], rd_kafka_ConsumerGroupDescription_member(ds[i], m));
            g->n_members++;
        }
    }
}

static void offsets_result(sl_console_snap_t *s, rd_kafka_event_t *ev) {
    sl_console_arena_t *a = s->arena;
    size_t n = 0;
    const rd_kafka_group_result_t **gr = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    for (size_t i = 0; i < n; i++) {
        sl_console_group_t *g =
            (sl_console_group_t *)sl_console_snap_group(s, rd_kafka_group_result_name(gr[i]));
        if (!g)
            continue;
        const rd_kafka_error_t *e = rd_kafka_group_result_error(gr[i]);
        const rd_kafka_topic_partition_list_t *pl = rd_kafka_group_result_partitions(gr[i]);
        if (e && !g->error)
            g->error = sl_console_arena_strdup(a, rd_kafka_error_string(e));
        if (!pl || pl->cnt <= 0)
            continue;
        g->offsets = sl_console_arena_alloc(a, (size_t)pl->cnt * sizeof *g->offsets);
        for (int k = 0; g->offsets && k < pl->cnt; k++) {
            g->offsets[g->n_offsets] = (sl_console_committed_t){
                sl_console_arena_strdup(a, pl->elems[k].topic), pl->elems[k].partition,
                pl->elems[k].err || pl->elems[k].offset < 0 ? -1 : pl->elems[k].offset};
            if (g->offsets[g->n_offsets].topic)
                g->n_offsets++;
        }
        qsort(g->offsets, g->n_offsets, sizeof *g->offsets, cmp_committed);
    }
}

/* Describe and offsets requests for every group, all in flight at once. */
static void read_groups(rd_kafka_t *rk, sl_console_snap_t *s,
                        const sl_console_kafka_limits_t *lim) {
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    if (!q || list_groups(rk, q, s, lim) != 0 || s->n_groups == 0) {
        if (q)
            rd_kafka_queue_destroy(q);
        return;
    }
    const char **ids = calloc(s->n_groups, sizeof *ids);
    size_t expected = 0;
    if (ids) {
        for (size_t i = 0; i < s->n_groups; i++)
            ids[i] = s->groups[i].id;
        rd_kafka_AdminOptions_t *o =
            admin_opts(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, lim->timeout_ms);
        rd_kafka_DescribeConsumerGroups(rk, ids, s->n_groups, o, q);
        rd_kafka_AdminOptions_destroy(o);
        expected++;
        for (size_t i = 0; i < s->n_groups; i++) {
            rd_kafka_ListConsumerGroupOffsets_t *lo =
                rd_kafka_ListConsumerGroupOffsets_new(s->groups[i].id, NULL);
            o = admin_opts(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, lim->timeout_ms);
            rd_kafka_ListConsumerGroupOffsets(rk, &lo, 1, o, q);
            rd_kafka_AdminOptions_destroy(o);
            rd_kafka_ListConsumerGroupOffsets_destroy(lo);
            expected++;
        }
    }
    int64_t deadline = sl_now_ms() + lim->timeout_ms + 2000;
    for (size_t got = 0; got < expected;) {
        int64_t left = deadline - sl_now_ms();
        rd_kafka_event_t *ev = left > 0 ? sl_console_kafka_wait(q, (int)left) : NULL;
        if (!ev) {
            s->groups_error = sl_console_arena_strdup(s->arena, "groups: no answer in time");
            break;
        }
        got++;
        if (rd_kafka_event_error(ev)) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s: %s", rd_kafka_event_name(ev),
                     rd_kafka_event_error_string(ev));
            s->groups_error = sl_console_arena_strdup(s->arena, buf);
        } else if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT) {
            describe_result(s, ev);
        } else if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT) {
            offsets_result(s, ev);
        }
        rd_kafka_event_destroy(ev);
    }
    free(ids);
    /* Answers still on their way are dropped with the queue. */
    rd_kafka_queue_destroy(q);
}

int sl_console_kafka_gather(rd_kafka_t *rk, sl_console_snap_t *s,
                            const sl_console_kafka_limits_t *lim) {
    if (read_metadata(rk, s, lim) != 0)
        return -1;
    s->kafka_ok = 1;
    read_watermarks(rk, s, lim->timeout_ms);
    read_groups(rk, s, lim);
    return 0;
}

int sl_console_kafka_group_state(rd_kafka_t *rk, const char *group, int timeout_ms, char *state,
                                 size_t state_size, size_t *members, char *errstr,
                                 size_t errstr_size) {
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o =
        admin_opts(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout_ms);
    const char *ids[1] = {group};
    rd_kafka_DescribeConsumerGroups(rk, ids, 1, o, q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_event_t *ev = sl_console_kafka_wait(q, timeout_ms + 1000);
    int rc = -1;
    if (!ev) {
        snprintf(errstr, errstr_size, "describe group %s: no answer within %d ms", group,
                 timeout_ms);
    } else if (rd_kafka_event_error(ev)) {
        snprintf(errstr, errstr_size, "describe group %s: %s", group,
                 rd_kafka_event_error_string(ev));
    } else {
        size_t n = 0;
        const rd_kafka_ConsumerGroupDescription_t **ds =
            rd_kafka_DescribeConsumerGroups_result_groups(
                rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
        const rd_kafka_error_t *e = n == 1 ? rd_kafka_ConsumerGroupDescription_error(ds[0]) : NULL;
        if (n != 1 || e) {
            snprintf(errstr, errstr_size, "describe group %s: %s", group,
                     e ? rd_kafka_error_string(e) : "no description");
        } else {
            snprintf(
                state, state_size, "%s",
                rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(ds[0])));
            *members = rd_kafka_ConsumerGroupDescription_member_count(ds[0]);
            rc = 0;
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    return rc;
}

rd_kafka_t *sl_console_kafka_reader(const char *brokers, const char *const *props, const char *name,
                                    const sl_console_kafka_log_t *log, char *errstr,
                                    size_t errstr_size) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk = NULL;
    if (sl_console_kafka_conf(conf, brokers, props, name, log, errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "group.id", name, errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "enable.auto.offset.store", "false", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "isolation.level", "read_uncommitted", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "queued.max.messages.kbytes", "4096", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "fetch.max.bytes", "4194304", errstr, errstr_size) ||
        rd_kafka_conf_set(conf, "receive.message.max.bytes", "4195328", errstr, errstr_size) ||
        !(rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, errstr_size))) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

static int http_status_of(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ? 504
                                                                                             : 502;
}

rd_kafka_topic_partition_list_t *sl_console_kafka_topic_offsets(rd_kafka_t *rk, const char *topic,
                                                                int32_t partition, int timeout_ms,
                                                                int64_t **low, int64_t **high,
                                                                int *http_status, char *errstr,
                                                                size_t errstr_size) {
    *low = *high = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err =
        rkt ? rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms) : RD_KAFKA_RESP_ERR__INVALID_ARG;
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (err) {
        *http_status = http_status_of(err);
        snprintf(errstr, errstr_size, "metadata of %s: %s", topic, rd_kafka_err2str(err));
        return NULL;
    }
    rd_kafka_topic_partition_list_t *list = NULL;
    *http_status = 404;
    if (md->topic_cnt != 1 || md->topics[0].err) {
        snprintf(errstr, errstr_size, "topic %s: %s", topic,
                 md->topic_cnt ? rd_kafka_err2str(md->topics[0].err) : "not found");
    } else {
        list = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
        for (int p = 0; list && p < md->topics[0].partition_cnt; p++)
            if (partition < 0 || md->topics[0].partitions[p].id == partition)
                rd_kafka_topic_partition_list_add(list, topic, md->topics[0].partitions[p].id);
        if (list && list->cnt == 0) {
            snprintf(errstr, errstr_size, "topic %s has no partition %d", topic, (int)partition);
            rd_kafka_topic_partition_list_destroy(list);
            list = NULL;
        }
    }
    rd_kafka_metadata_destroy(md);
    if (!list)
        return NULL;
    rd_kafka_topic_partition_list_sort(list, NULL, NULL);
    *low = calloc((size_t)list->cnt, sizeof **low);
    *high = calloc((size_t)list->cnt, sizeof **high);
    if (!*low || !*high)
        err = RD_KAFKA_RESP_ERR__FAIL;
    else
        err = sl_console_kafka_watermarks(rk, list, *low, *high, timeout_ms);
    if (err) {
        *http_status = http_status_of(err);
        snprintf(errstr, errstr_size, "watermarks of %s: %s", topic, rd_kafka_err2str(err));
        free(*low);
        free(*high);
        *low = *high = NULL;
        rd_kafka_topic_partition_list_destroy(list);
        return NULL;
    }
    return list;
}
