/*
 * sl_ingest_plan — which pages to ask for, at which URL, and when.
 *
 * With --count N the run is cut into ceil(N / batch) pages of `batch` users, the last
 * one smaller; without a count pages go on until the run is stopped. Page numbers start
 * at 1 and each page has one fixed URL, so a retried page asks for exactly the same
 * users (with a seed the API then serves the same users again: page k of seed s is
 * users (k-1)*batch .. k*batch-1 of that seed's sequence). Rate pacing spreads request
 * starts so that users started by time t never exceed rate * t by more than one batch.
 * Pure functions over plain data; no allocation.
 */
#ifndef SL_INGEST_PLAN_H
#define SL_INGEST_PLAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_ingest_plan_s {
    uint64_t count;     /* users wanted; 0 = no limit */
    unsigned batch;     /* users per page, >= 1 */
    uint64_t next_page; /* the page the next call hands out (starts at 1) */
    uint64_t planned;   /* users in pages handed out so far */
} sl_ingest_plan_t;

void sl_ingest_plan_init(sl_ingest_plan_t *p, uint64_t count, unsigned batch);

/* Hands out the next page: 1 and sets *page, *results; 0 when the count is reached. */
int sl_ingest_plan_next(sl_ingest_plan_t *p, uint64_t *page, unsigned *results);

/* Milliseconds after the start of the run at which a request may start, given the users
 * already started before it and a cap in users/s (rate <= 0: no cap, always 0). */
uint64_t sl_ingest_plan_pace_ms(double rate, uint64_t users_started);

/*
 * Writes the URL of one page into buf: source, then '?' or '&' depending on whether
 * source already has a query, then "results=N", "&seed=S&page=P" when seed is set (and
 * not empty), "&nat=LIST" when nat is set. seed and nat are percent-encoded (letters,
 * digits, "-._~" and, in nat, ',' stay as they are). Returns the URL's length, or -1 if
 * it does not fit in cap bytes (buf is then unspecified).
 */
int sl_ingest_plan_url(char *buf, size_t cap, const char *source, unsigned results,
                       const char *seed, uint64_t page, const char *nat);

#endif
