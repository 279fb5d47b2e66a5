"""0704 cluster kafka leader kill: a topic of RF 3 with min.insync.replicas 2; the broker
leading partition 0 SIGKILLed while `sluice ingest` produces (acks=all, idempotent) ->
ingest exits 0 and no acknowledged record is lost: the topic holds every user exactly
once, compared id by id and field by field with an independent fetch of the same pages.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (check, kill_node, leader_of, need_cluster,  # noqa: E402
                             restart_down, rows_env, stack, wait_until)
from ingest_support import (BIN, BROKERS, MockApi, expected_users, page_urls,  # noqa: E402
                            read_topic, unique)

PARTITIONS = 6


def end_offsets(topic):
    args = ["kcat", "-b", BROKERS, "-Q"]
    for i in range(PARTITIONS):
        args += ["-t", "%s:%d:-1" % (topic, i)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return sum(int(x) for x in re.findall(r"offset (\d+)", p.stdout))


def main():
    need_cluster()
    n = rows_env(20000)
    # Kafka only: the topic through Kafka's own tool, with its min.insync.replicas
    topic = unique("0704")
    for t in (topic, topic + ".dlq"):
        rc, out = stack("kafka", "kafka-topics", "--create", "--topic", t, "--partitions",
                        str(PARTITIONS), "--replication-factor", "3", "--config",
                        "min.insync.replicas=2")
        check(rc == 0, "kafka-topics --create %s: %s" % (t, out[-2000:]))
    lead = wait_until("a leader for partition 0", lambda: leader_of(topic, 0), timeout=60)
    check(len(lead[1].split(",")) == 3, "partition 0 replicas %s, want 3" % lead[1])
    victim = "kafka%d" % lead[0]
    mock = MockApi()
    seed = unique("seed")
    try:
        cmd = [BIN, "ingest", "-b", BROKERS, "--log-format", "json", "--progress", "never",
               "-X", "kafka.topic.metadata.refresh.interval.ms=1000", "--source", mock.url,
               "-t", topic, "--count", str(n), "--batch", "500", "--seed", seed,
               "--concurrency", "2", "--rate", str(max(200, n // 60))]
        ing = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until("a fifth of the records in the topic",
                   lambda: end_offsets(topic) >= n // 5 or ing.poll() is not None, timeout=300)
        check(ing.poll() is None, "ingest finished before the kill: raise the row count")
        before = end_offsets(topic)
        kill_node(victim)
        # (right after the kill the end offsets may not answer: the count is from before)
        check(ing.poll() is None, "ingest finished before the kill took effect: lower the rate")
        print("%s killed with ingest running, %d of %d records in the topic just before"
              % (victim, before, n))
        out, err = ing.communicate(timeout=900)
        summary = None
        for line in out.splitlines():
            if line.startswith('{"summary"'):
                summary = json.loads(line)["summary"]
        print("killed %s (leader of partition 0); ingest exit %d, summary %s"
              % (victim, ing.returncode, summary))
        check(ing.returncode == 0, "ingest exit %d:\n%s" % (ing.returncode, err[-3000:]))
        new = wait_until("a new leader for partition 0",
                         lambda: (leader_of(topic, 0) or (lead[0],))[0] != lead[0] and
                         leader_of(topic, 0), timeout=120)
        print("partition 0 now led by broker %s (isr %s)" % (new[0], new[2]))
        users = {u["id"]: u for u in expected_users(page_urls(mock.url, n, 500, seed))}
    finally:
        mock.stop()
    check(len(users) == n, "independent fetch gave %d users" % len(users))
    msgs = read_topic(topic, expect_at_least=n, timeout=300)
    got = {}
    for m in msgs:
        rec = json.loads(m["payload"])
        check(rec["id"] not in got, "record %s twice in the topic" % rec["id"])
        got[rec["id"]] = rec
    missing = [i for i in users if i not in got]
    check(not missing, "%d acknowledged records lost, e.g. %s" % (len(missing), missing[:3]))
    check(len(got) == n, "%d records in the topic, want %d" % (len(got), n))
    bad = [i for i in users if got[i] != users[i]]
    check(not bad, "%d records differ, e.g. %s" % (len(bad), bad[:2]))
    print("ok: leader %s SIGKILLed mid-ingest, ingest exit 0, %d records exact, none lost"
          % (victim, n))


if __name__ == "__main__":
    try:
        main()
    finally:  # the broker killed comes back, whatever happened
        restart_down("kafka")
