"""0408 ingest kafka pressure: the producer side of the books.

  queuefull   a producer queue of 50 messages (-X kafka.queue.buffering.max.messages=50)
              forces QUEUE_FULL again and again: the ingest polls and retries, nothing is
              dropped, every user is in the topic exactly once.
  undelivered records Kafka will not take (an invalid topic name) are reported as not
              delivered, with Kafka's reason, and the run exits 1 — never 0.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import MockApi, check, read_topic, run_ingest, unique  # noqa: E402


def main():
    mock = MockApi()
    try:
        topic = unique("0408_qf")
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", "6000",
                                      "--batch", "2000", "--seed", unique("seed"),
                                      "-X", "kafka.queue.buffering.max.messages=50",
                                      "-X", "kafka.linger.ms=1")
        check(rc == 0, "queuefull: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check(s["queue_full"] > 0, "queuefull: queue never full: %r" % s)
        check(s["users_fetched"] == 6000 and s["produced"] == 6000 and s["complete"],
              "queuefull: %r" % s)
        msgs = read_topic(topic, 6000)
        ids = {json.loads(m["payload"])["id"] for m in msgs}
        check(len(msgs) == 6000 and len(ids) == 6000,
              "queuefull: %d messages, %d ids" % (len(msgs), len(ids)))
        print("ok queuefull: %d QUEUE_FULL retries, 6000 messages" % s["queue_full"])

        rc, summary, err = run_ingest("--source", mock.url, "-t", "bad topic!", "--count",
                                      "300", "--batch", "100", "--flush-timeout", "10")
        check(rc == 1, "undelivered: exit %d, want 1" % rc)
        s = summary["summary"]
        check(summary["result"] == "incomplete" and not s["complete"], "undelivered: %r" % s)
        check(s["users_fetched"] == 300 and s["produced"] == 0 and s["undelivered"] == 300,
              "undelivered: %r" % s)
        check("300 users not delivered" in err and "last Kafka error" in err,
              "undelivered: reason not logged: %s" % err[-1500:])
        print("ok undelivered: 300 reported, exit 1")
    finally:
        mock.stop()


if __name__ == "__main__":
    main()
