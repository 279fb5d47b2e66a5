#!/usr/bin/env bash
# The sluice binary's front door: --help, --version, dispatch, exit codes for usage errors.
set -uo pipefail
bin=${SLUICE_BIN:?SLUICE_BIN must point at the sluice binary}
failures=0
expect() { # expect <exit code> <text that stdout+stderr must contain> <args...>
  local want=$1 text=$2
  shift 2
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: sluice $* exited $rc, want $want"; echo "$out" | head -5; failures=$((failures + 1))
  elif [[ "$out" != *"$text"* ]]; then
    echo "FAIL: sluice $* output lacks '$text'"; echo "$out" | head -5; failures=$((failures + 1))
  else
    echo "ok: sluice $* -> $rc"
  fi
}
expect 0 "usage: sluice <command>" --help
expect 0 "check " --help
expect 0 "sluice 0." --version
expect 0 "librdkafka 2." version
expect 2 "usage: sluice <command>"
expect 2 "unknown command 'nope'" nope
expect 0 "usage: sluice check" check --help
expect 2 "unexpected argument" check extra
expect 2 "wants kafka.KEY=VALUE" check -X foo=bar
expect 2 "No such configuration property" check -X kafka.no.such.property=1
expect 2 "--timeout wants" check --timeout -1
# -X list: the CQL client's property table (as in docs/cql.md) and librdkafka's list.
expect 0 '| `request_timeout_ms` | integer' process -X cql.list
expect 0 "librdkafka properties" schema -X list
expect 0 "Global configuration properties" ingest -X kafka.list
# Nothing listens on port 1: a clear error within the timeout, exit 1.
expect 1 "did not answer within 1 s" check -b 127.0.0.1:1 --timeout 1
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"; exit 1
fi
