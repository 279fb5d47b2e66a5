/* Concurrent bounded GETs with libcurl's multi interface; see sl_console_probe.h. */
#include "sl_console_probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

typedef struct {
    sl_console_probe_t *req;
    size_t cap;
    int too_big;
} sink_t;

static size_t on_body(char *data, size_t size, size_t nmemb, void *opaque) {
    sink_t *s = opaque;
    sl_console_probe_t *r = s->req;
    size_t n = size * nmemb;
    if (n > r->max_body - r->len) {
        s->too_big = 1;
        return 0; /* aborts the transfer */
    }
    if (r->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *nb = realloc(r->body, cap);
        if (!nb)
            return 0;
        r->body = nb;
        s->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

void sl_console_probe_run(sl_console_probe_t *reqs, size_t n, int timeout_ms) {
    if (n == 0)
        return;
    CURLM *multi = curl_multi_init();
    CURL **easy = calloc(n, sizeof *easy);
    sink_t *sinks = calloc(n, sizeof *sinks);
    if (!multi || !easy || !sinks) {
        for (size_t i = 0; i < n; i++)
            snprintf(reqs[i].error, sizeof reqs[i].error, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        sl_console_probe_t *r = &reqs[i];
        r->status = 0;
        r->len = 0;
        r->error[0] = '\0';
        sinks[i].req = r;
        CURL *e = easy[i] = curl_easy_init();
        if (!e) {
            snprintf(r->error, sizeof r->error, "out of memory");
            continue;
        }
        curl_easy_setopt(e, CURLOPT_URL, r->url);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &sinks[i]);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "sluice-console/" SLUICE_VERSION);
        curl_easy_setopt(e, CURLOPT_PRIVATE, &sinks[i]);
        if (r->ca_file)
            curl_easy_setopt(e, CURLOPT_CAINFO, r->ca_file);
        curl_multi_add_handle(multi, e);
    }
    int running = 1;
    while (running) {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            break;
        if (running)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        sink_t *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (!s)
            continue;
        sl_console_probe_t *r = s->req;
        if (msg->data.result == CURLE_OK) {
            long code = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            r->status = (int)code;
        } else if (s->too_big) {
            snprintf(r->error, sizeof r->error, "answer larger than %zu bytes", r->max_body);
        } else {
            snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(msg->data.result));
        }
    }
out:
    for (size_t i = 0; easy && i < n; i++) {
        if (!easy[i])
            continue;
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
        if (reqs[i].status == 0 && !reqs[i].error[0])
            snprintf(reqs[i].error, sizeof reqs[i].error, "no answer within %d ms", timeout_ms);
    }
    free(easy);
    free(sinks);
    if (multi)
        curl_multi_cleanup(multi);
}

void sl_console_probe_clear(sl_console_probe_t *reqs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(reqs[i].body);
        reqs[i].body = NULL;
        reqs[i].len = 0;
    }
}
