"""0702 cluster cassandra kill: RF 3, QUORUM; one Cassandra node SIGKILLed while
`sluice process` writes -> the writes go on, the table is exact at QUORUM with the node
down; the node restarts and the table read at ALL is exact.

The longest time rows_written stood still around the kill is printed (not asserted: the
machine is shared). The processor's contact point is cassandra1; the node killed is
cassandra2, so the session must route around a replica it had connections to.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (Progress, check, kill_node, users_in_topic,  # noqa: E402
                             read_table, restore, rows_env, start_node, status,
                             wait_seen)
from process_support import Processor, assert_table_equals  # noqa: E402

RF3 = "{'class': 'SimpleStrategy', 'replication_factor': 3}"


def main():
    n = rows_env(20000)
    topic, ks, users = users_in_topic("0702", RF3, n)
    victim = "cassandra2"
    try:
        p = Processor(topic, ks, "--consistency", "quorum", "--max-inflight", "128",
                      "--idle-exit", "5")
        prog = Progress(p)
        deadline = time.time() + 900
        while prog.poll() < n // 4 and time.time() < deadline:
            check(p.proc.poll() is None, "processor exited early; log:\n" + p.log_tail())
            time.sleep(0.2)
        check(prog.last >= n // 4, "processor wrote %s rows in 900 s" % prog.last)
        kill_node(victim)
        at_kill, prog.longest, prog.since = prog.last, 0.0, time.time()
        while p.proc.poll() is None and time.time() < deadline + 900:
            prog.poll()
            time.sleep(0.2)
        rc, summary = p.wait_exit()
        check(rc == 0, "processor exit %d; log:\n%s" % (rc, p.log_tail()))
        s = summary["summary"]
        print("killed %s at %d rows written; after the kill the longest stall was %.1f s; "
              "summary %s" % (victim, at_kill, prog.longest, s))
        check(s["consumed"] >= n - at_kill, "the processor consumed %d after the kill" % s["consumed"])
        check(status()[victim][0] == "down", "%s is not down" % victim)
        wait_seen(victim, "D")
        assert_table_equals(read_table(ks, "QUORUM"), users)
        print("table exact at QUORUM with %s down (%d rows)" % (victim, n))
        start_node(victim)
        assert_table_equals(read_table(ks, "ALL"), users)
        print("ok: %s SIGKILLed mid-write, table exact at QUORUM, and at ALL after its restart"
              % victim)
    finally:
        restore(ks, [victim])


if __name__ == "__main__":
    main()
