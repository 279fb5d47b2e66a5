"""0803 console replay: an offset reset through the console followed by `sluice process`
rewrites exactly the replayed range.

1,500 users go through `sluice ingest` and `sluice process` (which stops when idle) into a
fresh table. Through the console's API the group's committed offsets are reset on two of
the three partitions to a point before their end (to=offset with partition=N), which the
console refuses while a member is running and allows once none is. A second
`sluice process` in the same group then consumes and writes exactly the messages from the
new offsets to the end (its summary), the table still has 1,500 rows, and the rows
written again — those whose WRITETIME is after the reset — are exactly the users whose
messages lie in the replayed range (read with kcat), no more and no fewer.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_support as cs  # noqa: E402

cs.use_venv()

from console_support import check, wait_for  # noqa: E402
from ingest_support import MockApi  # noqa: E402
from process_support import Cassandra, Processor, ingest_users, run_to_idle, schema  # noqa: E402

TOKEN = "it-0803-" + os.urandom(12).hex()
USERS, PARTS = 1500, 3
BACK = {0: 100, 1: 37}  # messages to replay per partition


def write_times(keyspace):
    c = Cassandra()
    try:
        rows = c.session.execute("SELECT id, writetime(first_name) AS wt FROM %s.created_users"
                                 % keyspace)
        return {str(r.id): r.wt for r in rows}
    finally:
        c.close()


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
        rewritten = {i for i, wt in after.items() if wt > reset_us}
        check(rewritten == replayed, "rewritten %d rows, replayed %d; extra %r, missing %r"
              % (len(rewritten), len(replayed), sorted(rewritten - replayed)[:3],
                 sorted(replayed - rewritten)[:3]))
        check(all(after[i] == before[i] for i in after if i not in replayed),
              "rows outside the range were written again")
        check({u["id"] for u in users} == set(after), "users and rows")
        con.stop()
        con = None
        print("ok: 0803 reset then process rewrote exactly %d rows" % len(rewritten))
    finally:
        if con and con.proc.poll() is None:
            con.proc.kill()
        mock.stop()
        cs.drop([topic, topic + ".dlq"], keyspace)


if __name__ == "__main__":
    main()
