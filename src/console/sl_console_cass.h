/*
 * sl_console_cass — Cassandra as the console shows it, through the project's CQL client:
 * how many hosts the session knows and how many have a ready connection, and the hosts
 * themselves (address, data centre, rack, version) from system.local and system.peers.
 * Called only from the sampler thread, which also drives the session between samples.
 */
#ifndef SL_CONSOLE_CASS_H
#define SL_CONSOLE_CASS_H

#include "cql.h"
#include "sl_console_snap.h"

/* Fills s->cassandra from the session (NULL: not configured). Each query waits at most
 * timeout_ms. */
void sl_console_cass_gather(cql_session_t *session, sl_console_snap_t *s, int timeout_ms);

#endif
