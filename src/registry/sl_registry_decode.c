/*
 * The decode entry point: the magic byte picks JSON or Avro; Avro goes through a small
 * cache of compiled writer schemas (a fixed array searched linearly, as a topic carries a
 * handful of ids; the least recently used entry makes room).
 */
#include "sl_registry_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_avro.h"
#include "sl_record_json.h"
#include "sl_time.h"
#include "sl_wire.h"

typedef enum { ENTRY_READER, ENTRY_UNKNOWN, ENTRY_INCOMPATIBLE } entry_kind_t;

typedef struct {
    int32_t id;
    entry_kind_t kind;
    sl_avro_reader_t *reader; /* ENTRY_READER */
    int64_t expires_ms;       /* ENTRY_UNKNOWN */
    uint64_t used;            /* tick of the last use */
    char why[200];            /* ENTRY_UNKNOWN / ENTRY_INCOMPATIBLE: the reason, replayed */
} entry_t;

/* Ids this decoder resolved, or the registry answered 404 for: when their wait began.
 * Bounded; a 404 for an id beyond the table is believed at once. */
#define KNOWN_MAX 1024

typedef struct {
    int32_t id;
    int resolved;          /* the registry answered this id's schema once */
    int64_t lost_since_ms; /* the first 404 not believed, 0 when none */
} known_t;

struct sl_registry_decode_s {
    sl_registry_t *registry;
    known_t known[KNOWN_MAX];
    size_t n_known;
    sl_registry_decode_conf_t conf;
    entry_t *entries;
    size_t n;
    size_t last; /* index of the last hit */
    uint64_t tick;
    sl_registry_decode_stats_t stats;
};

void sl_registry_decode_conf_defaults(sl_registry_decode_conf_t *conf) {
    conf->cache_max = 64;
    conf->unknown_ttl_ms = 30000;
    conf->lost_wait_ms = 60000;
}

const char *sl_registry_decode_result_name(sl_registry_decode_result_t r) {
    switch (r) {
    case SL_REGISTRY_DECODE_OK: return "ok";
    case SL_REGISTRY_DECODE_REJECT: return "reject";
    case SL_REGISTRY_DECODE_WAIT: return "wait";
    case SL_REGISTRY_DECODE_FATAL: return "fatal";
    }
    return "unknown";
}

sl_registry_decode_t *sl_registry_decode_new(sl_registry_t *registry,
                                             const sl_registry_decode_conf_t *conf, char *errstr,
                                             size_t errstr_size) {
    sl_registry_decode_t *d = calloc(1, sizeof *d);
    if (!d) {
        sl_err_format(errstr, errstr_size, "out of memory");
        return NULL;
    }
    d->registry = registry;
    if (conf)
        d->conf = *conf;
    else
        sl_registry_decode_conf_defaults(&d->conf);
    if (d->conf.cache_max == 0)
        d->conf.cache_max = 1;
    d->entries = calloc(d->conf.cache_max, sizeof *d->entries);
    if (!d->entries) {
        free(d);
        sl_err_format(errstr, errstr_size, "out of memory");
        return NULL;
    }
    return d;
}

static void entry_clear(entry_t *e) {
    sl_avro_reader_free(e->reader);
    memset(e, 0, sizeof *e);
}

void sl_registry_decode_free(sl_registry_decode_t *d) {
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        entry_clear(&d->entries[i]);
    free(d->entries);
    free(d);
}

void sl_registry_decode_stats(const sl_registry_decode_t *d, sl_registry_decode_stats_t *out) {
    *out = d->stats;
    out->cached = d->n;
}

static entry_t *find(sl_registry_decode_t *d, int32_t id) {
    if (d->last < d->n && d->entries[d->last].id == id)
        return &d->entries[d->last];
    for (size_t i = 0; i < d->n; i++) {
        if (d->entries[i].id == id) {
            d->last = i;
            return &d->entries[i];
        }
    }
    return NULL;
}

/* A free entry, evicting the least recently used one when full. */
static entry_t *make_room(sl_registry_decode_t *d) {
    if (d->n < d->conf.cache_max)
        return &d->entries[d->n++];
    size_t lru = 0;
    for (size_t i = 1; i < d->n; i++)
        if (d->entries[i].used < d->entries[lru].used)
            lru = i;
    entry_clear(&d->entries[lru]);
    d->stats.evictions++;
    return &d->entries[lru];
}

/* The id's row in the known table, added when add and there is room; NULL otherwise. */
static known_t *known(sl_registry_decode_t *d, int32_t id, int add) {
    for (size_t i = 0; i < d->n_known; i++)
        if (d->known[i].id == id)
            return &d->known[i];
    if (!add || d->n_known == KNOWN_MAX)
        return NULL;
    known_t *k = &d->known[d->n_known++];
    memset(k, 0, sizeof *k);
    k->id = id;
    return k;
}

/* The registry answered 404 (detail) for id: whether to believe it (0), or to wait for
 * the id to be registered again (1, *result WAIT and errstr set): for lost_wait_ms from
 * the id's first 404 since it last resolved. */
static int lost(sl_registry_decode_t *d, int32_t id, const char *detail,
                sl_registry_decode_result_t *result, char *errstr, size_t errstr_size) {
    known_t *k = d->conf.lost_wait_ms > 0 ? known(d, id, 1) : NULL;
    if (!k)
        return 0;
    int64_t now = sl_now_ms();
    if (!k->lost_since_ms)
        k->lost_since_ms = now;
    if (now - k->lost_since_ms >= d->conf.lost_wait_ms)
        return 0;
    d->stats.lost_waits++;
    *result = SL_REGISTRY_DECODE_WAIT;
    sl_err_format(errstr, errstr_size,
                  "schema id %d not found (%s)%s; the registry may have restarted empty: "
                  "waiting up to %.0f s more for it to be registered again",
                  (int)id, detail, k->resolved ? ", though it resolved before" : "",
                  (double)(d->conf.lost_wait_ms - (now - k->lost_since_ms)) / 1000.0);
    return 1;
}

/* Fetches and compiles the writer schema of id into a new entry. Returns the entry, or
 * NULL with *result WAIT or FATAL (nothing cached). */
static entry_t *fetch(sl_registry_decode_t *d, int32_t id, sl_registry_decode_result_t *result,
                      char *errstr, size_t errstr_size) {
    if (!d->registry) {
        *result = SL_REGISTRY_DECODE_FATAL;
        sl_err_format(errstr, errstr_size,
                      "an Avro message (schema id %d) but no schema registry is configured",
                      (int)id);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    sl_registry_detail_t detail;
    d->stats.fetches++;
    sl_registry_err_t err = sl_registry_schema_by_id(d->registry, id, &text, &len, &detail);
    entry_kind_t kind = ENTRY_READER;
    char why[200] = "";
    sl_avro_reader_t *rd = NULL;
    if (err == SL_REGISTRY_OK) {
        sl_registry_err_t cerr;
        rd = sl_avro_reader_new(text, len, &cerr, why, sizeof why);
        if (!rd && cerr == SL_REGISTRY_ERR_NOMEM) {
            free(text);
            *result = SL_REGISTRY_DECODE_WAIT;
            sl_err_format(errstr, errstr_size, "schema id %d: %s", (int)id, why);
            return NULL;
        }
        if (!rd)
            kind = ENTRY_INCOMPATIBLE;
        free(text);
        known_t *k = known(d, id, 1);
        if (k) {
            k->resolved = 1;
            k->lost_since_ms = 0;
        }
    } else if (err == SL_REGISTRY_ERR_SCHEMA_NOT_FOUND) {
        if (lost(d, id, detail.message, result, errstr, errstr_size))
            return NULL;
        kind = ENTRY_UNKNOWN;
        sl_err_format(why, sizeof why, "%s", detail.message);
    } else if (err == SL_REGISTRY_ERR_TOO_BIG) {
        kind = ENTRY_INCOMPATIBLE; /* about this schema, not the registry */
        sl_err_format(why, sizeof why, "%s", detail.message);
    } else {
        d->stats.fetch_errors++;
        *result = sl_registry_err_is_retriable(err) || err == SL_REGISTRY_ERR_NOMEM
                      ? SL_REGISTRY_DECODE_WAIT
                      : SL_REGISTRY_DECODE_FATAL;
        sl_err_format(errstr, errstr_size, "schema registry: %s (%s)", detail.message,
                      sl_registry_err_str(err));
        return NULL;
    }
    entry_t *e = make_room(d);
    e->id = id;
    e->kind = kind;
    e->reader = rd;
    e->expires_ms = kind == ENTRY_UNKNOWN ? sl_now_ms() + d->conf.unknown_ttl_ms : 0;
    sl_err_format(e->why, sizeof e->why, "%s", why);
    d->last = (size_t)(e - d->entries);
    return e;
}

static sl_registry_decode_result_t reject(sl_reject_t *out, sl_reject_t r) {
    *out = r;
    return SL_REGISTRY_DECODE_REJECT;
}

static sl_registry_decode_result_t decode_avro(sl_registry_decode_t *d, const void *msg, size_t len,
                                               sl_record_t *out, char *scratch, size_t scratch_size,
                                               sl_reject_t *rj, sl_field_t *field, char *errstr,
                                               size_t errstr_size) {
    int32_t id;
    const unsigned char *payload;
    size_t plen;
    d->stats.avro++;
    if (sl_wire_parse(msg, len, &id, &payload, &plen) != 0) {
        sl_err_format(errstr, errstr_size, "%zu bytes: shorter than the 5-byte header", len);
        return reject(rj, SL_REJECT_BAD_AVRO);
    }
    if (id < 0) {
        sl_err_format(errstr, errstr_size, "schema id %d is negative", (int)id);
        return reject(rj, SL_REJECT_UNKNOWN_SCHEMA);
    }
    entry_t *e = find(d, id);
    if (e && e->kind == ENTRY_UNKNOWN && sl_now_ms() >= e->expires_ms) {
        entry_clear(e); /* ask again: the id may have been registered since */
        *e = d->entries[--d->n];
        memset(&d->entries[d->n], 0, sizeof d->entries[d->n]);
        e = NULL;
    }
    if (e) {
        d->stats.cache_hits++;
    } else {
        sl_registry_decode_result_t res;
        e = fetch(d, id, &res, errstr, errstr_size);
        if (!e)
            return res;
    }
    e->used = ++d->tick;
    switch (e->kind) {
    case ENTRY_UNKNOWN:
        sl_err_format(errstr, errstr_size, "schema id %d: %s", (int)id, e->why);
        return reject(rj, SL_REJECT_UNKNOWN_SCHEMA);
    case ENTRY_INCOMPATIBLE:
        sl_err_format(errstr, errstr_size, "schema id %d: %s", (int)id, e->why);
        return reject(rj, SL_REJECT_INCOMPATIBLE_SCHEMA);
    case ENTRY_READER: break;
    }
    sl_reject_t r = sl_avro_reader_decode(e->reader, payload, plen, out, scratch, scratch_size,
                                          field, errstr, errstr_size);
    if (r != SL_REJECT_NONE)
        return reject(rj, r);
    return SL_REGISTRY_DECODE_OK;
}

sl_registry_decode_result_t sl_registry_decode_message(sl_registry_decode_t *d, const void *msg,
                                                       size_t len, sl_record_t *out, char *scratch,
                                                       size_t scratch_size, sl_reject_t *reject_out,
                                                       sl_field_t *field, char *errstr,
                                                       size_t errstr_size) {
    sl_field_t f = SL_FIELD_NONE;
    sl_reject_t r = SL_REJECT_NONE;
    sl_registry_decode_result_t res;
    if (errstr && errstr_size)
        errstr[0] = '\0';
    if (!msg || len == 0) {
        d->stats.json++;
        memset(out, 0, sizeof *out);
        sl_err_format(errstr, errstr_size, "empty message value");
        res = reject(&r, SL_REJECT_NOT_JSON);
    } else if (sl_wire_is_framed(msg, len)) {
        res = decode_avro(d, msg, len, out, scratch, scratch_size, &r, &f, errstr, errstr_size);
    } else {
        d->stats.json++;
        r = sl_record_from_json(msg, len, out, scratch, scratch_size, &f);
        res = r == SL_REJECT_NONE ? SL_REGISTRY_DECODE_OK : SL_REGISTRY_DECODE_REJECT;
    }
    if (reject_out)
        *reject_out = res == SL_REGISTRY_DECODE_REJECT ? r : SL_REJECT_NONE;
    if (field)
        *field = res == SL_REGISTRY_DECODE_REJECT ? f : SL_FIELD_NONE;
    return res;
}
