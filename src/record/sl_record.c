/*
 * Record fields, reject reasons and the data-quality checks. Every check is a plain
 * scan over bytes with no allocation, cheap enough to run on both sides of Kafka.
 */
#include "sl_record.h"

#include <stdint.h>
#include <string.h>

static const char *const field_names[SL_FIELD_COUNT] = {
#define SL_FIELD_NAME_(sym, key) key,
    SL_FIELDS(SL_FIELD_NAME_)
#undef SL_FIELD_NAME_
};

const char *sl_field_name(sl_field_t field) {
    if ((int)field < 0 || (int)field >= SL_FIELD_COUNT)
        return "";
    return field_names[field];
}

static const size_t field_lens[SL_FIELD_COUNT] = {
#define SL_FIELD_LEN_(sym, key) sizeof(key) - 1,
    SL_FIELDS(SL_FIELD_LEN_)
#undef SL_FIELD_LEN_
};

size_t sl_field_name_len(sl_field_t field) {
    if ((int)field < 0 || (int)field >= SL_FIELD_COUNT)
        return 0;
    return field_lens[field];
}

sl_field_t sl_field_lookup(const char *key, size_t len) {
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        if (field_lens[i] == len && memcmp(field_names[i], key, len) == 0)
            return (sl_field_t)i;
    }
    return SL_FIELD_NONE;
}

/* Reject codes are dense 0..SL_REJECT_COUNT-1, so tables can be indexed by them. */
static const char *const reject_names[] = {
#define SL_REJECT_NAME_(sym, code, name, text) [code] = name,
    SL_REJECTS(SL_REJECT_NAME_)
#undef SL_REJECT_NAME_
};
static const char *const reject_texts[] = {
#define SL_REJECT_TEXT_(sym, code, name, text) [code] = text,
    SL_REJECTS(SL_REJECT_TEXT_)
#undef SL_REJECT_TEXT_
};
_Static_assert(sizeof reject_names / sizeof reject_names[0] == SL_REJECT_COUNT,
               "SL_REJECT_COUNT must match SL_REJECTS");

const char *sl_reject_name(sl_reject_t reason) {
    if ((int)reason < 0 || (int)reason >= SL_REJECT_COUNT)
        return "unknown";
    return reject_names[reason];
}

const char *sl_record_reject_str(sl_reject_t reason) {
    if ((int)reason < 0 || (int)reason >= SL_REJECT_COUNT)
        return "unknown reject reason";
    return reject_texts[reason];
}

size_t sl_record_utf8_seq(const unsigned char *s, size_t avail) {
    unsigned char c = s[0];
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        cp = c & 0x07u;
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, > U+10FFFF lead */
    }
    if (avail <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n + 1;
}

int sl_record_utf8_valid(const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* Most text is ASCII: take 8 bytes at a time while none is NUL or >= 0x80. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ull) ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        size_t n = c ? sl_record_utf8_seq(s + i, len - i) : 0;
        if (n == 0)
            return 0; /* NUL, or not a valid sequence */
        i += n;
    }
    return 1;
}

static int is_hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int sl_record_uuid_valid(const char *str, size_t len) {
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        unsigned char c = (unsigned char)str[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!is_hex(c)) {
            return 0;
        }
    }
    return 1;
}

static unsigned hex_value(unsigned char c) {
    if (c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

int sl_record_uuid_to_bytes(const char *str, size_t len, unsigned char out[16]) {
    if (!sl_record_uuid_valid(str, len))
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < 36; i += 2) {
        if (str[i] == '-')
            i++;
        out[o++] = (unsigned char)(hex_value((unsigned char)str[i]) << 4 |
                                   hex_value((unsigned char)str[i + 1]));
    }
    return 1;
}

/* Characters RFC 5322 allows in a dot-atom local part besides letters and digits. */
static int is_local_char(unsigned char c) {
    return is_alpha(c) || is_digit(c) || (c != 0 && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

int sl_record_email_valid(const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    if (len < 6 || len > 254)
        return 0;
    const unsigned char *at = memchr(s, '@', len);
    if (!at)
        return 0;
    size_t local_len = (size_t)(at - s);
    if (local_len == 0 || local_len > 64 || s[0] == '.' || s[local_len - 1] == '.')
        return 0;
    for (size_t i = 0; i < local_len; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return 0;
        } else if (!is_local_char(s[i])) {
            return 0;
        }
    }
    /* Domain: at least two labels, each 1..63 of [A-Za-z0-9-] not starting or ending
     * with '-'; the last (the TLD) at least two letters. */
    const unsigned char *d = at + 1;
    size_t dlen = len - local_len - 1;
    size_t labels = 0, label_start = 0;
    for (size_t i = 0; i <= dlen; i++) {
        if (i == dlen || d[i] == '.') {
            size_t ll = i - label_start;
            if (ll == 0 || ll > 63 || d[label_start] == '-' || d[i - 1] == '-')
                return 0;
            labels++;
            if (i == dlen) {
                if (ll < 2)
                    return 0;
                for (size_t k = label_start; k < i; k++) {
                    if (!is_alpha(d[k]))
                        return 0;
                }
            }
            label_start = i + 1;
        } else if (!is_alpha(d[i]) && !is_digit(d[i]) && d[i] != '-') {
            return 0;
        }
    }
    return labels >= 2;
}

/* Reads exactly n digits at s[*i] into *out. */
static int digits(const char *s, size_t len, size_t *i, int n, int *out) {
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || !is_digit((unsigned char)s[*i]))
            return 0;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return 1;
}

static int expect(const char *s, size_t len, size_t *i, char c) {
    if (*i >= len || s[*i] != c)
        return 0;
    (*i)++;
    return 1;
}

static int days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

int sl_record_iso8601_valid(const char *s, size_t len) {
    size_t i = 0;
    int year, month, day, hour, minute, second = 0;
    if (!digits(s, len, &i, 4, &year) || !expect(s, len, &i, '-') ||
        !digits(s, len, &i, 2, &month) || !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &day))
        return 0;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return 0;
    if (i == len)
        return 1;
    if (!expect(s, len, &i, 'T') || !digits(s, len, &i, 2, &hour) || !expect(s, len, &i, ':') ||
        !digits(s, len, &i, 2, &minute))
        return 0;
    if (i < len && s[i] == ':') {
        i++;
        if (!digits(s, len, &i, 2, &second))
            return 0;
        if (i < len && s[i] == '.') {
            i++;
            size_t start = i;
            while (i < len && is_digit((unsigned char)s[i]))
                i++;
            if (i == start || i - start > 9)
                return 0;
        }
    }
    if (hour > 23 || minute > 59 || second > 60)
        return 0;
    if (i >= len)
        return 0; /* a time needs a zone: local times are ambiguous */
    if (s[i] == 'Z')
        return i + 1 == len;
    if (s[i] != '+' && s[i] != '-')
        return 0;
    i++;
    int oh, om = 0;
    if (!digits(s, len, &i, 2, &oh))
        return 0;
    if (i < len) {
        if (s[i] == ':')
            i++;
        if (!digits(s, len, &i, 2, &om))
            return 0;
    }
    return i == len && oh <= 23 && om <= 59;
}

static int blank(sl_record_str_t v) {
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] != ' ' && v.ptr[i] != '\t')
            return 0;
    }
    return 1;
}

static sl_reject_t fail(sl_field_t *out, sl_field_t f, sl_reject_t r) {
    if (out)
        *out = f;
    return r;
}

/* Every check; the UTF-8 one only when utf8 is set. */
static sl_reject_t check(const sl_record_t *rec, sl_field_t *field, int utf8) {
    size_t total = 0;
    for (int i = 0; i < SL_FIELD_COUNT; i++) {
        sl_record_str_t v = rec->field[i];
        if (!v.ptr)
            return fail(field, (sl_field_t)i,
                        i == SL_FIELD_ID ? SL_REJECT_MISSING_ID : SL_REJECT_MISSING_FIELD);
        if (v.len > SL_RECORD_FIELD_MAX)
            return fail(field, (sl_field_t)i, SL_REJECT_FIELD_TOO_LONG);
        total += v.len;
        if (utf8 && !sl_record_utf8_valid(v.ptr, v.len))
            return fail(field, (sl_field_t)i, SL_REJECT_BAD_UTF8);
    }
    if (total > SL_RECORD_MAX)
        return fail(field, SL_FIELD_NONE, SL_REJECT_RECORD_TOO_LONG);
    const sl_record_str_t *f = rec->field;
    if (!sl_record_uuid_valid(f[SL_FIELD_ID].ptr, f[SL_FIELD_ID].len))
        return fail(field, SL_FIELD_ID, SL_REJECT_BAD_ID);
    if (blank(f[SL_FIELD_FIRST_NAME]))
        return fail(field, SL_FIELD_FIRST_NAME, SL_REJECT_MISSING_NAME);
    if (blank(f[SL_FIELD_LAST_NAME]))
        return fail(field, SL_FIELD_LAST_NAME, SL_REJECT_MISSING_NAME);
    if (!sl_record_email_valid(f[SL_FIELD_EMAIL].ptr, f[SL_FIELD_EMAIL].len))
        return fail(field, SL_FIELD_EMAIL, SL_REJECT_BAD_EMAIL);
    if (!sl_record_iso8601_valid(f[SL_FIELD_DOB].ptr, f[SL_FIELD_DOB].len))
        return fail(field, SL_FIELD_DOB, SL_REJECT_BAD_DOB);
    if (!sl_record_iso8601_valid(f[SL_FIELD_REGISTERED_DATE].ptr, f[SL_FIELD_REGISTERED_DATE].len))
        return fail(field, SL_FIELD_REGISTERED_DATE, SL_REJECT_BAD_REGISTERED);
    return fail(field, SL_FIELD_NONE, SL_REJECT_NONE);
}

sl_reject_t sl_record_validate(const sl_record_t *rec, sl_field_t *field) {
    return check(rec, field, 1);
}

sl_reject_t sl_record_validate_rules(const sl_record_t *rec, sl_field_t *field) {
    return check(rec, field, 0);
}
