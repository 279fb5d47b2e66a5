/*
 * Per-partition commit watermark: a ring of one byte per offset between the commit point
 * (`base`) and the newest tracked offset. A byte is 1 while that offset is in flight and 0
 * once it is done or was never ours (a gap). Completion at the base slides the base forward
 * over every done slot.
 */
#include "sl_watermark.h"

#include <stdlib.h>
#include <string.h>

struct sl_watermark_s {
    unsigned char *pending; /* ring indexed by offset % window */
    size_t window;
    int64_t base; /* lowest offset not yet known done; -1 before the first track */
    int64_t next; /* one past the newest tracked offset */
    size_t in_flight;
};

sl_watermark_t *sl_watermark_new(size_t window) {
    if (window == 0)
        return NULL;
    sl_watermark_t *wm = calloc(1, sizeof *wm);
    if (!wm)
        return NULL;
    wm->pending = calloc(window, 1);
    if (!wm->pending) {
        free(wm);
        return NULL;
    }
    wm->window = window;
    wm->base = wm->next = -1;
    return wm;
}

void sl_watermark_free(sl_watermark_t *wm) {
    if (!wm)
        return;
    free(wm->pending);
    free(wm);
}

void sl_watermark_reset(sl_watermark_t *wm) {
    memset(wm->pending, 0, wm->window);
    wm->base = wm->next = -1;
    wm->in_flight = 0;
}

static size_t slot(const sl_watermark_t *wm, int64_t offset) {
    return (size_t)((uint64_t)offset % wm->window);
}

/* Advances base over done slots, up to next. */
static void slide(sl_watermark_t *wm) {
    while (wm->base < wm->next && !wm->pending[slot(wm, wm->base)])
        wm->base++;
}

sl_watermark_result_t sl_watermark_track(sl_watermark_t *wm, int64_t offset) {
    if (offset < 0)
        return SL_WATERMARK_BACKWARDS;
    if (wm->next < 0) {
        wm->base = offset;
        wm->next = offset;
    } else if (offset < wm->next) {
        return SL_WATERMARK_BACKWARDS;
    }
    if ((uint64_t)(offset - wm->base) >= wm->window)
        return SL_WATERMARK_FULL;
    /* Slots of a gap were zeroed when their offsets last left the window. */
    wm->pending[slot(wm, offset)] = 1;
    wm->in_flight++;
    wm->next = offset + 1;
    slide(wm);
    return SL_WATERMARK_OK;
}

sl_watermark_result_t sl_watermark_done(sl_watermark_t *wm, int64_t offset) {
    if (wm->next < 0 || offset < wm->base || offset >= wm->next || !wm->pending[slot(wm, offset)])
        return SL_WATERMARK_UNKNOWN;
    wm->pending[slot(wm, offset)] = 0;
    wm->in_flight--;
    slide(wm);
    return SL_WATERMARK_OK;
}

int64_t sl_watermark_commit_offset(const sl_watermark_t *wm) {
    return wm->next < 0 ? -1 : wm->base;
}

size_t sl_watermark_in_flight(const sl_watermark_t *wm) {
    return wm->in_flight;
}

int sl_watermark_has_room(const sl_watermark_t *wm) {
    return wm->next < 0 || (uint64_t)(wm->next - wm->base) < wm->window;
}
