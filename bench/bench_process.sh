#!/usr/bin/env bash
# bench_process.sh — `sluice process` against its ceiling, on the local stack.
#
# usage: bench/bench_process.sh [COUNT]     (default 1000000 records)
# env:   SLUICE_BIN (default build/sluice, the release build), BENCH_BIN_DIR (default build/bench)
#        SLUICE_TEST_BROKERS (127.0.0.1:9092), SLUICE_TEST_CASSANDRA (127.0.0.1:9042)
#        MAX_INFLIGHT (1024), E2E_SECONDS (20)
#
# 1. fills a fresh 6-partition topic with COUNT records (mock-api -> sluice ingest);
# 2. the ceiling: bench_process_ceiling writes the same records with the CQL client alone
#    (same writer, same writes in flight) into a fresh table;
# 3. sluice process drains the topic into another fresh table: rows/s over its active
#    time, CPU µs per row (user + sys, all threads), peak RSS;
# 4. end-to-end latency at half that rate: ingest paced with --rate while a processor
#    runs, p50/p99 from message timestamp to Cassandra acknowledgement.
# Kafka, Cassandra, mock-api and the processor share the machine's cores.
set -euo pipefail
COUNT=${1:-1000000}
BIN=${SLUICE_BIN:-build/sluice}
BENCH=${BENCH_BIN_DIR:-build/bench}
BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
CASSANDRA=${SLUICE_TEST_CASSANDRA:-127.0.0.1:9042}
INFLIGHT=${MAX_INFLIGHT:-1024}
E2E_SECONDS=${E2E_SECONDS:-20}
run=bench_process_$$
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    /usr/bin/python3 - "$CASSANDRA" "${run}_ceiling" "${run}_process" "${run}_e2e" <<'PY' || true
import sys
from cassandra.cluster import Cluster
host, _, port = sys.argv[1].rpartition(":")
c = Cluster([host], port=int(port))
s = c.connect()
for ks in sys.argv[2:]:
    s.execute("DROP KEYSPACE IF EXISTS %s" % ks, timeout=60)
c.shutdown()
PY
    rm -rf "$tmp"
}
trap cleanup EXIT

json() { python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }
summary() { grep '^{"summary"' "$1"; }

"$BIN" mock-api --listen 127.0.0.1:0 >"$tmp/mock.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/api/' "$tmp/mock.out" || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "mock-api did not start" >&2; exit 1; }

for ks in ceiling process e2e; do
    "$BIN" schema -b "$BROKERS" -t "${run}_$ks" --cassandra "$CASSANDRA" \
        --keyspace "${run}_$ks" --partitions 6 --log-level warn
done
topic=${run}_process
echo "filling $topic with $COUNT records ..." >&2
"$BIN" ingest --source "$url" -b "$BROKERS" -t "$topic" --count "$COUNT" --batch 5000 \
    --concurrency 4 --seed "$run" --progress never --log-level warn >/dev/null

echo "ceiling: the CQL client alone ..." >&2
/usr/bin/time -f "%M" -o "$tmp/ceil.rss" "$BENCH/bench_process_ceiling" "$BROKERS" "$topic" \
    "$COUNT" "$CASSANDRA" "${run}_ceiling" "$INFLIGHT" >"$tmp/ceil.json"

echo "sluice process ..." >&2
/usr/bin/time -f "%e %U %S %M" -o "$tmp/proc.time" "$BIN" process -b "$BROKERS" -t "$topic" \
    -g "$run" --cassandra "$CASSANDRA" --keyspace "${run}_process" --consistency one \
    --max-inflight "$INFLIGHT" --idle-exit 2 --progress never --log-format json \
    --log-level warn >"$tmp/proc.out" 2>"$tmp/proc.err"

read -r _ usr sys rss_kb <"$tmp/proc.time"
rows=$(summary "$tmp/proc.out" | json 'd["summary"]["written"]')
active=$(summary "$tmp/proc.out" | json 'd["summary"]["active_s"]')
rate=$(python3 -c "print(round($rows / $active))")

echo "end-to-end at half rate ($((rate / 2)) users/s for ${E2E_SECONDS} s) ..." >&2
"$BIN" process -b "$BROKERS" -t "${run}_e2e" -g "${run}_e2e" --cassandra "$CASSANDRA" \
    --keyspace "${run}_e2e" --consistency one --max-inflight "$INFLIGHT" --idle-exit 3 \
    --progress never --log-format json --log-level warn >"$tmp/e2e.out" 2>"$tmp/e2e.err" &
e2e=$!
pids+=("$e2e")
"$BIN" ingest --source "$url" -b "$BROKERS" -t "${run}_e2e" --rate "$((rate / 2))" \
    --duration "$E2E_SECONDS" --batch 500 --concurrency 2 --progress never --log-level warn \
    >/dev/null
wait "$e2e"

python3 - "$tmp" "$COUNT" "$usr" "$sys" "$rss_kb" "$rows" "$active" <<'PY'
import json, sys
tmp, count, usr, sysc, rss_kb, rows, active = sys.argv[1:]
rows, active = int(rows), float(active)
ceil = json.load(open(tmp + "/ceil.json"))
ceil_rss = int(open(tmp + "/ceil.rss").read().split()[0])
e2e = [json.loads(l) for l in open(tmp + "/e2e.out") if l.startswith('{"summary"')][0]["summary"]
cpu = float(usr) + float(sysc)
rate = rows / active
ceil_rate = ceil["rows"] / ceil["wall_s"]
print("| run | rows | rows/s | CPU µs/row | peak RSS MB | e2e p50 ms | e2e p99 ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
print("| ceiling: CQL client alone | %d | %.0f | %.2f | %.1f | - | - |" % (
    ceil["rows"], ceil_rate, ceil["cpu_s"] * 1e6 / ceil["rows"], ceil_rss / 1024))
print("| sluice process | %d | %.0f | %.2f | %.1f | - | - |" % (
    rows, rate, cpu * 1e6 / rows, int(rss_kb) / 1024))
print("| sluice process at half rate | %d | - | - | - | %.1f | %.1f |" % (
    e2e["written"], e2e["e2e_p50_s"] * 1e3, e2e["e2e_p99_s"] * 1e3))
print()
print("process rows_per_s=%.0f of_ceiling=%.2f" % (rate, rate / ceil_rate))
PY
