#!/usr/bin/env bash
# bench_cluster.sh — what scale costs: 1, 2 and 3 `sluice process` members into the
# three-node cluster (RF 3 at QUORUM, and RF 1), then the same against one node, in one run.
#
# usage: bench/bench_cluster.sh [COUNT]     (default 200000 records)
# env:   SLUICE_BIN (default build/sluice, the release build)
#        SLUICE_STACK_DIR, SLUICE_STACK_BASE_ADDRESS, ...: the stack's settings (both layouts
#            run on the same addresses and ports, one after the other)
#        BENCH_PROCESSORS ("1 2 3")   processor counts
#        BENCH_LAYOUTS ("cluster single")   which layouts, in this order
#        MAX_INFLIGHT (1024)          sluice process --max-inflight
#        BENCH_WARMUP (1)             an unreported run first in each layout (warm JVMs)
#
# For each layout: `scripts/stack up kafka cassandra` with SLUICE_STACK_NODES 3, then 1
# (the other layout stopped first by `scripts/stack down`: both use the same addresses);
# a fresh 12-partition topic (replication 3 on the cluster, 1 on one node) filled with COUNT
# records (mock-api -> sluice ingest); then bench_cluster.py: a warm-up run, then per
# configuration and
# processor count a fresh keyspace and group, rows/s over the window where the group is
# stable, CPU µs per row of each processor, each Cassandra node and each broker (from
# /proc). The stack is left down when the run ends (the two layouts share addresses).
# Prints the table (ratios against the single node at the same processor count) and
# one line per cluster run:
#   cluster CONFIG processors=P rows_per_s=N of_single=R
set -euo pipefail
COUNT=${1:-200000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/mockapi_url.sh
. "$here/mockapi_url.sh"
BIN=${SLUICE_BIN:-build/sluice}
export SLUICE_BIN=$BIN
run=bench_cluster_$$
unset SLUICE_CASSANDRA_DCS # one datacenter
tmp=$(mktemp -d)
mock=
cleanup() {
    [ -z "$mock" ] || { kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; }
    rm -rf "$tmp"
}
trap cleanup EXIT

"$BIN" mock-api --listen 127.0.0.1:0 >"$tmp/mock.out" 2>/dev/null &
mock=$!
url=$(mockapi_url "$tmp/mock.out")
: >"$tmp/runs.jsonl"

running() { # NODE: whether the stack's JVM of NODE (cassandra1, cassandra, ...) is alive
    local f=${SLUICE_STACK_DIR:-$root/.stack}/$1/$1.pid
    [ -r "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

layout() { # LAYOUT NODES TOPIC_RF CONFIG...
    local name=$1 nodes=$2 rf=$3 first=cassandra other=cassandra1
    shift 3
    ((nodes == 1)) || { first=cassandra1 other=cassandra; }
    export SLUICE_STACK_NODES=$nodes
    if ((nodes == 1)); then # the single node on the cluster's first address, not the default
        export SLUICE_KAFKA_HOST=${SLUICE_KAFKA_HOST:-${SLUICE_STACK_BASE_ADDRESS:-127.0.0.1}}
        export SLUICE_CASSANDRA_HOST=${SLUICE_CASSANDRA_HOST:-${SLUICE_STACK_BASE_ADDRESS:-127.0.0.1}}
    fi
    if running "$other" || ! running "$first"; then # the other layout holds the addresses
        echo "$name: scripts/stack down first (the layouts share addresses) ..." >&2
        "$root/scripts/stack" down >/dev/null
    fi
    echo "$name: scripts/stack up kafka cassandra with $nodes node(s) ..." >&2
    "$root/scripts/stack" up kafka cassandra >&2
    eval "$("$root/scripts/stack" env kafka cassandra)"
    local topic=${run}_$name
    "$BIN" schema -b "$SLUICE_TEST_BROKERS" -t "$topic" --partitions 12 --replication "$rf" \
        --skip-cassandra --log-level warn
    echo "$name: filling $topic with $COUNT records ..." >&2
    "$BIN" ingest --source "$url" -b "$SLUICE_TEST_BROKERS" -t "$topic" --count "$COUNT" \
        --batch 5000 --concurrency 4 --seed "$run" --progress never --log-level warn >/dev/null
    /usr/bin/python3 "$here/bench_cluster.py" run "$name" "$topic" "$COUNT" "$tmp/runs.jsonl" "$@"
}

for l in ${BENCH_LAYOUTS:-cluster single}; do
    case $l in
    cluster) layout cluster 3 3 rf3_quorum:3:quorum rf1:1:one ;;
    single) layout single 1 1 rf1:1:one ;;
    *) echo "unknown layout $l" >&2; exit 2 ;;
    esac
done
"$root/scripts/stack" down >/dev/null
uptime >&2
cp "$tmp/runs.jsonl" "${BENCH_OUT:-/dev/null}" 2>/dev/null || true
/usr/bin/python3 "$here/bench_cluster.py" report "$tmp/runs.jsonl"
