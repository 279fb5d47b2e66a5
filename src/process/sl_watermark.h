/*
 * sl_watermark — the commit point of one Kafka partition when work completes out of order.
 *
 * The processor hands each consumed message to Cassandra (or the dead-letter topic) and the
 * acknowledgements come back in any order. Kafka commits are a single offset per partition
 * meaning "everything below this is done", so the commit point may only advance over a
 * contiguous run of completed offsets. This module tracks, for one partition, the offsets in
 * flight in a fixed-size ring and reports how far that run reaches.
 *
 * Offsets handed to sl_watermark_track() must increase. A gap between two tracked offsets
 * (compaction, transaction markers) holds no message of ours and counts as done at once.
 * The window bounds memory: at most `window` offsets between the commit point and the
 * newest tracked one; when it is full the caller must stop consuming that partition
 * (pause it) until completions free room.
 */
#ifndef SL_WATERMARK_H
#define SL_WATERMARK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sl_watermark_s sl_watermark_t;

typedef enum {
    SL_WATERMARK_OK = 0,
    SL_WATERMARK_FULL = 1,      /* the offset would not fit in the window; pause and retry later */
    SL_WATERMARK_BACKWARDS = 2, /* offset not above the last tracked one (a rewind: call reset) */
    SL_WATERMARK_UNKNOWN = 3,   /* done() for an offset that is not in flight */
} sl_watermark_result_t;

/* Returns NULL on allocation failure or window == 0. Must be freed with sl_watermark_free(). */
sl_watermark_t *sl_watermark_new(size_t window);
void sl_watermark_free(sl_watermark_t *wm);

/* Forgets everything in flight; the next tracked offset starts a new run. Used after a
 * rebalance or a seek, when the in-flight work of the old position was abandoned. */
void sl_watermark_reset(sl_watermark_t *wm);

/* Registers a consumed offset as in flight. */
sl_watermark_result_t sl_watermark_track(sl_watermark_t *wm, int64_t offset);

/* Marks an in-flight offset as completed (stored, or acknowledged on the dead-letter topic). */
sl_watermark_result_t sl_watermark_done(sl_watermark_t *wm, int64_t offset);

/* The offset to commit (one past the last of the contiguous completed run), or -1 when
 * nothing was tracked since the last reset. Committing it is safe: every tracked offset
 * below it is done. */
int64_t sl_watermark_commit_offset(const sl_watermark_t *wm);

/* Offsets tracked and not yet done. */
size_t sl_watermark_in_flight(const sl_watermark_t *wm);

/* Whether the next offset (last tracked + 1) would fit in the window. */
int sl_watermark_has_room(const sl_watermark_t *wm);

#endif
