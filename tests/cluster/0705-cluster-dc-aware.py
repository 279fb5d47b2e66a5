"""0705 cluster dc aware: Cassandra in two datacenters (SLUICE_CASSANDRA_DCS=dc1:2,dc2:1),
a keyspace with NetworkTopologyStrategy {dc1: 2, dc2: 1}, `sluice process` at
LOCAL_QUORUM with a dc1 contact point -> it learns dc1 as its local datacenter and no
request goes to dc2 while dc1 is up: the client's counter for the dc2 host stays 0, and
so does the dc2 node's own coordinator write count; the dc1 nodes coordinated every
write. The table is exact (read at LOCAL_QUORUM in dc1, and at ALL).

Skips (77) unless the stack runs with SLUICE_CASSANDRA_DCS=dc1:2,dc2:1.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (SKIP, check, client_requests, coordinator_writes,  # noqa: E402
                             read_table, restore, rows_env, users_in_topic, wait_until)
from process_support import Processor, assert_table_equals  # noqa: E402

NTS = "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}"


def node_dcs():
    """{host:port: datacenter} as python3-cassandra sees the ring."""
    from cassandra.cluster import Cluster
    from cluster_support import cql_hosts
    hosts = cql_hosts()
    c = Cluster([h for h, _ in hosts], port=hosts[0][1], connect_timeout=30)
    try:
        c.connect()
        return {"%s:%d" % (h.endpoint.address, h.endpoint.port): h.datacenter
                for h in c.metadata.all_hosts()}
    finally:
        c.shutdown()


def main():
    if os.environ.get("SLUICE_CASSANDRA_DCS") != "dc1:2,dc2:1":
        print("SKIP: needs a stack started with SLUICE_CASSANDRA_DCS=dc1:2,dc2:1")
        sys.exit(SKIP)
    n = rows_env(6000)
    dcs = node_dcs()
    print("datacenters: %s" % dcs)
    check(sorted(dcs.values()) == ["dc1", "dc1", "dc2"], "ring has DCs %s" % dcs)
    topic, ks, users = users_in_topic("0705", NTS, n)
    try:
        before = coordinator_writes(ks)
        p = Processor(topic, ks, "--consistency", "local_quorum", "--max-inflight", "64")
        p.wait_metric("sluice_process_rows_written_total", n, timeout=900)
        client = wait_until("per-host counters", lambda: client_requests(p.metrics()) or None)
        rc, _, _ = p.stop()
        check(rc == 0, "processor exit %d; log:\n%s" % (rc, p.log_tail()))
        after = coordinator_writes(ks)
        server = {h: after[h] - before.get(h, 0) for h in after}
        print("client per host %s; Cassandra coordinator writes %s" % (client, server))
        dc2 = [h for h, d in dcs.items() if d == "dc2"]
        for h in dc2:
            check(client.get(h, 0) == 0, "the client sent %d requests to dc2 host %s"
                  % (client.get(h, 0), h))
            check(server.get(h, 0) == 0, "dc2 host %s coordinated %d writes" % (h, server[h]))
        dc1_total = sum(server.get(h, 0) for h, d in dcs.items() if d == "dc1")
        check(dc1_total >= n, "dc1 coordinated %d writes for %d rows" % (dc1_total, n))
        assert_table_equals(read_table(ks, "LOCAL_QUORUM"), users)
        assert_table_equals(read_table(ks, "ALL"), users)
        print("ok: LOCAL_QUORUM in dc1, 0 requests to dc2 (client and Cassandra agree), "
              "table exact (%d rows)" % n)
    finally:
        restore(ks, [])


if __name__ == "__main__":
    main()
