"""0512 process kafka restart: the stack's Kafka stopped and started under a running
processor -> one line when every broker is down, one when Kafka answers again, no
librdkafka error printed twice, and the table exact.

200 users are processed; then scripts/stack stops the broker. The processor says once that
every broker is down (librdkafka's own FAIL lines say why for each broker); no "ERROR:"
line from librdkafka repeats them. The broker is started again: one line says Kafka answers
again. 200 more users are ingested and processed; SIGTERM; exit 0; the table holds exactly
the 400 users, row by row.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common_support import stack  # noqa: E402
from ingest_support import MockApi, unique  # noqa: E402
from process_support import (Cassandra, Processor, assert_table_equals, check, fail,  # noqa: E402
                             ingest_users, schema)


def wait_log(proc, text, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in proc.log_text():
            return
        if proc.proc.poll() is not None:
            fail("processor exited %s while waiting for %r; log:\n%s"
                 % (proc.proc.returncode, text, proc.log_tail()))
        time.sleep(0.5)
    fail("no %r within %d s; log:\n%s" % (text, timeout, proc.log_tail()))


def main():
    topic, ks = schema("0512", partitions=3)
    mock = MockApi()
    db = Cassandra()
    restarted = False
    try:
        users = ingest_users(mock, topic, 200, unique("seed"), batch=100)
        proc = Processor(topic, ks, "--metadata-timeout", "0")
        proc.wait_metric("sluice_process_rows_written_total", 200)
        stack("stop", "kafka")
        try:
            wait_log(proc, "brokers are down (", 300)
        finally:
            stack("up", "kafka")
            restarted = True
        wait_log(proc, "answers again (after ", 600)
        users += ingest_users(mock, topic, 200, unique("seed"), batch=100)
        proc.wait_metric("sluice_process_rows_written_total", 400, timeout=600)
        rc, summary, _ = proc.stop(timeout=120)
        log = proc.log_text()
        check(rc == 0, "exit %d; log:\n%s" % (rc, proc.log_tail()))
        down = [line for line in log.splitlines() if "brokers are down (" in line]
        again = [line for line in log.splitlines() if "answers again (after " in line]
        repeats = [line for line in log.splitlines() if "ERROR: [thrd" in line]
        check(len(down) == 1, "%d 'brokers are down' lines:\n%s" % (len(down), "\n".join(down)))
        check(len(again) == 1, "%d 'answers again' lines:\n%s" % (len(again), "\n".join(again)))
        check(not repeats, "librdkafka's errors printed again as ERROR:\n%s"
              % "\n".join(repeats[:5]))
        assert_table_equals(db.rows(ks), users)
        print("ok: Kafka restarted under the processor: one 'down' line, one 'again' line, no "
              "ERROR repeats; 400 rows exact")
    finally:
        if not restarted:
            stack("up", "kafka")
        mock.stop()
        db.drop(ks)
        db.close()


if __name__ == "__main__":
    main()
