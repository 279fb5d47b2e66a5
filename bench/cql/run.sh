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
# tenth of the rows into another table as warm-up; they run one after the other (C
# first) against the same node. Needs a Cassandra (scripts/stack up cassandra), gcc,
# OpenSSL headers, Java 17, Maven, /usr/bin/time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
host=${1:-${SLUICE_CASSANDRA_HOST:-127.0.0.1}}
port=${2:-${SLUICE_CQL_PORT:-9042}}
rows=${3:-200000}
window=${4:-256}
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
echo "cql insert benchmark: $rows rows of 1,028 bytes, window $window, $host:$port"

# Peak RSS of each whole client process, in KiB, from GNU time.
/usr/bin/time -f "c rss %M" -a -o "$rss" "$out/bench_cql" "$host" "$port" "$rows" "$window" \
    | tee -a "$results"
/usr/bin/time -f "java rss %M" -a -o "$rss" \
    java -cp "$out/java/classes:$out/java/lib/*" BenchCql "$host" "$port" "$rows" "$window" \
    | tee -a "$results"

cat "$rss" "$results" | awk '
    $2 == "rss" { rss[$1] = $3; next }
    $2 == "insert" { rows[$1] = $3; wall[$1] = $4; cpu[$1] = $5; p50[$1] = $6; p99[$1] = $7 }
    END {
        if (!("c" in rows) || !("java" in rows)) { print "missing results" > "/dev/stderr"; exit 1 }
        printf "\n%-14s %8s %9s %16s %9s %9s %13s\n", "client", "rows", "rows/s",
               "CPU s/100k rows", "p50 ms", "p99 ms", "peak RSS MiB"
        split("c java", clients, " ")
        name["c"] = "sluice (C)"; name["java"] = "java-driver"
        for (i = 1; i <= 2; i++) {
            c = clients[i]
            printf "%-14s %8d %9.0f %16.2f %9.2f %9.2f %13.1f\n", name[c], rows[c],
                   rows[c] / wall[c], cpu[c] * 1e5 / rows[c], p50[c] / 1000, p99[c] / 1000,
                   rss[c] / 1024
        }
        printf "cql_insert ratio=%.2f cpu_ratio=%.2f\n",
               (rows["c"] / wall["c"]) / (rows["java"] / wall["java"]),
               (cpu["java"] / rows["java"]) / (cpu["c"] / rows["c"])
    }'
