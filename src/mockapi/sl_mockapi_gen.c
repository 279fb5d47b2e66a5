/*
 * The mock user generator: writes a randomuser.me v1.4 shaped JSON body straight into one
 * growing buffer, without a JSON library and without per-field allocations. Every user has
 * its own splitmix64 stream seeded from (seed, page, index), so a page is reproducible and
 * any user can be generated on its own. Word lists hold no characters that need escaping;
 * only the caller's seed string is escaped.
 */
#include "sl_mix.h"
#include "sl_mockapi_gen.h"
#include "sl_mockapi_data.h"

#include <strings.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sl_buf.h"
#include "sl_json.h"

/* Largest single user object we can write, with margin: checked once per user. */
#define USER_MAX_BYTES 3072
/* The largest page: every user at its largest, and the info block. */
#define RENDER_MAX ((size_t)SL_MOCKAPI_GEN_MAX_RESULTS * USER_MAX_BYTES + 4096)

typedef struct rng_s {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r) {
    r->s += 0x9e3779b97f4a7c15ULL;
    return sl_mix64(r->s);
}

/* Uniform in [0, n) (multiply-shift; the bias is below 2^-32 for our small n). */
static uint32_t rng_below(rng_t *r, uint32_t n) {
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int64_t rng_range(rng_t *r, int64_t lo, int64_t hi) {
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

uint64_t sl_mockapi_gen_seed_hash(const char *seed) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then mixed */
    for (const unsigned char *p = (const unsigned char *)seed; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return sl_mix64(h);
}

void sl_mockapi_gen_uuid(uint64_t seed_hash, uint32_t page, uint32_t index, char out[37]) {
    /* x is a bijection of (page, index) for a fixed seed: xor with a constant, then the
     * splitmix finalizer, whose steps are each invertible. All 64 bits of x go into the UUID
     * around the version and variant bits, so two users of one seed never share a UUID. */
    uint64_t x = sl_mix64((((uint64_t)page << 32) | index) ^ seed_hash);
    uint64_t r = sl_mix64(x ^ 0x5851f42d4c957f2dULL ^ seed_hash);
    unsigned char b[16];
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(x >> (56 - 8 * i));
    b[6] = (unsigned char)(0x40 | ((x >> 12) & 0x0f));
    b[7] = (unsigned char)(x >> 4);
    b[8] = (unsigned char)(0x80 | ((r & 0x3) << 4) | (x & 0x0f));
    for (int i = 9; i < 16; i++)
        b[i] = (unsigned char)(r >> (8 * (i - 8)));
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

/* ---- request from query arguments ---- */

/* Parses a decimal integer of up to 9 digits with optional surrounding spaces; -1 if not. */
static long parse_small_uint(const char *s) {
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    long v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
        if (++digits > 9)
            return -1;
        v = v * 10 + (*s - '0');
        s++;
    }
    while (*s == ' ')
        s++;
    return (digits && *s == '\0') ? v : -1;
}

static uint32_t parse_fields(const char *list) {
    uint32_t mask = 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && end[-1] == ' ')
            end--;
        size_t n = (size_t)(end - start);
        static const char *const names[] = {
#define SL_MOCKAPI_GEN_FIELD_NAME_(name, text) text,
            SL_MOCKAPI_GEN_FIELDS(SL_MOCKAPI_GEN_FIELD_NAME_)
#undef SL_MOCKAPI_GEN_FIELD_NAME_
        };
        for (unsigned i = 0; i < SL_MOCKAPI_GEN_FIELD_COUNT; i++) {
            if (strlen(names[i]) == n && strncasecmp(names[i], start, n) == 0)
                mask |= 1u << i;
        }
    }
    return mask;
}

void sl_mockapi_gen_req_from_args(sl_mockapi_gen_req_t *req, const sl_mockapi_gen_args_t *args,
                                  uint64_t random_seed, int now_year) {
    memset(req, 0, sizeof *req);
    long results = parse_small_uint(args->results);
    req->results = (results >= 1 && results <= SL_MOCKAPI_GEN_MAX_RESULTS) ? (uint32_t)results : 1;
    long page = parse_small_uint(args->page);
    req->page = (page >= 1 && page <= SL_MOCKAPI_GEN_MAX_PAGE) ? (uint32_t)page : 1;
    int seeded = args->seed && args->seed[0];
    if (args->gender && !seeded)
        req->gender = strcmp(args->gender, "male") == 0     ? 1
                      : strcmp(args->gender, "female") == 0 ? 2
                                                            : 0;
    if (seeded) {
        size_t n = strlen(args->seed);
        if (n > SL_MOCKAPI_GEN_SEED_MAX)
            n = SL_MOCKAPI_GEN_SEED_MAX;
        memcpy(req->seed, args->seed, n);
        req->seed[n] = '\0';
    } else {
        static const char hex[] = "0123456789abcdef";
        for (int i = 0; i < 16; i++)
            req->seed[i] = hex[(random_seed >> (60 - 4 * i)) & 15];
        req->seed[16] = '\0';
    }
    uint32_t all = (uint32_t)((1ull << sl_mockapi_data_nat_count) - 1);
    req->nat_mask = all;
    if (args->nat && args->nat[0]) {
        uint32_t mask = 0;
        int bad = 0;
        const char *p = args->nat;
        while (*p) {
            const char *start = p;
            while (*p && *p != ',')
                p++;
            size_t n = (size_t)(p - start);
            if (n > 0) {
                int i = sl_mockapi_data_nat_find(start, n);
                if (i < 0)
                    bad = 1;
                else
                    mask |= 1u << i;
            }
            if (*p == ',')
                p++;
        }
        if (!bad && mask)
            req->nat_mask = mask;
    }
    req->fields = SL_MOCKAPI_GEN_ALL_FIELDS;
    if (args->inc && args->inc[0])
        req->fields = parse_fields(args->inc);
    if (args->exc && args->exc[0])
        req->fields &= ~parse_fields(args->exc);
    req->info = args->noinfo == NULL;
    req->now_year = now_year;
}

/* ---- output: capacity is reserved per user, writes inside it are unchecked ---- */

typedef sl_buf_t out_t;

#define PUTS(o, lit)                                                                               \
    (memcpy((o)->data + (o)->len, lit, sizeof(lit) - 1), (o)->len += sizeof(lit) - 1)

static void put(out_t *o, const char *s, size_t n) {
    memcpy(o->data + o->len, s, n);
    o->len += n;
}

static void put_word(out_t *o, const sl_mockapi_data_word_t *w) {
    put(o, w->s, w->len);
}

static void put_uint(out_t *o, uint64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        o->data[o->len++] = tmp[--n];
}

static void put_int(out_t *o, int64_t v) {
    if (v < 0) {
        o->data[o->len++] = '-';
        put_uint(o, (uint64_t)(-v));
    } else {
        put_uint(o, (uint64_t)v);
    }
}

static void put_pad(out_t *o, unsigned v, int width) {
    for (int i = width - 1; i >= 0; i--) {
        o->data[o->len + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->len += (size_t)width;
}

/* Small uniform draws for patterns: several from one 64-bit value, by taking the leading
 * base-n digit of a 32-bit fraction each time (patterns are mostly digits; one generator
 * step per character was a measurable share of the time). Good to well below 2^-20. */
typedef struct draws_s {
    rng_t *r;
    uint32_t frac;
    int left;
} draws_t;

static uint32_t draw_below(draws_t *d, uint32_t n) {
    if (d->left == 0) {
        d->frac = (uint32_t)(rng_next(d->r) >> 32);
        d->left = 5;
    }
    d->left--;
    uint64_t t = (uint64_t)d->frac * n;
    d->frac = (uint32_t)t;
    return (uint32_t)(t >> 32);
}

/* Writes one of fmt's '|'-separated alternatives, picked uniformly (the pattern characters
 * are described in sl_mockapi_data.h); male decides the parity of a '%' digit. */
static void put_pattern(out_t *o, rng_t *r, const char *fmt, int male) {
    draws_t d = {r, 0, 0};
    const char *f = fmt;
    if (strchr(fmt, '|')) {
        uint32_t alternatives = 1;
        for (const char *p = fmt; *p; p++)
            alternatives += *p == '|';
        for (uint32_t k = draw_below(&d, alternatives); k; f++)
            k -= *f == '|';
    }
    char *w = o->data + o->len; /* a local cursor: stores through o->data could alias o->len */
    for (; *f && *f != '|'; f++) {
        switch (*f) {
        case '#': *w++ = (char)('0' + draw_below(&d, 10)); break;
        case '@': *w++ = (char)('A' + draw_below(&d, 26)); break;
        case '%': *w++ = (char)('0' + 2 * draw_below(&d, 5) + (male ? 1 : 0)); break;
        case '[': {
            const char *set = f + 1, *end = strchr(set, ']');
            *w++ = set[draw_below(&d, (uint32_t)(end - set))];
            f = end;
            break;
        }
        default: *w++ = *f; break;
        }
    }
    o->len = (size_t)(w - o->data);
}

/* E-mail local part: the Latin form of a name, lower case, without spaces (as the real
 * generator does after transliterating; apostrophes stay). */
static void put_mailpart(out_t *o, const sl_mockapi_data_word_t *w) {
    for (uint8_t i = 0; i < w->alen; i++) {
        unsigned char c = (unsigned char)w->ascii[i];
        if (c >= 'A' && c <= 'Z')
            o->data[o->len++] = (char)(c + 32);
        else if (c != ' ')
            o->data[o->len++] = (char)c;
    }
}

/* Writes a JSON string body (without quotes) for arbitrary bytes: printable ASCII as is,
 * everything else as \u00XX, so the output is valid JSON whatever the input. The caller
 * has reserved the room (6 bytes a byte at most). */
static void put_escaped(out_t *o, const char *s) {
    o->len += sl_json_escape(o->data + o->len, o->cap - o->len, s, strlen(s), SL_JSON_ASCII);
}

static const sl_mockapi_data_word_t *pick(rng_t *r, const sl_mockapi_data_list_t *l) {
    return &l->w[rng_below(r, l->n)];
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + (unsigned)era * 400) + (*m <= 2);
}

/* Civil date (UTC) of a time in ms since the epoch, and the ms into that day. */
static int64_t civil_from_ms(int64_t ms, int *y, unsigned *m, unsigned *d) {
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    civil_from_days(days, y, m, d);
    return ms - days * 86400000;
}

/* Writes "date":"YYYY-MM-DDTHH:MM:SS.mmmZ","age":N for a time in ms since the epoch. */
static void put_date_age(out_t *o, int64_t ms, int now_year) {
    int y;
    unsigned m, d;
    int64_t rem = civil_from_ms(ms, &y, &m, &d);
    PUTS(o, "{\"date\":\"");
    put_pad(o, (unsigned)y, 4);
    o->data[o->len++] = '-';
    put_pad(o, m, 2);
    o->data[o->len++] = '-';
    put_pad(o, d, 2);
    o->data[o->len++] = 'T';
    put_pad(o, (unsigned)(rem / 3600000), 2);
    o->data[o->len++] = ':';
    put_pad(o, (unsigned)(rem / 60000 % 60), 2);
    o->data[o->len++] = ':';
    put_pad(o, (unsigned)(rem / 1000 % 60), 2);
    o->data[o->len++] = '.';
    put_pad(o, (unsigned)(rem % 1000), 3);
    PUTS(o, "Z\",\"age\":");
    put_int(o, now_year - y);
    o->data[o->len++] = '}';
}

/* A coordinate with four decimals as a JSON string, in [-limit, limit]. */
static void put_coord(out_t *o, rng_t *r, int limit) {
    int64_t v = rng_range(r, -(int64_t)limit * 10000, (int64_t)limit * 10000);
    o->data[o->len++] = '"';
    if (v < 0) {
        o->data[o->len++] = '-';
        v = -v;
    }
    put_uint(o, (uint64_t)(v / 10000));
    o->data[o->len++] = '.';
    put_pad(o, (unsigned)(v % 10000), 4);
    o->data[o->len++] = '"';
}

/* ---- password digests ---- */

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_md5, *md_sha1, *md_sha256;

/* Explicitly fetched digests: EVP_md5() and friends would be looked up again on every
 * EVP_Digest() call, which costs more than hashing a few bytes. Kept for the process's life. */
static void md_init(void) {
    md_md5 = EVP_MD_fetch(NULL, "MD5", NULL);
    md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
    md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* ctx is reused across users of a page: one allocation per page, not three per user. */
static void put_digest(out_t *o, EVP_MD_CTX *ctx, const EVP_MD *md, const char *data, size_t len) {
    static const char hex[] = "0123456789abcdef";
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!md || !ctx || EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
        EVP_DigestUpdate(ctx, data, len) != 1 || EVP_DigestFinal_ex(ctx, dig, &n) != 1)
        n = 0; /* cannot happen with the default provider; leave the string empty */
    for (unsigned i = 0; i < n; i++) {
        o->data[o->len++] = hex[dig[i] >> 4];
        o->data[o->len++] = hex[dig[i] & 15];
    }
}

/* ---- national ids (id.value) ---- */

static void put_digits(out_t *o, rng_t *r, int n) {
    for (int i = 0; i < n; i++)
        o->data[o->len++] = (char)('0' + rng_below(r, 10));
}

/* US: the area is never 000, 666 or 9xx, the group never 00, the serial never 0000, and
 * two numbers once printed on sample cards are left out. */
static void put_ssn(out_t *o, rng_t *r) {
    unsigned area, group, serial;
    do {
        area = (unsigned)rng_range(r, 1, 899);
        group = (unsigned)rng_range(r, 1, 99);
        serial = (unsigned)rng_range(r, 1, 9999);
    } while (area == 666 || (area == 219 && group == 9 && serial == 9999) ||
             (area == 78 && group == 5 && serial == 1120));
    put_pad(o, area, 3);
    o->data[o->len++] = '-';
    put_pad(o, group, 2);
    o->data[o->len++] = '-';
    put_pad(o, serial, 4);
}

/* CA: 9 digits whose Luhn sum (weights 1,2,1,2,... with the digits of each product added)
 * is a multiple of 10; the last digit is chosen to make it so. */
static void put_sin(out_t *o, rng_t *r) {
    unsigned sum = 0;
    for (int i = 0; i < 8; i++) {
        unsigned dgt = rng_below(r, 10), v = dgt * (i % 2 ? 2u : 1u);
        sum += v / 10 + v % 10;
        o->data[o->len++] = (char)('0' + dgt);
    }
    o->data[o->len++] = (char)('0' + (10 - sum % 10) % 10);
}

/* Norwegian mod-11 check digit of the first n digits under weights w; 10 is not a digit. */
static unsigned fn_check(const char *digits, const unsigned char *w, int n) {
    unsigned sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i] * (unsigned)(digits[i] - '0');
    return sum % 11 == 0 ? 0 : 11 - sum % 11;
}

/* NO: DDMMYY, an individual number (000-499 born in the 1900s, 500-999 from 2000; odd for
 * men, even for women) and two check digits. Like the real generator, draws again while a
 * check digit would be 10 or the second one 0. */
static void put_fn(out_t *o, rng_t *r, int y, unsigned m, unsigned d, int male) {
    static const unsigned char w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const unsigned char w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    unsigned yy = (unsigned)(y % 100);
    char fn[11] = {(char)('0' + d / 10), (char)('0' + d % 10),  (char)('0' + m / 10),
                   (char)('0' + m % 10), (char)('0' + yy / 10), (char)('0' + yy % 10)};
    for (int tries = 0;; tries++) {
        int no = y >= 2000 ? 999 - (int)rng_range(r, 0, 499) : 499 - (int)rng_range(r, 0, 499);
        if ((no % 2 == 1) != male)
            no--;
        if (no < 0 && tries < 64)
            continue;
        if (no < 0)
            no = male ? 1 : 0;
        fn[6] = (char)('0' + no / 100);
        fn[7] = (char)('0' + no / 10 % 10);
        fn[8] = (char)('0' + no % 10);
        unsigned k1 = fn_check(fn, w1, 9);
        fn[9] = (char)('0' + k1 % 10);
        unsigned k2 = fn_check(fn, w2, 10);
        if ((k1 == 10 || k2 == 10 || k2 == 0) && tries < 64)
            continue;
        put(o, fn, 10);
        o->data[o->len++] = (char)('0' + k2 % 10);
        return;
    }
}

/* FR: sex (1 man, 2 woman), year - 1900, the month counted from 00, 8 digits, a space and
 * the key 97 - (that number mod 97) on two digits. */
static void put_insee(out_t *o, rng_t *r, int y, unsigned m, int male) {
    unsigned yy = (unsigned)(y - 1900);
    uint64_t serial = (uint64_t)rng_range(r, 0, 99999999);
    uint64_t n = male ? 1 : 2;
    n = n * (yy >= 100 ? 1000 : 100) + yy;
    n = (n * 100 + (m - 1)) * 100000000ULL + serial;
    put_uint(o, n); /* leads with the sex digit, so no zero is lost */
    o->data[o->len++] = ' ';
    put_pad(o, (unsigned)(97 - n % 97), 2);
}

/* DE: a pension insurance area, DDMM and year - 1900, the first letter of the last name,
 * and a serial of two digits (00-49 men, 50-99 women) and one more digit. */
static void put_svnr(out_t *o, rng_t *r, int y, unsigned m, unsigned d, int male,
                     const sl_mockapi_data_word_t *last) {
    put_pad(o, sl_mockapi_data_svnr_areas[rng_below(r, (uint32_t)sl_mockapi_data_svnr_area_count)],
            2);
    o->data[o->len++] = ' ';
    put_pad(o, d, 2);
    put_pad(o, m, 2);
    put_uint(o, (uint64_t)(y - 1900));
    o->data[o->len++] = ' ';
    unsigned char c = (unsigned char)last->s[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; /* one UTF-8 character */
    put(o, last->s, n < last->len ? n : last->len);
    o->data[o->len++] = ' ';
    put_pad(o, (unsigned)(male ? rng_range(r, 0, 49) : rng_range(r, 50, 99)), 2);
    put_digits(o, r, 1);
}

/* Writes {"name":...,"value":...} for a user born at dob_ms. */
static void put_id(out_t *o, rng_t *r, const sl_mockapi_data_nat_t *nat, int male, int64_t dob_ms,
                   const sl_mockapi_data_word_t *last) {
    PUTS(o, "{\"name\":\"");
    put(o, nat->id_name, strlen(nat->id_name));
    PUTS(o, "\",\"value\":");
    if (nat->id_kind == SL_MOCKAPI_DATA_ID_NULL) {
        PUTS(o, "null}");
        return;
    }
    int y;
    unsigned m, d;
    civil_from_ms(dob_ms, &y, &m, &d);
    o->data[o->len++] = '"';
    switch (nat->id_kind) {
    case SL_MOCKAPI_DATA_ID_SSN: put_ssn(o, r); break;
    case SL_MOCKAPI_DATA_ID_SIN: put_sin(o, r); break;
    case SL_MOCKAPI_DATA_ID_CPR:
        put_pad(o, d, 2);
        put_pad(o, m, 2);
        put_uint(o, (uint64_t)(y - 1900));
        o->data[o->len++] = '-';
        put_digits(o, r, 4);
        break;
    case SL_MOCKAPI_DATA_ID_SVNR: put_svnr(o, r, y, m, d, male, last); break;
    case SL_MOCKAPI_DATA_ID_INSEE: put_insee(o, r, y, m, male); break;
    case SL_MOCKAPI_DATA_ID_FN: put_fn(o, r, y, m, d, male); break;
    case SL_MOCKAPI_DATA_ID_PATTERN:
    case SL_MOCKAPI_DATA_ID_NULL:
    default: put_pattern(o, r, nat->id_fmt, male); break;
    }
    PUTS(o, "\"}");
}

/* ---- one user ---- */

#define FIELD(bit) (fields & (1u << SL_MOCKAPI_GEN_FBIT_##bit))

static void put_key(out_t *o, int *first, const char *key, size_t klen) {
    if (!*first)
        o->data[o->len++] = ',';
    *first = 0;
    o->data[o->len++] = '"';
    put(o, key, klen);
    PUTS(o, "\":");
}
#define KEY(o, first, lit) put_key(o, first, lit, sizeof(lit) - 1)

/* The "location" object: street, city, state, country, postcode, coordinates and time
 * zone, drawn in that order. */
static void put_location(out_t *o, rng_t *r, const sl_mockapi_data_nat_t *nat, int male) {
    PUTS(o, "{\"street\":{\"number\":");
    put_uint(o, (uint64_t)rng_range(r, 1, 9999));
    PUTS(o, ",\"name\":\"");
    put_word(o, pick(r, &nat->street));
    PUTS(o, "\"},\"city\":\"");
    put_word(o, pick(r, &nat->city));
    PUTS(o, "\",\"state\":\"");
    put_word(o, pick(r, &nat->state));
    PUTS(o, "\",\"country\":\"");
    put(o, nat->country, strlen(nat->country));
    PUTS(o, "\",\"postcode\":");
    if (nat->postcode_kind == SL_MOCKAPI_DATA_POSTCODE_STRING) {
        o->data[o->len++] = '"';
        put_pattern(o, r, nat->postcode_fmt, male);
        o->data[o->len++] = '"';
    } else {
        put_uint(o, (uint64_t)rng_range(r, nat->pc_lo, nat->pc_hi));
    }
    PUTS(o, ",\"coordinates\":{\"latitude\":");
    put_coord(o, r, 90);
    PUTS(o, ",\"longitude\":");
    put_coord(o, r, 180);
    const sl_mockapi_data_tz_t *tz =
        &sl_mockapi_data_timezones[rng_below(r, (uint32_t)sl_mockapi_data_timezone_count)];
    PUTS(o, "},\"timezone\":{\"offset\":\"");
    put(o, tz->offset, strlen(tz->offset));
    PUTS(o, "\",\"description\":\"");
    put(o, tz->description, strlen(tz->description));
    PUTS(o, "\"}}");
}

/* The "login" object: the user's uuid, a username and a password with its salt and
 * digests. */
static void put_login(out_t *o, EVP_MD_CTX *mdctx, rng_t *r, uint64_t seed_hash,
                      const sl_mockapi_gen_req_t *req, uint32_t index) {
    char uuid[37];
    sl_mockapi_gen_uuid(seed_hash, req->page, index, uuid);
    PUTS(o, "{\"uuid\":\"");
    put(o, uuid, 36);
    PUTS(o, "\",\"username\":\"");
    put_word(o, pick(r, &sl_mockapi_data_user_adjectives));
    put_word(o, pick(r, &sl_mockapi_data_user_nouns));
    put_uint(o, (uint64_t)rng_range(r, 100, 999));
    const sl_mockapi_data_word_t *pw = pick(r, &sl_mockapi_data_passwords);
    PUTS(o, "\",\"password\":\"");
    put_word(o, pw);
    char salted[128];
    memcpy(salted, pw->s, pw->len);
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int i = 0; i < 8; i++)
        salted[pw->len + (size_t)i] = alnum[rng_below(r, 62)];
    size_t slen = pw->len + 8u;
    PUTS(o, "\",\"salt\":\"");
    put(o, salted + pw->len, 8);
    PUTS(o, "\",\"md5\":\"");
    put_digest(o, mdctx, md_md5, salted, slen);
    PUTS(o, "\",\"sha1\":\"");
    put_digest(o, mdctx, md_sha1, salted, slen);
    PUTS(o, "\",\"sha256\":\"");
    put_digest(o, mdctx, md_sha256, salted, slen);
    PUTS(o, "\"}");
}

static void put_user(out_t *o, EVP_MD_CTX *mdctx, const sl_mockapi_gen_req_t *req,
                     uint64_t seed_hash, const uint8_t *nats, uint32_t n_nats, uint32_t index) {
    rng_t r = {sl_mix64(seed_hash ^
                        sl_mix64(((uint64_t)req->page << 32 | index) + 0x632be59bd9b4e019ULL))};
    uint32_t fields = req->fields;
    const sl_mockapi_data_nat_t *nat = &sl_mockapi_data_nats[nats[rng_below(&r, n_nats)]];
    int male = rng_below(&r, 2) == 0; /* drawn even when forced: the stream stays aligned */
    if (req->gender)
        male = req->gender == 1;
    const sl_mockapi_data_word_t *first = pick(&r, male ? &nat->male : &nat->female);
    const sl_mockapi_data_word_t *last = pick(&r, &nat->last);
    int f = 1;
    o->data[o->len++] = '{';
    if (FIELD(GENDER)) {
        KEY(o, &f, "gender");
        if (male)
            PUTS(o, "\"male\"");
        else
            PUTS(o, "\"female\"");
    }
    if (FIELD(NAME)) {
        KEY(o, &f, "name");
        PUTS(o, "{\"title\":\"");
        if (male)
            put(o, nat->male_title, strlen(nat->male_title));
        else
            put_word(o, pick(&r, nat->female_titles));
        PUTS(o, "\",\"first\":\"");
        put_word(o, first);
        PUTS(o, "\",\"last\":\"");
        put_word(o, last);
        PUTS(o, "\"}");
    }
    if (FIELD(LOCATION)) {
        KEY(o, &f, "location");
        put_location(o, &r, nat, male);
    }
    if (FIELD(EMAIL)) {
        KEY(o, &f, "email");
        o->data[o->len++] = '"';
        put_mailpart(o, first);
        o->data[o->len++] = '.';
        put_mailpart(o, last);
        PUTS(o, "@example.com\"");
    }
    if (FIELD(LOGIN)) {
        KEY(o, &f, "login");
        put_login(o, mdctx, &r, seed_hash, req, index);
    }
    /* The real generator's ranges, in ms: dob from -8e11 (1944-08-25) to 21 years of 365
     * days before its fixed "now" of 2022-05-23T22:16:29Z (so to 2001-05-28), registered
     * from 2002-03-21T05:27:41Z to that fixed time. */
    int64_t dob = rng_range(&r, -800000000000LL, 991088189000LL);
    int64_t reg = rng_range(&r, 1016688461000LL, 1653344189000LL);
    if (FIELD(DOB)) {
        KEY(o, &f, "dob");
        put_date_age(o, dob, req->now_year);
    }
    if (FIELD(REGISTERED)) {
        KEY(o, &f, "registered");
        put_date_age(o, reg, req->now_year);
    }
    if (FIELD(PHONE)) {
        KEY(o, &f, "phone");
        o->data[o->len++] = '"';
        put_pattern(o, &r, nat->phone_fmt, male);
        o->data[o->len++] = '"';
    }
    if (FIELD(CELL)) {
        KEY(o, &f, "cell");
        o->data[o->len++] = '"';
        put_pattern(o, &r, nat->cell_fmt, male);
        o->data[o->len++] = '"';
    }
    if (FIELD(ID)) {
        KEY(o, &f, "id");
        put_id(o, &r, nat, male, dob, last);
    }
    if (FIELD(PICTURE)) {
        KEY(o, &f, "picture");
        unsigned pic = rng_below(&r, male ? 100 : 97);
        static const char *const sizes[] = {"", "med/", "thumb/"};
        static const char *const keys[] = {"{\"large\":\"", "\",\"medium\":\"",
                                           "\",\"thumbnail\":\""};
        for (int i = 0; i < 3; i++) {
            put(o, keys[i], strlen(keys[i]));
            PUTS(o, "https://randomuser.me/api/portraits/");
            put(o, sizes[i], strlen(sizes[i]));
            if (male)
                PUTS(o, "men/");
            else
                PUTS(o, "women/");
            put_uint(o, pic);
            PUTS(o, ".jpg");
        }
        PUTS(o, "\"}");
    }
    if (FIELD(NAT)) {
        KEY(o, &f, "nat");
        o->data[o->len++] = '"';
        put(o, nat->code, 2);
        o->data[o->len++] = '"';
    }
    o->data[o->len++] = '}';
}

sl_mockapi_err_t sl_mockapi_gen_render(const sl_mockapi_gen_req_t *req, char **body, size_t *len) {
    *body = NULL;
    *len = 0;
    pthread_once(&md_once, md_init);
    uint8_t nats[32];
    uint32_t n_nats = 0;
    for (size_t i = 0; i < sl_mockapi_data_nat_count; i++) {
        if (req->nat_mask & (1u << i))
            nats[n_nats++] = (uint8_t)i;
    }
    if (n_nats == 0 || req->results < 1 || req->results > SL_MOCKAPI_GEN_MAX_RESULTS ||
        req->page < 1 || req->page > SL_MOCKAPI_GEN_MAX_PAGE)
        return SL_MOCKAPI_ERR_INVALID;
    uint64_t seed_hash = sl_mockapi_gen_seed_hash(req->seed);
    out_t o;
    sl_buf_init(&o, RENDER_MAX);
    EVP_MD_CTX *mdctx = NULL;
    if (req->fields & (1u << SL_MOCKAPI_GEN_FBIT_LOGIN)) {
        mdctx = EVP_MD_CTX_new();
        if (!mdctx)
            return SL_MOCKAPI_ERR_NOMEM;
    }
    if (sl_buf_reserve(&o, (size_t)req->results * 1400 + 1024) != SL_BUF_OK) {
        EVP_MD_CTX_free(mdctx);
        return SL_MOCKAPI_ERR_NOMEM;
    }
    PUTS(&o, "{\"results\":[");
    for (uint32_t i = 0; i < req->results; i++) {
        if (sl_buf_reserve(&o, USER_MAX_BYTES) != SL_BUF_OK) {
            sl_buf_free(&o);
            EVP_MD_CTX_free(mdctx);
            return SL_MOCKAPI_ERR_NOMEM;
        }
        if (i)
            o.data[o.len++] = ',';
        put_user(&o, mdctx, req, seed_hash, nats, n_nats, i);
    }
    EVP_MD_CTX_free(mdctx);
    /* the seed may be up to 64 bytes, each escaped to at most 6 */
    if (sl_buf_reserve(&o, 512) != SL_BUF_OK) {
        sl_buf_free(&o);
        return SL_MOCKAPI_ERR_NOMEM;
    }
    o.data[o.len++] = ']';
    if (req->info) {
        PUTS(&o, ",\"info\":{\"seed\":\"");
        put_escaped(&o, req->seed);
        PUTS(&o, "\",\"results\":");
        put_uint(&o, req->results);
        PUTS(&o, ",\"page\":");
        put_uint(&o, req->page);
        PUTS(&o, ",\"version\":\"1.4\"}");
    }
    o.data[o.len++] = '}';
    o.data[o.len] = '\0';
    *body = sl_buf_detach(&o, len);
    return SL_MOCKAPI_OK;
}
