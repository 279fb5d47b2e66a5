#!/usr/bin/python3
"""0602 airflow service: the Airflow of `scripts/stack up airflow` (API server, scheduler,
DAG processor, triggerer) runs user_automation when it is triggered through the REST API.

- A run triggered with POST /api/v2/dags/user_automation/dagRuns and a conf carrying a
  count, a fresh topic and mock-api's URL ends `success`, and the topic then holds exactly
  that many messages with that many distinct users (read back with kcat). Kafka's address
  is not in the conf: the stack pointed the DAG at its own Kafka.
- A run whose conf points the brokers at a closed port ends `failed` after every try
  (retries + 1, read from the task's own definition), each try's log carrying sluice's
  clear error.
- A run whose conf tries to choose the binary (`bin`) fails without running anything.
- The DAG's grid page in Debian's chromium (Playwright, logged in through the UI's form)
  shows the first run as Success and the second as Failed.

Airflow is used as it runs when `scripts/stack status airflow` says it is up; otherwise the
test starts it (with SLUICE_BIN, the binary under test) and stops it at the end. Starting
Airflow takes 1 to 3 minutes on two loaded cores, the three runs 2 to 5 more; see
tests/README.md. SLUICE_AIRFLOW_SCREENSHOT=FILE saves the DAG page there (the picture in
docs/airflow.md); without it the screenshot goes next to the binary.
"""

import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

SRC = os.environ.get("SLUICE_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SLUICE_BIN", "build-asan-ubsan/sluice"))
BROKERS = os.environ.get("SLUICE_TEST_BROKERS", "127.0.0.1:9092")
STACK = os.path.join(SRC, "scripts", "stack")
LOCK = os.path.join(SRC, "tests", "requirements", "airflow.lock")
CHROMIUM = os.environ.get("SLUICE_CHROMIUM", "/usr/lib/chromium/chromium")
COUNT = 2000
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common_support  # noqa: E402
from common_support import closed_port  # noqa: E402
from ingest_support import MockApi, check, fail, unique  # noqa: E402
DAG = "user_automation"
TASK = "stream_data_from_api"


def use_venv():
    """Re-executes this test in a venv with the pinned Playwright (built once per lock)."""
    common_support.use_venv(
        LOCK, os.environ.get("SLUICE_AIRFLOW_TEST_VENV",
                             os.path.join(os.path.dirname(BIN), "airflow-test-venv")),
        os.environ.get("SLUICE_AIRFLOW_TEST_PYTHON", "/usr/bin/python3"), "0602")


def load_rest():
    """The project's REST client, airflow/rest (a script without .py)."""
    path = os.path.join(SRC, "airflow", "rest")
    loader = importlib.machinery.SourceFileLoader("airflow_rest", path)
    spec = importlib.util.spec_from_loader("airflow_rest", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def redact(text):
    """The stack prints the admin's password once, on the first start: not into our log."""
    return re.sub(r"(login admin / )\S+", r"\1***", text)


def ensure_airflow():
    """True when this test started Airflow (and so stops it)."""
    st = subprocess.run([STACK, "status", "airflow"], capture_output=True, text=True)
    if st.returncode == 0:
        print("0602: using the running Airflow: " + st.stdout.splitlines()[0].split("  ")[-1])
        return False
    env = dict(os.environ, SLUICE_BIN=BIN)
    t0 = time.time()
    up = subprocess.run([STACK, "up", "airflow"], env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
    if up.returncode != 0:
        fail("scripts/stack up airflow: exit %d\n%s" % (up.returncode, redact(up.stdout)[-4000:]))
    print("0602: started Airflow in %.0f s" % (time.time() - t0))
    return True


def seconds(delta):
    """A retry_delay as the API gives it: a TimeDelta object or a number of seconds."""
    if isinstance(delta, dict):
        return delta.get("days", 0) * 86400 + delta.get("seconds", 0)
    return float(delta or 0)


def task_log(client, run_id, try_number):
    quoted = urllib.parse.quote(run_id, safe="")
    return json.dumps(client.get("/api/v2/dags/%s/dagRuns/%s/taskInstances/%s/logs/%d"
                                 "?full_content=true" % (DAG, quoted, TASK, try_number)))


def task_instance(client, run_id):
    quoted = urllib.parse.quote(run_id, safe="")
    return client.get("/api/v2/dags/%s/dagRuns/%s/taskInstances/%s" % (DAG, quoted, TASK))


def read_keys(topic, want, timeout=120):
    """Keys on the topic, polled until `want` arrived or the deadline (kcat -e stops at the end)."""
    deadline = time.time() + timeout
    keys = []
    while True:
        r = subprocess.run(["kcat", "-b", BROKERS, "-C", "-t", topic, "-e", "-q", "-f", "%k\\n"],
                           capture_output=True, text=True, timeout=120)
        keys = [k for k in r.stdout.split("\n") if k]
        if len(keys) >= want or time.time() >= deadline:
            return keys
        time.sleep(1)


def grid_states(client, runs, shot):
    """The state the DAG's grid shows for each run's task, read from the cell's tooltip."""
    from playwright.sync_api import sync_playwright

    states = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-default-apps", "--disable-sync", "--no-first-run"])
        try:
            # Wide enough for the grid's ten newest runs: ours are on the right.
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.set_default_timeout(240_000)
            # The UI's own login form (the simple auth manager's), then on to the DAG.
            page.goto("%s/auth/login?next=%s" % (client.url, urllib.parse.quote("/dags/" + DAG)))
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", client.password())
            page.click("button[type=submit]")
            page.wait_for_url("**/dags/%s" % DAG)
            for run_id in runs:
                bar = page.locator('div[data-run-id="%s"] a[href$="/runs/%s/"]' % (run_id, run_id))
                bar.wait_for(state="attached")  # the run's bar, an empty link over it
                cell = page.locator('a[data-testid="grid-%s-%s"]' % (run_id, TASK))
                cell.hover()
                tip = page.locator("[role=tooltip]", has_text="Run ID: " + run_id)
                tip.wait_for(state="visible")
                m = re.search(r"State: (\w+)", tip.inner_text())
                states[run_id] = m.group(1) if m else None
                page.mouse.move(0, 0)
                tip.wait_for(state="hidden")
            page.screenshot(path=shot)
        finally:
            browser.close()
    return states


def main():
    use_venv()
    check(os.access(BIN, os.X_OK), "no sluice binary at %s" % BIN)
    check(os.access(CHROMIUM, os.X_OK), "no chromium at %s (apt-get install chromium)" % CHROMIUM)
    rest = load_rest()
    started = ensure_airflow()
    mock = None
    try:
        client = rest.Client(timeout=60)
        why = client.not_ready()
        check(why is None, "Airflow is up but not ready: %s" % why)
        mock = MockApi()
        url = mock.url
        topic = unique("0602")
        r = subprocess.run([BIN, "schema", "--skip-cassandra", "-b", BROKERS, "-t", topic,
                            "--partitions", "3"], capture_output=True, text=True)
        check(r.returncode == 0, "sluice schema: %s" % r.stderr)

        task = client.get("/api/v2/dags/%s/tasks/%s" % (DAG, TASK))
        retries = int(task["retries"])
        delay = seconds(task["retry_delay"])

        good = client.trigger({"count": COUNT, "topic": topic, "source": url, "seed": "0602",
                               "batch": 500})["dag_run_id"]
        bad = client.trigger({"count": 100, "topic": topic + ".bad", "source": url,
                              "brokers": "127.0.0.1:%d" % closed_port(),
                              "metadata_timeout": 2})["dag_run_id"]
        sneaky = client.trigger({"count": 1, "bin": "/bin/true"})["dag_run_id"]
        # One run at a time (max_active_runs=1); a try costs 20-60 s of Airflow on a loaded
        # machine, a failing task retries + 1 tries with `delay` between them.
        deadline = time.time() + 600 + 2 * (retries + 1) * (90 + delay)
        t0 = time.time()
        ends = {run_id: client.wait(run_id, deadline) for run_id in (good, bad, sneaky)}
        took = time.time() - t0

        check(ends[good]["state"] == "success",
              "good run %s ended %s:\n%s" % (good, ends[good]["state"],
                                             task_log(client, good, 1)[-3000:]))
        log = task_log(client, good, task_instance(client, good)["try_number"])
        check("into %s " % topic in log, "the conf's topic did not reach sluice ingest")
        keys = read_keys(topic, COUNT)
        check(len(keys) == COUNT, "topic %s holds %d messages, want %d" % (topic, len(keys), COUNT))
        check(len(set(keys)) == COUNT,
              "topic %s holds %d distinct users, want %d" % (topic, len(set(keys)), COUNT))

        check(ends[bad]["state"] == "failed", "run with a dead broker ended %s" % ends[bad]["state"])
        ti = task_instance(client, bad)
        check(ti["state"] == "failed", "its task is %s, want failed" % ti["state"])
        check(ti["try_number"] == retries + 1,
              "its task ran %d tries, want %d (retries=%d)" % (ti["try_number"], retries + 1,
                                                               retries))
        for n in range(1, retries + 2):
            check("did not answer within 2000 ms" in task_log(client, bad, n),
                  "try %d of the failing run has no clear error from sluice ingest" % n)

        check(ends[sneaky]["state"] == "failed", "run with bin in its conf ended %s"
              % ends[sneaky]["state"])
        check("not allowed" in task_log(client, sneaky, 1),
              "the run with bin in its conf did not fail on the conf")
        check("Running command" not in task_log(client, sneaky, 1),
              "the run with bin in its conf ran a command")

        shot = os.environ.get("SLUICE_AIRFLOW_SCREENSHOT") or os.path.join(
            os.path.dirname(BIN), "0602-airflow-dag.png")
        states = grid_states(client, [good, bad], shot)
        check(states.get(good) == "Success", "the grid shows the good run as %r" % states.get(good))
        check(states.get(bad) == "Failed", "the grid shows the failing run as %r" % states.get(bad))
        print("ok: run %s success with %d distinct users on %s; dead brokers failed after %d "
              "tries; bin in the conf refused; the grid shows Success and Failed (runs %.0f s, "
              "screenshot %s)" % (good, COUNT, topic, retries + 1, took, shot))
    finally:
        if mock:
            mock.stop()
        if started:
            subprocess.run([STACK, "down", "airflow"], stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
