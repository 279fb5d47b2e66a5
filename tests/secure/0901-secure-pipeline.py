"""0901 secure pipeline: schema, ingest 20,000, process over SASL_SSL, Cassandra TLS with
authentication and the registry over HTTPS -> exactly the expected table; no secret anywhere.

Against the secure stack (SLUICE_STACK_SECURE=1), every sluice command takes its client
settings from the stack's config file (-F, mode 0600: kafka.security.protocol=SASL_SSL,
the SASL user and password, the CA; cql.tls, its CA, the role and its password; the client
certificate with SLUICE_CASSANDRA_MTLS=1), at --log-level debug (which logs the effective
configuration), and the registry over HTTPS with the stack's CA (registry-ca in the
file). `sluice schema` (which registers the Avro schema), mock-api -> `sluice ingest
--format avro` 20,000 users -> `sluice process --registry` -> the table read back over TLS, row by row and field by field against the
mock-api pages flattened independently. `sluice check` and `sluice console` run against the
same servers. Then every log line of every command, /proc/<pid>/cmdline of each sluice
process, /metrics and /healthz of ingest and process, and the console's /api answers are
searched for the passwords and pieces of the private keys: none may appear.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secure_support import (BIN, BROKERS, CASSANDRA, CONF, REGISTRY,  # noqa: E402
                            assert_no_secret, cassandra_session, check, fail, unique)
from ingest_support import MockApi, expected_users, page_urls  # noqa: E402
from process_support import Cassandra, Processor, assert_table_equals  # noqa: E402
from console_support import Console  # noqa: E402

N = 20000
BATCH = 5000
SEEN = []  # (what, text) searched for secrets at the end


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().replace(b"\0", b" ").decode("utf-8", "replace")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def run_schema(topic, ks):
    p = subprocess.Popen([BIN, "schema", "-F", CONF, "-b", BROKERS, "-t", topic, "--partitions",
                          "3", "--cassandra", CASSANDRA, "--keyspace", ks, "--log-level", "debug",
                          "--registry", REGISTRY],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    SEEN.append(("schema cmdline", cmdline(p.pid)))
    out, err = p.communicate(timeout=300)
    SEEN.append(("schema output", out + err))
    check(p.returncode == 0, "sluice schema exit %d:\n%s" % (p.returncode, err[-3000:]))
    check("Avro schema registered as %s-value" % topic in err,
          "schema did not register the Avro schema over https:\n%s" % err[-3000:])
    check("kafka.sasl.password=*** (file)" in err and "cql.password=*** (file)" in err,
          "the debug configuration dump does not show the masked secrets:\n%s" % err[-3000:])


def run_ingest(mock, topic, seed):
    log = tempfile.NamedTemporaryFile(prefix="sluice-0901-ingest-", suffix=".log")
    p = subprocess.Popen([BIN, "ingest", "-F", CONF, "-b", BROKERS, "--log-format", "json",
                          "--log-level", "debug", "--progress", "never", "--http", "127.0.0.1:0",
                          "--source", mock.url, "-t", topic, "--count", str(N), "--batch",
                          str(BATCH), "--seed", seed, "--concurrency", "4",
                          "--format", "avro", "--registry", REGISTRY],
                         stdout=subprocess.PIPE, stderr=log)
    SEEN.append(("ingest cmdline", cmdline(p.pid)))
    # /metrics and /healthz while it runs (it may finish first on a fast machine)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        m = re.search(rb"metrics on http://127\.0\.0\.1:(\d+)/metrics", open(log.name, "rb").read())
        if m:
            try:
                port = int(m.group(1))
                SEEN.append(("ingest /metrics", get("http://127.0.0.1:%d/metrics" % port)))
                SEEN.append(("ingest /healthz", get("http://127.0.0.1:%d/healthz" % port)))
            except OSError:
                pass
            break
        time.sleep(0.05)
    out, _ = p.communicate(timeout=600)
    err = open(log.name, "rb").read().decode("utf-8", "replace")
    SEEN.append(("ingest output", out.decode() + err))
    check(p.returncode == 0, "ingest exit %d:\n%s" % (p.returncode, err[-3000:]))
    summary = [json.loads(l) for l in out.decode().splitlines() if l.startswith('{"summary"')]
    check(summary and summary[0]["summary"]["rejected"] == 0, "ingest summary %r" % summary)
    users = expected_users(page_urls(mock.url, N, BATCH, seed))
    check(len(users) == N and len({u["id"] for u in users}) == N,
          "independent fetch gave %d users" % len(users))
    return users


def run_process(topic, ks):
    p = Processor(topic, ks, "-F", CONF, "--idle-exit", "3", "--log-level", "debug",
                  "--registry", REGISTRY)
    SEEN.append(("process cmdline", cmdline(p.proc.pid)))
    p.wait_metric("sluice_process_rows_written_total", N, timeout=600)
    SEEN.append(("process /metrics", get("http://127.0.0.1:%d/metrics" % p.port)))
    SEEN.append(("process /healthz", get("http://127.0.0.1:%d/healthz" % p.port)))
    rc, summary = p.wait_exit()
    SEEN.append(("process log", p.log_text()))
    SEEN.append(("process summary", json.dumps(summary)))
    check(rc == 0, "process exit %d; log:\n%s" % (rc, p.log_tail()))
    s = summary["summary"]
    check(summary["result"] == "ok" and s["consumed"] == N and s["dead_lettered"] == 0,
          "process summary %r" % s)


def run_check(topic, ks):
    p = subprocess.run([BIN, "check", "-F", CONF, "-b", BROKERS, "-t", topic, "--cassandra",
                        CASSANDRA, "--keyspace", ks, "--json", "--registry", REGISTRY],
                       capture_output=True, text=True, timeout=300)
    SEEN.append(("check output", p.stdout + p.stderr))
    check(p.returncode == 0, "sluice check exit %d:\n%s%s" % (p.returncode, p.stdout, p.stderr))
    j = json.loads(p.stdout)
    check(j["kafka"]["reachable"] and j["registry"]["reachable"],
          "check: Kafka or the registry not reachable: %s" % p.stdout[:2000])


def run_console(topic, ks):
    c = Console("-F", CONF, "--keyspace", ks, "-t", topic, "--registry", REGISTRY)
    try:
        SEEN.append(("console cmdline", cmdline(c.proc.pid)))
        for path in ("/api/overview", "/api/topics", "/api/groups", "/api/dlq", "/api/schemas",
                     "/api/series", "/api/topics/%s/messages?from=earliest&limit=3" % topic):
            r = c.get(path)
            check(r.status == 200, "console GET %s: %d %s" % (path, r.status, r.body[:300]))
            SEEN.append(("console " + path, r.body.decode("utf-8", "replace")
                         if isinstance(r.body, bytes) else r.body))
        SEEN.append(("console /healthz", str(c.get("/healthz").body)))
        ov = c.api("/api/overview")
        check(topic in json.dumps(c.api("/api/topics")), "console does not list %s" % topic)
        SEEN.append(("console overview", json.dumps(ov)))
    finally:
        c.stop()
        SEEN.append(("console log", c.log_text()))


def main():
    topic, ks = unique("0901"), unique("0901").lower()
    run_schema(topic, ks)
    mock = MockApi()
    try:
        users = run_ingest(mock, topic, unique("seed"))
    finally:
        mock.stop()
    print("ok: schema and ingest of %d users over SASL_SSL" % N)
    db = Cassandra.__new__(Cassandra)
    db.cluster, db.session = cassandra_session()
    try:
        run_process(topic, ks)
        assert_table_equals(db.rows(ks), users)
        print("ok: process over SASL_SSL and Cassandra TLS: %d rows, every column equal" % N)
        run_check(topic, ks)
        run_console(topic, ks)
        print("ok: check and console against the secure servers")
        for what, text in SEEN:
            assert_no_secret(what, text)
        print("ok: no password or key material in %d outputs (logs, cmdlines, /metrics, "
              "/healthz, console API)" % len(SEEN))
    finally:
        db.drop(ks)
        db.close()


if __name__ == "__main__":
    try:
        main()
    except subprocess.TimeoutExpired as e:
        fail("timed out: %s" % e)
