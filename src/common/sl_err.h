/*
 * sl_err — the one way a sluice library defines its error enum (STYLE.md; cassandra.h's
 * CASS_ERROR_MAPPING). A library writes its errors once, as data: a table
 * src/<module>/<stem>.errors with one row `NAME CODE TEXT` per error, NAME spelled out in
 * full so that grep finds it. The build (cmake/ErrorTables.cmake) turns the table into the
 * list macro <STEM>_ERRORS(X), one X(NAME, code, "text") per row, in a generated
 * <stem>_errors.h; these helpers turn the list into the enum and into the library's
 * `..._err_str()`:
 *
 *     SL_FOO_OK        0 success                     (sl_foo.errors)
 *     SL_FOO_ERR_NOMEM 1 out of memory
 *
 *     #include "sl_foo_errors.h"                                        (in sl_foo.h)
 *     typedef enum { SL_ERR_ENUM(SL_FOO_ERRORS) } sl_foo_err_t;
 *     SL_ERR_DEFINE_STR(sl_foo_err_str, sl_foo_err_t, SL_FOO_ERRORS)   (in sl_foo.c)
 *
 * The CQL library keeps its own list (CQL_ERR_LIST in cql.h, with a retriable column) and
 * its own cql_set_errstr(): it depends on nothing of sluice, so it cannot use this header.
 */
#ifndef SL_ERR_H
#define SL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the detail of an error into the caller's errstr (errstr_size bytes, NUL-terminated;
 * nothing when errstr is NULL or errstr_size 0), the `char *errstr, size_t errstr_size`
 * convention of every sluice library. */
void sl_err_format(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sl_err_vformat(char *errstr, size_t errstr_size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#define SL_ERR_ENUM_ITEM_(name, code, text) name = code,
#define SL_ERR_STR_CASE_(name, code, text)                                                         \
    case name: return text;

/* The members of the enum, for `typedef enum { SL_ERR_ENUM(LIST) } type;`. */
#define SL_ERR_ENUM(LIST) LIST(SL_ERR_ENUM_ITEM_)

/* Defines `const char *fn(type err)`: the static text of a listed error, "unknown error"
 * for any other value; never NULL. */
#define SL_ERR_DEFINE_STR(fn, type, LIST)                                                          \
    const char *fn(type err) {                                                                     \
        switch (err) { LIST(SL_ERR_STR_CASE_) }                                                    \
        return "unknown error";                                                                    \
    }

#endif
