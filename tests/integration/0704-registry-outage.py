"""0704 registry-outage: the schema registry stopped while `sluice process --registry` runs.

The stack's registry (in-memory storage) is restarted first and ten throwaway schemas are
registered, so that the record's id is past the few ids a fresh registry's start uses up;
after the restart in the middle of the test, throwaway schemas are registered again until
the registry's next id is the record's, so that the same schemas registered in the same
order get the same ids as the messages on the topic carry. Then:

  - `sluice schema --registry` registers the record's schema (id A), confluent-kafka's
    AvroSerializer registers an evolved writer (id B, an extra field with a default) and
    serializes records with both; `sluice ingest --format avro` fills a 3-partition topic;
  - the processor stores those (it has fetched and cached id A);
  - `scripts/stack stop registry`; records with id A go to partitions 1 and 2, records
    with id B (not cached) to partition 0;
  - the processor keeps storing the id-A records, and waits on partition 0: nothing is
    dead-lettered, no row of an id-B record appears, partition 0's lag covers every id-B
    message (nothing committed past them), and it says it waits;
  - while it waits, `sluice_process_decode_waits` (with its HELP and TYPE lines) is 1;
  - `scripts/stack up registry` (empty storage), throwaway schemas up to id A - 1, and
    `sluice schema` registers the record's schema again and gets id A. The processor, still
    running, now asks the registry for id B and gets a 404 (the restart race): it must not
    believe it (`--registry-lost-wait 600`): it logs that the registry may have restarted
    empty, partition 0 still waits (gauge 1), no row, no dead letter. Then the evolved
    writer is registered again and gets id B;
  - the table is exact, every column, the dead-letter topic is empty and the gauge is 0.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import (MockApi, expected_users, page_urls, read_topic,  # noqa: E402
                            run_ingest)
from process_support import (Cassandra, Processor, assert_table_equals,  # noqa: E402
                             check, fail, schema)
import registry_support as rs  # noqa: E402
from common_support import BIN, stack, wait_for  # noqa: E402
from common_support import REGISTRY as REG  # noqa: E402

N_INGEST, N_SERDE, PAD = 300, 30, 10


def registry_answers():
    try:
        with urllib.request.urlopen(REG + "/subjects", timeout=5):
            return True
    except Exception:  # noqa: BLE001 - refused, reset, timed out
        return False


def register_record(topic):
    p = subprocess.run([BIN, "schema", "--skip-kafka", "--skip-cassandra", "-t", topic,
                        "--registry", REG], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "sluice schema --registry: exit %d\n%s" % (p.returncode,
                                                                       p.stderr[-2000:]))
    return int(p.stdout.strip())


def register_pad(topic, i):
    """Registers a throwaway schema (distinct for each i) under <topic>-pad-value; its id."""
    body = json.dumps({"schema": json.dumps({"type": "record", "name": "Pad%d" % i,
                                             "namespace": "sluice.test", "fields": []})})
    req = urllib.request.Request(REG + "/subjects/%s-pad-value/versions" % topic,
                                 data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["id"]


def pad_to(topic, next_id, start):
    """Registers throwaway schemas until the registry's next id is next_id (ids are given
    in sequence; the stack's readiness probe takes a varying few of them after a start)."""
    i = start
    while True:
        got = register_pad(topic, i)
        i += 1
        if got == next_id - 1:
            return i
        check(got < next_id - 1, "the registry gave id %d, past %d" % (got, next_id - 1))


def lag(proc, topic, partition):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % proc.port, timeout=5).read()
    m = re.search(r'sluice_process_lag_messages\{topic="%s",partition="%d"\} (\d+)'
                  % (re.escape(topic), partition), text.decode())
    return int(m.group(1)) if m else None


def main():
    py = rs.venv_python()
    stack("stop", "registry", timeout=900)
    stack("up", "registry", timeout=900)
    topic, keyspace = schema("reg_outage", partitions=3)
    work = tempfile.mkdtemp(prefix="sluice-0704-")
    mock = MockApi()
    db = Cassandra()
    proc = None
    try:
        # ids well above what a fresh registry's first few are, so that after the restart
        # below the same ids can be reached again
        first = register_pad(topic, 0)
        pads = pad_to(topic, first + PAD, 1)
        id_a = register_record(topic)
        schema_file = os.path.join(work, "schema.avsc")
        with open(schema_file, "w") as f:
            f.write(subprocess.run([BIN, "schema", "--print-avro"], capture_output=True,
                                   text=True, check=True).stdout.rstrip("\n"))
        serde = os.path.join(work, "serde.tsv")
        ids = rs.run_venv(py, "produce", REG, topic, schema_file, N_SERDE, serde)
        m = re.match(r"ids v1=(\d+) evolved=(\d+)", ids)
        check(m and int(m.group(1)) == id_a, "serializer ids %r, record's %d" % (ids, id_a))
        id_b = int(m.group(2))
        check(id_b == id_a + 1, "the evolved writer got id %d after %d" % (id_b, id_a))
        rc, _, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(N_INGEST),
                                "--batch", "100", "--seed", "outage", "--format", "avro",
                                "--registry", REG)
        check(rc == 0, "ingest --format avro: exit %d\n%s" % (rc, err[-3000:]))
        users = expected_users(page_urls(mock.url, N_INGEST, 100, "outage"))

        proc = Processor(topic, keyspace, "--registry", REG, "--registry-lost-wait", "600")
        proc.wait_metric("sluice_process_rows_written_total", N_INGEST)
        print("ok: %d Avro records (id %d) stored with the registry up" % (N_INGEST, id_a))

        stack("stop", "registry", timeout=900)
        check(not registry_answers(), "the registry still answers after stop")
        cached, waiting, lines = [], [], []
        for line in open(serde):
            writer, hexed, rec = line.rstrip("\n").split("\t")
            rec = json.loads(rec)
            if writer == "v1":
                part = 1 + len(cached) % 2
                cached.append(rec)
            else:
                part = 0
                waiting.append(rec)
            lines.append("%d\t%s\t%s" % (part, rec["id"].encode().hex(), hexed))
        send_file = os.path.join(work, "send.tsv")
        with open(send_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        check(rs.run_venv(py, "send", topic, send_file) == "sent %d" % len(lines), "send")

        proc.wait_metric("sluice_process_rows_written_total", N_INGEST + len(cached))
        wait_for(lambda: len(re.findall(r"partition 0 offset \d+ waits", proc.log_text())) >= 3,
                 "the processor says partition 0 waits", 300, 0.3)
        wait_for(lambda: (lag(proc, topic, 0) or 0) >= len(waiting),
                 "partition 0's lag covers the waiting messages", 60, 0.3)
        rows = db.rows(keyspace)
        check(not any(r["id"] in rows for r in waiting), "a waiting record was stored")
        check(len(rows) == N_INGEST + len(cached), "%d rows while waiting, want %d"
              % (len(rows), N_INGEST + len(cached)))
        check(read_topic(topic + ".dlq") == [], "dead letters while the registry was down")
        m = proc.metrics()
        check(m.get("sluice_process_messages_consumed_total", -1) == N_INGEST + len(cached),
              "consumed %r while waiting" % m.get("sluice_process_messages_consumed_total"))
        wait_for(lambda: proc.metrics().get("sluice_process_decode_waits") == 1,
                 "sluice_process_decode_waits is 1", timeout=60)
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % proc.port,
                                      timeout=5).read().decode()
        check("# HELP sluice_process_decode_waits " in text and
              "# TYPE sluice_process_decode_waits gauge" in text, "decode_waits HELP/TYPE")
        print("ok: registry down: %d cached-id records stored, %d with id %d wait on "
              "partition 0, uncommitted, none dead-lettered" % (len(cached), len(waiting), id_b))

        # back with empty storage; the record's schema in again, the evolved one not yet:
        # the processor's ask for id B gets a 404, which it must not believe
        stack("up", "registry")
        pad_to(topic, id_a, pads)
        again_a = register_record(topic)
        wait_for(lambda: re.search(r"partition 0 offset \d+ waits \d+ ms: schema id %d not found"
                                   r".*restarted empty" % id_b, proc.log_text()),
                 "the processor got a 404 for id %d and waits" % id_b, timeout=120)
        check(proc.metrics().get("sluice_process_decode_waits") == 1, "decode_waits after 404")
        rows = db.rows(keyspace)
        check(not any(r["id"] in rows for r in waiting), "a waiting record was stored")
        check(read_topic(topic + ".dlq") == [], "dead letters after the 404")
        again_b = int(rs.run_venv(py, "register", REG, topic + "-value", schema_file, "evolved"))
        check((again_a, again_b) == (id_a, id_b), "after the restart ids %d, %d; before %d, %d"
              % (again_a, again_b, id_a, id_b))
        proc.wait_metric("sluice_process_rows_written_total", N_INGEST + len(cached) +
                         len(waiting))
        wait_for(lambda: proc.metrics().get("sluice_process_decode_waits") == 0,
                 "sluice_process_decode_waits back to 0", timeout=60)
        rc, summary, _ = proc.stop()
        proc = None
        check(rc == 0, "processor exit %d" % rc)
        assert_table_equals(db.rows(keyspace), users + cached + waiting)
        check(read_topic(topic + ".dlq") == [], "dead letters after the restart")
        print("ok: registry back (re-registered, ids %d and %d again; the 404 for %d in between "
              "waited): table exact, %d rows, no dead letters" % (id_a, id_b, id_b,
                                                                 N_INGEST + len(cached) +
                                                                 len(waiting)))
    finally:
        if proc:
            proc.proc.send_signal(signal.SIGCONT)
            proc.kill()
        if not registry_answers():
            stack("up", "registry", timeout=900)
        mock.stop()
        db.drop(keyspace)
        db.close()


if __name__ == "__main__":
    main()
