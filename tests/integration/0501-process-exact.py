"""0501 process exact: 100,000 users -> exactly the 100,000 expected rows, every column equal.

mock-api -> sluice ingest -> a 6-partition topic -> sluice process -> Cassandra. The
table is read back through python3-cassandra and compared with the mock-api pages
flattened independently. A second processor in the same group then finds nothing left:
the offsets were committed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_support import (assert_table_equals, check, dropped_after,  # noqa: E402
                             ingest_fresh_users, run_to_idle, schema)

N = 100000


def main():
    topic, ks = schema("0501")
    users = ingest_fresh_users(topic, N, batch=5000)
    with dropped_after(ks) as db:
        s = run_to_idle(topic, ks)
        check(s["consumed"] == N and s["dead_lettered"] == 0 and s["written"] >= N,
              "summary %r" % s)
        assert_table_equals(db.rows(ks), users)

        again = run_to_idle(topic, ks, idle="2")
        check(again["consumed"] == 0,
              "a restarted member consumed %r: offsets were not committed" % again["consumed"])
        print("ok: %d users -> %d rows, every column equal; offsets committed" % (N, N))


if __name__ == "__main__":
    main()
