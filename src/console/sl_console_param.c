/* Request values and settings, checked; see sl_console_param.h. */
#include "sl_console_param.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

int sl_console_param_i64(const char *s, int64_t min, int64_t max, int64_t *out) {
    if (!s || !*s)
        return -1;
    int neg = 0;
    const char *p = s;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (!*p || strlen(p) > 19)
        return -1;
    uint64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    int64_t x = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    if (x < min || x > max)
        return -1;
    *out = x;
    return 0;
}

/* n digits at *p into *v; advances *p. */
static int digits(const char **p, int n, int *v) {
    int x = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int sl_console_param_time_ms(const char *s, int64_t *out) {
    if (!s || !*s)
        return -1;
    size_t n = strlen(s);
    if (strspn(s, "0123456789") == n)
        return sl_console_param_i64(s, 0, INT64_MAX / 2, out);
    const char *p = s;
    int y, mo, d, h, mi, sec = 0, ms = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec))
            return -1;
        if (*p == '.') {
            p++;
            int nd = 0, frac = 0;
            while (*p >= '0' && *p <= '9') {
                if (nd < 3)
                    frac = frac * 10 + (*p - '0');
                nd++;
                p++;
                if (nd > 9)
                    return -1;
            }
            if (nd == 0)
                return -1;
            for (int k = nd; k < 3; k++)
                frac *= 10;
            ms = frac;
        }
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0) || h > 23 || mi > 59 || sec > 59)
        return -1;
    int off_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        off_min = sign * (oh * 60 + om);
    }
    if (*p)
        return -1;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off_min * 60;
    if (t < 0)
        return -1;
    *out = t * 1000 + ms;
    return 0;
}

int sl_console_param_topic_ok(const char *s) {
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 249 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return 0;
    }
    return 1;
}

int sl_console_param_group_ok(const char *s) {
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\')
            return 0;
    }
    return 1;
}

int sl_console_param_cookie(const char *header, const char *name, char *out, size_t out_size) {
    if (!header || !name || !out || out_size == 0)
        return -1;
    size_t nlen = strlen(name);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *k = p;
        while (*p && *p != '=' && *p != ';')
            p++;
        size_t klen = (size_t)(p - k);
        while (klen > 0 && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
            klen--;
        if (*p != '=') {
            continue;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *v = p;
        while (*p && *p != ';')
            p++;
        size_t vlen = (size_t)(p - v);
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
            vlen--;
        if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
            v++;
            vlen -= 2;
        }
        if (klen == nlen && memcmp(k, name, nlen) == 0) {
            if (vlen >= out_size)
                return -1;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return 0;
        }
    }
    return -1;
}

int sl_console_param_component(const char *spec, char *name, size_t name_size, char *url,
                               size_t url_size) {
    if (!spec || name_size == 0 || url_size == 0)
        return -1;
    const char *eq = strchr(spec, '=');
    if (!eq)
        return -1;
    size_t nlen = (size_t)(eq - spec);
    if (nlen == 0 || nlen > 32 || nlen >= name_size)
        return -1;
    for (size_t i = 0; i < nlen; i++) {
        unsigned char c = (unsigned char)spec[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return -1;
    }
    const char *u = eq + 1;
    size_t ulen = strlen(u);
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
        return -1;
    for (size_t i = 0; i < ulen; i++)
        if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
            return -1;
    while (ulen > 8 && u[ulen - 1] == '/')
        ulen--;
    if (ulen >= url_size || ulen <= 8)
        return -1;
    memcpy(name, spec, nlen);
    name[nlen] = '\0';
    memcpy(url, u, ulen);
    url[ulen] = '\0';
    return 0;
}

void sl_console_param_printable(const char *s, char *out, size_t out_size) {
    if (!out || out_size == 0)
        return;
    size_t o = 0;
    for (; s && *s && o + 1 < out_size; s++)
        out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    out[o] = '\0';
}
