"""0503 process cassandra-down: Cassandra stopped for 20 s mid-run and started again ->
the same exact table; the processor never exited.

Uses scripts/stack to stop and start the Cassandra node of the test stack. The processor
is frozen (SIGSTOP) while Cassandra stops, so that it surely has work left when the node
is gone however fast either side runs; it is thawed once the node is down. While the node
is down the processor must stay up, retry (the retry counter grows) and not commit past
what was stored; once it is back, everything is written.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Processor, assert_table_equals, check,  # noqa: E402
                             fail, dropped_after, ingest_fresh_users, schema)

N = 60000
STACK = os.path.join(os.environ.get("SLUICE_SOURCE_DIR", "."), "scripts", "stack")


def stack(*args):
    p = subprocess.run([STACK] + list(args), capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "stack %s: %s%s" % (" ".join(args), p.stdout, p.stderr))


def start_cassandra():
    """Starts the node and waits until it answers CQL. A loaded machine may take longer than
    one wait of scripts/stack: `up` then waits again for a node that is starting (it does
    nothing more to one that runs)."""
    p = subprocess.run([STACK, "start", "cassandra"], capture_output=True, text=True, timeout=300)
    for _ in range(2):
        if p.returncode == 0:
            return
        print("Cassandra not answering yet: %s" % p.stderr.strip().splitlines()[:1])
        p = subprocess.run([STACK, "up", "cassandra"], capture_output=True, text=True,
                           timeout=300)
    check(p.returncode == 0, "stack up cassandra: %s%s" % (p.stdout, p.stderr))


def main():
    topic, ks = schema("0503")
    users = ingest_fresh_users(topic, N, batch=5000)
    p = Processor(topic, ks, "--idle-exit", "5", "--max-inflight", "128",
                  "-X", "cql.request_timeout_ms=2000", "-X", "cql.reconnect_max_ms=2000")
    try:
        p.wait_metric("sluice_process_rows_written_total", 5000)
        os.kill(p.proc.pid, signal.SIGSTOP)
        try:
            stack("stop", "cassandra")
        finally:
            os.kill(p.proc.pid, signal.SIGCONT)
        down_at = time.time()
        while time.time() - down_at < 20:
            if p.proc.poll() is not None:
                fail("processor exited %s while Cassandra was down; log:\n%s"
                     % (p.proc.returncode, p.log_tail()))
            time.sleep(0.5)
        m = p.metrics()
        check(m.get("sluice_process_writes_in_flight", 0) > 0 or
              m.get("sluice_process_write_retries_total", 0) > 0,
              "no write was retried or pending while Cassandra was down: %r" % m)
        start_cassandra()
        rc, summary = p.wait_exit(timeout=900)
        check(rc == 0, "process exit %d; log:\n%s" % (rc, p.log_tail()))
        s = summary["summary"]
        check(s["write_retries"] > 0, "no retries counted: %r" % s)
    finally:
        if p.proc.poll() is None:
            p.kill()
        stack("up", "cassandra")
    with dropped_after(ks) as db:
        assert_table_equals(db.rows(ks), users)
        print("ok: Cassandra down 20 s, %d retries, processor stayed up, table exact"
              % s["write_retries"])


if __name__ == "__main__":
    main()
