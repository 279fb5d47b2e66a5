"""Readiness probe for the stack's Cassandra node, run by scripts/stack.

Polls until the node answers a real CQL query (SELECT release_version FROM
system.local) and prints the release version, or gives up. It is polled from
one process rather than one interpreter per attempt because importing the
driver costs a noticeable share of a second.

usage: cql-ready.py HOST PORT TIMEOUT_S [PID]
  PID       stop early (exit 2) when this process is gone
  env SLUICE_CQL_USER / SLUICE_CQL_PASSWORD: log in with these (password auth);
      SLUICE_CQL_PASSWORD_FILE: the password from this file instead
  env SLUICE_CQL_CA: connect with TLS, trusting this CA and checking the name;
      SLUICE_CQL_CERT / SLUICE_CQL_KEY: the client certificate (mutual TLS)
  env SLUICE_CQL_ENSURE_ROLE=1: when SLUICE_CQL_USER cannot log in, create it
      (a superuser with that password) as the default superuser cassandra
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


def tls_context():
    """An SSL context for SLUICE_CQL_CA (and a client certificate), or None."""
    ca = os.environ.get("SLUICE_CQL_CA")
    if not ca:
        return None
    import ssl
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    if os.environ.get("SLUICE_CQL_CERT"):
        ctx.load_cert_chain(os.environ["SLUICE_CQL_CERT"],
                            os.environ.get("SLUICE_CQL_KEY"))
    return ctx


def create_role(connect, user, password):
    """Creates (or resets) the role as the default superuser."""
    from cassandra.auth import PlainTextAuthProvider
    cluster = connect(PlainTextAuthProvider("cassandra", "cassandra"))
    try:
        session = cluster.connect()
        session.execute("CREATE ROLE IF NOT EXISTS %s WITH PASSWORD = %%s "
                        "AND LOGIN = true AND SUPERUSER = true" % user,
                        (password,), timeout=10)
        session.execute("ALTER ROLE %s WITH PASSWORD = %%s" % user,
                        (password,), timeout=10)
    finally:
        cluster.shutdown()


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
    user = os.environ.get("SLUICE_CQL_USER", "")
    password = os.environ.get("SLUICE_CQL_PASSWORD", "")
    if os.environ.get("SLUICE_CQL_PASSWORD_FILE"):
        with open(os.environ["SLUICE_CQL_PASSWORD_FILE"]) as f:
            password = f.read().strip()
    auth = PlainTextAuthProvider(user, password) if user else None
    ensure_role = os.environ.get("SLUICE_CQL_ENSURE_ROLE") == "1" and user
    ssl_context = tls_context()
    deadline = time.monotonic() + timeout
    last = "no attempt"

    def connect(provider):
        return Cluster([host], port=port, auth_provider=provider,
                       ssl_context=ssl_context,
                       load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                       connect_timeout=3, control_connection_timeout=3)

    while True:
        if pid and not alive(pid):
            print("process %d exited" % pid, file=sys.stderr)
            return 2
        cluster = connect(auth)
        try:
            try:
                session = cluster.connect()
            except Exception as e:
                if not ensure_role or "Bad credentials" not in str(e):
                    raise
                create_role(connect, user, password)
                continue
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
