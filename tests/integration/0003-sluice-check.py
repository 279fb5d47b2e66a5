"""0003 sluice check: the health check against the real stack, compared with the
ecosystem's own tools.

- Healthy: a fresh 3-partition topic with known messages per partition, a consumer group
  whose committed offsets kafka-consumer-groups set, the keyspace and table made by
  `sluice schema`, the registry: exit 0; the text and the JSON (field by field) show the
  topics kcat lists, each partition's offsets as kcat -Q reports them, and the group's
  committed offsets and lag as `kafka-consumer-groups --describe` reports them.
- Something wrong: a missing table, a missing keyspace, a missing topic (not created by
  asking), an unreachable registry, an unreachable Cassandra: exit 1 with one clear
  `problem:` line each; a bad option: exit 2.
"""
import json
import os
import subprocess
import sys
import time

from cassandra.cluster import Cluster

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import BIN, BROKERS, CASSANDRA, REGISTRY, STACK  # noqa: E402

PID = os.getpid()
TOPIC = "sluice-test-0003-%d" % PID
GROUP = "sluice-test-0003-%d" % PID
KEYSPACE = "sluice_test_0003_%d" % PID
TABLE = "users"
COUNTS = {0: 5, 1: 8, 2: 0}   # messages per partition
COMMITTED = {0: 3, 1: 8}      # the group's committed offsets (none on partition 2)


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(args, timeout=300, ok=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if ok:
        check(p.returncode == 0, "%s exited %d:\n%s%s" % (" ".join(args), p.returncode,
                                                         p.stdout[-3000:], p.stderr[-3000:]))
    return p


def poll(what, fn, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return
        time.sleep(1)
    raise Fail("timed out waiting for " + what)


def sluice_check(*args, ok=None):
    """(exit code, stdout, stderr) of sluice check against the stack under test."""
    p = run([BIN, "check", "-b", BROKERS, "-c", CASSANDRA, "--timeout", "30"] + list(args),
            ok=False)
    if ok is not None:
        check(p.returncode == ok, "sluice check %s exited %d, want %d:\n%s%s" % (
            " ".join(args), p.returncode, ok, p.stdout[-3000:], p.stderr[-3000:]))
    return p.returncode, p.stdout, p.stderr


def kcat_topics():
    md = json.loads(run(["kcat", "-b", BROKERS, "-L", "-J", "-m", "30"], timeout=120).stdout)
    return {t["topic"]: len(t["partitions"]) for t in md["topics"]}


def kcat_offsets(topic, parts):
    """{partition: (low, high)} from kcat -Q (-2: beginning, -1: end)."""
    got = {}
    for which, ts in (("low", -2), ("high", -1)):
        args = ["kcat", "-b", BROKERS, "-Q", "-m", "30"]
        for p in range(parts):
            args += ["-t", "%s:%d:%d" % (topic, p, ts)]
        for line in run(args, timeout=120).stdout.splitlines():
            # "<topic> [<partition>] offset <n>"
            f = line.split()
            if len(f) == 4 and f[0] == topic and f[2] == "offset":
                got.setdefault(int(f[1].strip("[]")), {})[which] = int(f[3])
    return {p: (v["low"], v["high"]) for p, v in got.items()}


def describe_group(group):
    """{(topic, partition): (current, log_end, lag)} from kafka-consumer-groups --describe."""
    p = run([STACK, "kafka", "kafka-consumer-groups", "--bootstrap-server", BROKERS,
             "--describe", "--group", group, "--timeout", "30000"], ok=False)
    rows = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) >= 6 and f[0] == group and f[2].isdigit():
            rows[(f[1], int(f[2]))] = tuple(-1 if v == "-" else int(v) for v in f[3:6])
    return rows


def setup():
    run([BIN, "schema", "-b", BROKERS, "-c", CASSANDRA, "-t", TOPIC, "--partitions", "3",
         "-k", KEYSPACE, "--table", TABLE])
    for part, n in COUNTS.items():
        if n:
            data = "".join("p%d-m%d\n" % (part, i) for i in range(n))
            subprocess.run(["kcat", "-b", BROKERS, "-P", "-t", TOPIC, "-p", str(part)],
                           input=data, text=True, check=True, timeout=120)
    for part, off in COMMITTED.items():
        run([STACK, "kafka", "kafka-consumer-groups", "--bootstrap-server", BROKERS,
             "--group", GROUP, "--topic", "%s:%d" % (TOPIC, part), "--reset-offsets",
             "--to-offset", str(off), "--execute", "--timeout", "30000"])
    want = {(TOPIC, p): (c, COUNTS[p], COUNTS[p] - c) for p, c in COMMITTED.items()}
    poll("the group's offsets %s" % want,
         lambda: {k: v for k, v in describe_group(GROUP).items() if k[0] == TOPIC} == want)
    poll("kcat's offsets", lambda: kcat_offsets(TOPIC, 3) == {p: (0, n) for p, n in COUNTS.items()})


def test_healthy():
    topics = kcat_topics()
    offsets = kcat_offsets(TOPIC, 3)
    described = describe_group(GROUP)
    check(offsets == {p: (0, n) for p, n in COUNTS.items()}, "kcat -Q: %s" % offsets)

    # JSON: every field against kcat and kafka-consumer-groups.
    _, out, err = sluice_check("-k", KEYSPACE, "--table", TABLE, "--registry", REGISTRY,
                               "--json", ok=0)
    doc = json.loads(out)
    check(doc["healthy"] is True and doc["problems"] == [], "not healthy: %s" % doc["problems"])
    k = doc["kafka"]
    check(k["reachable"] is True and k["error"] is None and k["bootstrap"] == BROKERS,
          "kafka: %s" % {x: k[x] for x in ("reachable", "error", "bootstrap")})
    check([b["id"] for b in k["brokers"]] == [1] and
          "%s:%d" % (k["brokers"][0]["host"], k["brokers"][0]["port"]) == BROKERS and
          k["controller"] == 1, "brokers: %s controller %s" % (k["brokers"], k["controller"]))
    names = [t["name"] for t in k["topics"]]
    check(names == sorted(names), "topics not sorted: %s" % names)
    check({t["name"]: len(t["partitions"]) for t in k["topics"]} == topics,
          "topics %s, kcat -L lists %s" % ({t["name"]: len(t["partitions"]) for t in k["topics"]},
                                          topics))
    mine = [t for t in k["topics"] if t["name"] == TOPIC][0]
    check(mine["error"] is None, "topic error %s" % mine["error"])
    check([(p["partition"], p["leader"], p["low"], p["high"]) for p in mine["partitions"]] ==
          [(p, 1, offsets[p][0], offsets[p][1]) for p in range(3)],
          "partitions %s, kcat -Q %s" % (mine["partitions"], offsets))
    groups = {g["id"]: g for g in k["groups"]}
    check(GROUP in groups, "group %s not listed: %s" % (GROUP, sorted(groups)))
    g = groups[GROUP]
    check(g["error"] is None and g["members"] == 0 and g["state"] == "Empty",
          "group: %s" % {x: g[x] for x in ("error", "members", "state")})
    got = {(o["topic"], o["partition"]): (o["committed"], o["high"], o["lag"]) for o in g["offsets"]}
    check(got == described, "group offsets %s, kafka-consumer-groups --describe %s"
          % (got, described))
    c = doc["cassandra"]
    check(c == {"checked": True, "hosts": CASSANDRA, "reachable": True, "hosts_known": 1,
                "hosts_up": 1, "keyspace": KEYSPACE, "keyspace_present": True, "table": TABLE,
                "table_present": True, "error": None}, "cassandra: %s" % c)
    r = doc["registry"]
    check(r == {"checked": True, "url": REGISTRY, "reachable": True, "status": 200,
                "error": None}, "registry: %s" % r)
    check(err == "", "stderr of a healthy check: %s" % err)
    print("ok: --json healthy: %d topics as kcat lists them, %s offsets as kcat -Q, group lag "
          "as kafka-consumer-groups %s" % (len(topics), offsets, described))

    # Text: the same facts, one topic.
    _, out, _ = sluice_check("-k", KEYSPACE, "--table", TABLE, "-t", TOPIC, ok=0)
    lines = out.splitlines()
    want = ["brokers (1):", "  1  %s  (controller)" % BROKERS, "topics (1):",
            "  %s  partitions=3" % TOPIC]
    want += ["    partition %d  leader=1  low=%d  high=%d" % (p, offsets[p][0], offsets[p][1])
             for p in range(3)]
    i = lines.index("brokers (1):")
    check(lines[i:i + len(want)] == want, "text:\n%s\nwant:\n%s" % (out, "\n".join(want)))
    gi = lines.index("  %s  state=Empty  members=0" % GROUP)
    lag = sum(v[2] for v in described.values())
    want_g = ["    %s  lag=%d" % (TOPIC, lag)]
    want_g += ["      partition %d  committed=%d  high=%d  lag=%d" % (p, *described[(TOPIC, p)])
               for p in sorted(COMMITTED)]
    check(lines[gi + 1:gi + 1 + len(want_g)] == want_g, "group text:\n%s" % out)
    check("cassandra %s: reachable, 1 of 1 hosts up" % CASSANDRA in lines and
          "  table %s.%s: present" % (KEYSPACE, TABLE) in lines and
          lines[-1] == "result: healthy", "text:\n%s" % out)
    print("ok: text healthy: topic, partitions, offsets and lag lines as the tools report")


def test_problems():
    rc, out, err = sluice_check("-k", KEYSPACE, "--table", "nosuch", ok=1)
    want = "problem: table %s.nosuch does not exist in Cassandra (sluice schema creates it)" % \
        KEYSPACE
    check(err.splitlines() == [want], "missing table stderr:\n%s" % err)
    check("  table %s.nosuch: missing" % KEYSPACE in out.splitlines() and
          out.splitlines()[-1] == "result: problems found", "missing table text:\n%s" % out)
    rc, out, err = sluice_check("-k", KEYSPACE, "--table", "nosuch", "--json", ok=1)
    doc = json.loads(out)
    check(doc["healthy"] is False and doc["problems"] == [want[len("problem: "):]] and
          doc["cassandra"]["keyspace_present"] is True and
          doc["cassandra"]["table_present"] is False, "missing table JSON: %s" % doc)
    print("ok: missing table: exit 1, '%s'" % want)

    rc, out, err = sluice_check("-k", KEYSPACE + "_nosuch", ok=1)
    check(err.splitlines() == ["problem: keyspace %s_nosuch does not exist in Cassandra (sluice "
                               "schema creates it)" % KEYSPACE], "missing keyspace:\n%s" % err)

    missing = "sluice-test-0003-missing-%d" % PID
    rc, out, err = sluice_check("-k", KEYSPACE, "--table", TABLE, "-t", missing, ok=1)
    check(err.splitlines() == ["problem: topic %s does not exist" % missing],
          "missing topic:\n%s" % err)
    check(missing not in kcat_topics(), "check created the topic it was asked about")

    rc, out, err = sluice_check("-k", KEYSPACE, "--table", TABLE, "--registry",
                                "http://127.0.0.1:1/apis/ccompat/v7", "--timeout", "5", ok=1)
    check(len(err.splitlines()) == 1 and err.startswith(
        "problem: schema registry at http://127.0.0.1:1/apis/ccompat/v7/subjects did not answer"),
        "unreachable registry:\n%s" % err)

    p = run([BIN, "check", "-b", BROKERS, "-c", "127.0.0.1:1", "--timeout", "3"], ok=False)
    check(p.returncode == 1 and len(p.stderr.splitlines()) == 1 and p.stderr.startswith(
        "problem: Cassandra at 127.0.0.1:1 is not reachable"), "unreachable Cassandra: %d\n%s"
        % (p.returncode, p.stderr))

    p = run([BIN, "check", "--timeout", "-1"], ok=False)
    check(p.returncode == 2, "bad --timeout exited %d" % p.returncode)
    print("ok: missing keyspace, missing topic (not created), unreachable registry and "
          "Cassandra: exit 1 with one problem line each; bad option: exit 2")


def cleanup():
    run([STACK, "kafka", "kafka-topics", "--bootstrap-server", BROKERS, "--delete", "--topic",
         TOPIC + "," + TOPIC + ".dlq"], ok=False)
    run([STACK, "kafka", "kafka-consumer-groups", "--bootstrap-server", BROKERS, "--delete",
         "--group", GROUP], ok=False)
    host, _, port = CASSANDRA.rpartition(":")
    cluster = Cluster([host], port=int(port), connect_timeout=30)
    try:
        cluster.connect().execute("DROP KEYSPACE IF EXISTS %s" % KEYSPACE, timeout=120)
    except Exception as e:  # cleanup only: the test's verdict stands
        print("cleanup: %s" % e)
    finally:
        cluster.shutdown()


def main():
    try:
        setup()
        test_healthy()
        test_problems()
    except Fail as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        cleanup()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
