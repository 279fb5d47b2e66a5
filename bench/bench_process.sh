#!/usr/bin/env bash
# bench_process.sh — `sluice process` against its ceiling, on the local stack.
#
# usage: bench/bench_process.sh [COUNT]     (default 200000 records)
# env:   SLUICE_BIN (default build/sluice, the release build), BENCH_BIN_DIR (build/bench)
#        SLUICE_TEST_BROKERS (127.0.0.1:9092), SLUICE_TEST_CASSANDRA (127.0.0.1:9042)
#        SLUICE_STACK_DIR: when it holds the stack's pid files, the broker's and
#            Cassandra's CPU is measured too
#        BENCH_ROUNDS (3)         rounds; odd ones run the ceiling first, even ones last
#        MAX_INFLIGHT (unset)     sluice process --max-inflight (unset: its default)
#        PROCESS_ARGS ("")        more sluice process arguments, word-split (experiments:
#                                 "-X kafka.fetch.wait.max.ms=10 --commit-interval 5")
#        CEILING_WINDOWS ("256 1024 4096"), CEILING_CONNS ("1 2")   the ceiling's sweep
#        CEILING_SWEEP_COUNT (COUNT/2, at most 100000)   records per sweep run
#        CEILING (unset)          WINDOW:CONNS, skips the sweep
#        E2E_SECONDS (15)         the half-rate run's feed
#        E2E_INGEST_ARGS ("-X kafka.linger.ms=1")   its ingest's extra arguments: by default
#                                 it sends at once (its own 20 ms linger is not the
#                                 processor's latency); "" for the ingest's defaults
#        BENCH_TOPIC (unset)      drain this topic (holding COUNT records) instead of filling one
#        BENCH_REGISTRY (SLUICE_TEST_REGISTRY, else http://127.0.0.1:8081/apis/ccompat/v7)
#        BENCH_AVRO (1)           the Avro run, when the registry answers; 0: none
#        BENCH_KEEP (0)           1: keep the run's files (outputs, logs) and say where
#
# 1. fills a fresh 6-partition topic with COUNT records (mock-api -> sluice ingest);
# 2. the ceiling's sweep: bench_process_ceiling (librdkafka consumer -> CQL client, no
#    validation, nothing preloaded) drains the topic's first CEILING_SWEEP_COUNT records
#    into a fresh table once per window and connections per host; the fastest wins;
# 3. BENCH_ROUNDS rounds, each: the ceiling (the winner) and sluice process drain the
#    whole topic, each into a fresh table (the processor in a fresh group), in alternating
#    order; then a Kafka-alone observer, sluice process and the ceiling, one after the
#    other, at half the rate the processor reached, each fed by a paced ingest into a fresh
#    topic once it owns the partitions, and the latency of every row from its message
#    timestamp to its Cassandra writetime (for sluice process, which writes USING TIMESTAMP
#    of the message, its own histogram); the observer's (timestamp to consumed) says what
#    of that is spent before any consumer has the record.
# Each run goes through procstat.py: CPU (utime+stime, all threads) and peak RSS (VmHWM)
# of the program, the broker's and Cassandra's CPU over its life, the machine's busy
# cores and load. rows/s counts from the first message consumed to the last write
# acknowledged. Kafka, Cassandra, mock-api and the program share the machine's cores.
# The Avro run: the same records (same seed; with BENCH_TOPIC, other ones) filled into a
# second topic by
# `sluice ingest --format avro`, drained each round by `sluice process --registry` beside the
# JSON run; the bytes per message of both topics and bench_avro's decode cost per row.
# Prints the tables and, last, the medians:
#   process rows_per_s=N of_ceiling=R p99_ms=N rss_mb=N us_per_row=N \
#       [avro_rows_per_s=N avro_of_json=R]
set -euo pipefail
COUNT=${1:-200000}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/mockapi_url.sh
. "$here/mockapi_url.sh"
BIN=${SLUICE_BIN:-build/sluice}
BENCH=${BENCH_BIN_DIR:-build/bench}
BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
CASSANDRA=${SLUICE_TEST_CASSANDRA:-127.0.0.1:9042}
ROUNDS=${BENCH_ROUNDS:-3}
INFLIGHT=()
[ -n "${MAX_INFLIGHT:-}" ] && INFLIGHT=(--max-inflight "$MAX_INFLIGHT")
read -r -a PARGS <<<"${PROCESS_ARGS:-}"
read -r -a EARGS <<<"${E2E_INGEST_ARGS--X kafka.linger.ms=1}"
E2E_SECONDS=${E2E_SECONDS:-15}
SWEEP_COUNT=${CEILING_SWEEP_COUNT:-$((COUNT / 2 < 100000 ? COUNT / 2 : 100000))}
REGISTRY=${BENCH_REGISTRY:-${SLUICE_TEST_REGISTRY:-http://127.0.0.1:8081/apis/ccompat/v7}}
run=bench_process_$$
ks=$run
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    /usr/bin/python3 - "$CASSANDRA" "$ks" <<'PY' || true
import sys
from cassandra.cluster import Cluster
host, _, port = sys.argv[1].rpartition(":")
c = Cluster([host], port=int(port))
c.connect().execute("DROP KEYSPACE IF EXISTS %s" % sys.argv[2], timeout=120)
c.shutdown()
PY
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench_process: files kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
set -E
trap 'echo "bench_process: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

watch=()
for c in kafka cassandra; do
    f=${SLUICE_STACK_DIR:-.stack}/$c/$c.pid
    [ -r "$f" ] && watch+=(--watch "$c=$(cat "$f")")
done
measure() { # OUT.json CMD...: runs CMD under procstat.py
    local out=$1
    shift
    /usr/bin/python3 "$here/procstat.py" "$out" "${watch[@]}" -- "$@"
}
table() { "$BIN" schema --skip-kafka --cassandra "$CASSANDRA" --keyspace "$ks" --table "$1" \
    --log-level warn; }
ceiling() { # NAME COUNT WINDOW CONNS
    table "$1"
    measure "$tmp/$1.ps.json" "$BENCH/bench_process_ceiling" "$BROKERS" "$topic" "$2" \
        "$CASSANDRA" "$ks" "$1" "$3" "$4" >"$tmp/$1.out" 2>"$tmp/$1.err" ||
        { cat "$tmp/$1.err" >&2; return 1; }
}
process() { # NAME TOPIC [ARGS...]: a processor in a fresh group into a fresh table
    local name=$1 t=$2
    shift 2
    table "$name"
    measure "$tmp/$name.ps.json" "$BIN" process -b "$BROKERS" -t "$t" -g "${run}_$name" \
        --cassandra "$CASSANDRA" --keyspace "$ks" --table "$name" --consistency one \
        "${INFLIGHT[@]}" --progress never --log-format json "${PARGS[@]}" "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# The half-rate run of round R: a fresh topic fed by a paced ingest while sluice process
# (or the ceiling) drains it; then the latency of every row (bench_process.py e2e).
half_rate() { # R KIND RATE
    local r=$1 kind=$2 rate=$3 name=r$1_e2e t=${run}_e2e_$1 p
    [ "$kind" = ceiling ] && name=r$1_e2e_ceiling t=${run}_e2e_$1_ceiling
    [ "$kind" = observer ] && t=${run}_e2e_$1_observer
    "$BIN" schema -b "$BROKERS" -t "$t" --partitions 6 --skip-cassandra --log-level warn
    if [ "$kind" = observer ]; then
        # A Kafka-alone consumer (no writes) of a feed like the processor's, on its own:
        # how much of each record's latency is spent before any consumer has it. It runs
        # apart, so that the processor's run, like the ceiling's, has no second consumer
        # beside it on the two cores.
        BENCH_CEILING_IDLE_MS=3000 "$BENCH/bench_process_ceiling" "$BROKERS" "$t" 0 none - - \
            1024 1 >"$tmp/$name.obs.out" 2>"$tmp/$name.obs.err" &
        p=$!
        pids+=("$p")
        name=$name.obs
    elif [ "$kind" = process ]; then
        local port
        port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        process "$name" "$t" --idle-exit 3 --log-level info --http "127.0.0.1:$port" &
        p=$!
        # Its own end_to_end histogram, every bucket: /metrics scraped until it exits (the
        # last scrape comes after the last row, which is --idle-exit before the exit).
        (while kill -0 "$p" 2>/dev/null; do
            curl -sf --max-time 2 "http://127.0.0.1:$port/metrics" >"$tmp/$name.metrics.new" &&
                mv "$tmp/$name.metrics.new" "$tmp/$name.metrics"
            sleep 0.5
        done) &
        pids+=($!)
        pids+=("$p")
    else
        table "$name"
        measure "$tmp/$name.ps.json" "$BENCH/bench_process_ceiling" "$BROKERS" "$t" 0 \
            "$CASSANDRA" "$ks" "$name" "$cw" "$cc" >"$tmp/$name.out" 2>"$tmp/$name.err" &
        p=$!
        pids+=("$p")
    fi
    # Feed it only once it reads the partitions: records produced before would wait for
    # the group to form and count as latency.
    for _ in $(seq 600); do
        grep -q 'assigned 6 partition\|ceiling: ready' "$tmp/$name.err" 2>/dev/null && break
        sleep 0.1
    done
    "$BIN" ingest --source "$url" -b "$BROKERS" -t "$t" --rate "$rate" \
        --duration "$E2E_SECONDS" --batch 500 --concurrency 2 --progress never \
        --log-level warn "${EARGS[@]}" >/dev/null
    wait "$p" || { cat "$tmp/$name.err" >&2; return 1; }
    [ "$kind" = observer ] && return
    /usr/bin/python3 "$here/bench_process.py" e2e "$BROKERS" "$t" "$CASSANDRA" "$ks" "$name" \
        "$tmp/$name.json"
}

"$BIN" mock-api --listen 127.0.0.1:0 >"$tmp/mock.out" 2>/dev/null &
pids+=($!)
url=$(mockapi_url "$tmp/mock.out")

topic=${BENCH_TOPIC:-${run}_in}
"$BIN" schema -b "$BROKERS" -t "$topic" --cassandra "$CASSANDRA" --keyspace "$ks" \
    --partitions 6 --log-level warn
if [ -z "${BENCH_TOPIC:-}" ]; then
    echo "filling $topic with $COUNT records ..." >&2
    "$BIN" ingest --source "$url" -b "$BROKERS" -t "$topic" --count "$COUNT" --batch 5000 \
        --concurrency 4 --seed "$run" --progress never --log-level warn >/dev/null
fi

avro_topic=
if [ "${BENCH_AVRO:-1}" = 1 ] && curl -sf --max-time 10 "$REGISTRY/subjects" >/dev/null; then
    avro_topic=${run}_avro
    "$BIN" schema -b "$BROKERS" -t "$avro_topic" --partitions 6 --skip-cassandra \
        --registry "$REGISTRY" --log-level warn >/dev/null
    echo "filling $avro_topic with the same $COUNT records in Avro ..." >&2
    "$BIN" ingest --source "$url" -b "$BROKERS" -t "$avro_topic" --count "$COUNT" --batch 5000 \
        --concurrency 4 --seed "$run" --progress never --log-level warn \
        --format avro --registry "$REGISTRY" >/dev/null
    for t in "$topic" "$avro_topic"; do
        kcat -b "$BROKERS" -C -t "$t" -c 5000 -e -q -f '%S\n' |
            awk -v t="$t" '{n++; s+=$1} END {printf "%s %.1f\n", t, s / n}'
    done >"$tmp/bytes.txt"
    [ -x "$BENCH/bench_avro" ] && "$BENCH/bench_avro" >"$tmp/bench_avro.out" 2>&1 || true
else
    echo "no Avro run: no registry at $REGISTRY (or BENCH_AVRO=0)" >&2
fi

if [ -n "${CEILING:-}" ]; then
    best=${CEILING/:/ }
else
    best= best_rate=0
    for w in ${CEILING_WINDOWS:-256 1024 4096}; do
        for c in ${CEILING_CONNS:-1 2}; do
            echo "ceiling sweep: window $w, $c connection(s) per host, $SWEEP_COUNT records ..." >&2
            ceiling "sweep_w${w}_c$c" "$SWEEP_COUNT" "$w" "$c"
            r=$(/usr/bin/python3 -c "import json; d=json.load(open('$tmp/sweep_w${w}_c$c.out')); \
print(round(d['rows'] / d['wall_s']))")
            if ((r > best_rate)); then best_rate=$r best="$w $c"; fi
        done
    done
fi
read -r cw cc <<<"$best"
echo "ceiling: window $cw, $cc connection(s) per host" >&2

for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order=(ceiling process); else order=(process ceiling); fi
    if [ -n "$avro_topic" ]; then
        if ((r % 2)); then order+=(avro); else order=(avro "${order[@]}"); fi
    fi
    printf '%s\n' "${order[@]}" |
        /usr/bin/python3 -c 'import json, sys; print(json.dumps(sys.stdin.read().split()))' \
            >"$tmp/r${r}_order.json"
    for what in "${order[@]}"; do
        echo "round $r: $what ..." >&2
        if [ "$what" = ceiling ]; then
            ceiling "r${r}_ceiling" "$COUNT" "$cw" "$cc"
        elif [ "$what" = avro ]; then
            process "r${r}_avro" "$avro_topic" --idle-exit 2 --log-level warn \
                --registry "$REGISTRY"
        else
            process "r${r}_process" "$topic" --idle-exit 2 --log-level warn
        fi
    done
    rate=$(/usr/bin/python3 -c "
import json
for l in open('$tmp/r${r}_process.out'):
    if l.startswith('{\"summary\"'):
        s = json.loads(l)['summary']; print(round(s['written'] / s['active_s']))")
    half=$((rate / 2))
    echo "$half" >"$tmp/r${r}_e2e.rate"
    for what in observer process ceiling; do
        echo "round $r: end to end, $what at $half users/s for ${E2E_SECONDS} s ..." >&2
        half_rate "$r" "$what" "$half"
    done
done

/usr/bin/python3 "$here/bench_process.py" report "$tmp" "$COUNT" "$ROUNDS"
