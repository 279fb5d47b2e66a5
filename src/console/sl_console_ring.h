/*
 * sl_console_ring — the console's history: a fixed number of samples, each a timestamp and
 * a fixed number of values (rates, lag, latency), kept in a ring that overwrites the
 * oldest sample when full. Capacity and width are set at creation, so the history takes
 * the same memory after a minute or a month. Not thread-safe: the caller locks.
 */
#ifndef SL_CONSOLE_RING_H
#define SL_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_console_ring_s sl_console_ring_t;

/* A ring of capacity samples of columns values each (both > 0). Must be freed with
 * sl_console_ring_free(). NULL when out of memory or an argument is 0. */
sl_console_ring_t *sl_console_ring_new(size_t capacity, size_t columns);
void sl_console_ring_free(sl_console_ring_t *r);

/* Appends a sample; values[0..columns) are copied. The oldest sample goes when full. */
void sl_console_ring_push(sl_console_ring_t *r, int64_t t_ms, const double *values);

size_t sl_console_ring_count(const sl_console_ring_t *r);
size_t sl_console_ring_capacity(const sl_console_ring_t *r);
size_t sl_console_ring_columns(const sl_console_ring_t *r);
/* Samples pushed since creation (keeps counting past the capacity). */
uint64_t sl_console_ring_pushed(const sl_console_ring_t *r);

/* Sample i, 0 the oldest held, count-1 the newest: its time into *t_ms and its values
 * into values[0..columns). Returns -1 when i is out of range. */
int sl_console_ring_get(const sl_console_ring_t *r, size_t i, int64_t *t_ms, double *values);

#endif
