"""0405 ingest signal: SIGINT / SIGTERM stop fetching, flush, report, exit 0 with the books
balanced; the topic then holds exactly what the summary says was produced. --duration ends
a run the same way; when --count was asked for too and --duration ends the run first, the
run is incomplete: exit 1, the books still balanced.
"""
import json
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import (BIN, BROKERS, MockApi, check, read_topic, run_ingest,  # noqa
                            summary_of, unique)


def run_until_pages(source, topic, sig, pages=5):
    """Starts an unbounded ingest, waits until it has completed `pages` pages (its debug
    log says so), sends sig, returns (exit code, summary)."""
    cmd = [BIN, "ingest", "-b", BROKERS, "--source", source, "-t", topic, "--batch", "100",
           "--rate", "3000", "--seed", unique("seed"), "--log-format", "json",
           "--log-level", "debug", "--progress", "never"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    gets, deadline, buf = 0, time.time() + 60, ""
    while gets < pages and time.time() < deadline and p.poll() is None:
        r, _, _ = select.select([p.stderr], [], [], 0.5)
        if r:
            line = p.stderr.readline()
            buf += line
            if '"msg":"GET ' in line:
                gets += 1
    check(gets >= pages, "ingest did not start %d pages: %s" % (pages, buf[-2000:]))
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        p.kill()
        fail_out = p.communicate()
        check(False, "ingest did not exit after signal %d: %s" % (sig, fail_out[1][-2000:]))
    check("stop requested; flushing" in err, "no stop log line: %s" % err[-2000:])
    return p.returncode, summary_of(out)


def main():
    mock = MockApi("--latency", "20")
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            topic = unique("0405_%d" % sig)
            rc, summary = run_until_pages(mock.url, topic, sig)
            check(rc == 0, "signal %d: exit %d, summary %r" % (sig, rc, summary))
            s = summary["summary"]
            check(s["complete"] and summary["result"] == "complete", "not complete: %r" % s)
            check(s["users_fetched"] > 0 and s["users_fetched"] == s["produced"] + s["rejected"],
                  "books: %r" % s)
            check(s["users_fetched"] == 100 * s["pages_ok"], "partial pages counted: %r" % s)
            msgs = read_topic(topic, s["produced"])
            ids = {json.loads(m["payload"])["id"] for m in msgs}
            check(len(msgs) == s["produced"] == len(ids),
                  "topic %d msgs / %d ids, produced %d" % (len(msgs), len(ids), s["produced"]))
            print("ok signal %d: %d users fetched and acknowledged" % (sig, s["produced"]))

        topic = unique("0405_duration")
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--batch", "500",
                                      "--duration", "1", "--seed", unique("seed"))
        check(rc == 0, "duration: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check(s["complete"] and s["users_fetched"] > 0, "duration: %r" % s)
        msgs = read_topic(topic, s["produced"])
        check(len(msgs) == s["produced"], "duration: topic %d, produced %d"
              % (len(msgs), s["produced"]))
        print("ok duration: %d users" % s["produced"])

        # --duration before --count: what was asked for was not fetched, so exit 1 with
        # result "incomplete" (docs/ingest.md); the books still balance and the topic holds
        # exactly what was acknowledged.
        topic = unique("0405_duration_count")
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--batch", "500",
                                      "--count", "1000000000", "--duration", "1",
                                      "--seed", unique("seed"))
        s = summary["summary"]
        check(rc == 1 and summary["result"] == "incomplete",
              "duration before count: exit %d, result %r" % (rc, summary["result"]))
        check("before --duration ended the run" in err, "no reason given: %s" % err[-2000:])
        check(0 < s["users_fetched"] < 1000000000
              and s["users_fetched"] == s["produced"] + s["rejected"], "books: %r" % s)
        msgs = read_topic(topic, s["produced"])
        check(len(msgs) == s["produced"], "duration before count: topic %d, produced %d"
              % (len(msgs), s["produced"]))
        print("ok duration before count: exit 1, %d users acknowledged" % s["produced"])
    finally:
        mock.stop()


if __name__ == "__main__":
    main()
