#!/usr/bin/env bash
# `sluice process` and `sluice schema` refuse a bad configuration with exit 2 before they
# connect to anything: nothing listens on port 1, and no command may wait for it.
set -uo pipefail
bin=${SLUICE_BIN:?SLUICE_BIN must point at the sluice binary}
failures=0
expect() { # expect <exit code> <text that stdout+stderr must contain> <args...>
  local want=$1 text=$2
  shift 2
  local out rc
  out=$(timeout 60 "$bin" "$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: sluice $* exited $rc, want $want"; echo "$out" | head -5; failures=$((failures + 1))
  elif [[ "$out" != *"$text"* ]]; then
    echo "FAIL: sluice $* output lacks '$text'"; echo "$out" | head -5; failures=$((failures + 1))
  else
    echo "ok: sluice $* -> $rc"
  fi
}
nowhere=(-b 127.0.0.1:1 -c 127.0.0.1:1)
expect 0 "usage: sluice process" process --help
expect 2 "No such configuration property" process "${nowhere[@]}" -X kafka.no.such.property=1
expect 2 "outside allowed range" process "${nowhere[@]}" -X kafka.session.timeout.ms=-5
expect 2 "unknown consistency" process "${nowhere[@]}" --consistency sometimes
expect 2 "plain identifiers" process "${nowhere[@]}" --keyspace "ks; DROP"
expect 2 "No such configuration property" schema "${nowhere[@]}" --skip-cassandra \
  -X kafka.no.such.property=1
expect 2 "plain identifiers" schema "${nowhere[@]}" --table "t-1"
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"; exit 1
fi
