/*
 * sl_fetch_wakeup — wakes librdkafka's fetcher when a small prefetch runs low.
 *
 * librdkafka (2.0 as on Debian 12, and later with fetch.queue.backoff.ms at its default)
 * stops fetching a partition while the consumer queue is over queued.max.messages.kbytes
 * and decides again only when the broker thread wakes up, which with nothing else to do is
 * once a second. With a prefetch small enough to keep the memory low, a writer drains it
 * well within that second and the consumer starves. A request queued on the partition
 * leader's broker thread wakes it, and it re-checks the thresholds at once: this module
 * asks the leader for a partition's latest offset (rd_kafka_offsets_for_times()) from a
 * thread of its own, so the caller's loop never waits for the round trip. A signal while
 * a request is out is folded into the next one.
 */
#ifndef SL_FETCH_WAKEUP_H
#define SL_FETCH_WAKEUP_H

#include <stdint.h>

#include <librdkafka/rdkafka.h>

typedef struct sl_fetch_wakeup_s sl_fetch_wakeup_t;

/* A thread that sends one request each time it is signalled; rk and topic are borrowed and
 * must outlive it. NULL when the thread cannot be started. */
sl_fetch_wakeup_t *sl_fetch_wakeup_new(rd_kafka_t *rk, const char *topic);

/* Asks for a request about partition (returns at once). */
void sl_fetch_wakeup_signal(sl_fetch_wakeup_t *w, int32_t partition);

/* Requests sent so far. */
uint64_t sl_fetch_wakeup_sent(sl_fetch_wakeup_t *w);

/* Stops the thread (waiting for a request that is out, at most its 1 s timeout); NULL is
 * a no-op. */
void sl_fetch_wakeup_free(sl_fetch_wakeup_t *w);

#endif
