"""0506 process sigterm: SIGTERM -> drain, commit and exit 0; nothing lost.

The processor is stopped mid-run with SIGTERM and must exit 0 with a summary: it drains
what is in flight (bounded by --drain-timeout, generous here so that a loaded machine does
not turn a slow drain into a failure), commits and leaves the group. A second member of
the same group then finishes from the committed offsets, and the table is exact: what the
first one committed was stored. How long the drain took is printed, not asserted.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Processor, assert_table_equals, check,  # noqa: E402
                             dropped_after, ingest_fresh_users, run_to_idle, schema)

N = 50000


def main():
    topic, ks = schema("0506")
    users = ingest_fresh_users(topic, N, batch=5000)
    with dropped_after(ks) as db:
        group = topic + "-g"
        p = Processor(topic, ks, "--max-inflight", "128", "--drain-timeout", "60", group=group)
        p.wait_metric("sluice_process_rows_written_total", 5000)
        rc, summary, took = p.stop(signal.SIGTERM, timeout=180)
        check(rc == 0, "exit %d after SIGTERM; log:\n%s" % (rc, p.log_tail()))
        check(summary is not None and summary["result"] == "ok", "summary %r" % summary)
        first = summary["summary"]["consumed"]
        check(first < N, "the first run finished everything (%d) before SIGTERM" % first)
        run_to_idle(topic, ks, group=group)
        assert_table_equals(db.rows(ks), users)
        print("ok: SIGTERM exit 0 in %.1f s after %d messages; the rest finished; table exact"
              % (took, first))


if __name__ == "__main__":
    main()
