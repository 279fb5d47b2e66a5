/*
 * 0701 registry-avro: the registry client and the Avro codec against a real Confluent-API
 * registry (the stack's Apicurio, URL in SLUICE_TEST_REGISTRY, default
 * http://127.0.0.1:8081/apis/ccompat/v7), and both ways against Confluent's own Python
 * client (confluent-kafka, pinned in tests/integration/requirements-registry.txt, in a venv
 * made on first use):
 *
 *   - the record's schema registers under <topic>-value; the same schema again gives the
 *     same id; lookup, get by id, subjects, versions, get/set compatibility;
 *   - under BACKWARD an evolved v2 with an added optional field registers, a v3 adding a
 *     required field without a default is refused: 409 with the registry's message, and
 *     the compatibility check says so first;
 *   - BACKWARD lets a writer drop a required field (Avro's rule: new readers need not
 *     read it); such a writer cannot be resolved by the record's reader (incompatible_
 *     schema). Under FULL the registry refuses that drop (409) and accepts dropping a field
 *     the record gives a default;
 *   - an unknown id is 40403 (and unknown_schema through the decoder);
 *   - 40 records encoded by sluice decode with AvroDeserializer field by field;
 *   - 40 records from AvroSerializer with the record's schema, and 40 from an evolved
 *     writer (an extra field with a default, two fields swapped), decode with sluice's
 *     decoder field by field; the serializer found the id sluice registered.

 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "test_util.h"
#include "sl_api.h"
#include "sl_avro.h"
#include "sl_mockapi_gen.h"
#include "sl_record_json.h"
#include "sl_registry.h"
#include "sl_registry_decode.h"

#define RECORDS 40

static const char *url;
static char here[1024];    /* tests/integration */
static char work[256];     /* a temporary directory */
static char python[1024];  /* the venv's python */
static char topic[128];    /* the test's own topic name */
static sl_registry_t *reg; /* shared client */

static sl_registry_t *client(void) {
    sl_registry_conf_t c;
    sl_registry_conf_defaults(&c);
    c.url = url;
    c.attempts = 5;
    c.timeout_ms = 30000;
    char err[256];
    sl_registry_t *r = sl_registry_new(&c, err, sizeof err);
    if (!r)
        fail_msg("registry client: %s", err);
    return r;
}

/* Runs a shell command, its output to work/name.out; returns the exit status. */
static int run(const char *name, const char *cmd) {
    char line[8192];
    snprintf(line, sizeof line, "%s >%s/%s.out 2>&1", cmd, work, name);
    int rc = system(line);
    if (rc != 0) {
        char show[8192];
        snprintf(show, sizeof show, "tail -n 40 %s/%s.out >&2", work, name);
        if (system(show) != 0)
            fprintf(stderr, "(no output)\n");
    }
    return rc;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static void subject_of(char *out, size_t size, const char *suffix) {
    snprintf(out, size, "%s%s-value", topic, suffix);
}

/* The record's schema with a change: "+nickname" adds an optional field, "+required" a
 * required one, "-<field>" drops that field. */
static char *variant(const char *change) {
    static char buf[8192];
    const char *s = sl_avro_schema();
    const char *end = strrchr(s, ']'); /* the end of the fields */
    if (change[0] == '+') {
        const char *add =
            strcmp(change, "+nickname") == 0
                ? ",\n    {\"name\": \"nickname\", \"type\": [\"null\", \"string\"], "
                  "\"default\": null, \"doc\": \"a newer producer's field\"}\n  "
                : ",\n    {\"name\": \"tier\", \"type\": \"string\", \"doc\": \"no default\"}\n  ";
        /* before the newline and spaces that precede ']' */
        const char *at = end;
        while (at > s && (at[-1] == ' ' || at[-1] == '\n'))
            at--;
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - s), s, add, end);
        return buf;
    }
    char key[64];
    snprintf(key, sizeof key, "{\"name\": \"%s\"", change + 1);
    const char *from = strstr(s, key);
    assert_non_null(from);
    /* one field per line, each but the last ending in ',': drop the line, and for the last
     * field the comma before it */
    const char *cut = from;
    while (cut > s && cut[-1] != '\n')
        cut--;
    cut--; /* the newline */
    const char *to = strchr(from, '\n');
    if (to[-1] != ',')
        cut--; /* the last field: the previous line's comma goes too */
    snprintf(buf, sizeof buf, "%.*s%s", (int)(cut - s), s, to);
    return buf;
}

/* 40 validated records from the mock API's generator, as JSON values in one buffer. */
typedef struct {
    char json[RECORDS][SL_RECORD_JSON_MAX];
    size_t len[RECORDS];
    size_t n;
} recs_t;

static int keep(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                sl_field_t field) {
    (void)index;
    (void)field;
    recs_t *r = opaque;
    if (reject == SL_REJECT_NONE && r->n < RECORDS) {
        r->len[r->n] = sl_record_to_json(rec, r->json[r->n], sizeof r->json[0]);
        r->n++;
    }
    return 0;
}

static int group_setup(void **state) {
    (void)state;
    snprintf(here, sizeof here, "%s", __FILE__);
    char *slash = strrchr(here, '/');
    if (slash)
        *slash = '\0';
    snprintf(work, sizeof work, "%s/sluice-0701-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(work))
        return -1;
    snprintf(topic, sizeof topic, "sluice_0701_%d_%ld", (int)getpid(), (long)time(NULL));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    reg = client();
    /* the venv of confluent-kafka (made once; needs the package index the first time) */
    const char *sys_python = getenv("SLUICE_TEST_PYTHON");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s/registry_support.py ensure-venv",
             sys_python ? sys_python : "/usr/bin/python3", here);
    if (run("venv", cmd) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "%s/venv.out", work);
    char *out = slurp(cmd, NULL);
    if (!out)
        return -1;
    char *last = out + strlen(out);
    while (last > out && (last[-1] == '\n'))
        *--last = '\0';
    char *nl = strrchr(out, '\n');
    snprintf(python, sizeof python, "%s", nl ? nl + 1 : out);
    free(out);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    sl_registry_free(reg);
    curl_global_cleanup();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", work);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the registry through sluice's client ---- */

static void register_is_idempotent(void **state) {
    (void)state;
    char subject[160];
    subject_of(subject, sizeof subject, "");
    sl_registry_detail_t d;
    int32_t id1 = -1, id2 = -2, lid = -3, version = -4;
    if (sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &id1, &d))
        fail_msg("register: %s", d.message);
    assert_true(id1 >= 0);
    assert_int_equal(
        sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &id2, &d),
        SL_REGISTRY_OK);
    assert_int_equal(id2, id1);
    assert_int_equal(sl_registry_lookup(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &lid,
                                        &version, &d),
                     SL_REGISTRY_OK);
    assert_int_equal(lid, id1);
    assert_int_equal(version, 1);
    sl_registry_list_t l;
    assert_int_equal(sl_registry_versions(reg, subject, &l, &d), SL_REGISTRY_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.ints[0], 1);
    sl_registry_list_free(&l);
    assert_int_equal(sl_registry_subjects(reg, &l, &d), SL_REGISTRY_OK);
    int found = 0;
    for (size_t i = 0; i < l.n; i++)
        found |= strcmp(l.strings[i], subject) == 0;
    sl_registry_list_free(&l);
    assert_true(found);
    /* what the registry hands back by id compiles as the writer of the record's bytes */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sl_registry_schema_by_id(reg, id1, &text, &len, &d), SL_REGISTRY_OK);
    assert_contains(text, "\"logicalType\"");
    sl_registry_err_t e;
    char why[256];
    sl_avro_reader_t *rd = sl_avro_reader_new(text, len, &e, why, sizeof why);
    if (!rd)
        fail_msg("schema %d from the registry does not compile: %s", (int)id1, why);
    sl_avro_reader_free(rd);
    free(text);
    /* unknown id: 40403, verbatim */
    assert_int_equal(sl_registry_schema_by_id(reg, 987654321, &text, &len, &d),
                     SL_REGISTRY_ERR_SCHEMA_NOT_FOUND);
    assert_int_equal(d.error_code, 40403);
    assert_int_equal(d.http_status, 404);
    assert_true(strlen(d.message) > 20);
    /* a subject nobody registered */
    assert_int_equal(sl_registry_lookup(reg, "sluice_0701_nobody-value", sl_avro_schema(),
                                        sl_avro_schema_len(), &lid, NULL, &d),
                     SL_REGISTRY_ERR_SUBJECT_NOT_FOUND);
    assert_int_equal(d.error_code, 40401);
}

static void backward_evolution(void **state) {
    (void)state;
    char subject[160];
    subject_of(subject, sizeof subject, "_evo");
    sl_registry_detail_t d;
    int32_t v1, v2, id;
    if (sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &v1, &d))
        fail_msg("register: %s", d.message);
    assert_int_equal(sl_registry_set_compatibility(reg, subject, "BACKWARD", &d), SL_REGISTRY_OK);
    char level[32];
    assert_int_equal(sl_registry_get_compatibility(reg, subject, level, sizeof level, &d),
                     SL_REGISTRY_OK);
    assert_string_equal(level, "BACKWARD");
    /* v2: an optional field added */
    const char *s2 = variant("+nickname");
    int ok = -1;
    char reasons[512];
    assert_int_equal(sl_registry_check_compatibility(reg, subject, "latest", s2, strlen(s2), &ok,
                                                     reasons, sizeof reasons, &d),
                     SL_REGISTRY_OK);
    assert_int_equal(ok, 1);
    if (sl_registry_register(reg, subject, s2, strlen(s2), &v2, &d))
        fail_msg("register v2: %s", d.message);
    assert_int_not_equal(v2, v1);
    /* v3: a required field added without a default: refused, with the registry's words */
    char s3[8192];
    snprintf(s3, sizeof s3, "%s", variant("+required"));
    assert_int_equal(sl_registry_check_compatibility(reg, subject, "latest", s3, strlen(s3), &ok,
                                                     reasons, sizeof reasons, &d),
                     SL_REGISTRY_OK);
    assert_int_equal(ok, 0);
    assert_true(strlen(reasons) > 10);
    assert_int_equal(sl_registry_register(reg, subject, s3, strlen(s3), &id, &d),
                     SL_REGISTRY_ERR_INCOMPATIBLE);
    assert_int_equal(d.error_code, 409);
    assert_int_equal(d.http_status, 409);
    assert_contains(d.message, "POST /subjects/", "error_code 409: ");
    printf("v3 refused as the registry says: %s\n", d.message);
    sl_registry_list_t l;
    assert_int_equal(sl_registry_versions(reg, subject, &l, &d), SL_REGISTRY_OK);
    assert_int_equal(l.n, 2);
    sl_registry_list_free(&l);

    /* BACKWARD lets a writer drop email (a reader need not read it)... */
    char no_email[8192];
    snprintf(no_email, sizeof no_email, "%s", variant("-email"));
    int32_t v4;
    if (sl_registry_register(reg, subject, no_email, strlen(no_email), &v4, &d))
        fail_msg("BACKWARD refused a dropped field: %s", d.message);
    /* ...which the record's reader cannot resolve: incompatible_schema (a 404 believed at
     * once here; the wait for a registry restarted empty is the unit test's) */
    sl_registry_decode_conf_t dconf;
    sl_registry_decode_conf_defaults(&dconf);
    dconf.lost_wait_ms = 0;
    sl_registry_decode_t *dec = sl_registry_decode_new(reg, &dconf, NULL, 0);
    unsigned char msg[SL_WIRE_HEADER_SIZE + 8];
    sl_wire_header(v4, msg);
    memcpy(msg + SL_WIRE_HEADER_SIZE, "\x02x\x02y\x02z", 6);
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    sl_record_t rec;
    sl_reject_t rj;
    char why[512];
    assert_int_equal(sl_registry_decode_message(dec, msg, SL_WIRE_HEADER_SIZE + 6, &rec, scratch,
                                                sizeof scratch, &rj, NULL, why, sizeof why),
                     SL_REGISTRY_DECODE_REJECT);
    assert_int_equal(rj, SL_REJECT_INCOMPATIBLE_SCHEMA);
    assert_contains(why, "no field email");
    /* and an id the registry never gave: unknown_schema */
    sl_wire_header(987654321, msg);
    assert_int_equal(sl_registry_decode_message(dec, msg, SL_WIRE_HEADER_SIZE + 6, &rec, scratch,
                                                sizeof scratch, &rj, NULL, why, sizeof why),
                     SL_REGISTRY_DECODE_REJECT);
    assert_int_equal(rj, SL_REJECT_UNKNOWN_SCHEMA);
    sl_registry_decode_free(dec);
}

static void full_refuses_dropping_required(void **state) {
    (void)state;
    char subject[160];
    subject_of(subject, sizeof subject, "_full");
    sl_registry_detail_t d;
    int32_t v1, id;
    if (sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &v1, &d))
        fail_msg("register: %s", d.message);
    assert_int_equal(sl_registry_set_compatibility(reg, subject, "FULL", &d), SL_REGISTRY_OK);
    char no_email[8192];
    snprintf(no_email, sizeof no_email, "%s", variant("-email"));
    assert_int_equal(sl_registry_register(reg, subject, no_email, strlen(no_email), &id, &d),
                     SL_REGISTRY_ERR_INCOMPATIBLE);
    assert_int_equal(d.error_code, 409);
    printf("FULL refuses dropping email: %s\n", d.message);
    /* dropping a field the record gives a default is fine */
    const char *no_picture = variant("-picture");
    if (sl_registry_register(reg, subject, no_picture, strlen(no_picture), &id, &d))
        fail_msg("FULL refused dropping picture: %s", d.message);
    assert_int_not_equal(id, v1);
    const char *s2 = variant("+nickname");
    if (sl_registry_register(reg, subject, s2, strlen(s2), &id, &d))
        fail_msg("FULL refused an optional field: %s", d.message);
}

/* ---- interop with confluent-kafka ---- */

static void sluice_bytes_decode_in_confluent_kafka(void **state) {
    (void)state;
    char subject[160], err[256];
    subject_of(subject, sizeof subject, "");
    sl_registry_detail_t d;
    int32_t id;
    if (sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &id, &d))
        fail_msg("register: %s", d.message);
    /* records from the mock API's generator, as the ingest would make them */
    static recs_t recs;
    sl_mockapi_gen_req_t req;
    sl_mockapi_gen_args_t args = {.results = "200", .seed = "0701"};
    sl_mockapi_gen_req_from_args(&req, &args, 1, 2026);
    char *body;
    size_t blen;
    assert_int_equal(sl_mockapi_gen_render(&req, &body, &blen), 0);
    assert_int_equal(sl_api_parse(body, blen, keep, &recs, NULL, NULL, err, sizeof err),
                     SL_API_ERR_OK);
    free(body);
    assert_int_equal(recs.n, RECORDS);
    sl_avro_encoder_t *enc = sl_avro_encoder_new(id, err, sizeof err);
    assert_non_null(enc);
    char path[512];
    snprintf(path, sizeof path, "%s/sluice.tsv", work);
    FILE *f = fopen(path, "w");
    static char scratch[SL_RECORD_SCRATCH_SIZE];
    for (size_t i = 0; i < recs.n; i++) {
        sl_record_t rec;
        assert_int_equal(
            sl_record_from_json(recs.json[i], recs.len[i], &rec, scratch, sizeof scratch, NULL),
            SL_REJECT_NONE);
        unsigned char buf[SL_AVRO_FRAMED_MAX];
        size_t len;
        assert_int_equal(sl_avro_encoder_encode(enc, &rec, buf, sizeof buf, &len), SL_REGISTRY_OK);
        for (size_t k = 0; k < len; k++)
            fprintf(f, "%02x", buf[k]);
        fprintf(f, "\t%.*s\n", (int)recs.len[i], recs.json[i]);
    }
    fclose(f);
    sl_avro_encoder_free(enc);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s/registry_support.py decode '%s' '%s' %s", python, here, url,
             topic, path);
    assert_int_equal(run("decode", cmd), 0);
    snprintf(path, sizeof path, "%s/decode.out", work);
    char *out = slurp(path, NULL);
    assert_non_null(out);
    char want[32];
    snprintf(want, sizeof want, "decoded %d", RECORDS);
    assert_non_null(strstr(out, want));
    free(out);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void confluent_kafka_bytes_decode_in_sluice(void **state) {
    (void)state;
    char subject[160];
    subject_of(subject, sizeof subject, "_py");
    sl_registry_detail_t d;
    int32_t id;
    /* sluice registers first; the serializer must then find the same id */
    if (sl_registry_register(reg, subject, sl_avro_schema(), sl_avro_schema_len(), &id, &d))
        fail_msg("register: %s", d.message);
    assert_int_equal(sl_registry_set_compatibility(reg, subject, "BACKWARD", &d), SL_REGISTRY_OK);
    char schema_path[512], out_path[512], cmd[4096];
    snprintf(schema_path, sizeof schema_path, "%s/schema.avsc", work);
    FILE *f = fopen(schema_path, "w");
    fputs(sl_avro_schema(), f);
    fclose(f);
    snprintf(out_path, sizeof out_path, "%s/python.tsv", work);
    snprintf(cmd, sizeof cmd, "%s %s/registry_support.py produce '%s' '%s_py' %s %d %s", python,
             here, url, topic, schema_path, RECORDS, out_path);
    assert_int_equal(run("produce", cmd), 0);
    char ids_path[512];
    snprintf(ids_path, sizeof ids_path, "%s/produce.out", work);
    char *ids = slurp(ids_path, NULL);
    assert_non_null(ids);
    char want[64];
    snprintf(want, sizeof want, "ids v1=%d ", (int)id);
    int same_id = strstr(ids, want) != NULL;
    if (!same_id)
        fprintf(stderr, "the serializer did not find sluice's id %d: %s\n", (int)id, ids);
    free(ids);
    assert_true(same_id);

    size_t len;
    char *tsv = slurp(out_path, &len);
    assert_non_null(tsv);
    sl_registry_decode_t *dec = sl_registry_decode_new(reg, NULL, NULL, 0);
    static char scratch[SL_RECORD_SCRATCH_SIZE], scratch2[SL_RECORD_SCRATCH_SIZE];
    static unsigned char msg[SL_AVRO_FRAMED_MAX + 256];
    int counts[2] = {0, 0};
    int32_t evolved_id = -1;
    for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
        char *hex = strchr(line, '\t');
        assert_non_null(hex);
        *hex++ = '\0';
        char *json = strchr(hex, '\t');
        assert_non_null(json);
        *json++ = '\0';
        size_t n = strlen(hex) / 2;
        assert_true(n <= sizeof msg);
        for (size_t k = 0; k < n; k++)
            msg[k] = (unsigned char)(hexval(hex[2 * k]) << 4 | hexval(hex[2 * k + 1]));
        sl_record_t want_rec, got;
        assert_int_equal(
            sl_record_from_json(json, strlen(json), &want_rec, scratch2, sizeof scratch2, NULL),
            SL_REJECT_NONE);
        sl_reject_t rj;
        char why[512];
        sl_registry_decode_result_t res = sl_registry_decode_message(
            dec, msg, n, &got, scratch, sizeof scratch, &rj, NULL, why, sizeof why);
        if (res != SL_REGISTRY_DECODE_OK)
            fail_msg("%s message %d: %s %s: %s", line, counts[0] + counts[1],
                     sl_registry_decode_result_name(res), sl_reject_name(rj), why);
        for (int k = 0; k < SL_FIELD_COUNT; k++) {
            if (got.field[k].len != want_rec.field[k].len ||
                memcmp(got.field[k].ptr, want_rec.field[k].ptr, got.field[k].len) != 0)
                fail_msg("%s message: field %s is '%s', want '%s'", line,
                         sl_field_name((sl_field_t)k), got.field[k].ptr, want_rec.field[k].ptr);
        }
        int evolved = strcmp(line, "evolved") == 0;
        counts[evolved]++;
        int32_t mid = (int32_t)((uint32_t)msg[1] << 24 | (uint32_t)msg[2] << 16 |
                                (uint32_t)msg[3] << 8 | msg[4]);
        if (evolved)
            evolved_id = mid;
        else
            assert_int_equal(mid, id);
    }
    free(tsv);
    assert_int_equal(counts[0], RECORDS);
    assert_int_equal(counts[1], RECORDS);
    assert_int_not_equal(evolved_id, id);
    sl_registry_decode_stats_t st;
    sl_registry_decode_stats(dec, &st);
    assert_int_equal(st.avro, 2 * RECORDS);
    assert_int_equal(st.fetches, 2); /* one per writer schema */
    sl_registry_decode_free(dec);
    printf("confluent-kafka -> sluice: %d records with the record's schema (id %d), %d with an "
           "evolved writer (id %d)\n",
           counts[0], (int)id, counts[1], (int)evolved_id);
}

int main(void) {
    url = getenv("SLUICE_TEST_REGISTRY");
    if (!url || !*url)
        url = "http://127.0.0.1:8081/apis/ccompat/v7";
    if (strchr(url, '\'')) {
        fprintf(stderr, "SLUICE_TEST_REGISTRY must not contain a quote\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(register_is_idempotent),
        cmocka_unit_test(backward_evolution),
        cmocka_unit_test(full_refuses_dropping_required),
        cmocka_unit_test(sluice_bytes_decode_in_confluent_kafka),
        cmocka_unit_test(confluent_kafka_bytes_decode_in_sluice),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
