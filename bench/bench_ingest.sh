#!/usr/bin/env bash
# bench_ingest.sh — throughput of `sluice ingest` from a local mock-api into Kafka.
#
# usage: bench/bench_ingest.sh [COUNT]      (default 500000 users per run)
# env:   SLUICE_BIN (default build/sluice, the release build)
#        SLUICE_TEST_BROKERS (default 127.0.0.1:9092) — a running Kafka (scripts/stack up kafka)
#        BENCH_CONFIGS — "batch:concurrency ..." (default "1000:4 5000:2 5000:4 5000:8")
#
# Everything runs on this machine: mock-api (generating users), the ingest and the broker
# share the cores, so the figure is a floor for the ingest alone. Each run uses its own
# topic and seed. Prints a Markdown table: users/s over the whole run (start-up, Kafka
# metadata and the final flush included) and the ingest's CPU time per user (user + sys,
# librdkafka's threads included).
set -euo pipefail
COUNT=${1:-500000}
BIN=${SLUICE_BIN:-build/sluice}
BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
CONFIGS=${BENCH_CONFIGS:-"1000:4 5000:2 5000:4 5000:8"}
BASELINE_COUNT=${BASELINE_COUNT:-3000}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mockapi_url.sh
. "$here/mockapi_url.sh"
venv=${BENCH_VENV:-$here/../build/bench-venv}

tmp=$(mktemp -d)
"$BIN" mock-api --listen 127.0.0.1:0 >"$tmp/mock.out" 2>/dev/null &
mock=$!
trap 'kill $mock 2>/dev/null; wait $mock 2>/dev/null; rm -rf "$tmp"' EXIT
url=$(mockapi_url "$tmp/mock.out")

echo "| batch | concurrency | users | wall s | users/s | ingest CPU s | CPU µs/user | result |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for cfg in $CONFIGS; do
    batch=${cfg%%:*}
    conc=${cfg##*:}
    topic="bench_ingest_${batch}_${conc}_$$_$RANDOM"
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$BIN" ingest --source "$url" -b "$BROKERS" \
        -t "$topic" --count "$COUNT" --batch "$batch" --concurrency "$conc" --seed "$topic" \
        --progress never --log-format json --log-level warn >"$tmp/out" 2>"$tmp/err" || true
    read -r wall usr sys <"$tmp/time"
    python3 - "$tmp/out" "$batch" "$conc" "$wall" "$usr" "$sys" <<'PY'
import json, sys
out, batch, conc, wall, usr, sysc = sys.argv[1:]
s = None
for line in open(out):
    if line.startswith('{"summary"'):
        s = json.loads(line)
if not s:
    print("| %s | %s | - | %s | - | - | - | no summary |" % (batch, conc, wall))
    sys.exit(0)
n = s["summary"]["produced"]
cpu = float(usr) + float(sysc)
print("| %s | %s | %d | %.2f | %.0f | %.2f | %.2f | %s |" % (
    batch, conc, n, float(wall), n / float(wall), cpu, cpu * 1e6 / max(n, 1), s["result"]))
if s["result"] == "complete":
    import os
    best = os.path.join(os.path.dirname(out), "best")
    prev = float(open(best).read()) if os.path.exists(best) else 0.0
    open(best, "w").write(str(max(prev, n / float(wall))))
PY
done

# The baseline: what the replaced stack did (one request per user, produced one by one
# with kafka-python), on the same mock-api and Kafka.
if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv "$venv" >/dev/null
    "$venv/bin/pip" install -q -r "$here/baseline/requirements.txt" >/dev/null
fi
topic="bench_ingest_baseline_$$_$RANDOM"
/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$venv/bin/python" "$here/baseline/ingest_baseline.py" \
    "${url}?results=1" "$BROKERS" "$topic" "$BASELINE_COUNT" >"$tmp/base" 2>"$tmp/base.err" ||
    { cat "$tmp/base.err" >&2; exit 1; }
read -r wall usr sys <"$tmp/time"
python3 - "$tmp/base" "$wall" "$usr" "$sys" "$tmp/best" <<'PY'
import json, sys
base, wall, usr, sysc, best = sys.argv[1:]
b = json.loads(open(base).read())
n = b["users"]
cpu = float(usr) + float(sysc)
print("| baseline: 1 user/request, kafka-python | 1 | %d | %.2f | %.0f | %.2f | %.2f | complete |"
      % (n, float(wall), n / float(wall), cpu, cpu * 1e6 / n))
best_rate = float(open(best).read())
base_rate = n / float(wall)
print()
print("ingest users_per_s=%.0f ratio=%.1f" % (best_rate, best_rate / base_rate))
PY
