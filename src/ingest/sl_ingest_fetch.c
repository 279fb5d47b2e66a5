/*
 * Page transfers with libcurl multi: slots, the streaming write callback, outcome
 * classification. The arena and record array of a slot grow to the largest page seen
 * and are then reused; both are capped (arena at twice the body cap), so a hostile
 * body cannot make the ingest allocate without bound.
 */
#include "sl_ingest_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "sl_backoff.h"
#include "sl_ingest_raw.h"
#include "sl_record_json.h"
#include "sl_time.h"

struct sl_ingest_fetch_s {
    CURLM *multi;
    sl_ingest_fetch_slot_t *slots;
    unsigned n_slots;
    unsigned running;
    sl_ingest_fetch_conf_t conf;
    char user_agent[128];
    size_t arena_max;
};

/* Parser callback: encodes one user into the arena. */
static int on_user(void *opaque, size_t index, const sl_record_t *rec, sl_reject_t reject,
                   sl_field_t field) {
    sl_ingest_fetch_slot_t *s = opaque;
    (void)index;
    if (s->n_recs >= s->results) {
        /* More users than asked for: the page is not what we requested. */
        s->aborted = 1;
        s->abort_outcome = SL_INGEST_OUTCOME_MALFORMED;
        snprintf(s->detail, sizeof s->detail, "more than the %u users asked for", s->results);
        return 1;
    }
    const sl_record_str_t *id = &rec->field[SL_FIELD_ID];
    size_t klen = id->ptr ? id->len : 0;
    if (klen > SL_RECORD_FIELD_MAX)
        klen = SL_RECORD_FIELD_MAX;
    const sl_ingest_encoder_t *enc = &s->owner->conf.encoder;
    int encoded = enc->encode && reject == SL_REJECT_NONE;
    size_t vmax = encoded && enc->max > SL_RECORD_JSON_MAX ? enc->max : SL_RECORD_JSON_MAX;
    if (sl_buf_reserve(&s->arena, klen + vmax) != SL_BUF_OK) {
        s->aborted = 1;
        s->abort_outcome = SL_INGEST_OUTCOME_TOO_LARGE;
        snprintf(s->detail, sizeof s->detail, "records exceed the memory cap");
        return 1;
    }
    sl_ingest_fetch_rec_t *r = &s->recs[s->n_recs];
    sl_buf_t *a = &s->arena;
    r->key_off = (uint32_t)a->len;
    r->key_len = (uint32_t)klen;
    if (klen)
        memcpy(a->data + a->len, id->ptr, klen);
    a->len += klen;
    size_t vlen;
    if (encoded) {
        vlen = enc->encode(enc->opaque, rec, a->data + a->len, vmax);
        if (vlen == 0 || vlen > vmax) {
            s->aborted = 1;
            s->abort_outcome = SL_INGEST_OUTCOME_OTHER;
            snprintf(s->detail, sizeof s->detail, "a record could not be encoded");
            return 1;
        }
    } else if ((vlen = sl_record_to_json(rec, a->data + a->len, SL_RECORD_JSON_MAX)) >=
               SL_RECORD_JSON_MAX) {
        /* Only a rejected record with oversized fields can get here: keep it cut. */
        vlen = SL_RECORD_JSON_MAX - 1;
    }
    r->val_off = (uint32_t)a->len;
    r->val_len = (uint32_t)vlen;
    a->len += vlen;
    r->reject = (uint8_t)reject;
    r->field = (int8_t)field;
    r->raw_off = r->raw_len = 0;
    if (reject != SL_REJECT_NONE)
        s->n_rejects++;
    s->n_recs++;
    return 0;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud) {
    sl_ingest_fetch_slot_t *s = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        s->retry_after[0] = '\0'; /* a new response (after a redirect or 100) */
        return len;
    }
    static const char name[] = "retry-after:";
    if (len > sizeof name - 1 && strncasecmp(buf, name, sizeof name - 1) == 0) {
        size_t vlen = len - (sizeof name - 1);
        if (vlen >= sizeof s->retry_after)
            vlen = sizeof s->retry_after - 1;
        memcpy(s->retry_after, buf + sizeof name - 1, vlen);
        s->retry_after[vlen] = '\0';
    }
    return len;
}

/* The slot's detail for a body the parser refused: its errstr, which already begins with
 * the error's text ("body is not well-formed JSON: ..."), or that text alone. */
static void body_detail(sl_ingest_fetch_slot_t *s, sl_api_err_t e, const char *err) {
    snprintf(s->detail, sizeof s->detail, "%s", *err ? err : sl_api_err_str(e));
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ud) {
    sl_ingest_fetch_slot_t *s = ud;
    size_t len = size * n;
    if (!s->headers_done) {
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        s->http_status = code;
        s->headers_done = 1;
    }
    if (s->http_status != 200) {
        /* Keep the start of an error body for the log; drop the rest. */
        size_t room = sizeof s->errbody - 1 - s->errbody_len;
        size_t take = len < room ? len : room;
        memcpy(s->errbody + s->errbody_len, ptr, take);
        s->errbody_len += take;
        s->errbody[s->errbody_len] = '\0';
        return len;
    }
    sl_buf_err_t be = sl_buf_append(&s->body, ptr, len);
    if (be != SL_BUF_OK) {
        s->aborted = 1;
        s->abort_outcome =
            be == SL_BUF_ERR_TOOBIG ? SL_INGEST_OUTCOME_TOO_LARGE : SL_INGEST_OUTCOME_OTHER;
        if (be == SL_BUF_ERR_TOOBIG)
            snprintf(s->detail, sizeof s->detail, "body larger than the cap of %zu bytes",
                     s->owner->conf.max_body);
        else
            snprintf(s->detail, sizeof s->detail, "out of memory for the body");
        return 0;
    }
    char err[200];
    err[0] = '\0';
    sl_api_err_t e = sl_api_parser_feed(s->parser, ptr, len, err, sizeof err);
    if (e != SL_API_ERR_OK) {
        if (!s->aborted) {
            s->aborted = 1;
            s->abort_outcome = e == SL_API_ERR_NOMEM       ? SL_INGEST_OUTCOME_OTHER
                               : e == SL_API_ERR_TOO_LARGE ? SL_INGEST_OUTCOME_TOO_LARGE
                                                           : SL_INGEST_OUTCOME_MALFORMED;
            body_detail(s, e, err);
        }
        return 0;
    }
    return len;
}

sl_ingest_fetch_t *sl_ingest_fetch_new(const sl_ingest_fetch_conf_t *conf, char *errstr,
                                       size_t errstr_size) {
    sl_ingest_fetch_t *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    f->conf = *conf;
    if (f->conf.slots == 0)
        f->conf.slots = 1;
    if (f->conf.batch == 0)
        f->conf.batch = 1;
    snprintf(f->user_agent, sizeof f->user_agent, "%s",
             conf->user_agent ? conf->user_agent : "sluice");
    f->conf.user_agent = f->user_agent;
    f->arena_max = conf->max_body * 2 + (size_t)f->conf.batch * 64 + (1u << 20);
    if (f->arena_max > UINT32_MAX)
        f->arena_max = UINT32_MAX; /* offsets are 32-bit */
    f->multi = curl_multi_init();
    f->slots = calloc(f->conf.slots, sizeof *f->slots);
    if (!f->multi || !f->slots) {
        snprintf(errstr, errstr_size, "cannot create the HTTP client");
        sl_ingest_fetch_free(f);
        return NULL;
    }
    f->n_slots = f->conf.slots;
    for (unsigned i = 0; i < f->n_slots; i++) {
        sl_ingest_fetch_slot_t *s = &f->slots[i];
        s->owner = f;
        sl_buf_init(&s->arena, f->arena_max);
        sl_buf_init(&s->body, f->conf.max_body);
        s->easy = curl_easy_init();
        s->parser = sl_api_parser_new(on_user, s);
        if (s->parser) /* ours is checked first; the parser's own cap must not be lower */
            sl_api_parser_set_max_body(s->parser, f->conf.max_body);
        s->recs = malloc(f->conf.batch * sizeof *s->recs);
        s->ranges = malloc(f->conf.batch * sizeof *s->ranges);
        s->recs_cap = f->conf.batch;
        if (!s->easy || !s->parser || !s->recs || !s->ranges) {
            snprintf(errstr, errstr_size, "cannot create the HTTP client (out of memory)");
            sl_ingest_fetch_free(f);
            return NULL;
        }
    }
    return f;
}

void sl_ingest_fetch_free(sl_ingest_fetch_t *f) {
    if (!f)
        return;
    for (unsigned i = 0; f->slots && i < f->n_slots; i++) {
        sl_ingest_fetch_slot_t *s = &f->slots[i];
        if (s->state == SL_INGEST_FETCH_RUNNING)
            curl_multi_remove_handle(f->multi, s->easy);
        if (s->easy)
            curl_easy_cleanup(s->easy);
        sl_api_parser_free(s->parser);
        free(s->recs);
        free(s->ranges);
        sl_buf_free(&s->arena);
        sl_buf_free(&s->body);
    }
    free(f->slots);
    if (f->multi)
        curl_multi_cleanup(f->multi);
    free(f);
}

sl_ingest_fetch_slot_t *sl_ingest_fetch_slot(sl_ingest_fetch_t *f, unsigned i) {
    return i < f->n_slots ? &f->slots[i] : NULL;
}

unsigned sl_ingest_fetch_slots(const sl_ingest_fetch_t *f) {
    return f->n_slots;
}
unsigned sl_ingest_fetch_running(const sl_ingest_fetch_t *f) {
    return f->running;
}

int sl_ingest_fetch_start(sl_ingest_fetch_t *f, sl_ingest_fetch_slot_t *s) {
    CURL *e = s->easy;
    curl_easy_reset(e);
    sl_api_parser_reset(s->parser);
    s->n_recs = 0;
    s->n_rejects = 0;
    sl_buf_reset(&s->arena);
    sl_buf_reset(&s->body);
    s->aborted = 0;
    s->headers_done = 0;
    s->http_status = 0;
    s->retry_after[0] = '\0';
    s->errbody[0] = '\0';
    s->errbody_len = 0;
    s->detail[0] = '\0';
    s->has_retry_after = 0;
    s->retry_after_ms = 0;
    s->cursor = 0;
    if (s->results > s->recs_cap)
        s->results = (unsigned)s->recs_cap;
    curl_easy_setopt(e, CURLOPT_URL, s->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->conf.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->conf.timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->conf.max_body);
    curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
    /* Only the web, also after a redirect (no file://, no other schemes curl knows). */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* whatever curl can decode */
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    s->started_us = sl_now_us();
    if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
        s->state = SL_INGEST_FETCH_DONE;
        s->outcome = SL_INGEST_OUTCOME_OTHER;
        s->retriable = 1;
        snprintf(s->detail, sizeof s->detail, "cannot start the transfer");
        return -1;
    }
    s->state = SL_INGEST_FETCH_RUNNING;
    f->running++;
    return 0;
}

sl_ingest_outcome_t sl_ingest_fetch_classify(int curl_code, long http_status, int aborted,
                                             sl_ingest_outcome_t abort_outcome,
                                             sl_api_err_t body_err, int *retriable) {
    *retriable = 1;
    if (aborted) {
        if (abort_outcome == SL_INGEST_OUTCOME_TOO_LARGE)
            *retriable = 0;
        return abort_outcome;
    }
    switch ((CURLcode)curl_code) {
    case CURLE_OK: break;
    case CURLE_OPERATION_TIMEDOUT: return SL_INGEST_OUTCOME_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return SL_INGEST_OUTCOME_CONNECT;
    case CURLE_PARTIAL_FILE: return SL_INGEST_OUTCOME_TRUNCATED;
    case CURLE_FILESIZE_EXCEEDED: *retriable = 0; return SL_INGEST_OUTCOME_TOO_LARGE;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_TOO_MANY_REDIRECTS:
        *retriable = 0; /* asking again gives the same answer */
        return SL_INGEST_OUTCOME_OTHER;
    default: return SL_INGEST_OUTCOME_OTHER;
    }
    if (http_status == 429)
        return SL_INGEST_OUTCOME_THROTTLED;
    if (http_status >= 500)
        return SL_INGEST_OUTCOME_HTTP_5XX;
    if (http_status == 408)
        return SL_INGEST_OUTCOME_TIMEOUT;
    if (http_status != 200) {
        *retriable = 0;
        return SL_INGEST_OUTCOME_HTTP_4XX;
    }
    switch (body_err) {
    case SL_API_ERR_OK: *retriable = 0; return SL_INGEST_OUTCOME_OK;
    case SL_API_ERR_API_ERROR: return SL_INGEST_OUTCOME_API_ERROR;
    case SL_API_ERR_TRUNCATED: return SL_INGEST_OUTCOME_TRUNCATED;
    case SL_API_ERR_TOO_LARGE: *retriable = 0; return SL_INGEST_OUTCOME_TOO_LARGE;
    case SL_API_ERR_NOMEM:
    case SL_API_ERR_STATE: return SL_INGEST_OUTCOME_OTHER;
    default: return SL_INGEST_OUTCOME_MALFORMED;
    }
}

/* Points each rejected record at its user object's original bytes in the body. */
static void delimit_rejects(sl_ingest_fetch_slot_t *s) {
    long n = sl_ingest_raw_results(s->body.data, s->body.len, s->ranges, s->recs_cap);
    if (n != (long)s->n_recs)
        return; /* cannot match positions to users: keep the flattened form */
    for (size_t k = 0; k < s->n_recs; k++) {
        sl_ingest_fetch_rec_t *r = &s->recs[k];
        if (r->reject != SL_REJECT_NONE && s->ranges[k].len <= SL_INGEST_FETCH_RAW_MAX) {
            r->raw_off = s->ranges[k].off;
            r->raw_len = s->ranges[k].len;
        }
    }
}

/* Fills the outcome of a finished transfer. */
static void finish(sl_ingest_fetch_t *f, sl_ingest_fetch_slot_t *s, CURLcode rc) {
    s->seconds = (double)(sl_now_us() - s->started_us) / 1e6;
    s->fetched_at_ms = sl_wall_ms();
    if (!s->headers_done) {
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        s->http_status = code;
    }
    sl_api_err_t body_err = SL_API_ERR_OK;
    char err[200];
    err[0] = '\0';
    if (rc == CURLE_OK && !s->aborted && s->http_status == 200) {
        body_err = sl_api_parser_finish(s->parser, err, sizeof err);
        if (body_err == SL_API_ERR_API_ERROR) {
            const char *m = sl_api_parser_error_message(s->parser);
            snprintf(s->detail, sizeof s->detail, "API error: %s", m ? m : "(no message)");
        } else if (body_err != SL_API_ERR_OK) {
            body_detail(s, body_err, err);
        }
    }
    s->outcome = sl_ingest_fetch_classify((int)rc, s->http_status, s->aborted, s->abort_outcome,
                                          body_err, &s->retriable);
    if (rc != CURLE_OK && !s->aborted)
        snprintf(s->detail, sizeof s->detail, "%s", curl_easy_strerror(rc));
    else if (rc == CURLE_OK && s->http_status != 200 && !s->aborted) {
        /* Keep one line of the error body. */
        for (char *p = s->errbody; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        snprintf(s->detail, sizeof s->detail, "HTTP %ld%s%.200s", s->http_status,
                 s->errbody_len ? ": " : "", s->errbody);
    }
    if (s->outcome == SL_INGEST_OUTCOME_OK && s->n_rejects)
        delimit_rejects(s);
    if (s->retry_after[0]) {
        uint64_t ms;
        if (sl_backoff_retry_after_parse(s->retry_after, time(NULL), &ms) == 0) {
            s->has_retry_after = 1;
            s->retry_after_ms = ms;
        }
    }
    curl_multi_remove_handle(f->multi, s->easy);
    f->running--;
    s->state = SL_INGEST_FETCH_DONE;
}

int sl_ingest_fetch_poll(sl_ingest_fetch_t *f, int timeout_ms, int extra_fd) {
    int still = 0;
    curl_multi_perform(f->multi, &still);
    struct curl_waitfd extra = {.fd = extra_fd, .events = CURL_WAIT_POLLIN, .revents = 0};
    if (timeout_ms > 0)
        curl_multi_poll(f->multi, extra_fd >= 0 ? &extra : NULL, extra_fd >= 0 ? 1u : 0u,
                        timeout_ms, NULL);
    curl_multi_perform(f->multi, &still);
    int done = 0;
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        sl_ingest_fetch_slot_t *s = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (!s || s->state != SL_INGEST_FETCH_RUNNING)
            continue;
        finish(f, s, m->data.result);
        done++;
    }
    return done;
}

void sl_ingest_fetch_cancel(sl_ingest_fetch_t *f, sl_ingest_fetch_slot_t *s) {
    if (s->state == SL_INGEST_FETCH_RUNNING) {
        curl_multi_remove_handle(f->multi, s->easy);
        f->running--;
    }
    s->state = SL_INGEST_FETCH_FREE;
}
