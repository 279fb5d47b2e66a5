"""Helpers every Python integration test shares, whatever it tests.

- fail()/check(): a failed expectation ends the test with exit 1 and a FAIL line.
- unique(): a name no other run (or concurrent suite) uses, for topics, groups, keyspaces.
- use_venv(): re-runs the test under a virtualenv made from a pinned lock file (with the
  Debian python and its site packages), built once per lock under a file lock.
- stop_process(): SIGTERM, a deadline, then SIGKILL.
- stack(): `scripts/stack ARGS...`, which must succeed.
"""
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import time

BIN = os.environ.get("SLUICE_BIN", "build-asan-ubsan/sluice")
BROKERS = os.environ.get("SLUICE_TEST_BROKERS", "127.0.0.1:9092")
SOURCE = os.environ.get("SLUICE_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STACK = os.path.join(SOURCE, "scripts", "stack")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def unique(name):
    return "it_%s_%d_%d" % (name, os.getpid(), int(time.time() * 1000) % 100000000)


def use_venv(lock, venv, python, label):
    """Makes sure this process runs in `venv` with the packages pinned in `lock` (a pip
    requirements file with hashes), creating or rebuilding it from `python` when the lock
    or the interpreter changed, then re-executing this script under it. `label` names the
    tests in the one line printed while installing."""
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
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
            subprocess.run([python, "-m", "venv", "--system-site-packages", venv], check=True)
            subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet",
                            "--disable-pip-version-check", "--no-deps", "-r", lock], check=True)
            with open(marker, "w") as m:
                m.write(want)
    py = os.path.join(venv, "bin", "python")
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


def stack(*args):
    """Runs scripts/stack with args (the environment selects the stack); fails the test
    unless it succeeds within 300 s."""
    p = subprocess.run([STACK] + list(args), capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "stack %s: %s%s" % (" ".join(args), p.stdout, p.stderr))
