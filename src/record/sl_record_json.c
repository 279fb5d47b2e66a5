/*
 * Record <-> Kafka message JSON. Both directions are hand-written single passes over
 * bytes: the message shape is fixed (one flat object of strings), so a general JSON
 * parser would only add allocation and per-message setup. The decoder's fast path
 * accepts only a strict subset of JSON; when it rejects a message, yajl re-checks
 * the bytes so that anything that is not JSON at all is reported as not_json rather
 * than as whatever rule the fast path tripped over first.
 */
#include "sl_record_json.h"

#include <stdint.h>
#include <string.h>

#include <yajl/yajl_parse.h>

/* ---- encoding ---- */

/* The text before each field's value, and the closing. */
static const char *const prefixes[SL_FIELD_COUNT] = {
#define SL_PREFIX_(sym, key) "\",\"" key "\":\"",
    SL_FIELDS(SL_PREFIX_)
#undef SL_PREFIX_
};

/* 0: byte copied as is; otherwise the character after '\' ('u' for \u00XX). */
static const char escape_of[256] = {
    ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',  ['\t'] = 't', [0x00] = 'u',
    [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u',  [0x05] = 'u', [0x06] = 'u',
    [0x07] = 'u', [0x0B] = 'u', [0x0E] = 'u', [0x0F] = 'u',  [0x10] = 'u', [0x11] = 'u',
    [0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u',  [0x16] = 'u', [0x17] = 'u',
    [0x18] = 'u', [0x19] = 'u', [0x1A] = 'u', [0x1B] = 'u',  [0x1C] = 'u', [0x1D] = 'u',
    [0x1E] = 'u', [0x1F] = 'u', ['"'] = '"',  ['\\'] = '\\',
};

typedef struct {
    char *buf;
    size_t cap;
    size_t at; /* bytes the full output needs so far; may pass cap */
} out_t;

static void put(out_t *o, const char *s, size_t n) {
    if (o->at < o->cap) {
        size_t room = o->cap - o->at;
        memcpy(o->buf + o->at, s, n < room ? n : room);
    }
    o->at += n;
}

static void put_escaped(out_t *o, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char e = escape_of[(unsigned char)s[i]];
        if (!e)
            continue;
        put(o, s + run, i - run);
        run = i + 1;
        if (e == 'u') {
            char u[6] = {
                '\\', 'u', '0', '0', hex[(unsigned char)s[i] >> 4], hex[(unsigned char)s[i] & 15]};
            put(o, u, 6);
        } else {
            char b[2] = {'\\', e};
            put(o, b, 2);
        }
    }
    put(o, s + run, n - run);
}

size_t sl_record_to_json(const sl_record_t *rec, char *buf, size_t cap) {
    out_t o = {buf, cap, 0};
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        /* The first prefix starts with '{' instead of the previous value's '",'. */
        if (i == 0)
            put(&o, "{", 1), put(&o, prefixes[0] + 2, strlen(prefixes[0]) - 2);
        else
            put(&o, prefixes[i], strlen(prefixes[i]));
        if (rec->field[i].ptr)
            put_escaped(&o, rec->field[i].ptr, rec->field[i].len);
    }
    put(&o, "\"}", 2);
    if (cap > 0)
        buf[o.at < cap ? o.at : cap - 1] = '\0';
    return o.at;
}

/* ---- decoding ---- */

typedef struct {
    const unsigned char *p, *end;
    char *scratch;
    size_t scratch_size, used;
} in_t;

static void skip_ws(in_t *in) {
    while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' || *in->p == '\r'))
        in->p++;
}

static int hex4(const unsigned char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* Appends n bytes to dst (cap bytes, *len used) or only counts them when dst is NULL.
 * Returns 0 when they do not fit. */
static int emit(char *dst, size_t cap, size_t *len, const void *src, size_t n) {
    if (dst) {
        if (n > cap - *len)
            return 0;
        memcpy(dst + *len, src, n);
    }
    *len += n;
    return 1;
}

/* After dst overflowed: go on counting only, if the caller allows it. */
static int spill(char **dst, int *overflow) {
    if (!overflow)
        return 0;
    *overflow = 1;
    *dst = NULL;
    return 1;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The first byte at or after p that ends a plain run of string text: '"', '\\', a control
 * byte (< 0x20) or one >= 0x80; end if none. Eight bytes at a time: a word with none of
 * them is skipped whole (the borrow tricks may flag a byte above a real stop, never miss
 * one), the last bytes and a flagged word one by one. */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end) {
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
        uint64_t stop =
            (w | ((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
        if (stop)
            break;
        p += 8;
    }
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
        p++;
    return p;
}

/* Moves in->p past the string text that needs no unescaping: plain ASCII and valid UTF-8
 * sequences (checked only where a byte >= 0x80 is). Returns 0, or -1 at invalid UTF-8. */
static int text_run(in_t *in) {
    for (;;) {
        in->p = plain_run(in->p, in->end);
        if (in->p >= in->end || *in->p < 0x80)
            return 0;
        size_t k = sl_record_utf8_seq(in->p, (size_t)(in->end - in->p));
        if (k == 0)
            return -1;
        in->p += k;
    }
}

/*
 * Reads one string token at in->p (which is at the opening quote) and decodes it into
 * dst[0..cap) (or just validates it if dst is NULL), setting *len. Returns
 * SL_REJECT_NONE, NOT_JSON (malformed), BAD_UTF8, or FIELD_TOO_LONG (did not fit).
 * With overflow not NULL, not fitting is no error: the rest is only validated and
 * *overflow is set to 1. Each run between escapes is scanned once and copied once.
 */
static sl_reject_t read_string(in_t *in, char *dst, size_t cap, size_t *len, int *overflow) {
    *len = 0;
    in->p++; /* opening quote */
    for (;;) {
        const unsigned char *run = in->p;
        if (text_run(in) != 0)
            return SL_REJECT_BAD_UTF8;
        size_t n = (size_t)(in->p - run);
        if (n && !emit(dst, cap, len, run, n) && !spill(&dst, overflow))
            return SL_REJECT_FIELD_TOO_LONG;
        if (in->p >= in->end || *in->p < 0x20)
            return SL_REJECT_NOT_JSON; /* unterminated, or a raw control byte */
        if (*in->p == '"') {
            in->p++;
            return SL_REJECT_NONE;
        }
        /* backslash */
        if (in->end - in->p < 2)
            return SL_REJECT_NOT_JSON;
        unsigned char e = in->p[1];
        char c;
        switch (e) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': c = 0; break;
        default: return SL_REJECT_NOT_JSON;
        }
        if (e != 'u') {
            in->p += 2;
            if (!emit(dst, cap, len, &c, 1) && !spill(&dst, overflow))
                return SL_REJECT_FIELD_TOO_LONG;
            continue;
        }
        unsigned cp;
        if (in->end - in->p < 6 || !hex4(in->p + 2, &cp))
            return SL_REJECT_NOT_JSON;
        in->p += 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return SL_REJECT_BAD_UTF8; /* low surrogate without a high one */
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (in->end - in->p < 6 || in->p[0] != '\\' || in->p[1] != 'u')
                return SL_REJECT_BAD_UTF8;
            if (!hex4(in->p + 2, &lo))
                return SL_REJECT_NOT_JSON;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return SL_REJECT_BAD_UTF8;
            in->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp == 0)
            return SL_REJECT_BAD_UTF8;
        unsigned char u[4];
        size_t k;
        if (cp < 0x80) {
            u[0] = (unsigned char)cp;
            k = 1;
        } else if (cp < 0x800) {
            u[0] = (unsigned char)(0xC0 | (cp >> 6));
            u[1] = (unsigned char)(0x80 | (cp & 0x3F));
            k = 2;
        } else if (cp < 0x10000) {
            u[0] = (unsigned char)(0xE0 | (cp >> 12));
            u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (unsigned char)(0x80 | (cp & 0x3F));
            k = 3;
        } else {
            u[0] = (unsigned char)(0xF0 | (cp >> 18));
            u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            u[3] = (unsigned char)(0x80 | (cp & 0x3F));
            k = 4;
        }
        if (!emit(dst, cap, len, u, k) && !spill(&dst, overflow))
            return SL_REJECT_FIELD_TOO_LONG;
    }
}

/* A JSON number at in->p, strictly by the grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int skip_number(in_t *in) {
    const unsigned char *p = in->p, *end = in->end;
    if (p < end && *p == '-')
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return 0;
    if (*p == '0')
        p++;
    else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    if (p < end && *p == '.') {
        if (++p >= end || *p < '0' || *p > '9')
            return 0;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return 0;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    in->p = p;
    return 1;
}

static int skip_literal(in_t *in, const char *word, size_t n) {
    if ((size_t)(in->end - in->p) < n || memcmp(in->p, word, n) != 0)
        return 0;
    in->p += n;
    return 1;
}

/* Deepest nesting an ignored value can have: one level takes at least one byte. */
#define SKIP_DEPTH_MAX SL_RECORD_JSON_MSG_MAX

/*
 * Skips the value of a key the record does not know: any JSON value, nested to any depth
 * the message size allows, checked as strictly as the rest (strings are validated, so an
 * ignored value cannot smuggle invalid UTF-8 past). The open containers are a bit stack
 * (1 = object), so depth costs no recursion. Returns SL_REJECT_NONE or the reject.
 */
static sl_reject_t skip_value(in_t *in) {
    unsigned char stack[SKIP_DEPTH_MAX / 8];
    size_t depth = 0;
    for (;;) {
        /* a value */
        skip_ws(in);
        if (in->p >= in->end)
            return SL_REJECT_NOT_JSON;
        unsigned char c = *in->p;
        int opened = 0;
        if (c == '"') {
            size_t ignored;
            sl_reject_t r = read_string(in, NULL, 0, &ignored, NULL);
            if (r != SL_REJECT_NONE)
                return r;
        } else if (c == '{' || c == '[') {
            if (depth == SKIP_DEPTH_MAX)
                return SL_REJECT_TOO_LARGE;
            if (c == '{')
                stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
            else
                stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
            depth++;
            in->p++;
            opened = 1;
        } else if (c == 't'   ? !skip_literal(in, "true", 4)
                   : c == 'f' ? !skip_literal(in, "false", 5)
                   : c == 'n' ? !skip_literal(in, "null", 4)
                              : !skip_number(in)) {
            return SL_REJECT_NOT_JSON;
        }
        /* after the value (or just inside a container): close, separate or begin */
        for (;;) {
            if (depth == 0)
                return SL_REJECT_NONE;
            int is_object = stack[(depth - 1) / 8] >> ((depth - 1) % 8) & 1;
            skip_ws(in);
            if (in->p >= in->end)
                return SL_REJECT_NOT_JSON;
            if (*in->p == (is_object ? '}' : ']')) {
                in->p++;
                depth--;
                opened = 0;
                continue;
            }
            if (!opened) {
                if (*in->p != ',')
                    return SL_REJECT_NOT_JSON;
                in->p++;
                skip_ws(in);
            }
            if (is_object) {
                size_t ignored;
                if (in->p >= in->end || *in->p != '"')
                    return SL_REJECT_NOT_JSON;
                sl_reject_t r = read_string(in, NULL, 0, &ignored, NULL);
                if (r != SL_REJECT_NONE)
                    return r;
                skip_ws(in);
                if (in->p >= in->end || *in->p != ':')
                    return SL_REJECT_NOT_JSON;
                in->p++;
            }
            break; /* a value follows */
        }
    }
}

/* Whether the key token at in->p (its opening quote) is exactly field f's name with no
 * escapes, the usual case, which needs no decoding; then in->p is moved past it. */
static int key_is(in_t *in, sl_field_t f) {
    size_t n = sl_field_name_len(f);
    if (n == 0 || (size_t)(in->end - in->p) < n + 2 || in->p[n + 1] != '"' ||
        memcmp(in->p + 1, sl_field_name(f), n) != 0)
        return 0;
    in->p += n + 2;
    return 1;
}

/* The fast path: the strict subset {"k":"v",...} with whitespace between tokens; the
 * values of unknown keys may be any JSON. */
static sl_reject_t scan_object(in_t *in, sl_record_t *out, sl_field_t *field) {
    unsigned seen = 0;
    sl_field_t expect = (sl_field_t)0; /* the keys usually come in field order */
    *field = SL_FIELD_NONE;
    skip_ws(in);
    if (in->p >= in->end)
        return SL_REJECT_NOT_JSON;
    if (*in->p != '{')
        return SL_REJECT_NOT_OBJECT;
    in->p++;
    skip_ws(in);
    if (in->p < in->end && *in->p == '}') {
        in->p++;
    } else {
        for (;;) {
            char key[24];
            size_t klen;
            if (in->p >= in->end || *in->p != '"')
                return SL_REJECT_NOT_JSON;
            sl_reject_t r;
            sl_field_t f = expect;
            if (!key_is(in, expect)) {
                int long_key = 0;
                r = read_string(in, key, sizeof key, &klen, &long_key);
                if (r != SL_REJECT_NONE)
                    return r;
                f = long_key ? SL_FIELD_NONE : sl_field_lookup(key, klen);
            }
            if (f != SL_FIELD_NONE)
                expect = (sl_field_t)(f + 1);
            skip_ws(in);
            if (in->p >= in->end || *in->p != ':')
                return SL_REJECT_NOT_JSON;
            in->p++;
            skip_ws(in);
            if (in->p >= in->end)
                return SL_REJECT_NOT_JSON;
            if (f == SL_FIELD_NONE) {
                /* a key the record does not know: ignored whatever its value's type, as
                 * Spark's from_json and Kafka Connect's JSON converter do */
                r = skip_value(in);
                if (r != SL_REJECT_NONE)
                    return r;
            } else if (*in->p != '"') {
                *field = f;
                return SL_REJECT_WRONG_TYPE;
            } else {
                if (seen & (1u << f)) {
                    *field = f;
                    return SL_REJECT_DUPLICATE_KEY;
                }
                seen |= 1u << f;
                size_t room = in->scratch_size - in->used;
                if (room == 0)
                    return SL_REJECT_RECORD_TOO_LONG;
                size_t cap = room - 1 < SL_RECORD_FIELD_MAX ? room - 1 : SL_RECORD_FIELD_MAX;
                size_t vlen;
                char *dst = in->scratch + in->used;
                r = read_string(in, dst, cap, &vlen, NULL);
                if (r == SL_REJECT_FIELD_TOO_LONG && cap < SL_RECORD_FIELD_MAX)
                    r = SL_REJECT_RECORD_TOO_LONG;
                if (r != SL_REJECT_NONE) {
                    *field = f;
                    return r;
                }
                dst[vlen] = '\0';
                in->used += vlen + 1;
                out->field[f].ptr = dst;
                out->field[f].len = vlen;
            }
            skip_ws(in);
            if (in->p >= in->end)
                return SL_REJECT_NOT_JSON;
            if (*in->p == '}') {
                in->p++;
                break;
            }
            if (*in->p != ',')
                return SL_REJECT_NOT_JSON;
            in->p++;
            skip_ws(in);
        }
    }
    skip_ws(in);
    if (in->p != in->end)
        return SL_REJECT_NOT_JSON;
    return SL_REJECT_NONE;
}

static int well_formed_json(const char *msg, size_t len) {
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (!h)
        return 1; /* cannot tell; keep the fast path's verdict */
    yajl_config(h, yajl_dont_validate_strings, 1);
    int ok = yajl_parse(h, (const unsigned char *)msg, len) == yajl_status_ok &&
             yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok;
}

sl_reject_t sl_record_from_json(const char *msg, size_t len, sl_record_t *out, char *scratch,
                                size_t scratch_size, sl_field_t *field) {
    sl_field_t f = SL_FIELD_NONE;
    sl_reject_t r;
    memset(out, 0, sizeof *out);
    if (len > SL_RECORD_JSON_MSG_MAX) {
        r = SL_REJECT_TOO_LARGE;
    } else {
        in_t in = {(const unsigned char *)msg, (const unsigned char *)msg + len, scratch,
                   scratch_size, 0};
        r = scan_object(&in, out, &f);
        if (r != SL_REJECT_NONE && r != SL_REJECT_NOT_JSON && !well_formed_json(msg, len))
            r = SL_REJECT_NOT_JSON;
        if (r == SL_REJECT_NOT_JSON)
            f = SL_FIELD_NONE;
        if (r == SL_REJECT_NONE) /* every field set was just checked: valid UTF-8, no NUL */
            return sl_record_validate_rules(out, field);
    }
    if (field)
        *field = f;
    return r;
}
