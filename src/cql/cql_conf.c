/*
 * cql_conf — client configuration as named properties (the `-X cql.<name>=<value>`
 * keys of the command line), with defaults, validation and the log callback through
 * which the library reports everything it would otherwise print.
 *
 * One table (after librdkafka's rd_kafka_properties[]) says everything about a property:
 * its name, type, where it lives in struct cql_conf_s, its range or values, its default
 * and its documentation. cql_conf_new() applies the defaults through the same setter as
 * the user's values, cql_conf_set() finds the row by name and writes through the offset,
 * and cql_conf_reference() renders the table for the docs, so none of the three can
 * drift from the others.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cql_int.h"

typedef enum {
    PROP_STR,  /* char *, copied; lo is the shortest accepted length */
    PROP_INT,  /* int32_t-sized or int64_t-sized integer member, in lo..hi */
    PROP_BOOL, /* bool */
    PROP_ENUM, /* int-sized member, one of the names in values */
} prop_type_t;

typedef struct {
    const char *name;
    int value;
} prop_value_t;

typedef struct {
    const char *name;
    prop_type_t type;
    size_t offset; /* of the member in struct cql_conf_s */
    size_t size;   /* of the member */
    int64_t lo, hi;
    const prop_value_t *values; /* PROP_ENUM: NULL-terminated */
    const char *def;            /* the default, as a value to set; NULL: unset */
    const char *doc;
} prop_t;

static const prop_value_t consistencies[] = {
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
    {NULL, 0},
};

static const prop_value_t tls_verifies[] = {
    {"none", 0},
    {"peer", 1},
    {"peer_host", 2},
    {NULL, 0},
};

#define MEMBER(m) offsetof(cql_conf_t, m), sizeof(((cql_conf_t *)0)->m)
#define STR(name, m, min_len, def, doc)                                                            \
    { name, PROP_STR, MEMBER(m), min_len, 0, NULL, def, doc }
#define INT(name, m, lo, hi, def, doc)                                                             \
    { name, PROP_INT, MEMBER(m), lo, hi, NULL, def, doc }
#define BOOL(name, m, def, doc)                                                                    \
    { name, PROP_BOOL, MEMBER(m), 0, 0, NULL, def, doc }
#define ENUM(name, m, values, def, doc)                                                            \
    { name, PROP_ENUM, MEMBER(m), 0, 0, values, def, doc }

static const prop_t props[] = {
    STR("contact_points", contact_points, 1, "127.0.0.1",
        "comma separated host[:port] list of the nodes to start from"),
    INT("port", port, 1, 65535, "9042", "port of contact points given without one"),
    STR("username", username, 0, NULL, "PasswordAuthenticator user (sent only if asked)"),
    STR("password", password, 0, NULL, "PasswordAuthenticator password; a secret"),
    STR("keyspace", keyspace, 0, NULL, "keyspace USE'd on every connection"),
    ENUM("consistency", consistency, consistencies, "local_quorum",
         "consistency of statements that set none"),
    INT("connect_timeout_ms", connect_timeout_ms, 1, INT32_MAX, "5000",
        "TCP connect and handshake (TLS, STARTUP, authentication, USE) of one connection"),
    INT("request_timeout_ms", request_timeout_ms, 1, INT32_MAX, "12000",
        "per request, retries included, unless the statement sets its own"),
    INT("max_inflight", max_inflight, 1, 32767, "1024",
        "requests in flight per connection (stream ids are positive int16); more give "
        "CQL_ERR_BUSY"),
    INT("max_frame_size", max_frame_size, 1024, INT32_MAX, "268435456",
        "cap on a response body in bytes; a larger one closes the connection"),
    INT("connections_per_host", connections_per_host, 1, 64, "1", "connections to each node"),
    INT("reconnect_base_ms", reconnect_base_ms, 1, INT32_MAX, "500",
        "ceiling of the first reconnection wait (full jitter, doubling)"),
    INT("reconnect_max_ms", reconnect_max_ms, 1, INT32_MAX, "30000",
        "ceiling of any reconnection wait"),
    BOOL("token_aware", token_aware, "true",
         "send statements with a routing key to the node that owns their token"),
    INT("schema_agreement_timeout_ms", schema_agreement_timeout_ms, 1, INT32_MAX, "10000",
        "how long a schema change waits for every node to report the same schema version"),
    BOOL("tls", tls, "false", "connect with TLS"),
    STR("tls.ca_file", tls_ca_file, 0, NULL,
        "PEM file of the CAs to trust (default: the system's)"),
    STR("tls.cert_file", tls_cert_file, 0, NULL, "PEM client certificate, for mutual TLS"),
    STR("tls.key_file", tls_key_file, 0, NULL, "PEM key of the client certificate"),
    ENUM("tls.verify", tls_verify, tls_verifies, "peer_host",
         "none, peer (the chain) or peer_host (the chain and the name)"),
    STR("tls.server_name", tls_server_name, 0, NULL,
        "name sent as SNI and checked against the certificate (default: the host)"),
};
#define N_PROPS (sizeof props / sizeof props[0])

_Static_assert(sizeof(cql_consistency_t) == sizeof(int), "PROP_ENUM members are int-sized");

static char **str_member(cql_conf_t *c, const prop_t *p) {
    return (char **)(void *)((char *)c + p->offset);
}

static const prop_t *find(const char *name) {
    for (size_t i = 0; i < N_PROPS; i++)
        if (!strcmp(props[i].name, name))
            return &props[i];
    return NULL;
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

static bool parse_enum(const prop_value_t *values, const char *v, int *out) {
    for (const prop_value_t *e = values; e->name; e++) {
        if (!strcasecmp(v, e->name)) {
            *out = e->value;
            return true;
        }
    }
    return false;
}

int cql_consistency_parse(const char *s, cql_consistency_t *out) {
    int v;
    if (!parse_enum(consistencies, s, &v))
        return -1;
    *out = (cql_consistency_t)v;
    return 0;
}

/* Checks v for p and writes it into c; false when it is not a valid value. */
static bool prop_write(cql_conf_t *c, const prop_t *p, const char *v, cql_err_t *err) {
    void *dst = (char *)c + p->offset;
    *err = CQL_OK;
    switch (p->type) {
    case PROP_STR: {
        if (strlen(v) < (size_t)p->lo)
            return false;
        char *d = cql_strndup(v, strlen(v));
        if (!d) {
            *err = CQL_ERR_NOMEM;
            return true;
        }
        free(*str_member(c, p));
        *str_member(c, p) = d;
        return true;
    }
    case PROP_INT: {
        int64_t x;
        if (!parse_i64(v, p->lo, p->hi, &x))
            return false;
        if (p->size == sizeof(int32_t)) {
            int32_t x32 = (int32_t)x; /* the range fits: int and uint32_t members alike */
            memcpy(dst, &x32, sizeof x32);
        } else {
            memcpy(dst, &x, sizeof x);
        }
        return true;
    }
    case PROP_BOOL: {
        bool b;
        if (!parse_bool(v, &b))
            return false;
        memcpy(dst, &b, sizeof b);
        return true;
    }
    case PROP_ENUM: {
        int e;
        if (!parse_enum(p->values, v, &e))
            return false;
        memcpy(dst, &e, sizeof e);
        return true;
    }
    }
    return false;
}

cql_err_t cql_conf_set(cql_conf_t *c, const char *name, const char *v, char *errstr,
                       size_t errstr_size) {
    if (!c || !name || !v) {
        cql_set_errstr(errstr, errstr_size, "property name and value are required");
        return CQL_ERR_CONF;
    }
    const prop_t *p = find(name);
    if (!p) {
        cql_set_errstr(errstr, errstr_size, "unknown property \"%s\"", name);
        return CQL_ERR_CONF;
    }
    cql_err_t err;
    if (prop_write(c, p, v, &err))
        return err;
    if (p->type == PROP_INT)
        cql_set_errstr(errstr, errstr_size, "%s: expected an integer in %lld..%lld, got \"%s\"",
                       name, (long long)p->lo, (long long)p->hi, v);
    else
        cql_set_errstr(errstr, errstr_size, "%s: invalid value \"%s\"", name, v);
    return CQL_ERR_CONF;
}

cql_conf_t *cql_conf_new(void) {
    cql_conf_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    cql_err_t err = CQL_OK;
    for (size_t i = 0; i < N_PROPS && err == CQL_OK; i++)
        if (props[i].def && !prop_write(c, &props[i], props[i].def, &err))
            err = CQL_ERR_CONF; /* a default that does not pass its own check */
    if (err != CQL_OK) {
        cql_conf_free(c);
        return NULL;
    }
    return c;
}

void cql_conf_free(cql_conf_t *c) {
    if (!c)
        return;
    for (size_t i = 0; i < N_PROPS; i++)
        if (props[i].type == PROP_STR)
            free(*str_member(c, &props[i]));
    free(c);
}

cql_conf_t *cql_conf_dup(const cql_conf_t *src) {
    cql_conf_t *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *src;
    bool ok = true;
    for (size_t i = 0; i < N_PROPS; i++) {
        char **f = props[i].type == PROP_STR ? str_member(c, &props[i]) : NULL;
        if (f && *f && !(*f = cql_strndup(*f, strlen(*f))))
            ok = false;
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

/* Appends to buf like snprintf, counting what does not fit (the library's own: it depends
 * on nothing of sluice, whose renderers use sl_text). */
static void ref_put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void ref_put(char *buf, size_t cap, size_t *len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*len < cap ? buf + *len : NULL, *len < cap ? cap - *len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
}

size_t cql_conf_reference(char *buf, size_t cap) {
    size_t len = 0;
    if (cap)
        buf[0] = '\0';
    ref_put(buf, cap, &len, "| property | type | default | description |\n|---|---|---|---|\n");
    for (size_t i = 0; i < N_PROPS; i++) {
        const prop_t *p = &props[i];
        ref_put(buf, cap, &len, "| `%s` | ", p->name);
        switch (p->type) {
        case PROP_STR: ref_put(buf, cap, &len, "text"); break;
        case PROP_INT:
            ref_put(buf, cap, &len, "integer (%lld..%lld)", (long long)p->lo, (long long)p->hi);
            break;
        case PROP_BOOL: ref_put(buf, cap, &len, "boolean"); break;
        case PROP_ENUM:
            for (const prop_value_t *e = p->values; e->name; e++)
                ref_put(buf, cap, &len, "%s`%s`", e == p->values ? "" : ", ", e->name);
            break;
        }
        ref_put(buf, cap, &len, " | %s%s%s | %s |\n", p->def ? "`" : "", p->def ? p->def : "",
                p->def ? "`" : "", p->doc);
    }
    return len;
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
