"""0501 process exact: 100,000 users -> exactly the 100,000 expected rows, every column equal.

mock-api -> sluice ingest -> a 6-partition topic -> sluice process -> Cassandra. The
table is read back through python3-cassandra and compared with the mock-api pages
flattened independently. A second processor in the same group then finds nothing left:
the offsets were committed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (Cassandra, Processor, assert_table_equals, check,  # noqa: E402
                             schema, ingest_fresh_users)

N = 100000


def main():
    topic, ks = schema("0501")
    users = ingest_fresh_users(topic, N, batch=5000)
    db = Cassandra()
    try:
        p = Processor(topic, ks, "--idle-exit", "3")
        rc, summary = p.wait_exit()
        check(rc == 0, "process exit %d; log:\n%s" % (rc, p.log_tail()))
        s = summary["summary"]
        check(summary["result"] == "ok", "result %r" % summary["result"])
        check(s["consumed"] == N and s["dead_lettered"] == 0 and s["written"] >= N,
              "summary %r" % s)
        assert_table_equals(db.rows(ks), users)

        again = Processor(topic, ks, "--idle-exit", "2")
        rc, summary = again.wait_exit()
        check(rc == 0 and summary["summary"]["consumed"] == 0,
              "a restarted member consumed %r: offsets were not committed"
              % summary["summary"]["consumed"])
        print("ok: %d users -> %d rows, every column equal; offsets committed" % (N, N))
    finally:
        db.drop(ks)
        db.close()


if __name__ == "__main__":
    main()
