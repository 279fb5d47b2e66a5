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

static void put_pattern(out_t *o, rng_t *r, const char *fmt) {
    for (const char *f = fmt; *f; f++) {
        if (*f == '#')
            o->data[o->len++] = (char)('0' + rng_below(r, 10));
        else if (*f == 'A')
            o->data[o->len++] = (char)('A' + rng_below(r, 26));
        else
            o->data[o->len++] = *f;
    }
}

/* E-mail local part: lower-case ASCII letters, digits and '-' of the Latin form. */
static void put_mailpart(out_t *o, const sl_mockapi_data_word_t *w) {
    for (uint8_t i = 0; i < w->alen; i++) {
        unsigned char c = (unsigned char)w->ascii[i];
        if (c >= 'A' && c <= 'Z')
            o->data[o->len++] = (char)(c + 32);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            o->data[o->len++] = (char)c;
    }
}

/* Writes a JSON string body (without quotes) for arbitrary bytes: printable ASCII as is,
 * everything else as \u00XX, so the output is valid JSON whatever the input. */
static void put_escaped(out_t *o, const char *s) {
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            o->data[o->len++] = '\\';
            o->data[o->len++] = (char)*p;
        } else if (*p < 0x20 || *p >= 0x7f) {
            PUTS(o, "\\u00");
            o->data[o->len++] = hex[*p >> 4];
            o->data[o->len++] = hex[*p & 15];
        } else {
            o->data[o->len++] = (char)*p;
        }
    }
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

/* Writes "date":"YYYY-MM-DDTHH:MM:SS.mmmZ","age":N for a time in ms since the epoch. */
static void put_date_age(out_t *o, int64_t ms, int now_year) {
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - days * 86400000;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
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
        if (male) {
            PUTS(o, "Mr");
        } else {
            /* Madame and Mademoiselle only where French is spoken */
            int french = nat->code[0] == 'F' || (nat->code[0] == 'C' && nat->code[1] == 'H');
            uint32_t n = french ? sl_mockapi_data_female_titles.n : 3;
            put_word(o, &sl_mockapi_data_female_titles.w[rng_below(&r, n)]);
        }
        PUTS(o, "\",\"first\":\"");
        put_word(o, first);
        PUTS(o, "\",\"last\":\"");
        put_word(o, last);
        PUTS(o, "\"}");
    }
    if (FIELD(LOCATION)) {
        KEY(o, &f, "location");
        PUTS(o, "{\"street\":{\"number\":");
        put_uint(o, (uint64_t)rng_range(&r, 1, 9999));
        PUTS(o, ",\"name\":\"");
        put_word(o, pick(&r, &nat->street));
        PUTS(o, "\"},\"city\":\"");
        put_word(o, pick(&r, &nat->city));
        PUTS(o, "\",\"state\":\"");
        put_word(o, pick(&r, &nat->state));
        PUTS(o, "\",\"country\":\"");
        put(o, nat->country, strlen(nat->country));
        PUTS(o, "\",\"postcode\":");
        int as_string = nat->postcode_kind == SL_MOCKAPI_DATA_POSTCODE_STRING ||
                        (nat->postcode_kind == SL_MOCKAPI_DATA_POSTCODE_MIXED && rng_below(&r, 2));
        if (as_string) {
            o->data[o->len++] = '"';
            put_pattern(o, &r, nat->postcode_fmt);
            o->data[o->len++] = '"';
        } else {
            put_uint(o, (uint64_t)rng_range(&r, nat->pc_lo, nat->pc_hi));
        }
        PUTS(o, ",\"coordinates\":{\"latitude\":");
        put_coord(o, &r, 90);
        PUTS(o, ",\"longitude\":");
        put_coord(o, &r, 180);
        const sl_mockapi_data_tz_t *tz =
            &sl_mockapi_data_timezones[rng_below(&r, (uint32_t)sl_mockapi_data_timezone_count)];
        PUTS(o, "},\"timezone\":{\"offset\":\"");
        put(o, tz->offset, strlen(tz->offset));
        PUTS(o, "\",\"description\":\"");
        put(o, tz->description, strlen(tz->description));
        PUTS(o, "\"}}");
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
        char uuid[37];
        sl_mockapi_gen_uuid(seed_hash, req->page, index, uuid);
        PUTS(o, "{\"uuid\":\"");
        put(o, uuid, 36);
        PUTS(o, "\",\"username\":\"");
        put_word(o, pick(&r, &sl_mockapi_data_user_adjectives));
        put_word(o, pick(&r, &sl_mockapi_data_user_nouns));
        put_uint(o, (uint64_t)rng_range(&r, 100, 999));
        const sl_mockapi_data_word_t *pw = pick(&r, &sl_mockapi_data_passwords);
        PUTS(o, "\",\"password\":\"");
        put_word(o, pw);
        char salted[128];
        memcpy(salted, pw->s, pw->len);
        static const char alnum[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < 8; i++)
            salted[pw->len + (size_t)i] = alnum[rng_below(&r, 62)];
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
    /* 1944-01-01 .. 2003-12-31 and 2002-01-01 .. 2022-12-31, in ms */
    int64_t dob = rng_range(&r, -820454400000LL, 1072915199999LL);
    int64_t reg = rng_range(&r, 1009843200000LL, 1672531199999LL);
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
        put_pattern(o, &r, nat->phone_fmt);
        o->data[o->len++] = '"';
    }
    if (FIELD(CELL)) {
        KEY(o, &f, "cell");
        o->data[o->len++] = '"';
        put_pattern(o, &r, nat->cell_fmt);
        o->data[o->len++] = '"';
    }
    if (FIELD(ID)) {
        KEY(o, &f, "id");
        PUTS(o, "{\"name\":\"");
        put(o, nat->id_name, strlen(nat->id_name));
        PUTS(o, "\",\"value\":");
        if (!nat->id_fmt || rng_below(&r, 100) < nat->id_null_pct) {
            PUTS(o, "null");
        } else {
            o->data[o->len++] = '"';
            put_pattern(o, &r, nat->id_fmt);
            o->data[o->len++] = '"';
        }
        o->data[o->len++] = '}';
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
