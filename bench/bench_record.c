/*
 * bench_record — how fast the record module turns API bodies into records and records
 * into Kafka message values.
 *
 * Generates one randomuser-shaped body of 5,000 users (US, DE with numeric postcodes,
 * UA in Cyrillic, IR in Persian, NL with null id.value, GB), then, best of 3 rounds of
 * N passes each:
 *   - sl_api_parse (yajl callbacks, UTF-8 validated, flatten + validate every user);
 *   - the baseline: yajl_tree_parse of the same body, reading the same source values
 *     out of the tree, yajl_tree_free;
 *   - for scale, yajl's callback parser with callbacks that do nothing;
 *   - sl_record_to_json and sl_record_from_json of all 5,000 records.
 * Prints a table and, last, `record parse_mb_s=<N> ratio=<N / yajl_tree MB/s>`.
 *
 * Usage: bench_record [passes]   (default 20)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "sl_api.h"
#include "sl_record_json.h"

#define USERS 5000

typedef struct {
    char *buf;
    size_t len, cap;
} text_t;

static void add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text_t *t, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = t->cap * 2 + (size_t)n;
        t->buf = realloc(t->buf, t->cap);
        if (!t->buf)
            abort();
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void hex(char *out, int n) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < n; i++)
        out[i] = digits[next() & 15];
    out[n] = '\0';
}

typedef struct {
    const char *nat, *first, *last, *street, *city, *state, *country;
    int numeric_postcode;
} nat_t;

static const nat_t nats[] = {
    {"US", "Jennie", "Nichols", "Valwood Pkwy", "Billings", "Michigan", "United States", 0},
    {"DE", "Lukas", "Schäfer", "Mühlenweg", "Gießen", "Hessen", "Germany", 1},
    {"UA", "Мирослава", "Гнатюк", "Вулиця Шевченка", "Вінниця", "Київська", "Ukraine", 0},
    {"IR", "محمدرضا", "کریمی", "میدان امام خمینی", "قزوین", "اصفهان", "Iran", 1},
    {"NL", "Sanne", "van der Berg", "Ruiterstraat", "Ede", "Gelderland", "Netherlands", 0},
    {"GB", "Oliver", "O'Connor", "Victoria Road", "St Albans", "Hertfordshire", "United Kingdom",
     0},
};

static text_t make_body(void) {
    text_t t = {NULL, 0, 0};
    add(&t, "{\"results\":[");
    for (int i = 0; i < USERS; i++) {
        const nat_t *n = &nats[i % 6];
        char uuid[40], md5[33], sha1[41], sha256[65], salt[9];
        hex(uuid, 36);
        uuid[8] = uuid[13] = uuid[18] = uuid[23] = '-';
        uuid[14] = '4';
        hex(md5, 32);
        hex(sha1, 40);
        hex(sha256, 64);
        hex(salt, 8);
        char postcode[16];
        if (n->numeric_postcode)
            snprintf(postcode, sizeof postcode, "%u", 10000 + next() % 89999);
        else
            snprintf(postcode, sizeof postcode, "\"%u AB\"", 1000 + next() % 8999);
        int pic = (int)(next() % 100);
        const char *sex = (i & 1) ? "men" : "women";
        add(&t,
            "%s{\"gender\":\"%s\",\"name\":{\"title\":\"Mx\",\"first\":\"%s\",\"last\":\"%s\"},"
            "\"location\":{\"street\":{\"number\":%u,\"name\":\"%s\"},\"city\":\"%s\","
            "\"state\":\"%s\",\"country\":\"%s\",\"postcode\":%s,\"coordinates\":{\"latitude\":"
            "\"-69.8246\",\"longitude\":\"134.8719\"},\"timezone\":{\"offset\":\"+9:30\","
            "\"description\":\"Adelaide, Darwin\"}},\"email\":\"user%d@example.com\","
            "\"login\":{\"uuid\":\"%s\",\"username\":\"user%d\",\"password\":\"addison\","
            "\"salt\":\"%s\",\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"},"
            "\"dob\":{\"date\":\"19%02u-0%u-1%uT15:13:16.688Z\",\"age\":30},"
            "\"registered\":{\"date\":\"20%02u-0%u-2%uT05:51:59.390Z\",\"age\":14},"
            "\"phone\":\"(272) 790-%04u\",\"cell\":\"(489) 330-2385\",\"id\":{\"name\":\"ID\","
            "\"value\":%s},\"picture\":{\"large\":\"https://randomuser.me/api/portraits/%s/"
            "%d.jpg\","
            "\"medium\":\"https://randomuser.me/api/portraits/med/%s/%d.jpg\",\"thumbnail\":"
            "\"https://randomuser.me/api/portraits/thumb/%s/%d.jpg\"},\"nat\":\"%s\"}",
            i ? "," : "", (i & 1) ? "male" : "female", n->first, n->last, next() % 9999, n->street,
            n->city, n->state, n->country, postcode, i, uuid, i, salt, md5, sha1, sha256,
            next() % 100, 1 + next() % 9, next() % 10, next() % 25, 1 + next() % 9, next() % 8,
            next() % 10000, i % 6 == 4 ? "null" : "\"405-88-3636\"", sex, pic, sex, pic, sex, pic,
            n->nat);
    }
    add(&t, "],\"info\":{\"seed\":\"bench\",\"results\":%d,\"page\":1,\"version\":\"1.4\"}}",
        USERS);
    return t;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps every record of the first parse, for the encode/decode runs. */
typedef struct {
    sl_record_t recs[USERS];
    char *store;
    size_t used, cap;
    size_t n, accepted;
    size_t bytes_touched; /* keeps the compiler from dropping reads */
} sink_t;

static int keep(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                sl_field_t field) {
    (void)field;
    sink_t *s = opaque;
    if (reject != SL_REJECT_NONE)
        return 0;
    s->accepted++;
    s->bytes_touched += rec->field[SL_FIELD_ID].len;
    if (!s->store || index >= USERS)
        return 0;
    sl_record_t *r = &s->recs[s->n++];
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        if (s->used + rec->field[i].len + 1 > s->cap)
            abort();
        memcpy(s->store + s->used, rec->field[i].ptr, rec->field[i].len + 1);
        r->field[i].ptr = s->store + s->used;
        r->field[i].len = rec->field[i].len;
        s->used += rec->field[i].len + 1;
    }
    return 0;
}

static size_t tree_str(yajl_val user, const char **path) {
    yajl_val v = yajl_tree_get(user, path, yajl_t_any);
    if (!v)
        return 0;
    if (YAJL_IS_STRING(v))
        return strlen(v->u.string);
    if (YAJL_IS_NUMBER(v))
        return strlen(v->u.number.r);
    return 0;
}

/* The floor: yajl's callback parser doing nothing but counting string bytes. */
static int floor_str(void *ctx, const unsigned char *s, size_t len) {
    (void)s;
    *(size_t *)ctx += len;
    return 1;
}
static int floor_num(void *ctx, const char *s, size_t len) {
    (void)s;
    *(size_t *)ctx += len;
    return 1;
}

static size_t floor_pass(const char *body, size_t len) {
    static const yajl_callbacks cbs = {NULL, NULL, NULL, NULL, floor_num, floor_str,
                                       NULL, NULL, NULL, NULL, NULL};
    size_t total = 0;
    yajl_handle h = yajl_alloc(&cbs, NULL, &total);
    if (yajl_parse(h, (const unsigned char *)body, len) != yajl_status_ok ||
        yajl_complete_parse(h) != yajl_status_ok)
        abort();
    yajl_free(h);
    return total;
}

/* The baseline: a DOM parse reading the same 16 source values of every user. */
static size_t tree_pass(const char *body) {
    static const char *paths[16][4] = {{"login", "uuid"},
                                       {"name", "first"},
                                       {"name", "last"},
                                       {"gender"},
                                       {"location", "street", "number"},
                                       {"location", "street", "name"},
                                       {"location", "city"},
                                       {"location", "state"},
                                       {"location", "country"},
                                       {"location", "postcode"},
                                       {"email"},
                                       {"login", "username"},
                                       {"dob", "date"},
                                       {"registered", "date"},
                                       {"phone"},
                                       {"picture", "medium"}};
    char err[128];
    yajl_val root = yajl_tree_parse(body, err, sizeof err);
    if (!root)
        abort();
    static const char *results_path[] = {"results", NULL};
    yajl_val results = yajl_tree_get(root, results_path, yajl_t_array);
    size_t total = 0;
    for (size_t i = 0; results && i < YAJL_GET_ARRAY(results)->len; i++) {
        yajl_val user = YAJL_GET_ARRAY(results)->values[i];
        for (int k = 0; k < 16; k++)
            total += tree_str(user, paths[k]);
    }
    yajl_tree_free(root);
    return total;
}

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 20;
    if (passes < 1)
        passes = 1;
    text_t body = make_body();
    double mb = (double)body.len / 1e6;

    sink_t *sink = calloc(1, sizeof *sink);
    sink->cap = (size_t)USERS * 1024;
    sink->store = malloc(sink->cap);
    char err[256];
    if (sl_api_parse(body.buf, body.len, keep, sink, NULL, NULL, err, sizeof err) !=
            SL_API_ERR_OK ||
        sink->n != USERS) {
        fprintf(stderr, "bench_record: parse failed (%s), %zu records\n", err, sink->n);
        return 1;
    }
    char *store = sink->store; /* the kept records point into it */
    sink->store = NULL;        /* later passes only count */

    double best_floor = 1e30, best_sax = 1e30, best_tree = 1e30, best_enc = 1e30, best_dec = 1e30;
    size_t sink_total = 0;
    static char json[USERS][1024];
    static size_t json_len[USERS];
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    for (int round = 0; round < 3; round++) {
        double t0 = now();
        for (int i = 0; i < passes; i++) {
            sink->accepted = 0;
            sl_api_parse(body.buf, body.len, keep, sink, NULL, NULL, NULL, 0);
            if (sink->accepted != USERS)
                abort();
        }
        double t1 = now();
        for (int i = 0; i < passes; i++)
            sink_total += tree_pass(body.buf);
        double t2 = now();
        for (int i = 0; i < passes; i++)
            for (int u = 0; u < USERS; u++)
                json_len[u] = sl_record_to_json(&sink->recs[u], json[u], sizeof json[u]);
        double t3 = now();
        for (int i = 0; i < passes; i++) {
            for (int u = 0; u < USERS; u++) {
                sl_record_t r;
                if (sl_record_from_json(json[u], json_len[u], &r, scratch, sizeof scratch, NULL) !=
                    SL_REJECT_NONE)
                    abort();
                sink_total += r.field[SL_FIELD_ID].len;
            }
        }
        double t4 = now();
        for (int i = 0; i < passes; i++)
            sink_total += floor_pass(body.buf, body.len);
        double t5 = now();
        if (t5 - t4 < best_floor)
            best_floor = t5 - t4;
        if (t1 - t0 < best_sax)
            best_sax = t1 - t0;
        if (t2 - t1 < best_tree)
            best_tree = t2 - t1;
        if (t3 - t2 < best_enc)
            best_enc = t3 - t2;
        if (t4 - t3 < best_dec)
            best_dec = t4 - t3;
    }
    double sax_mbs = mb * passes / best_sax, tree_mbs = mb * passes / best_tree;
    double per_user = 1e6 / ((double)USERS * passes);
    size_t avg_json = 0;
    for (int u = 0; u < USERS; u++)
        avg_json += json_len[u];
    avg_json /= USERS;

    printf("body: %d users, %.2f MB (%.2f KB a user); %d passes, best of 3\n", USERS, mb,
           (double)body.len / USERS / 1e3, passes);
    printf("%-44s %10s %12s %12s\n", "operation", "MB/s", "us/user", "users/s");
    printf("%-44s %10.0f %12.2f %12.0f\n", "sl_api_parse (yajl callbacks, validated)", sax_mbs,
           best_sax * per_user, USERS * passes / best_sax);
    printf("%-44s %10.0f %12.2f %12.0f\n", "yajl callbacks doing nothing (floor)",
           mb * passes / best_floor, best_floor * per_user, USERS * passes / best_floor);
    printf("%-44s %10.0f %12.2f %12.0f\n", "yajl_tree_parse + get + free (baseline)", tree_mbs,
           best_tree * per_user, USERS * passes / best_tree);
    printf("%-44s %10s %12s %12s\n", "", "", "ns/record", "records/s");
    printf("%-44s %10s %12.0f %12.0f\n", "sl_record_to_json", "", best_enc * per_user * 1e3,
           USERS * passes / best_enc);
    printf("%-44s %10s %12.0f %12.0f\n", "sl_record_from_json (decode + validate)", "",
           best_dec * per_user * 1e3, USERS * passes / best_dec);
    printf("message value: %zu bytes a record on average (checksum %zu)\n", avg_json,
           sink_total % 1000);
    printf("record parse_mb_s=%.0f ratio=%.1f\n", sax_mbs, sax_mbs / tree_mbs);
    free(store);
    free(sink);
    free(body.buf);
    return 0;
}
