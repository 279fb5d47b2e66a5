/*
 * Token and sessions: digests only, a fixed table of sessions (the oldest is dropped when
 * full), a one-minute window of failed logins. Session ids are 32 bytes from getrandom().
 */
#include "sl_console_auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "sl_console_param.h"

#define FAIL_WINDOW_MS 60000
#define FAIL_MAX 10

typedef struct {
    int used;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    int64_t expires_ms;
    int64_t created_ms;
    char who[64];
} session_t;

struct sl_console_auth_s {
    pthread_mutex_t lock;
    int enabled;
    unsigned char token[SHA256_DIGEST_LENGTH];
    session_t sessions[SL_CONSOLE_AUTH_MAX_SESSIONS];
    int64_t fail_window_start;
    int fails;
};

static void digest(const void *p, size_t n, unsigned char out[SHA256_DIGEST_LENGTH]) {
    SHA256(p, n, out);
}

int sl_console_auth_equal(const void *a, size_t alen, const void *b, size_t blen) {
    unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
    digest(a, alen, da);
    digest(b, blen, db);
    return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

sl_console_auth_t *sl_console_auth_new(const char *token, size_t len) {
    sl_console_auth_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    pthread_mutex_init(&a->lock, NULL);
    if (token && len > 0) {
        a->enabled = 1;
        digest(token, len, a->token);
    }
    return a;
}

void sl_console_auth_free(sl_console_auth_t *a) {
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    OPENSSL_cleanse(a, sizeof *a);
    free(a);
}

int sl_console_auth_enabled(const sl_console_auth_t *a) {
    return a->enabled;
}

static int token_matches(const sl_console_auth_t *a, const char *candidate, size_t n) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    digest(candidate, n, d);
    return CRYPTO_memcmp(d, a->token, sizeof d) == 0;
}

int sl_console_auth_bearer(sl_console_auth_t *a, const char *authorization) {
    if (!a->enabled || !authorization)
        return 0;
    if (strncasecmp(authorization, "Bearer ", 7) != 0)
        return 0;
    const char *t = authorization + 7;
    while (*t == ' ')
        t++;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    return n > 0 && token_matches(a, t, n);
}

/* The session whose digest matches sid; every live slot is compared, none skipped early. */
static session_t *find_session(sl_console_auth_t *a, const char *sid, int64_t now_ms) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    digest(sid, strlen(sid), d);
    session_t *hit = NULL;
    for (int i = 0; i < SL_CONSOLE_AUTH_MAX_SESSIONS; i++) {
        session_t *s = &a->sessions[i];
        int same = CRYPTO_memcmp(d, s->digest, sizeof d) == 0;
        if (s->used && same && s->expires_ms > now_ms)
            hit = s;
    }
    return hit;
}

int sl_console_auth_cookie(sl_console_auth_t *a, const char *cookie, int64_t now_ms, char *who,
                           size_t who_size) {
    char sid[SL_CONSOLE_AUTH_SID_LEN + 2];
    if (!a->enabled || !cookie ||
        sl_console_param_cookie(cookie, SL_CONSOLE_AUTH_COOKIE, sid, sizeof sid) != 0 ||
        strlen(sid) != SL_CONSOLE_AUTH_SID_LEN)
        return 0;
    pthread_mutex_lock(&a->lock);
    session_t *s = find_session(a, sid, now_ms);
    if (s && who && who_size)
        snprintf(who, who_size, "%s", s->who);
    pthread_mutex_unlock(&a->lock);
    return s != NULL;
}

sl_console_auth_result_t sl_console_auth_login(sl_console_auth_t *a, const char *candidate,
                                               const char *who, int64_t now_ms,
                                               char sid[SL_CONSOLE_AUTH_SID_LEN + 1]) {
    if (!a->enabled || !candidate)
        return SL_CONSOLE_AUTH_DENIED;
    pthread_mutex_lock(&a->lock);
    if (now_ms - a->fail_window_start >= FAIL_WINDOW_MS) {
        a->fail_window_start = now_ms;
        a->fails = 0;
    }
    if (a->fails >= FAIL_MAX) {
        pthread_mutex_unlock(&a->lock);
        return SL_CONSOLE_AUTH_LIMITED;
    }
    if (!token_matches(a, candidate, strlen(candidate))) {
        a->fails++;
        pthread_mutex_unlock(&a->lock);
        return SL_CONSOLE_AUTH_DENIED;
    }
    unsigned char raw[SL_CONSOLE_AUTH_SID_LEN / 2];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        pthread_mutex_unlock(&a->lock);
        return SL_CONSOLE_AUTH_ERROR;
    }
    static const char hexd[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        sid[2 * i] = hexd[raw[i] >> 4];
        sid[2 * i + 1] = hexd[raw[i] & 15];
    }
    sid[SL_CONSOLE_AUTH_SID_LEN] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    /* a free or expired slot, else the oldest */
    session_t *slot = &a->sessions[0];
    for (int i = 0; i < SL_CONSOLE_AUTH_MAX_SESSIONS; i++) {
        session_t *s = &a->sessions[i];
        if (!s->used || s->expires_ms <= now_ms) {
            slot = s;
            break;
        }
        if (s->created_ms < slot->created_ms)
            slot = s;
    }
    slot->used = 1;
    digest(sid, SL_CONSOLE_AUTH_SID_LEN, slot->digest);
    slot->created_ms = now_ms;
    slot->expires_ms = now_ms + SL_CONSOLE_AUTH_SESSION_MS;
    sl_console_param_printable(who && *who ? who : "console user", slot->who, sizeof slot->who);
    pthread_mutex_unlock(&a->lock);
    return SL_CONSOLE_AUTH_OK;
}

void sl_console_auth_logout(sl_console_auth_t *a, const char *cookie) {
    char sid[SL_CONSOLE_AUTH_SID_LEN + 2];
    if (!a->enabled || !cookie ||
        sl_console_param_cookie(cookie, SL_CONSOLE_AUTH_COOKIE, sid, sizeof sid) != 0)
        return;
    pthread_mutex_lock(&a->lock);
    session_t *s = find_session(a, sid, INT64_MIN);
    if (s)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&a->lock);
}
