/*
 * sl_http_err — the one error enum of the sl_http library (server and query parser).
 */
#ifndef SL_HTTP_ERR_H
#define SL_HTTP_ERR_H

#include "sl_err.h"

/* The error list of this library: name, code, text. */
#define SL_HTTP_ERR_LIST(X)                                                                        \
    X(SL_HTTP_OK, 0, "success")                                                                    \
    X(SL_HTTP_ERR_ADDRESS, 1, "bad address, expected HOST:PORT")                                   \
    X(SL_HTTP_ERR_LISTEN, 2, "cannot listen on the address")                                       \
    X(SL_HTTP_ERR_NOMEM, 3, "out of memory")                                                       \
    X(SL_HTTP_ERR_LIMIT, 4, "a fixed limit was reached")                                           \
    X(SL_HTTP_ERR_QUERY, 5, "malformed query string")                                              \
    X(SL_HTTP_ERR_TOO_BIG, 6, "input larger than its cap")                                         \
    X(SL_HTTP_ERR_STATE, 7, "call not valid in the server's current state")                        \
    X(SL_HTTP_ERR_INVALID, 8, "invalid argument")

typedef enum { SL_ERR_ENUM(SL_HTTP_ERR_LIST) } sl_http_err_t;

/* A static string describing err; never NULL. */
const char *sl_http_err_str(sl_http_err_t err);

#endif
