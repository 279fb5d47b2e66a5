#!/usr/bin/env python3
"""bench_cluster.py - the measuring and reporting half of bench/bench_cluster.sh.

  bench_cluster.py run LAYOUT TOPIC COUNT OUT.jsonl CONFIG...
      For each CONFIG (NAME:REPLICATION:CONSISTENCY, REPLICATION a replication factor for
      SimpleStrategy) and each processor count of BENCH_PROCESSORS ("1 2 3"): a fresh
      keyspace, P `sluice process` members of a fresh group draining TOPIC (COUNT records),
      each on its own /metrics port. The window measured opens when the group is stable
      (every member owns partitions, all partitions owned) and closes when the members'
      rows_written_total sum to COUNT: rows/s = rows written in the window / its length;
      the CPU (utime + stime from /proc, as procstat.py reads it) of every processor, of
      each Cassandra node and each Kafka broker over the same window, per row written in
      it. Appends one JSON line per run to OUT.jsonl (with the machine's busy cores and
      load average over the window).

  bench_cluster.py report OUT.jsonl
      The table, ratios against the single-node run of the same configuration and
      processor count, and a last line per layout.

Environment: SLUICE_BIN, SLUICE_TEST_BROKERS, SLUICE_TEST_CASSANDRA (the stack's lists),
SLUICE_STACK_DIR (pid files of the nodes), BENCH_PROCESSORS, MAX_INFLIGHT (1024),
BENCH_WARMUP (1: one unreported run of the first CONFIG with one processor first, so the
JVMs of a stack just started are warm when measured).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import load1, machine, stat_cpu  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from common_support import closed_port as free_port  # noqa: E402
from common_support import metrics_at as metrics  # noqa: E402

BIN = os.environ.get("SLUICE_BIN", "build/sluice")
BROKERS = os.environ.get("SLUICE_TEST_BROKERS", "127.0.0.1:9092")
CASSANDRA = os.environ.get("SLUICE_TEST_CASSANDRA", "127.0.0.1:9042")
STATE = os.environ.get("SLUICE_STACK_DIR", ".stack")
INFLIGHT = os.environ.get("MAX_INFLIGHT", "1024")


def node_pids():
    """{node: pid} of the stack's running Kafka and Cassandra JVMs, from their pid files
    (<state>/<node>/<node>.pid; a layout not running leaves stale ones: a pid counts only
    when its command line names the node's directory)."""
    out = {}
    for d in sorted(glob.glob(os.path.join(STATE, "*", ""))):
        node = os.path.basename(os.path.dirname(d))
        if not node.startswith(("kafka", "cassandra")):
            continue
        try:
            pid = int(open(os.path.join(d, node + ".pid")).read().split()[0])
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmdline = f.read().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if os.path.abspath(d).rstrip("/") + "/" in cmdline:
            out[node] = pid
    return out


def cpu_of(pids):
    return {n: (stat_cpu("/proc/%d/stat" % p) or (0.0, ""))[0] for n, p in pids.items()}


def schema(keyspace, rf):
    subprocess.run([BIN, "schema", "--skip-kafka", "--cassandra", CASSANDRA, "--keyspace",
                    keyspace, "--keyspace-replication",
                    "{'class': 'SimpleStrategy', 'replication_factor': %d}" % rf, "-X",
                    "cql.schema_agreement_timeout_ms=120000", "--log-level", "warn"],
                   check=True, timeout=600)


def table_everywhere(keyspace, timeout=300):
    """Waits until every node lists the new table (a processor prepares its INSERT on any
    of them, and one that has not applied the schema yet answers that the table does not
    exist)."""
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import WhiteListRoundRobinPolicy
    deadline = time.time() + timeout
    for hp in CASSANDRA.split(","):
        host, _, port = hp.rpartition(":")
        prof = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]))
        c = Cluster([host], port=int(port), execution_profiles={EXEC_PROFILE_DEFAULT: prof},
                    connect_timeout=30)
        try:
            s = c.connect()
            while not s.execute("SELECT table_name FROM system_schema.tables WHERE "
                                "keyspace_name = %s AND table_name = 'created_users'",
                                (keyspace,)).one():
                if time.time() > deadline:
                    raise SystemExit("%s: no table %s.created_users in %d s"
                                     % (hp, keyspace, timeout))
                time.sleep(0.5)
        finally:
            c.shutdown()


def drop(keyspace):
    from cassandra.cluster import Cluster
    hosts = [h.rpartition(":") for h in CASSANDRA.split(",")]
    c = Cluster([h for h, _, _ in hosts], port=int(hosts[0][2]), connect_timeout=30)
    try:
        c.connect().execute("DROP KEYSPACE IF EXISTS %s" % keyspace, timeout=300)
    finally:
        c.shutdown()


def one_run(layout, topic, count, name, rf, consistency, nproc, tag):
    keyspace = ("bc_%s_%s_%d_%s" % (layout, name, nproc, tag)).lower()
    schema(keyspace, rf)
    table_everywhere(keyspace)
    group = "%s_g" % keyspace
    procs, ports = [], []
    logs = []
    try:
        for i in range(nproc):
            port = free_port()
            log = tempfile.TemporaryFile("w+")
            logs.append(log)
            procs.append(subprocess.Popen(
                [BIN, "process", "-b", BROKERS, "-t", topic, "-g", group, "--cassandra",
                 CASSANDRA, "--keyspace", keyspace, "--consistency", consistency,
                 "--max-inflight", INFLIGHT, "--progress", "never", "--log-format", "json",
                 "--log-level", "warn", "--http", "127.0.0.1:%d" % port],
                stdout=subprocess.DEVNULL, stderr=log))
            ports.append(port)
        deadline = time.time() + 600

        def sample():
            ms = [metrics(p) for p in ports]
            return (ms, sum(m.get("sluice_process_rows_written_total", 0) for m in ms),
                    [m.get("sluice_process_partitions_assigned", 0) for m in ms])
        while True:  # the group stable: every member owns partitions, all are owned
            for p in procs:
                if p.poll() is not None:
                    raise SystemExit("a processor exited early (%s)" % p.returncode)
            ms, written, assigned = sample()
            if all(a > 0 for a in assigned) and sum(assigned) == 12 or written >= count:
                break
            if time.time() > deadline:
                raise SystemExit("the group did not form in 600 s: %s" % assigned)
            time.sleep(0.05)
        pids = dict(node_pids(), **{"process%d" % (i + 1): p.pid for i, p in enumerate(procs)})
        c0, m0, l0, t0, w0 = cpu_of(pids), machine(), load1(), time.monotonic(), written
        while written < count:
            if time.time() > deadline + 1800:
                raise SystemExit("%d of %d rows written in the time allowed" % (written, count))
            time.sleep(0.05)
            ms, written, _ = sample()
        t1, c1, m1, l1 = time.monotonic(), cpu_of(pids), machine(), load1()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for p, log in zip(procs, logs):
            if p.returncode not in (0, -15):
                log.seek(0)
                sys.stderr.write("processor exit %s:\n%s" % (p.returncode, log.read()[-3000:]))
            log.close()
        drop(keyspace)
    rows = written - w0
    secs = t1 - t0
    cpu = {n: round(c1[n] - c0[n], 3) for n in c1}
    ncores = os.cpu_count() or 1
    return {"layout": layout, "config": name, "rf": rf, "consistency": consistency,
            "processors": nproc, "rows": rows, "window_s": round(secs, 3),
            "rows_per_s": round(rows / secs) if secs > 0 else 0,
            "us_per_row": {n: round(v * 1e6 / max(1, rows), 1) for n, v in cpu.items()},
            "busy_cores": round(ncores * (m1[0] - m0[0]) / max(1, m1[1] - m0[1]), 2),
            "load": [l0, l1]}


def run(argv):
    layout, topic, count, out = argv[0], argv[1], int(argv[2]), argv[3]
    tag = str(os.getpid())
    if os.environ.get("BENCH_WARMUP", "1") == "1":  # JIT and caches of freshly started JVMs
        name, rf, consistency = argv[4].split(":")
        print("%s: warm-up, %s, 1 processor (not reported) ..." % (layout, name),
              file=sys.stderr)
        one_run(layout, topic, count, name, int(rf), consistency, 1, tag + "w")
    for cfg in argv[4:]:
        name, rf, consistency = cfg.split(":")
        for nproc in [int(x) for x in os.environ.get("BENCH_PROCESSORS", "1 2 3").split()]:
            print("%s: %s, %d processor(s) ..." % (layout, name, nproc), file=sys.stderr)
            r = one_run(layout, topic, count, name, int(rf), consistency, nproc, tag)
            print("  %d rows/s (%d rows in %.1f s), load %s" % (r["rows_per_s"], r["rows"],
                                                                r["window_s"], r["load"]),
                  file=sys.stderr)
            with open(out, "a") as f:
                f.write(json.dumps(r) + "\n")


def report(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    base = {(r["processors"],): r for r in runs if r["layout"] == "single"}
    print("| layout | config | processors | rows/s | × single | µs/row processors | "
          "µs/row Cassandra (per node) | µs/row Kafka (sum) | busy cores | load 1-min |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        u = r["us_per_row"]
        proc = sum(v for n, v in u.items() if n.startswith("process"))
        cas = [u[n] for n in sorted(u) if n.startswith("cassandra")]
        kafka = sum(v for n, v in u.items() if n.startswith("kafka"))
        b = base.get((r["processors"],))
        ratio = "%.2f" % (r["rows_per_s"] / b["rows_per_s"]) if b and b["rows_per_s"] else "-"
        print("| %s | %s | %d | %d | %s | %.1f | %s | %.1f | %.2f | %.1f-%.1f |"
              % (r["layout"], r["config"], r["processors"], r["rows_per_s"], ratio, proc,
                 " / ".join("%.1f" % c for c in cas), kafka, r["busy_cores"], r["load"][0],
                 r["load"][1]))
    for r in runs:
        if r["layout"] != "single":
            b = base.get((r["processors"],))
            if b:
                print("cluster %s processors=%d rows_per_s=%d of_single=%.2f" % (
                    r["config"], r["processors"], r["rows_per_s"],
                    r["rows_per_s"] / max(1, b["rows_per_s"])))


if __name__ == "__main__":
    if len(sys.argv) >= 7 and sys.argv[1] == "run":
        run(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
