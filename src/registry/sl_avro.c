/*
 * The record's Avro schema and its codec on libavro (avro-c): schema parsing, encoding
 * and writer/reader resolution are libavro's (avro_schema_from_json_length, the generic
 * value classes, avro_resolved_writer_new). This file adds what libavro 1.11 lacks: reader
 * defaults (libavro refuses a reader field the writer does not have, so each writer is
 * resolved against a projection of the record's schema onto the fields it has, and the
 * others take their defaults), Avro's compatibility checks with clear messages, and a
 * bounds check of the bytes before libavro reads them.
 */
#include "sl_avro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avro.h>
#include <yajl/yajl_tree.h>

#include "sl_record_json.h"

/* ---- the schema: the one place ---------------------------------------------------- */

#define SL_AVRO_STRING "\"string\""
#define SL_AVRO_UUID "{\"type\": \"string\", \"logicalType\": \"uuid\"}"
#define SL_AVRO_REQUIRED ""
#define SL_AVRO_OPTIONAL ", \"default\": \"\""

/* (separator, key, type, default, doc), in the order of SL_FIELDS. */
#define SL_AVRO_FIELDS(X)                                                                          \
    X("", "id", SL_AVRO_UUID, SL_AVRO_REQUIRED,                                                    \
      "login.uuid of the API's user, canonical 8-4-4-4-12 hex; the message key and the "           \
      "table's primary key")                                                                       \
    X(",", "first_name", SL_AVRO_STRING, SL_AVRO_REQUIRED, "name.first; not blank")                \
    X(",", "last_name", SL_AVRO_STRING, SL_AVRO_REQUIRED, "name.last; not blank")                  \
    X(",", "gender", SL_AVRO_STRING, SL_AVRO_OPTIONAL, "gender as the API sends it; may be empty") \
    X(",", "address", SL_AVRO_STRING, SL_AVRO_OPTIONAL,                                            \
      "location as '{street.number} {street.name}, {city}, {state}, {country}'; may be empty")     \
    X(",", "post_code", SL_AVRO_STRING, SL_AVRO_OPTIONAL,                                          \
      "location.postcode as text (a number for some nationalities); may be empty")                 \
    X(",", "email", SL_AVRO_STRING, SL_AVRO_REQUIRED, "email, shaped like local@domain.tld")       \
    X(",", "username", SL_AVRO_STRING, SL_AVRO_OPTIONAL, "login.username; may be empty")           \
    X(",", "dob", SL_AVRO_STRING, SL_AVRO_REQUIRED, "dob.date, an ISO-8601 date or date-time")     \
    X(",", "registered_date", SL_AVRO_STRING, SL_AVRO_REQUIRED,                                    \
      "registered.date, an ISO-8601 date or date-time")                                            \
    X(",", "phone", SL_AVRO_STRING, SL_AVRO_OPTIONAL, "phone as the API sends it; may be empty")   \
    X(",", "picture", SL_AVRO_STRING, SL_AVRO_OPTIONAL, "picture.medium, a URL; may be empty")

#define SL_AVRO_NAME "User"
#define SL_AVRO_NAMESPACE "sluice"

#define SL_AVRO_FIELD_JSON_(sep, key, type, dflt, doc)                                             \
    sep "\n    {\"name\": \"" key "\", \"type\": " type dflt ", \"doc\": \"" doc "\"}"

static const char schema_text[] =
    "{\n"
    "  \"type\": \"record\",\n"
    "  \"name\": \"" SL_AVRO_NAME "\",\n"
    "  \"namespace\": \"" SL_AVRO_NAMESPACE "\",\n"
    "  \"doc\": \"One user of a randomuser-compatible API as sluice ingest flattens it: the "
    "value of a message on the users topic.\",\n"
    "  \"fields\": [" SL_AVRO_FIELDS(SL_AVRO_FIELD_JSON_) "\n  ]\n}";

#define SL_AVRO_KEY_(sep, key, type, dflt, doc) key,
static const char *const field_keys[] = {SL_AVRO_FIELDS(SL_AVRO_KEY_)};
#define SL_AVRO_HAS_DEFAULT_(sep, key, type, dflt, doc) (sizeof dflt > 1),
static const int field_defaults[] = {SL_AVRO_FIELDS(SL_AVRO_HAS_DEFAULT_)};

_Static_assert(sizeof field_keys / sizeof field_keys[0] == SL_FIELD_COUNT,
               "the Avro schema must have one field per record field");

const char *sl_avro_schema(void) {
    return schema_text;
}
size_t sl_avro_schema_len(void) {
    return sizeof schema_text - 1;
}

int sl_avro_field_has_default(sl_field_t field) {
    return (int)field >= 0 && (int)field < SL_FIELD_COUNT && field_defaults[field];
}

/* The record's schema parsed; the caller owns the reference. Checks that the keys are the
 * record's, in its order (the table above is written by hand). */
static avro_schema_t record_schema(char *errstr, size_t errstr_size) {
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        if (sl_field_lookup(field_keys[i], strlen(field_keys[i])) != (sl_field_t)i) {
            sl_err_format(errstr, errstr_size, "Avro field %d (%s) is not record field %d", i,
                          field_keys[i], i);
            return NULL;
        }
    }
    avro_schema_t s;
    if (avro_schema_from_json_length(schema_text, sizeof schema_text - 1, &s) != 0) {
        sl_err_format(errstr, errstr_size, "the record's Avro schema: %s", avro_strerror());
        return NULL;
    }
    return s;
}

/* ---- encoding ---------------------------------------------------------------------- */

struct sl_avro_encoder_s {
    int32_t id;
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t value;
    avro_value_t field[SL_FIELD_COUNT];
    avro_writer_t writer;
    int has_value;
};

sl_avro_encoder_t *sl_avro_encoder_new(int32_t schema_id, char *errstr, size_t errstr_size) {
    sl_avro_encoder_t *e = calloc(1, sizeof *e);
    if (!e) {
        sl_err_format(errstr, errstr_size, "out of memory");
        return NULL;
    }
    e->id = schema_id;
    e->schema = record_schema(errstr, errstr_size);
    if (!e->schema)
        goto fail;
    e->iface = avro_generic_class_from_schema(e->schema);
    if (!e->iface || avro_generic_value_new(e->iface, &e->value) != 0)
        goto fail_avro;
    e->has_value = 1;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        if (avro_value_get_by_index(&e->value, (size_t)i, &e->field[i], NULL) != 0)
            goto fail_avro;
    }
    static const char empty[1];
    e->writer = avro_writer_memory(empty, 0);
    if (!e->writer)
        goto fail_avro;
    return e;
fail_avro:
    sl_err_format(errstr, errstr_size, "Avro encoder: %s", avro_strerror());
fail:
    sl_avro_encoder_free(e);
    return NULL;
}

void sl_avro_encoder_free(sl_avro_encoder_t *e) {
    if (!e)
        return;
    if (e->writer)
        avro_writer_free(e->writer);
    if (e->has_value)
        avro_value_decref(&e->value);
    if (e->iface)
        avro_value_iface_decref(e->iface);
    if (e->schema)
        avro_schema_decref(e->schema);
    free(e);
}

sl_registry_err_t sl_avro_encoder_encode(sl_avro_encoder_t *e, const sl_record_t *rec,
                                         unsigned char *buf, size_t cap, size_t *len) {
    if (cap < SL_WIRE_HEADER_SIZE)
        return SL_REGISTRY_ERR_ENCODE;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        const sl_record_str_t *f = &rec->field[i];
        /* libavro's string sizes count the NUL; the views are NUL-terminated (ptr[len]) */
        if (avro_value_set_string_len(&e->field[i], f->ptr ? f->ptr : "",
                                      f->ptr ? f->len + 1 : 1) != 0)
            return SL_REGISTRY_ERR_ENCODE;
    }
    sl_wire_header(e->id, buf);
    avro_writer_memory_set_dest(e->writer, (const char *)buf + SL_WIRE_HEADER_SIZE,
                                (int64_t)(cap - SL_WIRE_HEADER_SIZE));
    if (avro_value_write(e->writer, &e->value) != 0)
        return SL_REGISTRY_ERR_ENCODE;
    *len = SL_WIRE_HEADER_SIZE + (size_t)avro_writer_tell(e->writer);
    return SL_REGISTRY_OK;
}

/* ---- compiling a writer schema ----------------------------------------------------- */

struct sl_avro_reader_s {
    avro_schema_t writer, projection;
    avro_value_iface_t *resolver, *dest_iface;
    avro_value_t resolved, dest;
    int has_resolved, has_dest;
    size_t n_mapped;
    sl_field_t mapped[SL_FIELD_COUNT]; /* projection field i is record field mapped[i] */
    unsigned defaulted;                /* bit per record field that takes its default */
    size_t n_wfields;
    avro_schema_t *wfields; /* the writer's top-level field types, looked up once */
};

static avro_schema_t deref(avro_schema_t s) {
    while (s && is_avro_link(s))
        s = avro_schema_link_target(s);
    return s;
}

/*
 * The shape of a writer schema, computed once per schema so that any message can be
 * walked in time and memory bounded by its length: the smallest encoding of a datum of
 * each type (an array of items that take no bytes could claim any count), and the number
 * of schema nodes a datum expands to (records used in many places are counted each time,
 * so a schema that multiplies them is refused). Records are memoized by pointer; a record
 * met again while it is being measured is a recursion, fine when a union, array or map
 * lies in between (every round then takes a byte), endless data otherwise.
 */
#define SL_AVRO_NODES_MAX 1024

typedef struct {
    avro_schema_t s;
    unsigned depth; /* where the record was entered */
    int done;
    int64_t min;
    uint32_t nodes;
} named_t;

typedef struct {
    named_t v[SL_AVRO_NODES_MAX];
    size_t n;
    char *errstr;
    size_t errstr_size;
} shape_t;

static int shape(shape_t *sh, avro_schema_t s, unsigned depth, unsigned guard, int64_t *min,
                 uint32_t *nodes);

/* A union, an array or a map: the children are behind a guard (a byte per datum). */
static int shape_children(shape_t *sh, avro_schema_t s, unsigned depth, uint32_t *nodes) {
    *nodes = 1;
    int64_t m;
    uint32_t k;
    if (is_avro_union(s)) {
        size_t n = avro_schema_union_size(s);
        if (n == 0) {
            sl_err_format(sh->errstr, sh->errstr_size, "writer schema has an empty union");
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (shape(sh, avro_schema_union_branch(s, (int)i), depth + 1, depth + 1, &m, &k) != 0)
                return -1;
            *nodes += k;
        }
    } else {
        avro_schema_t items =
            is_avro_map(s) ? avro_schema_map_values(s) : avro_schema_array_items(s);
        if (shape(sh, items, depth + 1, depth + 1, &m, &k) != 0)
            return -1;
        if (m == 0 && is_avro_array(s)) {
            sl_err_format(sh->errstr, sh->errstr_size,
                          "writer schema has an array of %s, whose items take no bytes: its length "
                          "cannot be bounded",
                          avro_schema_type_name(deref(items)));
            return -1;
        }
        *nodes += k + 1; /* a map's key */
    }
    if (*nodes > SL_AVRO_NODES_MAX) {
        sl_err_format(sh->errstr, sh->errstr_size, "writer schema expands to more than %d types",
                      SL_AVRO_NODES_MAX);
        return -1;
    }
    return 0;
}

static int shape_record(shape_t *sh, avro_schema_t s, unsigned depth, unsigned guard, int64_t *min,
                        uint32_t *nodes) {
    named_t *e = NULL;
    for (size_t i = 0; i < sh->n; i++)
        if (sh->v[i].s == s)
            e = &sh->v[i];
    if (e && e->done) {
        *min = e->min;
        *nodes = e->nodes;
        return 0;
    }
    if (e) {
        if (guard > e->depth) {
            *min = 1; /* the guard between takes a byte */
            *nodes = 1;
            return 0;
        }
        sl_err_format(sh->errstr, sh->errstr_size, "record %s contains itself: its data has no end",
                      avro_schema_name(s));
        return -1;
    }
    if (sh->n == SL_AVRO_NODES_MAX) {
        sl_err_format(sh->errstr, sh->errstr_size, "writer schema has more than %d records",
                      SL_AVRO_NODES_MAX);
        return -1;
    }
    e = &sh->v[sh->n++];
    e->s = s;
    e->depth = depth;
    int64_t sum = 0;
    uint32_t count = 1;
    size_t n = avro_schema_record_size(s);
    for (size_t i = 0; i < n; i++) {
        int64_t m;
        uint32_t k;
        if (shape(sh, avro_schema_record_field_get_by_index(s, (int)i), depth + 1, guard, &m, &k) !=
            0)
            return -1;
        sum += m;
        count += k;
        if (count > SL_AVRO_NODES_MAX) {
            sl_err_format(sh->errstr, sh->errstr_size,
                          "writer schema expands to more than %d types", SL_AVRO_NODES_MAX);
            return -1;
        }
    }
    e->done = 1;
    *min = e->min = sum;
    *nodes = e->nodes = count;
    return 0;
}

static int shape(shape_t *sh, avro_schema_t s, unsigned depth, unsigned guard, int64_t *min,
                 uint32_t *nodes) {
    s = deref(s);
    if (depth > SL_AVRO_DEPTH_MAX) {
        sl_err_format(sh->errstr, sh->errstr_size, "writer schema nests deeper than %d",
                      SL_AVRO_DEPTH_MAX);
        return -1;
    }
    *nodes = 1;
    switch (avro_typeof(s)) {
    case AVRO_NULL: *min = 0; return 0;
    case AVRO_BOOLEAN:
    case AVRO_INT32:
    case AVRO_INT64:
    case AVRO_STRING:
    case AVRO_BYTES:
    case AVRO_ENUM: *min = 1; return 0;
    case AVRO_FLOAT: *min = 4; return 0;
    case AVRO_DOUBLE: *min = 8; return 0;
    case AVRO_FIXED: *min = avro_schema_fixed_size(s); return 0;
    case AVRO_UNION:
    case AVRO_ARRAY:
    case AVRO_MAP: *min = 1; return shape_children(sh, s, depth, nodes);
    case AVRO_RECORD: return shape_record(sh, s, depth, guard, min, nodes);
    default:
        sl_err_format(sh->errstr, sh->errstr_size, "writer schema has a type libavro cannot read");
        return -1;
    }
}

/* Refuses writer schemas whose data cannot be walked in bounded time (see above). */
static int bounded(avro_schema_t s, char *errstr, size_t errstr_size) {
    shape_t *sh = calloc(1, sizeof *sh);
    if (!sh) {
        sl_err_format(errstr, errstr_size, "out of memory");
        return 0;
    }
    sh->errstr = errstr;
    sh->errstr_size = errstr_size;
    int64_t min;
    uint32_t nodes;
    int ok = shape(sh, s, 0, 0, &min, &nodes) == 0;
    free(sh);
    return ok;
}

/* Can a writer field of type s be read as the record's string field? Avro's rules: a
 * string; a union only if every branch can. (Avro also promotes bytes to string; libavro
 * 1.11 does not, so bytes is refused here rather than failing on every message.) */
static int readable_as_string(avro_schema_t s, const char **why) {
    s = deref(s);
    if (is_avro_string(s))
        return 1;
    if (is_avro_union(s)) {
        size_t n = avro_schema_union_size(s);
        for (size_t i = 0; i < n; i++) {
            if (!is_avro_string(deref(avro_schema_union_branch(s, (int)i)))) {
                *why = "a union with a branch that is not a string";
                return 0;
            }
        }
        if (n > 0)
            return 1;
    }
    *why = is_avro_bytes(s) ? "bytes (libavro cannot promote bytes to string)" : NULL;
    return 0;
}

/* Maps the record's fields onto the writer's and builds the projection. */
static int project(sl_avro_reader_t *rd, char *errstr, size_t errstr_size) {
    avro_schema_t w = rd->writer;
    if (!is_avro_record(w)) {
        sl_err_format(errstr, errstr_size, "writer schema is a %s, not a record",
                      avro_schema_type_name(w));
        return 0;
    }
    if (strcmp(avro_schema_name(w), SL_AVRO_NAME) != 0) {
        sl_err_format(errstr, errstr_size,
                      "writer record is named %s, the record's is " SL_AVRO_NAME,
                      avro_schema_name(w));
        return 0;
    }
    rd->projection = avro_schema_record(SL_AVRO_NAME, SL_AVRO_NAMESPACE);
    avro_schema_t str = avro_schema_string();
    if (!rd->projection || !str) {
        if (str)
            avro_schema_decref(str);
        sl_err_format(errstr, errstr_size, "out of memory");
        return 0;
    }
    int ok = 1;
    for (int f = 0; f < SL_FIELD_COUNT && ok; f++) {
        int wi = avro_schema_record_field_get_index(w, field_keys[f]);
        if (wi < 0) {
            if (field_defaults[f]) {
                rd->defaulted |= 1u << f;
                continue;
            }
            sl_err_format(errstr, errstr_size,
                          "writer schema has no field %s and the record's gives it no default",
                          field_keys[f]);
            ok = 0;
            break;
        }
        const char *why = NULL;
        avro_schema_t wt = avro_schema_record_field_get_by_index(w, wi);
        if (!readable_as_string(wt, &why)) {
            sl_err_format(errstr, errstr_size, "writer field %s is %s; the record's is a string",
                          field_keys[f], why ? why : avro_schema_type_name(deref(wt)));
            ok = 0;
            break;
        }
        if (avro_schema_record_field_append(rd->projection, field_keys[f], str) != 0) {
            sl_err_format(errstr, errstr_size, "projection: %s", avro_strerror());
            ok = 0;
            break;
        }
        rd->mapped[rd->n_mapped++] = (sl_field_t)f;
    }
    avro_schema_decref(str);
    return ok;
}

/*
 * A look at the writer schema's JSON before libavro parses it. libavro 1.11 leaks the
 * first definition when a named type (record, enum, fixed) is defined twice, and its
 * parser recurses as deep as the text nests; no registry accepts either, but the text
 * comes from outside. So: nesting bounded, and each full name defined once.
 */
typedef struct {
    char names[SL_AVRO_NODES_MAX][128];
    size_t n;
    char *errstr;
    size_t errstr_size;
} defs_t;

static const char *member_str(yajl_val obj, const char *key) {
    const char *path[] = {key, NULL};
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

static int define(defs_t *d, const char *ns, const char *name, char *out_ns, size_t out_size) {
    char full[128];
    const char *dot = strrchr(name, '.');
    if (dot)
        snprintf(full, sizeof full, "%s", name);
    else if (ns && *ns)
        snprintf(full, sizeof full, "%s.%s", ns, name);
    else
        snprintf(full, sizeof full, "%s", name);
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->names[i], full) == 0) {
            sl_err_format(d->errstr, d->errstr_size, "writer schema defines %s twice", full);
            return 0;
        }
    }
    if (d->n == SL_AVRO_NODES_MAX) {
        sl_err_format(d->errstr, d->errstr_size, "writer schema defines too many types");
        return 0;
    }
    snprintf(d->names[d->n++], sizeof d->names[0], "%s", full);
    /* the namespace names nested inside take by default */
    const char *last = strrchr(full, '.');
    snprintf(out_ns, out_size, "%.*s", last ? (int)(last - full) : 0, full);
    return 1;
}

/* JSON levels a schema of SL_AVRO_DEPTH_MAX Avro levels may take (object, fields, field,
 * type per level). */
#define SL_AVRO_JSON_DEPTH_MAX (4 * SL_AVRO_DEPTH_MAX)

/* Nesting of the text's arrays and objects, counted before any tree is built (yajl_tree
 * frees recursively). */
static int json_depth_ok(const char *s, size_t len) {
    unsigned depth = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > SL_AVRO_JSON_DEPTH_MAX)
                return 0;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 1;
}

static int defs_walk(defs_t *d, yajl_val v, const char *ns, unsigned depth) {
    if (depth > SL_AVRO_JSON_DEPTH_MAX)
        return 1; /* cannot happen after json_depth_ok() */
    if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < YAJL_GET_ARRAY(v)->len; i++)
            if (!defs_walk(d, YAJL_GET_ARRAY(v)->values[i], ns, depth + 1))
                return 0;
        return 1;
    }
    if (!YAJL_IS_OBJECT(v))
        return 1;
    char inner[128];
    snprintf(inner, sizeof inner, "%s", ns);
    const char *type = member_str(v, "type");
    const char *name = member_str(v, "name");
    if (type && name &&
        (!strcmp(type, "record") || !strcmp(type, "error") || !strcmp(type, "enum") ||
         !strcmp(type, "fixed"))) {
        const char *own = member_str(v, "namespace");
        if (!define(d, own ? own : ns, name, inner, sizeof inner))
            return 0;
    }
    /* every member's value may hold type definitions: fields, items, values, type */
    for (size_t i = 0; i < YAJL_GET_OBJECT(v)->len; i++)
        if (!defs_walk(d, YAJL_GET_OBJECT(v)->values[i], inner, depth + 1))
            return 0;
    return 1;
}

static int schema_json_ok(const char *text, size_t len, char *errstr, size_t errstr_size) {
    char *copy = malloc(len + 1);
    defs_t *d = calloc(1, sizeof *d);
    int ok = 0;
    if (!copy || !d) {
        sl_err_format(errstr, errstr_size, "out of memory");
        goto out;
    }
    if (!json_depth_ok(text, len)) {
        sl_err_format(errstr, errstr_size, "writer schema nests deeper than %d",
                      SL_AVRO_JSON_DEPTH_MAX);
        goto out;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    char why[128] = "";
    yajl_val root = yajl_tree_parse(copy, why, sizeof why);
    if (!root) {
        why[strcspn(why, "\n")] = '\0';
        sl_err_format(errstr, errstr_size, "writer schema is not JSON: %s", why);
        goto out;
    }
    d->errstr = errstr;
    d->errstr_size = errstr_size;
    ok = defs_walk(d, root, "", 0);
    yajl_tree_free(root);
out:
    free(copy);
    free(d);
    return ok;
}

sl_avro_reader_t *sl_avro_reader_new(const char *writer_schema, size_t len, sl_registry_err_t *err,
                                     char *errstr, size_t errstr_size) {
    sl_registry_err_t e = SL_REGISTRY_ERR_RESOLVE;
    sl_avro_reader_t *rd = calloc(1, sizeof *rd);
    if (!rd) {
        *err = SL_REGISTRY_ERR_NOMEM;
        sl_err_format(errstr, errstr_size, "out of memory");
        return NULL;
    }
    if (!schema_json_ok(writer_schema, len, errstr, errstr_size)) {
        e = SL_REGISTRY_ERR_SCHEMA_PARSE;
        goto fail;
    }
    if (avro_schema_from_json_length(writer_schema, len, &rd->writer) != 0) {
        rd->writer = NULL;
        e = SL_REGISTRY_ERR_SCHEMA_PARSE;
        sl_err_format(errstr, errstr_size, "writer schema: %s", avro_strerror());
        goto fail;
    }
    if (!project(rd, errstr, errstr_size) || !bounded(rd->writer, errstr, errstr_size))
        goto fail;
    rd->n_wfields = avro_schema_record_size(rd->writer);
    rd->wfields = calloc(rd->n_wfields ? rd->n_wfields : 1, sizeof *rd->wfields);
    if (!rd->wfields) {
        e = SL_REGISTRY_ERR_NOMEM;
        sl_err_format(errstr, errstr_size, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < rd->n_wfields; i++)
        rd->wfields[i] = avro_schema_record_field_get_by_index(rd->writer, (int)i);
    rd->resolver = avro_resolved_writer_new(rd->writer, rd->projection);
    if (!rd->resolver) {
        sl_err_format(errstr, errstr_size, "%s", avro_strerror());
        goto fail;
    }
    rd->dest_iface = avro_generic_class_from_schema(rd->projection);
    e = SL_REGISTRY_ERR_NOMEM;
    if (!rd->dest_iface || avro_resolved_writer_new_value(rd->resolver, &rd->resolved) != 0) {
        sl_err_format(errstr, errstr_size, "libavro: %s", avro_strerror());
        goto fail;
    }
    rd->has_resolved = 1;
    if (avro_generic_value_new(rd->dest_iface, &rd->dest) != 0) {
        sl_err_format(errstr, errstr_size, "libavro: %s", avro_strerror());
        goto fail;
    }
    rd->has_dest = 1;
    avro_resolved_writer_set_dest(&rd->resolved, &rd->dest);
    return rd;
fail:
    *err = e;
    sl_avro_reader_free(rd);
    return NULL;
}

void sl_avro_reader_free(sl_avro_reader_t *rd) {
    if (!rd)
        return;
    if (rd->has_resolved)
        avro_value_decref(&rd->resolved);
    if (rd->has_dest)
        avro_value_decref(&rd->dest);
    if (rd->dest_iface)
        avro_value_iface_decref(rd->dest_iface);
    if (rd->resolver)
        avro_value_iface_decref(rd->resolver);
    if (rd->projection)
        avro_schema_decref(rd->projection);
    if (rd->writer)
        avro_schema_decref(rd->writer);
    free(rd->wfields);
    free(rd);
}

/* ---- the bounds check -------------------------------------------------------------- */

typedef struct {
    const unsigned char *p, *end;
    char *errstr;
    size_t errstr_size;
} in_t;

static int bad(in_t *in, const char *what) {
    sl_err_format(in->errstr, in->errstr_size, "%s", what);
    return 0;
}

/* A zigzag varint of at most 10 bytes, as Avro writes int and long. */
static int varint(in_t *in, int64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (in->p >= in->end)
            return bad(in, "truncated number");
        unsigned char b = *in->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
            return 1;
        }
    }
    return bad(in, "number longer than 10 bytes");
}

static int skip(in_t *in, int64_t n, const char *what) {
    if (n < 0 || n > in->end - in->p)
        return bad(in, what);
    in->p += n;
    return 1;
}

static int datum(in_t *in, avro_schema_t s, unsigned depth);

/* The blocks of an array or map: counts, optional byte sizes, then the items. */
static int blocks(in_t *in, avro_schema_t s, unsigned depth) {
    int is_map = is_avro_map(s);
    avro_schema_t items = is_map ? avro_schema_map_values(s) : avro_schema_array_items(s);
    for (;;) {
        int64_t count;
        if (!varint(in, &count))
            return 0;
        if (count == 0)
            return 1;
        if (count < 0) {
            int64_t size;
            if (count == INT64_MIN || !varint(in, &size))
                return bad(in, "bad block count");
            if (size < 0 || size > in->end - in->p)
                return bad(in, "block size past the end");
            count = -count;
        }
        /* every item takes at least one byte (bounded() made sure), so a count beyond
         * what is left is a lie */
        if (count > in->end - in->p)
            return bad(in, "block count past the end");
        for (int64_t i = 0; i < count; i++) {
            if (is_map) {
                int64_t klen;
                if (!varint(in, &klen) || !skip(in, klen, "map key past the end"))
                    return 0;
            }
            if (!datum(in, items, depth + 1))
                return 0;
        }
    }
}

static int datum(in_t *in, avro_schema_t s, unsigned depth) {
    if (depth > SL_AVRO_DEPTH_MAX)
        return bad(in, "nested deeper than the limit");
    s = deref(s);
    int64_t v;
    switch (avro_typeof(s)) {
    case AVRO_NULL: return 1;
    case AVRO_BOOLEAN:
        if (in->p >= in->end || *in->p > 1)
            return bad(in, "bad boolean");
        in->p++;
        return 1;
    case AVRO_INT32:
        if (!varint(in, &v))
            return 0;
        return v >= INT32_MIN && v <= INT32_MAX ? 1 : bad(in, "int out of range");
    case AVRO_INT64: return varint(in, &v);
    case AVRO_FLOAT: return skip(in, 4, "truncated float");
    case AVRO_DOUBLE: return skip(in, 8, "truncated double");
    case AVRO_STRING:
    case AVRO_BYTES: return varint(in, &v) && skip(in, v, "string length past the end");
    case AVRO_FIXED: return skip(in, avro_schema_fixed_size(s), "truncated fixed");
    case AVRO_ENUM:
        if (!varint(in, &v))
            return 0;
        return v >= 0 && v < avro_schema_enum_number_of_symbols(s)
                   ? 1
                   : bad(in, "enum index out of range");
    case AVRO_UNION:
        if (!varint(in, &v))
            return 0;
        if (v < 0 || (uint64_t)v >= avro_schema_union_size(s))
            return bad(in, "union index out of range");
        return datum(in, avro_schema_union_branch(s, (int)v), depth + 1);
    case AVRO_RECORD: {
        size_t n = avro_schema_record_size(s);
        for (size_t i = 0; i < n; i++) {
            if (!datum(in, avro_schema_record_field_get_by_index(s, (int)i), depth + 1))
                return 0;
        }
        return 1;
    }
    case AVRO_ARRAY:
    case AVRO_MAP: return blocks(in, s, depth + 1);
    default: return bad(in, "type not supported");
    }
}

int sl_avro_reader_check(const sl_avro_reader_t *rd, const unsigned char *payload, size_t len,
                         char *errstr, size_t errstr_size) {
    in_t in = {payload, payload + len, errstr, errstr_size};
    for (size_t i = 0; i < rd->n_wfields; i++) {
        if (!datum(&in, rd->wfields[i], 1))
            return -1;
    }
    if (in.p != in.end) {
        sl_err_format(errstr, errstr_size, "%zu bytes after the record", (size_t)(in.end - in.p));
        return -1;
    }
    return 0;
}

/* ---- decoding ---------------------------------------------------------------------- */

sl_reject_t sl_avro_reader_decode(sl_avro_reader_t *rd, const unsigned char *payload, size_t len,
                                  sl_record_t *out, char *scratch, size_t scratch_size,
                                  sl_field_t *field, char *errstr, size_t errstr_size) {
    static const char empty[1] = "";
    if (field)
        *field = SL_FIELD_NONE;
    memset(out, 0, sizeof *out);
    if (len > SL_RECORD_JSON_MSG_MAX) {
        sl_err_format(errstr, errstr_size, "message of %zu bytes", len);
        return SL_REJECT_TOO_LARGE;
    }
    if (sl_avro_reader_check(rd, payload, len, errstr, errstr_size) != 0)
        return SL_REJECT_BAD_AVRO;
    avro_reader_t r = avro_reader_memory((const char *)payload, (int64_t)len);
    if (!r) {
        sl_err_format(errstr, errstr_size, "out of memory");
        return SL_REJECT_BAD_AVRO;
    }
    int rc = avro_value_read(r, &rd->resolved);
    avro_reader_free(r);
    if (rc != 0) {
        sl_err_format(errstr, errstr_size, "libavro: %s", avro_strerror());
        return SL_REJECT_BAD_AVRO;
    }
    size_t used = 0;
    for (size_t i = 0; i < rd->n_mapped; i++) {
        sl_field_t f = rd->mapped[i];
        avro_value_t v;
        const char *s = NULL;
        size_t size = 0;
        if (avro_value_get_by_index(&rd->dest, i, &v, NULL) != 0 ||
            avro_value_get_string(&v, &s, &size) != 0) {
            sl_err_format(errstr, errstr_size, "libavro: %s", avro_strerror());
            return SL_REJECT_BAD_AVRO;
        }
        size_t n = size > 0 ? size - 1 : 0; /* libavro's size counts the NUL */
        if (n > SL_RECORD_FIELD_MAX || n + 1 > scratch_size - used) {
            if (field)
                *field = f;
            return n > SL_RECORD_FIELD_MAX ? SL_REJECT_FIELD_TOO_LONG : SL_REJECT_RECORD_TOO_LONG;
        }
        memcpy(scratch + used, s ? s : "", n);
        scratch[used + n] = '\0';
        out->field[f].ptr = scratch + used;
        out->field[f].len = n;
        used += n + 1;
    }
    for (int f = 0; f < SL_FIELD_COUNT; f++) {
        if (rd->defaulted & (1u << f)) {
            out->field[f].ptr = empty;
            out->field[f].len = 0;
        }
    }
    return sl_record_validate(out, field);
}
