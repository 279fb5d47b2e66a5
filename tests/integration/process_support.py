"""Shared helpers of the processor integration tests (05NN-process-*.py).

Builds on ingest_support (mock-api, ingest, independent flattening, kcat). Adds: the
schema for a test (its own topic and keyspace), `sluice process` as a child process with
its /metrics port, and the table read back independently through python3-cassandra.
Every wait polls a condition with a deadline.
"""
import contextlib
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import (BIN, BROKERS, CASSANDRA, FIELDS, LoggedProcess,  # noqa: E402,F401
                            check, fail, metrics_at, summary_of, unique)


def schema(name, partitions=6):
    """A fresh topic (+ .dlq) and keyspace for one test; returns (topic, keyspace)."""
    topic, keyspace = unique(name), unique(name).lower()
    p = subprocess.run([BIN, "schema", "-b", BROKERS, "-t", topic, "--partitions",
                        str(partitions), "--cassandra", CASSANDRA, "--keyspace", keyspace],
                       capture_output=True, text=True, timeout=180)
    check(p.returncode == 0, "sluice schema exit %d:\n%s" % (p.returncode, p.stderr[-3000:]))
    return topic, keyspace


class Cassandra:
    def __init__(self):
        from cassandra.cluster import Cluster
        host, _, port = CASSANDRA.rpartition(":")
        self.cluster = Cluster([host], port=int(port), connect_timeout=30)
        self.session = self.cluster.connect()
        self.session.default_timeout = 60

    def rows(self, keyspace, table="created_users", attempts=5):
        """The whole table as {id: {field: value}}, every value as stored.

        A loaded node may time out or fail a page of the scan; the scan is read-only, so it
        starts again after a pause, as an application would retry it."""
        from cassandra import OperationTimedOut, ReadFailure, ReadTimeout, Unavailable
        for attempt in range(1, attempts + 1):
            try:
                return self._scan(keyspace, table)
            except (OperationTimedOut, ReadFailure, ReadTimeout, Unavailable) as e:
                if attempt == attempts:
                    raise
                print("reading %s.%s failed (%s); again in %d s" % (keyspace, table, e, 2 * attempt))
                time.sleep(2 * attempt)

    def _scan(self, keyspace, table):
        out = {}
        q = "SELECT %s FROM %s.%s" % (", ".join(FIELDS), keyspace, table)
        from cassandra.query import SimpleStatement
        for r in self.session.execute(SimpleStatement(q, fetch_size=2000)):
            rec = {f: getattr(r, f) for f in FIELDS}
            rec["id"] = str(rec["id"])
            check(rec["id"] not in out, "id %s twice in the table" % rec["id"])
            out[rec["id"]] = rec
        return out

    def drop(self, keyspace):
        self.session.execute("DROP KEYSPACE IF EXISTS %s" % keyspace)

    def close(self):
        self.cluster.shutdown()


def write_times(keyspace, table="created_users"):
    """{id: WRITETIME} of every row, checking that all columns of a row have the same one."""
    cols = [f for f in FIELDS if f != "id"]
    c = Cassandra()
    try:
        rows = c.session.execute("SELECT id, %s FROM %s.%s" % (
            ", ".join("writetime(%s) AS wt_%s" % (f, f) for f in cols), keyspace, table))
        out = {}
        for r in rows:
            wts = {getattr(r, "wt_" + f) for f in cols}
            check(len(wts) == 1, "row %s has several write times %r" % (r.id, wts))
            out[str(r.id)] = wts.pop()
        return out
    finally:
        c.close()


@contextlib.contextmanager
def dropped_after(keyspace):
    """A Cassandra connection for the block; the test's keyspace is dropped when the block
    ends, also when the test fails in it."""
    db = Cassandra()
    try:
        yield db
    finally:
        db.drop(keyspace)
        db.close()


def assert_table_equals(actual, expected):
    """expected: list of flattened users. Exact: same ids, every column equal."""
    want = {u["id"]: u for u in expected}
    missing = [i for i in want if i not in actual]
    extra = [i for i in actual if i not in want]
    check(not missing, "%d expected rows missing, e.g. %s" % (len(missing), missing[:3]))
    check(not extra, "%d unexpected rows, e.g. %s" % (len(extra), extra[:3]))
    bad = 0
    for i, u in want.items():
        for f in FIELDS:
            if actual[i][f] != u[f]:
                bad += 1
                if bad <= 5:
                    print("row %s field %s: %r != %r" % (i, f, actual[i][f], u[f]))
    check(bad == 0, "%d field(s) differ" % bad)


class Processor(LoggedProcess):
    """`sluice process` with JSON logs and /metrics on a free port."""

    def __init__(self, topic, keyspace, *args, group=None):
        super().__init__([BIN, "process", "-b", BROKERS, "-t", topic, "--cassandra", CASSANDRA,
                          "--keyspace", keyspace, "-g", group or topic + "-g", "--log-format",
                          "json", "--progress", "never", "--http", "127.0.0.1:0",
                          "--consistency", "one",
                          "-X", "kafka.topic.metadata.refresh.interval.ms=1000"] + list(args),
                         "process")
        self.port = self.wait_port(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", "processor")

    def metrics(self):
        """Prometheus samples as {name{labels}: value}; {} if the endpoint is not up."""
        return metrics_at(self.port)

    def wait_metric(self, name, at_least, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = self.metrics().get(name, 0)
            if v >= at_least:
                return v
            if self.proc.poll() is not None:
                fail("processor exited %s while waiting for %s >= %s; log:\n%s"
                     % (self.proc.returncode, name, at_least, self.log_tail()))
            time.sleep(0.2)
        fail("%s did not reach %s in %d s" % (name, at_least, timeout))

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Sends sig and waits; returns (exit code, summary dict or None, seconds taken)."""
        t0 = time.time()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            fail("processor did not exit within %d s of signal %d" % (timeout, sig))
        return self.proc.returncode, summary_of(out), time.time() - t0

    def wait_exit(self, timeout=600):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            fail("processor did not exit by itself within %d s" % timeout)
        return self.proc.returncode, summary_of(out)


def ingest_users(mock, topic, count, seed, batch=1000):
    """Fills topic with `count` users of `seed` through sluice ingest; returns them as the
    independent flattening of the same pages, for comparison."""
    from ingest_support import expected_users, page_urls, run_ingest
    rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(count),
                                  "--batch", str(batch), "--seed", seed, "--concurrency", "4")
    check(rc == 0, "ingest exit %d:\n%s" % (rc, err[-3000:]))
    s = summary["summary"]
    check(s["rejected"] == 0, "mock-api users rejected by ingest: %r" % s)
    users = expected_users(page_urls(mock.url, count, batch, seed))
    check(len(users) == count and len({u["id"] for u in users}) == count,
          "independent fetch gave %d users" % len(users))
    return users


def ingest_fresh_users(topic, count, batch=1000):
    """ingest_users() of `count` users of a new seed, from a mock-api of its own."""
    from ingest_support import MockApi
    mock = MockApi()
    try:
        return ingest_users(mock, topic, count, unique("seed"), batch=batch)
    finally:
        mock.stop()


def run_to_idle(topic, keyspace, *args, idle="3", group=None, timeout=600):
    """Runs `sluice process` until it has found nothing new for `idle` s; it must exit 0 with
    the result "ok". Returns the summary's counters."""
    p = Processor(topic, keyspace, "--idle-exit", idle, *args, group=group)
    rc, summary = p.wait_exit(timeout=timeout)
    check(rc == 0 and summary is not None and summary["result"] == "ok",
          "process exit %s, summary %r; log:\n%s" % (rc, summary, p.log_tail()))
    return summary["summary"]
