/*
 * cql_conn_int.h — what the session needs of a connection beyond the public API:
 * submitting an already encoded frame (kept by the session for retries on another host)
 * and encoding a statement or batch into the connection's scratch buffer.
 */
#ifndef CQL_CONN_INT_H
#define CQL_CONN_INT_H

#include "cql_int.h"

/* What a request is, which decides what its response means to the connection. */
typedef enum {
    CQL_REQ_USER = 1,  /* the caller's QUERY, EXECUTE or BATCH: a RESULT for its future */
    CQL_REQ_PREPARE,   /* the caller's PREPARE: the RESULT becomes a cql_prepared_t */
    CQL_REQ_REPREPARE, /* a PREPARE the connection sends itself after UNPREPARED; the
                          waiting EXECUTE is re-sent when it succeeds */
    CQL_REQ_REGISTER,  /* REGISTER for events: READY */
    CQL_REQ_OPTIONS,   /* OPTIONS: SUPPORTED */
} cql_req_kind_t;

/* Queues frame[0..len) (its stream id is replaced) for f, to time out at deadline_ms
 * (cql_now_ms()'s clock; the caller read it). prepared: a reference is taken for
 * re-preparation on UNPREPARED. */
cql_err_t cql_conn_submit_encoded(cql_conn_t *c, const uint8_t *frame, size_t len,
                                  cql_req_kind_t kind, cql_prepared_t *prepared,
                                  int64_t deadline_ms, cql_future_t *f);
/* Writes what is queued, as far as the socket takes it (a connection still in its
 * handshake holds it back). */
void cql_conn_flush(cql_conn_t *c);
/* Encodes statement s or batch b (the other NULL) into the connection's scratch buffer;
 * *frame is valid until the next call on c. */
cql_err_t cql_conn_encode(cql_conn_t *c, const cql_stmt_t *s, const cql_batch_t *b,
                          const uint8_t **frame, size_t *len);
const char *cql_conn_host(const cql_conn_t *c);
/* A connection over an already connected socket (tests and fuzzing: a socketpair). Takes
 * ownership of conf and fd; the handshake starts at the first step. */
cql_err_t cql_conn_new_fd(cql_conf_t *conf, int fd, cql_conn_t **out);

#endif
