"""0511 process kafka props: -X kafka.* reach the handles that take them, -X dlq.* the
dead-letter producer alone.

A consumer-only property (auto.offset.reset, fetch.wait.max.ms) given as -X kafka.* used to
reach the dead-letter producer too, which logged a CONFWARN for each. 400 mock-api users and
12 poison messages, processed with consumer-only -X kafka.* properties, a -X kafka.* one of
both handles and -X dlq.* ones: no CONFWARN on stderr, the table exact row by row, exactly
the 12 dead letters with their reasons. A bad -X dlq.* value is refused (exit 2) before
anything is consumed, so it did reach the producer's configuration. And every metric family
on /metrics has its HELP and TYPE lines.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import BIN, BROKERS, MockApi, unique  # noqa: E402
from process_support import (CASSANDRA, Cassandra, Processor, assert_table_equals,  # noqa: E402
                             check, ingest_users, schema)

GOOD, POISON = 400, 12


def metrics_documented(topic, ks):
    """Every family /metrics serves has its HELP and TYPE lines (as promtool wants), the
    commit failures counter among them: a member of the same group, nothing left to read."""
    import re
    import urllib.request
    proc = Processor(topic, ks)
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % proc.port, timeout=30) as r:
            text = r.read().decode()
    finally:
        rc, _, _ = proc.stop()
    check(rc == 0, "the second member exited %d; log:\n%s" % (rc, proc.log_tail()))
    helps = set(re.findall(r"^# HELP (\S+) \S", text, re.M))
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    families = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            families.add(base if base in types else name)
    missing = sorted(f for f in families if f not in helps or f not in types)
    check(not missing, "families without HELP or TYPE: %s" % missing)
    check("sluice_process_commit_failures_total" in helps, "no HELP for commit failures")
    print("ok: %d metric families, each with HELP and TYPE" % len(families))


def main():
    topic, ks = schema("0511", partitions=3)
    mock = MockApi()
    try:
        users = ingest_users(mock, topic, GOOD, unique("seed"), batch=100)
    finally:
        mock.stop()
    with tempfile.NamedTemporaryFile(suffix=".in") as f:
        for i in range(POISON):
            f.write(b"poison-%02d\tthis is { not json %d\n" % (i, i))
        f.flush()
        p = subprocess.run(["kcat", "-P", "-b", BROKERS, "-t", topic, "-K", "\t", "-l", f.name],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "kcat produce: %s" % p.stderr)

    # A bad value for the dead-letter producer: refused at start, nothing consumed.
    p = subprocess.run([BIN, "process", "-b", BROKERS, "-t", topic, "--cassandra", CASSANDRA,
                        "--keyspace", ks, "-g", topic + "-bad", "--progress", "never",
                        "-X", "dlq.linger.ms=-5"], capture_output=True, text=True, timeout=120)
    check(p.returncode == 2, "-X dlq.linger.ms=-5: exit %d, want 2:\n%s"
          % (p.returncode, p.stderr[-2000:]))
    check("outside allowed range" in p.stderr, "no reason for the refusal:\n" + p.stderr)

    db = Cassandra()
    try:
        proc = Processor(topic, ks, "--idle-exit", "3",
                         "-X", "kafka.auto.offset.reset=earliest",
                         "-X", "kafka.fetch.wait.max.ms=100",
                         "-X", "kafka.session.timeout.ms=30000",
                         "-X", "kafka.client.id=sluice-0511",
                         "-X", "dlq.linger.ms=20",
                         "-X", "dlq.client.id=sluice-0511-dlq")
        rc, summary = proc.wait_exit()
        log = proc.log_text()
        check(rc == 0, "process exit %d; log:\n%s" % (rc, proc.log_tail()))
        warns = [line for line in log.splitlines() if "CONFWARN" in line]
        check(not warns, "%d CONFWARN line(s), e.g.:\n%s" % (len(warns), "\n".join(warns[:3])))
        s = summary["summary"]
        check(s["consumed"] == GOOD + POISON and s["written"] == GOOD and
              s["dead_lettered"] == POISON, "summary %r" % s)
        p = subprocess.run(["kcat", "-C", "-b", BROKERS, "-t", topic + ".dlq", "-e", "-q", "-J"],
                           capture_output=True, text=True, timeout=120)
        dlq = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        keys = sorted(m["key"] for m in dlq)
        check(keys == ["poison-%02d" % i for i in range(POISON)], "dead letters %r" % keys)
        for m in dlq:
            h = m.get("headers") or []
            check(dict(zip(h[0::2], h[1::2])).get("reason") == "not_json",
                  "%s: headers %r" % (m["key"], h))
        assert_table_equals(db.rows(ks), users)
        metrics_documented(topic, ks)
        print("ok: no CONFWARN with consumer-only -X kafka.* and -X dlq.* properties; %d rows "
              "exact, %d dead letters exact" % (GOOD, POISON))
    finally:
        db.drop(ks)
        db.close()


if __name__ == "__main__":
    main()
