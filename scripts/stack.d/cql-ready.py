"""Readiness probe for the stack's Cassandra node, run by scripts/stack.

Polls until the node answers a real CQL query (SELECT release_version FROM
system.local) and prints the release version, or gives up. It is polled from
one process rather than one interpreter per attempt because importing the
driver costs a noticeable share of a second.

usage: cql-ready.py HOST PORT TIMEOUT_S [PID]
  PID       stop early (exit 2) when this process is gone
  env SLUICE_CQL_USER / SLUICE_CQL_PASSWORD: log in with these (password auth)
exit: 0 ready, 1 timed out, 2 the server process died, 3 driver missing
"""
import logging
import os
import sys
import time
import warnings


def alive(pid):
    """True while pid runs; a zombie counts as gone once all threads are."""
    fields = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.split()
    except OSError:
        return False
    return fields.get("State", ["?"])[0] != "Z" or \
        int(fields.get("Threads", ["0"])[0]) > 1


def main():
    host, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    pid = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else 0
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        from cassandra.auth import PlainTextAuthProvider
        from cassandra.cluster import Cluster
        from cassandra.policies import WhiteListRoundRobinPolicy
    except ImportError as e:
        print("python cassandra driver missing (%s); install python3-cassandra"
              % e, file=sys.stderr)
        return 3
    auth = None
    if os.environ.get("SLUICE_CQL_USER"):
        auth = PlainTextAuthProvider(os.environ["SLUICE_CQL_USER"],
                                     os.environ.get("SLUICE_CQL_PASSWORD", ""))
    deadline = time.monotonic() + timeout
    last = "no attempt"
    while True:
        if pid and not alive(pid):
            print("process %d exited" % pid, file=sys.stderr)
            return 2
        cluster = Cluster([host], port=port, auth_provider=auth,
                          load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                          connect_timeout=3, control_connection_timeout=3)
        try:
            session = cluster.connect()
            row = session.execute(
                "SELECT release_version FROM system.local", timeout=5).one()
            print(row.release_version)
            return 0
        except Exception as e:  # any failure means "not yet"
            last = "%s: %s" % (type(e).__name__, e)
        finally:
            cluster.shutdown()
        if time.monotonic() >= deadline:
            print("no CQL answer from %s:%d: %s" % (host, port, last),
                  file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
