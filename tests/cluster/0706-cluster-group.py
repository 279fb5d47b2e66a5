"""0706 cluster group: three processors in one group over 12 partitions of a topic with
RF 3, writing at QUORUM to RF 3; one SIGKILLed mid-run and a fourth added -> the group
rebalances, the survivors and the newcomer finish (exit 0) and the table is exact.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (check, cluster_schema, need_cluster, read_table, restore,  # noqa: E402
                             rows_env)
from ingest_support import MockApi, unique  # noqa: E402
from process_support import Processor, assert_table_equals, ingest_users  # noqa: E402

RF3 = "{'class': 'SimpleStrategy', 'replication_factor': 3}"
# A killed member holds its partitions until its session times out: keep that short.
FAST = ("-X", "kafka.session.timeout.ms=6000", "-X", "kafka.heartbeat.interval.ms=1000",
        "--consistency", "quorum", "--max-inflight", "64", "--idle-exit", "8")


def written(procs):
    return sum(p.metrics().get("sluice_process_rows_written_total", 0) for p in procs)


def main():
    need_cluster()
    n = rows_env(20000)
    topic, ks = cluster_schema("0706", RF3, partitions=12)
    mock = MockApi()
    try:
        users = ingest_users(mock, topic, n, unique("seed"), batch=1000)
    finally:
        mock.stop()
    group = topic + "-g"
    procs = []
    try:
        procs = [Processor(topic, ks, *FAST, group=group) for _ in range(3)]
        deadline = time.time() + 900
        while written(procs) < n // 4 and time.time() < deadline:
            time.sleep(0.3)
        check(written(procs) >= n // 4, "the group wrote too little in 900 s")
        assigned = [p.metrics().get("sluice_process_partitions_assigned", 0) for p in procs]
        print("three members, partitions %s, %d rows written" % (assigned, written(procs)))
        check(sum(1 for a in assigned if a > 0) >= 2, "the work was not shared: %s" % assigned)
        rc, _, _ = procs[0].stop(signal.SIGKILL)
        check(rc == -signal.SIGKILL, "member 1 exit %r, want killed" % rc)
        procs.append(Processor(topic, ks, *FAST, group=group))
        for i, p in enumerate(procs[1:], 2):
            rc, summary = p.wait_exit(timeout=1200)
            check(rc == 0, "member %d exit %d; log:\n%s" % (i, rc, p.log_tail()))
            print("member %d: %s" % (i, summary["summary"]))
        assert_table_equals(read_table(ks, "QUORUM"), users)
        print("ok: 3 members over 12 partitions, one SIGKILLed, one added, table exact "
              "(%d rows)" % n)
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.kill()
        restore(ks, [])


if __name__ == "__main__":
    main()
