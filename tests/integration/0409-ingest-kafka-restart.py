"""0409 ingest kafka restart: Kafka stopped and started again mid-run -> no acknowledged
record lost.

A paced ingest runs while scripts/stack stops the broker and starts it again. The
idempotent producer keeps retrying; the run must end with every fetched user
acknowledged (exit 0), and the topic must then hold every acknowledged id exactly once.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import stack, summary_of  # noqa: E402
from ingest_support import (BIN, BROKERS, MockApi, check, fail, read_topic,  # noqa: E402
                            unique)

N = 60000


def main():
    topic = unique("0409")
    mock = MockApi()
    p = None
    try:
        # Create the topic first, so the restart is the only disturbance.
        subprocess.run([BIN, "schema", "-b", BROKERS, "-t", topic, "--skip-cassandra"],
                       check=True, capture_output=True, timeout=120)
        cmd = [BIN, "ingest", "-b", BROKERS, "--source", mock.url, "-t", topic, "--count",
               str(N), "--batch", "500", "--rate", "2000", "--seed", unique("seed"),
               "--log-format", "json", "--progress", "never",
               "-X", "kafka.reconnect.backoff.max.ms=1000",
               # The flush waits for the restarted broker: a restart took over 50 s at load
               # average 50 to 120, longer than the default 30 s (then the run ends with
               # records unacknowledged, exit 1, which is right, but not this test's case).
               "--flush-timeout", "300"]
        log = tempfile.TemporaryFile(mode="w+")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + 60
        # Wait for the first acknowledged record (the run paces itself over about 30 s).
        while subprocess.run(["kcat", "-b", BROKERS, "-C", "-t", topic, "-c", "1", "-e", "-q"],
                             capture_output=True, timeout=30).stdout == b"":
            if time.time() > deadline or p.poll() is not None:
                fail("ingest produced nothing before the restart")
            time.sleep(0.2)
        stack("stop", "kafka")
        if p.poll() is not None:
            out, _ = p.communicate()
            log.seek(0)
            fail("ingest exited (%d) while Kafka was down:\n%s\n%s" % (p.returncode, out,
                                                                       log.read()[-2000:]))
        stack("start", "kafka")
        out, _ = p.communicate(timeout=600)
        log.seek(0)
        err = log.read()
        summary = summary_of(out)
        check(summary, "no summary")
        s = summary["summary"]
        check(p.returncode == 0, "exit %d after the restart: %r\n%s" % (p.returncode, s,
                                                                      err[-2000:]))
        check(s["users_fetched"] == N and s["produced"] + s["rejected"] == N, "books %r" % s)
        msgs = read_topic(topic, s["produced"], timeout=120)
        ids = [json.loads(m["payload"])["id"] for m in msgs]
        check(len(set(ids)) == s["produced"], "%d distinct ids in the topic, %d acknowledged"
              % (len(set(ids)), s["produced"]))
        check(len(ids) == len(set(ids)), "%d duplicates despite idempotence"
              % (len(ids) - len(set(ids))))
        print("ok: Kafka restarted mid-run; %d acknowledged, all in the topic once" % s["produced"])
    finally:
        if p and p.poll() is None:
            p.kill()
        mock.stop()
        stack("up", "kafka")


if __name__ == "__main__":
    main()
