"""Shared helpers of the ingest integration tests (04NN-ingest-*.py).

Starts `sluice mock-api` on a free loopback port, runs `sluice ingest`, fetches pages
independently and flattens them with the rules of docs/design.md ("The record"), reads topics back with kcat.
Nothing here sleeps and hopes: every wait polls a condition with a deadline.
"""
import json
import os
import re
import select
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import (BIN, BROKERS, check, fail, kcat_read, stop_process,  # noqa: E402,F401
                            summary_of, unique)


class MockApi:
    """sluice mock-api on 127.0.0.1:0; the chosen port is read from its first line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BIN, "mock-api", "--listen", "127.0.0.1:0"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 20
        line = ""
        while time.time() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if r:
                line = self.proc.stdout.readline()
                m = re.search(r"(http://127\.0\.0\.1:\d+/api/)", line)
                if m:
                    self.url = m.group(1)
                    return
            if self.proc.poll() is not None:
                break
        self.stop()
        fail("mock-api did not report its address (last line: %r)" % line)

    def stop(self):
        stop_process(self.proc, 20)


def page_urls(source, count, batch, seed, nat=None):
    """The URLs the ingest is specified to fetch: pages 1.. of `batch`, last one smaller."""
    urls, page, left = [], 1, count
    while left > 0:
        n = min(batch, left)
        u = "%s?results=%d&seed=%s&page=%d" % (source, n, seed, page)
        if nat:
            u += "&nat=" + nat
        urls.append(u)
        left -= n
        page += 1
    return urls


def fetch_json(url):
    """GET with retries: the mock may inject faults, the test wants the clean page."""
    last = None
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                body = json.loads(r.read().decode("utf-8"))
                if "results" in body:
                    return body
                last = body
        except Exception as e:  # noqa: BLE001 - any fault means: ask again
            last = e
    fail("could not fetch %s: %r" % (url, last))


def text(v):
    """A number as its digits, a string as is (docs/design.md: post_code, street.number)."""
    if isinstance(v, bool) or v is None:
        raise ValueError("not text: %r" % (v,))
    return str(v)


def flatten(u):
    loc = u["location"]
    return {
        "id": u["login"]["uuid"],
        "first_name": u["name"]["first"],
        "last_name": u["name"]["last"],
        "gender": u["gender"],
        "address": "%s %s, %s, %s, %s" % (text(loc["street"]["number"]), loc["street"]["name"],
                                          loc["city"], loc["state"], loc["country"]),
        "post_code": text(loc["postcode"]),
        "email": u["email"],
        "username": u["login"]["username"],
        "dob": u["dob"]["date"],
        "registered_date": u["registered"]["date"],
        "phone": u["phone"],
        "picture": u["picture"]["medium"],
    }


def expected_users(urls):
    users = []
    for u in urls:
        users.extend(flatten(x) for x in fetch_json(u)["results"])
    return users


def read_topic(topic, expect_at_least=0, timeout=60):
    """All messages of topic as dicts (kcat -J), polling until at least expect_at_least are
    there or the deadline passes."""
    deadline = time.time() + timeout
    while True:
        msgs = kcat_read(topic)
        if len(msgs) >= expect_at_least or time.time() > deadline:
            return msgs
        time.sleep(0.5)


def run_ingest(*args, timeout=600):
    """Runs sluice ingest with JSON logs; returns (exit code, summary dict or None, stderr)."""
    cmd = [BIN, "ingest", "-b", BROKERS, "--log-format", "json", "--progress", "never",
           "-X", "kafka.topic.metadata.refresh.interval.ms=1000"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, summary_of(p.stdout), p.stderr
