/*
 * The JSON writer: a growable buffer with a cap, a comma state per nesting level, and the
 * one string escaper of the console (UTF-8 checked byte by byte, see the header).
 */
#include "sl_console_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sl_console_json_init(sl_console_json_t *j, size_t max) {
    memset(j, 0, sizeof *j);
    j->max = max;
    j->first[0] = 1;
}

void sl_console_json_free(sl_console_json_t *j) {
    free(j->buf);
    j->buf = NULL;
    j->len = j->cap = 0;
}

char *sl_console_json_take(sl_console_json_t *j, size_t *len) {
    char *out = j->failed ? NULL : j->buf;
    if (len)
        *len = out ? j->len : 0;
    if (!out)
        free(j->buf);
    size_t max = j->max;
    sl_console_json_init(j, max);
    return out;
}

static int reserve(sl_console_json_t *j, size_t extra) {
    if (j->failed)
        return -1;
    if (extra > j->max || j->len > j->max - extra) {
        j->failed = 1;
        return -1;
    }
    size_t need = j->len + extra + 1;
    if (need <= j->cap)
        return 0;
    size_t cap = j->cap ? j->cap : 1024;
    while (cap < need)
        cap *= 2;
    char *nb = realloc(j->buf, cap);
    if (!nb) {
        j->failed = 1;
        return -1;
    }
    j->buf = nb;
    j->cap = cap;
    return 0;
}

static void put(sl_console_json_t *j, const char *s, size_t n) {
    if (reserve(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putc1(sl_console_json_t *j, char c) {
    put(j, &c, 1);
}

/* Before a value or a key: a comma unless it is the first at this level or follows a key. */
static void sep(sl_console_json_t *j) {
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth])
        putc1(j, ',');
    j->first[j->depth] = 0;
}

static void open(sl_console_json_t *j, char c) {
    sep(j);
    putc1(j, c);
    if (j->depth >= SL_CONSOLE_JSON_DEPTH) {
        j->failed = 1;
        return;
    }
    j->first[++j->depth] = 1;
}

static void close_(sl_console_json_t *j, char c) {
    if (j->depth == 0) {
        j->failed = 1;
        return;
    }
    j->depth--;
    putc1(j, c);
}

void sl_console_json_obj(sl_console_json_t *j) {
    open(j, '{');
}
void sl_console_json_obj_end(sl_console_json_t *j) {
    close_(j, '}');
}
void sl_console_json_arr(sl_console_json_t *j) {
    open(j, '[');
}
void sl_console_json_arr_end(sl_console_json_t *j) {
    close_(j, ']');
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if the bytes there are not one. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int sl_console_json_utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_len(p + i, n - i);
        if (!l)
            return 0;
        i += l;
    }
    return 1;
}

/* Writes the escaped body of a string (without quotes) of s[0..n). */
static void escape(sl_console_json_t *j, const char *s, size_t n) {
    static const char hexd[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0; /* start of bytes that pass through unchanged */
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        const char *rep = NULL;
        char ubuf[7];
        size_t adv = 1;
        if (c >= 0x80) {
            size_t l = utf8_len(p + i, n - i);
            if (l == 3 && c == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
                rep = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
            else if (!l)
                rep = "\\ufffd";
            else {
                i += l;
                continue;
            }
            adv = l ? l : 1;
        } else if (c == '"') {
            rep = "\\\"";
        } else if (c == '\\') {
            rep = "\\\\";
        } else if (c == '\n') {
            rep = "\\n";
        } else if (c == '\r') {
            rep = "\\r";
        } else if (c == '\t') {
            rep = "\\t";
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'' || c == 0x7f) {
            ubuf[0] = '\\';
            ubuf[1] = 'u';
            ubuf[2] = '0';
            ubuf[3] = '0';
            ubuf[4] = hexd[c >> 4];
            ubuf[5] = hexd[c & 15];
            ubuf[6] = '\0';
            rep = ubuf;
        } else {
            i++;
            continue;
        }
        put(j, s + run, i - run);
        put(j, rep, strlen(rep));
        i += adv;
        run = i;
    }
    put(j, s + run, n - run);
}

void sl_console_json_key(sl_console_json_t *j, const char *key) {
    sep(j);
    putc1(j, '"');
    escape(j, key, strlen(key));
    put(j, "\":", 2);
    j->after_key = 1;
}

void sl_console_json_strn(sl_console_json_t *j, const char *s, size_t n) {
    sep(j);
    putc1(j, '"');
    escape(j, s, n);
    putc1(j, '"');
}

void sl_console_json_str(sl_console_json_t *j, const char *s) {
    if (!s)
        sl_console_json_null(j);
    else
        sl_console_json_strn(j, s, strlen(s));
}

int sl_console_json_strn_capped(sl_console_json_t *j, const char *s, size_t n, size_t cap) {
    if (n <= cap) {
        sl_console_json_strn(j, s, n);
        return 0;
    }
    /* Back up over continuation bytes so that a character is not split. */
    size_t cut = cap;
    for (int k = 0; k < 3 && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80; k++)
        cut--;
    sl_console_json_strn(j, s, cut);
    return 1;
}

void sl_console_json_hex(sl_console_json_t *j, const void *s, size_t n) {
    static const char hexd[] = "0123456789abcdef";
    const unsigned char *p = s;
    sep(j);
    putc1(j, '"');
    char chunk[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        chunk[k++] = hexd[p[i] >> 4];
        chunk[k++] = hexd[p[i] & 15];
        if (k == sizeof chunk) {
            put(j, chunk, k);
            k = 0;
        }
    }
    put(j, chunk, k);
    putc1(j, '"');
}

void sl_console_json_int(sl_console_json_t *j, int64_t v) {
    char b[32];
    int n = snprintf(b, sizeof b, "%" PRId64, v);
    sep(j);
    put(j, b, (size_t)n);
}

void sl_console_json_num(sl_console_json_t *j, double v) {
    if (!isfinite(v)) {
        sl_console_json_null(j);
        return;
    }
    char b[40];
    int n = snprintf(b, sizeof b, "%.15g", v);
    sep(j);
    put(j, b, (size_t)n);
}

void sl_console_json_bool(sl_console_json_t *j, int v) {
    sep(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void sl_console_json_null(sl_console_json_t *j) {
    sep(j);
    put(j, "null", 4);
}

void sl_console_json_raw(sl_console_json_t *j, const char *text, size_t n) {
    sep(j);
    put(j, text, n);
}

void sl_console_json_kstr(sl_console_json_t *j, const char *key, const char *v) {
    sl_console_json_key(j, key);
    sl_console_json_str(j, v);
}
void sl_console_json_kint(sl_console_json_t *j, const char *key, int64_t v) {
    sl_console_json_key(j, key);
    sl_console_json_int(j, v);
}
void sl_console_json_knum(sl_console_json_t *j, const char *key, double v) {
    sl_console_json_key(j, key);
    sl_console_json_num(j, v);
}
void sl_console_json_kbool(sl_console_json_t *j, const char *key, int v) {
    sl_console_json_key(j, key);
    sl_console_json_bool(j, v);
}
