/* Snapshot allocation and lookups; see sl_console_snap.h. */
#include "sl_console_snap.h"

#include <stdlib.h>
#include <string.h>

static const char *const metric_names[] = {
#define SL_CONSOLE_M_NAME_(sym, name) name,
    SL_CONSOLE_METRICS(SL_CONSOLE_M_NAME_)
#undef SL_CONSOLE_M_NAME_
};

const char *sl_console_metric_name(sl_console_metric_t m) {
    return (unsigned)m < SL_CONSOLE_M_COUNT ? metric_names[m] : "";
}

sl_console_snap_t *sl_console_snap_new(size_t max_bytes) {
    sl_console_snap_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->arena = sl_console_arena_new(max_bytes);
    if (!s->arena) {
        free(s);
        return NULL;
    }
    s->refs = 1;
    s->controller = -1;
    return s;
}

void sl_console_snap_free(sl_console_snap_t *s) {
    if (!s)
        return;
    sl_console_arena_free(s->arena);
    free(s);
}

const sl_console_topic_t *sl_console_snap_topic(const sl_console_snap_t *s, const char *name) {
    size_t lo = 0, hi = s->n_topics;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->topics[mid].name, name);
        if (c == 0)
            return &s->topics[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const sl_console_group_t *sl_console_snap_group(const sl_console_snap_t *s, const char *id) {
    size_t lo = 0, hi = s->n_groups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->groups[mid].id, id);
        if (c == 0)
            return &s->groups[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int64_t sl_console_snap_committed(const sl_console_group_t *g, const char *topic,
                                  int32_t partition) {
    size_t lo = 0, hi = g->n_offsets;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sl_console_committed_t *o = &g->offsets[mid];
        int c = strcmp(o->topic, topic);
        if (c == 0)
            c = o->partition < partition ? -1 : o->partition > partition;
        if (c == 0)
            return o->committed;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int64_t sl_console_snap_lag(const sl_console_group_t *g, const sl_console_topic_t *t,
                            int *partitions) {
    int64_t lag = 0;
    int n = 0;
    for (int p = 0; p < t->n_partitions; p++) {
        int64_t c = sl_console_snap_committed(g, t->name, t->partitions[p].id);
        int64_t hw = t->partitions[p].high;
        if (c < 0 || hw < 0)
            continue;
        n++;
        if (hw > c)
            lag += hw - c;
    }
    if (partitions)
        *partitions = n;
    return n ? lag : -1;
}
