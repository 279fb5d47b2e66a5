"""The Python side of the schema-registry integration tests (07NN-registry-*): Confluent's
own client library (confluent-kafka's SchemaRegistryClient, AvroSerializer and
AvroDeserializer) as the independent implementation that sluice's Avro must agree with.

    python3 registry_support.py ensure-venv
        makes (once, under a lock) the venv of tests/integration/requirements-registry.txt
        and prints its python; SLUICE_REGISTRY_VENV overrides where it lives.
    VENV_PYTHON registry_support.py decode URL TOPIC FILE
        FILE holds lines "<hex of a framed message>\\t<the record as JSON>": each message is
        decoded by AvroDeserializer (its writer schema fetched from the registry by id) and
        must equal the record field by field. Prints "decoded N".
    VENV_PYTHON registry_support.py produce URL TOPIC SCHEMA_FILE N OUT
        serializes N users with AvroSerializer under TOPIC-value, first with the schema in
        SCHEMA_FILE, then with an evolved writer (one extra field with a default, two fields
        swapped); writes lines "<writer: v1|evolved>\\t<hex>\\t<record JSON>" to OUT and
        prints the two schema ids.
    VENV_PYTHON registry_support.py register URL SUBJECT SCHEMA_FILE v1|evolved
        registers the schema in SCHEMA_FILE (or its evolved form) under SUBJECT with the
        client's register_schema; prints the id.
    VENV_PYTHON registry_support.py send TOPIC FILE
        produces FILE's lines "<partition>\t<hex key>\t<hex value>" as they are (raw bytes)
        to TOPIC with confluent-kafka's Producer (SLUICE_TEST_BROKERS) and waits for every
        acknowledgement. Prints "sent N".
    VENV_PYTHON registry_support.py read-topic URL TOPIC N OUT
        consumes TOPIC from the start until N messages are read (or 120 s pass); writes one
        JSON line per message to OUT: partition, offset, key, and for a value framed as
        Confluent Avro (magic byte 0) its schema id and the record AvroDeserializer decoded;
        for any other value the text. Prints "read N".
"""
import json
import os
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common_support import BROKERS, FIELDS, SOURCE, fail, make_venv  # noqa: E402

LOCK = os.path.join(HERE, "requirements-registry.txt")


def ensure_venv():
    venv = os.environ.get("SLUICE_REGISTRY_VENV") or os.path.join(SOURCE, "build", "registry-venv")
    print(make_venv(LOCK, venv, sys.executable, "registry_support", isolated=True))


def venv_python():
    """For the tests run by the system python: the venv's python (made if needed)."""
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "ensure-venv"],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        fail("ensure-venv: %s" % p.stderr[-2000:])
    return p.stdout.strip().splitlines()[-1]


def run_venv(python, *args, timeout=600):
    """Runs a command of this file in the venv; returns its stdout's last line."""
    p = subprocess.run([python, os.path.abspath(__file__)] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        fail("registry_support %s: exit %d\n%s" % (args[0], p.returncode, p.stderr[-3000:]))
    return p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""


def reg_get(url, path):
    """GET of the registry's REST API (url: its base), the answer's JSON."""
    import urllib.request
    with urllib.request.urlopen(url + path, timeout=30) as r:
        return json.loads(r.read())


def reg_post(url, path, body, method="POST"):
    """POST (or another method) of body as JSON to the registry's REST API; the answer's JSON."""
    import urllib.request
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def avro_string(b):
    """An Avro string: zigzag varint length, then the bytes."""
    n, out = len(b) << 1, bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + b


def framed(schema_id, body):
    """A value in the Confluent wire format: magic byte 0, the id big-endian, the body."""
    return b"\0" + schema_id.to_bytes(4, "big") + body


def client(url):
    from confluent_kafka.schema_registry import SchemaRegistryClient
    return SchemaRegistryClient({"url": url})


def as_text(v):
    # fastavro turns logicalType uuid into uuid.UUID; the record holds the canonical text
    return str(v) if isinstance(v, uuid.UUID) else v


def decode(url, topic, path):
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    des = AvroDeserializer(client(url))
    ctx = SerializationContext(topic, MessageField.VALUE)
    n = 0
    with open(path) as f:
        for line in f:
            hexed, want = line.rstrip("\n").split("\t", 1)
            want = json.loads(want)
            got = des(bytes.fromhex(hexed), ctx)
            if sorted(got) != sorted(FIELDS):
                fail("message %d: fields %r" % (n, sorted(got)))
            for k in FIELDS:
                if as_text(got[k]) != want[k]:
                    fail("message %d field %s: %r, want %r" % (n, k, got[k], want[k]))
            n += 1
    print("decoded %d" % n)


def user(i):
    """A deterministic user whose text exercises what JSON and Avro must carry."""
    names = [("Jennie", "Nichols"), ("Анна", "Коваленко"), ("رضا", "محمدی"),
             ("Zoë \"Z\" O'Neil", "Ødegård"), ("Tab\tName", "Back\\slash"), ("😀 Emoji", "Ng")]
    first, last = names[i % len(names)]
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "sluice-0701-%d" % i)),
        "first_name": first,
        "last_name": last,
        "gender": "female" if i % 2 else "male",
        "address": "%d Main St\nApt %d, Springfield, State, Country" % (i, i % 7),
        "post_code": str(10000 + i),
        "email": "user%d@example.com" % i,
        "username": "user_%d" % i,
        "dob": "19%02d-0%d-1%dT08:30:00.000Z" % (50 + i % 40, 1 + i % 9, i % 10),
        "registered_date": "2015-06-1%dT12:00:00Z" % (i % 10),
        "phone": "" if i % 5 == 0 else "(555) 010-%04d" % i,
        "picture": "https://randomuser.me/api/portraits/med/women/%d.jpg" % (i % 99),
    }


def evolved(schema_text):
    """The record's schema with an extra field that has a default, and two fields swapped."""
    s = json.loads(schema_text)
    f = s["fields"]
    i, j = FIELDS.index("first_name"), FIELDS.index("email")
    f[i], f[j] = f[j], f[i]
    f.insert(3, {"name": "nickname", "type": ["null", "string"], "default": None,
                 "doc": "added by a newer producer"})
    return json.dumps(s)


def produce(url, topic, schema_file, n, out):
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    schema_text = open(schema_file).read()
    reg = client(url)
    ctx = SerializationContext(topic, MessageField.VALUE)
    ids = {}
    with open(out, "w") as o:
        for name, text in (("v1", schema_text), ("evolved", evolved(schema_text))):
            ser = AvroSerializer(reg, text, conf={"auto.register.schemas": True})
            for i in range(n):
                rec = user(i if name == "v1" else n + i)
                value = dict(rec)
                if name == "evolved":
                    value["nickname"] = None if i % 2 else "nick %d" % i
                data = ser(value, ctx)
                if data[0] != 0:
                    fail("serializer wrote magic byte %d" % data[0])
                ids[name] = int.from_bytes(data[1:5], "big")
                o.write("%s\t%s\t%s\n" % (name, data.hex(), json.dumps(rec, ensure_ascii=False)))
    print("ids v1=%d evolved=%d" % (ids["v1"], ids["evolved"]))


def register(url, subject, schema_file, which):
    from confluent_kafka.schema_registry import Schema
    text = open(schema_file).read()
    if which == "evolved":
        text = evolved(text)
    print(client(url).register_schema(subject, Schema(text, "AVRO")))


def send(topic, path):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": BROKERS, "enable.idempotence": True, "linger.ms": 5})
    errors, acked, n = [], [0], 0

    def done(err, msg):
        if err:
            errors.append(str(err))
        else:
            acked[0] += 1

    with open(path) as f:
        for line in f:
            part, key, value = line.rstrip("\n").split("\t")
            p.produce(topic, value=bytes.fromhex(value), key=bytes.fromhex(key),
                      partition=int(part), on_delivery=done)
            n += 1
            p.poll(0)
    left = p.flush(120)
    if errors or left or acked[0] != n:
        fail("send: %d acknowledged of %d, %d left, errors %r" % (acked[0], n, left, errors[:3]))
    print("sent %d" % n)


def read_topic(url, topic, n, out):
    import time
    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    des = AvroDeserializer(client(url))
    ctx = SerializationContext(topic, MessageField.VALUE)
    c = Consumer({"bootstrap.servers": BROKERS, "group.id": "registry-support-%d" % os.getpid(),
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    meta = c.list_topics(topic, timeout=30).topics[topic]
    c.assign([TopicPartition(topic, p, 0) for p in meta.partitions])
    got, deadline = [], time.time() + 120
    while len(got) < n and time.time() < deadline:
        m = c.poll(1.0)
        if m is None or m.error():
            continue
        v = m.value() or b""
        row = {"partition": m.partition(), "offset": m.offset(),
               "key": (m.key() or b"").decode("utf-8", "replace")}
        if v[:1] == b"\0":
            row["id"] = int.from_bytes(v[1:5], "big")
            row["record"] = {k: as_text(x) for k, x in des(v, ctx).items()}
        else:
            row["text"] = v.decode("utf-8", "replace")
        got.append(row)
    c.close()
    with open(out, "w") as o:
        for row in got:
            o.write(json.dumps(row, ensure_ascii=False) + "\n")
    print("read %d" % len(got))


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd = sys.argv[1]
    if cmd == "ensure-venv":
        ensure_venv()
    elif cmd == "decode" and len(sys.argv) == 5:
        decode(*sys.argv[2:5])
    elif cmd == "produce" and len(sys.argv) == 7:
        produce(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
    elif cmd == "register" and len(sys.argv) == 6:
        register(*sys.argv[2:6])
    elif cmd == "send" and len(sys.argv) == 4:
        send(sys.argv[2], sys.argv[3])
    elif cmd == "read-topic" and len(sys.argv) == 6:
        read_topic(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        fail("bad arguments: %r" % sys.argv[1:])


if __name__ == "__main__":
    main()
