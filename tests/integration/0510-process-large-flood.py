"""0510 process large flood: 2,000 messages of 900 KB among 20,000 good ones keep the
processor's memory within its caps.

Two runs of `sluice process` with the caps --prefetch-kbytes 8192 (eight times the
default, the larger bound) and --dlq-buffer-kbytes 16384 (the default), each until everything is stored or dead-lettered, then SIGTERM
(exit 0, summary counts exact); the peak resident set is VmHWM of /proc/<pid>/status read
just before the signal:

1. base: a topic of the 20,000 good records only (its own keyspace);
2. flood: the same 20,000 good records with, after every tenth, one message of 900 KB
   (2,000 in all; half a JSON record whose picture is 900 KB long, half bytes that are not
   JSON): each is `too_large` (above 64 KiB) and goes to the dead-letter topic whole.

The source topic is created with max.message.bytes 2 MB (checked through the admin API,
with the dead-letter topic's 8 MB) so the broker takes the large ones.

The bound. Under ASan freed memory waits in a quarantine (256 MB by default) before reuse;
that is the sanitizer's, not the program's, so the test caps it (ASAN_OPTIONS
quarantine_size_mb=16) in both runs and counts it once. Everything else a large message can
pin is covered by a cap, and the caps are what the flood may add to the base:
  - the consumer queue, at most the prefetch cap (8 MB), plus one fetch response being
    filled while the queue is at its cap (fetch.max.bytes = the prefetch cap, 8 MB);
  - messages taken out of the queue but held (at most one consume call, so at most one
    prefetch more: 8 MB);
  - the dead letters in flight: the cap (16 MB) plus the one that went beyond it (900 KB);
  - the quarantine (16 MB).
So peak(flood) <= peak(base) + 8 + 8 + 8 + 16.9 + 16 MB = peak(base) + 57 MB, plus 10% of
that for allocator rounding and page granularity: 63 MB. Measured on the 2-core machine at
a load average of 10-18 (2026-12-02): the ASan build 68.0 MB base, 76.5 MB flood (77.9 MB
with the default 256 MB quarantine: large blocks barely stay in it); the release build
32.7 MB base, 53.8 MB flood.

Then: every good row in Cassandra, field by field (both runs); the dead-letter topic holds
exactly 2,000 messages (its end offsets), each read back once with its key, its 900 KB
unchanged (SHA-256) and reason `too_large`.
"""
import hashlib
import json
import os
import signal
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_support as cs  # noqa: E402

cs.use_venv()

from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import ConfigResource  # noqa: E402

from process_support import (Cassandra, Processor, assert_table_equals, check,  # noqa: E402
                             fail, schema)

GOOD, LARGE, EVERY, SIZE, PARTS = 20000, 2000, 10, 900 * 1024, 3
PREFETCH_MB, DLQ_MB, QUARANTINE_MB, LARGEST_MB = 8, 16, 16, SIZE / 2**20
ALLOWED_MB = (PREFETCH_MB * 3 + DLQ_MB + LARGEST_MB + QUARANTINE_MB) * 1.1


def good_record(i):
    return {"id": str(uuid.UUID(int=(0x5109 << 112) | i, version=4)),
            "first_name": "First%d" % i, "last_name": "Last%d" % (i % 977), "gender": "female",
            "address": "%d Main Street, Town, State, Country" % i, "post_code": "%05d" % i,
            "email": "user%d@example.com" % i, "username": "user%d" % i,
            "dob": "1980-01-02T03:04:05.678Z", "registered_date": "2010-05-06T07:08:09.010Z",
            "phone": "(555) %07d" % i, "picture": "https://example.com/%d.jpg" % i}


def large_value(k):
    """Message k of the flood: 900 KB exactly, a JSON record or not JSON at all."""
    if k % 2 == 0:
        rec = good_record(10**6 + k)
        rec["picture"] = ""
        head = json.dumps(rec)[:-2]  # ends with "picture": "
        return (head + "x" * (SIZE - len(head) - 2) + '"}').encode()
    return (b"not json %d " % k).ljust(SIZE, b"#")


def produce(topic, messages):
    p = Producer({"bootstrap.servers": cs.BROKERS, "enable.idempotence": True, "acks": "all",
                  "message.max.bytes": 2 * 2**20, "queue.buffering.max.kbytes": 65536})
    errors, acked = [], [0]

    def report(err, msg):
        if err:
            errors.append(str(err))
        else:
            acked[0] += 1

    for key, value in messages:
        while True:
            try:
                p.produce(topic, key=key, value=value, on_delivery=report)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    check(p.flush(600) == 0, "producer did not flush")
    check(not errors, "produce errors %r" % errors[:3])
    check(acked[0] == len(messages), "acknowledged %d of %d" % (acked[0], len(messages)))


def topic_config(topic, name):
    adm = cs.admin()
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    for f in adm.describe_configs([res]).values():
        return int(f.result(timeout=60)[name].value)


def set_max_message_bytes(topic, n):
    from confluent_kafka.admin import AlterConfigOpType, ConfigEntry
    adm = cs.admin()
    res = ConfigResource(ConfigResource.Type.TOPIC, topic, incremental_configs=[
        ConfigEntry("max.message.bytes", str(n), incremental_operation=AlterConfigOpType.SET)])
    for f in adm.incremental_alter_configs([res]).values():
        f.result(timeout=60)
    deadline = time.time() + 60
    while topic_config(topic, "max.message.bytes") != n:
        check(time.time() < deadline, "max.message.bytes of %s not %d" % (topic, n))
        time.sleep(0.5)


def vm_hwm_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    fail("no VmHWM for pid %d" % pid)


def run(topic, keyspace, good, large):
    """Runs the processor until good rows are written and large ones dead-lettered; returns
    its peak RSS in MB."""
    p = Processor(topic, keyspace, "--prefetch-kbytes", "8192")
    deadline = time.time() + 1200
    while True:
        m = p.metrics()
        if (m.get("sluice_process_rows_written_total", 0) >= good and
                m.get('sluice_process_dead_lettered_total{reason="too_large"}', 0) >= large):
            break
        if p.proc.poll() is not None or time.time() > deadline:
            p.kill()
            fail("processor exit %s before %d rows and %d dead letters; metrics %r; log:\n%s"
                 % (p.proc.returncode, good, large,
                    {k: v for k, v in m.items() if "written" in k or "dead" in k}, p.log_tail()))
        time.sleep(0.5)
    peak = vm_hwm_mb(p.proc.pid)
    rc, summary, _ = p.stop(signal.SIGTERM, timeout=120)
    check(rc == 0 and summary, "process exit %s; log:\n%s" % (rc, p.log_tail()))
    s = summary["summary"]
    check(s["consumed"] == good + large and s["written"] == good and s["dead_lettered"] == large,
          "summary %r, want %d written and %d dead-lettered" % (s, good, large))
    return peak


def read_dlq(topic, want):
    """Every message of the dead-letter topic: checks the end offsets sum to want, then
    reads them all; returns {key: (sha256, reason)}."""
    dlq = topic + ".dlq"
    parts = len(cs.topics_of_cluster()[dlq].partitions)
    wm = cs.watermarks(dlq, parts)
    total = sum(hi - lo for lo, hi in wm.values())
    check(total == want, "dead-letter topic holds %d messages, want %d" % (total, want))
    c = Consumer({"bootstrap.servers": cs.BROKERS, "group.id": "it-0510-" + uuid.uuid4().hex,
                  "enable.auto.commit": False, "fetch.message.max.bytes": 2 * 2**20})
    c.assign([TopicPartition(dlq, p, wm[p][0]) for p in range(parts)])
    got = {}
    deadline = time.time() + 600
    try:
        while len(got) < want:
            check(time.time() < deadline, "read %d of %d dead letters" % (len(got), want))
            m = c.poll(1.0)
            if m is None or m.error():
                continue
            key = m.key().decode()
            check(key not in got, "dead letter %s twice" % key)
            headers = dict(m.headers() or [])
            got[key] = (hashlib.sha256(m.value()).hexdigest(),
                        (headers.get("reason") or b"").decode())
    finally:
        c.close()
    return got


def main():
    base_topic, base_ks = schema("0510b", partitions=PARTS)
    topic, keyspace = schema("0510", partitions=PARTS)
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=%d" % QUARANTINE_MB).lstrip(":")
    try:
        set_max_message_bytes(topic, 2 * 2**20)
        check(topic_config(topic + ".dlq", "max.message.bytes") >= 8 * 2**20,
              "the dead-letter topic takes 8 MB messages")
        good = [good_record(i) for i in range(GOOD)]
        good_msgs = [(r["id"], json.dumps(r).encode()) for r in good]
        produce(base_topic, good_msgs)
        flood, large = [], {}
        for i, kv in enumerate(good_msgs):
            flood.append(kv)
            if i % EVERY == EVERY - 1:
                k = len(large)
                key, value = "large-%04d-%s" % (k, uuid.uuid4()), large_value(k)
                check(len(value) == SIZE, "large message size %d" % len(value))
                large[key] = hashlib.sha256(value).hexdigest()
                flood.append((key, value))
        check(len(large) == LARGE, "%d large messages" % len(large))
        produce(topic, flood)
        del flood

        base = run(base_topic, base_ks, GOOD, 0)
        c = Cassandra()
        try:
            assert_table_equals(c.rows(base_ks), good)
        finally:
            c.close()
        print("base run: peak RSS %.1f MB" % base)

        peak = run(topic, keyspace, GOOD, LARGE)
        print("flood run: peak RSS %.1f MB; bound %.1f MB (base %.1f + %.1f)"
              % (peak, base + ALLOWED_MB, base, ALLOWED_MB))
        check(peak <= base + ALLOWED_MB, "peak RSS %.1f MB above %.1f MB (base %.1f + %.1f)"
              % (peak, base + ALLOWED_MB, base, ALLOWED_MB))
        c = Cassandra()
        try:
            assert_table_equals(c.rows(keyspace), good)
        finally:
            c.close()
        dead = read_dlq(topic, LARGE)
        check(set(dead) == set(large), "dead letters: %d missing, %d unexpected"
              % (len(set(large) - set(dead)), len(set(dead) - set(large))))
        bad = [k for k, (sha, reason) in dead.items() if sha != large[k] or reason != "too_large"]
        check(not bad, "%d dead letters changed or with another reason, e.g. %r"
              % (len(bad), [(k, dead[k][1]) for k in bad[:3]]))
        print("ok: 0510 %d good rows exact, %d dead letters of %d KB exact; peak RSS %.1f MB "
              "(base %.1f MB, bound %.1f MB)" % (GOOD, LARGE, SIZE // 1024, peak, base,
                                                 base + ALLOWED_MB))
    finally:
        cs.drop([base_topic, base_topic + ".dlq", topic, topic + ".dlq"], None)
        c = Cassandra()
        try:
            c.drop(base_ks)
            c.drop(keyspace)
        finally:
            c.close()


if __name__ == "__main__":
    main()
