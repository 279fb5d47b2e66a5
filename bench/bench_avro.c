/*
 * bench_avro — what a row costs in Avro against JSON, with the codec the processor uses.
 *
 * Renders 5,000 mock users (all nationalities, seed "bench"), flattens them to records,
 * and keeps each as the JSON message value and as the Confluent-framed Avro value. Then,
 * best of 3 rounds of N passes over all of them, timed in thread CPU time (steadier than
 * wall time on a busy machine):
 *   - sl_record_from_json (decode + validate), the processor's JSON path today;
 *   - sl_avro_reader_decode with the record's own schema as the writer (bounds check,
 *     libavro's resolved read, copy into the record's scratch, validate);
 *   - the same with an evolved writer: fields in reverse order plus an extra optional
 *     field (a union) and an extra map, as another producer might write;
 *   - the bounds check alone, to show its share;
 *   - sl_record_to_json and sl_avro_encoder_encode of the same (already decoded) records.
 * Prints a table and, last, `avro decode_us=<own> evolved_us=<evolved> encode_us=<enc>
 * json_decode_us=<json> bytes_json=<avg> bytes_avro=<avg>`.
 *
 * Usage: bench_avro [passes]   (default 10)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <avro.h>

#include "sl_api.h"
#include "sl_avro.h"
#include "sl_mockapi_gen.h"
#include "sl_record_json.h"

#define USERS 5000

typedef struct {
    char *json[USERS];
    size_t json_len[USERS];
    unsigned char *avro[USERS]; /* framed, record's own schema */
    size_t avro_len[USERS];
    unsigned char *evolved[USERS]; /* payload only (no header), evolved writer */
    size_t evolved_len[USERS];
    sl_record_t rec[USERS]; /* decoded once, for the encoders */
    char *scratch[USERS];
    size_t n;
    sl_avro_encoder_t *enc;
    avro_value_t evo_value; /* a datum of the evolved writer schema */
    avro_writer_t evo_writer;
} set_t;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: the machine may be busy */
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int keep(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                sl_field_t field) {
    (void)index;
    (void)field;
    set_t *s = opaque;
    if (reject != SL_REJECT_NONE || s->n == USERS)
        return 0;
    size_t i = s->n++;
    char buf[SL_RECORD_JSON_MAX];
    s->json_len[i] = sl_record_to_json(rec, buf, sizeof buf);
    s->json[i] = malloc(s->json_len[i]);
    memcpy(s->json[i], buf, s->json_len[i]);
    unsigned char a[SL_AVRO_FRAMED_MAX];
    if (sl_avro_encoder_encode(s->enc, rec, a, sizeof a, &s->avro_len[i]) != SL_REGISTRY_OK)
        abort();
    s->avro[i] = malloc(s->avro_len[i]);
    memcpy(s->avro[i], a, s->avro_len[i]);
    /* the evolved writer (fields reversed, then "nickname": null and "tags": {"ab": "c"}),
     * written by libavro's generic writer */
    avro_value_t v = s->evo_value, f, u, m, e;
    for (int k = 0; k < SL_FIELD_COUNT; k++) {
        if (avro_value_get_by_name(&v, sl_field_name((sl_field_t)k), &f, NULL) != 0 ||
            avro_value_set_string_len(&f, rec->field[k].ptr, rec->field[k].len + 1) != 0)
            abort();
    }
    if (avro_value_get_by_name(&v, "nickname", &u, NULL) || avro_value_set_branch(&u, 0, &e) ||
        avro_value_set_null(&e) || avro_value_get_by_name(&v, "tags", &m, NULL) ||
        avro_value_reset(&m) || avro_value_add(&m, "ab", &e, NULL, NULL) ||
        avro_value_set_string(&e, "c"))
        abort();
    unsigned char buf2[SL_AVRO_FRAMED_MAX + 64];
    avro_writer_memory_set_dest(s->evo_writer, (const char *)buf2, sizeof buf2);
    if (avro_value_write(s->evo_writer, &v) != 0)
        abort();
    s->evolved_len[i] = (size_t)avro_writer_tell(s->evo_writer);
    s->evolved[i] = malloc(s->evolved_len[i]);
    memcpy(s->evolved[i], buf2, s->evolved_len[i]);
    s->scratch[i] = malloc(SL_RECORD_SCRATCH_SIZE);
    if (sl_record_from_json(s->json[i], s->json_len[i], &s->rec[i], s->scratch[i],
                            SL_RECORD_SCRATCH_SIZE, NULL) != SL_REJECT_NONE)
        abort();
    return 0;
}

static const char *evolved_schema(void) {
    static char buf[4096];
    size_t at = (size_t)snprintf(buf, sizeof buf,
                                 "{\"type\":\"record\",\"name\":\"User\","
                                 "\"namespace\":\"other\",\"fields\":[");
    for (int f = SL_FIELD_COUNT - 1; f >= 0; f--)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "{\"name\":\"%s\",\"type\":\"string\"},",
                               sl_field_name((sl_field_t)f));
    snprintf(buf + at, sizeof buf - at,
             "{\"name\":\"nickname\",\"type\":[\"null\",\"string\"],\"default\":null},"
             "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"string\"},"
             "\"default\":{}}]}");
    return buf;
}

typedef enum { OP_JSON, OP_AVRO, OP_EVOLVED, OP_CHECK, OP_ENC_JSON, OP_ENC_AVRO } op_t;

static double run(set_t *s, op_t op, sl_avro_reader_t *own, sl_avro_reader_t *evo, int passes,
                  unsigned long *sum) {
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    static char out[SL_RECORD_JSON_MAX];
    static unsigned char aout[SL_AVRO_FRAMED_MAX];
    double best = 1e30;
    for (int round = 0; round < 3; round++) {
        double t0 = now_s();
        for (int p = 0; p < passes; p++) {
            for (size_t i = 0; i < s->n; i++) {
                sl_record_t rec;
                sl_reject_t r = SL_REJECT_NONE;
                size_t len = 0;
                switch (op) {
                case OP_JSON:
                    r = sl_record_from_json(s->json[i], s->json_len[i], &rec, scratch,
                                            sizeof scratch, NULL);
                    break;
                case OP_AVRO:
                    r = sl_avro_reader_decode(own, s->avro[i] + SL_WIRE_HEADER_SIZE,
                                              s->avro_len[i] - SL_WIRE_HEADER_SIZE, &rec, scratch,
                                              sizeof scratch, NULL, NULL, 0);
                    break;
                case OP_EVOLVED:
                    r = sl_avro_reader_decode(evo, s->evolved[i], s->evolved_len[i], &rec, scratch,
                                              sizeof scratch, NULL, NULL, 0);
                    break;
                case OP_CHECK:
                    r = sl_avro_reader_check(own, s->avro[i] + SL_WIRE_HEADER_SIZE,
                                             s->avro_len[i] - SL_WIRE_HEADER_SIZE, NULL, 0) == 0
                            ? SL_REJECT_NONE
                            : SL_REJECT_BAD_AVRO;
                    break;
                case OP_ENC_JSON: len = sl_record_to_json(&s->rec[i], out, sizeof out); break;
                case OP_ENC_AVRO:
                    if (sl_avro_encoder_encode(s->enc, &s->rec[i], aout, sizeof aout, &len) !=
                        SL_REGISTRY_OK)
                        r = SL_REJECT_TOO_LARGE;
                    break;
                }
                if (r != SL_REJECT_NONE) {
                    fprintf(stderr, "bench_avro: record %zu rejected: %s\n", i, sl_reject_name(r));
                    exit(1);
                }
                *sum += len + (op <= OP_EVOLVED ? rec.field[SL_FIELD_EMAIL].len : 0);
            }
        }
        double t = now_s() - t0;
        if (t < best)
            best = t;
    }
    return best / ((double)passes * (double)s->n) * 1e9; /* ns per row */
}

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 10;
    if (passes < 1)
        passes = 1;
    static set_t s;
    char err[256];
    s.enc = sl_avro_encoder_new(1, err, sizeof err);
    if (!s.enc) {
        fprintf(stderr, "bench_avro: %s\n", err);
        return 1;
    }
    const char *evs = evolved_schema();
    avro_schema_t evo_schema;
    if (avro_schema_from_json_length(evs, strlen(evs), &evo_schema) != 0) {
        fprintf(stderr, "bench_avro: evolved schema: %s\n", avro_strerror());
        return 1;
    }
    avro_value_iface_t *evo_iface = avro_generic_class_from_schema(evo_schema);
    static const char none[1];
    s.evo_writer = avro_writer_memory(none, 0);
    if (!evo_iface || avro_generic_value_new(evo_iface, &s.evo_value) != 0 || !s.evo_writer) {
        fprintf(stderr, "bench_avro: %s\n", avro_strerror());
        return 1;
    }
    sl_mockapi_gen_req_t req;
    sl_mockapi_gen_args_t args = {.results = "5000", .seed = "bench"};
    sl_mockapi_gen_req_from_args(&req, &args, 1, 2026);
    char *body;
    size_t blen;
    if (sl_mockapi_gen_render(&req, &body, &blen) != 0 ||
        sl_api_parse(body, blen, keep, &s, NULL, NULL, err, sizeof err) != SL_API_ERR_OK) {
        fprintf(stderr, "bench_avro: cannot make the records: %s\n", err);
        return 1;
    }
    free(body);
    sl_registry_err_t e;
    sl_avro_reader_t *own =
        sl_avro_reader_new(sl_avro_schema(), sl_avro_schema_len(), &e, err, sizeof err);
    sl_avro_reader_t *evo = sl_avro_reader_new(evs, strlen(evs), &e, err, sizeof err);
    if (!own || !evo) {
        fprintf(stderr, "bench_avro: %s\n", err);
        return 1;
    }
    size_t jb = 0, ab = 0;
    for (size_t i = 0; i < s.n; i++)
        jb += s.json_len[i], ab += s.avro_len[i];
    unsigned long sum = 0;
    static const struct {
        op_t op;
        const char *name;
    } ops[] = {
        {OP_JSON, "JSON decode + validate (sl_record_from_json)"},
        {OP_AVRO, "Avro decode + validate, same schema"},
        {OP_EVOLVED, "Avro decode + validate, evolved writer"},
        {OP_CHECK, "  of which the bounds check"},
        {OP_ENC_JSON, "JSON encode (sl_record_to_json)"},
        {OP_ENC_AVRO, "Avro encode, framed (sl_avro_encoder_encode)"},
    };
    double ns[6];
    printf("records: %zu mock users; %d passes, best of 3\n", s.n, passes);
    printf("message value: JSON %.0f bytes, Avro %.0f bytes (framed) on average\n",
           (double)jb / (double)s.n, (double)ab / (double)s.n);
    printf("%-48s %10s %12s\n", "operation", "CPU ns/row", "rows/s/core");
    for (int i = 0; i < 6; i++) {
        ns[i] = run(&s, ops[i].op, own, evo, passes, &sum);
        printf("%-48s %10.0f %12.0f\n", ops[i].name, ns[i], 1e9 / ns[i]);
    }
    printf("(checksum %lu)\n", sum % 1000);
    printf("avro decode_us=%.2f evolved_us=%.2f encode_us=%.2f json_decode_us=%.2f "
           "bytes_json=%.0f bytes_avro=%.0f\n",
           ns[OP_AVRO] / 1000, ns[OP_EVOLVED] / 1000, ns[OP_ENC_AVRO] / 1000, ns[OP_JSON] / 1000,
           (double)jb / (double)s.n, (double)ab / (double)s.n);
    for (size_t i = 0; i < s.n; i++) {
        free(s.json[i]);
        free(s.avro[i]);
        free(s.evolved[i]);
        free(s.scratch[i]);
    }
    sl_avro_reader_free(own);
    sl_avro_reader_free(evo);
    sl_avro_encoder_free(s.enc);
    avro_value_decref(&s.evo_value);
    avro_value_iface_decref(evo_iface);
    avro_schema_decref(evo_schema);
    avro_writer_free(s.evo_writer);
    return 0;
}
