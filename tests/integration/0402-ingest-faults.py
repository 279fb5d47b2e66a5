"""0402 ingest faults: every fault mode of mock-api -> the run completes, the books balance.

For each of --fail-rate, --throttle-rate, --truncate-rate, --malformed-rate, --error-rate
(and all of them at once), ingests N users and checks: exit 0; users_fetched == N ==
produced + rejected; the fault's outcome was counted and every failed request retried
(requests == pages + retries); the topic holds exactly `produced` distinct ids, the
same ids as a clean fetch of the same pages.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import (MockApi, check, expected_users, page_urls, read_topic,  # noqa: E402
                            run_ingest, unique)

N, BATCH = 4000, 200
MODES = [
    ("fail", ["--fail-rate", "0.3"], "http_5xx"),
    ("throttle", ["--throttle-rate", "0.2", "--retry-after", "1"], "throttled"),
    ("truncate", ["--truncate-rate", "0.3"], "truncated"),
    ("malformed", ["--malformed-rate", "0.3"], "malformed"),
    ("error", ["--error-rate", "0.3"], None),  # 200 -> api_error, 500 -> http_5xx
    ("all", ["--fail-rate", "0.1", "--throttle-rate", "0.05", "--retry-after", "1",
             "--truncate-rate", "0.1", "--malformed-rate", "0.1", "--error-rate", "0.1"], None),
]


def one(name, fault_args, outcome):
    mock = MockApi("--fault-seed", "7", *fault_args)
    try:
        topic, seed = unique("0402_" + name), unique("seed")
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(N),
                                      "--batch", str(BATCH), "--seed", seed, "--concurrency",
                                      "8", "--retries", "30", "--backoff-base", "0.01",
                                      "--backoff-max", "0.2")
        check(rc == 0, "%s: exit %d, stderr:\n%s" % (name, rc, err[-3000:]))
        s = summary["summary"]
        pages = N // BATCH
        check(s["users_fetched"] == N, "%s: fetched %d" % (name, s["users_fetched"]))
        check(s["produced"] + s["rejected"] == N, "%s: books %r" % (name, s))
        check(s["undelivered"] == 0 and s["pages_failed"] == 0, "%s: %r" % (name, s))
        check(s["pages_ok"] == pages, "%s: pages_ok %d" % (name, s["pages_ok"]))
        failed = s["requests"] - s["requests_by"].get("ok", 0)
        check(failed > 0, "%s: no fault was injected: %r" % (name, s["requests_by"]))
        check(s["requests"] == pages + s["retries"],
              "%s: requests %d != pages %d + retries %d" % (name, s["requests"], pages,
                                                             s["retries"]))
        check(s["requests_by"].get("ok") == pages, "%s: ok %r" % (name, s["requests_by"]))
        if outcome:
            check(s["requests_by"].get(outcome, 0) > 0,
                  "%s: outcome %s not counted: %r" % (name, outcome, s["requests_by"]))
        expected = {u["id"] for u in expected_users(page_urls(mock.url, N, BATCH, seed))}
    finally:
        mock.stop()
    msgs = read_topic(topic, s["produced"])
    ids = [json.loads(m["payload"])["id"] for m in msgs]
    check(len(ids) == s["produced"], "%s: topic has %d, produced %d" % (name, len(ids),
                                                                        s["produced"]))
    check(len(set(ids)) == len(ids), "%s: duplicates in the topic" % name)
    check(set(ids) <= expected and len(expected) == N, "%s: ids differ from a clean fetch" % name)
    print("ok %-10s requests %s" % (name, json.dumps(s["requests_by"], sort_keys=True)))


def main():
    for name, args, outcome in MODES:
        one(name, args, outcome)


if __name__ == "__main__":
    main()
