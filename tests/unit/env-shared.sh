#!/usr/bin/env bash
# env-shared: one exported environment works for every command. Each SLUICE_<NAME> that
# more than one command reads means one thing: the same type and range in every command's
# --config-reference. And the names that used to differ (SLUICE_CONNECT_TIMEOUT=0 is
# process's "keep trying", SLUICE_TIMEOUT schema's per-step timeout) exported together are
# taken by every command: ingest no longer refuses them and says whose they are.
set -uo pipefail
bin=${SLUICE_BIN:?}
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

declare -A seen=()
for cmd in ingest process schema check console; do
  ref=$("$bin" "$cmd" --config-reference) || { fail "$cmd --config-reference exited $?"; continue; }
  # | `--flag ARG` | `SLUICE_NAME` | type (range) | default | help |
  while IFS='|' read -r _ _ env type _; do
    env=$(tr -d ' `' <<<"$env")
    type=$(sed 's/^ *//; s/ *$//' <<<"$type")
    [[ $env == SLUICE_* ]] || continue
    if [ -n "${seen[$env]:-}" ] && [ "${seen[$env]#*=}" != "$type" ]; then
      fail "$env is '${seen[$env]#*=}' in ${seen[$env]%%=*} but '$type' in $cmd"
    fi
    [ -n "${seen[$env]:-}" ] || seen[$env]="$cmd=$type"
  done < <(grep '^| `' <<<"$ref")
done
[ "${#seen[@]}" -ge 40 ] || fail "only ${#seen[@]} SLUICE_* names read"
echo "ok: ${#seen[@]} SLUICE_* names, each of one type and range in every command"

# One environment for all: process's and schema's values reach ingest without an error.
export SLUICE_CONNECT_TIMEOUT=0 SLUICE_TIMEOUT=1 SLUICE_BROKERS=127.0.0.1:1
export SLUICE_CASSANDRA=127.0.0.1:1
out=$("$bin" ingest --source http://127.0.0.1:1/api/ --count 1 --metadata-timeout 1 \
  --progress never 2>&1)
rc=$?
if [ "$rc" != 1 ]; then
  fail "ingest with SLUICE_CONNECT_TIMEOUT=0 SLUICE_TIMEOUT=1 exited $rc, want 1 (Kafka down)"
  echo "$out" | head -5
fi
for want in "SLUICE_CONNECT_TIMEOUT is process's, not applied here: ingest's is SLUICE_HTTP_CONNECT_TIMEOUT" \
  "SLUICE_TIMEOUT is schema and check's, not applied here: ingest's is SLUICE_HTTP_TIMEOUT"; do
  [[ $out == *"$want"* ]] || fail "ingest does not say '$want':
$out"
done
SLUICE_HTTP_CONNECT_TIMEOUT=0 "$bin" ingest --progress never >/dev/null 2>&1
[ "$?" = 2 ] || fail "SLUICE_HTTP_CONNECT_TIMEOUT=0 is not refused by ingest"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# schema and check take SLUICE_TIMEOUT=1 as their per-step wait: Cassandra/Kafka on port 1
# give a runtime failure (1), not a usage error.
"$bin" schema --log-level debug >"$log" 2>&1
rc=$?
grep -q "config: timeout=1 (env)" "$log" || fail "schema did not take SLUICE_TIMEOUT"
[ "$rc" = 1 ] || fail "schema exited $rc, want 1"
"$bin" check --log-level debug >"$log" 2>&1
rc=$?
grep -q "config: timeout=1 (env)" "$log" || fail "check did not take SLUICE_TIMEOUT"
[ "$rc" = 1 ] || fail "check exited $rc, want 1"
echo "ok: SLUICE_CONNECT_TIMEOUT=0 SLUICE_TIMEOUT=1 exported: ingest 1 (with a note), schema 1, check 1"
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"; exit 1
fi
