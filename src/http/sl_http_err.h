/*
 * sl_http_err — the one error enum of the sl_http library (server and query parser).
 */
#ifndef SL_HTTP_ERR_H
#define SL_HTTP_ERR_H

#include "sl_err.h"

/* SL_HTTP_ERRORS(X): the rows of sl_http.errors, generated at configure time. */
#include "sl_http_errors.h"

typedef enum { SL_ERR_ENUM(SL_HTTP_ERRORS) } sl_http_err_t;

/* A static string describing err; never NULL. */
const char *sl_http_err_str(sl_http_err_t err);

#endif
