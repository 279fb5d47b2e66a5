/*
 * The JSON views of the console API. Each takes a reference to the latest snapshot and
 * renders from it, so answering never waits on Kafka; only the message browser reads
 * Kafka per request (bounded in time and in how many run at once). The field names are
 * documented in docs/console.md.
 */
#include "sl_console_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_console_browse.h"
#include "sl_console_param.h"
#include "sl_time.h"

#define VIEW_MAX_BYTES ((size_t)32 << 20)
/* Subjects one schemas answer lists at most (three registry requests each). */
#define VIEW_MAX_SUBJECTS 1000

/* The snapshot, or a 503 answer when there is none yet. */
static sl_console_snap_t *snap_or_503(sl_console_t *c, sl_http_response_t *resp) {
    sl_console_snap_t *s = sl_console_acquire(c);
    if (!s) {
        sl_http_response_header(resp, "Retry-After", "1");
        sl_console_api_error(resp, 503, "the first snapshot is still being taken");
    }
    return s;
}

static void snap_meta(sl_console_json_t *j, const sl_console_snap_t *s) {
    sl_console_json_kint(j, "seq", (int64_t)s->seq);
    sl_console_json_kint(j, "taken_ms", s->taken_ms);
    sl_console_json_kint(j, "age_ms", sl_wall_ms() - s->taken_ms);
    sl_console_json_kint(j, "took_ms", s->took_ms);
    sl_console_json_kbool(j, "kafka_ok", s->kafka_ok);
    sl_console_json_kstr(j, "kafka_error", s->kafka_error);
}

static int part_under_replicated(const sl_console_partition_t *p) {
    return p->n_isr < p->n_replicas;
}
static int part_offline(const sl_console_partition_t *p) {
    return p->leader < 0 || p->err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
}

static int64_t topic_messages(const sl_console_topic_t *t, int *unknown) {
    int64_t sum = 0;
    for (int p = 0; p < t->n_partitions; p++) {
        if (t->partitions[p].low < 0 || t->partitions[p].high < 0) {
            if (unknown)
                *unknown = 1;
            continue;
        }
        sum += t->partitions[p].high - t->partitions[p].low;
    }
    return sum;
}

static void id_array(sl_console_json_t *j, const int32_t *ids, int n) {
    sl_console_json_arr(j);
    for (int i = 0; ids && i < n; i++)
        sl_console_json_int(j, ids[i]);
    sl_console_json_arr_end(j);
}

static void render_kafka(sl_console_json_t *j, const sl_console_snap_t *s) {
    sl_console_json_key(j, "kafka");
    sl_console_json_obj(j);
    sl_console_json_kbool(j, "ok", s->kafka_ok);
    sl_console_json_kstr(j, "error", s->kafka_error);
    sl_console_json_kstr(j, "cluster_id", s->cluster_id);
    sl_console_json_kint(j, "controller", s->controller);
    sl_console_json_key(j, "brokers");
    sl_console_json_arr(j);
    for (size_t i = 0; i < s->n_brokers; i++) {
        sl_console_json_obj(j);
        sl_console_json_kint(j, "id", s->brokers[i].id);
        sl_console_json_kstr(j, "host", s->brokers[i].host);
        sl_console_json_kint(j, "port", s->brokers[i].port);
        sl_console_json_kbool(j, "controller", s->brokers[i].id == s->controller);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
    size_t topics = 0, internal = 0, parts = 0, under = 0, offline = 0;
    for (size_t i = 0; i < s->n_topics; i++) {
        const sl_console_topic_t *t = &s->topics[i];
        t->internal ? internal++ : topics++;
        for (int p = 0; p < t->n_partitions; p++) {
            parts++;
            under += (size_t)part_under_replicated(&t->partitions[p]);
            offline += (size_t)part_offline(&t->partitions[p]);
        }
    }
    sl_console_json_kint(j, "topics", (int64_t)topics);
    sl_console_json_kint(j, "internal_topics", (int64_t)internal);
    sl_console_json_kint(j, "partitions", (int64_t)parts);
    sl_console_json_kint(j, "under_replicated", (int64_t)under);
    sl_console_json_kint(j, "offline", (int64_t)offline);
    sl_console_json_kint(j, "groups", (int64_t)s->n_groups);
    sl_console_json_kbool(j, "topics_capped", s->topics_capped);
    sl_console_json_obj_end(j);
}

static void render_cassandra(sl_console_json_t *j, const sl_console_t *c,
                             const sl_console_snap_t *s) {
    const sl_console_cass_t *cs = &s->cassandra;
    sl_console_json_key(j, "cassandra");
    sl_console_json_obj(j);
    sl_console_json_kbool(j, "configured", cs->configured);
    sl_console_json_kstr(j, "contact_points", c->cassandra_hosts);
    sl_console_json_kint(j, "hosts", (int64_t)cs->hosts);
    sl_console_json_kint(j, "up", (int64_t)cs->up);
    sl_console_json_kint(j, "down", (int64_t)(cs->hosts - cs->up));
    sl_console_json_kstr(j, "error", cs->error);
    sl_console_json_key(j, "peers");
    sl_console_json_arr(j);
    for (size_t i = 0; i < cs->n_peers; i++) {
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "address", cs->peers[i].address);
        sl_console_json_kstr(j, "datacenter", cs->peers[i].datacenter);
        sl_console_json_kstr(j, "rack", cs->peers[i].rack);
        sl_console_json_kstr(j, "version", cs->peers[i].version);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
    sl_console_json_obj_end(j);
}

static const char *health_word(const sl_console_component_t *comp) {
    return comp->health_code == 200 ? "ok" : comp->health_code ? "down" : "unreachable";
}

static void render_component(sl_console_json_t *j, const sl_console_component_t *comp) {
    static const char *const kinds[] = {"unknown", "ingest", "process"};
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "name", comp->name);
    sl_console_json_kstr(j, "url", comp->url);
    sl_console_json_kstr(j, "kind", kinds[comp->kind]);
    sl_console_json_kstr(j, "health", health_word(comp));
    sl_console_json_kint(j, "health_code", comp->health_code);
    sl_console_json_kstr(j, "health_body", comp->health_body);
    sl_console_json_kstr(j, "error", comp->error);
    sl_console_json_kbool(j, "metrics_ok", comp->metrics_ok);
    sl_console_json_kint(j, "metrics_bad_lines", (int64_t)comp->metrics_bad_lines);
    sl_console_json_key(j, "metrics");
    sl_console_json_obj(j);
    for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
        if (!isnan(comp->m[m]))
            sl_console_json_knum(j, sl_console_metric_name((sl_console_metric_t)m), comp->m[m]);
    sl_console_json_obj_end(j);
    sl_console_json_key(j, "rates");
    sl_console_json_obj(j);
    for (int m = 0; m < SL_CONSOLE_M_COUNT; m++)
        if (!isnan(comp->rate[m]))
            sl_console_json_knum(j, sl_console_metric_name((sl_console_metric_t)m), comp->rate[m]);
    sl_console_json_obj_end(j);
    sl_console_json_obj_end(j);
}

/* The newest history point as an object {name: value}. */
static void render_last_point(sl_console_t *c, sl_console_json_t *j) {
    double v[SL_CONSOLE_S_COUNT];
    int64_t t = 0;
    pthread_mutex_lock(&c->lock);
    size_t n = sl_console_ring_count(c->ring);
    int have = n > 0 && sl_console_ring_get(c->ring, n - 1, &t, v) == 0;
    pthread_mutex_unlock(&c->lock);
    sl_console_json_obj(j);
    for (int i = 0; have && i < SL_CONSOLE_S_COUNT; i++)
        sl_console_json_knum(j, sl_console_series_name((sl_console_series_t)i), v[i]);
    sl_console_json_obj_end(j);
}

static void render_pipeline(sl_console_t *c, sl_console_json_t *j, const sl_console_snap_t *s) {
    sl_console_json_key(j, "pipeline");
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "topic", c->topic);
    sl_console_json_kstr(j, "table", c->table);
    char dlq[512];
    snprintf(dlq, sizeof dlq, "%s%s", c->topic, c->dlq_suffix);
    sl_console_json_kstr(j, "dlq_topic", dlq);
    const sl_console_topic_t *t = sl_console_snap_topic(s, c->topic);
    const sl_console_topic_t *d = sl_console_snap_topic(s, dlq);
    sl_console_json_kbool(j, "topic_exists", t != NULL);
    sl_console_json_kint(j, "messages", t ? topic_messages(t, NULL) : -1);
    sl_console_json_kint(j, "lag", sl_console_series_topic_lag(s, t));
    sl_console_json_kint(j, "dlq_messages", d ? topic_messages(d, NULL) : -1);
    sl_console_json_key(j, "rates");
    render_last_point(c, j);
    sl_console_json_obj_end(j);
}

void sl_console_view_overview(sl_console_t *c, const sl_http_request_t *req,
                              sl_http_response_t *resp) {
    (void)req;
    sl_console_snap_t *s = snap_or_503(c, resp);
    if (!s)
        return;
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    snap_meta(&j, s);
    render_kafka(&j, s);
    render_cassandra(&j, c, s);
    sl_console_json_key(&j, "registry");
    sl_console_json_obj(&j);
    sl_console_json_kbool(&j, "configured", s->registry.configured);
    sl_console_json_kstr(&j, "url", c->registry_url);
    sl_console_json_kbool(&j, "reachable", s->registry.reachable);
    sl_console_json_kint(&j, "status", s->registry.status);
    sl_console_json_kstr(&j, "error", s->registry.error);
    sl_console_json_obj_end(&j);
    sl_console_json_key(&j, "components");
    sl_console_json_arr(&j);
    for (size_t i = 0; i < s->n_components; i++)
        render_component(&j, &s->components[i]);
    sl_console_json_arr_end(&j);
    render_pipeline(c, &j, s);
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

/* Every group with commits on topic t and its lag there. */
static void topic_lags(sl_console_json_t *j, const sl_console_snap_t *s,
                       const sl_console_topic_t *t, int detail) {
    sl_console_json_arr(j);
    for (size_t g = 0; g < s->n_groups; g++) {
        const sl_console_group_t *gr = &s->groups[g];
        int np = 0;
        int64_t lag = sl_console_snap_lag(gr, t, &np);
        if (lag < 0)
            continue;
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "group", gr->id);
        sl_console_json_kstr(j, "state", gr->state);
        sl_console_json_kint(j, "members", (int64_t)gr->n_members);
        sl_console_json_kint(j, "lag", lag);
        sl_console_json_kint(j, "partitions_committed", np);
        if (detail) {
            sl_console_json_key(j, "partitions");
            sl_console_json_arr(j);
            for (int p = 0; p < t->n_partitions; p++) {
                int64_t cm = sl_console_snap_committed(gr, t->name, t->partitions[p].id);
                int64_t hw = t->partitions[p].high;
                sl_console_json_obj(j);
                sl_console_json_kint(j, "partition", t->partitions[p].id);
                sl_console_json_key(j, "committed");
                cm >= 0 ? sl_console_json_int(j, cm) : sl_console_json_null(j);
                sl_console_json_key(j, "lag");
                cm >= 0 && hw >= 0 ? sl_console_json_int(j, hw > cm ? hw - cm : 0)
                                   : sl_console_json_null(j);
                sl_console_json_obj_end(j);
            }
            sl_console_json_arr_end(j);
        }
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
}

static void topic_summary(sl_console_json_t *j, const sl_console_snap_t *s,
                          const sl_console_topic_t *t) {
    int rf = 0, under = 0, offline = 0, unknown = 0;
    for (int p = 0; p < t->n_partitions; p++) {
        if (t->partitions[p].n_replicas > rf)
            rf = t->partitions[p].n_replicas;
        under += part_under_replicated(&t->partitions[p]);
        offline += part_offline(&t->partitions[p]);
    }
    sl_console_json_kstr(j, "name", t->name);
    sl_console_json_kbool(j, "internal", t->internal);
    sl_console_json_kbool(j, "dlq", t->dlq);
    sl_console_json_kstr(j, "error", t->err ? rd_kafka_err2name(t->err) : NULL);
    sl_console_json_kint(j, "partitions", t->n_partitions);
    sl_console_json_kint(j, "replication", rf);
    int64_t msgs = topic_messages(t, &unknown);
    sl_console_json_kint(j, "messages", msgs);
    sl_console_json_kbool(j, "offsets_known", !unknown);
    sl_console_json_kint(j, "under_replicated", under);
    sl_console_json_kint(j, "offline", offline);
    (void)s;
}

void sl_console_view_topics(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp) {
    sl_console_snap_t *s = snap_or_503(c, resp);
    if (!s)
        return;
    const char *inc = sl_http_request_arg(req, "internal");
    int internal = inc && (strcmp(inc, "1") == 0 || strcmp(inc, "true") == 0);
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    snap_meta(&j, s);
    sl_console_json_key(&j, "topics");
    sl_console_json_arr(&j);
    int hidden = 0;
    for (size_t i = 0; i < s->n_topics; i++) {
        const sl_console_topic_t *t = &s->topics[i];
        if (t->internal && !internal) {
            hidden++;
            continue;
        }
        sl_console_json_obj(&j);
        topic_summary(&j, s, t);
        sl_console_json_key(&j, "groups");
        topic_lags(&j, s, t, 0);
        sl_console_json_obj_end(&j);
    }
    sl_console_json_arr_end(&j);
    sl_console_json_kint(&j, "hidden_internal", hidden);
    sl_console_json_kbool(&j, "capped", s->topics_capped);
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

void sl_console_view_topic(sl_console_t *c, const char *name, const sl_http_request_t *req,
                           sl_http_response_t *resp) {
    (void)req;
    sl_console_snap_t *s = snap_or_503(c, resp);
    if (!s)
        return;
    const sl_console_topic_t *t = sl_console_snap_topic(s, name);
    if (!t) {
        sl_console_release(c, s);
        sl_console_api_error(resp, 404, "no such topic in the latest snapshot");
        return;
    }
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    snap_meta(&j, s);
    topic_summary(&j, s, t);
    sl_console_json_key(&j, "partition_list");
    sl_console_json_arr(&j);
    for (int p = 0; p < t->n_partitions; p++) {
        const sl_console_partition_t *pt = &t->partitions[p];
        sl_console_json_obj(&j);
        sl_console_json_kint(&j, "partition", pt->id);
        sl_console_json_kint(&j, "leader", pt->leader);
        sl_console_json_key(&j, "replicas");
        id_array(&j, pt->replicas, pt->n_replicas);
        sl_console_json_key(&j, "isr");
        id_array(&j, pt->isr, pt->n_isr);
        sl_console_json_kint(&j, "low", pt->low);
        sl_console_json_kint(&j, "high", pt->high);
        sl_console_json_kint(&j, "messages",
                             pt->low >= 0 && pt->high >= 0 ? pt->high - pt->low : -1);
        sl_console_json_kbool(&j, "under_replicated", part_under_replicated(pt));
        sl_console_json_kbool(&j, "offline", part_offline(pt));
        sl_console_json_kstr(&j, "error", pt->err ? rd_kafka_err2name(pt->err) : NULL);
        sl_console_json_obj_end(&j);
    }
    sl_console_json_arr_end(&j);
    sl_console_json_key(&j, "groups");
    topic_lags(&j, s, t, 1);
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

/* The member of g that owns topic/partition, or NULL. */
static const sl_console_member_t *owner(const sl_console_group_t *g, const char *topic,
                                        int32_t partition) {
    for (size_t m = 0; m < g->n_members; m++)
        for (size_t a = 0; a < g->members[m].n_assigned; a++)
            if (g->members[m].assigned[a].partition == partition &&
                strcmp(g->members[m].assigned[a].topic, topic) == 0)
                return &g->members[m];
    return NULL;
}

static void render_members(sl_console_json_t *j, const sl_console_group_t *g) {
    sl_console_json_key(j, "members");
    sl_console_json_arr(j);
    for (size_t m = 0; m < g->n_members; m++) {
        const sl_console_member_t *mb = &g->members[m];
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "client_id", mb->client_id);
        sl_console_json_kstr(j, "consumer_id", mb->consumer_id);
        sl_console_json_kstr(j, "host", mb->host);
        sl_console_json_kstr(j, "instance_id", mb->instance_id);
        sl_console_json_key(j, "assignments");
        sl_console_json_arr(j);
        for (size_t a = 0; a < mb->n_assigned; a++) {
            sl_console_json_obj(j);
            sl_console_json_kstr(j, "topic", mb->assigned[a].topic);
            sl_console_json_kint(j, "partition", mb->assigned[a].partition);
            sl_console_json_obj_end(j);
        }
        sl_console_json_arr_end(j);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
}

/* The group's committed offsets grouped by topic (offsets are sorted by topic). */
static int64_t render_group_topics(sl_console_json_t *j, const sl_console_snap_t *s,
                                   const sl_console_group_t *g) {
    int64_t total = -1;
    sl_console_json_key(j, "topics");
    sl_console_json_arr(j);
    for (size_t i = 0; i < g->n_offsets;) {
        const char *topic = g->offsets[i].topic;
        const sl_console_topic_t *t = sl_console_snap_topic(s, topic);
        int64_t lag = -1;
        sl_console_json_obj(j);
        sl_console_json_kstr(j, "topic", topic);
        sl_console_json_key(j, "partitions");
        sl_console_json_arr(j);
        for (; i < g->n_offsets && strcmp(g->offsets[i].topic, topic) == 0; i++) {
            const sl_console_committed_t *o = &g->offsets[i];
            int64_t hw = sl_console_snap_high(t, o->partition);
            const sl_console_member_t *mb = owner(g, topic, o->partition);
            sl_console_json_obj(j);
            sl_console_json_kint(j, "partition", o->partition);
            sl_console_json_key(j, "committed");
            o->committed >= 0 ? sl_console_json_int(j, o->committed) : sl_console_json_null(j);
            sl_console_json_kint(j, "high", hw);
            sl_console_json_key(j, "lag");
            if (o->committed >= 0 && hw >= 0) {
                int64_t l = hw > o->committed ? hw - o->committed : 0;
                sl_console_json_int(j, l);
                lag = (lag < 0 ? 0 : lag) + l;
            } else {
                sl_console_json_null(j);
            }
            sl_console_json_kstr(j, "client_id", mb ? mb->client_id : NULL);
            sl_console_json_kstr(j, "host", mb ? mb->host : NULL);
            sl_console_json_obj_end(j);
        }
        sl_console_json_arr_end(j);
        sl_console_json_kint(j, "lag", lag);
        sl_console_json_obj_end(j);
        if (lag >= 0)
            total = (total < 0 ? 0 : total) + lag;
    }
    sl_console_json_arr_end(j);
    return total;
}

void sl_console_view_groups(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp) {
    (void)req;
    sl_console_snap_t *s = snap_or_503(c, resp);
    if (!s)
        return;
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    snap_meta(&j, s);
    sl_console_json_kstr(&j, "error", s->groups_error);
    sl_console_json_key(&j, "groups");
    sl_console_json_arr(&j);
    for (size_t i = 0; i < s->n_groups; i++) {
        const sl_console_group_t *g = &s->groups[i];
        sl_console_json_obj(&j);
        sl_console_json_kstr(&j, "id", g->id);
        sl_console_json_kstr(&j, "state", g->state);
        sl_console_json_kbool(&j, "simple", g->simple);
        sl_console_json_kint(&j, "coordinator", g->coordinator);
        sl_console_json_kstr(&j, "error", g->error);
        render_members(&j, g);
        int64_t lag = render_group_topics(&j, s, g);
        sl_console_json_kint(&j, "lag", lag);
        sl_console_json_obj_end(&j);
    }
    sl_console_json_arr_end(&j);
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

void sl_console_view_dlq(sl_console_t *c, const sl_http_request_t *req, sl_http_response_t *resp) {
    (void)req;
    sl_console_snap_t *s = snap_or_503(c, resp);
    if (!s)
        return;
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    snap_meta(&j, s);
    sl_console_json_kstr(&j, "suffix", c->dlq_suffix);
    sl_console_json_key(&j, "view");
    if (s->dlq_json)
        sl_console_json_raw(&j, s->dlq_json, s->dlq_json_len);
    else
        sl_console_json_null(&j);
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

void sl_console_view_series(sl_console_t *c, const sl_http_request_t *req,
                            sl_http_response_t *resp) {
    int64_t since = -1, max = 100000;
    const char *a = sl_http_request_arg(req, "since");
    const char *m = sl_http_request_arg(req, "max");
    if ((a && sl_console_param_i64(a, 0, INT64_MAX, &since)) ||
        (m && sl_console_param_i64(m, 1, 100000, &max))) {
        sl_console_api_error(resp, 400, "since wants milliseconds, max 1..100000");
        return;
    }
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    sl_console_json_knum(&j, "interval_s", c->conf.interval_s);
    sl_console_json_key(&j, "columns");
    sl_console_json_arr(&j);
    sl_console_json_str(&j, "t");
    for (int i = 0; i < SL_CONSOLE_S_COUNT; i++)
        sl_console_json_str(&j, sl_console_series_name((sl_console_series_t)i));
    sl_console_json_arr_end(&j);
    pthread_mutex_lock(&c->lock);
    size_t n = sl_console_ring_count(c->ring);
    sl_console_json_kint(&j, "capacity", (int64_t)sl_console_ring_capacity(c->ring));
    sl_console_json_kint(&j, "pushed", (int64_t)sl_console_ring_pushed(c->ring));
    sl_console_json_key(&j, "points");
    sl_console_json_arr(&j);
    size_t first = n > (size_t)max ? n - (size_t)max : 0;
    size_t count = 0;
    for (size_t i = first; i < n; i++) {
        int64_t t;
        double v[SL_CONSOLE_S_COUNT];
        if (sl_console_ring_get(c->ring, i, &t, v) || t <= since)
            continue;
        sl_console_json_arr(&j);
        sl_console_json_int(&j, t);
        for (int k = 0; k < SL_CONSOLE_S_COUNT; k++)
            sl_console_json_num(&j, v[k]);
        sl_console_json_arr_end(&j);
        count++;
    }
    pthread_mutex_unlock(&c->lock);
    sl_console_json_arr_end(&j);
    sl_console_json_kint(&j, "count", (int64_t)count);
    sl_console_json_obj_end(&j);
    sl_console_api_send(resp, 200, &j);
}

/* "users_created-value" -> the topic "users_created" when it exists (TopicNameStrategy). */
static void subject_link(sl_console_json_t *j, const sl_console_snap_t *s, const char *subject) {
    size_t n = strlen(subject);
    const char *role = NULL;
    size_t cut = 0;
    if (n > 6 && strcmp(subject + n - 6, "-value") == 0) {
        role = "value";
        cut = n - 6;
    } else if (n > 4 && strcmp(subject + n - 4, "-key") == 0) {
        role = "key";
        cut = n - 4;
    }
    char topic[300] = "";
    if (role && cut < sizeof topic) {
        memcpy(topic, subject, cut);
        topic[cut] = '\0';
    }
    int exists = topic[0] && s && sl_console_snap_topic(s, topic);
    sl_console_json_kstr(j, "topic", exists ? topic : NULL);
    sl_console_json_kstr(j, "role", role);
}

void sl_console_view_schemas(sl_console_t *c, const sl_http_request_t *req,
                             sl_http_response_t *resp) {
    const sl_console_registry_t *r = &c->conf.registry;
    const char *only = sl_http_request_arg(req, "subject");
    if (only && (!*only || strlen(only) > 255)) {
        sl_console_api_error(resp, 400, "subject: 1 to 255 bytes");
        return;
    }
    sl_console_snap_t *s = sl_console_acquire(c);
    sl_console_json_t j;
    sl_console_json_init(&j, VIEW_MAX_BYTES);
    sl_console_json_obj(&j);
    sl_console_json_kstr(&j, "url", c->registry_url);
    sl_console_json_kbool(&j, "reachable", s && s->registry.reachable);
    sl_console_subject_t *subs = NULL;
    size_t n = 0;
    char err[512] = "";
    if (!r->subjects) {
        sl_console_json_kbool(&j, "available", 0);
        sl_console_json_kstr(&j, "reason",
                             c->registry_url ? "no registry client wired to the console"
                                             : "no --registry given");
    } else if (r->subjects(r->opaque, only, VIEW_MAX_SUBJECTS, &subs, &n, err, sizeof err) != 0) {
        sl_console_json_kbool(&j, "available", 0);
        sl_console_json_kstr(&j, "reason", err);
    } else {
        sl_console_json_kbool(&j, "available", 1);
        char level[64] = "";
        if (r->global_compatibility &&
            r->global_compatibility(r->opaque, level, sizeof level, err, sizeof err) != 0)
            level[0] = '\0';
        sl_console_json_kstr(&j, "global_compatibility", level[0] ? level : NULL);
        sl_console_json_key(&j, "subjects");
        sl_console_json_arr(&j);
        for (size_t i = 0; i < n; i++) {
            sl_console_json_obj(&j);
            sl_console_json_kstr(&j, "name", subs[i].name);
            sl_console_json_key(&j, "versions");
            sl_console_json_arr(&j);
            for (size_t v = 0; v < subs[i].n_versions; v++)
                sl_console_json_int(&j, subs[i].versions[v]);
            sl_console_json_arr_end(&j);
            sl_console_json_kint(&j, "latest_version", subs[i].latest_version);
            sl_console_json_kint(&j, "latest_id", subs[i].latest_id);
            sl_console_json_kstr(&j, "schema_type",
                                 subs[i].schema_type ? subs[i].schema_type : "AVRO");
            sl_console_json_kstr(&j, "schema", subs[i].schema);
            sl_console_json_kstr(&j, "compatibility", subs[i].compatibility);
            subject_link(&j, s, subs[i].name);
            sl_console_json_obj_end(&j);
        }
        sl_console_json_arr_end(&j);
        if (r->free_subjects)
            r->free_subjects(r->opaque, subs, n);
    }
    sl_console_json_obj_end(&j);
    sl_console_release(c, s);
    sl_console_api_send(resp, 200, &j);
}

/* Browser arguments into req; 0, or -1 with a 400 answer sent. */
static int browse_args(sl_console_t *c, const sl_http_request_t *req, sl_console_browse_req_t *b,
                       sl_http_response_t *resp) {
    const char *partition = sl_http_request_arg(req, "partition");
    const char *limit = sl_http_request_arg(req, "limit");
    const char *from = sl_http_request_arg(req, "from");
    const char *offset = sl_http_request_arg(req, "offset");
    const char *ts = sl_http_request_arg(req, "timestamp");
    int64_t v;
    b->partition = -1;
    b->limit = 50 < c->conf.browse_max_messages ? 50 : c->conf.browse_max_messages;
    b->from = SL_CONSOLE_FROM_LATEST;
    if (partition && *partition) {
        if (sl_console_param_i64(partition, 0, 1000000, &v))
            goto bad;
        b->partition = (int32_t)v;
    }
    if (limit && *limit) {
        if (sl_console_param_i64(limit, 1, (int64_t)c->conf.browse_max_messages, &v))
            goto bad;
        b->limit = (size_t)v;
    }
    if (offset && *offset) {
        if (sl_console_param_i64(offset, 0, INT64_MAX, &b->offset))
            goto bad;
        b->from = SL_CONSOLE_FROM_OFFSET;
    }
    if (ts && *ts) {
        if (sl_console_param_time_ms(ts, &b->time_ms))
            goto bad;
        b->from = SL_CONSOLE_FROM_TIME;
    }
    if (from && *from) {
        if (strcmp(from, "latest") == 0)
            b->from = SL_CONSOLE_FROM_LATEST;
        else if (strcmp(from, "earliest") == 0)
            b->from = SL_CONSOLE_FROM_EARLIEST;
        else if (strcmp(from, "offset") == 0 && offset)
            b->from = SL_CONSOLE_FROM_OFFSET;
        else if (strcmp(from, "timestamp") == 0 && ts)
            b->from = SL_CONSOLE_FROM_TIME;
        else
            goto bad;
    }
    return 0;
bad:
    sl_console_api_error(resp, 400,
                         "arguments: partition=N, limit=1..max, from=latest|earliest|offset|"
                         "timestamp, offset=N, timestamp=ms or ISO-8601, filter=text");
    return -1;
}

void sl_console_view_messages(sl_console_t *c, const char *topic, const sl_http_request_t *req,
                              sl_http_response_t *resp) {
    if (!sl_console_param_topic_ok(topic)) {
        sl_console_api_error(resp, 400, "not a topic name");
        return;
    }
    sl_console_browse_req_t b = {
        .topic = topic,
        .filter = sl_http_request_arg(req, "filter"),
        .max_value = c->conf.browse_max_value,
        .max_page = c->conf.browse_max_page,
        .scan_max = 100000,
        .timeout_ms = c->conf.browse_timeout_ms,
        .registry = &c->conf.registry,
    };
    if (b.filter && strlen(b.filter) > 256) {
        sl_console_api_error(resp, 400, "the filter is longer than 256 bytes");
        return;
    }
    if (browse_args(c, req, &b, resp))
        return;
    if (atomic_fetch_add(&c->browsing, 1) >= c->conf.browse_concurrency) {
        atomic_fetch_sub(&c->browsing, 1);
        atomic_fetch_add(&c->stats.browse_busy, 1);
        sl_http_response_header(resp, "Retry-After", "1");
        sl_console_api_error(resp, 503, "enough message-browser requests are running; try again");
        return;
    }
    atomic_fetch_add(&c->stats.browse, 1);
    sl_console_json_t j;
    /* rendered messages are at most max_page bytes; the rest is small */
    sl_console_json_init(&j, c->conf.browse_max_page + 1024 * 1024);
    int status = 500;
    char err[512] = "";
    int rc = sl_console_browse(c->brokers, c->conf.kafka_props, &c->klog, &b, &j, &status, err,
                               sizeof err);
    atomic_fetch_sub(&c->browsing, 1);
    if (rc != 0) {
        sl_console_json_free(&j);
        sl_console_api_error(resp, status, err);
        return;
    }
    sl_console_api_send(resp, 200, &j);
}
