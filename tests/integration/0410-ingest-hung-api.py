"""0410 ingest hung api: a page is given up once no further try could end within
--retry-time of its first, instead of after every retry's timeout.

An API that accepts every request and never answers: with the defaults (60 s
--http-timeout, 8 retries) a page used to fail after 9 timeouts, about 9 minutes. Scaled
down by 60 (--http-timeout 1, --retry-time 3, the defaults' 60 s and 180 s): exit 1, at
most 2 requests reach the API (the second try could end in time, a third could not), the
error says why. With --retry-time 0 --retries 3 the retries alone bound it: exactly 4
requests.
"""
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import check, run_ingest, unique  # noqa: E402


class Hung(http.server.BaseHTTPRequestHandler):
    hits = 0
    lock = threading.Lock()
    release = threading.Event()

    def do_GET(self):  # noqa: N802 - the stdlib's name
        with Hung.lock:
            Hung.hits += 1
        Hung.release.wait(120)  # never answers while the test runs

    def log_message(self, *args):
        pass


def run(source, *args):
    with Hung.lock:
        Hung.hits = 0
    rc, summary, err = run_ingest("--source", source, "-t", unique("t0410"), "--count", "5",
                                  "--batch", "5", "--concurrency", "1", "--http-timeout", "1",
                                  "--metadata-timeout", "60", *args, timeout=300)
    # The requests the API saw, counted once the last of them has arrived (it already has:
    # ingest exited after its last timeout).
    with Hung.lock:
        return rc, summary, err, Hung.hits


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hung)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    source = "http://127.0.0.1:%d/api/" % srv.server_address[1]
    try:
        t0 = time.time()
        rc, summary, err, hits = run(source, "--retry-time", "3")
        check(rc == 1, "exit %d, want 1:\n%s" % (rc, err[-2000:]))
        check(1 <= hits <= 2, "the hung API got %d requests, want at most 2" % hits)
        check(summary["summary"]["pages_failed"] == 1, "summary %r" % summary)
        check("no further try could end within 3 s of the first" in err,
              "the error does not say why:\n" + err[-2000:])
        print("ok: --retry-time 3: %d requests, exit 1 in %.1f s" % (hits, time.time() - t0))

        rc, summary, err, hits = run(source, "--retry-time", "0", "--retries", "3")
        check(rc == 1, "exit %d, want 1:\n%s" % (rc, err[-2000:]))
        check(hits == 4, "--retry-time 0 --retries 3: %d requests, want 4" % hits)
        check("no further try" not in err, "a time limit with --retry-time 0:\n" + err[-2000:])
        print("ok: --retry-time 0 --retries 3: 4 requests")
    finally:
        Hung.release.set()
        srv.shutdown()


if __name__ == "__main__":
    main()
