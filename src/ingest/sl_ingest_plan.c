/*
 * Page planning, rate pacing and page URLs for the ingest.
 */
#include "sl_ingest_plan.h"

#include <stdio.h>
#include <string.h>

void sl_ingest_plan_init(sl_ingest_plan_t *p, uint64_t count, unsigned batch) {
    p->count = count;
    p->batch = batch ? batch : 1;
    p->next_page = 1;
    p->planned = 0;
}

int sl_ingest_plan_next(sl_ingest_plan_t *p, uint64_t *page, unsigned *results) {
    uint64_t n = p->batch;
    if (p->count) {
        if (p->planned >= p->count)
            return 0;
        if (p->count - p->planned < n)
            n = p->count - p->planned;
    }
    *page = p->next_page++;
    *results = (unsigned)n;
    p->planned += n;
    return 1;
}

uint64_t sl_ingest_plan_pace_ms(double rate, uint64_t users_started) {
    if (rate <= 0)
        return 0;
    return (uint64_t)((double)users_started * 1000.0 / rate);
}

static int unreserved(unsigned char c, int allow_comma) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || (allow_comma && c == ',');
}

/* Appends s percent-encoded; returns the new length or -1 when out of room. */
static int put_escaped(char *buf, size_t cap, int at, const char *s, int allow_comma) {
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (unreserved(c, allow_comma)) {
            if ((size_t)at + 1 >= cap)
                return -1;
            buf[at++] = (char)c;
        } else {
            if ((size_t)at + 3 >= cap)
                return -1;
            buf[at++] = '%';
            buf[at++] = hex[c >> 4];
            buf[at++] = hex[c & 15];
        }
    }
    buf[at] = '\0';
    return at;
}

int sl_ingest_plan_url(char *buf, size_t cap, const char *source, unsigned results,
                       const char *seed, uint64_t page, const char *nat) {
    if (!buf || cap == 0 || !source)
        return -1;
    char sep = strchr(source, '?') ? '&' : '?';
    size_t slen = strlen(source);
    if (sep == '&' && slen && (source[slen - 1] == '?' || source[slen - 1] == '&'))
        sep = '\0'; /* "…?" or "…&" already ends in a separator */
    char sepstr[2] = {sep, '\0'};
    int n = snprintf(buf, cap, "%s%sresults=%u", source, sepstr, results);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    if (seed && *seed) {
        int m = snprintf(buf + n, cap - (size_t)n, "&seed=");
        if (m < 0 || (size_t)(n + m) >= cap)
            return -1;
        n = put_escaped(buf, cap, n + m, seed, 0);
        if (n < 0)
            return -1;
        m = snprintf(buf + n, cap - (size_t)n, "&page=%llu", (unsigned long long)page);
        if (m < 0 || (size_t)(n + m) >= cap)
            return -1;
        n += m;
    }
    if (nat && *nat) {
        int m = snprintf(buf + n, cap - (size_t)n, "&nat=");
        if (m < 0 || (size_t)(n + m) >= cap)
            return -1;
        n = put_escaped(buf, cap, n + m, nat, 1);
        if (n < 0)
            return -1;
    }
    return n;
}
