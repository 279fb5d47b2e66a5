#!/usr/bin/env bash
# 0006 readme-commands: the "Running it yourself" block of README.md, run line by line as
# written, against the stack under test on whatever ports it runs: `eval "$(scripts/stack
# env)"` is the only thing that points the commands at it. Changed only where a shared
# machine needs it: build/sluice is the binary under test, the mock API, --http and the
# console get free ports, the count is smaller, and the topic, group, keyspace and table
# are this test's own (SLUICE_TOPIC etc., which the commands read like every option).
# Then: process wrote exactly the users ingest produced (summaries and the table, counted),
# `sluice check` is healthy and shows the group with lag 0, the console answers.
set -euo pipefail
bin=${SLUICE_BIN:?}
src=${SLUICE_SOURCE_DIR:?}
cd "$src"
. "$src/tests/integration/stack_support.sh"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
count=3000
export SLUICE_TOPIC="sluice-test-0006-$$" SLUICE_GROUP="sluice-test-0006-$$"
export SLUICE_KEYSPACE="sluice_test_0006_$$" SLUICE_TABLE=users
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  cql "s.execute('DROP KEYSPACE IF EXISTS $SLUICE_KEYSPACE', timeout=120) and 0" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The README's commands find the stack through scripts/stack env: it must be the stack
# under test.
require_stack_under_test
block=$(sed -n '/^## Running it yourself/,/^```$/p' README.md | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
[ "$(grep -c . <<<"$block")" -ge 6 ] || fail "no command block in README.md's Running it yourself"
mock=$(free_port) http=$(free_port) console=$(free_port)
n=0
while IFS= read -r line; do
  n=$((n + 1))
  cmd=$(sed "s/[[:space:]]*$//" <<<"${line%%#*}")
  cmd=${cmd//build\/sluice/\"\$bin\"}
  cmd=${cmd//127.0.0.1:8000/127.0.0.1:$mock}
  cmd=${cmd//127.0.0.1:9108/127.0.0.1:$http}
  cmd=$(sed -E "s/--count [0-9]+/--count $count/; s/--batch [0-9]+/--batch 1000/" <<<"$cmd")
  [[ $cmd == *" console "* ]] && cmd="$cmd --listen 127.0.0.1:$console &"
  echo "+ $cmd"
  case $cmd in
  *' &') eval "${cmd% &} >$work/bg$n.log 2>&1 &"; pids+=($!) ;;
  *'"$bin" ingest'*) eval "$cmd" | tee "$work/ingest.out" ;;
  *'"$bin" process'*) eval "$cmd" | tee "$work/process.out" ;;
  *'"$bin" check'*) eval "$cmd" | tee "$work/check.out" ;;
  *'"$bin" mock-api'* | *) eval "$cmd" ;;
  esac
  # The mock API must listen before the ingest line runs.
  if [[ $cmd == *mock-api* ]]; then
    for _ in $(seq 300); do
      curl -fsS -o /dev/null "http://127.0.0.1:$mock/healthz" 2>/dev/null && break
      sleep 0.2
    done
  fi
done <<<"$block"

[ -n "${SLUICE_BROKERS:-}" ] && [ -n "${SLUICE_CASSANDRA:-}" ] || fail "the eval set no addresses"
[ "$SLUICE_BROKERS" = "${SLUICE_TEST_BROKERS:-$SLUICE_BROKERS}" ] ||
  fail "scripts/stack env says $SLUICE_BROKERS, the stack under test is $SLUICE_TEST_BROKERS"
num() { awk -v k="$1" 'index($0, "  " k) == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }' "$2"; }
produced=$(num "produced (acked)" "$work/ingest.out")
written=$(num written "$work/process.out")
[ "$produced" = "$count" ] || fail "ingest produced $produced, want $count"
[ "$written" = "$count" ] || fail "process wrote $written, want $count"
rows=$(cql "s.execute('SELECT count(*) FROM $SLUICE_KEYSPACE.$SLUICE_TABLE', timeout=120).one()[0]")
[ "$rows" = "$count" ] || fail "the table holds $rows rows, want $count"
grep -qx "  $SLUICE_GROUP  state=Empty  members=0" "$work/check.out" || fail "check lacks the group"
grep -qx "    $SLUICE_TOPIC  lag=0" "$work/check.out" || fail "check shows lag on $SLUICE_TOPIC"
grep -qx "result: healthy" "$work/check.out" || fail "check not healthy"
for _ in $(seq 300); do
  if curl -fsS "http://127.0.0.1:$console/api/topics" >"$work/topics.json" 2>/dev/null &&
    grep -q "\"$SLUICE_TOPIC\"" "$work/topics.json"; then
    break
  fi
  sleep 0.5
done
grep -q "\"$SLUICE_TOPIC\"" "$work/topics.json" || fail "the console does not list $SLUICE_TOPIC"
echo "ok: README's commands as written: $count users produced, written and in the table," \
  "check healthy with lag 0, the console lists the topic (stack at $SLUICE_BROKERS, $SLUICE_CASSANDRA)"
