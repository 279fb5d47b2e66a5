"""0005 stack-tools: the stack's registry, `env`, `cqlsh` and `kafka TOOL` do what they say.

- Registry: a schema registered through the Confluent API (/apis/ccompat/v7) with curl gets
  an id; the same schema again gets the same id; the id fetches the schema back; an id the
  registry never gave is 404 with error_code 40403.
- `scripts/stack env`: the exports it prints reach the running stack: kcat -L with
  $SLUICE_BROKERS lists the broker at that address, `sluice check` finds it, Cassandra and the
  registry with no address flags,
  the Python driver answers at $SLUICE_CASSANDRA, the registry at $SLUICE_REGISTRY; and
  they equal the addresses this test was given (SLUICE_TEST_*).
- `scripts/stack cqlsh -e "SELECT ..."` prints exactly the rows python3-cassandra wrote.
- `scripts/stack kafka kafka-consumer-groups --describe` shows, per partition, the committed
  offset kcat's consumer group committed, the log-end offset and the lag; after
  `--reset-offsets --to-earliest --execute` the same group reads everything again.

Uses scripts/stack with the caller's SLUICE_* environment. Creates its own subject, keyspace,
topic and group (test number and pid in the names) and removes what can be removed.
"""
import json
import os
import subprocess
import sys
import time
import uuid

from cassandra.cluster import Cluster

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import BIN, BROKERS, CASSANDRA, REGISTRY, STACK  # noqa: E402

PID = os.getpid()


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(args, timeout=180, env=None, ok=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if ok:
        check(p.returncode == 0, "%s exited %d:\n%s%s" % (" ".join(args), p.returncode,
                                                         p.stdout[-2000:], p.stderr[-2000:]))
    return p


def curl(method, url, body=None):
    """(HTTP status, parsed JSON body) of one request through curl."""
    args = ["curl", "-sS", "--max-time", "30", "-X", method, "-o", "-", "-w", "\n%{http_code}",
            "-H", "Content-Type: application/vnd.schemaregistry.v1+json"]
    if body is not None:
        args += ["--data", json.dumps(body)]
    out = run(args + [url]).stdout
    text, _, code = out.rpartition("\n")
    return int(code), (json.loads(text) if text.strip() else None)


def poll(what, fn, deadline_s=120):
    """Calls fn until it returns a true value; fails with its last answer after the deadline."""
    deadline = time.monotonic() + deadline_s
    last = None
    while True:
        try:
            got = fn()
            if got:
                return got
            last = got
        except Fail as e:
            last = str(e)
        if time.monotonic() >= deadline:
            raise Fail("%s: not within %d s (last: %s)" % (what, deadline_s, last))
        time.sleep(0.5)


# ---------------------------------------------------------------- registry

def test_registry():
    subject = "sluice-test-0005-%d-value" % PID
    schema = {"type": "record", "name": "user", "namespace": "sluice.test0005",
              "fields": [{"name": "id", "type": "string"},
                         {"name": "first_name", "type": "string"}]}
    body = {"schemaType": "AVRO", "schema": json.dumps(schema)}
    base = REGISTRY.rstrip("/")
    try:
        code, got = curl("POST", "%s/subjects/%s/versions" % (base, subject), body)
        check(code == 200 and isinstance(got.get("id"), int), "register: %d %s" % (code, got))
        sid = got["id"]
        code, again = curl("POST", "%s/subjects/%s/versions" % (base, subject), body)
        check(code == 200 and again == {"id": sid},
              "same schema again: %d %s, want id %d" % (code, again, sid))
        code, fetched = curl("GET", "%s/schemas/ids/%d" % (base, sid))
        check(code == 200, "fetch id %d: %d %s" % (sid, code, fetched))
        check(json.loads(fetched["schema"]) == schema,
              "fetched schema differs: %s" % fetched["schema"])
        code, versions = curl("GET", "%s/subjects/%s/versions" % (base, subject))
        check(code == 200 and versions == [1], "versions: %d %s" % (code, versions))
        unknown = sid + 1000000
        code, err = curl("GET", "%s/schemas/ids/%d" % (base, unknown))
        check(code == 404 and err.get("error_code") == 40403,
              "unknown id %d: %d %s, want 404 with error_code 40403" % (unknown, code, err))
        print("ok: registry: id %d twice, fetched back equal, unknown id 404/40403" % sid)
    finally:
        curl("DELETE", "%s/subjects/%s" % (base, subject))
        curl("DELETE", "%s/subjects/%s?permanent=true" % (base, subject))


# ---------------------------------------------------------------- env

def stack_env():
    out = run([STACK, "env"]).stdout
    env = {}
    for line in out.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export "):].partition("=")
            env[name] = value
    return env


def test_env():
    env = stack_env()
    for name in ("SLUICE_BROKERS", "SLUICE_CASSANDRA", "SLUICE_REGISTRY"):
        check(name in env, "scripts/stack env prints no %s: %s" % (name, env))
    check(env["SLUICE_BROKERS"] == BROKERS,
          "SLUICE_BROKERS=%s, the stack under test is %s" % (env["SLUICE_BROKERS"], BROKERS))
    check(env["SLUICE_CASSANDRA"] == CASSANDRA,
          "SLUICE_CASSANDRA=%s, the stack under test is %s" % (env["SLUICE_CASSANDRA"], CASSANDRA))
    check(env["SLUICE_REGISTRY"].rstrip("/") == REGISTRY.rstrip("/"),
          "SLUICE_REGISTRY=%s, the stack under test is %s" % (env["SLUICE_REGISTRY"], REGISTRY))
    for name in ("SLUICE_TEST_BROKERS", "SLUICE_TEST_CASSANDRA", "SLUICE_TEST_REGISTRY"):
        check(env.get(name) == env[name.replace("TEST_", "")], "%s=%s" % (name, env.get(name)))

    md = run(["kcat", "-b", env["SLUICE_BROKERS"], "-L", "-m", "30"], timeout=60).stdout
    check("broker 1 at %s" % env["SLUICE_BROKERS"] in md, "kcat -L via SLUICE_BROKERS:\n" + md)

    # The binary reads the same names: `sluice check` with no address flags finds the
    # stack's broker, Cassandra and registry (a table every node has, so that it is healthy).
    child = dict(os.environ)
    child.update({k: v for k, v in env.items() if not k.startswith("SLUICE_TEST_")})
    out = run([BIN, "check", "-k", "system_schema", "--table", "tables"], env=child,
              timeout=120).stdout.splitlines()
    for want in ("kafka %s" % env["SLUICE_BROKERS"], "  1  %s  (controller)" % env["SLUICE_BROKERS"],
                 "cassandra %s: reachable, 1 of 1 hosts up" % env["SLUICE_CASSANDRA"],
                 "registry %s: HTTP 200" % env["SLUICE_REGISTRY"], "result: healthy"):
        check(want in out, "sluice check with the stack's env lacks %r:\n%s" % (want, "\n".join(out)))

    host, _, port = env["SLUICE_CASSANDRA"].rpartition(":")
    cluster = Cluster([host], port=int(port), connect_timeout=20)
    try:
        row = cluster.connect().execute("SELECT release_version FROM system.local").one()
        check(row is not None and row.release_version, "no release_version via SLUICE_CASSANDRA")
    finally:
        cluster.shutdown()

    code, subjects = curl("GET", env["SLUICE_REGISTRY"].rstrip("/") + "/subjects")
    check(code == 200 and isinstance(subjects, list),
          "GET $SLUICE_REGISTRY/subjects: %d %s" % (code, subjects))
    print("ok: env: %s, %s, %s all answer" % (env["SLUICE_BROKERS"], env["SLUICE_CASSANDRA"],
                                             env["SLUICE_REGISTRY"]))


# ---------------------------------------------------------------- cqlsh

def cqlsh_rows(out):
    """The rows of a cqlsh table printout, as tuples of stripped cells."""
    lines = out.splitlines()
    rows, body = [], False
    for line in lines:
        if not body:
            body = line.startswith("-") and "+" in line
            continue
        if not line.strip():
            break
        rows.append(tuple(c.strip() for c in line.split(" | ")))
    return rows


def test_cqlsh():
    host, _, port = CASSANDRA.rpartition(":")
    cluster = Cluster([host], port=int(port), connect_timeout=20)
    session = cluster.connect()
    ks = "sluice_test_0005_%d" % PID
    session.execute("CREATE KEYSPACE %s WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}" % ks)
    try:
        session.execute("CREATE TABLE %s.created_users (id uuid PRIMARY KEY, first_name text, "
                        "last_name text, email text)" % ks)
        insert = session.prepare("INSERT INTO %s.created_users (id, first_name, last_name, email) "
                                 "VALUES (?, ?, ?, ?)" % ks)
        want = set()
        for i in range(7):
            row = (uuid.uuid4(), "Олена-%d" % i, "رضایی-%d" % i, "u%d@example.com" % i)
            session.execute(insert, row)
            want.add((str(row[0]),) + row[1:])
        p = run([STACK, "cqlsh", "-e",
                 "SELECT id, first_name, last_name, email FROM %s.created_users;" % ks])
        got = cqlsh_rows(p.stdout)
        check(len(got) == len(want), "cqlsh printed %d rows, %d written:\n%s"
              % (len(got), len(want), p.stdout))
        check(set(got) == want, "cqlsh rows differ:\n got %s\nwant %s" % (sorted(got), sorted(want)))
        check("(%d rows)" % len(want) in p.stdout, "no '(%d rows)' line:\n%s" % (len(want), p.stdout))
        bad = run([STACK, "cqlsh", "-e", "SELECT * FROM %s.no_such_table;" % ks], ok=False)
        check(bad.returncode != 0, "cqlsh on a missing table exited 0")
        print("ok: cqlsh: the %d rows python3-cassandra wrote, field by field" % len(want))
    finally:
        session.execute("DROP KEYSPACE IF EXISTS %s" % ks, timeout=120)
        cluster.shutdown()


# ---------------------------------------------------------------- kafka tools

def describe_group(group):
    """{partition: (current, log_end, lag)} from kafka-consumer-groups --describe."""
    p = run([STACK, "kafka", "kafka-consumer-groups", "--describe", "--group", group,
             "--timeout", "30000"], ok=False)
    if p.returncode != 0:
        raise Fail("describe exited %d: %s" % (p.returncode, p.stderr[-500:]))
    rows = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) >= 6 and f[0] == group and f[2].isdigit():
            rows[int(f[2])] = (f[3], f[4], f[5])
    return rows


def kcat_group_read(topic, group):
    """Reads the topic to its end as a member of the group (offsets auto-committed at close);
    returns {partition: [offsets read]}."""
    p = run(["kcat", "-b", BROKERS, "-G", group, "-X", "auto.offset.reset=earliest",
             "-X", "session.timeout.ms=10000", "-e", "-q", "-f", "%p %o\n", topic], timeout=180)
    got = {}
    for line in p.stdout.splitlines():
        part, off = line.split()
        got.setdefault(int(part), []).append(int(off))
    return got


def test_kafka_tools():
    topic = "sluice-test-0005-%d" % PID
    group = "sluice-test-0005-%d" % PID
    counts = {0: 6, 1: 9}
    run([STACK, "kafka", "kafka-topics", "--create", "--topic", topic, "--partitions", "2",
         "--replication-factor", "1"])
    try:
        for part, n in counts.items():
            data = "".join("p%d-m%d\n" % (part, i) for i in range(n))
            subprocess.run(["kcat", "-b", BROKERS, "-P", "-t", topic, "-p", str(part)],
                           input=data, text=True, check=True, timeout=120)
        got = kcat_group_read(topic, group)
        check({p: sorted(o) for p, o in got.items()} == {p: list(range(n)) for p, n in counts.items()},
              "kcat read %s, want offsets 0..n-1 of %s" % (got, counts))
        want = {p: (str(n), str(n), "0") for p, n in counts.items()}
        poll("committed offsets %s" % want, lambda: describe_group(group) == want)

        # Replay: reset the idle group to the start; the same group reads it all again.
        p = run([STACK, "kafka", "consumer-groups", "--reset-offsets", "--to-earliest",
                 "--group", group, "--topic", topic, "--execute", "--timeout", "30000"])
        reset = {int(f[2]): f[3] for f in (l.split() for l in p.stdout.splitlines())
                 if len(f) >= 4 and f[0] == group and f[2].isdigit()}
        check(reset == {0: "0", 1: "0"}, "reset printed %s:\n%s" % (reset, p.stdout))
        want_reset = {p: ("0", str(n), str(n)) for p, n in counts.items()}
        poll("offsets after reset %s" % want_reset, lambda: describe_group(group) == want_reset)
        again = kcat_group_read(topic, group)
        check({p: len(o) for p, o in again.items()} == counts,
              "after the reset the group read %s, want %s" % (
                  {p: len(o) for p, o in again.items()}, counts))
        print("ok: kafka-consumer-groups: committed %s, reset to earliest and replayed" % counts)
    finally:
        run([STACK, "kafka", "kafka-topics", "--delete", "--topic", topic], ok=False)


def main():
    try:
        test_registry()
        test_env()
        test_cqlsh()
        test_kafka_tools()
    except Fail as e:
        print("FAIL: %s" % e)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
