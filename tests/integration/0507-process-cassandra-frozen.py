"""0507 process cassandra-frozen: the Cassandra process frozen (SIGSTOP) mid-run with
--max-inflight 1024 (four times the default) -> the processor backs off as a whole (a bounded number of
retries while the node is hung, not one stream per slot), says so (a log line, /healthz
503 "degraded", writes_stalled and the oldest pending write's age in /metrics), recovers
when the node is thawed (/healthz 200 "ok" again, a log line) and the table is exact.

The node is this stack's own Cassandra (its pid from `scripts/stack status cassandra`). It
stays frozen until the processor has reported the stall and at least 20 s have passed; it
is always thawed, whatever happens.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Processor, assert_table_equals, check,  # noqa: E402
                             fail, dropped_after, ingest_fresh_users, schema)

N = 40000
FROZEN_AT_LEAST_S = 20
# Retries sent while the node is hung: one probe per writer-wide backoff step. Without the
# shared budget every slot retried by itself (tens of thousands in 30 s).
MAX_RETRIES_WHILE_FROZEN = 64
STACK = os.path.join(os.environ.get("SLUICE_SOURCE_DIR", "."), "scripts", "stack")


def cassandra_pid():
    p = subprocess.run([STACK, "status", "cassandra"], capture_output=True, text=True,
                       timeout=120)
    m = re.search(r"^cassandra\s+up\s+\S+\s+pid (\d+)", p.stdout, re.M)
    check(m is not None, "no running Cassandra in 'stack status': %s%s" % (p.stdout, p.stderr))
    return int(m.group(1))


def health(proc):
    """(HTTP status, JSON body) of /healthz, or (None, None) if it does not answer."""
    url = "http://127.0.0.1:%d/healthz" % proc.port
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode())
    except Exception:  # noqa: BLE001 - not answering right now
        return None, None


def wait_health(proc, status, timeout):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        code, body = health(proc)
        last = (code, body)
        if body and body.get("status") == status:
            return code, body
        if proc.proc.poll() is not None:
            fail("processor exited %s waiting for health %s; log:\n%s"
                 % (proc.proc.returncode, status, proc.log_tail()))
        time.sleep(0.5)
    fail("health never became %s in %d s (last %r); log:\n%s"
         % (status, timeout, last, proc.log_tail()))


def main():
    topic, ks = schema("0507")
    users = ingest_fresh_users(topic, N, batch=5000)
    pid = cassandra_pid()
    p = Processor(topic, ks, "--max-inflight", "1024", "--idle-exit", "5", "--stall-timeout", "3",
                  "-X", "cql.request_timeout_ms=3000")
    thawed = False
    try:
        deadline = time.time() + 600
        while p.metrics().get("sluice_process_rows_written_total", 0) < 2000:
            if time.time() > deadline or p.proc.poll() is not None:
                fail("not 2000 rows written (exit %s); log:\n%s"
                     % (p.proc.poll(), p.log_tail()))
            time.sleep(0.2)
        code, body = health(p)
        check(code == 200 and body["status"] == "ok", "not healthy before: %r %r" % (code, body))
        os.kill(pid, signal.SIGSTOP)
        frozen_at = time.time()
        try:
            code, body = wait_health(p, "degraded", 120)
            check(code == 503 and body["writes_stalled"] is True,
                  "degraded health: %r %r" % (code, body))
            m0 = p.metrics()
            check(m0.get("sluice_process_writes_stalled") == 1, "not stalled: %r" % m0)
            check(m0.get("sluice_process_oldest_pending_write_seconds", 0) >= 3,
                  "oldest pending write younger than the stall timeout: %r" % m0)
            while time.time() - frozen_at < FROZEN_AT_LEAST_S:
                if p.proc.poll() is not None:
                    fail("processor exited %s while Cassandra was frozen; log:\n%s"
                         % (p.proc.returncode, p.log_tail()))
                time.sleep(0.5)
            m1 = p.metrics()
        finally:
            os.kill(pid, signal.SIGCONT)
            thawed = True
        frozen_s = time.time() - frozen_at
        retries_frozen = m1["sluice_process_write_retries_total"] - \
            m0["sluice_process_write_retries_total"]
        check(retries_frozen <= MAX_RETRIES_WHILE_FROZEN,
              "%d retries in the last %.0f s of the freeze (at most %d)"
              % (retries_frozen, time.time() - frozen_at, MAX_RETRIES_WHILE_FROZEN))
        log = p.log_text()
        check("writes stalled" in log, "no log line for the stall:\n" + p.log_tail())
        wait_health(p, "ok", 300)
        rc, summary = p.wait_exit(timeout=900)
        check(rc == 0, "process exit %d; log:\n%s" % (rc, p.log_tail()))
        check("writes acknowledged again" in p.log_text(),
              "no log line for the recovery:\n" + p.log_tail())
        s = summary["summary"]
    finally:
        if not thawed:
            os.kill(pid, signal.SIGCONT)
        if p.proc.poll() is None:
            p.kill()
    with dropped_after(ks) as db:
        assert_table_equals(db.rows(ks), users)
        print("ok: Cassandra frozen %.0f s, %d retries while frozen, %d in all, health "
              "degraded then ok, table exact" % (frozen_s, retries_frozen, s["write_retries"]))


if __name__ == "__main__":
    main()
