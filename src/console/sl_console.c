/*
 * Console lifecycle: the configuration is copied, the Kafka client, the dead-letter
 * reader, the auth table and the ring are made in sl_console_new(); sl_console_start()
 * starts the sampler thread and then the HTTP server; stop reverses that order.
 */
#include "sl_console_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "sl_console_param.h"
#include "sl_time.h"

SL_ERR_DEFINE_STR(sl_console_err_str, sl_console_err_t, SL_CONSOLE_ERRORS)

void sl_console_conf_defaults(sl_console_conf_t *conf) {
    memset(conf, 0, sizeof *conf);
    conf->listen = "127.0.0.1:9000";
    conf->brokers = "127.0.0.1:9092";
    conf->topic = "users_created";
    conf->table = "spark_streams.created_users";
    conf->dlq_suffix = ".dlq";
    conf->interval_s = 5;
    conf->history_s = 3600;
    conf->kafka_timeout_ms = 5000;
    conf->probe_timeout_ms = 2000;
    conf->browse_timeout_ms = 5000;
    conf->browse_max_messages = 500;
    conf->browse_max_value = 16384;
    conf->browse_max_page = 1 << 20;
    conf->browse_concurrency = 2;
    conf->max_topics = 2000;
    conf->max_groups = 1000;
    conf->max_partitions = 20000;
}

static int dup_str(char **dst, const char *src) {
    *dst = NULL;
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

/* Copies every string of conf into c, so the caller's may go away. */
static int copy_conf(sl_console_t *c, const sl_console_conf_t *conf, char *errstr, size_t size) {
    c->conf = *conf;
    if (dup_str(&c->listen, conf->listen ? conf->listen : "127.0.0.1:9000") ||
        dup_str(&c->brokers, conf->brokers) || dup_str(&c->registry_url, conf->registry_url) ||
        dup_str(&c->registry_ca, conf->registry_ca) || dup_str(&c->topic, conf->topic) ||
        dup_str(&c->table, conf->table) ||
        dup_str(&c->dlq_suffix, conf->dlq_suffix ? conf->dlq_suffix : ".dlq") ||
        dup_str(&c->cassandra_hosts, conf->cassandra_hosts))
        return -1;
    size_t np = 0;
    while (conf->kafka_props && conf->kafka_props[np])
        np++;
    c->props = calloc(np + 2, sizeof *c->props);
    if (!c->props)
        return -1;
    for (size_t i = 0; i < np; i++)
        if (dup_str(&c->props[i], conf->kafka_props[i]))
            return -1;
    if (conf->n_components > SL_CONSOLE_MAX_COMPONENTS) {
        snprintf(errstr, size, "at most %d components", SL_CONSOLE_MAX_COMPONENTS);
        return -2;
    }
    c->components = calloc(conf->n_components + 1, sizeof *c->components);
    if (!c->components)
        return -1;
    for (size_t i = 0; i < conf->n_components; i++) {
        char *name = NULL, *url = NULL;
        if (dup_str(&name, conf->components[i].name) || dup_str(&url, conf->components[i].url)) {
            free(name);
            free(url);
            return -1;
        }
        c->components[i] = (sl_console_component_conf_t){name, url};
    }
    c->conf.listen = c->listen;
    c->conf.brokers = c->brokers;
    c->conf.registry_url = c->registry_url;
    c->conf.registry_ca = c->registry_ca;
    c->conf.topic = c->topic;
    c->conf.table = c->table;
    c->conf.dlq_suffix = c->dlq_suffix;
    c->conf.cassandra_hosts = c->cassandra_hosts;
    c->conf.kafka_props = (const char *const *)c->props;
    c->conf.components = c->components;
    c->conf.token = NULL; /* only its digest is kept, in c->auth */
    return 0;
}

static int check_conf(const sl_console_conf_t *conf, char *errstr, size_t size) {
    if (!conf->brokers || !*conf->brokers) {
        snprintf(errstr, size, "no Kafka brokers given");
        return -1;
    }
    if (!(conf->interval_s > 0) || !(conf->history_s >= conf->interval_s)) {
        snprintf(errstr, size,
                 "the interval must be positive and the history at least one "
                 "interval");
        return -1;
    }
    if (conf->topic && !sl_console_param_topic_ok(conf->topic)) {
        snprintf(errstr, size, "'%s' is not a Kafka topic name", conf->topic);
        return -1;
    }
    for (size_t i = 0; i < conf->n_components; i++) {
        char name[64], url[1024], spec[1200];
        snprintf(spec, sizeof spec, "%s=%s",
                 conf->components[i].name ? conf->components[i].name : "",
                 conf->components[i].url ? conf->components[i].url : "");
        if (sl_console_param_component(spec, name, sizeof name, url, sizeof url) != 0) {
            snprintf(errstr, size, "component '%.200s': want NAME=http://HOST:PORT", spec);
            return -1;
        }
    }
    if (conf->browse_max_messages == 0 || conf->browse_max_value < 64 ||
        conf->browse_max_page < 1024 || conf->browse_concurrency == 0 || conf->max_topics == 0 ||
        conf->max_partitions == 0 || conf->kafka_timeout_ms <= 0 || conf->probe_timeout_ms <= 0 ||
        conf->browse_timeout_ms <= 0) {
        snprintf(errstr, size, "a limit or timeout of the console is zero");
        return -1;
    }
    return 0;
}

sl_console_err_t sl_console_new(const sl_console_conf_t *conf, sl_console_t **out, char *errstr,
                                size_t errstr_size) {
    *out = NULL;
    if (check_conf(conf, errstr, errstr_size))
        return SL_CONSOLE_ERR_CONFIG;
    sl_console_t *c = calloc(1, sizeof *c);
    if (!c)
        return SL_CONSOLE_ERR_NOMEM;
    c->wake_fd = -1;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->published, NULL);
    pthread_mutex_init(&c->manage_lock, NULL);
    pthread_mutex_init(&c->stats.hist_lock, NULL);
    sl_hist_init_latency(&c->stats.sample_seconds);
    sl_console_err_t err = SL_CONSOLE_ERR_NOMEM;
    int cc = copy_conf(c, conf, errstr, errstr_size);
    if (cc) {
        err = cc == -2 ? SL_CONSOLE_ERR_CONFIG : SL_CONSOLE_ERR_NOMEM;
        goto fail;
    }
    c->klog = (sl_console_kafka_log_t){conf->log, conf->log_opaque};
    size_t cap = (size_t)ceil(conf->history_s / conf->interval_s);
    if (cap > 100000)
        cap = 100000;
    c->ring = sl_console_ring_new(cap ? cap : 1, SL_CONSOLE_S_COUNT);
    c->auth = sl_console_auth_new(conf->token, conf->token ? conf->token_len : 0);
    c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!c->ring || !c->auth || c->wake_fd < 0)
        goto fail;
    err = SL_CONSOLE_ERR_KAFKA;
    c->rk = sl_console_kafka_new(c->brokers, c->conf.kafka_props, "sluice-console", &c->klog,
                                 errstr, errstr_size);
    if (!c->rk)
        goto fail;
    char own[320];
    snprintf(own, sizeof own, "%s%s", c->topic ? c->topic : "", c->dlq_suffix);
    c->dlq = sl_console_dlq_new(c->brokers, c->conf.kafka_props, c->dlq_suffix,
                                c->topic ? own : NULL, &c->klog, errstr, errstr_size);
    if (!c->dlq)
        goto fail;
    *out = c;
    return SL_CONSOLE_OK;
fail:
    if (err == SL_CONSOLE_ERR_NOMEM)
        snprintf(errstr, errstr_size, "out of memory");
    sl_console_free(c);
    return err;
}

sl_console_err_t sl_console_start(sl_console_t *c, char *errstr, size_t errstr_size) {
    if (pthread_create(&c->sampler, NULL, sl_console_sample_main, c) != 0) {
        snprintf(errstr, errstr_size, "cannot start the sampler thread");
        return SL_CONSOLE_ERR_THREAD;
    }
    c->sampler_running = 1;
    sl_http_conf_t hc = {
        .listen = c->listen,
        .threads = 0, /* a thread per connection: a slow browse does not hold up others */
        .max_connections = 64,
        .timeout_s = 30,
        .max_body = 16384,
        .drain_ms = 2000,
    };
    if (sl_http_server_new(&hc, &c->http, errstr, errstr_size) != SL_HTTP_OK)
        return SL_CONSOLE_ERR_LISTEN;
    if (sl_console_api_routes(c, c->http) != SL_HTTP_OK) {
        snprintf(errstr, errstr_size, "cannot register the console's routes");
        return SL_CONSOLE_ERR_LISTEN;
    }
    if (sl_http_server_start(c->http, errstr, errstr_size) != SL_HTTP_OK)
        return SL_CONSOLE_ERR_LISTEN;
    return SL_CONSOLE_OK;
}

const char *sl_console_host(const sl_console_t *c) {
    return c->http ? sl_http_server_host(c->http) : "";
}

unsigned sl_console_port(const sl_console_t *c) {
    return c->http ? sl_http_server_port(c->http) : 0;
}

static void wake(sl_console_t *c) {
    uint64_t one = 1;
    if (c->wake_fd >= 0 && write(c->wake_fd, &one, sizeof one) < 0) {
        /* the counter is already non-zero: the sampler wakes anyway */
    }
}

void sl_console_stop(sl_console_t *c) {
    if (!c)
        return;
    sl_http_server_free(c->http);
    c->http = NULL;
    if (c->sampler_running) {
        atomic_store(&c->stopping, 1);
        wake(c);
        pthread_join(c->sampler, NULL);
        c->sampler_running = 0;
    }
}

void sl_console_free(sl_console_t *c) {
    if (!c)
        return;
    sl_console_stop(c);
    sl_console_dlq_free(c->dlq);
    if (c->rk)
        rd_kafka_destroy(c->rk);
    if (c->snap)
        sl_console_snap_free(c->snap);
    sl_console_ring_free(c->ring);
    sl_console_auth_free(c->auth);
    if (c->wake_fd >= 0)
        close(c->wake_fd);
    for (size_t i = 0; c->props && c->props[i]; i++)
        free(c->props[i]);
    free(c->props);
    for (size_t i = 0; c->components && i < c->conf.n_components; i++) {
        free((char *)c->components[i].name);
        free((char *)c->components[i].url);
    }
    free(c->components);
    free(c->listen);
    free(c->brokers);
    free(c->registry_url);
    free(c->registry_ca);
    free(c->topic);
    free(c->table);
    free(c->dlq_suffix);
    free(c->cassandra_hosts);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->published);
    pthread_mutex_destroy(&c->manage_lock);
    pthread_mutex_destroy(&c->stats.hist_lock);
    free(c);
}

sl_console_snap_t *sl_console_acquire(sl_console_t *c) {
    pthread_mutex_lock(&c->lock);
    sl_console_snap_t *s = c->snap;
    if (s)
        s->refs++;
    pthread_mutex_unlock(&c->lock);
    return s;
}

void sl_console_release(sl_console_t *c, sl_console_snap_t *s) {
    if (!s)
        return;
    pthread_mutex_lock(&c->lock);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last)
        sl_console_snap_free(s);
}

int sl_console_refresh(sl_console_t *c, int timeout_ms) {
    pthread_mutex_lock(&c->lock);
    uint64_t mine = ++c->wanted;
    pthread_mutex_unlock(&c->lock);
    wake(c);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    while (c->covered < mine && rc == 0)
        rc = pthread_cond_timedwait(&c->published, &c->lock, &ts);
    int ok = c->covered >= mine;
    pthread_mutex_unlock(&c->lock);
    return ok ? 0 : -1;
}
