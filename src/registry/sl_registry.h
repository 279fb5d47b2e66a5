/*
 * sl_registry — a client of the Confluent Schema Registry REST API.
 *
 * It speaks only the Confluent API, so it works against Confluent's Schema Registry,
 * Karapace and Apicurio Registry's compatibility API (base URL
 * http://HOST:PORT/apis/ccompat/v7). Calls are synchronous over one libcurl easy handle
 * (connections are kept alive): each has a connect and a total timeout, a cap on the
 * answer's size, and is retried with full-jitter backoff (sl_backoff) when the registry is
 * unreachable, answers 5xx or 429 (honouring Retry-After), up to conf.attempts tries. A
 * 4xx answer fails at once with the Confluent error_code kept verbatim (40401 subject not
 * found, 40403 schema not found, 409 incompatible, 42201 invalid schema, ...) and the
 * registry's message. A call blocks at most attempts x timeout plus the waits between.
 *
 * Credentials (HTTP basic) are given by the caller, who reads them from the environment or
 * a config file, never from argv; a URL with user:password@ in it is refused. They are
 * never part of an error text or a log line.
 *
 * The library does not print: it reports retries and requests through conf.log. One client
 * is used from one thread at a time; curl_global_init() must have run.
 */
#ifndef SL_REGISTRY_H
#define SL_REGISTRY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_log.h"
#include "sl_registry_err.h"
#include "sl_registry_reply.h"

typedef struct sl_registry_s sl_registry_t;

typedef struct sl_registry_conf_s {
    const char *url;      /* base URL of the Confluent API, http:// or https://; copied */
    const char *username; /* HTTP basic auth, NULL for none; copied, never shown */
    const char *password; /* copied, never shown */
    const char *ca_file;  /* PEM file of the CAs an https registry is checked against; NULL:
                             the system's; copied */
    long connect_timeout_ms;
    long timeout_ms;   /* whole request */
    size_t max_body;   /* answer cap in bytes; a larger answer is SL_REGISTRY_ERR_TOO_BIG */
    unsigned attempts; /* tries per call for retriable errors, >= 1 */
    uint64_t backoff_base_ms, backoff_max_ms; /* full-jitter backoff between tries */
    uint64_t retry_after_max_ms;              /* longest wait a Retry-After may impose */
    /* Set by a signal handler: a wait between tries ends early and the call returns the
     * last error. May be NULL. */
    volatile sig_atomic_t *stop;
    /* Log lines (may be NULL): retries at WARN, each request at DEBUG. */
    void (*log)(void *opaque, sl_log_level_t level, const char *msg);
    void *log_opaque;
} sl_registry_conf_t;

/* Fills conf with the defaults: no URL, no credentials, connect 3 s, total 10 s, 4 MiB
 * answers, 4 attempts, backoff 200 ms..5 s, Retry-After up to 30 s. */
void sl_registry_conf_defaults(sl_registry_conf_t *conf);

/* What went wrong in a call, beyond its sl_registry_err_t. */
typedef struct sl_registry_detail_s {
    long http_status;  /* of the last answer; 0 if there was none */
    long error_code;   /* Confluent's error_code verbatim; 0 if the answer had none */
    unsigned attempts; /* tries made */
    /* "GET /schemas/ids/7: HTTP 404, error_code 40403: <the registry's message>", or
     * curl's text, or what was wrong with the answer; never credentials */
    char message[SL_REGISTRY_TEXT_MAX];
} sl_registry_detail_t;

/* Creates a client (nothing is sent yet). Returns NULL with errstr set if the URL is not
 * http(s), carries credentials, or memory runs out. Must be freed with
 * sl_registry_free(). conf is copied. */
sl_registry_t *sl_registry_new(const sl_registry_conf_t *conf, char *errstr, size_t errstr_size);
/* NULL is a no-op. */
void sl_registry_free(sl_registry_t *r);

/* The base URL in use (without a trailing '/'); valid while r lives. */
const char *sl_registry_url(const sl_registry_t *r);

/*
 * Every call below returns SL_REGISTRY_OK or the error; detail (may be NULL) is filled in
 * either case. subject is a subject name (URL-escaped by the call); schema[0..len) is the
 * schema's JSON text (AVRO, the API's default type). Inputs are only read.
 */

/* POST /subjects/{subject}/versions: registers schema under subject (or finds it there:
 * the same schema again gives the same id). *id receives the schema's global id. */
sl_registry_err_t sl_registry_register(sl_registry_t *r, const char *subject, const char *schema,
                                       size_t len, int32_t *id, sl_registry_detail_t *detail);

/* POST /subjects/{subject}: the id and version of schema under subject, without
 * registering it (40401 if no subject, 40403 if the schema is not there). version may be
 * NULL. */
sl_registry_err_t sl_registry_lookup(sl_registry_t *r, const char *subject, const char *schema,
                                     size_t len, int32_t *id, int32_t *version,
                                     sl_registry_detail_t *detail);

/* GET /schemas/ids/{id}: the schema text with that id (40403 if none). *schema is
 * NUL-terminated, *len its length; must be freed with free(). */
sl_registry_err_t sl_registry_schema_by_id(sl_registry_t *r, int32_t id, char **schema, size_t *len,
                                           sl_registry_detail_t *detail);

/* PUT /config[/{subject}]: sets the compatibility level ("BACKWARD", "FORWARD", "FULL",
 * "NONE", *_TRANSITIVE) of subject, or the global one when subject is NULL. */
sl_registry_err_t sl_registry_set_compatibility(sl_registry_t *r, const char *subject,
                                                const char *level, sl_registry_detail_t *detail);

/* GET /config[/{subject}]: the compatibility level into level (size bytes). A subject
 * without a level of its own gives the global one (defaultToGlobal). */
sl_registry_err_t sl_registry_get_compatibility(sl_registry_t *r, const char *subject, char *level,
                                                size_t size, sl_registry_detail_t *detail);

/* POST /compatibility/subjects/{subject}/versions/{version}?verbose=true: whether schema
 * could be registered next to that version ("latest" or a number) under the subject's
 * rule. *compatible is 1 or 0; reasons (may be NULL) receives the registry's reasons when
 * it gives them. */
sl_registry_err_t sl_registry_check_compatibility(sl_registry_t *r, const char *subject,
                                                  const char *version, const char *schema,
                                                  size_t len, int *compatible, char *reasons,
                                                  size_t reasons_size,
                                                  sl_registry_detail_t *detail);

/* A list the registry answered with. Must be released with sl_registry_list_free(). */
typedef struct sl_registry_list_s {
    size_t n;
    char **strings;  /* subjects: n NUL-terminated names (NULL for a list of numbers) */
    long long *ints; /* versions: n numbers (NULL for a list of names) */
} sl_registry_list_t;

/* GET /subjects: the registered subject names into *out. */
sl_registry_err_t sl_registry_subjects(sl_registry_t *r, sl_registry_list_t *out,
                                       sl_registry_detail_t *detail);

/* GET /subjects/{subject}/versions: the subject's version numbers into *out. */
sl_registry_err_t sl_registry_versions(sl_registry_t *r, const char *subject,
                                       sl_registry_list_t *out, sl_registry_detail_t *detail);

/* One version of a subject as the registry holds it. Must be released with
 * sl_registry_version_clear(). */
typedef struct sl_registry_version_s {
    int32_t id;           /* the schema's global id */
    int32_t version;      /* its version number under the subject */
    char *schema;         /* the schema text, NUL-terminated, malloc'ed */
    size_t schema_len;    /* bytes of schema */
    char schema_type[16]; /* "AVRO" when the registry does not say */
} sl_registry_version_t;

/* GET /subjects/{subject}/versions/{version|latest}: version < 0 asks for the latest. */
sl_registry_err_t sl_registry_version(sl_registry_t *r, const char *subject, int32_t version,
                                      sl_registry_version_t *out, sl_registry_detail_t *detail);

/* Frees what *v owns and zeroes it. */
void sl_registry_version_clear(sl_registry_version_t *v);

/* Frees what *list owns and zeroes it. */
void sl_registry_list_free(sl_registry_list_t *list);

/*
 * The classification of one finished transfer, exposed for tests: curl's result code
 * (0 = CURLE_OK), whether the body went over the cap, the HTTP status and the parsed
 * Confluent error_code (0 if none). Returns the call's error.
 */
sl_registry_err_t sl_registry_classify(int curl_code, int over_cap, long http_status,
                                       long error_code);

#endif
