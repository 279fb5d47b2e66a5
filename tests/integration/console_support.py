"""Shared helpers of the console integration tests (08NN-console-*.py).

- use_venv(): re-runs the test under a virtualenv made from tests/requirements/console.lock
  (Playwright, confluent-kafka) with the Debian python and its site packages (for
  python3-cassandra); built once per lock, under a file lock.
- Console: `sluice console` on a free loopback port, its JSON API, its log.
- Independent reads of Kafka through confluent-kafka (its own librdkafka) and kcat.
- Ingest: a long-running `sluice ingest --http` against mock-api.
- launch_browser(): Debian's chromium driven by Playwright (no downloaded browser).
Every wait polls a condition with a deadline.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common_support  # noqa: E402
from common_support import (BIN, BROKERS, CASSANDRA, SOURCE, LoggedProcess,  # noqa: E402,F401
                            check, fail, kcat_read, stop_process, unique, wait_for)

LOCK = os.path.join(SOURCE, "tests", "requirements", "console.lock")
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)),
                "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-default-apps", "--disable-sync", "--no-first-run",
                 "--metrics-recording-only", "--disable-extensions"]


def use_venv():
    """Makes sure this process runs in the console test venv (re-executing if needed)."""
    common_support.use_venv(
        LOCK, os.environ.get("SLUICE_CONSOLE_VENV",
                             os.path.join(os.path.dirname(os.path.abspath(BIN)), "console-venv")),
        os.environ.get("SLUICE_CONSOLE_PYTHON", "/usr/bin/python3"), "console tests")


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def http(method, url, token=None, form=None, headers=None, cookie=None):
    """One request without following redirects; returns a Reply (any status)."""
    data = None
    hdrs = dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        hdrs["Authorization"] = "Bearer " + token
    if cookie:
        hdrs["Cookie"] = cookie
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=60) as r:
            return Reply(r.status, dict(r.headers), r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, dict(e.headers), e.read())


class Console(LoggedProcess):
    """`sluice console` on 127.0.0.1:0 with JSON logs; token via a 0600 file if given."""

    def __init__(self, *args, token=None, env_token=None, interval="1"):
        self.token = token or env_token
        env = dict(os.environ)
        env.pop("SLUICE_CONSOLE_TOKEN", None)
        cmd = [BIN, "console", "--listen", "127.0.0.1:0", "-b", BROKERS, "--cassandra", CASSANDRA,
               "--interval", interval, "--log-format", "json", "--kafka-timeout", "10"] + list(args)
        self.tokenfile = None
        if token:
            self.tokenfile = tempfile.NamedTemporaryFile(prefix="sluice-token-", mode="w")
            os.chmod(self.tokenfile.name, 0o600)
            self.tokenfile.write(token + "\n")
            self.tokenfile.flush()
            cmd += ["--auth-token-file", self.tokenfile.name]
        if env_token:
            env["SLUICE_CONSOLE_TOKEN"] = env_token
        super().__init__(cmd, "console", env=env)
        self.port = self.wait_port(r"console on http://127\.0\.0\.1:(\d+)/", "console", 60)
        self.url = "http://127.0.0.1:%d" % self.port
        # the first snapshot
        wait_for(lambda: self.get("/healthz").status == 200, "console's first snapshot", 120)

    def get(self, path, token=None, auth=True, **kw):
        return http("GET", self.url + path, token=token or (self.token if auth else None), **kw)

    def api(self, path):
        r = self.get(path)
        check(r.status == 200, "GET %s: %d %s" % (path, r.status, r.body[:500]))
        return r.json()

    def change(self, method, path, form, token=None):
        return http(method, self.url + path, token=token or self.token, form=form)

    def fresh(self, path, ok, what, timeout=120):
        """Polls GET path until ok(json) holds (the snapshot catches up)."""
        return wait_for(lambda: (lambda j: j if ok(j) else None)(self.api(path)), what, timeout)

    def stop(self):
        """SIGTERM; the console must exit 0 and promptly (and, under ASan, without leaks)."""
        if not stop_process(self.proc, 60):
            fail("console did not stop within 60 s of SIGTERM")
        check(self.proc.returncode == 0, "console exit %d; log tail:\n%s"
              % (self.proc.returncode, self.log_text()[-3000:]))


# --- independent reads ---------------------------------------------------------------

def admin():
    from confluent_kafka.admin import AdminClient
    return AdminClient({"bootstrap.servers": BROKERS})


def consumer(group="sluice-it-reader"):
    from confluent_kafka import Consumer
    return Consumer({"bootstrap.servers": BROKERS, "group.id": group,
                     "enable.auto.commit": False, "enable.partition.eof": True})


def watermarks(topic, partitions):
    """{partition: (low, high)} through confluent-kafka."""
    from confluent_kafka import TopicPartition
    c = consumer()
    try:
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=30, cached=False)
                for p in range(partitions)}
    finally:
        c.close()


def committed(group, topic, partitions):
    """{partition: committed offset or None} of group through confluent-kafka."""
    from confluent_kafka import TopicPartition
    c = consumer(group)
    try:
        got = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=30)
        return {tp.partition: (tp.offset if tp.offset >= 0 else None) for tp in got}
    finally:
        c.close()


def commit(group, topic, offsets):
    """Commits {partition: offset} for group without joining it (assign + commit)."""
    from confluent_kafka import TopicPartition
    c = consumer(group)
    try:
        c.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()],
                 asynchronous=False)
    finally:
        c.close()


def produce(topic, messages):
    """messages: list of (partition, key bytes/str, value bytes/str, headers list)."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": BROKERS, "enable.idempotence": True})
    errors = []
    for part, key, value, headers in messages:
        p.produce(topic, key=key, value=value, partition=part, headers=headers or None,
                  on_delivery=lambda err, msg: err and errors.append(err))
    left = p.flush(60)
    check(left == 0 and not errors, "produce to %s: %d left, errors %r" % (topic, left, errors))


def kcat_brokers():
    """[(id, host, port)] and the controller id as `kcat -L` prints them."""
    out = subprocess.run(["kcat", "-b", BROKERS, "-L"], capture_output=True, text=True,
                         timeout=60).stdout
    brokers, controller = [], None
    for m in re.finditer(r"broker (\d+) at ([^:\s]+):(\d+)( \(controller\))?", out):
        brokers.append((int(m.group(1)), m.group(2), int(m.group(3))))
        if m.group(4):
            controller = int(m.group(1))
    return sorted(brokers), controller


def header(msg, name):
    """The value of header `name` in a kcat -J message."""
    h = msg.get("headers") or []
    for i in range(0, len(h), 2):
        if h[i] == name:
            return h[i + 1]
    return None


def topics_of_cluster():
    md = admin().list_topics(timeout=30)
    return {name: t for name, t in md.topics.items()}


# --- components ----------------------------------------------------------------------

class Ingest(LoggedProcess):
    """A long-running `sluice ingest` with --http on a free port."""

    def __init__(self, source, topic, *args):
        super().__init__(
            [BIN, "ingest", "-b", BROKERS, "--source", source, "-t", topic, "--log-format", "json",
             "--progress", "never", "--http", "127.0.0.1:0",
             "-X", "kafka.topic.metadata.refresh.interval.ms=1000"] + list(args), "ingest")
        self.port = self.wait_port(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", "ingest", 60)
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        stop_process(self.proc, 60)


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def drop(topics=(), keyspace=None):
    """Deletes what a test made: topics (and their .dlq if asked) and a keyspace."""
    topics = [t for t in topics if t]
    if topics:
        adm = admin()
        for f in adm.delete_topics(topics, operation_timeout=30).values():
            try:
                f.result(timeout=60)
            except Exception:  # noqa: BLE001 - already gone, or the test failed before
                pass
    if keyspace:
        from process_support import Cassandra
        c = Cassandra()
        try:
            c.drop(keyspace)
        finally:
            c.close()
