/*
 * sl_console_arena — a bump allocator with a byte cap, for data that lives and dies
 * together: one console snapshot (brokers, topics, groups, component answers) is built
 * into one arena and released with one call, so no field needs its own free and the
 * memory a snapshot may take from remote input is bounded by the cap.
 */
#ifndef SL_CONSOLE_ARENA_H
#define SL_CONSOLE_ARENA_H

#include <stddef.h>

typedef struct sl_console_arena_s sl_console_arena_t;

/* A new empty arena that hands out at most max_bytes in total. Must be freed with
 * sl_console_arena_free(). NULL when out of memory. */
sl_console_arena_t *sl_console_arena_new(size_t max_bytes);
/* Frees the arena and everything allocated from it. NULL is allowed. */
void sl_console_arena_free(sl_console_arena_t *a);

/* size zeroed bytes aligned for any type, valid until sl_console_arena_free(); NULL when
 * the cap would be exceeded or memory is short (the arena stays usable). */
void *sl_console_arena_alloc(sl_console_arena_t *a, size_t size);
/* Copies of s (NUL-terminated) / of s[0..n) plus a NUL; NULL in, NULL out. */
char *sl_console_arena_strdup(sl_console_arena_t *a, const char *s);
char *sl_console_arena_strndup(sl_console_arena_t *a, const char *s, size_t n);
/* Bytes handed out so far; 1 once an allocation was refused. */
size_t sl_console_arena_used(const sl_console_arena_t *a);
int sl_console_arena_exhausted(const sl_console_arena_t *a);

#endif
