/*
 * cql_err — the library's one error enum: text for every code, which errors are worth
 * a retry, and the mapping from the server's verbatim error codes.
 */
#include "cql_int.h"

const char *cql_err_str(cql_err_t err) {
    switch (err) {
#define CQL_ERR_STR_(name, value, retriable, text)                                                 \
    case name: return text;
        CQL_ERR_LIST(CQL_ERR_STR_)
#undef CQL_ERR_STR_
    }
    if (cql_err_is_server(err))
        return "server: unknown error";
    return "unknown error";
}

bool cql_err_is_retriable(cql_err_t err) {
    switch (err) {
#define CQL_ERR_RETRY_(name, value, retriable, text)                                               \
    case name: return retriable;
        CQL_ERR_LIST(CQL_ERR_RETRY_)
#undef CQL_ERR_RETRY_
    }
    return false;
}

bool cql_err_is_server(cql_err_t err) {
    return ((unsigned)err & 0xFFFF0000u) == (unsigned)CQL_SERVER_ERR_BASE;
}

uint16_t cql_err_server_code(cql_err_t err) {
    return cql_err_is_server(err) ? (uint16_t)((unsigned)err & 0xFFFFu) : 0;
}

cql_err_t cql_err_from_server(uint16_t code) {
    return (cql_err_t)CQL_SERVER_ERR(code);
}
