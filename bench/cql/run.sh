#!/usr/bin/env bash
# Benchmark of the sluice CQL client against the Apache Cassandra Java driver 4.x on the
# same workload (bench_cql.c, java/BenchCql.java): prepared INSERTs of ~1 KB rows (uuid
# key and eleven text columns, the shape of spark_streams.created_users) into a fresh
# table per client, with the same number of requests in flight, one connection each.
# Prints one table (rows/s, client CPU per 100k rows, p50/p99 latency from submit to
# completion, peak RSS of the client process) and, last, the line
#   cql_insert ratio=<C rows/s / Java rows/s> cpu_ratio=<Java CPU / C CPU>
#
#   bench/cql/run.sh [host] [port] [rows] [window]
#
# host and port default to SLUICE_CASSANDRA_HOST and SLUICE_CQL_PORT (else
# 127.0.0.1:9042), rows to 200000, window to 256. BENCH_CQL_READ=1 adds a paged full read
# after the inserts (its lines are printed, not tabulated). Each client first writes a
# tenth of the rows into another table as warm-up; they run one after the other against
# the same node, C first (BENCH_CQL_FIRST=java swaps them), in BENCH_CQL_ROUNDS rounds
# (default 3) that alternate the order; the table shows the median of the rounds.
# Needs a Cassandra (scripts/stack up cassandra), gcc, OpenSSL headers, Java 17, Maven,
# /usr/bin/time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
host=${1:-${SLUICE_CASSANDRA_HOST:-127.0.0.1}}
port=${2:-${SLUICE_CQL_PORT:-9042}}
rows=${3:-200000}
window=${4:-256}
rounds=${BENCH_CQL_ROUNDS:-3}
out=$root/build-bench-cql
mkdir -p "$out/java/classes"

# C: the library at -O2, without sanitizers
gcc -O2 -std=c11 -D_GNU_SOURCE -I"$root/src/cql" "$here/bench_cql.c" "$root"/src/cql/*.c \
    -lssl -lcrypto -lpthread -lm -o "$out/bench_cql"

# Java: the driver and its dependencies from Maven Central, compiled with javac
if [ ! -d "$out/java/lib" ]; then
    (cd "$here/java" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$out/java/lib")
fi
javac -cp "$out/java/lib/*" -d "$out/java/classes" "$here/java/src/main/java/BenchCql.java"

results=$(mktemp)
rss=$(mktemp)
trap 'rm -f "$results" "$rss"' EXIT
echo "cql insert benchmark: $rows rows of 1,028 bytes, window $window, $rounds round(s), $host:$port"

# Peak RSS of each whole client process, in KiB, from GNU time.
run_c() {
    /usr/bin/time -f "c rss %M" -a -o "$rss" "$out/bench_cql" "$host" "$port" "$rows" "$window" \
        | tee -a "$results"
}
run_java() {
    /usr/bin/time -f "java rss %M" -a -o "$rss" \
        java -cp "$out/java/classes:$out/java/lib/*" BenchCql "$host" "$port" "$rows" "$window" \
        | tee -a "$results"
}
# Rounds alternate which client goes first, so that neither always meets the node in
# the state the other left it in (memtables, commit log, compaction).
for ((round = 1; round <= rounds; round++)); do
    if { [ "${BENCH_CQL_FIRST:-c}" = java ] && ((round % 2 == 1)); } ||
        { [ "${BENCH_CQL_FIRST:-c}" != java ] && ((round % 2 == 0)); }; then
        run_java
        run_c
    else
        run_c
        run_java
    fi
done

cat "$rss" "$results" | awk -v rounds="$rounds" '
    function median(list,    v, n, i, j, t) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++)
            for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    $2 == "rss" { if ($3 > rss[$1]) rss[$1] = $3; next }
    $2 == "insert" {
        c = $1; rows[c] = $3
        rate[c] = rate[c] " " $3 / $4; cpu[c] = cpu[c] " " $5 * 1e5 / $3
        p50[c] = p50[c] " " $6 / 1000; p99[c] = p99[c] " " $7 / 1000
    }
    END {
        if (!("c" in rows) || !("java" in rows)) { print "missing results" > "/dev/stderr"; exit 1 }
        if (rounds > 1)
            printf "\nmedians of %d rounds; peak RSS is the highest of them\n", rounds
        printf "\n%-14s %8s %9s %16s %9s %9s %13s\n", "client", "rows", "rows/s",
               "CPU s/100k rows", "p50 ms", "p99 ms", "peak RSS MiB"
        split("c java", clients, " ")
        name["c"] = "sluice (C)"; name["java"] = "java-driver"
        for (i = 1; i <= 2; i++) {
            c = clients[i]
            r[c] = median(rate[c]); u[c] = median(cpu[c])
            printf "%-14s %8d %9.0f %16.2f %9.2f %9.2f %13.1f\n", name[c], rows[c], r[c], u[c],
                   median(p50[c]), median(p99[c]), rss[c] / 1024
        }
        printf "cql_insert ratio=%.2f cpu_ratio=%.2f\n", r["c"] / r["java"], u["java"] / u["c"]
    }'
