#!/usr/bin/python3
"""Integration test of `sluice mock-api`: starts the real binary on a free loopback port,
fetches pages with curl, checks the randomuser v1.4 shape, per nationality the types and
formats the real generator emits (tests/fixtures/randomuser-1.4-nat.json), determinism,
faults (every response classified by the client must match the server's /metrics exactly),
flags from the environment, usage errors, and SIGTERM/SIGINT -> exit 0 with a summary.
Needs: $SLUICE_BIN, $SLUICE_SOURCE_DIR (for the fixture), curl. Does not need Kafka or
Cassandra."""
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

BIN = os.environ.get("SLUICE_BIN", "sluice")
SOURCE_DIR = os.environ.get("SLUICE_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURE = os.path.join(SOURCE_DIR, "tests", "fixtures", "randomuser-1.4-nat.json")
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def start(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.Popen([BIN, "mock-api", "--listen", "127.0.0.1:0", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    deadline = time.monotonic() + 30
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        r, _, _ = select.select([p.stdout], [], [], 0.2)
        if r:
            ch = p.stdout.read1(1) if hasattr(p.stdout, "read1") else p.stdout.read(1)
            if not ch:
                break
            line += ch
    m = re.match(rb"mock-api listening on (http://127\.0\.0\.1:(\d+))/api/\n", line)
    if not m:
        p.kill()
        raise SystemExit("mock-api did not report its URL: %r %r" % (line, p.stderr.read()))
    return p, m.group(1).decode()


def stop(p, sig=signal.SIGTERM):
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        raise SystemExit("mock-api did not stop within 30 s")
    return p.returncode, out.decode(), err.decode()


def fetch(url):
    r = subprocess.run(["curl", "-s", "--noproxy", "*", "-i", url], capture_output=True,
                       timeout=60)
    raw = r.stdout
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    headers = {}
    for h in head.split(b"\r\n")[1:]:
        k, _, v = h.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    return r.returncode, status, headers, body


def metrics(base):
    rc, status, _, body = fetch(base + "/metrics")
    check(rc == 0 and status == 200, "/metrics answers 200")
    out = {}
    for line in body.decode().splitlines():
        m = re.match(r'sluice_mockapi_requests_total\{outcome="([a-z0-9]+)"\} (\d+)$', line)
        if m:
            out[m.group(1)] = int(m.group(2))
        m = re.match(r"sluice_mockapi_users_total (\d+)$", line)
        if m:
            out["users"] = int(m.group(1))
    return out


USER_KEYS = ["gender", "name", "location", "email", "login", "dob", "registered", "phone",
             "cell", "id", "picture", "nat"]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def check_user(u):
    check(list(u.keys()) == USER_KEYS, "user keys in randomuser order")
    check(u["gender"] in ("male", "female"), "gender")
    check(all(isinstance(u["name"][k], str) for k in ("title", "first", "last")), "name strings")
    loc = u["location"]
    check(isinstance(loc["street"]["number"], int) and isinstance(loc["street"]["name"], str),
          "street number int, name str")
    check(isinstance(loc["postcode"], (int, str)), "postcode int or str")
    check(isinstance(loc["coordinates"]["latitude"], str), "latitude is a string")
    check(isinstance(loc["timezone"]["offset"], str), "timezone offset")
    check(re.match(r"^[a-z0-9.'\-]+@example\.com$", u["email"]) is not None, "email shape")
    check(UUID4.match(u["login"]["uuid"]) is not None, "uuid v4")
    check(len(u["login"]["sha256"]) == 64 and len(u["login"]["md5"]) == 32, "digests")
    check(ISO.match(u["dob"]["date"]) and isinstance(u["dob"]["age"], int), "dob")
    check(ISO.match(u["registered"]["date"]) is not None, "registered")
    check(u["id"]["value"] is None or isinstance(u["id"]["value"], str), "id.value null or str")
    check(u["picture"]["medium"].startswith("https://randomuser.me/api/portraits/med/"),
          "picture")


def test_usage():
    r = subprocess.run([BIN, "mock-api", "--help"], capture_output=True, timeout=30)
    check(r.returncode == 0 and b"curl -s" in r.stdout, "--help exits 0 and shows a curl line")
    for args, env in ((["--fail-rate", "2"], {}), (["--bogus"], {}),
                      (["--fail-rate", "0.6", "--error-rate", "0.6"], {}),
                      (["--listen", "nonsense"], {}),
                      ([], {"SLUICE_MOCKAPI_LATENCY": "soon"})):
        e = dict(os.environ)
        e.update(env)
        r = subprocess.run([BIN, "mock-api", *args], capture_output=True, timeout=30, env=e)
        check(r.returncode == 2, "exit 2 for %s %s (got %d)" % (args, env, r.returncode))


def test_clean():
    p, base = start("--fault-seed", "1")
    try:
        rc, st, hd, b1 = fetch(base + "/api/?results=5000&seed=it&page=1")
        check(rc == 0 and st == 200, "page 1 answers 200")
        check(hd.get("content-type", "").startswith("application/json"), "JSON content type")
        d1 = json.loads(b1)
        check(len(d1["results"]) == 5000, "5000 results")
        check(d1["info"] == {"seed": "it", "results": 5000, "page": 1, "version": "1.4"}, "info")
        for u in d1["results"][:200]:
            check_user(u)
        _, _, _, b1again = fetch(base + "/api/1.4/?results=5000&seed=it&page=1")
        check(b1 == b1again, "same seed and page: identical bytes (/api/ and /api/1.4/)")
        _, _, _, b2 = fetch(base + "/api/?results=5000&seed=it&page=2")
        d2 = json.loads(b2)
        ids = {u["login"]["uuid"] for u in d1["results"]} | {u["login"]["uuid"] for u in d2["results"]}
        check(len(ids) == 10000, "10000 distinct uuids over two pages (got %d)" % len(ids))
        _, _, _, bua = fetch(base + "/api/?results=50&seed=it&nat=ua")
        dua = json.loads(bua)
        check(all(u["nat"] == "UA" for u in dua["results"]), "nat=ua gives UA only")
        check(all(re.match(r"^[A-Za-z']+$", u["name"]["first"]) for u in dua["results"]),
              "UA names are in Latin transliteration, as the real lists")
        _, _, _, bde = fetch(base + "/api/?results=50&seed=it&nat=de,gb")
        for u in json.loads(bde)["results"]:
            want = int if u["nat"] == "DE" else str
            check(isinstance(u["location"]["postcode"], want), "postcode type by nat")
        _, _, _, bdef = fetch(base + "/api/")
        ddef = json.loads(bdef)
        check(len(ddef["results"]) == 1 and re.match(r"^[0-9a-f]{16}$", ddef["info"]["seed"]),
              "no seed: one user and a 16-hex random seed in info")
        rc, st, _, hz = fetch(base + "/healthz")
        check(st == 200 and hz == b'{"status":"ok"}\n', "/healthz")
        rc, st, _, _ = fetch(base + "/nope")
        check(st == 404, "unknown path 404")
        m = metrics(base)
        check(m.get("ok") == 6 and m.get("5xx") == 0 and m.get("users") == 15101,
              "metrics after 6 clean requests: %s" % m)
    finally:
        code, out, err = stop(p)
    check(code == 0, "SIGTERM: exit 0 (got %d)" % code)
    check("mock-api stopped: requests=6 ok=6 5xx=0 429=0 truncated=0 malformed=0 error=0 "
          "users=15101" in out, "summary line: %r" % out)


def typed(spec, v, what, nat):
    """v against {"type": "number", "min", "max"} or {"type": "string", "pattern"}."""
    if spec["type"] == "number":
        ok = isinstance(v, int) and not isinstance(v, bool) and spec["min"] <= v <= spec["max"]
    else:
        ok = isinstance(v, str) and re.match(spec["pattern"], v) is not None
    check(ok, "%s %s %r is a %s as in the real generator" % (nat, what, v, spec["type"]))


def check_fidelity_user(common, spec, nat, u):
    check(list(u.keys()) == common["user_keys"], "%s: key order" % nat)
    loc = u["location"]
    check(u["nat"] == nat and loc["country"] == spec["country"], "%s: nat and country" % nat)
    typed(spec["postcode"], loc["postcode"], "location.postcode", nat)
    typed(common["street_number"], loc["street"]["number"], "location.street.number", nat)
    for k in ("latitude", "longitude"):
        typed(common[k], loc["coordinates"][k], k, nat)
    check(loc["timezone"]["offset"] in common["timezone_offsets"], "%s: timezone offset" % nat)
    for k in ("phone", "cell"):
        check(re.match(spec[k], u[k]) is not None,
              "%s %s %r matches %s" % (nat, k, u[k], spec[k]))
    check(u["id"]["name"] == spec["id"]["name"], "%s id.name %r" % (nat, u["id"]["name"]))
    want = spec["id"]["value"]
    if want is None:
        check(u["id"]["value"] is None, "%s id.value is null" % nat)
    else:
        check(isinstance(u["id"]["value"], str) and re.match(want, u["id"]["value"]),
              "%s id.value %r matches %s" % (nat, u["id"]["value"], want))
    check(u["name"]["title"] in spec["titles"][u["gender"]], "%s title %r" % (nat, u["name"]["title"]))
    for k in ("dob", "registered"):
        lim = common[k + "_date"]
        check(lim["min"] <= u[k]["date"] <= lim["max"] and isinstance(u[k]["age"], int),
              "%s %s.date %s in the real range" % (nat, k, u[k]["date"]))
    for k in ("large", "medium", "thumbnail"):
        check(re.match(common["picture"]["pattern"], u["picture"][k]) is not None,
              "%s picture %s" % (nat, u["picture"][k]))


def test_nationalities():
    """For each of the 21 nationalities, 250 users of the served JSON against what the real
    generator emits (the fixture is the one the unit test and docs/mock-api.md use)."""
    with open(FIXTURE, encoding="utf-8") as f:
        fx = json.load(f)
    common, nats = fx["common"], fx["nationalities"]
    check(len(nats) == 21, "21 nationalities in the fixture")
    p, base = start()
    try:
        for nat, spec in sorted(nats.items()):
            rc, st, _, body = fetch(base + "/api/?results=250&seed=fid&page=3&nat=" + nat.lower())
            check(rc == 0 and st == 200, "%s page answers 200" % nat)
            users = json.loads(body)["results"]
            check(len(users) == 250, "%s: 250 users" % nat)
            genders = {u["gender"] for u in users}
            check(genders == {"male", "female"}, "%s: both genders among 250" % nat)
            before = len(FAILURES)
            for u in users:
                check_fidelity_user(common, spec, nat, u)
                if len(FAILURES) - before > 20:
                    print("%s: more than 20 failures, rest of the page skipped" % nat,
                          file=sys.stderr)
                    break
    finally:
        code, _, _ = stop(p)
    check(code == 0, "SIGTERM after the nationality pages: exit 0")


def classify(rc, status, headers, body):
    if rc == 18:
        return "truncated"
    if status == 429:
        check(headers.get("retry-after") == "3", "Retry-After: 3")
        return "429"
    if status in (500, 502, 503, 504) and not body.startswith(b'{"error"'):
        return "5xx"
    try:
        d = json.loads(body)
    except ValueError:
        check(status == 200, "malformed bodies come with 200")
        return "malformed"
    if "error" in d:
        check(status in (200, 500), "error body status 200 or 500")
        return "error"
    check(status == 200 and len(d["results"]) == 10, "ok body has 10 users")
    return "ok"


def test_faults():
    p, base = start("--fail-rate", "0.2", "--throttle-rate", "0.2", "--truncate-rate", "0.1",
                    "--malformed-rate", "0.1", "--error-rate", "0.1", "--retry-after", "3",
                    "--fault-seed", "5", "--log-format", "json")
    seen = {}
    try:
        for i in range(200):
            rc, st, hd, body = fetch(base + "/api/?results=10&seed=f&page=%d" % (i + 1))
            k = classify(rc, st, hd, body)
            seen[k] = seen.get(k, 0) + 1
        m = metrics(base)
    finally:
        code, out, err = stop(p, signal.SIGINT)
    check(code == 0, "SIGINT: exit 0")
    for k in ("ok", "5xx", "429", "truncated", "malformed", "error"):
        check(seen.get(k, 0) == m.get(k), "outcome %s: client saw %d, /metrics %s" %
              (k, seen.get(k, 0), m.get(k)))
        check(seen.get(k, 0) > 0, "outcome %s happened" % k)
    check(m.get("users") == 10 * seen.get("ok", 0), "users_total counts intact bodies only")
    check(all(json.loads(l)["component"] == "mock-api" for l in err.splitlines() if l),
          "--log-format json: stderr is JSON lines")
    print("faults over 200 requests:", seen)


def test_port_in_use():
    p, base = start()
    try:
        port = base.rsplit(":", 1)[1]
        r = subprocess.run([BIN, "mock-api", "--listen", "127.0.0.1:" + port],
                           capture_output=True, timeout=30)
        check(r.returncode == 1, "port in use: exit 1 (got %d)" % r.returncode)
        check(b"cannot listen on 127.0.0.1:" + port.encode() in r.stderr,
              "port in use: says why: %r" % r.stderr)
    finally:
        stop(p)


def test_env():
    # env alone: everything throttled; the flag overrides the env
    p, base = start(env={"SLUICE_MOCKAPI_THROTTLE_RATE": "1", "SLUICE_MOCKAPI_RETRY_AFTER": "3"})
    try:
        rc, st, hd, _ = fetch(base + "/api/?results=1")
        check(st == 429 and hd.get("retry-after") == "3", "env SLUICE_MOCKAPI_THROTTLE_RATE=1")
    finally:
        stop(p)
    p, base = start("--throttle-rate", "0", env={"SLUICE_MOCKAPI_THROTTLE_RATE": "1"})
    try:
        rc, st, _, _ = fetch(base + "/api/?results=1")
        check(st == 200, "flag wins over env")
    finally:
        stop(p)


if __name__ == "__main__":
    test_usage()
    test_clean()
    test_nationalities()
    test_faults()
    test_port_in_use()
    test_env()
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES), file=sys.stderr)
        sys.exit(1)
    print("ok")
