/*
 * bench_mockapi: how many users per second the mock API produces on one core.
 *   bench_mockapi gen SECONDS           the generator alone, 5000-user pages, one thread
 *   bench_mockapi fetch URL SECONDS N   an HTTP client: N keep-alive connections fetching
 *                                       ?results=5000 pages until SECONDS have passed
 * Each prints one result line "name users=U seconds=S users_per_s=R mb_per_s=M ..."
 * (the generator also users_per_cpu_s: per second of its own CPU time, which a busy
 * machine disturbs less than wall-clock time);
 * bench_mockapi.sh runs both and prints the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "sl_mockapi.h"
#include "sl_mockapi_gen.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_gen(double seconds) {
    uint64_t users = 0, bytes = 0;
    uint32_t page = 1;
    double t0 = now_s(), c0 = cpu_s(), t;
    do {
        char pg[16];
        snprintf(pg, sizeof pg, "%u", page);
        sl_mockapi_gen_args_t a = {"5000", "bench", pg, NULL, NULL, NULL, NULL, NULL};
        sl_mockapi_gen_req_t r;
        sl_mockapi_gen_req_from_args(&r, &a, 0, 2026);
        char *body;
        size_t len;
        if (sl_mockapi_gen_render(&r, &body, &len) != SL_MOCKAPI_OK) {
            fprintf(stderr, "render failed\n");
            return 1;
        }
        free(body);
        users += r.results;
        bytes += len;
        page = page % SL_MOCKAPI_GEN_MAX_PAGE + 1;
        t = now_s() - t0;
    } while (t < seconds);
    double c = cpu_s() - c0;
    printf("generator users=%llu seconds=%.2f users_per_s=%.0f mb_per_s=%.1f "
           "users_per_cpu_s=%.0f\n",
           (unsigned long long)users, t, (double)users / t, (double)bytes / t / 1e6,
           (double)users / c);
    return 0;
}

typedef struct conn_s {
    CURL *easy;
    size_t bytes;
    unsigned page;
    char url[512];
} conn_t;

static size_t sink(char *p, size_t size, size_t n, void *ud) {
    (void)p;
    ((conn_t *)ud)->bytes += size * n;
    return size * n;
}

static void arm(CURLM *multi, conn_t *c, const char *base) {
    snprintf(c->url, sizeof c->url, "%s?results=5000&seed=bench&page=%u", base, c->page);
    c->page = c->page % SL_MOCKAPI_GEN_MAX_PAGE + 1;
    curl_easy_setopt(c->easy, CURLOPT_URL, c->url);
    curl_multi_add_handle(multi, c->easy);
}

static int bench_fetch(const char *base, double seconds, int nconn) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    conn_t *conns = calloc((size_t)nconn, sizeof *conns);
    if (!multi || !conns)
        return 1;
    for (int i = 0; i < nconn; i++) {
        conns[i].easy = curl_easy_init();
        conns[i].page = (unsigned)(i * 1000 + 1);
        curl_easy_setopt(conns[i].easy, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(conns[i].easy, CURLOPT_WRITEDATA, &conns[i]);
        curl_easy_setopt(conns[i].easy, CURLOPT_PRIVATE, &conns[i]);
        curl_easy_setopt(conns[i].easy, CURLOPT_PROXY, "");
        curl_easy_setopt(conns[i].easy, CURLOPT_TIMEOUT, 60L);
        arm(multi, &conns[i], base);
    }
    uint64_t pages = 0, bytes = 0, errors = 0;
    double t0 = now_s(), t = 0;
    int running = nconn;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        t = now_s() - t0;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            conn_t *c;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result == CURLE_OK && status == 200) {
                pages++;
                bytes += c->bytes;
            } else {
                errors++;
            }
            c->bytes = 0;
            curl_multi_remove_handle(multi, msg->easy_handle);
            if (t < seconds) {
                arm(multi, c, base);
                running++;
            }
        }
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    uint64_t users = pages * 5000;
    printf("end-to-end users=%llu seconds=%.2f users_per_s=%.0f mb_per_s=%.1f errors=%llu\n",
           (unsigned long long)users, t, (double)users / t, (double)bytes / t / 1e6,
           (unsigned long long)errors);
    for (int i = 0; i < nconn; i++)
        curl_easy_cleanup(conns[i].easy);
    free(conns);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return errors ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "gen") == 0)
        return bench_gen(atof(argv[2]));
    if (argc == 5 && strcmp(argv[1], "fetch") == 0)
        return bench_fetch(argv[2], atof(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: bench_mockapi gen SECONDS | fetch URL SECONDS CONNECTIONS\n");
    return 2;
}
