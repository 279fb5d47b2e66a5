"""0401 ingest exact: N users through mock-api -> exactly N distinct messages in Kafka.

Runs `sluice ingest --count N --seed S --nat LIST` against a local mock-api, then fetches the same
pages independently, flattens them with the rules of docs/design.md ("The record"), and checks that the topic
holds exactly N messages, keyed by id, each equal field by field to the flattened user
(rejected users, if any, are on the dead-letter topic instead, with a reason header),
with the fetch time as timestamp; and that the summary's counters say the same.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import (MockApi, check, expected_users, page_urls, read_topic,  # noqa: E402
                            run_ingest, unique)

N, BATCH = 12345, 1000
NAT = "gb,ua,ir"  # includes Cyrillic and Persian text


def main():
    mock = MockApi()
    try:
        topic, seed = unique("0401"), unique("seed")
        t0 = int(time.time() * 1000)
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(N),
                                      "--batch", str(BATCH), "--seed", seed,
                                      "--concurrency", "4", "--nat", NAT)
        t1 = int(time.time() * 1000)
        check(rc == 0, "ingest exit %d, stderr:\n%s" % (rc, err[-3000:]))
        check(summary is not None, "no JSON summary on stdout")
        s = summary["summary"]
        check(summary["result"] == "complete", "result %r" % summary["result"])
        check(s["users_fetched"] == N, "users_fetched %d != %d" % (s["users_fetched"], N))
        check(s["produced"] + s["rejected"] == N, "produced + rejected != N: %r" % s)
        check(s["dlq_produced"] == s["rejected"], "dead letters not all acknowledged: %r" % s)
        check(s["pages_ok"] == 13 and s["requests"] == 13, "13 pages expected: %r" % s)

        expected = expected_users(page_urls(mock.url, N, BATCH, seed, NAT))
    finally:
        mock.stop()
    check(len(expected) == N, "independent fetch gave %d users" % len(expected))
    by_id = {u["id"]: u for u in expected}
    check(len(by_id) == N, "mock-api served duplicate ids for one seed")

    msgs = read_topic(topic, s["produced"])
    dlq = read_topic(topic + ".dlq", s["rejected"], timeout=10) if s["rejected"] else []
    check(len(msgs) == s["produced"], "topic has %d messages, produced says %d"
          % (len(msgs), s["produced"]))
    check(len(dlq) == s["rejected"], "dlq has %d, rejected says %d" % (len(dlq), s["rejected"]))

    import json
    seen = set()
    for m in msgs:
        rec = json.loads(m["payload"])
        check(m["key"] == rec["id"], "key %r != id %r" % (m["key"], rec["id"]))
        check(rec["id"] not in seen, "duplicate id %s" % rec["id"])
        seen.add(rec["id"])
        want = by_id.get(rec["id"])
        check(want is not None, "id %s was not served by mock-api" % rec["id"])
        check(list(rec.keys()) == list(want.keys()), "keys/order differ: %r" % list(rec.keys()))
        for k in want:
            check(rec[k] == want[k], "id %s field %s: %r != %r" % (rec["id"], k, rec[k], want[k]))
        check(t0 <= m["ts"] <= t1, "timestamp %d outside the run [%d, %d]" % (m["ts"], t0, t1))
    for m in dlq:
        check(m["key"] in by_id, "dead letter key %r not served" % m["key"])
        check(m["key"] not in seen, "id %s both produced and dead-lettered" % m["key"])
        seen.add(m["key"])
        reason = [h for h in (m.get("headers") or [])[0::2]]
        check("reason" in reason, "dead letter without reason header: %r" % m.get("headers"))
    check(len(seen) == N, "%d distinct ids across topic and dlq, want %d" % (len(seen), N))
    print("ok: %d users -> %d messages + %d dead letters, all fields equal"
          % (N, len(msgs), len(dlq)))


if __name__ == "__main__":
    main()
