#!/usr/bin/env bash
# 0403 ingest kafka down: Kafka unreachable at start -> one clear error line, exit 1, and
# no request sent to the API (the metadata check comes before any fetch).
set -u
BIN=${SLUICE_BIN:-build-asan-ubsan/sluice}
fail() { echo "FAIL: $*" >&2; exit 1; }

# A port nothing listens on: bind one, close it, use it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
# The API "source" is also a dead port: if ingest fetched before checking Kafka, it would
# log connection errors for it.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
start=$(date +%s)
"$BIN" ingest -b "127.0.0.1:$port" --metadata-timeout 2 --count 10 \
    --source "http://127.0.0.1:$port/api/" --progress never >/dev/null 2>"$err"
rc=$?
end=$(date +%s)
[ "$rc" -eq 1 ] || fail "exit $rc, want 1; stderr: $(cat "$err")"
grep -q "error ingest: Kafka at 127.0.0.1:$port did not answer within 2000 ms" "$err" \
    || fail "no clear error line; stderr: $(cat "$err")"
grep -q "page\|GET" "$err" && fail "fetched before checking Kafka: $(cat "$err")"
[ $((end - start)) -lt 30 ] || fail "took $((end - start)) s to give up"
lines=$(wc -l <"$err")
[ "$lines" -le 2 ] || fail "expected one clear line, got $lines: $(cat "$err")"

# Usage errors are exit 2.
"$BIN" ingest --batch 5001 >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "--batch 5001: exit $rc, want 2"
grep -q "batch must be in 1..5000, got 5001" "$err" || fail "--batch 5001: $(cat "$err")"
"$BIN" ingest --source file:///etc/passwd -b "127.0.0.1:$port" >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "--source file://: exit $rc, want 2"
grep -q "source must be an http:// or https:// URL" "$err" || fail "file source: $(cat "$err")"
"$BIN" ingest -X linger.ms=5 >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "-X without namespace: exit $rc, want 2"
"$BIN" ingest -X kafka.no.such.property=1 -b "127.0.0.1:$port" >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "unknown librdkafka property: exit $rc, want 2: $(cat "$err")"
# Configuration from env and file reaches the command, with flags > env > file, and a bad
# value names where it came from.
conf=$(mktemp)
trap 'rm -f "$err" "$conf"' EXIT
printf '# test config\nbatch = 0\n' >"$conf"
"$BIN" ingest -F "$conf" >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "-F with batch = 0: exit $rc, want 2"
grep -q "$conf:2: sluice ingest: batch must be in 1..5000, got 0" "$err" || fail "file: $(cat "$err")"
SLUICE_BATCH=9999 "$BIN" ingest -F "$conf" >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "env batch: exit $rc, want 2"
grep -q "(from SLUICE_BATCH)" "$err" || fail "env: $(cat "$err")"
# A good flag beats the bad env and file values: the run gets as far as Kafka.
SLUICE_BATCH=9999 "$BIN" ingest -F "$conf" --batch 10 -b "127.0.0.1:$port" --metadata-timeout 1 \
    >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 1 ] || fail "flag over env/file: exit $rc, want 1: $(cat "$err")"
grep -q "did not answer" "$err" || fail "flag over env/file: $(cat "$err")"
# Secrets never reach the log, even at debug level; on the command line they are refused.
printf 'kafka.sasl.password = hunter2\nkafka.sasl.username = bob\n' >"$conf"
"$BIN" ingest -F "$conf" -b "127.0.0.1:$port" --metadata-timeout 1 --log-level debug \
    >/dev/null 2>"$err"
grep -q "hunter2\|bob" "$err" && fail "secret logged: $(cat "$err")"
grep -q "kafka.sasl.password=\*\*\* (file)" "$err" || fail "config not logged masked: $(cat "$err")"
"$BIN" ingest -b "127.0.0.1:$port" -X kafka.sasl.password=hunter2 >/dev/null 2>"$err"; rc=$?
[ "$rc" -eq 2 ] || fail "a password on the command line: exit $rc, want 2"
grep -q "hunter2" "$err" && fail "secret printed: $(cat "$err")"
grep -q "is a secret and is not taken on the command line" "$err" || fail "argv: $(cat "$err")"
echo "ok: unreachable Kafka -> exit 1 with one clear line; usage errors -> exit 2; precedence; secrets masked"
