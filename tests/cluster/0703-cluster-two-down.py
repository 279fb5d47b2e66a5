"""0703 cluster two down: RF 3, QUORUM; two of three Cassandra nodes SIGKILLed while
`sluice process` writes -> every write fails as retriable, the processor pauses (stays
up, writes nothing, commits nothing past what is stored: lag stays), one node back -> it
resumes and the table is exact at QUORUM; the last node back -> exact at ALL.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster_support import (check, kill_node, users_in_topic,  # noqa: E402
                             read_table, restore, rows_env, start_node, wait_until)
from process_support import Processor, assert_table_equals  # noqa: E402

RF3 = "{'class': 'SimpleStrategy', 'replication_factor': 3}"
PAUSE_S = 20


def errors(m):
    return sum(v for k, v in m.items() if k.startswith("sluice_process_write_errors_total"))


def lag(m):
    return sum(v for k, v in m.items() if k.startswith("sluice_process_lag_messages"))


def main():
    n = rows_env(20000)
    topic, ks, users = users_in_topic("0703", RF3, n)
    down = ["cassandra2", "cassandra3"]
    try:
        # a small window, so that most rows are still to write when the nodes die
        p = Processor(topic, ks, "--consistency", "quorum", "--max-inflight", "16",
                      "--idle-exit", "5", "-X", "cql.request_timeout_ms=4000")
        p.wait_metric("sluice_process_rows_written_total", n // 10, timeout=900)
        e0 = errors(p.metrics())
        kill_node(*down)

        def more_errors():
            check(p.proc.poll() is None, "processor exited %s after the kill; log:\n%s"
                  % (p.proc.returncode, p.log_tail()))
            return errors(p.metrics()) > e0 + 10 or None
        wait_until("write errors after the kill", more_errors, timeout=300)
        # in flight at the kill may still complete or fail; then nothing can reach QUORUM
        time.sleep(5)
        m1 = p.metrics()
        w1 = m1["sluice_process_rows_written_total"]
        t1 = time.time()
        while time.time() - t1 < PAUSE_S:
            check(p.proc.poll() is None, "processor exited %s with two nodes down; log:\n%s"
                  % (p.proc.returncode, p.log_tail()))
            time.sleep(0.5)
        m2 = p.metrics()
        w2, e2 = m2["sluice_process_rows_written_total"], errors(m2)
        print("two nodes down: written %d -> %d over %d s, write errors %d -> %d, lag %d, "
              "retries %d" % (w1, w2, PAUSE_S, errors(m1), e2, lag(m2),
                              m2.get("sluice_process_write_retries_total", 0)))
        check(w2 == w1, "rows were written at QUORUM with one replica up: %d -> %d" % (w1, w2))
        check(e2 > errors(m1), "no more write errors while paused")
        check(m2.get("sluice_process_write_retries_total", 0) > 0, "no write was retried")
        check(w2 < n and lag(m2) > 0, "nothing left to write (lag %d): the pause was not "
              "mid-run" % lag(m2))
        start_node(down[0])
        rc, summary = p.wait_exit(timeout=1200)
        check(rc == 0, "processor exit %d; log:\n%s" % (rc, p.log_tail()))
        print("resumed with %s back; summary %s" % (down[0], summary["summary"]))
        assert_table_equals(read_table(ks, "QUORUM"), users)
        start_node(down[1])
        assert_table_equals(read_table(ks, "ALL"), users)
        print("ok: paused with two nodes down (%d rows written, none while paused), resumed, "
              "table exact at QUORUM and at ALL (%d rows)" % (w1, n))
    finally:
        restore(ks, down)


if __name__ == "__main__":
    main()
