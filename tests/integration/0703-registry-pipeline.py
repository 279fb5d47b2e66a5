"""0703 registry-pipeline: Avro through the whole pipeline, against the stack's registry,
Kafka and Cassandra, with Confluent's own client on the other side.

  - registry credentials on the command line are refused (exit 2) by ingest and process;
  - `sluice ingest --format avro` with a registry that does not answer exits 1 before it
    fetches anything (the mock API saw no request, the topic stays empty);
  - `sluice ingest --format avro` of mock-api users: every message on the topic is
    Confluent-framed with the id the registry has for <topic>-value, and confluent-kafka's
    AvroDeserializer decodes each to the user, field by field;
  - the same topic also gets JSON users from `sluice ingest`, records from confluent-kafka's
    AvroSerializer (the record's schema, and an evolved writer: an extra field with a
    default and two fields swapped), JSON records with unknown keys of every JSON type, and
    three poison messages (an id the registry does not know, bytes that are not Avro, a
    writer schema the record cannot read);
  - `sluice process --registry` stores exactly the good records, row by row and field by
    field (read back with python3-cassandra), and dead-letters the three poison messages
    with unknown_schema, bad_avro and incompatible_schema, original bytes kept (the unknown
    id after `--registry-lost-wait 3` s: a 404 is believed only after that wait).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_support import (BROKERS, MockApi, expected_users, page_urls, read_topic,  # noqa: E402
                            run_ingest)
from process_support import (Cassandra, Processor, assert_table_equals, check,  # noqa: E402
                             schema)
import registry_support as rs  # noqa: E402
from common_support import BIN, closed_port  # noqa: E402
from common_support import REGISTRY as REG  # noqa: E402

N_AVRO, N_JSON, N_SERDE, N_UNKNOWN = 600, 400, 40, 30


def reg_get(path):
    return rs.reg_get(REG, path)


def reg_post(path, body):
    return rs.reg_post(REG, path, body)


def with_unknown_keys(rec, i):
    """rec as JSON text with keys the record does not know, of every JSON type, first,
    between known keys and last."""
    kinds = ['"text"', "42", "-1.5e3", "true", "false", "null", "{}", "[]",
             '{"a":{"b":[1,{"c":null}]}}', '[1,"x",[true,false,null],{"id":7}]']
    known = ['"%s":%s' % (k, json.dumps(rec[k], ensure_ascii=False)) for k in rs.FIELDS]
    extra = ['"x_%d_%d":%s' % (i, j, v) for j, v in enumerate(kinds)]
    parts = extra[:3] + known[:6] + extra[3:7] + known[6:] + extra[7:]
    return "{" + ",".join(parts) + "}"


def dead_letters(topic, n, timeout=60):
    """{key: (value size, headers)} of the dead-letter topic, polled until it has n."""
    deadline = time.time() + timeout
    while True:
        p = subprocess.run(["kcat", "-b", BROKERS, "-C", "-t", topic, "-e", "-q", "-f",
                            "%k\t%S\t%h\n"], capture_output=True, timeout=120)
        out = {}
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            key, size, hdrs = line.split("\t", 2)
            out[key] = (int(size), dict(h.split("=", 1) for h in hdrs.split(",") if "=" in h))
        if len(out) >= n or time.time() > deadline:
            return out
        time.sleep(0.5)


def main():
    py = rs.venv_python()
    topic, keyspace = schema("reg_pipe", partitions=3)
    subject = topic + "-value"
    mock = MockApi()
    db = Cassandra()
    work = tempfile.mkdtemp(prefix="sluice-0703-")
    try:
        # registry credentials on the command line are refused, whatever the format
        for cmd in (["ingest", "--format", "avro", "--registry", REG],
                    ["ingest", "--registry", REG], ["process", "--registry", REG]):
            p = subprocess.run([BIN] + cmd + ["-t", topic, "--registry-password", "pw-0703"],
                               capture_output=True, text=True, timeout=120)
            check(p.returncode == 2 and "SLUICE_REGISTRY_PASSWORD" in p.stderr,
                  "%s with --registry-password: exit %d\n%s" % (cmd, p.returncode, p.stderr))
            check("pw-0703" not in p.stdout + p.stderr, "%s printed the password" % cmd)
        print("ok: registry credentials on the command line refused (exit 2)")

        # a registry that does not answer: exit 1, nothing fetched or produced
        dead = "http://127.0.0.1:%d/apis/ccompat/v7" % closed_port()
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", "50",
                                      "--seed", "reg-x", "--format", "avro", "--registry", dead)
        check(rc == 1, "ingest with the registry down: exit %d, want 1\n%s" % (rc, err[-2000:]))
        check(summary is None, "ingest with the registry down printed a summary: %r" % summary)
        check("registry" in err and "fetching from" not in err,
              "ingest with the registry down: %s" % err[-2000:])
        check(read_topic(topic) == [], "the topic got messages though the registry was down")
        print("ok: registry down at start: exit 1, nothing fetched")

        # Avro from sluice ingest, decoded by confluent-kafka
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(N_AVRO),
                                      "--batch", "200", "--seed", "reg-a", "--format", "avro",
                                      "--registry", REG)
        check(rc == 0, "ingest --format avro: exit %d\n%s" % (rc, err[-3000:]))
        users_avro = expected_users(page_urls(mock.url, N_AVRO, 200, "reg-a"))
        sid = reg_get("/subjects/%s/versions/latest" % subject)["id"]
        level = reg_get("/config/%s" % subject)
        check(level.get("compatibilityLevel") == "FULL", "the subject's compatibility: %r" % level)
        out = os.path.join(work, "topic.jsonl")
        got = rs.run_venv(py, "read-topic", REG, topic, N_AVRO, out)
        check(got == "read %d" % N_AVRO, "read-topic: %s" % got)
        rows = [json.loads(l) for l in open(out)]
        want = {u["id"]: u for u in users_avro}
        for row in rows:
            check(row.get("id") == sid, "message %r: schema id %r, want %d" % (
                row["offset"], row.get("id"), sid))
            rec = row["record"]
            check(row["key"] == rec["id"], "key %r, record id %r" % (row["key"], rec["id"]))
            for f in rs.FIELDS:
                check(rec[f] == want[rec["id"]][f], "user %s field %s: %r, want %r"
                      % (rec["id"], f, rec[f], want[rec["id"]][f]))
        check(len({r["record"]["id"] for r in rows}) == N_AVRO, "users twice on the topic")
        print("ok: %d users from ingest --format avro (id %d, FULL) decoded by "
              "AvroDeserializer, field by field" % (N_AVRO, sid))

        # JSON users on the same topic
        rc, summary, err = run_ingest("--source", mock.url, "-t", topic, "--count", str(N_JSON),
                                      "--batch", "200", "--seed", "reg-b")
        check(rc == 0, "ingest (JSON): exit %d\n%s" % (rc, err[-3000:]))
        users_json = expected_users(page_urls(mock.url, N_JSON, 200, "reg-b"))

        # confluent-kafka's serializer: the record's schema and an evolved writer
        schema_file = os.path.join(work, "schema.avsc")
        p = subprocess.run([BIN, "schema", "--print-avro"], capture_output=True, text=True)
        check(p.returncode == 0, "--print-avro: exit %d" % p.returncode)
        with open(schema_file, "w") as f:
            f.write(p.stdout.rstrip("\n"))
        serde = os.path.join(work, "serde.tsv")
        ids = rs.run_venv(py, "produce", REG, topic, schema_file, N_SERDE, serde)
        check(ids.startswith("ids v1=%d " % sid), "the serializer found another id: %s" % ids)
        lines, serde_users = [], []
        for i, line in enumerate(open(serde)):
            _, hexed, rec = line.rstrip("\n").split("\t")
            rec = json.loads(rec)
            serde_users.append(rec)
            lines.append("%d\t%s\t%s" % (i % 3, rec["id"].encode().hex(), hexed))

        # JSON with unknown keys of every type
        unknown_users = [rs.user(5000 + i) for i in range(N_UNKNOWN)]
        for i, rec in enumerate(unknown_users):
            lines.append("%d\t%s\t%s" % (i % 3, rec["id"].encode().hex(),
                                         with_unknown_keys(rec, i).encode().hex()))

        # poison: an unknown id, bytes that are not Avro, a writer the record cannot read
        bad_writer = {"type": "record", "name": "User", "namespace": "sluice",
                      "fields": [{"name": "id", "type": "string"}]}
        bad_id = reg_post("/subjects/%s-other-value/versions" % topic,
                          {"schema": json.dumps(bad_writer)})["id"]
        poison = {
            "poison-unknown": (rs.framed(2147480000, rs.avro_string(b"x")), "unknown_schema"),
            "poison-bad": (rs.framed(sid, b"\x02"), "bad_avro"),
            "poison-incompatible": (
                rs.framed(bad_id, rs.avro_string(unknown_users[0]["id"].encode())),
                "incompatible_schema"),
        }
        for j, (key, (value, _)) in enumerate(poison.items()):
            lines.insert(10 + 25 * j, "%d\t%s\t%s" % (j % 3, key.encode().hex(), value.hex()))
        send_file = os.path.join(work, "send.tsv")
        with open(send_file, "w") as f:
            f.write("\n".join(lines) + "\n")
        got = rs.run_venv(py, "send", topic, send_file)
        check(got == "sent %d" % len(lines), "send: %s" % got)

        # the processor: exact table, three dead letters
        # an unknown id waits --registry-lost-wait before it is unknown_schema
        proc = Processor(topic, keyspace, "--registry", REG, "--idle-exit", "5",
                         "--registry-lost-wait", "3")
        rc, summary = proc.wait_exit(timeout=900)
        check(rc == 0, "processor exit %d; log:\n%s" % (rc, proc.log_tail()))
        expected = users_avro + users_json + serde_users + unknown_users
        assert_table_equals(db.rows(keyspace), expected)
        print("ok: table exact: %d rows (%d Avro from ingest, %d JSON, %d + %d from "
              "AvroSerializer, %d JSON with unknown keys)" % (len(expected), N_AVRO, N_JSON,
                                                              N_SERDE, N_SERDE, N_UNKNOWN))
        dlq = dead_letters(topic + ".dlq", len(poison))
        check(sorted(dlq) == sorted(poison), "dead letters %r, want %r" % (sorted(dlq),
                                                                          sorted(poison)))
        for key, (value, reason) in poison.items():
            size, headers = dlq[key]
            check(headers.get("reason") == reason, "%s: reason %r, want %r"
                  % (key, headers.get("reason"), reason))
            check(headers.get("source.topic") == topic, "%s: headers %r" % (key, headers))
            check(size == len(value), "%s: %d bytes kept, want %d" % (key, size, len(value)))
        print("ok: dead letters unknown_schema, bad_avro, incompatible_schema with the "
              "original bytes")
    finally:
        mock.stop()
        db.drop(keyspace)
        db.close()


if __name__ == "__main__":
    main()
