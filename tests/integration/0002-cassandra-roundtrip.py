"""0002 cassandra-roundtrip: the real Cassandra of scripts/stack stores and returns a row.

Read independently through python3-cassandra (the DataStax Python driver from Debian):
creates a keyspace and a table shaped like spark_streams.created_users, writes rows with
non-ASCII text, reads them back field by field, and drops the keyspace. Address from
SLUICE_TEST_CASSANDRA (default 127.0.0.1:9042).
"""
import os
import sys
import uuid

from cassandra.cluster import Cluster

FIELDS = ["first_name", "last_name", "gender", "address", "post_code", "email",
          "username", "dob", "registered_date", "phone", "picture"]


def main():
    host, _, port = os.environ.get("SLUICE_TEST_CASSANDRA", "127.0.0.1:9042").rpartition(":")
    cluster = Cluster([host], port=int(port), connect_timeout=20)
    session = cluster.connect()
    ks = "sluice_test_0002_%d" % os.getpid()
    session.execute("CREATE KEYSPACE %s WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}" % ks)
    try:
        session.execute("CREATE TABLE %s.created_users (id uuid PRIMARY KEY, %s)"
                        % (ks, ", ".join(f + " text" for f in FIELDS)))
        insert = session.prepare("INSERT INTO %s.created_users (id, %s) VALUES (?, %s)"
                                 % (ks, ", ".join(FIELDS), ", ".join("?" for _ in FIELDS)))
        rows = {}
        for i in range(100):
            rid = uuid.uuid4()
            values = ["Олена-%d" % i, "رضایی", "female", "%d Main St, Київ, -, Ukraine" % i,
                      str(10000 + i), "u%d@example.com" % i, "user%d" % i,
                      "1990-01-02T03:04:05.678Z", "2010-05-06T07:08:09.123Z",
                      "(0%d) 555-0100" % i, "https://example.com/p/%d.jpg" % i]
            session.execute(insert, [rid] + values)
            rows[rid] = values
        got = list(session.execute("SELECT id, %s FROM %s.created_users" % (", ".join(FIELDS), ks)))
        if len(got) != len(rows):
            print("FAIL: %d rows read, %d written" % (len(got), len(rows)))
            return 1
        for r in got:
            want = rows[r.id]
            for name, value in zip(FIELDS, want):
                if getattr(r, name) != value:
                    print("FAIL: row %s field %s: %r != %r" % (r.id, name, getattr(r, name), value))
                    return 1
        print("ok: %d rows written and read back, %d fields each" % (len(rows), len(FIELDS) + 1))
        return 0
    finally:
        session.execute("DROP KEYSPACE IF EXISTS %s" % ks)
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
