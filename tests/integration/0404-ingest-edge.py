"""0404 ingest edge cases against a scripted HTTP server (no mock-api):

  dlq        invalid users go to <topic>.dlq, never to the topic, with a "reason" header,
             counted per reason, the value being the user's original bytes; good users of
             the same page go to the topic.
  retryafter a 429 with Retry-After as an HTTP-date is honoured: the retry of that page
             arrives no earlier than the date.
  apierror   an {"error": ...} body is a failed request whose message is logged; the
             page is retried and the run completes.
  toolarge   a body over --max-body (announced by Content-Length, or not) is a failed
             request, not a crash: exit 1, the page counted as failed, nothing produced.
  slow       a response slower than --timeout is a timeout, retried.
  404        a client error is not retried: the page fails, fetching stops, exit 1.
"""
import email.utils
import http.server
import json
import os
import sys
import threading
import time
import uuid as uuidlib
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import check, read_topic, run_ingest, unique  # noqa: E402


def user(i, first="Ann", email_addr=None):
    return {
        "gender": "female",
        "name": {"title": "Ms", "first": first, "last": "Doe"},
        "location": {"street": {"number": 10 + i, "name": "Main St"}, "city": "Town",
                     "state": "State", "country": "Land", "postcode": 12345 + i},
        "email": email_addr if email_addr is not None else "ann%d@example.com" % i,
        "login": {"uuid": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "u%d" % i)),
                  "username": "ann%d" % i},
        "dob": {"date": "1990-01-02T03:04:05.678Z", "age": 35},
        "registered": {"date": "2010-01-02T03:04:05.678Z", "age": 15},
        "phone": "555-0100",
        "picture": {"medium": "https://example.com/m/%d.jpg" % i},
    }


class State:
    lock = threading.Lock()
    hits = {}       # path -> list of arrival times
    retry_date = {}  # page -> the Retry-After time sent


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, headers=(), length=True):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on a body over its cap, as it should

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        n = int(q.get("results", ["1"])[0])
        page = int(q.get("page", ["1"])[0])
        key = (u.path, page)
        with State.lock:
            State.hits.setdefault(key, []).append(time.time())
            attempt = len(State.hits[key])
        good = {"results": [user(page * 1000 + i) for i in range(n)],
                "info": {"seed": "x", "results": n, "page": page, "version": "1.4"}}
        if u.path == "/dlq/":
            users = good["results"]
            users[1] = user(page * 1000 + 1, email_addr="not-an-email")
            users[3] = user(page * 1000 + 3, first="  ")
            self.send_body(200, json.dumps(good).encode())
        elif u.path == "/retryafter/":
            if attempt == 1:
                when = int(time.time()) + 3
                with State.lock:
                    State.retry_date[page] = when
                self.send_body(429, b'{"error":"slow down"}',
                               [("Retry-After", email.utils.formatdate(when, usegmt=True))])
            else:
                self.send_body(200, json.dumps(good).encode())
        elif u.path == "/apierror/":
            if attempt == 1:
                self.send_body(200, b'{"error":"Uh oh, something has gone wrong (test 0404)"}')
            else:
                self.send_body(200, json.dumps(good).encode())
        elif u.path == "/slow/":
            if attempt == 1:
                time.sleep(2)  # longer than the client's --timeout: it must give up and retry
            try:
                self.send_body(200, json.dumps(good).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif u.path in ("/toolarge/", "/toolarge-stream/"):
            big = json.dumps({"results": [user(i) for i in range(5000)]}).encode()
            self.send_body(200, big, length=(u.path == "/toolarge/"))
        else:
            self.send_body(404, b"{}")


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    common = ["--seed", "s", "--backoff-base", "0.01", "--backoff-max", "0.05"]
    try:
        # dlq: 3 pages of 5 users, 2 bad per page.
        topic = unique("0404_dlq")
        rc, summary, err = run_ingest("--source", base + "/dlq/", "-t", topic, "--count", "15",
                                      "--batch", "5", *common)
        check(rc == 0, "dlq: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check((s["users_fetched"], s["produced"], s["rejected"], s["dlq_produced"]) ==
              (15, 9, 6, 6), "dlq: counters %r" % s)
        check(s["rejected_by"] == {"missing_name": 3, "bad_email": 3}, "dlq: %r" % s)
        main_msgs = read_topic(topic, 9)
        dlq_msgs = read_topic(topic + ".dlq", 6)
        check(len(main_msgs) == 9 and len(dlq_msgs) == 6,
              "dlq: %d main, %d dlq" % (len(main_msgs), len(dlq_msgs)))
        for m in main_msgs:
            rec = json.loads(m["payload"])
            check(rec["email"] != "not-an-email" and rec["first_name"].strip(), "bad in main")
        reasons = {}
        for m in dlq_msgs:
            h = m.get("headers") or []
            hd = dict(zip(h[0::2], h[1::2]))
            reasons[hd.get("reason")] = reasons.get(hd.get("reason"), 0) + 1
            # The value is the user object exactly as the API sent it.
            orig = json.loads(m["payload"])
            check(hd.get("format") == "api", "dlq format header %r" % hd)
            check(m["key"] == orig["login"]["uuid"], "dlq key != login.uuid")
            page, i = divmod(int(orig["login"]["username"][3:]), 1000)
            want = (user(page * 1000 + i, email_addr="not-an-email") if i == 1
                    else user(page * 1000 + i, first="  "))
            check(orig == want, "dlq value differs from what was served: %r" % orig)
            check(m["payload"] == json.dumps(want), "dlq bytes differ from the served bytes")
            want_field = "email" if hd.get("reason") == "bad_email" else "first_name"
            check(hd.get("field") == want_field, "dlq field header %r" % hd)
            check(hd.get("source", "").startswith(base + "/dlq/?results=5&seed=s&page="),
                  "dlq source header %r" % hd)
        check(reasons == {"bad_email": 3, "missing_name": 3}, "dlq reasons %r" % reasons)
        print("ok dlq: 9 produced, 6 dead letters (original bytes) with reason/field/source headers")

        # Retry-After as an HTTP-date: the second attempt of a page never comes before it.
        topic = unique("0404_ra")
        rc, summary, err = run_ingest("--source", base + "/retryafter/", "-t", topic,
                                      "--count", "6", "--batch", "3", *common)
        check(rc == 0, "retryafter: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check(s["requests_by"] == {"ok": 2, "throttled": 2} and s["produced"] == 6,
              "retryafter: %r" % s)
        for page in (1, 2):
            times = State.hits[("/retryafter/", page)]
            check(len(times) == 2, "retryafter: page %d hit %d times" % (page, len(times)))
            check(times[1] >= State.retry_date[page] - 0.001,
                  "retryafter: page %d retried at %.3f, before Retry-After %d"
                  % (page, times[1], State.retry_date[page]))
        print("ok retryafter: retries waited for the HTTP-date")

        # API error object: logged with its message, retried, completes.
        topic = unique("0404_api")
        rc, summary, err = run_ingest("--source", base + "/apierror/", "-t", topic,
                                      "--count", "4", "--batch", "2", *common)
        check(rc == 0, "apierror: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check(s["requests_by"] == {"ok": 2, "api_error": 2} and s["produced"] == 4,
              "apierror: %r" % s)
        check("API error: Uh oh, something has gone wrong (test 0404)" in err,
              "apierror: message not logged: %s" % err[-2000:])
        print("ok apierror: message logged, page retried")

        # Too large, with and without Content-Length.
        for path, outcome in (("/toolarge/", "too_large"), ("/toolarge-stream/", "too_large")):
            topic = unique("0404_big")
            rc, summary, err = run_ingest("--source", base + path, "-t", topic, "--count",
                                          "5000", "--batch", "5000", "--max-body", "1M",
                                          *common)
            check(rc == 1, "%s: exit %d, want 1: %s" % (path, rc, err[-2000:]))
            s = summary["summary"]
            check(s["requests_by"] == {outcome: 1} and s["pages_failed"] == 1 and
                  s["users_fetched"] == 0 and s["produced"] == 0, "%s: %r" % (path, s))
            check("body larger than the cap" in err or "Maximum file size exceeded" in err,
                  "%s: no reason logged: %s" % (path, err[-1500:]))
        print("ok toolarge: failed request, exit 1, nothing produced")

        # A request over --timeout is a timeout, retried; the run completes.
        topic = unique("0404_slow")
        rc, summary, err = run_ingest("--source", base + "/slow/", "-t", topic, "--count", "4",
                                      "--batch", "2", "--http-timeout", "0.5", *common)
        check(rc == 0, "slow: exit %d: %s" % (rc, err[-2000:]))
        s = summary["summary"]
        check(s["requests_by"] == {"ok": 2, "timeout": 2} and s["produced"] == 4,
              "slow: %r" % s)
        print("ok slow: timeouts retried")

        # A 4xx other than 408/429 is not retried: the page fails, fetching stops, exit 1.
        topic = unique("0404_404")
        rc, summary, err = run_ingest("--source", base + "/nothing-here/", "-t", topic,
                                      "--count", "1000", "--batch", "10", "--concurrency", "1",
                                      *common)
        check(rc == 1, "404: exit %d, want 1" % rc)
        s = summary["summary"]
        check(s["requests_by"] == {"http_4xx": 1} and s["pages_failed"] == 1 and
              s["retries"] == 0, "404: %r" % s)
        check("giving up after a client error" in err and "HTTP 404" in err, "404: %s" % err)
        print("ok 404: not retried, run stopped, exit 1")
    finally:
        srv.shutdown()


if __name__ == "__main__":
    main()
