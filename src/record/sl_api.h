/*
 * sl_api_body — turns a randomuser.me-compatible API response body into records,
 * streaming.
 *
 * Built on yajl's callback (SAX) parser: the body is never held as a tree. Feed it
 * the whole body at once or in chunks as they arrive (libcurl's write callback), then
 * finish. For every element of "results", in order, the user callback is called once
 * with the flattened and validated record, or with the reason it was rejected:
 *
 *   id              login.uuid
 *   first_name      name.first              last_name   name.last
 *   gender          gender                  email       email
 *   address         "{location.street.number} {location.street.name}, {location.city},
 *                    {location.state}, {location.country}"
 *   post_code       location.postcode, a string as is or a number with its digits
 *                   exactly as written in the body (never reformatted)
 *   username        login.username          dob         dob.date
 *   registered_date registered.date         phone       phone
 *   picture         picture.medium
 *
 * street.number may likewise be a number or a string. All other sources must be
 * strings; null counts as missing. Other keys of the user object are skipped
 * unparsed (their structure is still checked by yajl). The "info" block is kept;
 * a top-level "error" string (the API's error object) is reported as
 * SL_API_ERR_API_ERROR with its message.
 *
 * Memory is bounded independently of the body: one user's values are collected in a
 * fixed scratch arena (values longer than SL_RECORD_FIELD_MAX are dropped and the
 * user rejected), nesting deeper than SL_API_MAX_DEPTH stops the parse. yajl itself
 * buffers a token that is split across chunks, which is bounded by the body cap
 * (SL_API_BODY_MAX_DEFAULT unless set with sl_api_parser_set_max_body()).
 * Strings are UTF-8 validated by yajl.
 *
 * Not thread-safe; use one parser per thread (or per transfer). No printing.
 */
#ifndef SL_API_H
#define SL_API_H

#include <stddef.h>

#include "sl_err.h"
#include "sl_record.h"

/* Maximum JSON nesting depth of a body (a real body nests 5 deep). */
#define SL_API_MAX_DEPTH 32
/* Longest "error" message and info.seed / info.version kept (longer ones are cut). */
#define SL_API_ERRMSG_MAX 512
#define SL_API_INFO_STR_MAX 64
/* Default cap on the bytes of one body: 5,000 users are about 6 MB. */
#define SL_API_BODY_MAX_DEFAULT ((size_t)32 << 20)

/* Body-level errors: (name, code, text). A body-level error ends the parse;
 * users already delivered stay delivered. */
/* SL_API_ERRORS(X): the rows of sl_api.errors, generated at configure time. */
#include "sl_api_errors.h"

typedef enum { SL_ERR_ENUM(SL_API_ERRORS) } sl_api_err_t;

/* Static text for err; never NULL. */
const char *sl_api_err_str(sl_api_err_t err);
/* 1 if fetching the same page again may succeed (TRUNCATED, API_ERROR), else 0. */
int sl_api_err_is_retriable(sl_api_err_t err);

/* The "info" block as parsed. Members are set only when present with the expected
 * type: seed/version strings (cut to SL_API_INFO_STR_MAX-1 bytes, NUL-terminated,
 * "" when absent), results/page integers (-1 when absent or not an integer). */
typedef struct {
    int present; /* 1 if the body had an "info" object */
    char seed[SL_API_INFO_STR_MAX];
    char version[SL_API_INFO_STR_MAX];
    long long results;
    long long page;
} sl_api_info_t;

/* Counters of the current body. users == accepted + rejected. */
typedef struct {
    size_t users;
    size_t accepted;
    size_t rejected;
    size_t by_reason[SL_REJECT_COUNT]; /* indexed by sl_reject_t; [0] == accepted */
} sl_api_stats_t;

/*
 * Called once per element of "results", in body order; index is its 0-based position.
 * reject == SL_REJECT_NONE: rec is a complete, validated record.
 * otherwise: rec holds whatever fields could be flattened (others have ptr == NULL;
 *   rec->field[SL_FIELD_ID] is set if login.uuid was a string) and field names the
 *   field at fault, or SL_FIELD_NONE.
 * rec and the memory it points into belong to the parser and are valid until the
 * callback returns; copy what you keep. Return 0 to go on, non-zero to stop the
 * parse (feed/finish then return SL_API_ERR_CANCELLED). The callback must not call
 * back into the same parser.
 */
typedef int (*sl_api_user_cb)(void *opaque, size_t index, const sl_record_t *rec,
                              sl_reject_t reject, sl_field_t field);

typedef struct sl_api_parser_s sl_api_parser_t;

/* Creates a parser for one body. cb must not be NULL; opaque is passed through.
 * Returns NULL on allocation failure. Must be freed with sl_api_parser_free(). */
sl_api_parser_t *sl_api_parser_new(sl_api_user_cb cb, void *opaque);

/* Frees p and everything it owns; NULL is a no-op. */
void sl_api_parser_free(sl_api_parser_t *p);

/* Sets the cap on the total bytes fed for one body; a feed that would pass it fails
 * with SL_API_ERR_TOO_LARGE (nothing of that chunk is parsed). 0 means no cap. Kept
 * across sl_api_parser_reset(). */
void sl_api_parser_set_max_body(sl_api_parser_t *p, size_t max_bytes);

/* Forgets the current body (info, stats, error) so p can parse the next one. */
sl_api_err_t sl_api_parser_reset(sl_api_parser_t *p);

/*
 * Parses the next len bytes of the body (data is only read during the call; the
 * caller may free it afterwards). Callbacks for complete users run inside this call.
 * Returns SL_API_ERR_OK or the body-level error; after an error every further call
 * returns the same error until sl_api_parser_reset(). errstr (may be NULL) receives
 * a one-line detail, e.g. yajl's message with the byte offset.
 */
sl_api_err_t sl_api_parser_feed(sl_api_parser_t *p, const void *data, size_t len, char *errstr,
                                size_t errstr_size);

/*
 * Declares the end of the body. Returns SL_API_ERR_OK if the body was one complete
 * JSON object with a "results" array; SL_API_ERR_API_ERROR if it carried an "error"
 * string (see sl_api_parser_error_message()); SL_API_ERR_TRUNCATED if it stopped
 * mid-value; or an earlier feed's error.
 */
sl_api_err_t sl_api_parser_finish(sl_api_parser_t *p, char *errstr, size_t errstr_size);

/* The "info" block seen so far; valid until reset/free. Never NULL. */
const sl_api_info_t *sl_api_parser_info(const sl_api_parser_t *p);

/* Counters for the current body; valid until reset/free. Never NULL. */
const sl_api_stats_t *sl_api_parser_stats(const sl_api_parser_t *p);

/* The API's "error" message (NUL-terminated, cut to SL_API_ERRMSG_MAX-1 bytes), or
 * NULL if the body had none. Valid until reset/free. */
const char *sl_api_parser_error_message(const sl_api_parser_t *p);

/*
 * One-shot convenience: new + feed(body) + finish + free. info and stats (either may
 * be NULL) receive the parser's final values; errstr as for sl_api_parser_feed().
 * For an API error body the message is copied into errstr.
 */
sl_api_err_t sl_api_parse(const void *body, size_t len, sl_api_user_cb cb, void *opaque,
                          sl_api_info_t *info, sl_api_stats_t *stats, char *errstr,
                          size_t errstr_size);

#endif
