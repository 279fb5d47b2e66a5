/*
 * Backoff arithmetic and Retry-After parsing. The date parser is strict on shape (fixed
 * field widths, known month and weekday names, GMT only) because a misread date could
 * mean a wait of years; the caller caps the result anyway.
 */
#include "sl_backoff.h"

#include <ctype.h>
#include <string.h>

void sl_backoff_init(sl_backoff_t *b, uint64_t base_ms, uint64_t cap_ms, uint64_t seed) {
    b->base_ms = base_ms;
    b->cap_ms = cap_ms < base_ms ? base_ms : cap_ms;
    b->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
}

uint64_t sl_backoff_ceiling_ms(const sl_backoff_t *b, unsigned attempt) {
    uint64_t c = b->base_ms;
    for (unsigned i = 0; i < attempt && c < b->cap_ms; i++)
        c = c > UINT64_MAX / 2 ? UINT64_MAX : c * 2;
    return c < b->cap_ms ? c : b->cap_ms;
}

static uint64_t xorshift64(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

uint64_t sl_backoff_next_ms(sl_backoff_t *b, unsigned attempt) {
    if (b->rng == 0)
        b->rng = 0x9E3779B97F4A7C15ull;
    uint64_t ceil = sl_backoff_ceiling_ms(b, attempt);
    uint64_t r = xorshift64(&b->rng);
    if (ceil == UINT64_MAX)
        return r;
    return r % (ceil + 1);
}

uint64_t sl_backoff_with_floor_ms(sl_backoff_t *b, unsigned attempt, uint64_t retry_after_ms,
                                  uint64_t max_ms) {
    uint64_t w = sl_backoff_next_ms(b, attempt);
    if (w < retry_after_ms)
        w = retry_after_ms;
    return w > max_ms ? max_ms : w;
}

static const char *const wkday[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const weekday[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Reads exactly n digits at *p; -1 if any is not a digit. */
static int digits(const char **p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

static int lit(const char **p, const char *s) {
    size_t n = strlen(s);
    if (strncmp(*p, s, n) != 0)
        return -1;
    *p += n;
    return 0;
}

static int month(const char **p) {
    for (int i = 0; i < 12; i++)
        if (strncmp(*p, months[i], 3) == 0) {
            *p += 3;
            return i;
        }
    return -1;
}

static int name_in(const char **p, const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (strncmp(*p, names[i], len) == 0) {
            *p += len;
            return i;
        }
    }
    return -1;
}

/* "08:49:37" */
static int hms(const char **p, struct tm *tm) {
    tm->tm_hour = digits(p, 2);
    if (tm->tm_hour < 0 || lit(p, ":"))
        return -1;
    tm->tm_min = digits(p, 2);
    if (tm->tm_min < 0 || lit(p, ":"))
        return -1;
    tm->tm_sec = digits(p, 2);
    if (tm->tm_sec < 0 || tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
        return -1;
    return 0;
}

/* Parses one of the three HTTP-date forms ending exactly at end. */
static int http_date(const char *p, const char *end, time_t *out) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *s = p;
    if (name_in(&s, weekday, 7) >= 0 && *s == ',') {
        /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
        s++;
        if (lit(&s, " ") || (tm.tm_mday = digits(&s, 2)) < 0 || lit(&s, "-") ||
            (tm.tm_mon = month(&s)) < 0 || lit(&s, "-") || (tm.tm_year = digits(&s, 2)) < 0 ||
            lit(&s, " ") || hms(&s, &tm) || lit(&s, " GMT"))
            return -1;
        /* Two-digit years: RFC 9110 says read them as the nearest past century fit; we take
         * 70..99 as 19xx and 00..69 as 20xx. */
        if (tm.tm_year < 70)
            tm.tm_year += 100;
    } else {
        s = p;
        if (name_in(&s, wkday, 7) < 0)
            return -1;
        if (*s == ',') {
            /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
            s++;
            int y;
            if (lit(&s, " ") || (tm.tm_mday = digits(&s, 2)) < 0 || lit(&s, " ") ||
                (tm.tm_mon = month(&s)) < 0 || lit(&s, " ") || (y = digits(&s, 4)) < 0 ||
                lit(&s, " ") || hms(&s, &tm) || lit(&s, " GMT"))
                return -1;
            tm.tm_year = y - 1900;
        } else {
            /* asctime: Sun Nov  6 08:49:37 1994 */
            int y;
            if (lit(&s, " ") || (tm.tm_mon = month(&s)) < 0 || lit(&s, " "))
                return -1;
            if (*s == ' ') {
                s++;
                tm.tm_mday = digits(&s, 1);
            } else {
                tm.tm_mday = digits(&s, 2);
            }
            if (tm.tm_mday < 0 || lit(&s, " ") || hms(&s, &tm) || lit(&s, " ") ||
                (y = digits(&s, 4)) < 0)
                return -1;
            tm.tm_year = y - 1900;
        }
    }
    if (s != end || tm.tm_mday < 1 || tm.tm_mday > 31)
        return -1;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? -1 : 0;
}

int sl_backoff_retry_after_parse(const char *value, time_t now, uint64_t *wait_ms) {
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    const char *end = value + strlen(value);
    while (end > value && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        end--;
    if (end == value)
        return -1;
    if (isdigit((unsigned char)*value)) {
        uint64_t secs = 0;
        for (const char *p = value; p < end; p++) {
            if (!isdigit((unsigned char)*p))
                return -1;
            if (secs < (1ull << 31))
                secs = secs * 10 + (uint64_t)(*p - '0');
        }
        if (secs > (1ull << 31))
            secs = 1ull << 31;
        *wait_ms = secs * 1000;
        return 0;
    }
    time_t when;
    if (http_date(value, end, &when))
        return -1;
    *wait_ms = when > now ? (uint64_t)(when - now) * 1000 : 0;
    return 0;
}
