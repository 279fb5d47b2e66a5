/*
 * Parsing of registry answers with yajl's callback parser: one pass, no tree. The state is
 * the depth, the known member being read at depth 1 and, for the two arrays read inside
 * an object ("messages", "references"), the depth-2 elements. Everything else is counted
 * through (depth only) and ignored.
 */
#include "sl_registry_reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

typedef enum {
    K_UNKNOWN = 0,
    K_ID,
    K_VERSION,
    K_ERROR_CODE,
    K_IS_COMPATIBLE,
    K_SCHEMA,
    K_SCHEMA_TYPE,
    K_MESSAGE,
    K_COMPAT_LEVEL, /* "compatibilityLevel" (GET /config) */
    K_COMPAT,       /* "compatibility" (PUT /config answer) */
    K_MESSAGES,     /* compatibility check, verbose (Confluent) */
    K_REASON,       /* compatibility check (Apicurio) */
    K_REFERENCES,
    K_COUNT
} member_t;

static const char *const key_names[K_COUNT] = {
    [K_ID] = "id",
    [K_VERSION] = "version",
    [K_ERROR_CODE] = "error_code",
    [K_IS_COMPATIBLE] = "is_compatible",
    [K_SCHEMA] = "schema",
    [K_SCHEMA_TYPE] = "schemaType",
    [K_MESSAGE] = "message",
    [K_COMPAT_LEVEL] = "compatibilityLevel",
    [K_COMPAT] = "compatibility",
    [K_MESSAGES] = "messages",
    [K_REASON] = "reason",
    [K_REFERENCES] = "references",
};

typedef struct {
    sl_registry_reply_t *out;
    size_t max_string;
    unsigned depth;
    member_t key;  /* member whose value is being read at depth 1 */
    unsigned seen; /* bit per member_t: members already read */
    size_t cap;    /* of out->strings / out->ints */
    int started;   /* the top-level value has begun */
    sl_registry_err_t err;
    char why[160];
} st_t;

static int fail(st_t *s, sl_registry_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(st_t *s, sl_registry_err_t err, const char *fmt, ...) {
    if (s->err == SL_REGISTRY_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->why, sizeof s->why, fmt, ap);
        va_end(ap);
        s->err = err;
    }
    return 0; /* stops yajl */
}

void sl_registry_reply_text(char *dst, size_t size, const char *s, size_t len) {
    if (size == 0)
        return;
    size_t n = len < size - 1 ? len : size - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    dst[n] = '\0';
    if (n < len && size > 4)
        memcpy(dst + size - 4, "...", 4);
}

/* Appends text to a "; "-joined list in dst (SL_REGISTRY_TEXT_MAX bytes). */
static void join_text(char *dst, const char *s, size_t len) {
    size_t used = strlen(dst);
    if (used && used + 2 < SL_REGISTRY_TEXT_MAX) {
        memcpy(dst + used, "; ", 3);
        used += 2;
    }
    if (used + 1 < SL_REGISTRY_TEXT_MAX)
        sl_registry_reply_text(dst + used, SL_REGISTRY_TEXT_MAX - used, s, len);
}

/* Called for every value (scalar or container start) at any depth. Returns 1 when the
 * value may follow here, 0 (with s->err set) when the top level cannot hold it. */
static int value_begins(st_t *s, int is_container) {
    if (!s->started) {
        s->started = 1;
        if (!is_container)
            return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "answer is a JSON scalar");
    }
    if (s->depth == 2 && !s->out->is_array && s->key == K_REFERENCES)
        s->out->n_references++;
    return 1;
}

static int grow_items(st_t *s, int strings) {
    sl_registry_reply_t *o = s->out;
    if (o->n_items >= SL_REGISTRY_REPLY_ITEMS_MAX)
        return fail(s, SL_REGISTRY_ERR_TOO_BIG, "array has more than %d elements",
                    SL_REGISTRY_REPLY_ITEMS_MAX);
    if ((strings && o->ints) || (!strings && o->strings))
        return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "array mixes strings and integers");
    if (o->n_items < s->cap)
        return 1;
    size_t cap = s->cap ? s->cap * 2 : 16;
    void *p = strings ? realloc(o->strings, cap * sizeof *o->strings)
                      : realloc(o->ints, cap * sizeof *o->ints);
    if (!p)
        return fail(s, SL_REGISTRY_ERR_NOMEM, "out of memory");
    if (strings)
        o->strings = p;
    else
        o->ints = p;
    s->cap = cap;
    return 1;
}

/* A scalar at depth 1 of an object: is it the type the member must have? */
static int member_type_ok(st_t *s, member_t want_a, member_t want_b, const char *type) {
    if (s->key == K_UNKNOWN || s->key == want_a || s->key == want_b)
        return 1;
    return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "member \"%s\" is %s", key_names[s->key], type);
}

static int on_null(void *ctx) {
    st_t *s = ctx;
    if (!value_begins(s, 0))
        return 0;
    if (s->out->is_array && s->depth == 1)
        return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "array element is null");
    /* null for a known member: as if absent, except where a value is required */
    if (s->depth == 1 && (s->key == K_ID || s->key == K_ERROR_CODE || s->key == K_SCHEMA))
        return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "member \"%s\" is null", key_names[s->key]);
    return 1;
}

/* The start of a scalar's callback: 0 stops the parse, 1 means nothing more to do (the
 * scalar is nested below the members), 2 that it is a member's value or an element of a
 * top-level array (refused with array_error when given). */
static int scalar(st_t *s, const char *array_error) {
    if (!value_begins(s, 0))
        return 0;
    if (s->depth != 1)
        return 1;
    if (array_error && s->out->is_array)
        return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "array element is %s", array_error);
    return 2;
}

static int on_boolean(void *ctx, int b) {
    st_t *s = ctx;
    int go = scalar(s, "a boolean");
    if (go != 2)
        return go;
    if (!member_type_ok(s, K_IS_COMPATIBLE, K_IS_COMPATIBLE, "a boolean"))
        return 0;
    if (s->key == K_IS_COMPATIBLE) {
        s->out->has_is_compatible = 1;
        s->out->is_compatible = b ? 1 : 0;
    }
    return 1;
}

static int on_integer(void *ctx, long long v) {
    st_t *s = ctx;
    int go = scalar(s, NULL);
    if (go != 2)
        return go;
    sl_registry_reply_t *o = s->out;
    if (o->is_array) {
        if (!grow_items(s, 0))
            return 0;
        o->ints[o->n_items++] = v;
        return 1;
    }
    if (s->key == K_ID || s->key == K_VERSION || s->key == K_ERROR_CODE) {
        *(s->key == K_ID ? &o->id : s->key == K_VERSION ? &o->version : &o->error_code) = v;
        *(s->key == K_ID        ? &o->has_id
          : s->key == K_VERSION ? &o->has_version
                                : &o->has_error_code) = 1;
        return 1;
    }
    return member_type_ok(s, K_UNKNOWN, K_UNKNOWN, "a number");
}

static int on_double(void *ctx, double d) {
    (void)d;
    st_t *s = ctx;
    int go = scalar(s, "not an integer");
    if (go != 2)
        return go;
    return member_type_ok(s, K_UNKNOWN, K_UNKNOWN, "a fraction");
}

static char *copy_string(st_t *s, const unsigned char *v, size_t len) {
    if (len > s->max_string) {
        fail(s, SL_REGISTRY_ERR_TOO_BIG, "a string of %zu bytes is over the cap of %zu", len,
             s->max_string);
        return NULL;
    }
    char *c = malloc(len + 1);
    if (!c) {
        fail(s, SL_REGISTRY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(c, v, len);
    c[len] = '\0';
    return c;
}

static int on_string(void *ctx, const unsigned char *v, size_t len) {
    st_t *s = ctx;
    sl_registry_reply_t *o = s->out;
    if (!value_begins(s, 0))
        return 0;
    const char *t = (const char *)v;
    if (s->depth == 2 && !o->is_array && s->key == K_MESSAGES) {
        join_text(o->reasons, t, len);
        return 1;
    }
    if (s->depth != 1)
        return 1;
    if (o->is_array) {
        if (!grow_items(s, 1))
            return 0;
        char *c = copy_string(s, v, len);
        if (!c)
            return 0;
        o->strings[o->n_items++] = c;
        return 1;
    }
    switch (s->key) {
    case K_SCHEMA:
        o->schema = copy_string(s, v, len);
        if (!o->schema)
            return 0;
        o->schema_len = len;
        return 1;
    case K_SCHEMA_TYPE:
        sl_registry_reply_text(o->schema_type, sizeof o->schema_type, t, len);
        return 1;
    case K_MESSAGE: sl_registry_reply_text(o->message, sizeof o->message, t, len); return 1;
    case K_COMPAT_LEVEL:
    case K_COMPAT:
        sl_registry_reply_text(o->compatibility, sizeof o->compatibility, t, len);
        return 1;
    case K_REASON: join_text(o->reasons, t, len); return 1;
    case K_UNKNOWN: return 1;
    default: return member_type_ok(s, K_UNKNOWN, K_UNKNOWN, "a string");
    }
}

/* An object or an array (what: "an object", "an array") opens one level deeper, within the
 * bound; at the answer's top level it must be the value of a member that takes one (a or
 * b), and an array answer holds neither. */
static int nested_begins(st_t *s, const char *what, member_t a, member_t b) {
    if (s->depth >= SL_REGISTRY_REPLY_DEPTH)
        return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "nested deeper than %d",
                    SL_REGISTRY_REPLY_DEPTH);
    if (s->depth == 1) {
        if (s->out->is_array)
            return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "array element is %s", what);
        if (!member_type_ok(s, a, b, what))
            return 0;
    }
    s->depth++;
    return 1;
}

static int on_start_map(void *ctx) {
    st_t *s = ctx;
    return value_begins(s, 1) && nested_begins(s, "an object", K_UNKNOWN, K_UNKNOWN);
}

static int on_map_key(void *ctx, const unsigned char *k, size_t len) {
    st_t *s = ctx;
    if (s->depth != 1)
        return 1;
    s->key = K_UNKNOWN;
    for (int i = 1; i < K_COUNT; i++) {
        if (strlen(key_names[i]) == len && memcmp(key_names[i], k, len) == 0) {
            if (s->seen & (1u << i))
                return fail(s, SL_REGISTRY_ERR_BAD_RESPONSE, "member \"%s\" twice", key_names[i]);
            s->seen |= 1u << i;
            s->key = (member_t)i;
            break;
        }
    }
    return 1;
}

static int on_end_map(void *ctx) {
    st_t *s = ctx;
    s->depth--;
    return 1;
}

static int on_start_array(void *ctx) {
    st_t *s = ctx;
    int top = !s->started;
    if (!value_begins(s, 1))
        return 0;
    if (top)
        s->out->is_array = 1;
    return nested_begins(s, "an array", K_MESSAGES, K_REFERENCES);
}

static int on_end_array(void *ctx) {
    st_t *s = ctx;
    s->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null,      on_boolean, on_integer, on_double,      NULL,         on_string,
    on_start_map, on_map_key, on_end_map, on_start_array, on_end_array,
};

void sl_registry_reply_clear(sl_registry_reply_t *r) {
    if (r->strings) {
        for (size_t i = 0; i < r->n_items; i++)
            free(r->strings[i]);
    }
    free(r->strings);
    free(r->ints);
    free(r->schema);
    memset(r, 0, sizeof *r);
}

sl_registry_err_t sl_registry_reply_parse(const char *body, size_t len, size_t max_string,
                                          sl_registry_reply_t *out, char *errstr,
                                          size_t errstr_size) {
    memset(out, 0, sizeof *out);
    st_t s = {.out = out, .max_string = max_string};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &s);
    if (!h) {
        snprintf(errstr, errstr_size, "out of memory");
        return SL_REGISTRY_ERR_NOMEM;
    }
    yajl_status st = yajl_parse(h, (const unsigned char *)body, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok && s.err == SL_REGISTRY_OK) {
        /* yajl's message (verbose 0) names the problem, not the bytes */
        unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
        fail(&s, SL_REGISTRY_ERR_BAD_RESPONSE, "not JSON: %s", msg ? (const char *)msg : "?");
        if (msg)
            yajl_free_error(h, msg);
    }
    yajl_free(h);
    if (s.err == SL_REGISTRY_OK && !s.started)
        fail(&s, SL_REGISTRY_ERR_BAD_RESPONSE, "empty answer");
    if (s.err != SL_REGISTRY_OK)
        snprintf(errstr, errstr_size, "%s", s.why);
    return s.err;
}
