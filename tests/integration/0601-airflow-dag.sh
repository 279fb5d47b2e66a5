#!/usr/bin/env bash
# 0601 airflow dag: the user_automation DAG, run by Airflow 3 (`airflow dags test` through
# airflow/run-dag-test), streams a fixed number of users from mock-api into Kafka, and the
# topic then holds exactly that many distinct users. The topic comes from an Airflow
# Variable that overrides the environment, a secret from a Variable reaches the ingest's
# environment but neither its command line nor the log, and no setting is on the command
# line.
# With Kafka unreachable the task fails, is retried once, and the run exits non-zero.
#
# The first run builds the Airflow virtualenv (build/airflow-venv, about a minute, needs
# the package index); later runs reuse it and take about 40 s.
set -u
BIN=${SLUICE_BIN:-build-asan-ubsan/sluice}
SRC=${SLUICE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
COUNT=2000
fail() { echo "FAIL: $*" >&2; exit 1; }

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || fail "no sluice binary at $BIN"

work=$(mktemp -d)
mock_pid=
bad_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  [ -n "$bad_pid" ] && kill "$bad_pid" 2>/dev/null && wait "$bad_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# mock-api on a free port; its first stdout line names the URL.
"$BIN" mock-api --listen 127.0.0.1:0 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
url=
for _ in $(seq 100); do
  url=$(sed -n '1s/^mock-api listening on //p' "$work/mock.out")
  [ -n "$url" ] && break
  kill -0 "$mock_pid" 2>/dev/null || fail "mock-api exited: $(cat "$work/mock.err")"
  sleep 0.1
done
[ -n "$url" ] || fail "mock-api printed no URL within 10 s"

topic="sluice_0601_$$_$(date +%s)"
"$BIN" schema --skip-cassandra -b "$BROKERS" -t "$topic" --partitions 3 \
    >"$work/schema.log" 2>&1 || fail "sluice schema: $(cat "$work/schema.log")"

# A dead port for the failing run: bind one, close it, use it.
dead=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

# The good run goes through a wrapper that records the environment sluice ingest gets.
secret="0601-secret-$$"
cat >"$work/sluice-wrapper" <<WRAP
#!/usr/bin/env bash
env | grep '^SLUICE_' >"$work/ingest.env"
exec "$BIN" "\$@"
WRAP
chmod +x "$work/sluice-wrapper"

# Both runs at once (each has its own Airflow home); the venv is built once, under a lock.
start=$SECONDS
SLUICE_BIN=$BIN SLUICE_SOURCE=$url SLUICE_BROKERS="127.0.0.1:$dead" SLUICE_TOPIC="$topic.bad" \
  SLUICE_COUNT=$COUNT SLUICE_SEED=0601 SLUICE_METADATA_TIMEOUT=2 \
  SLUICE_AIRFLOW_RETRIES=1 SLUICE_AIRFLOW_RETRY_DELAY=1 \
  "$SRC/airflow/run-dag-test" 2026-01-02 >"$work/bad.log" 2>&1 &
bad_pid=$!

SLUICE_BIN=$work/sluice-wrapper SLUICE_SOURCE=$url SLUICE_BROKERS=$BROKERS \
  SLUICE_TOPIC="$topic.decoy" AIRFLOW_VAR_SLUICE_TOPIC=$topic \
  AIRFLOW_VAR_SLUICE_SECRET_ENV="{\"SLUICE_TEST_TOKEN\": \"$secret\"}" \
  SLUICE_COUNT=$COUNT SLUICE_SEED=0601 SLUICE_BATCH=500 \
  "$SRC/airflow/run-dag-test" 2026-01-02 >"$work/good.log" 2>&1
good_rc=$?
wait "$bad_pid"
bad_rc=$?
bad_pid=
elapsed=$((SECONDS - start))

show() { echo "--- $1 (last 40 lines)"; tail -40 "$work/$1"; }
[ "$good_rc" -eq 0 ] || { show good.log >&2; fail "good run: run-dag-test exit $good_rc, want 0"; }
grep -q "Command exited with return code 0" "$work/good.log" \
    || { show good.log >&2; fail "good run: sluice ingest did not exit 0"; }
grep -q "new_state=success" "$work/good.log" || { show good.log >&2; fail "good run: task not marked success"; }
cmdline=$(grep "Running command:" "$work/good.log")
[ -n "$cmdline" ] || fail "good run: no 'Running command' line"
case $cmdline in
  *"$topic"* | *"$url"* | *"$BROKERS"* | *"$secret"*) fail "settings on the command line: $cmdline" ;;
esac
grep -qx "SLUICE_TOPIC=$topic" "$work/ingest.env" || fail "Variable did not win over env: $(cat "$work/ingest.env")"
grep -qx "SLUICE_TEST_TOKEN=$secret" "$work/ingest.env" || fail "secret not in the ingest's env"
grep -q "$secret" "$work/good.log" && fail "secret value in the Airflow log"

# Exactly COUNT distinct users on the topic (poll with a deadline; kcat -e stops at the end).
distinct=0 total=0
for _ in $(seq 30); do
  kcat -b "$BROKERS" -C -t "$topic" -e -q -f '%k\n' >"$work/keys" 2>"$work/kcat.err"
  total=$(grep -c . "$work/keys")
  distinct=$(grep . "$work/keys" | sort -u | wc -l)
  [ "$distinct" -ge "$COUNT" ] && break
  sleep 1
done
[ "$distinct" -eq "$COUNT" ] || fail "topic $topic holds $distinct distinct keys, want $COUNT ($(cat "$work/kcat.err"))"
[ "$total" -eq "$COUNT" ] || fail "topic $topic holds $total messages for $COUNT users"

[ "$bad_rc" -ne 0 ] || { show bad.log >&2; fail "unreachable Kafka: run-dag-test exit 0, want non-zero"; }
tries=$(grep -c "Command exited with return code 1" "$work/bad.log")
[ "$tries" -eq 2 ] || { show bad.log >&2; fail "unreachable Kafka: $tries failed tries, want 2 (retries=1)"; }
grep -q "did not answer within 2000 ms" "$work/bad.log" \
    || { show bad.log >&2; fail "unreachable Kafka: no clear error from sluice ingest"; }
grep -q "new_state=failed" "$work/bad.log" || { show bad.log >&2; fail "unreachable Kafka: task not marked failed"; }

echo "ok: DAG run put $COUNT distinct users on $topic (topic from a Variable, secret via env only, no settings in argv);" \
     "unreachable Kafka failed the task after 1 retry (exit $bad_rc); both runs ${elapsed} s"
