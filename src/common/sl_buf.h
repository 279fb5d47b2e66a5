/*
 * sl_buf — a growable byte buffer with a hard cap, sluice's one buffer for bytes that grow
 * with outside input (HTTP bodies, generated pages, record arenas), after curl's dynbuf:
 * appends double the allocation as needed but never beyond `max` bytes of content; an
 * append that would pass the cap fails with SL_BUF_ERR_TOOBIG and leaves the buffer as it
 * was, so a hostile peer cannot make sluice allocate without bound. The functions here
 * keep a NUL after the bytes (not counted in len) from the first reservation on, so text
 * can be used as a string; a caller that writes into reserved room itself owns that.
 * Single-threaded; the struct is plain data that the caller owns (usually inside another
 * struct). The CQL library has its own (cql_buf_t): it depends on nothing of sluice.
 */
#ifndef SL_BUF_H
#define SL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "sl_err.h"

/* SL_BUF_ERRORS(X): the rows of sl_buf.errors, generated at configure time. */
#include "sl_buf_errors.h"

typedef enum { SL_ERR_ENUM(SL_BUF_ERRORS) } sl_buf_err_t;

/* Static text of an error; never NULL. */
const char *sl_buf_err_str(sl_buf_err_t err);

typedef struct sl_buf_s {
    char *data; /* NULL until the first byte is reserved; owned by the buffer */
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated (room for len bytes and the NUL) */
    size_t max; /* most bytes of content it may ever hold */
} sl_buf_t;

/* An empty buffer that may hold up to max bytes; allocates nothing. */
void sl_buf_init(sl_buf_t *b, size_t max);
/* Releases the memory; the buffer is empty (same cap) and may be used again. */
void sl_buf_free(sl_buf_t *b);
/* Forgets the content (len = 0) and keeps the memory for reuse. */
void sl_buf_reset(sl_buf_t *b);

/* Makes room for n more bytes (and the NUL) without changing the content, so the caller
 * may write data[len .. len+n) and then add to len itself. */
sl_buf_err_t sl_buf_reserve(sl_buf_t *b, size_t n);
/* Appends n bytes (copied). */
sl_buf_err_t sl_buf_append(sl_buf_t *b, const void *p, size_t n);
/* Appends printf-formatted text. */
sl_buf_err_t sl_buf_printf(sl_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
sl_buf_err_t sl_buf_vprintf(sl_buf_t *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Replaces the content with data[0..len), taking ownership of data: a malloc'd block with
 * a NUL at data[len] (it is released with free()). Avoids a copy of a large body; the cap
 * applies to what is appended after it. */
void sl_buf_attach(sl_buf_t *b, char *data, size_t len);
/* Hands the content to the caller, who must free() it (NULL when nothing was ever
 * reserved); *len (if not NULL) gets its length. The buffer is left empty. */
char *sl_buf_detach(sl_buf_t *b, size_t *len);

#endif
