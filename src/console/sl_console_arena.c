/*
 * The arena: a chain of blocks, each at least 64 KiB, carved front to back. Large
 * requests get a block of their own. The cap counts what was handed out, not the slack.
 */
#include "sl_console_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)
#define ALIGN 16

typedef struct block_s {
    struct block_s *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block_t;

struct sl_console_arena_s {
    block_t *head;
    size_t max, used;
    int exhausted;
};

sl_console_arena_t *sl_console_arena_new(size_t max_bytes) {
    sl_console_arena_t *a = calloc(1, sizeof *a);
    if (a)
        a->max = max_bytes;
    return a;
}

void sl_console_arena_free(sl_console_arena_t *a) {
    if (!a)
        return;
    for (block_t *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *sl_console_arena_alloc(sl_console_arena_t *a, size_t size) {
    size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need < size || need > a->max - a->used) {
        a->exhausted = 1;
        return NULL;
    }
    block_t *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t bsize = need > BLOCK_MIN ? need : BLOCK_MIN;
        block_t *nb = malloc(sizeof *nb + bsize);
        if (!nb) {
            a->exhausted = 1;
            return NULL;
        }
        nb->size = bsize;
        nb->used = 0;
        /* A big private block goes behind the current one, which keeps its free room. */
        if (b && bsize == need) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    memset(p, 0, size);
    return p;
}

char *sl_console_arena_strndup(sl_console_arena_t *a, const char *s, size_t n) {
    if (!s)
        return NULL;
    char *p = sl_console_arena_alloc(a, n + 1);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *sl_console_arena_strdup(sl_console_arena_t *a, const char *s) {
    return s ? sl_console_arena_strndup(a, s, strlen(s)) : NULL;
}

size_t sl_console_arena_used(const sl_console_arena_t *a) {
    return a->used;
}

int sl_console_arena_exhausted(const sl_console_arena_t *a) {
    return a->exhausted;
}
