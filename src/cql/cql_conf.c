/*
 * cql_conf — client configuration as named properties (the `-X cql.<name>=<value>`
 * keys of the command line), with defaults, validation and the log callback through
 * which the library reports everything it would otherwise print.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cql_int.h"

cql_conf_t *cql_conf_new(void) {
    cql_conf_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->contact_points = cql_strndup("127.0.0.1", 9);
    if (!c->contact_points) {
        free(c);
        return NULL;
    }
    c->port = 9042;
    c->consistency = CQL_CONSISTENCY_LOCAL_QUORUM;
    c->connect_timeout_ms = 5000;
    c->request_timeout_ms = 12000;
    c->max_inflight = 1024;
    c->max_frame_size = 256u << 20;
    c->connections_per_host = 1;
    c->reconnect_base_ms = 500;
    c->reconnect_max_ms = 30000;
    c->token_aware = true;
    c->schema_agreement_timeout_ms = 10000;
    c->tls_verify = 2;
    return c;
}

#define CQL_CONF_N_STR 8

/* The string members, for freeing and duplicating them in one loop. */
static void str_fields(cql_conf_t *c, char **f[CQL_CONF_N_STR]) {
    f[0] = &c->contact_points;
    f[1] = &c->username;
    f[2] = &c->password;
    f[3] = &c->keyspace;
    f[4] = &c->tls_ca_file;
    f[5] = &c->tls_cert_file;
    f[6] = &c->tls_key_file;
    f[7] = &c->tls_server_name;
}

void cql_conf_free(cql_conf_t *c) {
    if (!c)
        return;
    char **f[CQL_CONF_N_STR];
    str_fields(c, f);
    for (size_t i = 0; i < CQL_CONF_N_STR; i++)
        free(*f[i]);
    free(c);
}

cql_conf_t *cql_conf_dup(const cql_conf_t *src) {
    cql_conf_t *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *src;
    char **f[CQL_CONF_N_STR];
    str_fields(c, f);
    bool ok = true;
    for (size_t i = 0; i < CQL_CONF_N_STR; i++) {
        if (*f[i]) {
            char *d = cql_strndup(*f[i], strlen(*f[i]));
            if (!d)
                ok = false;
            *f[i] = d;
        }
    }
    if (!ok) {
        cql_conf_free(c);
        return NULL;
    }
    return c;
}

void cql_conf_set_log_cb(cql_conf_t *conf, cql_log_cb_t cb, void *opaque) {
    conf->log_cb = cb;
    conf->log_opaque = opaque;
}

static bool parse_i64(const char *v, int64_t lo, int64_t hi, int64_t *out) {
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static bool parse_bool(const char *v, bool *out) {
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

static const struct {
    const char *name;
    cql_consistency_t c;
} consistencies[] = {
    {"any", CQL_CONSISTENCY_ANY},
    {"one", CQL_CONSISTENCY_ONE},
    {"two", CQL_CONSISTENCY_TWO},
    {"three", CQL_CONSISTENCY_THREE},
    {"quorum", CQL_CONSISTENCY_QUORUM},
    {"all", CQL_CONSISTENCY_ALL},
    {"local_quorum", CQL_CONSISTENCY_LOCAL_QUORUM},
    {"each_quorum", CQL_CONSISTENCY_EACH_QUORUM},
    {"serial", CQL_CONSISTENCY_SERIAL},
    {"local_serial", CQL_CONSISTENCY_LOCAL_SERIAL},
    {"local_one", CQL_CONSISTENCY_LOCAL_ONE},
};

int cql_consistency_parse(const char *s, cql_consistency_t *out) {
    for (size_t i = 0; i < sizeof consistencies / sizeof consistencies[0]; i++) {
        if (!strcasecmp(s, consistencies[i].name)) {
            *out = consistencies[i].c;
            return 0;
        }
    }
    return -1;
}

static cql_err_t set_str(char **dst, const char *v) {
    char *d = cql_strndup(v, strlen(v));
    if (!d)
        return CQL_ERR_NOMEM;
    free(*dst);
    *dst = d;
    return CQL_OK;
}

cql_err_t cql_conf_set(cql_conf_t *c, const char *name, const char *v, char *errstr,
                       size_t errstr_size) {
    int64_t x;
    bool b;
    if (!name || !v) {
        cql_set_errstr(errstr, errstr_size, "property name and value are required");
        return CQL_ERR_CONF;
    }
    struct {
        const char *name;
        char **dst;
    } strs[] = {
        {"contact_points", &c->contact_points},
        {"username", &c->username},
        {"password", &c->password},
        {"keyspace", &c->keyspace},
        {"tls.ca_file", &c->tls_ca_file},
        {"tls.cert_file", &c->tls_cert_file},
        {"tls.key_file", &c->tls_key_file},
        {"tls.server_name", &c->tls_server_name},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (!strcmp(name, strs[i].name)) {
            if (!strcmp(name, "contact_points") && !*v)
                goto bad;
            return set_str(strs[i].dst, v);
        }
    }
    struct {
        const char *name;
        int64_t lo, hi;
    } nums[] = {
        {"port", 1, 65535},
        {"connect_timeout_ms", 1, INT32_MAX},
        {"request_timeout_ms", 1, INT32_MAX},
        {"max_inflight", 1, 32767}, /* stream ids are positive int16 */
        {"max_frame_size", 1024, INT32_MAX},
        {"connections_per_host", 1, 64},
        {"reconnect_base_ms", 1, INT32_MAX},
        {"reconnect_max_ms", 1, INT32_MAX},
        {"schema_agreement_timeout_ms", 1, INT32_MAX},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (strcmp(name, nums[i].name))
            continue;
        if (!parse_i64(v, nums[i].lo, nums[i].hi, &x)) {
            cql_set_errstr(errstr, errstr_size, "%s: expected an integer in %lld..%lld, got \"%s\"",
                           name, (long long)nums[i].lo, (long long)nums[i].hi, v);
            return CQL_ERR_CONF;
        }
        switch (i) {
        case 0: c->port = (int)x; break;
        case 1: c->connect_timeout_ms = x; break;
        case 2: c->request_timeout_ms = x; break;
        case 3: c->max_inflight = (uint32_t)x; break;
        case 4: c->max_frame_size = (uint32_t)x; break;
        case 5: c->connections_per_host = (uint32_t)x; break;
        case 6: c->reconnect_base_ms = x; break;
        case 7: c->reconnect_max_ms = x; break;
        default: c->schema_agreement_timeout_ms = x; break;
        }
        return CQL_OK;
    }
    if (!strcmp(name, "token_aware") || !strcmp(name, "tls")) {
        if (!parse_bool(v, &b))
            goto bad;
        if (!strcmp(name, "tls"))
            c->tls = b;
        else
            c->token_aware = b;
        return CQL_OK;
    }
    if (!strcmp(name, "consistency")) {
        if (cql_consistency_parse(v, &c->consistency) != 0)
            goto bad;
        return CQL_OK;
    }
    if (!strcmp(name, "tls.verify")) {
        if (!strcmp(v, "none"))
            c->tls_verify = 0;
        else if (!strcmp(v, "peer"))
            c->tls_verify = 1;
        else if (!strcmp(v, "peer_host"))
            c->tls_verify = 2;
        else
            goto bad;
        return CQL_OK;
    }
    cql_set_errstr(errstr, errstr_size, "unknown property \"%s\"", name);
    return CQL_ERR_CONF;
bad:
    cql_set_errstr(errstr, errstr_size, "%s: invalid value \"%s\"", name, v);
    return CQL_ERR_CONF;
}

void cql_log(const cql_conf_t *conf, cql_log_level_t level, const char *fmt, ...) {
    if (!conf || !conf->log_cb)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    conf->log_cb(conf->log_opaque, level, msg);
}
