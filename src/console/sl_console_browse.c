/*
 * One browse request: metadata for the topic, watermarks of the partitions asked for,
 * start offsets from the mode (newest N, earliest, offset, timestamp via ListOffsets),
 * then one manual assignment consumed until every partition reached its end or its quota.
 * Kept messages are rendered to JSON fragments at once (so the raw payloads are not kept)
 * and held in an array sorted by (timestamp, partition, offset) of at most limit entries.
 */
#include "sl_console_browse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_time.h"

#define KEY_CAP 1024
#define HEADER_CAP 1024
#define MAX_HEADERS 32
#define MAX_PARTITIONS 1024

typedef struct {
    int64_t ts;
    int32_t partition;
    int64_t offset;
    char *json; /* rendered message object */
    size_t len;
} kept_t;

typedef struct {
    int32_t id;
    int64_t low, high, start, next;
    size_t matched;
    int done;
} part_t;

typedef struct {
    const sl_console_browse_req_t *req;
    kept_t *kept;
    size_t n_kept;
    int newest; /* keep the newest (latest mode) rather than the oldest */
    size_t scanned, matched;
} page_t;

int sl_console_browse_contains(const void *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    const unsigned char *h = hay;
    if (m == 0)
        return 1;
    if (!hay || n < m)
        return 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower(h[i + k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

static int matches(const rd_kafka_message_t *m, const char *filter, const char *decoded,
                   size_t decoded_len) {
    if (!filter || !*filter)
        return 1;
    if (sl_console_browse_contains(m->key, m->key_len, filter) ||
        sl_console_browse_contains(m->payload, m->len, filter) ||
        (decoded && sl_console_browse_contains(decoded, decoded_len, filter)))
        return 1;
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) || !h)
        return 0;
    const char *name;
    const void *v;
    size_t vn;
    for (size_t i = 0; !rd_kafka_header_get_all(h, i, &name, &v, &vn); i++)
        if (sl_console_browse_contains(name, strlen(name), filter) ||
            (v && sl_console_browse_contains(v, vn, filter)))
            return 1;
    return 0;
}

/* Writes a key or value as text (UTF-8), or as hex when it is not text. */
static void put_bytes(sl_console_json_t *j, const char *prefix, const void *data, size_t n,
                      size_t cap) {
    char k[32];
    if (!data) {
        snprintf(k, sizeof k, "%s", prefix);
        sl_console_json_key(j, k);
        sl_console_json_null(j);
        return;
    }
    int text = sl_console_json_utf8_valid(data, n);
    snprintf(k, sizeof k, "%s", prefix);
    sl_console_json_key(j, k);
    int cut;
    if (text) {
        cut = sl_console_json_strn_capped(j, data, n, cap);
    } else {
        size_t hn = n > cap / 2 ? cap / 2 : n;
        sl_console_json_hex(j, data, hn);
        cut = hn < n;
    }
    snprintf(k, sizeof k, "%s_format", prefix);
    sl_console_json_kstr(j, k, text ? "text" : "hex");
    snprintf(k, sizeof k, "%s_bytes", prefix);
    sl_console_json_kint(j, k, (int64_t)n);
    snprintf(k, sizeof k, "%s_truncated", prefix);
    sl_console_json_kbool(j, k, cut);
}

static void put_headers(sl_console_json_t *j, const rd_kafka_message_t *m) {
    sl_console_json_key(j, "headers");
    sl_console_json_arr(j);
    rd_kafka_headers_t *h = NULL;
    if (!rd_kafka_message_headers(m, &h) && h) {
        const char *name;
        const void *v;
        size_t vn;
        for (size_t i = 0; i < MAX_HEADERS && !rd_kafka_header_get_all(h, i, &name, &v, &vn); i++) {
            sl_console_json_obj(j);
            sl_console_json_key(j, "name");
            sl_console_json_strn_capped(j, name, strlen(name), 256);
            sl_console_json_key(j, "value");
            if (v)
                sl_console_json_strn_capped(j, v, vn, HEADER_CAP);
            else
                sl_console_json_null(j);
            sl_console_json_obj_end(j);
        }
    }
    sl_console_json_arr_end(j);
}

/* The value, decoded through the registry when it is in the Confluent wire format. */
static void put_value(sl_console_json_t *j, const rd_kafka_message_t *m,
                      const sl_console_browse_req_t *req, const char *decoded, size_t decoded_len,
                      const char *decode_err) {
    const unsigned char *v = m->payload;
    if (v && m->len >= 5 && v[0] == 0) {
        uint32_t id = (uint32_t)v[1] << 24 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 8 | v[4];
        sl_console_json_kint(j, "schema_id", id);
        if (decoded) {
            sl_console_json_key(j, "value");
            int cut = sl_console_json_strn_capped(j, decoded, decoded_len, req->max_value);
            sl_console_json_kstr(j, "value_format", "avro");
            sl_console_json_kint(j, "value_bytes", (int64_t)m->len);
            sl_console_json_kbool(j, "value_truncated", cut);
            return;
        }
        sl_console_json_kstr(j, "decode_error", decode_err);
        size_t hn = m->len > req->max_value / 2 ? req->max_value / 2 : m->len;
        sl_console_json_key(j, "value");
        sl_console_json_hex(j, v, hn);
        sl_console_json_kstr(j, "value_format", "avro-hex");
        sl_console_json_kint(j, "value_bytes", (int64_t)m->len);
        sl_console_json_kbool(j, "value_truncated", hn < m->len);
        return;
    }
    put_bytes(j, "value", m->payload, m->len, req->max_value);
}

static char *render_message(const rd_kafka_message_t *m, const sl_console_browse_req_t *req,
                            const char *decoded, size_t decoded_len, const char *decode_err,
                            size_t *len) {
    sl_console_json_t j;
    /* An escape is at most 6 bytes per input byte: this bound cannot be exceeded. */
    sl_console_json_init(&j,
                         (req->max_value + KEY_CAP + MAX_HEADERS * (HEADER_CAP + 256)) * 6 + 4096);
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(m, &tt);
    sl_console_json_obj(&j);
    sl_console_json_kint(&j, "partition", m->partition);
    sl_console_json_kint(&j, "offset", m->offset);
    sl_console_json_kint(&j, "timestamp", ts);
    sl_console_json_kstr(&j, "timestamp_type",
                         tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "log_append"
                         : tt == RD_KAFKA_TIMESTAMP_CREATE_TIME   ? "create"
                                                                  : "none");
    put_bytes(&j, "key", m->key, m->key_len, KEY_CAP);
    put_value(&j, m, req, decoded, decoded_len, decode_err);
    put_headers(&j, m);
    sl_console_json_obj_end(&j);
    return sl_console_json_take(&j, len);
}

/* -1 when a sorts before b by (timestamp, partition, offset). */
static int kept_cmp(int64_t ts, int32_t p, int64_t o, const kept_t *b) {
    if (ts != b->ts)
        return ts < b->ts ? -1 : 1;
    if (p != b->partition)
        return p < b->partition ? -1 : 1;
    return o < b->offset ? -1 : o > b->offset;
}

/* Would a message with this key be kept? newest: the kept set holds the largest keys. */
static int wanted(const page_t *pg, int64_t ts, int32_t p, int64_t o) {
    if (pg->n_kept < pg->req->limit)
        return 1;
    const kept_t *worst = pg->newest ? &pg->kept[0] : &pg->kept[pg->n_kept - 1];
    int c = kept_cmp(ts, p, o, worst);
    return pg->newest ? c > 0 : c < 0;
}

static void keep(page_t *pg, int64_t ts, int32_t p, int64_t o, char *json, size_t len) {
    if (pg->n_kept == pg->req->limit) {
        /* drop the worst: the oldest (index 0) or the newest (last) */
        size_t drop = pg->newest ? 0 : pg->n_kept - 1;
        free(pg->kept[drop].json);
        memmove(&pg->kept[drop], &pg->kept[drop + 1], (pg->n_kept - drop - 1) * sizeof *pg->kept);
        pg->n_kept--;
    }
    size_t at = pg->n_kept;
    while (at > 0 && kept_cmp(ts, p, o, &pg->kept[at - 1]) < 0)
        at--;
    memmove(&pg->kept[at + 1], &pg->kept[at], (pg->n_kept - at) * sizeof *pg->kept);
    pg->kept[at] = (kept_t){ts, p, o, json, len};
    pg->n_kept++;
}

static void take_message(page_t *pg, part_t *pt, const rd_kafka_message_t *m) {
    const sl_console_browse_req_t *req = pg->req;
    pg->scanned++;
    int64_t ts = rd_kafka_message_timestamp(m, NULL);
    char *decoded = NULL;
    size_t decoded_len = 0;
    char derr[256] = "no --registry given: Avro values are not decoded";
    const unsigned char *v = m->payload;
    int framed = v && m->len >= 5 && v[0] == 0;
    if (framed && req->registry && req->registry->decode &&
        req->registry->decode(req->registry->opaque, m->payload, m->len, req->max_value * 4,
                              &decoded, &decoded_len, derr, sizeof derr) != 0) {
        free(decoded);
        decoded = NULL;
    }
    if (matches(m, req->filter, decoded, decoded_len)) {
        pg->matched++;
        pt->matched++;
        if (wanted(pg, ts, m->partition, m->offset)) {
            size_t len = 0;
            char *json = render_message(m, req, decoded, decoded_len, derr, &len);
            if (json)
                keep(pg, ts, m->partition, m->offset, json, len);
        }
    }
    free(decoded);
}

/* Partitions asked for with their watermarks; -1 and *status on failure. */
static int read_partitions(rd_kafka_t *rk, const sl_console_browse_req_t *req, part_t *parts,
                           int *n, int timeout_ms, int *status, char *errstr, size_t errstr_size) {
    int64_t *lo, *hi;
    rd_kafka_topic_partition_list_t *list = sl_console_kafka_topic_offsets(
        rk, req->topic, req->partition, timeout_ms, &lo, &hi, status, errstr, errstr_size);
    if (!list)
        return -1;
    *n = 0;
    for (int i = 0; i < list->cnt && *n < MAX_PARTITIONS; i++)
        parts[(*n)++] = (part_t){.id = list->elems[i].partition, .low = lo[i], .high = hi[i]};
    free(lo);
    free(hi);
    rd_kafka_topic_partition_list_destroy(list);
    return 0;
}

/* Start offsets per mode; partitions with nothing to read are marked done. */
static int plan_starts(rd_kafka_t *rk, const sl_console_browse_req_t *req, part_t *parts, int n,
                       int timeout_ms) {
    size_t back = req->limit;
    if (req->filter && *req->filter && n > 0)
        back = req->scan_max / (size_t)n > req->limit ? req->scan_max / (size_t)n : req->limit;
    rd_kafka_topic_partition_list_t *list = NULL;
    if (req->from == SL_CONSOLE_FROM_TIME) {
        list = rd_kafka_topic_partition_list_new(n);
        for (int i = 0; list && i < n; i++)
            rd_kafka_topic_partition_list_add(list, req->topic, parts[i].id)->offset = req->time_ms;
        if (!list || rd_kafka_offsets_for_times(rk, list, timeout_ms)) {
            if (list)
                rd_kafka_topic_partition_list_destroy(list);
            return -1;
        }
    }
    for (int i = 0; i < n; i++) {
        part_t *p = &parts[i];
        if (p->low < 0 || p->high < 0) {
            p->done = 1;
            continue;
        }
        switch (req->from) {
        case SL_CONSOLE_FROM_LATEST:
            p->start = p->high - p->low > (int64_t)back ? p->high - (int64_t)back : p->low;
            break;
        case SL_CONSOLE_FROM_EARLIEST: p->start = p->low; break;
        case SL_CONSOLE_FROM_OFFSET:
            p->start = req->offset < p->low    ? p->low
                       : req->offset > p->high ? p->high
                                               : req->offset;
            break;
        case SL_CONSOLE_FROM_TIME: {
            int64_t o = list->elems[i].err ? -1 : list->elems[i].offset;
            p->start = o < 0 ? p->high : o < p->low ? p->low : o;
            break;
        }
        }
        p->next = p->start;
        p->done = p->start >= p->high;
    }
    if (list)
        rd_kafka_topic_partition_list_destroy(list);
    return 0;
}

static part_t *part_of(part_t *parts, int n, int32_t id) {
    for (int i = 0; i < n; i++)
        if (parts[i].id == id)
            return &parts[i];
    return NULL;
}

/* Consumes until every partition is done, the scan cap or the deadline; 1 on timeout. */
static int consume(rd_kafka_t *rk, page_t *pg, part_t *parts, int n, int64_t deadline) {
    const sl_console_browse_req_t *req = pg->req;
    size_t scan_cap = req->filter && *req->filter ? req->scan_max : (size_t)-1;
    /* Without a filter, a partition read forward needs no more than limit messages. */
    size_t quota = req->from == SL_CONSOLE_FROM_LATEST ? (size_t)-1 : req->limit;
    for (;;) {
        int open = 0;
        for (int i = 0; i < n; i++)
            open += !parts[i].done;
        if (!open || pg->scanned >= scan_cap)
            return 0;
        int64_t left = deadline - sl_now_ms();
        if (left <= 0)
            return 1;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, left > 100 ? 100 : (int)left);
        if (!m)
            continue;
        part_t *pt = part_of(parts, n, m->partition);
        if (pt && !pt->done) {
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                pt->done = 1;
            } else if (!m->err && m->offset >= pt->next) {
                take_message(pg, pt, m);
                pt->next = m->offset + 1;
                if (pt->next >= pt->high || pt->matched >= quota)
                    pt->done = 1;
            }
        }
        rd_kafka_message_destroy(m);
    }
}

static const char *from_name(sl_console_from_t f) {
    switch (f) {
    case SL_CONSOLE_FROM_LATEST: return "latest";
    case SL_CONSOLE_FROM_EARLIEST: return "earliest";
    case SL_CONSOLE_FROM_OFFSET: return "offset";
    case SL_CONSOLE_FROM_TIME: return "timestamp";
    }
    return "latest";
}

static void render_page(sl_console_json_t *j, const page_t *pg, const part_t *parts, int n,
                        int timed_out) {
    const sl_console_browse_req_t *req = pg->req;
    sl_console_json_obj(j);
    sl_console_json_kstr(j, "topic", req->topic);
    if (req->partition >= 0)
        sl_console_json_kint(j, "partition", req->partition);
    sl_console_json_kstr(j, "from", from_name(req->from));
    sl_console_json_kint(j, "limit", (int64_t)req->limit);
    sl_console_json_kstr(j, "filter", req->filter && *req->filter ? req->filter : NULL);
    sl_console_json_kint(j, "scanned", (int64_t)pg->scanned);
    sl_console_json_kint(j, "matched", (int64_t)pg->matched);
    sl_console_json_kbool(j, "timed_out", timed_out);
    sl_console_json_kint(j, "max_value_bytes", (int64_t)req->max_value);
    sl_console_json_key(j, "partitions");
    sl_console_json_arr(j);
    for (int i = 0; i < n; i++) {
        sl_console_json_obj(j);
        sl_console_json_kint(j, "partition", parts[i].id);
        sl_console_json_kint(j, "low", parts[i].low);
        sl_console_json_kint(j, "high", parts[i].high);
        sl_console_json_kint(j, "start", parts[i].start);
        sl_console_json_kint(j, "next", parts[i].next);
        sl_console_json_obj_end(j);
    }
    sl_console_json_arr_end(j);
    sl_console_json_key(j, "messages");
    sl_console_json_arr(j);
    size_t bytes = 0, shown = 0;
    int cut = 0;
    for (size_t k = 0; k < pg->n_kept; k++) {
        /* newest first for the latest mode, oldest first otherwise */
        const kept_t *e = pg->newest ? &pg->kept[pg->n_kept - 1 - k] : &pg->kept[k];
        if (bytes + e->len > req->max_page) {
            cut = 1;
            break;
        }
        sl_console_json_raw(j, e->json, e->len);
        bytes += e->len;
        shown++;
    }
    sl_console_json_arr_end(j);
    sl_console_json_kint(j, "returned", (int64_t)shown);
    sl_console_json_kbool(j, "page_truncated", cut);
    sl_console_json_obj_end(j);
}

int sl_console_browse(const char *brokers, const char *const *props,
                      const sl_console_kafka_log_t *log, const sl_console_browse_req_t *req,
                      sl_console_json_t *j, int *http_status, char *errstr, size_t errstr_size) {
    int64_t deadline = sl_now_ms() + req->timeout_ms;
    *http_status = 500;
    if (req->limit == 0) {
        *http_status = 400;
        snprintf(errstr, errstr_size, "limit must be at least 1");
        return -1;
    }
    rd_kafka_t *rk =
        sl_console_kafka_reader(brokers, props, "sluice-console-browse", log, errstr, errstr_size);
    if (!rk)
        return -1;
    part_t *parts = calloc(MAX_PARTITIONS, sizeof *parts);
    page_t pg = {.req = req, .newest = req->from == SL_CONSOLE_FROM_LATEST};
    pg.kept = calloc(req->limit + 1, sizeof *pg.kept);
    int n = 0, rc = -1;
    if (!parts || !pg.kept) {
        snprintf(errstr, errstr_size, "out of memory");
        goto out;
    }
    if (read_partitions(rk, req, parts, &n, req->timeout_ms, http_status, errstr, errstr_size))
        goto out;
    int64_t left = deadline - sl_now_ms();
    if (left <= 0 || plan_starts(rk, req, parts, n, (int)left) != 0) {
        *http_status = 504;
        snprintf(errstr, errstr_size, "Kafka did not give start offsets in time");
        goto out;
    }
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(n);
    for (int i = 0; list && i < n; i++)
        if (!parts[i].done)
            rd_kafka_topic_partition_list_add(list, req->topic, parts[i].id)->offset =
                parts[i].start;
    int timed_out = 0;
    if (list && list->cnt > 0 && rd_kafka_assign(rk, list) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        timed_out = consume(rk, &pg, parts, n, deadline);
        rd_kafka_assign(rk, NULL);
    }
    if (list)
        rd_kafka_topic_partition_list_destroy(list);
    render_page(j, &pg, parts, n, timed_out);
    rc = 0;
out:
    for (size_t k = 0; pg.kept && k < pg.n_kept; k++)
        free(pg.kept[k].json);
    free(pg.kept);
    free(parts);
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return rc;
}
