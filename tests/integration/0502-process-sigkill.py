"""0502 process sigkill: the processor killed with SIGKILL three times mid-run and
restarted -> the same exact table.

Each run is killed once it has written a share of the rows; the next resumes from the
last commit (at-least-once; rows are upserts by id, so the table is exact). The last run
must still have had work to do, so every kill really was mid-run.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Processor, assert_table_equals, check,  # noqa: E402
                             dropped_after, ingest_fresh_users, run_to_idle, schema)

N = 60000
PER_RUN = 8000
# A killed member holds its partitions until its session times out: keep that short.
FAST_REJOIN = ("-X", "kafka.session.timeout.ms=6000", "-X", "kafka.heartbeat.interval.ms=1000")


def main():
    topic, ks = schema("0502")
    users = ingest_fresh_users(topic, N, batch=5000)
    with dropped_after(ks) as db:
        group = topic + "-g"
        for run in range(3):
            p = Processor(topic, ks, "--max-inflight", "128", *FAST_REJOIN, group=group)
            seen = p.wait_metric("sluice_process_rows_written_total", PER_RUN)
            rc, _, _ = p.stop(signal.SIGKILL)
            print("run %d: killed after %d rows written" % (run, seen))
            check(rc == -signal.SIGKILL, "run %d: exit %r, want killed" % (run, rc))
        left = run_to_idle(topic, ks, *FAST_REJOIN, group=group)["consumed"]
        check(0 < left <= N, "final run consumed %d: the kills were not mid-run" % left)
        assert_table_equals(db.rows(ks), users)
        print("ok: 3 SIGKILLs, final run consumed %d, table exact (%d rows)" % (left, N))


if __name__ == "__main__":
    main()
