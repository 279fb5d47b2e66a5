"""Helpers every Python integration test shares, whatever it tests.

- fail()/check(): a failed expectation ends the test with exit 1 and a FAIL line.
- unique(): a name no other run (or concurrent suite) uses, for topics, groups, keyspaces.
- make_venv()/use_venv(): a virtualenv made from a pinned lock file, built once per lock
  under a file lock; use_venv() re-runs the test under it (with the Debian site packages).
- stop_process(): SIGTERM, a deadline, then SIGKILL.
- stack(): `scripts/stack ARGS...`, which must succeed.
- wait_for(): polls a condition with a deadline.
- summary_of(): the JSON summary line a command prints at exit.
- LoggedProcess: a `sluice` child whose log goes to a file, and the port it reports there.
- closed_port(): a loopback port nothing listens on.
- metrics_at(): the Prometheus samples a sluice command serves on a loopback port.
- kcat_read(): a topic's messages as kcat -J reads them.
- The stack's addresses (SLUICE_TEST_*) and the record's columns (FIELDS).
"""
import fcntl
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("SLUICE_BIN", "build-asan-ubsan/sluice")
BROKERS = os.environ.get("SLUICE_TEST_BROKERS", "127.0.0.1:9092")
SOURCE = os.environ.get("SLUICE_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STACK = os.path.join(SOURCE, "scripts", "stack")
CASSANDRA = os.environ.get("SLUICE_TEST_CASSANDRA", "127.0.0.1:9042")
REGISTRY = os.environ.get("SLUICE_TEST_REGISTRY", "http://127.0.0.1:8081/apis/ccompat/v7")
# The record's columns in the table's order (docs/design.md, "The record").
FIELDS = ["id", "first_name", "last_name", "gender", "address", "post_code", "email",
          "username", "dob", "registered_date", "phone", "picture"]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def unique(name):
    return "it_%s_%d_%d" % (name, os.getpid(), int(time.time() * 1000) % 100000000)


def make_venv(lock, venv, python, label, isolated=False):
    """Makes sure `venv` holds the packages pinned in `lock` (a pip requirements file with
    hashes), creating or rebuilding it from `python` when the lock or the interpreter
    changed, under a file lock (parallel tests must not build it twice); returns its python.
    Without `isolated` the venv sees the Debian site packages; with it, it does not, and
    the pinned set alone must satisfy `pip check`. `label` names the tests in the one line
    printed while installing."""
    with open(lock, "rb") as f:
        want = hashlib.sha256(f.read() + sys.version.encode()).hexdigest()
    marker = os.path.join(venv, ".sluice-lock-hash")
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    with open(venv + ".lock", "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        have = open(marker).read().strip() if os.path.exists(marker) else ""
        if have != want:
            print("%s: installing %s into %s" % (label, lock, venv), file=sys.stderr)
            subprocess.run(["rm", "-rf", venv], check=True)
            subprocess.run([python, "-m", "venv"] + ([] if isolated else ["--system-site-packages"])
                           + [venv], check=True)
            pip = os.path.join(venv, "bin", "pip")
            subprocess.run([pip, "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                            "-r", lock], check=True)
            if isolated:
                subprocess.run([pip, "check", "--disable-pip-version-check"], check=True,
                               stdout=subprocess.DEVNULL)
            with open(marker, "w") as m:
                m.write(want)
    return os.path.join(venv, "bin", "python")


def use_venv(lock, venv, python, label):
    """Makes sure this process runs in `venv` (make_venv() with the Debian site packages),
    re-executing this script under it when it does not yet."""
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    py = make_venv(lock, venv, python, label)
    os.execv(py, [py] + sys.argv)


def stop_process(proc, timeout):
    """SIGTERM to proc unless it has exited, then waits up to `timeout` s for it (reading
    what is left on its pipes); SIGKILL after that. True if it ended within the timeout."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return False


def stack(*args, timeout=300):
    """Runs scripts/stack with args (the environment selects the stack); fails the test
    unless it succeeds within timeout s."""
    p = subprocess.run([STACK] + list(args), capture_output=True, text=True, timeout=timeout)
    check(p.returncode == 0, "stack %s: %s%s" % (" ".join(args), p.stdout, p.stderr))


def wait_for(fn, what, timeout=120, interval=0.5):
    """Polls fn() until it returns something truthy and returns that; fails with `what` and
    the last value after timeout s. An AssertionError from fn counts as not yet."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = fn()
        except AssertionError as e:  # a check inside fn that does not hold yet
            last = e
        else:
            if last:
                return last
        time.sleep(interval)
    fail("%s: not within %d s (last: %r)" % (what, timeout, last))


def summary_of(out):
    """The last `{"summary": ...}` line of a command's stdout (text or bytes) as a dict, or
    None when there is none."""
    if isinstance(out, bytes):
        out = out.decode("utf-8", "replace")
    summary = None
    for line in out.splitlines():
        if line.startswith('{"summary"'):
            summary = json.loads(line)
    return summary


def metrics_at(port):
    """Prometheus samples of http://127.0.0.1:PORT/metrics as {name{labels}: value}; {} if
    the endpoint is not up (yet, or any more)."""
    import urllib.request
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
            text = r.read().decode()
    except Exception:  # noqa: BLE001 - not up yet / already gone
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.rpartition(" ")
            out[k] = float(v)
    return out


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class LoggedProcess:
    """A child process whose stdout is a pipe and whose stderr (its log) goes to a
    temporary file that the test reads as it grows."""

    def __init__(self, cmd, name, env=None):
        self.cmd = cmd
        self.logfile = tempfile.NamedTemporaryFile(prefix="sluice-%s-" % name, suffix=".log")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.logfile, env=env)

    def log_text(self):
        with open(self.logfile.name, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_tail(self, n=30):
        return "\n".join(self.log_text().splitlines()[-n:])

    def wait_port(self, pattern, what, timeout=120):
        """The port that `pattern` (one group) finds in the log, polled until it shows; the
        test fails if the process exits first or timeout s pass (the process is killed)."""
        def port():
            m = re.search(pattern, self.log_text())
            if m:
                return int(m.group(1))
            check(self.proc.poll() is None, "%s exited %s before reporting its port; log:\n%s"
                  % (what, self.proc.returncode, self.log_tail()))
            return None
        try:
            return wait_for(port, "%s to report its port" % what, timeout, 0.1)
        except SystemExit:
            self.kill()
            raise

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def kcat_read(topic, args=()):
    """Messages of topic from kcat -J, as dicts (payloads decoded as UTF-8 with replacement)."""
    p = subprocess.run(["kcat", "-b", BROKERS, "-C", "-t", topic, "-e", "-J", "-q"] + list(args),
                       capture_output=True, timeout=120)
    return [json.loads(line) for line in p.stdout.decode("utf-8", "replace").splitlines()
            if line.strip()]
