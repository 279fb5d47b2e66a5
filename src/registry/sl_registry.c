/*
 * The Confluent REST client: one request function with the retry loop (call), one
 * transfer (once) and thin wrappers per endpoint. Request bodies are generated with
 * yajl_gen, answers parsed by sl_registry_reply; what a transfer's outcome means is
 * decided in one place, sl_registry_classify().
 */
#include "sl_registry.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <yajl/yajl_gen.h>

#include "sl_backoff.h"
#include "sl_buf.h"
#include "sl_time.h"

/* The media type of the Confluent API; Apicurio and Karapace accept it too. */
#define SL_REGISTRY_MEDIA "application/vnd.schemaregistry.v1+json"

struct sl_registry_s {
    sl_registry_conf_t conf;
    char *url, *username, *password, *ca_file; /* owned copies */
    CURL *easy;
    struct curl_slist *headers;
    sl_backoff_t backoff;
    /* the answer being received, capped at conf.max_body */
    sl_buf_t body;
    int over_cap;
    int has_retry_after;
    uint64_t retry_after_ms;
    char errbuf[CURL_ERROR_SIZE];
};

void sl_registry_conf_defaults(sl_registry_conf_t *conf) {
    memset(conf, 0, sizeof *conf);
    conf->connect_timeout_ms = 3000;
    conf->timeout_ms = 10000;
    conf->max_body = 4u << 20;
    conf->attempts = 4;
    conf->backoff_base_ms = 200;
    conf->backoff_max_ms = 5000;
    conf->retry_after_max_ms = 30000;
}

static void logf_(sl_registry_t *r, sl_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void logf_(sl_registry_t *r, sl_log_level_t level, const char *fmt, ...) {
    if (!r->conf.log)
        return;
    char line[SL_REGISTRY_TEXT_MAX + 128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    r->conf.log(r->conf.log_opaque, level, line);
}

static char *dup_or_null(const char *s, int *failed) {
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = 1;
    return c;
}

/* Checks the URL's scheme and that its authority has no userinfo. */
static int url_ok(const char *url, char *errstr, size_t errstr_size) {
    const char *rest;
    if (strncmp(url, "http://", 7) == 0)
        rest = url + 7;
    else if (strncmp(url, "https://", 8) == 0)
        rest = url + 8;
    else {
        sl_err_format(errstr, errstr_size, "registry URL must start with http:// or https://");
        return 0;
    }
    size_t authority = strcspn(rest, "/?#");
    if (authority == 0) {
        sl_err_format(errstr, errstr_size, "registry URL has no host");
        return 0;
    }
    if (memchr(rest, '@', authority)) {
        /* The text is not quoted back: it holds a secret. */
        sl_err_format(errstr, errstr_size,
                      "registry URL must not carry credentials; give them as the registry "
                      "username and password (environment or config file)");
        return 0;
    }
    return 1;
}

sl_registry_t *sl_registry_new(const sl_registry_conf_t *conf, char *errstr, size_t errstr_size) {
    if (!conf || !conf->url || !*conf->url) {
        sl_err_format(errstr, errstr_size, "no registry URL");
        return NULL;
    }
    if (!url_ok(conf->url, errstr, errstr_size))
        return NULL;
    sl_registry_t *r = calloc(1, sizeof *r);
    if (!r) {
        sl_err_format(errstr, errstr_size, "out of memory");
        return NULL;
    }
    r->conf = *conf;
    sl_buf_init(&r->body, r->conf.max_body);
    if (r->conf.attempts == 0)
        r->conf.attempts = 1;
    int failed = 0;
    r->url = dup_or_null(conf->url, &failed);
    r->username = dup_or_null(conf->username, &failed);
    r->password = dup_or_null(conf->password, &failed);
    r->ca_file = dup_or_null(conf->ca_file, &failed);
    /* only the copies are used */
    r->conf.url = r->conf.username = r->conf.password = r->conf.ca_file = NULL;
    if (r->url) {
        size_t n = strlen(r->url);
        while (n > 0 && r->url[n - 1] == '/')
            r->url[--n] = '\0';
    }
    r->easy = failed ? NULL : curl_easy_init();
    struct curl_slist *h = NULL;
    if (r->easy) {
        h = curl_slist_append(NULL, "Content-Type: " SL_REGISTRY_MEDIA);
        struct curl_slist *h2 =
            h ? curl_slist_append(h, "Accept: " SL_REGISTRY_MEDIA ", application/json") : NULL;
        if (!h2) {
            curl_slist_free_all(h);
            h = NULL;
        }
    }
    r->headers = h;
    if (!r->headers) {
        sl_err_format(errstr, errstr_size, "out of memory");
        sl_registry_free(r);
        return NULL;
    }
    sl_backoff_init(&r->backoff, r->conf.backoff_base_ms, r->conf.backoff_max_ms,
                    (uint64_t)sl_now_us() ^ ((uint64_t)getpid() << 32));
    return r;
}

void sl_registry_free(sl_registry_t *r) {
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    if (r->password) {
        /* volatile so the wipe is not optimised away */
        for (volatile char *p = r->password; *p; p++)
            *p = 0;
    }
    free(r->url);
    free(r->username);
    free(r->password);
    free(r->ca_file);
    sl_buf_free(&r->body);
    free(r);
}

const char *sl_registry_url(const sl_registry_t *r) {
    return r->url;
}

/* ---- one transfer ------------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *opaque) {
    sl_registry_t *r = opaque;
    size_t n = size * nmemb;
    sl_buf_err_t be = sl_buf_append(&r->body, data, n);
    if (be == SL_BUF_ERR_TOOBIG)
        r->over_cap = 1;
    return be == SL_BUF_OK ? n : 0; /* else curl fails the transfer with CURLE_WRITE_ERROR */
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *opaque) {
    sl_registry_t *r = opaque;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && n < 128 && strncasecmp(data, name, sizeof name - 1) == 0) {
        char v[128];
        memcpy(v, data + sizeof name - 1, n - (sizeof name - 1));
        v[n - (sizeof name - 1)] = '\0';
        v[strcspn(v, "\r\n")] = '\0';
        uint64_t ms;
        if (sl_backoff_retry_after_parse(v, time(NULL), &ms) == 0) {
            r->has_retry_after = 1;
            r->retry_after_ms = ms;
        }
    }
    return n;
}

static int transient_curl_error(CURLcode c) {
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return 1;
    default: return 0;
    }
}

sl_registry_err_t sl_registry_classify(int curl_code, int over_cap, long http_status,
                                       long error_code) {
    if (over_cap || curl_code == CURLE_FILESIZE_EXCEEDED)
        return SL_REGISTRY_ERR_TOO_BIG;
    if (curl_code == CURLE_WRITE_ERROR)
        return SL_REGISTRY_ERR_NOMEM; /* our write callback could not grow the buffer */
    if (curl_code != CURLE_OK)
        return transient_curl_error((CURLcode)curl_code) ? SL_REGISTRY_ERR_UNREACHABLE
                                                         : SL_REGISTRY_ERR_TRANSPORT;
    if (http_status >= 200 && http_status < 300)
        return SL_REGISTRY_OK;
    if (http_status == 429)
        return SL_REGISTRY_ERR_RATE_LIMITED;
    if (http_status >= 500)
        return SL_REGISTRY_ERR_SERVER;
    if (http_status == 401 || http_status == 403)
        return SL_REGISTRY_ERR_UNAUTHORIZED;
    if (http_status >= 400) {
        if (error_code > 0)
            return sl_registry_err_from_code(error_code);
        return http_status == 404 ? SL_REGISTRY_ERR_NOT_FOUND : SL_REGISTRY_ERR_CLIENT;
    }
    return SL_REGISTRY_ERR_BAD_RESPONSE; /* 1xx/3xx: no registry answers so */
}

typedef struct {
    const char *method; /* "GET", "POST", "PUT" */
    const char *path;   /* "/schemas/ids/7" (already escaped) */
    const char *body;   /* request body or NULL */
    size_t body_len;
} req_t;

/* One transfer; fills *reply from a 2xx answer (or an error answer's JSON). */
static sl_registry_err_t once(sl_registry_t *r, const req_t *q, sl_registry_reply_t *reply,
                              sl_registry_detail_t *d) {
    char url[4096];
    if ((size_t)snprintf(url, sizeof url, "%s%s", r->url, q->path) >= sizeof url) {
        sl_err_format(d->message, sizeof d->message, "%s %s: URL too long", q->method, q->path);
        return SL_REGISTRY_ERR_INVALID;
    }
    CURL *e = r->easy;
    curl_easy_reset(e);
    sl_buf_reset(&r->body);
    r->over_cap = 0;
    r->has_retry_after = 0;
    r->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->conf.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->conf.timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->conf.max_body);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "sluice/" SLUICE_VERSION);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (r->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, r->ca_file);
    if (r->username) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, r->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, r->password ? r->password : "");
    }
    if (q->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
    }
    if (strcmp(q->method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, q->method);
    int64_t t0 = sl_now_us();
    CURLcode c = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    d->http_status = status;
    d->error_code = 0;

    if (c != CURLE_OK || r->over_cap) {
        sl_registry_err_t err = sl_registry_classify(c, r->over_cap, status, 0);
        if (err == SL_REGISTRY_ERR_TOO_BIG)
            sl_err_format(d->message, sizeof d->message, "%s %s: answer larger than %zu bytes",
                          q->method, q->path, r->conf.max_body);
        else
            sl_err_format(d->message, sizeof d->message, "%s %s: %s", q->method, q->path,
                          r->errbuf[0] ? r->errbuf : curl_easy_strerror(c));
        return err;
    }
    char perr[160] = "";
    sl_registry_err_t perr_code = sl_registry_reply_parse(
        r->body.data ? r->body.data : "", r->body.len, r->conf.max_body, reply, perr, sizeof perr);
    if (perr_code == SL_REGISTRY_OK && reply->has_error_code)
        d->error_code = (long)reply->error_code;
    sl_registry_err_t err = sl_registry_classify(0, 0, status, d->error_code);
    logf_(r, SL_LOG_DEBUG, "%s %s: HTTP %ld in %.1f ms", q->method, q->path, status,
          (double)(sl_now_us() - t0) / 1000.0);
    if (err == SL_REGISTRY_OK) {
        if (perr_code != SL_REGISTRY_OK) {
            sl_err_format(d->message, sizeof d->message, "%s %s: HTTP %ld, answer: %s", q->method,
                          q->path, status, perr);
            return perr_code;
        }
        d->message[0] = '\0';
        return SL_REGISTRY_OK;
    }
    /* An error answer: the registry's own message if it sent one, else the first bytes of
     * whatever it sent (shown safely). */
    char text[SL_REGISTRY_TEXT_MAX];
    if (perr_code == SL_REGISTRY_OK && reply->message[0])
        snprintf(text, sizeof text, "%s", reply->message);
    else
        sl_registry_reply_text(text, 200, r->body.data ? r->body.data : "", r->body.len);
    if (d->error_code)
        sl_err_format(d->message, sizeof d->message, "%s %s: HTTP %ld, error_code %ld: %s",
                      q->method, q->path, status, d->error_code, text);
    else
        sl_err_format(d->message, sizeof d->message, "%s %s: HTTP %ld: %s", q->method, q->path,
                      status, text[0] ? text : "(no message)");
    return err;
}

/* Waits ms milliseconds unless conf.stop is set; returns 0, or -1 when stopped. */
static int wait_ms(sl_registry_t *r, uint64_t ms) {
    int64_t until = sl_now_ms() + (int64_t)ms;
    for (;;) {
        if (r->conf.stop && *r->conf.stop)
            return -1;
        int64_t left = until - sl_now_ms();
        if (left <= 0)
            return 0;
        int64_t step = left < 100 ? left : 100;
        struct timespec ts = {step / 1000, (long)(step % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            if (r->conf.stop && *r->conf.stop)
                return -1;
        }
    }
}

/* A request with the retry loop. *reply is cleared and filled with the last answer. */
static sl_registry_err_t call(sl_registry_t *r, const req_t *q, sl_registry_reply_t *reply,
                              sl_registry_detail_t *detail) {
    sl_registry_detail_t local;
    sl_registry_detail_t *d = detail ? detail : &local;
    memset(d, 0, sizeof *d);
    sl_registry_err_t err = SL_REGISTRY_OK;
    for (unsigned attempt = 0;; attempt++) {
        sl_registry_reply_clear(reply);
        err = once(r, q, reply, d);
        d->attempts = attempt + 1;
        if (!sl_registry_err_is_retriable(err) || attempt + 1 >= r->conf.attempts)
            break;
        uint64_t wait = r->has_retry_after
                            ? sl_backoff_with_floor_ms(&r->backoff, attempt, r->retry_after_ms,
                                                       r->conf.retry_after_max_ms)
                            : sl_backoff_next_ms(&r->backoff, attempt);
        logf_(r, SL_LOG_WARN, "%s; try %u of %u in %llu ms", d->message, attempt + 2,
              r->conf.attempts, (unsigned long long)wait);
        if (wait_ms(r, wait) != 0)
            break;
    }
    return err;
}

/* ---- request bodies ---------------------------------------------------------------- */

typedef struct {
    yajl_gen g;
    const unsigned char *buf;
    size_t len;
} body_t;

/* {"schema":"<schema>"} or {"compatibility":"<level>"}; 0 on success. */
static int make_body(body_t *b, const char *key, const char *value, size_t value_len) {
    b->g = yajl_gen_alloc(NULL);
    if (!b->g)
        return -1;
    if (yajl_gen_map_open(b->g) != yajl_gen_status_ok ||
        yajl_gen_string(b->g, (const unsigned char *)key, strlen(key)) != yajl_gen_status_ok ||
        yajl_gen_string(b->g, (const unsigned char *)value, value_len) != yajl_gen_status_ok ||
        yajl_gen_map_close(b->g) != yajl_gen_status_ok ||
        yajl_gen_get_buf(b->g, &b->buf, &b->len) != yajl_gen_status_ok) {
        yajl_gen_free(b->g);
        b->g = NULL;
        return -1;
    }
    return 0;
}

static void body_free(body_t *b) {
    if (b->g)
        yajl_gen_free(b->g);
}

/* "/subjects/<escaped subject><suffix>" into path; 0 on success. */
static int subject_path(sl_registry_t *r, char *path, size_t size, const char *prefix,
                        const char *subject, const char *suffix) {
    char *esc = curl_easy_escape(r->easy, subject, 0);
    if (!esc)
        return -1;
    int n = snprintf(path, size, "%s%s%s", prefix, esc, suffix);
    curl_free(esc);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static sl_registry_err_t bad_args(sl_registry_detail_t *d, const char *what) {
    if (d) {
        memset(d, 0, sizeof *d);
        sl_err_format(d->message, sizeof d->message, "%s", what);
    }
    return SL_REGISTRY_ERR_INVALID;
}

static sl_registry_err_t missing(sl_registry_detail_t *d, const req_t *q, const char *member) {
    if (d)
        sl_err_format(d->message, sizeof d->message, "%s %s: answer has no valid \"%s\"", q->method,
                      q->path, member);
    return SL_REGISTRY_ERR_BAD_RESPONSE;
}

static int id_ok(const sl_registry_reply_t *rep) {
    return rep->has_id && rep->id >= 0 && rep->id <= INT32_MAX;
}

/* POST of {"schema":…} to path; the answer in *rep. */
static sl_registry_err_t post_schema(sl_registry_t *r, req_t *q, const char *schema, size_t len,
                                     sl_registry_reply_t *rep, sl_registry_detail_t *detail) {
    body_t b = {0};
    if (make_body(&b, "schema", schema, len) != 0)
        return bad_args(detail, "cannot build the request (out of memory)");
    q->method = "POST";
    q->body = (const char *)b.buf;
    q->body_len = b.len;
    sl_registry_err_t err = call(r, q, rep, detail);
    body_free(&b);
    return err;
}

/* ---- endpoints --------------------------------------------------------------------- */

/* POST {"schema":…} to /subjects/{subject}{suffix} and read the id (and the version if
 * asked) from the answer: register and lookup. */
static sl_registry_err_t schema_to_subject(sl_registry_t *r, const char *subject,
                                           const char *suffix, const char *schema, size_t len,
                                           int32_t *id, int32_t *version,
                                           sl_registry_detail_t *detail) {
    char path[1024];
    if (!subject || !schema || !id ||
        subject_path(r, path, sizeof path, "/subjects/", subject, suffix) != 0)
        return bad_args(detail, "bad subject or schema");
    req_t q = {.path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = post_schema(r, &q, schema, len, &rep, detail);
    if (err == SL_REGISTRY_OK) {
        if (!id_ok(&rep))
            err = missing(detail, &q, "id");
        else if (version && (!rep.has_version || rep.version < 0 || rep.version > INT32_MAX))
            err = missing(detail, &q, "version");
        else {
            *id = (int32_t)rep.id;
            if (version)
                *version = (int32_t)rep.version;
        }
    }
    sl_registry_reply_clear(&rep);
    return err;
}

sl_registry_err_t sl_registry_register(sl_registry_t *r, const char *subject, const char *schema,
                                       size_t len, int32_t *id, sl_registry_detail_t *detail) {
    return schema_to_subject(r, subject, "/versions", schema, len, id, NULL, detail);
}

sl_registry_err_t sl_registry_lookup(sl_registry_t *r, const char *subject, const char *schema,
                                     size_t len, int32_t *id, int32_t *version,
                                     sl_registry_detail_t *detail) {
    return schema_to_subject(r, subject, "", schema, len, id, version, detail);
}

sl_registry_err_t sl_registry_schema_by_id(sl_registry_t *r, int32_t id, char **schema, size_t *len,
                                           sl_registry_detail_t *detail) {
    if (id < 0 || !schema || !len)
        return bad_args(detail, "schema by id: bad arguments");
    char path[64];
    snprintf(path, sizeof path, "/schemas/ids/%" PRId32, id);
    req_t q = {.method = "GET", .path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = call(r, &q, &rep, detail);
    if (err == SL_REGISTRY_OK) {
        if (!rep.schema) {
            err = missing(detail, &q, "schema");
        } else {
            *schema = rep.schema; /* handed over */
            *len = rep.schema_len;
            rep.schema = NULL;
        }
    }
    sl_registry_reply_clear(&rep);
    return err;
}

static int config_path(sl_registry_t *r, char *path, size_t size, const char *subject,
                       const char *suffix) {
    if (!subject)
        return snprintf(path, size, "/config%s", suffix) < (int)size ? 0 : -1;
    return subject_path(r, path, size, "/config/", subject, suffix);
}

sl_registry_err_t sl_registry_set_compatibility(sl_registry_t *r, const char *subject,
                                                const char *level, sl_registry_detail_t *detail) {
    char path[1024];
    if (!level || config_path(r, path, sizeof path, subject, "") != 0)
        return bad_args(detail, "set compatibility: bad subject or level");
    body_t b = {0};
    if (make_body(&b, "compatibility", level, strlen(level)) != 0)
        return bad_args(detail, "cannot build the request (out of memory)");
    req_t q = {.method = "PUT", .path = path, .body = (const char *)b.buf, .body_len = b.len};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = call(r, &q, &rep, detail);
    body_free(&b);
    if (err == SL_REGISTRY_OK && rep.compatibility[0] &&
        strcasecmp(rep.compatibility, level) != 0) {
        if (detail)
            sl_err_format(detail->message, sizeof detail->message,
                          "PUT %s: the registry set \"%s\", not \"%s\"", path, rep.compatibility,
                          level);
        err = SL_REGISTRY_ERR_BAD_RESPONSE;
    }
    sl_registry_reply_clear(&rep);
    return err;
}

sl_registry_err_t sl_registry_get_compatibility(sl_registry_t *r, const char *subject, char *level,
                                                size_t size, sl_registry_detail_t *detail) {
    char path[1024];
    if (!level || size == 0 ||
        config_path(r, path, sizeof path, subject, subject ? "?defaultToGlobal=true" : "") != 0)
        return bad_args(detail, "get compatibility: bad arguments");
    req_t q = {.method = "GET", .path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = call(r, &q, &rep, detail);
    if (subject &&
        (err == SL_REGISTRY_ERR_CONFIG_NOT_FOUND || err == SL_REGISTRY_ERR_SUBJECT_NOT_FOUND)) {
        /* Registries that do not know defaultToGlobal, or a subject not registered yet:
         * its level is the global one. */
        q.path = "/config";
        err = call(r, &q, &rep, detail);
    }
    if (err == SL_REGISTRY_OK) {
        if (!rep.compatibility[0])
            err = missing(detail, &q, "compatibilityLevel");
        else
            snprintf(level, size, "%s", rep.compatibility);
    }
    sl_registry_reply_clear(&rep);
    return err;
}

sl_registry_err_t sl_registry_check_compatibility(sl_registry_t *r, const char *subject,
                                                  const char *version, const char *schema,
                                                  size_t len, int *compatible, char *reasons,
                                                  size_t reasons_size,
                                                  sl_registry_detail_t *detail) {
    char suffix[96], path[1024];
    if (!subject || !version || !schema || !compatible || strlen(version) > 32 ||
        strspn(version, "0123456789latest") != strlen(version))
        return bad_args(detail, "check compatibility: bad arguments");
    snprintf(suffix, sizeof suffix, "/versions/%s?verbose=true", version);
    if (subject_path(r, path, sizeof path, "/compatibility/subjects/", subject, suffix) != 0)
        return bad_args(detail, "check compatibility: bad subject");
    req_t q = {.path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = post_schema(r, &q, schema, len, &rep, detail);
    if (err == SL_REGISTRY_OK) {
        if (!rep.has_is_compatible) {
            err = missing(detail, &q, "is_compatible");
        } else {
            *compatible = rep.is_compatible;
            if (reasons && reasons_size)
                snprintf(reasons, reasons_size, "%s", rep.reasons);
        }
    }
    sl_registry_reply_clear(&rep);
    return err;
}

/* GET of a list; want_strings says which kind the answer must be. */
static sl_registry_err_t get_list(sl_registry_t *r, const char *path, int want_strings,
                                  sl_registry_list_t *out, sl_registry_detail_t *detail) {
    memset(out, 0, sizeof *out);
    req_t q = {.method = "GET", .path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = call(r, &q, &rep, detail);
    if (err == SL_REGISTRY_OK) {
        if (!rep.is_array || (want_strings ? rep.ints != NULL : rep.strings != NULL)) {
            err = missing(detail, &q, want_strings ? "list of names" : "list of numbers");
        } else {
            out->n = rep.n_items;
            out->strings = rep.strings; /* handed over */
            out->ints = rep.ints;
            rep.strings = NULL;
            rep.ints = NULL;
            rep.n_items = 0;
        }
    }
    sl_registry_reply_clear(&rep);
    return err;
}

sl_registry_err_t sl_registry_subjects(sl_registry_t *r, sl_registry_list_t *out,
                                       sl_registry_detail_t *detail) {
    if (!out)
        return bad_args(detail, "subjects: no list");
    return get_list(r, "/subjects", 1, out, detail);
}

sl_registry_err_t sl_registry_versions(sl_registry_t *r, const char *subject,
                                       sl_registry_list_t *out, sl_registry_detail_t *detail) {
    char path[1024];
    if (!out || !subject ||
        subject_path(r, path, sizeof path, "/subjects/", subject, "/versions") != 0)
        return bad_args(detail, "versions: bad subject");
    return get_list(r, path, 0, out, detail);
}

sl_registry_err_t sl_registry_version(sl_registry_t *r, const char *subject, int32_t version,
                                      sl_registry_version_t *out, sl_registry_detail_t *detail) {
    char suffix[48], path[1024];
    if (!out)
        return bad_args(detail, "version: no output");
    memset(out, 0, sizeof *out);
    if (version < 0)
        snprintf(suffix, sizeof suffix, "/versions/latest");
    else
        snprintf(suffix, sizeof suffix, "/versions/%" PRId32, version);
    if (!subject || subject_path(r, path, sizeof path, "/subjects/", subject, suffix) != 0)
        return bad_args(detail, "version: bad subject");
    req_t q = {.method = "GET", .path = path};
    sl_registry_reply_t rep = {0};
    sl_registry_err_t err = call(r, &q, &rep, detail);
    if (err == SL_REGISTRY_OK) {
        if (!id_ok(&rep))
            err = missing(detail, &q, "id");
        else if (!rep.has_version || rep.version < 0 || rep.version > INT32_MAX)
            err = missing(detail, &q, "version");
        else if (!rep.schema)
            err = missing(detail, &q, "schema");
        else {
            out->id = (int32_t)rep.id;
            out->version = (int32_t)rep.version;
            out->schema = rep.schema; /* handed over */
            out->schema_len = rep.schema_len;
            rep.schema = NULL;
            snprintf(out->schema_type, sizeof out->schema_type, "%s",
                     rep.schema_type[0] ? rep.schema_type : "AVRO");
        }
    }
    sl_registry_reply_clear(&rep);
    return err;
}

void sl_registry_version_clear(sl_registry_version_t *v) {
    if (!v)
        return;
    free(v->schema);
    memset(v, 0, sizeof *v);
}

void sl_registry_list_free(sl_registry_list_t *list) {
    if (!list)
        return;
    if (list->strings) {
        for (size_t i = 0; i < list->n; i++)
            free(list->strings[i]);
    }
    free(list->strings);
    free(list->ints);
    memset(list, 0, sizeof *list);
}
