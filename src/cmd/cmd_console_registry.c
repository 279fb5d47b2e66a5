/*
 * The console's registry hooks over sl_registry and sl_registry_decode
 * (cmd_console_registry.h).
 */
#include "cmd_console_registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_registry.h"
#include "commands.h"
#include "sl_record_json.h"
#include "sl_registry_decode.h"
#include "sl_time.h"

/* Schema text kept for one schemas answer; the schemas of subjects past it are left out
 * (each answer of the registry is capped by its client, so this bounds the whole). */
#define SCHEMA_TEXT_BUDGET ((size_t)16 << 20)

/* After the registry did not answer, decoding fails at once for this long instead of
 * making every message of a page wait for a timeout. */
#define DOWN_HOLD_MS 5000

struct cmd_console_registry_s {
    pthread_mutex_t lock; /* guards reg, dec and the fields below */
    sl_registry_t *reg;   /* the schemas view and decoding (HTTP threads) */
    sl_registry_decode_t *dec;
    sl_registry_t *ping; /* the sampler thread's own client */
    int64_t down_until_ms;
    char down_why[SL_REGISTRY_TEXT_MAX];
};

static void fail(char *errstr, size_t size, const sl_registry_detail_t *d, sl_registry_err_t e) {
    snprintf(errstr, size, "%s", d->message[0] ? d->message : sl_registry_err_str(e));
}

/* The strings and the array one entry owns (the const members are ours: we made them). */
static void free_subject(sl_console_subject_t *s) {
    free((void *)s->name);
    free((void *)s->versions);
    free((void *)s->schema);
    free((void *)s->schema_type);
    free((void *)s->compatibility);
    memset(s, 0, sizeof *s);
}

static void free_subjects(void *opaque, sl_console_subject_t *s, size_t n) {
    (void)opaque;
    for (size_t i = 0; s && i < n; i++)
        free_subject(&s[i]);
    free(s);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* One subject's versions, latest version and level into *out. 1 when the subject went
 * away meanwhile (skip it), 0, or -1 with errstr filled. */
static int one_subject(sl_registry_t *reg, const char *name, sl_console_subject_t *out,
                       char *errstr, size_t size) {
    sl_registry_detail_t d;
    sl_registry_list_t l;
    sl_registry_version_t v;
    char level[64];
    sl_registry_err_t e = sl_registry_versions(reg, name, &l, &d);
    if (e == SL_REGISTRY_OK) {
        e = sl_registry_version(reg, name, -1, &v, &d);
        if (e != SL_REGISTRY_OK)
            sl_registry_list_free(&l);
    }
    if (e == SL_REGISTRY_OK) {
        e = sl_registry_get_compatibility(reg, name, level, sizeof level, &d);
        if (e != SL_REGISTRY_OK) {
            sl_registry_list_free(&l);
            sl_registry_version_clear(&v);
        }
    }
    if (e == SL_REGISTRY_ERR_SUBJECT_NOT_FOUND || e == SL_REGISTRY_ERR_VERSION_NOT_FOUND)
        return 1;
    if (e != SL_REGISTRY_OK) {
        fail(errstr, size, &d, e);
        return -1;
    }
    int *versions = calloc(l.n + 1, sizeof *versions);
    for (size_t i = 0; versions && i < l.n; i++)
        versions[i] = (int)l.ints[i];
    if (versions)
        qsort(versions, l.n, sizeof *versions, cmp_int);
    *out = (sl_console_subject_t){.name = strdup(name),
                                  .versions = versions,
                                  .n_versions = l.n,
                                  .latest_version = v.version,
                                  .latest_id = v.id,
                                  .schema = v.schema,
                                  .schema_type = strdup(v.schema_type),
                                  .compatibility = strdup(level)};
    v.schema = NULL; /* handed over */
    sl_registry_list_free(&l);
    sl_registry_version_clear(&v);
    if (!out->name || !versions || !out->schema_type || !out->compatibility) {
        free_subject(out);
        snprintf(errstr, size, "out of memory");
        return -1;
    }
    return 0;
}

static int subjects(void *opaque, const char *only, size_t max, sl_console_subject_t **out,
                    size_t *n, char *errstr, size_t size) {
    cmd_console_registry_t *r = opaque;
    *out = NULL;
    *n = 0;
    sl_registry_list_t names = {0};
    sl_registry_detail_t d;
    char *one[1] = {(char *)only};
    pthread_mutex_lock(&r->lock);
    sl_registry_err_t e = SL_REGISTRY_OK;
    if (only) /* the list borrows the name; it is not freed below */
        names = (sl_registry_list_t){.n = 1, .strings = one};
    else
        e = sl_registry_subjects(r->reg, &names, &d);
    if (e != SL_REGISTRY_OK) {
        pthread_mutex_unlock(&r->lock);
        fail(errstr, size, &d, e);
        return -1;
    }
    size_t want = names.n < max ? names.n : max;
    sl_console_subject_t *s = calloc(want + 1, sizeof *s);
    int rc = s ? 0 : -1;
    if (!s)
        snprintf(errstr, size, "out of memory");
    size_t text = 0;
    for (size_t i = 0; s && i < want && rc == 0; i++) {
        int got = one_subject(r->reg, names.strings[i], &s[*n], errstr, size);
        if (got < 0)
            rc = -1;
        if (got != 0)
            continue;
        text += strlen(s[*n].schema);
        if (text > SCHEMA_TEXT_BUDGET) {
            free((void *)s[*n].schema);
            s[*n].schema = NULL;
        }
        (*n)++;
    }
    pthread_mutex_unlock(&r->lock);
    if (!only)
        sl_registry_list_free(&names);
    if (rc != 0) {
        free_subjects(NULL, s, *n);
        *n = 0;
        return -1;
    }
    *out = s;
    return 0;
}

static int global_compatibility(void *opaque, char *level, size_t size, char *errstr,
                                size_t errstr_size) {
    cmd_console_registry_t *r = opaque;
    sl_registry_detail_t d;
    pthread_mutex_lock(&r->lock);
    sl_registry_err_t e = sl_registry_get_compatibility(r->reg, NULL, level, size, &d);
    pthread_mutex_unlock(&r->lock);
    if (e != SL_REGISTRY_OK) {
        fail(errstr, errstr_size, &d, e);
        return -1;
    }
    return 0;
}

static int ping(void *opaque, char *errstr, size_t size) {
    cmd_console_registry_t *r = opaque;
    sl_registry_detail_t d;
    char level[64];
    sl_registry_err_t e = sl_registry_get_compatibility(r->ping, NULL, level, sizeof level, &d);
    if (e != SL_REGISTRY_OK) {
        fail(errstr, size, &d, e);
        return -1;
    }
    return 0;
}

/* The record's JSON (at most max bytes) into a malloc'ed *json. */
static int render(const sl_record_t *rec, size_t max, char **json, size_t *json_len, char *errstr,
                  size_t size) {
    size_t cap = max + 1;
    char *buf = malloc(cap);
    size_t n = buf ? sl_record_to_json(rec, buf, cap) : 0;
    if (!buf || n >= cap) {
        free(buf);
        snprintf(errstr, size, buf ? "decoded value larger than %zu bytes" : "out of memory", max);
        return -1;
    }
    *json = buf;
    *json_len = n;
    return 0;
}

static int decode(void *opaque, const void *value, size_t len, size_t max, char **json,
                  size_t *json_len, char *errstr, size_t size) {
    cmd_console_registry_t *r = opaque;
    *json = NULL;
    *json_len = 0;
    char *scratch = malloc(SL_RECORD_SCRATCH_SIZE);
    if (!scratch) {
        snprintf(errstr, size, "out of memory");
        return -1;
    }
    char err[SL_REGISTRY_TEXT_MAX] = "";
    sl_record_t rec;
    sl_reject_t reject = SL_REJECT_NONE;
    sl_field_t field = SL_FIELD_NONE;
    sl_registry_decode_result_t res = SL_REGISTRY_DECODE_WAIT;
    pthread_mutex_lock(&r->lock);
    int64_t now = sl_now_ms();
    if (now < r->down_until_ms) {
        snprintf(err, sizeof err, "%s", r->down_why);
    } else {
        res = sl_registry_decode_message(r->dec, value, len, &rec, scratch, SL_RECORD_SCRATCH_SIZE,
                                         &reject, &field, err, sizeof err);
        if (res == SL_REGISTRY_DECODE_WAIT) {
            r->down_until_ms = now + DOWN_HOLD_MS;
            snprintf(r->down_why, sizeof r->down_why, "%s", err);
        }
    }
    pthread_mutex_unlock(&r->lock);
    int rc = -1;
    switch (res) {
    case SL_REGISTRY_DECODE_OK: rc = render(&rec, max, json, json_len, errstr, size); break;
    case SL_REGISTRY_DECODE_REJECT:
        snprintf(errstr, size, "%s%s%s: %s", sl_reject_name(reject),
                 field == SL_FIELD_NONE ? "" : " in ",
                 field == SL_FIELD_NONE ? "" : sl_field_name(field),
                 err[0] ? err : sl_record_reject_str(reject));
        break;
    case SL_REGISTRY_DECODE_WAIT: /* fall through: err says why */
    case SL_REGISTRY_DECODE_FATAL: snprintf(errstr, size, "%s", err); break;
    }
    free(scratch);
    return rc;
}

void cmd_console_registry_free(cmd_console_registry_t *r) {
    if (!r)
        return;
    sl_registry_decode_free(r->dec);
    sl_registry_free(r->reg);
    sl_registry_free(r->ping);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

int cmd_console_registry_open(const sl_config_t *cfg, long timeout_ms, volatile sig_atomic_t *stop,
                              cmd_console_registry_t **out, sl_console_registry_t *hooks) {
    const char *prog = "sluice console";
    *out = NULL;
    memset(hooks, 0, sizeof *hooks);
    if (!cmd_registry_configured(cfg))
        return cmd_registry_check_argv(cfg, prog);
    cmd_console_registry_t *r = calloc(1, sizeof *r);
    if (!r || pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        fprintf(stderr, "%s: out of memory\n", prog);
        return SL_EXIT_FAIL;
    }
    int code = cmd_registry_open(cfg, prog, timeout_ms, 1, stop, &r->reg);
    if (code == 0)
        code = cmd_registry_open(cfg, prog, timeout_ms, 1, stop, &r->ping);
    char err[256];
    if (code == 0 && !(r->dec = sl_registry_decode_new(r->reg, NULL, err, sizeof err))) {
        fprintf(stderr, "%s: %s\n", prog, err);
        code = SL_EXIT_FAIL;
    }
    if (code != 0) {
        cmd_console_registry_free(r);
        return code;
    }
    *hooks = (sl_console_registry_t){.opaque = r,
                                     .subjects = subjects,
                                     .free_subjects = free_subjects,
                                     .decode = decode,
                                     .global_compatibility = global_compatibility,
                                     .ping = ping};
    *out = r;
    return 0;
}
