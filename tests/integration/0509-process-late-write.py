"""0509 process late write: an older version of a row written after a newer one never
replaces it.

60 ids, each produced twice with every field different: message A (older) and then
message B (newer), B's timestamp 60 s after A's, except for ten ids whose A and B carry
the same timestamp (the offset breaks the tie). `sluice process` stores B for every id,
field by field, with WRITETIME = B's timestamp_ms * 1000 + B's offset % 1000. Then the
late writes, each after B is stored:

1. the 50 untied A produced again with A's original, older timestamp (a late producer
   retry, a zombie's re-send) and consumed by the same group: 50 consumed and written, the
   table still B field by field, WRITETIME unchanged (a tied A produced again would be
   newer by the rule: same millisecond, higher offset);
2. a new group reads the topic from the start (as after an offset reset): A, B and A
   again, 170 messages taken in Kafka order but landing in any order (up to 1,024 writes
   in flight): the table still B field by field, WRITETIME unchanged.

Without `USING TIMESTAMP` step 1 leaves A in every row (the last write wins).
"""
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_support as cs  # noqa: E402

cs.use_venv()

from confluent_kafka import Producer  # noqa: E402

from process_support import (Cassandra, Processor, assert_table_equals, check,  # noqa: E402
                             schema, write_times)

IDS, TIES, PARTS = 60, 10, 3


def record(i, version, ident):
    """The record of id number i in version "A" or "B": every field but id differs."""
    v = version
    return {"id": ident, "first_name": "%s-first-%d" % (v, i), "last_name": "%s-last-%d" % (v, i),
            "gender": "female" if v == "A" else "male",
            "address": "%d %s Street, Town, State, Country" % (i, v),
            "post_code": "%s%05d" % (v, i), "email": "%s.%d@example.com" % (v.lower(), i),
            "username": "%suser%d" % (v.lower(), i),
            "dob": "19%02d-01-02T03:04:05.678Z" % (50 + i % 40 if v == "A" else 10 + i % 40),
            "registered_date": "20%02d-05-06T07:08:09.010Z" % (i % 20 if v == "A" else 20 + i % 5),
            "phone": "(%s) %03d-0000" % ("111" if v == "A" else "222", i),
            "picture": "https://example.com/%s/%d.jpg" % (v, i)}


def produce(topic, items):
    """items: [(record, timestamp_ms)]; returns {id: (partition, offset)} of each, as
    acknowledged."""
    import json
    p = Producer({"bootstrap.servers": cs.BROKERS, "enable.idempotence": True, "acks": "all"})
    where, errors = {}, []

    def report(err, msg):
        if err:
            errors.append(str(err))
        else:
            where[msg.key().decode()] = (msg.partition(), msg.offset())

    for rec, ts in items:
        p.produce(topic, key=rec["id"], value=json.dumps(rec), timestamp=ts, on_delivery=report)
        p.poll(0)
    check(p.flush(120) == 0, "producer did not flush")
    check(not errors, "produce errors %r" % errors[:3])
    check(len(where) == len(items), "acknowledged %d of %d" % (len(where), len(items)))
    return where


def table(keyspace):
    c = Cassandra()
    try:
        return c.rows(keyspace)
    finally:
        c.close()


def run_to_idle(topic, keyspace, group, want):
    p = Processor(topic, keyspace, "--idle-exit", "3", group=group)
    rc, summary = p.wait_exit(timeout=600)
    check(rc == 0 and summary, "process exit %s; log:\n%s" % (rc, p.log_tail()))
    s = summary["summary"]
    check(s["consumed"] == want and s["written"] == want and s["dead_lettered"] == 0,
          "run of group %s: %r, want %d consumed and written" % (group, s, want))


def check_b(keyspace, b_records, b_times, what):
    assert_table_equals(table(keyspace), b_records)
    got = write_times(keyspace)
    check(got == b_times, "%s: WRITETIME differs from B's for %d rows, e.g. %r" % (
        what, sum(got.get(k) != v for k, v in b_times.items()),
        [(k, got.get(k), v) for k, v in b_times.items() if got.get(k) != v][:3]))


def main():
    topic, keyspace = schema("0509", partitions=PARTS)
    group = topic + "-g"
    try:
        ids = [str(uuid.uuid4()) for _ in range(IDS)]
        t0 = int(time.time() * 1000) - 3600 * 1000  # an hour ago
        a = [(record(i, "A", ids[i]), t0 + i) for i in range(IDS)]
        b = [(record(i, "B", ids[i]), t0 + i if i < TIES else t0 + 60000 + i) for i in range(IDS)]
        produce(topic, a)
        b_where = produce(topic, b)
        b_times = {rec["id"]: ts * 1000 + b_where[rec["id"]][1] % 1000 for rec, ts in b}
        b_records = [rec for rec, _ in b]

        run_to_idle(topic, keyspace, group, 2 * IDS)
        check_b(keyspace, b_records, b_times, "first run")

        # 1. A again, with its old timestamps, after B is stored
        produce(topic, a[TIES:])
        run_to_idle(topic, keyspace, group, IDS - TIES)
        check_b(keyspace, b_records, b_times, "A produced again")

        # 2. the whole topic again from the start, in a new group
        run_to_idle(topic, keyspace, group + "-replay", 3 * IDS - TIES)
        check_b(keyspace, b_records, b_times, "topic replayed")
        print("ok: 0509 %d ids (%d timestamp ties) keep version B through a late A and a "
              "replay of %d messages" % (IDS, TIES, 3 * IDS - TIES))
    finally:
        cs.drop([topic, topic + ".dlq"], keyspace)


if __name__ == "__main__":
    main()
