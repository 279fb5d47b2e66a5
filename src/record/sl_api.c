/*
 * API body -> records with yajl's callback parser. A small stack of "what container
 * am I in" nodes replaces a document tree: keys of interest select a source slot or a
 * child node, everything else is skipped as it streams by. One user's source values
 * are copied into a fixed arena that is reused for the next user, so memory does not
 * depend on the body (apart from what yajl buffers for a token split across chunks).
 */
#include "sl_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

/* Source values of one user, in the order of the address they partly build. */
enum {
    SRC_UUID,
    SRC_FIRST,
    SRC_LAST,
    SRC_GENDER,
    SRC_STREET_NUMBER,
    SRC_STREET_NAME,
    SRC_CITY,
    SRC_STATE,
    SRC_COUNTRY,
    SRC_POSTCODE,
    SRC_EMAIL,
    SRC_USERNAME,
    SRC_DOB,
    SRC_REGISTERED,
    SRC_PHONE,
    SRC_PICTURE,
    SRC_COUNT
};

static const sl_field_t src_field[SRC_COUNT] = {
    [SRC_UUID] = SL_FIELD_ID,
    [SRC_FIRST] = SL_FIELD_FIRST_NAME,
    [SRC_LAST] = SL_FIELD_LAST_NAME,
    [SRC_GENDER] = SL_FIELD_GENDER,
    [SRC_STREET_NUMBER] = SL_FIELD_ADDRESS,
    [SRC_STREET_NAME] = SL_FIELD_ADDRESS,
    [SRC_CITY] = SL_FIELD_ADDRESS,
    [SRC_STATE] = SL_FIELD_ADDRESS,
    [SRC_COUNTRY] = SL_FIELD_ADDRESS,
    [SRC_POSTCODE] = SL_FIELD_POST_CODE,
    [SRC_EMAIL] = SL_FIELD_EMAIL,
    [SRC_USERNAME] = SL_FIELD_USERNAME,
    [SRC_DOB] = SL_FIELD_DOB,
    [SRC_REGISTERED] = SL_FIELD_REGISTERED_DATE,
    [SRC_PHONE] = SL_FIELD_PHONE,
    [SRC_PICTURE] = SL_FIELD_PICTURE,
};

/* Containers on the stack. */
typedef enum {
    N_SKIP,
    N_ROOT,
    N_RESULTS,
    N_USER,
    N_NAME,
    N_LOCATION,
    N_STREET,
    N_LOGIN,
    N_DOB,
    N_REGISTERED,
    N_PICTURE,
    N_INFO,
} node_t;

/* What the value after the last key means. */
typedef enum {
    W_SKIP,
    W_SLOT, /* arg: SRC_* */
    W_NODE, /* arg: node_t of a user sub-object */
    W_RESULTS,
    W_ERROR,
    W_INFO,
    W_INFO_SEED,
    W_INFO_VERSION,
    W_INFO_RESULTS,
    W_INFO_PAGE,
} want_t;

/* Slot bytes: a record's fields add up to at most SL_RECORD_MAX, and every slot is
 * part of exactly one field, so slots beyond that can only belong to a reject. */
#define ARENA_SIZE (SL_RECORD_MAX + SRC_COUNT)
#define ADDRESS_SIZE (ARENA_SIZE + 8) /* the 5 address slots plus ", " x3, " ", NUL */

struct sl_api_parser_s {
    yajl_handle h;
    sl_api_user_cb cb;
    void *opaque;

    sl_api_err_t err;
    char err_detail[SL_API_ERRMSG_MAX + 64];
    int finished;
    size_t offset; /* bytes fed before the current chunk */
    size_t max_body;

    node_t stack[SL_API_MAX_DEPTH + 1];
    int depth;
    want_t want;
    int want_arg;
    int seen_results, seen_info, seen_error;
    char errmsg[SL_API_ERRMSG_MAX];

    /* the user being collected */
    size_t index;
    int slot_set[SRC_COUNT];
    size_t slot_off[SRC_COUNT], slot_len[SRC_COUNT];
    size_t arena_used;
    sl_reject_t user_reject; /* first structural problem seen, or NONE */
    sl_field_t user_reject_field;
    char arena[ARENA_SIZE];
    char address[ADDRESS_SIZE];

    sl_api_info_t info;
    sl_api_stats_t stats;
};

SL_ERR_DEFINE_STR(sl_api_err_str, sl_api_err_t, SL_API_ERRORS)

int sl_api_err_is_retriable(sl_api_err_t err) {
    return err == SL_API_ERR_TRUNCATED || err == SL_API_ERR_API_ERROR;
}

/* Records a body-level error; returns 0 so that callbacks can "return stop(...)". */
static int stop(sl_api_parser_t *p, sl_api_err_t err, const char *detail) {
    if (p->err == SL_API_ERR_OK) {
        p->err = err;
        snprintf(p->err_detail, sizeof p->err_detail, "%s", detail);
    }
    return 0;
}

static int key_is(const unsigned char *k, size_t len, const char *lit) {
    return strlen(lit) == len && memcmp(k, lit, len) == 0;
}

static void user_problem(sl_api_parser_t *p, sl_reject_t r, sl_field_t f) {
    if (p->user_reject == SL_REJECT_NONE) {
        p->user_reject = r;
        p->user_reject_field = f;
    }
}

/* The field reported when a whole sub-object has the wrong type. */
static sl_field_t node_field(int node) {
    switch (node) {
    case N_NAME: return SL_FIELD_FIRST_NAME;
    case N_LOCATION:
    case N_STREET: return SL_FIELD_ADDRESS;
    case N_LOGIN: return SL_FIELD_ID;
    case N_DOB: return SL_FIELD_DOB;
    case N_REGISTERED: return SL_FIELD_REGISTERED_DATE;
    case N_PICTURE: return SL_FIELD_PICTURE;
    default: return SL_FIELD_NONE;
    }
}

static void begin_user(sl_api_parser_t *p) {
    memset(p->slot_set, 0, sizeof p->slot_set);
    p->arena_used = 0;
    p->user_reject = SL_REJECT_NONE;
    p->user_reject_field = SL_FIELD_NONE;
}

/* Hands one user to the callback and counts it. Returns 0 if the callback stopped. */
static int deliver(sl_api_parser_t *p, const sl_record_t *rec, sl_reject_t r, sl_field_t f) {
    p->stats.users++;
    if (r == SL_REJECT_NONE)
        p->stats.accepted++;
    else
        p->stats.rejected++;
    p->stats.by_reason[r]++;
    size_t index = p->index++;
    if (p->cb(p->opaque, index, rec, r, f) != 0)
        return stop(p, SL_API_ERR_CANCELLED, "user callback returned non-zero");
    return 1;
}

static int deliver_non_object(sl_api_parser_t *p) {
    sl_record_t rec;
    memset(&rec, 0, sizeof rec);
    return deliver(p, &rec, SL_REJECT_WRONG_TYPE, SL_FIELD_NONE);
}

static sl_record_str_t slot(const sl_api_parser_t *p, int s) {
    sl_record_str_t v = {NULL, 0};
    if (p->slot_set[s]) {
        v.ptr = p->arena + p->slot_off[s];
        v.len = p->slot_len[s];
    }
    return v;
}

static void append(char *buf, size_t *at, sl_record_str_t v) {
    memcpy(buf + *at, v.ptr, v.len);
    *at += v.len;
}

static int end_user(sl_api_parser_t *p) {
    sl_record_t rec;
    memset(&rec, 0, sizeof rec);
    int have_all = 1;
    sl_field_t missing = SL_FIELD_NONE;
    for (int s = 0; s < SRC_COUNT; s++) {
        if (!p->slot_set[s]) {
            if (have_all)
                missing = src_field[s];
            have_all = 0;
            continue;
        }
        if (src_field[s] != SL_FIELD_ADDRESS)
            rec.field[src_field[s]] = slot(p, s);
    }
    if (p->slot_set[SRC_STREET_NUMBER] && p->slot_set[SRC_STREET_NAME] && p->slot_set[SRC_CITY] &&
        p->slot_set[SRC_STATE] && p->slot_set[SRC_COUNTRY]) {
        /* Slots total at most ARENA_SIZE - SRC_COUNT bytes, separators add 7. */
        size_t at = 0;
        append(p->address, &at, slot(p, SRC_STREET_NUMBER));
        p->address[at++] = ' ';
        append(p->address, &at, slot(p, SRC_STREET_NAME));
        static const int rest[] = {SRC_CITY, SRC_STATE, SRC_COUNTRY};
        for (int i = 0; i < 3; i++) {
            p->address[at++] = ',';
            p->address[at++] = ' ';
            append(p->address, &at, slot(p, rest[i]));
        }
        p->address[at] = '\0';
        rec.field[SL_FIELD_ADDRESS].ptr = p->address;
        rec.field[SL_FIELD_ADDRESS].len = at;
    }
    sl_reject_t r = p->user_reject;
    sl_field_t f = p->user_reject_field;
    if (r == SL_REJECT_NONE && !have_all) {
        r = missing == SL_FIELD_ID ? SL_REJECT_MISSING_ID : SL_REJECT_MISSING_FIELD;
        f = missing;
    }
    if (r == SL_REJECT_NONE)
        r = sl_record_validate(&rec, &f);
    return deliver(p, &rec, r, f);
}

/* Stores a scalar for slot s; text is NULL for a JSON null (counts as missing). */
static void set_slot(sl_api_parser_t *p, int s, const char *text, size_t len) {
    if (!text)
        return;
    if (p->slot_set[s]) {
        user_problem(p, SL_REJECT_DUPLICATE_KEY, src_field[s]);
        return;
    }
    if (len > SL_RECORD_FIELD_MAX) {
        user_problem(p, SL_REJECT_FIELD_TOO_LONG, src_field[s]);
        return;
    }
    if (len + 1 > ARENA_SIZE - p->arena_used) {
        user_problem(p, SL_REJECT_RECORD_TOO_LONG, SL_FIELD_NONE);
        return;
    }
    memcpy(p->arena + p->arena_used, text, len);
    p->arena[p->arena_used + len] = '\0';
    p->slot_off[s] = p->arena_used;
    p->slot_len[s] = len;
    p->slot_set[s] = 1;
    p->arena_used += len + 1;
}

static void copy_info_str(char *dst, const char *s, size_t len) {
    if (len > SL_API_INFO_STR_MAX - 1)
        len = SL_API_INFO_STR_MAX - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* Integer from a JSON number's text; -1 if it has a fraction, exponent or overflows. */
static long long info_int(const char *s, size_t len) {
    long long v = 0;
    if (len == 0 || len > 18)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

enum scalar_kind { K_NULL, K_BOOL, K_NUMBER, K_STRING };

/* Every scalar value goes through here. */
static int on_scalar(sl_api_parser_t *p, enum scalar_kind kind, const char *s, size_t len) {
    if (p->depth == 0)
        return stop(p, SL_API_ERR_NOT_OBJECT, "top-level value is not an object");
    node_t top = p->stack[p->depth];
    if (top == N_SKIP)
        return 1;
    if (top == N_RESULTS)
        return deliver_non_object(p);
    switch (p->want) {
    case W_SKIP: return 1;
    case W_SLOT:
        if (kind == K_STRING ||
            (kind == K_NUMBER && (p->want_arg == SRC_POSTCODE || p->want_arg == SRC_STREET_NUMBER)))
            set_slot(p, p->want_arg, s, len);
        else if (kind == K_NULL)
            set_slot(p, p->want_arg, NULL, 0);
        else
            user_problem(p, SL_REJECT_WRONG_TYPE, src_field[p->want_arg]);
        return 1;
    case W_NODE:
        if (kind != K_NULL)
            user_problem(p, SL_REJECT_WRONG_TYPE, node_field(p->want_arg));
        return 1;
    case W_RESULTS: return stop(p, SL_API_ERR_RESULTS_NOT_ARRAY, "\"results\" is a scalar");
    case W_ERROR:
        if (kind == K_NULL)
            return 1; /* "error": null is no error */
        p->seen_error = 1;
        if (kind == K_STRING) {
            size_t n = len < sizeof p->errmsg ? len : sizeof p->errmsg - 1;
            memcpy(p->errmsg, s, n);
            p->errmsg[n] = '\0';
        }
        return 1;
    case W_INFO: return 1;
    case W_INFO_SEED:
        if (kind == K_STRING)
            copy_info_str(p->info.seed, s, len);
        return 1;
    case W_INFO_VERSION:
        if (kind == K_STRING)
            copy_info_str(p->info.version, s, len);
        return 1;
    case W_INFO_RESULTS:
        if (kind == K_NUMBER)
            p->info.results = info_int(s, len);
        return 1;
    case W_INFO_PAGE:
        if (kind == K_NUMBER)
            p->info.page = info_int(s, len);
        return 1;
    }
    return 1;
}

static int cb_null(void *ctx) {
    return on_scalar(ctx, K_NULL, NULL, 0);
}

static int cb_boolean(void *ctx, int v) {
    (void)v;
    return on_scalar(ctx, K_BOOL, "", 0);
}

static int cb_number(void *ctx, const char *s, size_t len) {
    return on_scalar(ctx, K_NUMBER, s, len);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len) {
    return on_scalar(ctx, K_STRING, (const char *)s, len);
}

static int push(sl_api_parser_t *p, node_t n) {
    if (p->depth >= SL_API_MAX_DEPTH)
        return stop(p, SL_API_ERR_TOO_DEEP, "nesting deeper than the limit");
    p->stack[++p->depth] = n;
    p->want = W_SKIP;
    return 1;
}

/* A container starts; is_map tells an object from an array. */
static int on_open(sl_api_parser_t *p, int is_map) {
    if (p->depth == 0) {
        if (!is_map)
            return stop(p, SL_API_ERR_NOT_OBJECT, "top-level value is an array");
        return push(p, N_ROOT);
    }
    node_t top = p->stack[p->depth];
    if (top == N_SKIP)
        return push(p, N_SKIP);
    if (top == N_RESULTS) {
        if (is_map) {
            begin_user(p);
            return push(p, N_USER);
        }
        return deliver_non_object(p) && push(p, N_SKIP);
    }
    switch (p->want) {
    case W_SLOT:
        user_problem(p, SL_REJECT_WRONG_TYPE, src_field[p->want_arg]);
        return push(p, N_SKIP);
    case W_NODE:
        if (is_map)
            return push(p, (node_t)p->want_arg);
        user_problem(p, SL_REJECT_WRONG_TYPE, node_field(p->want_arg));
        return push(p, N_SKIP);
    case W_RESULTS:
        if (is_map)
            return stop(p, SL_API_ERR_RESULTS_NOT_ARRAY, "\"results\" is an object");
        return push(p, N_RESULTS);
    case W_ERROR: p->seen_error = 1; return push(p, N_SKIP);
    case W_INFO:
        if (is_map) {
            p->info.present = 1;
            return push(p, N_INFO);
        }
        return push(p, N_SKIP);
    default: return push(p, N_SKIP);
    }
}

static int cb_start_map(void *ctx) {
    return on_open(ctx, 1);
}
static int cb_start_array(void *ctx) {
    return on_open(ctx, 0);
}

static int on_close(sl_api_parser_t *p) {
    node_t closed = p->stack[p->depth--];
    p->want = W_SKIP;
    if (closed == N_USER)
        return end_user(p);
    return 1;
}

static int cb_end_map(void *ctx) {
    return on_close(ctx);
}
static int cb_end_array(void *ctx) {
    return on_close(ctx);
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t len) {
    sl_api_parser_t *p = ctx;
    want_t w = W_SKIP;
    int arg = 0;
#define SLOT(name, s)                                                                              \
    if (key_is(k, len, name)) {                                                                    \
        w = W_SLOT;                                                                                \
        arg = s;                                                                                   \
    }
#define NODE(name, n)                                                                              \
    if (key_is(k, len, name)) {                                                                    \
        w = W_NODE;                                                                                \
        arg = n;                                                                                   \
    }
    switch (p->stack[p->depth]) {
    case N_ROOT:
        if (key_is(k, len, "results")) {
            if (p->seen_results)
                return stop(p, SL_API_ERR_MALFORMED, "duplicate key \"results\"");
            p->seen_results = 1;
            w = W_RESULTS;
        } else if (key_is(k, len, "error")) {
            w = W_ERROR;
        } else if (key_is(k, len, "info") && !p->seen_info) {
            p->seen_info = 1;
            w = W_INFO;
        }
        break;
    case N_USER:
        SLOT("gender", SRC_GENDER)
        SLOT("email", SRC_EMAIL)
        SLOT("phone", SRC_PHONE)
        NODE("name", N_NAME)
        NODE("location", N_LOCATION)
        NODE("login", N_LOGIN)
        NODE("dob", N_DOB)
        NODE("registered", N_REGISTERED)
        NODE("picture", N_PICTURE)
        break;
    case N_NAME:
        SLOT("first", SRC_FIRST)
        SLOT("last", SRC_LAST)
        break;
    case N_LOCATION:
        NODE("street", N_STREET)
        SLOT("city", SRC_CITY)
        SLOT("state", SRC_STATE)
        SLOT("country", SRC_COUNTRY)
        SLOT("postcode", SRC_POSTCODE)
        break;
    case N_STREET:
        SLOT("number", SRC_STREET_NUMBER)
        SLOT("name", SRC_STREET_NAME)
        break;
    case N_LOGIN:
        SLOT("uuid", SRC_UUID)
        SLOT("username", SRC_USERNAME)
        break;
    case N_DOB:
    case N_REGISTERED: SLOT("date", p->stack[p->depth] == N_DOB ? SRC_DOB : SRC_REGISTERED) break;
    case N_PICTURE: SLOT("medium", SRC_PICTURE) break;
    case N_INFO:
        if (key_is(k, len, "seed"))
            w = W_INFO_SEED;
        else if (key_is(k, len, "version"))
            w = W_INFO_VERSION;
        else if (key_is(k, len, "results"))
            w = W_INFO_RESULTS;
        else if (key_is(k, len, "page"))
            w = W_INFO_PAGE;
        break;
    default: break;
    }
#undef SLOT
#undef NODE
    p->want = w;
    p->want_arg = arg;
    return 1;
}

static const yajl_callbacks callbacks = {
    cb_null,      cb_boolean, NULL,       NULL,           cb_number,    cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array,
};

static void clear_body(sl_api_parser_t *p) {
    p->err = SL_API_ERR_OK;
    p->err_detail[0] = '\0';
    p->finished = 0;
    p->offset = 0;
    p->depth = 0;
    p->want = W_SKIP;
    p->want_arg = 0;
    p->seen_results = p->seen_info = p->seen_error = 0;
    p->errmsg[0] = '\0';
    p->index = 0;
    begin_user(p);
    memset(&p->info, 0, sizeof p->info);
    p->info.results = -1;
    p->info.page = -1;
    memset(&p->stats, 0, sizeof p->stats);
}

static int open_handle(sl_api_parser_t *p) {
    p->h = yajl_alloc(&callbacks, NULL, p);
    return p->h != NULL;
}

sl_api_parser_t *sl_api_parser_new(sl_api_user_cb cb, void *opaque) {
    if (!cb)
        return NULL;
    sl_api_parser_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cb = cb;
    p->opaque = opaque;
    p->max_body = SL_API_BODY_MAX_DEFAULT;
    clear_body(p);
    if (!open_handle(p)) {
        free(p);
        return NULL;
    }
    return p;
}

void sl_api_parser_free(sl_api_parser_t *p) {
    if (!p)
        return;
    if (p->h)
        yajl_free(p->h);
    free(p);
}

void sl_api_parser_set_max_body(sl_api_parser_t *p, size_t max_bytes) {
    p->max_body = max_bytes;
}

sl_api_err_t sl_api_parser_reset(sl_api_parser_t *p) {
    /* yajl 2 has no reset: a fresh handle is the only way to start over. */
    if (p->h)
        yajl_free(p->h);
    clear_body(p);
    if (!open_handle(p)) {
        stop(p, SL_API_ERR_NOMEM, "yajl_alloc failed");
        return p->err;
    }
    return SL_API_ERR_OK;
}

static void set_errstr(const sl_api_parser_t *p, char *errstr, size_t errstr_size) {
    if (!errstr || errstr_size == 0)
        return;
    if (p->err == SL_API_ERR_OK)
        errstr[0] = '\0';
    else if (p->err_detail[0])
        snprintf(errstr, errstr_size, "%s: %s", sl_api_err_str(p->err), p->err_detail);
    else
        snprintf(errstr, errstr_size, "%s", sl_api_err_str(p->err));
}

/* Turns a yajl status into the parser's error. consumed: bytes yajl took of this call;
 * at_end: the status is yajl_complete_parse()'s. */
static void take_status(sl_api_parser_t *p, yajl_status st, size_t consumed, int at_end) {
    if (st == yajl_status_ok || p->err != SL_API_ERR_OK)
        return; /* a callback already said why it stopped */
    if (st == yajl_status_client_canceled) {
        stop(p, SL_API_ERR_CANCELLED, "parse cancelled");
        return;
    }
    unsigned char *msg = yajl_get_error(p->h, 0, NULL, 0);
    const char *m = msg ? (const char *)msg : "parse error";
    char detail[160];
    /* yajl's message ends with a newline; keep one line. */
    size_t mlen = strcspn(m, "\n");
    snprintf(detail, sizeof detail, "%.*s at byte %zu", (int)(mlen > 100 ? 100 : mlen), m,
             p->offset + consumed);
    sl_api_err_t e = SL_API_ERR_MALFORMED;
    /* yajl_parse() keeps a token that reaches the end of its input for the next call
     * without judging it, and yajl_complete_parse() then lexes that token against the
     * end of input: whatever it says (premature EOF, bad UTF-8 for a character cut in
     * half, invalid string...), the body was cut short inside a value that was valid
     * so far. */
    if (at_end || strstr(m, "premature EOF"))
        e = SL_API_ERR_TRUNCATED;
    else if (strstr(m, "UTF8"))
        e = SL_API_ERR_BAD_UTF8;
    stop(p, e, detail);
    if (msg)
        yajl_free_error(p->h, msg);
}

sl_api_err_t sl_api_parser_feed(sl_api_parser_t *p, const void *data, size_t len, char *errstr,
                                size_t errstr_size) {
    if (p->err == SL_API_ERR_OK && p->finished)
        stop(p, SL_API_ERR_STATE, "feed after finish");
    if (p->err == SL_API_ERR_OK && p->max_body &&
        (p->offset > p->max_body || len > p->max_body - p->offset))
        stop(p, SL_API_ERR_TOO_LARGE, "body over the size cap");
    if (p->err == SL_API_ERR_OK && len > 0) {
        yajl_status st = yajl_parse(p->h, data, len);
        take_status(p, st, yajl_get_bytes_consumed(p->h), 0);
        p->offset += len;
    }
    set_errstr(p, errstr, errstr_size);
    return p->err;
}

sl_api_err_t sl_api_parser_finish(sl_api_parser_t *p, char *errstr, size_t errstr_size) {
    if (p->err == SL_API_ERR_OK && p->finished)
        stop(p, SL_API_ERR_STATE, "finish called twice");
    if (p->err == SL_API_ERR_OK) {
        p->finished = 1;
        yajl_status st = yajl_complete_parse(p->h);
        take_status(p, st, 0, 1);
    }
    if (p->err == SL_API_ERR_OK && p->seen_error)
        stop(p, SL_API_ERR_API_ERROR, p->errmsg);
    if (p->err == SL_API_ERR_OK && !p->seen_results)
        stop(p, SL_API_ERR_NO_RESULTS, "");
    set_errstr(p, errstr, errstr_size);
    return p->err;
}

const sl_api_info_t *sl_api_parser_info(const sl_api_parser_t *p) {
    return &p->info;
}

const sl_api_stats_t *sl_api_parser_stats(const sl_api_parser_t *p) {
    return &p->stats;
}

const char *sl_api_parser_error_message(const sl_api_parser_t *p) {
    return p->seen_error ? p->errmsg : NULL;
}

sl_api_err_t sl_api_parse(const void *body, size_t len, sl_api_user_cb cb, void *opaque,
                          sl_api_info_t *info, sl_api_stats_t *stats, char *errstr,
                          size_t errstr_size) {
    sl_api_parser_t *p = sl_api_parser_new(cb, opaque);
    if (!p) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "%s", sl_api_err_str(SL_API_ERR_NOMEM));
        return SL_API_ERR_NOMEM;
    }
    sl_api_err_t err = sl_api_parser_feed(p, body, len, errstr, errstr_size);
    if (err == SL_API_ERR_OK)
        err = sl_api_parser_finish(p, errstr, errstr_size);
    if (info)
        *info = p->info;
    if (stats)
        *stats = p->stats;
    if (err == SL_API_ERR_API_ERROR && errstr && errstr_size)
        snprintf(errstr, errstr_size, "%s", p->errmsg);
    sl_api_parser_free(p);
    return err;
}
