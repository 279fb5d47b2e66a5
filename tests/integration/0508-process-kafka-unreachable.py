"""0508 process kafka-unreachable: brokers on a port where nothing listens -> `sluice
process --metadata-timeout 5 --idle-exit 2` exits 1 by itself, says that Kafka did not
answer, and its summary is not "ok" (a run that never reached Kafka is not idle, and never
a success). With --metadata-timeout 0 it keeps trying, logs that it does, and a SIGTERM
then ends it with exit 1, again not "ok".

Cassandra is the stack's, with a keyspace made for the test (the writer prepares its
INSERT before Kafka is asked); nothing is written.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import LoggedProcess, closed_port, summary_of  # noqa: E402
from ingest_support import BIN, check, fail, unique  # noqa: E402
from process_support import CASSANDRA, Cassandra, schema  # noqa: E402

KEYSPACE = None


def start(*args):
    return LoggedProcess([BIN, "process", "-b", "127.0.0.1:%d" % closed_port(), "-t",
                          unique("0508"), "--cassandra", CASSANDRA, "--keyspace", KEYSPACE,
                          "--log-format", "json", "--progress", "never", "--idle-exit", "2"]
                         + list(args), "0508")


def main():
    global KEYSPACE
    _, KEYSPACE = schema("0508")
    try:
        run()
    finally:
        db = Cassandra()
        db.drop(KEYSPACE)
        db.close()


def run():
    c = start("--metadata-timeout", "5")
    p = c.proc
    try:
        out, _ = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        c.kill()
        fail("process with unreachable brokers did not exit within 300 s")
    check(p.returncode == 1, "exit %d, want 1; log:\n%s" % (p.returncode, c.log_text()))
    check("did not answer within" in c.log_text(), "no reason logged:\n" + c.log_text())
    s = summary_of(out)
    check(s is not None and s["result"] != "ok", "summary %r" % s)
    check(s["summary"]["consumed"] == 0, "summary %r" % s)

    c = start("--metadata-timeout", "0")
    p = c.proc
    try:
        deadline = time.time() + 300
        while "still trying" not in c.log_text():
            if p.poll() is not None:
                fail("exited %s while it should keep trying; log:\n%s"
                     % (p.returncode, c.log_text()))
            if time.time() > deadline:
                fail("no 'still trying' line in 300 s; log:\n" + c.log_text())
            time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            c.kill()
    check(p.returncode == 1, "exit %d after SIGTERM, want 1; log:\n%s"
          % (p.returncode, c.log_text()))
    s = summary_of(out)
    check(s is not None and s["result"] != "ok", "summary after SIGTERM %r" % s)
    print("ok: unreachable Kafka: exit 1 after the metadata timeout, and after SIGTERM; "
          "never 'result ok'")


if __name__ == "__main__":
    main()
