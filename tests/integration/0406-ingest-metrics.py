"""0406 ingest metrics: --http ADDR serves /metrics in the Prometheus text format and
/healthz while the ingest runs; the exposed counters agree with each other and, after the
stop, with the summary; every reject reason is a series at 0 before anything is rejected.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import BIN, BROKERS, MockApi, check, unique  # noqa: E402

REQUIRED = ["sluice_ingest_users_fetched_total", "sluice_ingest_records_produced_total",
            "sluice_ingest_records_rejected_total", "sluice_ingest_requests_total",
            "sluice_ingest_request_duration_seconds_bucket",
            "sluice_ingest_request_duration_seconds_sum",
            "sluice_ingest_request_duration_seconds_count"]


# The reject reasons, from the record's own table (src/record/sl_record.h), "none" aside.
with open(os.path.join(os.environ.get("SLUICE_SOURCE_DIR", "."), "src/record/sl_record.h")) as f:
    REASONS = [n for n in re.findall(r'^\s*X\([A-Z_0-9]+, \d+, "([a-z_0-9]+)"', f.read(), re.M)
               if n != "none"]
assert len(REASONS) >= 10, REASONS


def scrape(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        check(r.headers["Content-Type"].startswith("text/plain"), "content type")
        return r.read().decode()


def value(text, name):
    m = re.search(r"^%s (\d+(?:\.\d+)?)$" % re.escape(name), text, re.M)
    return float(m.group(1)) if m else None


def main():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    mock = MockApi()
    proc = None
    try:
        proc = subprocess.Popen(
            [BIN, "ingest", "-b", BROKERS, "--source", mock.url, "-t", unique("0406"),
             "--batch", "100", "--rate", "1000", "--http", "127.0.0.1:%d" % port,
             "--log-format", "json", "--progress", "never"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = "http://127.0.0.1:%d" % port
        deadline, text = time.time() + 60, ""
        while time.time() < deadline:
            try:
                text = scrape(base + "/metrics")
                if (value(text, "sluice_ingest_records_produced_total") or 0) >= 300:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        for name in REQUIRED:
            check(name in text, "metric %s missing:\n%s" % (name, text))
        # Every reject reason is a series from the start, at 0 while nothing was rejected
        # (the mock serves only good users here), as docs/ingest.md says.
        rejected = dict(re.findall(
            r'^sluice_ingest_records_rejected_total\{reason="([a-z_0-9]+)"\} (\d+)$', text, re.M))
        check(sorted(rejected) == sorted(REASONS) and set(rejected.values()) == {"0"},
              "rejected_total series %r, want every one of %r at 0" % (rejected, REASONS))
        check(value(text, "sluice_ingest_records_produced_total") >= 300, "no progress:\n" + text)
        fetched = value(text, "sluice_ingest_users_fetched_total")
        produced = value(text, "sluice_ingest_records_produced_total")
        check(fetched >= produced, "produced %s > fetched %s" % (produced, fetched))
        ok = re.search(r'^sluice_ingest_requests_total\{outcome="ok"\} (\d+)$', text, re.M)
        check(ok and int(ok.group(1)) * 100 == fetched, "ok requests x batch != fetched")
        inf = re.search(r'_bucket\{le="\+Inf"\} (\d+)$', text, re.M)
        count = value(text, "sluice_ingest_request_duration_seconds_count")
        check(inf and float(inf.group(1)) == count, "+Inf bucket != count")
        with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
            check(r.status == 200 and b'"status":"running"' in r.read(), "healthz")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        check(proc.returncode == 0, "exit %d: %s" % (proc.returncode, err[-2000:]))
        check('"complete":true' in out, "summary: %s" % out)
        print("ok: /metrics and /healthz served during the run (%d users)" % fetched)
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        mock.stop()


if __name__ == "__main__":
    main()
