"""0505 process group: two processors in one group over a 6-partition topic -> both get
partitions; the exact table.

Both members join before any data exists, so the rebalance settles first; then 40,000
users are ingested. Each member must own partitions at the same time, both must write,
and the table must be exact. The members run until they have written everything between
them (no idle timer that a slow ingest could outlast), then SIGTERM stops both.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Cassandra, Processor, assert_table_equals, check,  # noqa: E402
                             fail, schema, ingest_fresh_users)

N = 40000


def main():
    topic, ks = schema("0505", partitions=6)
    group = topic + "-g"
    a = Processor(topic, ks, "--drain-timeout", "60", group=group)
    b = Processor(topic, ks, "--drain-timeout", "60", group=group)
    db = Cassandra()
    try:
        deadline = time.time() + 120
        while True:
            pa = a.metrics().get("sluice_process_partitions_assigned", 0)
            pb = b.metrics().get("sluice_process_partitions_assigned", 0)
            if pa > 0 and pb > 0 and pa + pb == 6:
                break
            if time.time() > deadline:
                fail("partitions not shared: %s and %s" % (pa, pb))
            time.sleep(0.2)
        users = ingest_fresh_users(topic, N, batch=2000)
        deadline = time.time() + 900
        while True:
            wa = a.metrics().get("sluice_process_rows_written_total", 0)
            wb = b.metrics().get("sluice_process_rows_written_total", 0)
            if wa + wb >= N:
                break
            for p in (a, b):
                if p.proc.poll() is not None:
                    fail("a member exited %s; log:\n%s" % (p.proc.returncode, p.log_tail()))
            if time.time() > deadline:
                fail("only %d + %d rows written in 900 s" % (wa, wb))
            time.sleep(0.5)
        ra, sa, _ = a.stop(signal.SIGTERM, timeout=180)
        rb, sb, _ = b.stop(signal.SIGTERM, timeout=180)
        check(ra == 0 and rb == 0, "exits %d, %d; logs:\n%s\n%s"
              % (ra, rb, a.log_tail(), b.log_tail()))
        wa, wb = sa["summary"]["written"], sb["summary"]["written"]
        check(wa > 0 and wb > 0, "one member wrote nothing: %d, %d" % (wa, wb))
        check(sa["summary"]["consumed"] + sb["summary"]["consumed"] >= N, "consumed too little")
        assert_table_equals(db.rows(ks), users)
        print("ok: partitions %d + %d, rows written %d + %d, table exact" % (pa, pb, wa, wb))
    finally:
        for p in (a, b):
            if p.proc.poll() is None:
                p.kill()
        db.drop(ks)
        db.close()


if __name__ == "__main__":
    main()
