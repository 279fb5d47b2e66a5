/*
 * The exposition-format reader: a line scanner with small checkers for each token. Label
 * sets are walked twice (once to validate while parsing, once per lookup); they are short.
 */
#include "sl_console_prom.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int name_start(char c) {
    return isalpha((unsigned char)c) || c == '_' || c == ':';
}
static int name_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == ':';
}
static int blank(char c) {
    return c == ' ' || c == '\t';
}

/* Walks one label "key="value"" at p (end e); on success key, klen, val and vlen (still
 * escaped) and returns the position after the closing quote, NULL when malformed. */
static const char *label_at(const char *p, const char *e, const char **key, size_t *klen,
                            const char **val, size_t *vlen) {
    while (p < e && blank(*p))
        p++;
    if (p >= e || !(isalpha((unsigned char)*p) || *p == '_'))
        return NULL;
    *key = p;
    while (p < e && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    *klen = (size_t)(p - *key);
    while (p < e && blank(*p))
        p++;
    if (p >= e || *p != '=')
        return NULL;
    p++;
    while (p < e && blank(*p))
        p++;
    if (p >= e || *p != '"')
        return NULL;
    *val = ++p;
    while (p < e && *p != '"') {
        if (*p == '\\') {
            if (p + 1 >= e || (p[1] != '\\' && p[1] != '"' && p[1] != 'n'))
                return NULL;
            p++;
        } else if (*p == '\n') {
            return NULL;
        }
        p++;
    }
    if (p >= e)
        return NULL;
    *vlen = (size_t)(p - *val);
    return p + 1;
}

/* Checks a whole label text (between the braces): labels separated by commas, an optional
 * trailing comma. */
static int labels_ok(const char *p, const char *e) {
    while (p < e && blank(*p))
        p++;
    while (p < e) {
        const char *k, *v;
        size_t kl, vl;
        p = label_at(p, e, &k, &kl, &v, &vl);
        if (!p)
            return 0;
        while (p < e && blank(*p))
            p++;
        if (p == e)
            return 1;
        if (*p != ',')
            return 0;
        p++;
        while (p < e && blank(*p))
            p++;
    }
    return 1;
}

/* Parses a float token s[0..n) the way Go's ParseFloat would accept it for Prometheus. */
static int parse_value(const char *s, size_t n, double *out) {
    char b[64];
    if (n == 0 || n >= sizeof b)
        return -1;
    memcpy(b, s, n);
    b[n] = '\0';
    if (strcmp(b, "NaN") == 0) {
        *out = NAN;
        return 0;
    }
    if (strcmp(b, "+Inf") == 0 || strcmp(b, "Inf") == 0) {
        *out = INFINITY;
        return 0;
    }
    if (strcmp(b, "-Inf") == 0) {
        *out = -INFINITY;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!isdigit((unsigned char)c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
            return -1;
    }
    char *end;
    *out = strtod(b, &end);
    return *end == '\0' ? 0 : -1;
}

static int parse_timestamp(const char *s, size_t n) {
    size_t i = (n > 0 && s[0] == '-') ? 1 : 0;
    if (i == n || n - i > 19)
        return -1;
    for (; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return -1;
    return 0;
}

/* One line without its newline; 1 when a sample was delivered, 0 when skipped, -1 bad. */
static int parse_line(const char *p, const char *e, sl_console_prom_sample_fn fn, void *opaque) {
    while (p < e && blank(*p))
        p++;
    if (p < e && e[-1] == '\r')
        e--;
    if (p == e || *p == '#')
        return 0;
    if (!name_start(*p))
        return -1;
    const char *name = p;
    while (p < e && name_char(*p))
        p++;
    size_t name_len = (size_t)(p - name);
    const char *labels = NULL;
    size_t labels_len = 0;
    if (p < e && *p == '{') {
        const char *ls = ++p;
        /* find the closing brace outside quotes */
        int inq = 0;
        while (p < e && (inq || *p != '}')) {
            if (inq && *p == '\\' && p + 1 < e)
                p++;
            else if (*p == '"')
                inq = !inq;
            p++;
        }
        if (p >= e || !labels_ok(ls, p))
            return -1;
        labels = ls;
        labels_len = (size_t)(p - ls);
        p++;
    }
    if (p >= e || !blank(*p))
        return -1;
    while (p < e && blank(*p))
        p++;
    const char *v = p;
    while (p < e && !blank(*p))
        p++;
    double value;
    if (parse_value(v, (size_t)(p - v), &value))
        return -1;
    while (p < e && blank(*p))
        p++;
    if (p < e) {
        const char *ts = p;
        while (p < e && !blank(*p))
            p++;
        if (parse_timestamp(ts, (size_t)(p - ts)))
            return -1;
        while (p < e && blank(*p))
            p++;
        if (p < e)
            return -1;
    }
    if (fn)
        fn(opaque, name, name_len, labels ? labels : "", labels_len, value);
    return 1;
}

size_t sl_console_prom_parse(const char *text, size_t len, sl_console_prom_sample_fn fn,
                             void *opaque) {
    size_t bad = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (parse_line(p, e, fn, opaque) < 0)
            bad++;
        p = nl ? nl + 1 : end;
    }
    return bad;
}

int sl_console_prom_label(const char *labels, size_t len, const char *key, char *out,
                          size_t out_size) {
    const char *p = labels, *e = labels + len;
    size_t want = strlen(key);
    while (p < e) {
        const char *k, *v;
        size_t kl, vl;
        p = label_at(p, e, &k, &kl, &v, &vl);
        if (!p)
            return -1;
        if (kl == want && memcmp(k, key, kl) == 0) {
            size_t o = 0;
            for (size_t i = 0; i < vl; i++) {
                char c = v[i];
                if (c == '\\' && i + 1 < vl) {
                    c = v[++i];
                    if (c == 'n')
                        c = '\n';
                }
                if (out_size && o + 1 < out_size)
                    out[o++] = c;
            }
            if (out_size)
                out[o] = '\0';
            return 0;
        }
        while (p < e && (blank(*p) || *p == ','))
            p++;
    }
    return -1;
}
