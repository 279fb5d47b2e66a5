/*
 * Management requests: the form fields (application/x-www-form-urlencoded body, or the
 * query string) are checked, the action runs under the console's one action lock with the
 * Kafka timeout, the result is logged with who asked, from where and what happened, and
 * counted; after a success the snapshot is refreshed so the next view shows the change.
 */
#include "sl_console_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_console_manage.h"
#include "sl_console_param.h"

/* The form of a request: its body when it has one, else its query string. */
typedef struct {
    sl_http_query_t *body;
    const sl_http_request_t *req;
} form_t;

/* Parses the form; on a malformed body answers 400 and returns -1. */
static int form_open(form_t *f, const sl_http_request_t *req, sl_http_response_t *resp) {
    size_t len = 0;
    const char *body = sl_http_request_body(req, &len);
    f->req = req;
    f->body = NULL;
    if (len && sl_http_query_parse(body, len, &f->body) != SL_HTTP_OK) {
        sl_console_api_error(resp, 400, "malformed form body");
        return -1;
    }
    return 0;
}

static const char *form_get(const form_t *f, const char *key) {
    const char *v = f->body ? sl_http_query_get(f->body, key) : NULL;
    return v ? v : sl_http_request_arg(f->req, key);
}

static void form_close(form_t *f) {
    sl_http_query_free(f->body);
}

/* Takes the action lock or answers 409. */
static int lock_action(sl_console_t *c, sl_http_response_t *resp) {
    if (pthread_mutex_trylock(&c->manage_lock) != 0) {
        sl_console_api_error(resp, 409, "another management action is running; try again");
        return -1;
    }
    return 0;
}

static void finish(sl_console_t *c, sl_console_action_t a, const sl_http_request_t *req,
                   const char *who, const char *what, int ok, const char *err) {
    char peer[64];
    sl_http_request_peer(req, peer, sizeof peer);
    if (ok) {
        atomic_fetch_add(&c->stats.actions_ok[a], 1);
        sl_console_logf(c, 1, "action by %s from %s: %s: done", who, peer, what);
        /* the next views should show the change */
        sl_console_refresh(c, c->conf.kafka_timeout_ms * 3 + 2000);
    } else {
        atomic_fetch_add(&c->stats.actions_failed[a], 1);
        sl_console_logf(c, 2, "action by %s from %s: %s: failed: %s", who, peer, what, err);
    }
}

static void done_json(sl_http_response_t *resp, const char *what) {
    sl_console_json_t j;
    sl_console_json_init(&j, 4096);
    sl_console_json_obj(&j);
    sl_console_json_kbool(&j, "ok", 1);
    sl_console_json_kstr(&j, "done", what);
    sl_console_json_obj_end(&j);
    sl_console_api_send(resp, 200, &j);
}

/* One topic action: what to do and with what. */
typedef struct {
    sl_console_action_t kind;
    const char *topic, *retention;
    int partitions, replication; /* create: partitions and replication; add: the new total */
} topic_op_t;

/* Runs op under the action lock, logs and counts it, answers. */
static void run_topic_op(sl_console_t *c, const sl_http_request_t *req, sl_http_response_t *resp,
                         const char *who, const char *what, const topic_op_t *op) {
    if (lock_action(c, resp))
        return;
    int status = 500, rc, t = c->conf.kafka_timeout_ms;
    char err[512];
    if (op->kind == SL_CONSOLE_A_CREATE_TOPIC)
        rc = sl_console_manage_create_topic(c->rk, op->topic, op->partitions, op->replication,
                                            op->retention, t, &status, err, sizeof err);
    else if (op->kind == SL_CONSOLE_A_ADD_PARTITIONS)
        rc = sl_console_manage_add_partitions(c->rk, op->topic, op->partitions, t, &status, err,
                                              sizeof err);
    else
        rc = sl_console_manage_delete_topic(c->rk, op->topic, t, &status, err, sizeof err);
    pthread_mutex_unlock(&c->manage_lock);
    finish(c, op->kind, req, who, what, rc == 0, err);
    if (rc)
        sl_console_api_error(resp, status, err);
    else
        done_json(resp, what);
}

void sl_console_action_create_topic(sl_console_t *c, const sl_http_request_t *req,
                                    sl_http_response_t *resp, const char *who) {
    form_t f;
    if (form_open(&f, req, resp))
        return;
    const char *name = form_get(&f, "name");
    const char *ret = form_get(&f, "retention_ms");
    int64_t parts = 0, rf = 0, ret_ms = 0;
    if (!sl_console_param_topic_ok(name) ||
        sl_console_param_i64(form_get(&f, "partitions"), 1, 10000, &parts) ||
        sl_console_param_i64(form_get(&f, "replication"), 1, 32, &rf) ||
        (ret && *ret && sl_console_param_i64(ret, -1, INT64_MAX / 2, &ret_ms))) {
        form_close(&f);
        sl_console_api_error(resp, 400,
                             "want name (a topic name), partitions 1..10000, "
                             "replication 1..32 and optionally retention_ms "
                             "(-1: forever)");
        return;
    }
    char what[512], retention[32];
    snprintf(retention, sizeof retention, "%" PRId64, ret_ms);
    snprintf(what, sizeof what,
             "create topic %s (partitions %" PRId64 ", replication %" PRId64 ", retention.ms %s)",
             name, parts, rf, ret && *ret ? retention : "default");
    topic_op_t op = {SL_CONSOLE_A_CREATE_TOPIC, name, ret && *ret ? retention : NULL, (int)parts,
                     (int)rf};
    run_topic_op(c, req, resp, who, what, &op);
    form_close(&f);
}

void sl_console_action_add_partitions(sl_console_t *c, const char *topic,
                                      const sl_http_request_t *req, sl_http_response_t *resp,
                                      const char *who) {
    form_t f;
    if (form_open(&f, req, resp))
        return;
    int64_t total = 0;
    if (!sl_console_param_topic_ok(topic) ||
        sl_console_param_i64(form_get(&f, "count"), 1, 10000, &total)) {
        form_close(&f);
        sl_console_api_error(resp, 400, "want count: the new total number of partitions");
        return;
    }
    form_close(&f);
    char what[400];
    snprintf(what, sizeof what, "add partitions to %s (total %" PRId64 ")", topic, total);
    topic_op_t op = {SL_CONSOLE_A_ADD_PARTITIONS, topic, NULL, (int)total, 0};
    run_topic_op(c, req, resp, who, what, &op);
}

void sl_console_action_delete_topic(sl_console_t *c, const char *topic,
                                    const sl_http_request_t *req, sl_http_response_t *resp,
                                    const char *who) {
    form_t f;
    if (form_open(&f, req, resp))
        return;
    const char *confirm = form_get(&f, "confirm");
    int same = confirm && strcmp(confirm, topic) == 0;
    form_close(&f);
    if (!sl_console_param_topic_ok(topic) || !same) {
        sl_console_api_error(resp, 400, "to delete a topic, send confirm=<the topic's name>");
        return;
    }
    char what[400];
    snprintf(what, sizeof what, "delete topic %s", topic);
    topic_op_t op = {SL_CONSOLE_A_DELETE_TOPIC, topic, NULL, 0, 0};
    run_topic_op(c, req, resp, who, what, &op);
}

/* Reads the reset's fields; 0, or -1 with a 400 answer sent. */
static int reset_args(const form_t *f, sl_console_reset_t *r, sl_http_response_t *resp) {
    const char *topic = form_get(f, "topic");
    const char *partition = form_get(f, "partition");
    const char *value = form_get(f, "value");
    const char *dry = form_get(f, "dry_run");
    int64_t p = -1;
    if (!sl_console_param_topic_ok(topic) ||
        sl_console_manage_reset_mode(form_get(f, "to"), &r->mode) ||
        (partition && *partition && sl_console_param_i64(partition, 0, 1000000, &p)))
        goto bad;
    r->topic = topic;
    r->partition = (int32_t)p;
    r->dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
    if (r->mode == SL_CONSOLE_RESET_TIME && sl_console_param_time_ms(value, &r->value))
        goto bad;
    if (r->mode == SL_CONSOLE_RESET_OFFSET && sl_console_param_i64(value, 0, INT64_MAX, &r->value))
        goto bad;
    return 0;
bad:
    sl_console_api_error(resp, 400,
                         "want topic, to=earliest|latest|timestamp|offset, value "
                         "(milliseconds or ISO-8601 for timestamp, a number for "
                         "offset), optionally partition and dry_run=1");
    return -1;
}

void sl_console_action_reset(sl_console_t *c, const char *group, const sl_http_request_t *req,
                             sl_http_response_t *resp, const char *who) {
    form_t f;
    if (form_open(&f, req, resp))
        return;
    sl_console_reset_t r = {.group = group};
    if (!sl_console_param_group_ok(group)) {
        form_close(&f);
        sl_console_api_error(resp, 400, "not a group id the console acts on");
        return;
    }
    if (reset_args(&f, &r, resp)) {
        form_close(&f);
        return;
    }
    static const char *const modes[] = {"earliest", "latest", "timestamp", "offset"};
    char what[800], part[32] = "all partitions", val[40] = "";
    if (r.partition >= 0)
        snprintf(part, sizeof part, "partition %d", (int)r.partition);
    if (r.mode >= SL_CONSOLE_RESET_TIME)
        snprintf(val, sizeof val, " %" PRId64, r.value);
    snprintf(what, sizeof what, "%sreset offsets of group %s on %s (%s) to %s%s",
             r.dry_run ? "plan: " : "", group, r.topic, part, modes[r.mode], val);
    if (lock_action(c, resp)) {
        form_close(&f);
        return;
    }
    sl_console_json_t j;
    sl_console_json_init(&j, 8 << 20);
    int status = 500;
    char err[512];
    int rc =
        sl_console_manage_reset(c->rk, &r, c->conf.kafka_timeout_ms, &j, &status, err, sizeof err);
    pthread_mutex_unlock(&c->manage_lock);
    if (!r.dry_run)
        finish(c, SL_CONSOLE_A_RESET_OFFSETS, req, who, what, rc == 0, err);
    form_close(&f);
    if (rc) {
        sl_console_json_free(&j);
        sl_console_api_error(resp, status, err);
        return;
    }
    sl_console_api_send(resp, 200, &j);
}
