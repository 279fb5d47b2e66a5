"""0707 cluster kafka leader kill mid-process: a topic of RF 3 with min.insync.replicas 2
holding n users; `sluice process` (RF 3, QUORUM) reads it and the broker leading
partition 0 is SIGKILLed while it writes -> the processor follows the new leaders and
finishes: the table is exact, every message was consumed exactly once (the summary's
consumed count is n: no range read twice), and the group's committed offsets, sampled
all along with `sluice check --json`, never went back (no range committed twice) and end
at each partition's high offset (no gap left uncommitted).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (Progress, check, cluster_schema, kill_node, leader_of,  # noqa: E402
                             need_cluster, read_table, restart_down, restore, rows_env, stack,
                             wait_until)
from ingest_support import BIN, BROKERS, MockApi, unique  # noqa: E402
from process_support import Processor, assert_table_equals, ingest_users  # noqa: E402

RF3 = "{'class': 'SimpleStrategy', 'replication_factor': 3}"
PARTITIONS = 6


def committed(topic, group):
    """({partition: committed}, {partition: high}) of the group on the topic, or None when
    the brokers do not answer (right after the kill)."""
    p = subprocess.run([BIN, "check", "-b", BROKERS, "-t", topic, "-c", "", "--json"],
                       capture_output=True, text=True, timeout=120)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        return None
    for g in doc["kafka"]["groups"] or []:
        if g["id"] == group and g["error"] is None:
            offs = [o for o in g["offsets"] if o["topic"] == topic]
            return ({o["partition"]: o["committed"] for o in offs},
                    {o["partition"]: o["high"] for o in offs})
    return None


class CommitWatch:
    """Keeps every sample of the committed offsets and fails on one going back."""

    def __init__(self, topic, group):
        self.topic, self.group, self.last, self.samples = topic, group, {}, 0

    def sample(self):
        got = committed(self.topic, self.group)
        if got is None:
            return None
        now = got[0]
        for part, off in now.items():
            if off < 0:
                continue
            check(off >= self.last.get(part, -1), "partition %d's committed offset went back "
                  "from %d to %d" % (part, self.last.get(part, -1), off))
            self.last[part] = off
        self.samples += 1
        return got


def main():
    need_cluster()
    n = rows_env(20000)
    topic, ks = cluster_schema("0707", RF3, partitions=PARTITIONS)
    rc, out = stack("kafka", "kafka-configs", "--alter", "--entity-type", "topics",
                    "--entity-name", topic, "--add-config", "min.insync.replicas=2")
    check(rc == 0, "kafka-configs --alter %s: %s" % (topic, out[-2000:]))
    mock = MockApi()
    try:
        users = ingest_users(mock, topic, n, unique("seed"), batch=1000)
    finally:
        mock.stop()
    lead = wait_until("a leader for partition 0", lambda: leader_of(topic, 0), timeout=60)
    check(len(lead[2].split(",")) == 3, "partition 0 in-sync replicas %s, want 3" % lead[2])
    victim = "kafka%d" % lead[0]
    group = topic + "-g"
    watch = CommitWatch(topic, group)
    try:
        p = Processor(topic, ks, "--consistency", "quorum", "--max-inflight", "64",
                      group=group)
        prog = Progress(p)
        deadline = time.time() + 900
        while prog.poll() < n // 4 and time.time() < deadline:
            check(p.proc.poll() is None, "processor exited early; log:\n" + p.log_tail())
            watch.sample()
            time.sleep(0.5)
        check(prog.last >= n // 4, "processor wrote %s rows in 900 s" % prog.last)
        check(prog.last < n, "the processor wrote everything before the kill: raise the rows")
        kill_node(victim)
        at_kill = prog.last
        print("%s (leader of partition 0) SIGKILLed at %d of %d rows written"
              % (victim, at_kill, n))

        def done():
            check(p.proc.poll() is None, "processor exited; log:\n" + p.log_tail())
            prog.poll()
            got = watch.sample()
            return got and len(got[0]) == PARTITIONS and got[0] == got[1] and \
                sum(got[1].values()) == n and got
        final = wait_until("every partition committed to its high offset", done, timeout=1200,
                           every=1)
        new = leader_of(topic, 0)
        print("committed offsets %s (%d samples); partition 0 now led by %s; longest stall "
              "of rows_written %.1f s" % (final[0], watch.samples, new and new[0],
                                          prog.longest))
        check(new is not None and new[0] != lead[0], "partition 0 still led by %s" % lead[0])
        m = p.metrics()
        rc, summary, _ = p.stop()
        check(rc == 0 and summary is not None and summary["result"] == "ok",
              "processor exit %d, summary %r; log:\n%s" % (rc, summary, p.log_tail()))
        s = summary["summary"]
        print("summary %s; partitions lost %s" % (s, m.get("sluice_process_partitions_lost_total")))
        check(s["consumed"] == n, "consumed %d messages for %d (a range read twice)"
              % (s["consumed"], n))
        assert_table_equals(read_table(ks, "QUORUM"), users)
        print("ok: leader %s SIGKILLed mid-process, %d rows exact, each message consumed once, "
              "commits monotonic to the end" % (victim, n))
    finally:
        restart_down("kafka")
        restore(ks, [])


if __name__ == "__main__":
    main()
