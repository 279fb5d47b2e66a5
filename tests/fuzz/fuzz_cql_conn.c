/*
 * Fuzz target for a CQL connection's receive path: the input is everything a server
 * sends, fed through a socketpair into a connection that has a query, a prepare, an
 * execute, a register, an options and a batch outstanding and is configured for
 * PasswordAuthenticator and a keyspace. Covers the handshake state machine, frame
 * reassembly, stream matching, re-preparation on UNPREPARED, events and the decoders.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cql_conn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RESULT Prepared body: id "p1", one int bind marker (pk 0), no result columns. */
static const uint8_t prepared_body[] = {0,   0, 0, 4,   0, 2, 'p', '1', 0, 0, 0,   1,   0, 0,
                                        0,   1, 0, 0,   0, 1, 0,   0,   0, 2, 'k', 's', 0, 1,
                                        't', 0, 1, 'k', 0, 9, 0,   0,   0, 4, 0,   0,   0, 0};

static void on_event(void *opaque, const cql_event_t *ev) {
    (void)opaque;
    (void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 60000)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    cql_conf_t *conf = cql_conf_new();
    cql_conf_set(conf, "username", "u", NULL, 0);
    cql_conf_set(conf, "password", "p", NULL, 0);
    cql_conf_set(conf, "keyspace", "ks", NULL, 0);
    cql_conf_set(conf, "max_inflight", "8", NULL, 0);
    cql_conf_set(conf, "max_frame_size", "65536", NULL, 0);
    cql_conn_t *c;
    if (cql_conn_new_fd(conf, sv[0], &c) != CQL_OK) {
        close(sv[1]);
        return 0;
    }
    cql_conn_set_event_cb(c, on_event, NULL);

    uint8_t *pb = malloc(sizeof prepared_body);
    memcpy(pb, prepared_body, sizeof prepared_body);
    cql_result_t *pr;
    cql_prepared_t *p = NULL;
    if (cql_result_decode(pb, sizeof prepared_body, &pr) == CQL_OK) {
        p = cql_prepared_from_result(pr, "SELECT * FROM ks.t WHERE k = ?", 30);
        cql_result_free(pr);
    }
    cql_future_t *f[6] = {0};
    cql_stmt_t *q = cql_stmt_new("SELECT * FROM ks.t", 0);
    cql_conn_query(c, q, &f[0]);
    cql_conn_prepare(c, "SELECT * FROM ks.t WHERE k = ?", &f[1]);
    cql_stmt_t *e = p ? cql_stmt_new_prepared(p) : NULL;
    if (e) {
        cql_stmt_bind_int32(e, 0, 7);
        cql_conn_query(c, e, &f[2]);
    }
    const char *events[] = {"STATUS_CHANGE"};
    cql_conn_register(c, events, 1, &f[3]);
    cql_conn_options(c, &f[4]);
    cql_batch_t *b = cql_batch_new(CQL_BATCH_UNLOGGED);
    if (e)
        cql_batch_add(b, e);
    cql_conn_batch(c, b, &f[5]);

    /* the server's side: everything at once, then end of stream */
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(sv[1], data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    shutdown(sv[1], SHUT_WR);
    uint8_t sink[4096];
    for (int i = 0; i < 200 && cql_conn_fd(c) >= 0; i++) {
        cql_conn_step(c, CQL_EV_READ | CQL_EV_WRITE);
        while (recv(sv[1], sink, sizeof sink, MSG_DONTWAIT) > 0) /* what the client sent */
            ;
    }
    for (int i = 0; i < 6; i++)
        cql_future_free(f[i]);
    cql_conn_free(c);
    close(sv[1]);
    cql_batch_free(b);
    cql_stmt_free(e);
    cql_stmt_free(q);
    cql_prepared_free(p);
    return 0;
}
