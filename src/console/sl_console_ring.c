/* The sample ring: one allocation of capacity x (1 + columns) slots, a head and a count. */
#include "sl_console_ring.h"

#include <stdlib.h>
#include <string.h>

struct sl_console_ring_s {
    size_t capacity, columns;
    size_t head; /* where the next sample goes */
    size_t count;
    uint64_t pushed;
    int64_t *times;
    double *values;
};

sl_console_ring_t *sl_console_ring_new(size_t capacity, size_t columns) {
    if (capacity == 0 || columns == 0 || capacity > SIZE_MAX / sizeof(double) / columns)
        return NULL;
    sl_console_ring_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->capacity = capacity;
    r->columns = columns;
    r->times = calloc(capacity, sizeof *r->times);
    r->values = calloc(capacity * columns, sizeof *r->values);
    if (!r->times || !r->values) {
        sl_console_ring_free(r);
        return NULL;
    }
    return r;
}

void sl_console_ring_free(sl_console_ring_t *r) {
    if (!r)
        return;
    free(r->times);
    free(r->values);
    free(r);
}

void sl_console_ring_push(sl_console_ring_t *r, int64_t t_ms, const double *values) {
    r->times[r->head] = t_ms;
    memcpy(r->values + r->head * r->columns, values, r->columns * sizeof *values);
    r->head = (r->head + 1) % r->capacity;
    if (r->count < r->capacity)
        r->count++;
    r->pushed++;
}

size_t sl_console_ring_count(const sl_console_ring_t *r) {
    return r->count;
}
size_t sl_console_ring_capacity(const sl_console_ring_t *r) {
    return r->capacity;
}
size_t sl_console_ring_columns(const sl_console_ring_t *r) {
    return r->columns;
}
uint64_t sl_console_ring_pushed(const sl_console_ring_t *r) {
    return r->pushed;
}

int sl_console_ring_get(const sl_console_ring_t *r, size_t i, int64_t *t_ms, double *values) {
    if (i >= r->count)
        return -1;
    size_t slot = (r->head + r->capacity - r->count + i) % r->capacity;
    if (t_ms)
        *t_ms = r->times[slot];
    if (values)
        memcpy(values, r->values + slot * r->columns, r->columns * sizeof *values);
    return 0;
}
