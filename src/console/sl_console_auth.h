/*
 * sl_console_auth — who may use the console. With no token configured the console is
 * read-only and this module answers "no auth needed"; with a token every request must
 * carry it as "Authorization: Bearer <token>" or hold a session cookie obtained by
 * posting the token to /login. Only SHA-256 digests of the token and of session ids are
 * kept, and they are compared with a constant-time compare, so neither the token nor a
 * session id can be read back from memory dumps of this struct or guessed byte by byte
 * from response times. Failed logins are limited (10 a minute). Thread-safe.
 */
#ifndef SL_CONSOLE_AUTH_H
#define SL_CONSOLE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define SL_CONSOLE_AUTH_COOKIE "sluice_console"
#define SL_CONSOLE_AUTH_SID_LEN 64 /* hex characters of a session id */
#define SL_CONSOLE_AUTH_MAX_SESSIONS 64
#define SL_CONSOLE_AUTH_SESSION_MS (12LL * 3600 * 1000)

typedef struct sl_console_auth_s sl_console_auth_t;

typedef enum {
    SL_CONSOLE_AUTH_OK = 0,
    SL_CONSOLE_AUTH_DENIED = 1,  /* wrong or missing credentials */
    SL_CONSOLE_AUTH_LIMITED = 2, /* too many failed logins just now */
    SL_CONSOLE_AUTH_ERROR = 3,   /* no randomness for a session id */
} sl_console_auth_result_t;

/* token[0..len): the secret; NULL or len 0 means no token (read-only console). Only its
 * digest is kept; the caller should wipe its own copy. Must be freed with
 * sl_console_auth_free(). NULL when out of memory. */
sl_console_auth_t *sl_console_auth_new(const char *token, size_t len);
void sl_console_auth_free(sl_console_auth_t *a);
/* 1 when a token is configured. */
int sl_console_auth_enabled(const sl_console_auth_t *a);

/* 1 when the Authorization header value is "Bearer <the token>". NULL gives 0. */
int sl_console_auth_bearer(sl_console_auth_t *a, const char *authorization);
/* 1 when the Cookie header holds a live session; its login name is copied into who. */
int sl_console_auth_cookie(sl_console_auth_t *a, const char *cookie, int64_t now_ms, char *who,
                           size_t who_size);
/* Checks candidate against the token; on success opens a session for who (a name for the
 * log, copied, printable characters only) and writes its id (SL_CONSOLE_AUTH_SID_LEN hex
 * characters and a NUL) into sid. */
sl_console_auth_result_t sl_console_auth_login(sl_console_auth_t *a, const char *candidate,
                                               const char *who, int64_t now_ms,
                                               char sid[SL_CONSOLE_AUTH_SID_LEN + 1]);
/* Ends the session named by the Cookie header, if any. */
void sl_console_auth_logout(sl_console_auth_t *a, const char *cookie);

/* 1 when a[0..alen) equals b[0..blen), in time that depends only on the lengths' digests:
 * both sides are hashed with SHA-256 and the digests compared in constant time. */
int sl_console_auth_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
