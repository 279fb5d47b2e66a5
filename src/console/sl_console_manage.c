/*
 * Admin actions: each builds its request, waits for the one result event on a private
 * queue (bounded), and turns the per-topic or per-partition errors into one message. The
 * reset reads the group's state first, then the topic's partitions, watermarks and the
 * group's current offsets, computes the targets and alters the offsets in one request.
 */
#include "sl_console_manage.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sl_console_kafka.h"

static int fail(int *http_status, int status, char *errstr, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(int *http_status, int status, char *errstr, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, size, fmt, ap);
    va_end(ap);
    *http_status = status;
    return -1;
}

static int status_of(rd_kafka_resp_err_t err) {
    switch (err) {
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return 409;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART: return 404;
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION: return 400;
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: return 504;
    default: return 502;
    }
}

/* Waits for the result of a topic admin call and checks its one topic result. */
static int topic_result(rd_kafka_queue_t *q, int timeout_ms, const char *what, const char *name,
                        int *http_status, char *errstr, size_t size) {
    rd_kafka_event_t *ev = sl_console_kafka_wait(q, timeout_ms + 1000);
    if (!ev)
        return fail(http_status, 504, errstr, size, "%s %s: no answer within %d ms", what, name,
                    timeout_ms);
    int rc = 0;
    if (rd_kafka_event_error(ev)) {
        rc = fail(http_status, status_of(rd_kafka_event_error(ev)), errstr, size, "%s %s: %s: %s",
                  what, name, rd_kafka_err2name(rd_kafka_event_error(ev)),
                  rd_kafka_event_error_string(ev));
    } else {
        const rd_kafka_topic_result_t **res = NULL;
        size_t n = 0;
        switch (rd_kafka_event_type(ev)) {
        case RD_KAFKA_EVENT_CREATETOPICS_RESULT:
            res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
            break;
        case RD_KAFKA_EVENT_DELETETOPICS_RESULT:
            res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
            break;
        case RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT:
            res = rd_kafka_CreatePartitions_result_topics(
                rd_kafka_event_CreatePartitions_result(ev), &n);
            break;
        default: break;
        }
        for (size_t i = 0; i < n && rc == 0; i++) {
            rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
            const char *msg = rd_kafka_topic_result_error_string(res[i]);
            if (err)
                rc = fail(http_status, status_of(err), errstr, size, "%s %s: %s: %s", what, name,
                          rd_kafka_err2name(err), msg ? msg : rd_kafka_err2str(err));
        }
        if (n == 0 && rc == 0)
            rc = fail(http_status, 502, errstr, size, "%s %s: empty answer", what, name);
    }
    rd_kafka_event_destroy(ev);
    return rc;
}

static rd_kafka_AdminOptions_t *options(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeout_ms) {
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    if (o) {
        rd_kafka_AdminOptions_set_request_timeout(o, timeout_ms, NULL, 0);
        rd_kafka_AdminOptions_set_operation_timeout(o, timeout_ms, NULL, 0);
    }
    return o;
}

/* The topic's partition count in fresh metadata: -1 when it is not there, -2 when the
 * cluster did not answer. */
static int partition_count(rd_kafka_t *rk, const char *name, int timeout_ms) {
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms))
        return -2;
    int n = -1;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, name) == 0 && !md->topics[i].err)
            n = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
}

/* A change reaches the metadata a little after the admin call answers: waits (bounded)
 * until the topic has want partitions (-1: until it is gone), so the next view shows it. */
static void settle(rd_kafka_t *rk, const char *name, int want, int timeout_ms) {
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        if (partition_count(rk, name, timeout_ms) == want)
            return;
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
    }
}

int sl_console_manage_create_topic(rd_kafka_t *rk, const char *name, int partitions,
                                   int replication, const char *retention_ms, int timeout_ms,
                                   int *http_status, char *errstr, size_t errstr_size) {
    char err[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(name, partitions, replication, err, sizeof err);
    if (!nt)
        return fail(http_status, 400, errstr, errstr_size, "create topic %s: %s", name, err);
    if (retention_ms && rd_kafka_NewTopic_set_config(nt, "retention.ms", retention_ms)) {
        rd_kafka_NewTopic_destroy(nt);
        return fail(http_status, 400, errstr, errstr_size, "create topic %s: bad retention.ms",
                    name);
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_ms);
    rd_kafka_CreateTopics(rk, &nt, 1, o, q);
    int rc = topic_result(q, timeout_ms, "create topic", name, http_status, errstr, errstr_size);
    if (rc == 0)
        settle(rk, name, partitions, timeout_ms);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    return rc;
}

int sl_console_manage_add_partitions(rd_kafka_t *rk, const char *name, int total, int timeout_ms,
                                     int *http_status, char *errstr, size_t errstr_size) {
    char err[256];
    rd_kafka_NewPartitions_t *np = rd_kafka_NewPartitions_new(name, (size_t)total, err, sizeof err);
    if (!np)
        return fail(http_status, 400, errstr, errstr_size, "add partitions to %s: %s", name, err);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeout_ms);
    rd_kafka_CreatePartitions(rk, &np, 1, o, q);
    int rc =
        topic_result(q, timeout_ms, "add partitions to", name, http_status, errstr, errstr_size);
    if (rc == 0)
        settle(rk, name, total, timeout_ms);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewPartitions_destroy(np);
    rd_kafka_queue_destroy(q);
    return rc;
}

int sl_console_manage_delete_topic(rd_kafka_t *rk, const char *name, int timeout_ms,
                                   int *http_status, char *errstr, size_t errstr_size) {
    rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(name);
    if (!dt)
        return fail(http_status, 500, errstr, errstr_size, "out of memory");
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = options(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_ms);
    rd_kafka_DeleteTopics(rk, &dt, 1, o, q);
    int rc = topic_result(q, timeout_ms, "delete topic", name, http_status, errstr, errstr_size);
    if (rc == 0)
        settle(rk, name, -1, timeout_ms);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_DeleteTopic_destroy(dt);
    rd_kafka_queue_destroy(q);
    return rc;
}

int sl_console_manage_reset_mode(const char *s, sl_console_reset_mode_t *out) {
    static const char *const names[] = {"earliest", "latest", "timestamp", "offset"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (sl_console_reset_mode_t)i;
            return 0;
        }
    return -1;
}

/* Sends a one-group offsets request (list when alter is 0, alter otherwise) and waits for
 * its answer: 0 with the group's partitions in *pl (may be NULL), or -1 with *http_status
 * and errstr. The event holding them goes to *ev (the caller destroys it). */
static int group_offsets(rd_kafka_t *rk, const char *group,
                         const rd_kafka_topic_partition_list_t *list, int alter, int timeout_ms,
                         rd_kafka_event_t **ev, const rd_kafka_topic_partition_list_t **pl,
                         int *http_status, char *errstr, size_t size) {
    const char *what = alter ? "alter offsets of" : "offsets of group";
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = options(rk,
                                         alter ? RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS
                                               : RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                                         timeout_ms);
    if (alter) {
        rd_kafka_AlterConsumerGroupOffsets_t *ao =
            rd_kafka_AlterConsumerGroupOffsets_new(group, list);
        rd_kafka_AlterConsumerGroupOffsets(rk, &ao, 1, o, q);
        rd_kafka_AlterConsumerGroupOffsets_destroy(ao);
    } else {
        rd_kafka_ListConsumerGroupOffsets_t *lo =
            rd_kafka_ListConsumerGroupOffsets_new(group, list);
        rd_kafka_ListConsumerGroupOffsets(rk, &lo, 1, o, q);
        rd_kafka_ListConsumerGroupOffsets_destroy(lo);
    }
    rd_kafka_AdminOptions_destroy(o);
    *ev = sl_console_kafka_wait(q, timeout_ms + 1000);
    rd_kafka_queue_destroy(q);
    *pl = NULL;
    if (!*ev || rd_kafka_event_error(*ev))
        return fail(http_status, *ev ? status_of(rd_kafka_event_error(*ev)) : 504, errstr, size,
                    "%s %s: %s", what, group,
                    *ev ? rd_kafka_event_error_string(*ev) : "no answer in time");
    size_t n = 0;
    const rd_kafka_group_result_t **gr =
        alter ? rd_kafka_AlterConsumerGroupOffsets_result_groups(
                    rd_kafka_event_AlterConsumerGroupOffsets_result(*ev), &n)
              : rd_kafka_ListConsumerGroupOffsets_result_groups(
                    rd_kafka_event_ListConsumerGroupOffsets_result(*ev), &n);
    const rd_kafka_error_t *ge = n == 1 ? rd_kafka_group_result_error(gr[0]) : NULL;
    if (n != 1 || ge)
        return fail(http_status, ge ? status_of(rd_kafka_error_code(ge)) : 502, errstr, size,
                    "%s %s: %s: %s", what, group,
                    ge ? rd_kafka_err2name(rd_kafka_error_code(ge)) : "",
                    ge ? rd_kafka_error_string(ge) : "no group in the answer");
    *pl = rd_kafka_group_result_partitions(gr[0]);
    return 0;
}

/* The group's committed offsets for the partitions of list into current[] (-1: none). */
static int read_current(rd_kafka_t *rk, const char *group,
                        const rd_kafka_topic_partition_list_t *list, int64_t *current,
                        int timeout_ms, int *http_status, char *errstr, size_t size) {
    for (int i = 0; i < list->cnt; i++)
        current[i] = -1;
    rd_kafka_event_t *ev = NULL;
    const rd_kafka_topic_partition_list_t *pl = NULL;
    int rc = group_offsets(rk, group, list, 0, timeout_ms, &ev, &pl, http_status, errstr, size);
    for (int i = 0; pl && i < pl->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &pl->elems[i];
        for (int k = 0; k < list->cnt; k++)
            if (list->elems[k].partition == e->partition && !e->err && e->offset >= 0)
                current[k] = e->offset;
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}

/* Targets for every partition of list (left in list->elems[].offset). */
static int compute_targets(rd_kafka_t *rk, const sl_console_reset_t *r,
                           rd_kafka_topic_partition_list_t *list, const int64_t *low,
                           const int64_t *high, int timeout_ms, int *http_status, char *errstr,
                           size_t size) {
    if (r->mode == SL_CONSOLE_RESET_TIME) {
        for (int i = 0; i < list->cnt; i++)
            list->elems[i].offset = r->value;
        rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, timeout_ms);
        if (err)
            return fail(http_status, status_of(err), errstr, size, "offsets for time in %s: %s",
                        r->topic, rd_kafka_err2str(err));
    }
    for (int i = 0; i < list->cnt; i++) {
        rd_kafka_topic_partition_t *e = &list->elems[i];
        if (low[i] < 0 || high[i] < 0)
            return fail(http_status, 502, errstr, size, "no watermarks for %s [%d]", r->topic,
                        (int)e->partition);
        int64_t t;
        switch (r->mode) {
        case SL_CONSOLE_RESET_EARLIEST: t = low[i]; break;
        case SL_CONSOLE_RESET_LATEST: t = high[i]; break;
        case SL_CONSOLE_RESET_TIME: t = e->err || e->offset < 0 ? high[i] : e->offset; break;
        default: t = r->value; break;
        }
        e->offset = t < low[i] ? low[i] : t > high[i] ? high[i] : t;
        e->err = 0;
    }
    return 0;
}

static int alter(rd_kafka_t *rk, const char *group, const rd_kafka_topic_partition_list_t *list,
                 int timeout_ms, int *http_status, char *errstr, size_t size) {
    rd_kafka_event_t *ev = NULL;
    const rd_kafka_topic_partition_list_t *pl = NULL;
    int rc = group_offsets(rk, group, list, 1, timeout_ms, &ev, &pl, http_status, errstr, size);
    for (int i = 0; rc == 0 && pl && i < pl->cnt; i++)
        if (pl->elems[i].err)
            rc = fail(http_status, status_of(pl->elems[i].err), errstr, size,
                      "alter offsets of %s on %s [%d]: %s", group, pl->elems[i].topic,
                      (int)pl->elems[i].partition, rd_kafka_err2name(pl->elems[i].err));
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}

static void render_plan(sl_console_json_t *j, const sl_console_reset_t *r,
                        const rd_kafka_topic_partition_list_t *list, const int64_t *low,
                        const int64_t *high, const int64_t *current, int applied) {
    static const char *const names[] = {"earliest", "latest", "timestamp", "offset"};
    int64_t replay = 0;
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "group", r->group);
    sl_console_json_kstr(j, "topic", r->topic);
    sl_console_json_kstr(j, "to", names[r->mode]);
    if (r->mode >= SL_CONSOLE_RESET_TIME)
        sl_console_json_kint(j, "value", r->value);
    sl_console_json_kbool(j, "dry_run", r->dry_run);
    sl_console_json_kbool(j, "applied", applied);
    sl_console_json_key(j, "partitions");
    sl_console_json_arr(j);
    for (int i = 0; i < list->cnt; i++) {
        sl_console_json_obj(j);
        sl_console_json_kint(j, "partition", list->elems[i].partition);
        sl_console_json_kint(j, "low", low[i]);
        sl_console_json_kint(j, "high", high[i]);
        sl_console_json_key(j, "current");
        if (current[i] >= 0)
            sl_console_json_int(j, current[i]);
        else
            sl_console_json_null(j);
        sl_console_json_kint(j, "target", list->elems[i].offset);
        sl_console_json_obj_end(j);
        replay += high[i] - list->elems[i].offset;
    }
    sl_console_json_arr_end(j);
    sl_console_json_kint(j, "replay", replay);
    sl_console_json_obj_end(j);
}

int sl_console_manage_reset(rd_kafka_t *rk, const sl_console_reset_t *r, int timeout_ms,
                            sl_console_json_t *plan, int *http_status, char *errstr,
                            size_t errstr_size) {
    char state[64] = "";
    size_t members = 0;
    if (sl_console_kafka_group_state(rk, r->group, timeout_ms, state, sizeof state, &members,
                                     errstr, errstr_size) != 0) {
        *http_status = 502;
        return -1;
    }
    if (members > 0)
        return fail(http_status, 409, errstr, errstr_size,
                    "group %s has %zu active member(s) (state %s): stop them before resetting "
                    "its offsets",
                    r->group, members, state);
    int64_t *low = NULL, *high = NULL, *current = NULL;
    int rc = -1;
    rd_kafka_topic_partition_list_t *list = sl_console_kafka_topic_offsets(
        rk, r->topic, r->partition, timeout_ms, &low, &high, http_status, errstr, errstr_size);
    if (!list)
        goto out;
    current = calloc((size_t)list->cnt, sizeof *current);
    if (!current) {
        fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (read_current(rk, r->group, list, current, timeout_ms, http_status, errstr, errstr_size) ||
        compute_targets(rk, r, list, low, high, timeout_ms, http_status, errstr, errstr_size))
        goto out;
    if (!r->dry_run && alter(rk, r->group, list, timeout_ms, http_status, errstr, errstr_size))
        goto out;
    render_plan(plan, r, list, low, high, current, !r->dry_run);
    rc = 0;
out:
    free(low);
    free(high);
    free(current);
    if (list)
        rd_kafka_topic_partition_list_destroy(list);
    return rc;
}
