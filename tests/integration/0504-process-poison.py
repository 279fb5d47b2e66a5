"""0504 process poison: 1% poison messages -> each in the dead-letter topic with its
reason, every good row present.

Produces 5,000 good records (mock-api users flattened and encoded as the Kafka JSON) and
50 poison messages of six kinds, interleaved, with kcat. Then checks the dead-letter topic
message by message (key, reason, source headers, size of the original bytes) and the
table row by row.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import BROKERS, MockApi, expected_users, page_urls, unique  # noqa: E402
from process_support import (assert_table_equals, check, dropped_after,  # noqa: E402
                             run_to_idle, schema)

GOOD, POISON = 5000, 50


def poison(i, template):
    """(key, value bytes, expected reason) of the i-th poison message."""
    kind = i % 6
    rec = dict(template)
    key = "poison-%03d" % i
    if kind == 0:
        return key, b"this is { not json", "not_json"
    if kind == 1:
        del rec["id"]
        return key, json.dumps(rec).encode(), "missing_id"
    if kind == 2:
        rec["id"] = "not-a-uuid-%d" % i
        return key, json.dumps(rec).encode(), "bad_id"
    if kind == 3:
        rec["dob"] = "the third of March"
        return key, json.dumps(rec).encode(), "bad_dob"
    if kind == 4:
        body = json.dumps(rec, ensure_ascii=False).encode()
        return key, body.replace(b'"first_name": "', b'"first_name": "\xff\xfe', 1), "bad_utf8"
    rec["first_name"] = "x" * 1000000
    return key, json.dumps(rec).encode(), "too_large"


def read_dlq(topic, want):
    """The dead-letter topic as kcat -J dicts; payloads that are not UTF-8 come back with
    replacement characters (their sizes are checked separately)."""
    deadline = time.time() + 60
    while True:
        p = subprocess.run(["kcat", "-b", BROKERS, "-C", "-t", topic, "-e", "-J", "-q"],
                           capture_output=True, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        msgs = [json.loads(line) for line in out.splitlines() if line.strip()]
        if len(msgs) >= want or time.time() > deadline:
            return msgs
        time.sleep(0.5)


def main():
    topic, ks = schema("0504", partitions=3)
    mock = MockApi()
    try:
        seed = unique("seed")
        users = expected_users(page_urls(mock.url, GOOD, 1000, seed))
    finally:
        mock.stop()
    check(len(users) == GOOD, "fetched %d users" % len(users))

    msgs, expect_dlq, originals = [], {}, {}
    step = GOOD // POISON
    for i, u in enumerate(users):
        msgs.append((u["id"].encode(), json.dumps(u, ensure_ascii=False,
                                                  separators=(",", ":")).encode()))
        if i % step == step - 1:
            k, v, reason = poison(len(expect_dlq), users[0])
            msgs.append((k.encode(), v))
            expect_dlq[k] = (reason, len(v))
            originals[k] = v
    with tempfile.NamedTemporaryFile(suffix=".in") as f:
        for k, v in msgs:
            check(b"\n" not in v and b"\t" not in k, "message holds a delimiter")
            f.write(k + b"\t" + v + b"\n")
        f.flush()
        p = subprocess.run(["kcat", "-P", "-b", BROKERS, "-t", topic, "-K", "\t", "-l",
                            "-X", "message.max.bytes=2000000", f.name],
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "kcat produce: %s" % p.stderr)

    with dropped_after(ks) as db:
        s = run_to_idle(topic, ks)
        check(s["consumed"] == GOOD + POISON, "consumed %d" % s["consumed"])
        check(s["dead_lettered"] == POISON, "dead-lettered %d, want %d"
              % (s["dead_lettered"], POISON))

        dlq = read_dlq(topic + ".dlq", POISON)
        check(len(dlq) == POISON, "dead-letter topic holds %d, want %d" % (len(dlq), POISON))
        seen = set()
        for m in dlq:
            h = m.get("headers") or []
            headers = dict(zip(h[0::2], h[1::2]))
            key = m["key"]
            check(key in expect_dlq, "unexpected dead letter key %r" % key)
            check(key not in seen, "dead letter %s twice" % key)
            seen.add(key)
            reason, size = expect_dlq[key]
            check(headers.get("reason") == reason, "%s: reason %r, want %r"
                  % (key, headers.get("reason"), reason))
            check(headers.get("source.topic") == topic, "%s: source.topic %r" % (key, headers))
            check(headers.get("source.partition", "").isdigit() and
                  headers.get("source.offset", "").isdigit(), "%s: source headers %r"
                  % (key, headers))
            if reason != "bad_utf8":
                check(m["payload"] == originals[key].decode(), "%s: payload differs" % key)
        check(len(seen) == POISON, "only %d distinct dead letters" % len(seen))
        # Byte sizes, which also covers the payloads that are not valid UTF-8.
        p = subprocess.run(["kcat", "-C", "-b", BROKERS, "-t", topic + ".dlq", "-e", "-q",
                            "-f", "%k %S\n"], capture_output=True, text=True, timeout=120)
        sizes = dict(line.split(" ") for line in p.stdout.splitlines() if line)
        for key, (reason, size) in expect_dlq.items():
            check(int(sizes.get(key, -1)) == size, "%s: %s bytes kept, sent %d"
                  % (key, sizes.get(key), size))
        assert_table_equals(db.rows(ks), users)
        print("ok: %d good rows exact, %d poison messages dead-lettered with their reasons"
              % (GOOD, POISON))


if __name__ == "__main__":
    main()
