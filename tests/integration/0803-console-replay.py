"""0803 console replay: an offset reset through the console followed by `sluice process`
rewrites exactly the replayed range, at the same write timestamps.

1,500 users go through `sluice ingest` and `sluice process` (which stops when idle) into a
fresh table. Through the console's API the group's committed offsets are reset on two of
the three partitions to a point before their end (to=offset with partition=N), which the
console refuses while a member is running and allows once none is. A second
`sluice process` in the same group then consumes and writes exactly the messages from the
new offsets to the end (its summary), the table still has 1,500 rows, and every column of
every row, before and after the replay, has WRITETIME equal to its message's write
timestamp (timestamp_ms * 1000 + offset % 1000, from kcat): a replay of the same messages
writes the same timestamps, so it changes nothing, and no row carries the time of the
replay.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_support as cs  # noqa: E402

cs.use_venv()

from console_support import check, wait_for  # noqa: E402
from ingest_support import MockApi  # noqa: E402
from process_support import Processor, ingest_users, run_to_idle, schema, write_times  # noqa: E402

TOKEN = "it-0803-" + os.urandom(12).hex()
USERS, PARTS = 1500, 3
BACK = {0: 100, 1: 37}  # messages to replay per partition


def message_times(topic):
    """{key: the write timestamp sluice gives its message} for every message of topic."""
    out = {}
    for m in cs.kcat_read(topic):
        check(m["ts"] > 0, "message without a timestamp %r" % m)
        check(m["key"] not in out, "key %s twice on the topic" % m["key"])
        out[m["key"]] = m["ts"] * 1000 + m["offset"] % 1000
    return out


def main():
    topic, keyspace = schema("0803", partitions=PARTS)
    group = topic + "-g"
    mock = MockApi()
    con = None
    try:
        users = ingest_users(mock, topic, USERS, "it0803", batch=500)
        first = run_to_idle(topic, keyspace, group=group)
        check(first["consumed"] == USERS and first["written"] == USERS, "first run %r" % first)
        before = write_times(keyspace)
        check(len(before) == USERS, "table has %d rows" % len(before))
        expected = message_times(topic)
        check(before == expected, "WRITETIME is not the message's timestamp for %d rows, e.g. %r"
              % (sum(before.get(k) != v for k, v in expected.items()),
                 [(k, before.get(k), v) for k, v in expected.items() if before.get(k) != v][:3]))
        wm = cs.watermarks(topic, PARTS)
        check(cs.committed(group, topic, PARTS) == {p: wm[p][1] for p in range(PARTS)},
              "the group committed to the end")

        con = cs.Console("-t", topic, "-k", keyspace, token=TOKEN)
        # refused while a member is running
        live = Processor(topic, keyspace, group=group)
        con.fresh("/api/groups", lambda j: any(g["id"] == group and g["members"] for g in j["groups"]),
                  "the live member shows")
        r = con.change("POST", "/api/groups/%s/reset" % group, {"topic": topic, "to": "offset",
                                                              "value": 0, "partition": 0})
        check(r.status == 409, "reset with a live member: %d %s" % (r.status, r.body))
        rc, _, _ = live.stop()
        check(rc == 0, "live member exit %d" % rc)

        targets = {p: wm[p][1] - n for p, n in BACK.items()}
        reset_us = None
        for p, target in targets.items():
            def attempt():
                r = con.change("POST", "/api/groups/%s/reset" % group,
                               {"topic": topic, "to": "offset", "value": target, "partition": p})
                # the member that just left may still be on its way out of the group
                check(r.status != 409 or "active member" in r.json()["error"], r.body)
                return r if r.status == 200 else None
            r = wait_for(attempt, "reset of partition %d" % p, 60)
            plan = r.json()
            check(plan["applied"] and [x["target"] for x in plan["partitions"]] == [target],
                  "plan %r" % plan)
        reset_us = int(time.time() * 1e6)
        got = cs.committed(group, topic, PARTS)
        check(got == {0: targets[0], 1: targets[1], 2: wm[2][1]}, "committed after reset %r" % got)

        replayed = set()
        for p, target in targets.items():
            msgs = cs.kcat_read(topic, ["-p", str(p), "-o", str(target)])
            check(len(msgs) == BACK[p], "kcat read %d from p%d" % (len(msgs), p))
            replayed |= {m["key"] for m in msgs}
        check(len(replayed) == sum(BACK.values()), "replayed keys are distinct")

        second = run_to_idle(topic, keyspace, group=group)
        check(second["consumed"] == sum(BACK.values()) and second["written"] == sum(BACK.values())
              and second["dead_lettered"] == 0, "second run %r, want %d" % (second, sum(BACK.values())))
        after = write_times(keyspace)
        check(set(after) == set(before), "the table's ids changed")
        check(after == expected, "after the replay WRITETIME is not the message's for %d rows, "
              "e.g. %r" % (sum(after.get(k) != v for k, v in expected.items()),
                           [(k, after.get(k), v) for k, v in expected.items()
                            if after.get(k) != v][:3]))
        check(all(wt < reset_us for wt in after.values()), "a row carries the replay's time")
        check({u["id"] for u in users} == set(after), "users and rows")
        con.stop()
        con = None
        print("ok: 0803 reset then process rewrote exactly %d rows, WRITETIME of all %d rows is "
              "their message's" % (len(replayed), len(after)))
    finally:
        if con and con.proc.poll() is None:
            con.proc.kill()
        mock.stop()
        cs.drop([topic, topic + ".dlq"], keyspace)


if __name__ == "__main__":
    main()
