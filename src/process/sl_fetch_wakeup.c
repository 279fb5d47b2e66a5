/*
 * The fetch wake-up thread: waits on a condition variable for a pending partition, sends
 * the watermark request for it, and waits again. See sl_fetch_wakeup.h.
 */
#include "sl_fetch_wakeup.h"

#include <pthread.h>
#include <stdlib.h>

#define REQUEST_TIMEOUT_MS 1000

struct sl_fetch_wakeup_s {
    rd_kafka_t *rk;
    const char *topic;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int32_t pending; /* the partition to ask about, -1 for none */
    int stopping;
    uint64_t sent;
};

static void *run(void *opaque) {
    sl_fetch_wakeup_t *w = opaque;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->pending < 0 && !w->stopping)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        int32_t partition = w->pending;
        w->pending = -1;
        pthread_mutex_unlock(&w->lock);
        /* Only the wake-up matters; the answer (or its error) is not used. A ListOffsets
         * request for the latest offset (timestamp -1) through rd_kafka_offsets_for_times(),
         * which gives up after its timeout: rd_kafka_query_watermark_offsets() waits for the
         * reply without one, up to socket.timeout.ms when the leader has died, and freeing
         * the thread then held up the processor's exit (seen with the leader SIGKILLed). */
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
        if (l) {
            rd_kafka_topic_partition_list_add(l, w->topic, partition)->offset = -1;
            rd_kafka_offsets_for_times(w->rk, l, REQUEST_TIMEOUT_MS);
            rd_kafka_topic_partition_list_destroy(l);
        }
        pthread_mutex_lock(&w->lock);
        w->sent++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

sl_fetch_wakeup_t *sl_fetch_wakeup_new(rd_kafka_t *rk, const char *topic) {
    sl_fetch_wakeup_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->rk = rk;
    w->topic = topic;
    w->pending = -1;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

void sl_fetch_wakeup_signal(sl_fetch_wakeup_t *w, int32_t partition) {
    pthread_mutex_lock(&w->lock);
    w->pending = partition;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

uint64_t sl_fetch_wakeup_sent(sl_fetch_wakeup_t *w) {
    pthread_mutex_lock(&w->lock);
    uint64_t n = w->sent;
    pthread_mutex_unlock(&w->lock);
    return n;
}

void sl_fetch_wakeup_free(sl_fetch_wakeup_t *w) {
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
