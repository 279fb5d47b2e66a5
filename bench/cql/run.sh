#!/usr/bin/env bash
# Benchmark of the sluice CQL client against the Apache Cassandra Java driver 4.x on the
# same workload (bench_cql.c, java/BenchCql.java): prepared INSERTs of user records with
# a window of requests in flight, then a paged full read. Prints one table.
#
#   bench/cql/run.sh [host] [port] [rows] [window]
#
# Needs a Cassandra (scripts/stack up cassandra), gcc, OpenSSL headers, Java 17, Maven.
# Both clients run one after the other against the same node; the node is the
# bottleneck for rows/s on a small machine, so client CPU time is the figure to watch.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
host=${1:-127.0.0.1}
port=${2:-9042}
rows=${3:-200000}
window=${4:-1000}
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
trap 'rm -f "$results"' EXIT
"$out/bench_cql" "$host" "$port" "$rows" "$window" | tee -a "$results"
java -cp "$out/java/classes:$out/java/lib/*" BenchCql "$host" "$port" "$rows" "$window" \
    | tee -a "$results"

awk '
    { rows[$1 " " $2] = $3; wall[$1 " " $2] = $4; cpu[$1 " " $2] = $5 }
    END {
        printf "\n%-8s %-7s %9s %10s %12s %12s\n", "client", "phase", "rows", "rows/s", "cpu s", "cpu us/row"
        split("insert read", phases, " ")
        split("c java", clients, " ")
        for (p = 1; p <= 2; p++) for (c = 1; c <= 2; c++) {
            k = clients[c] " " phases[p]
            if (!(k in rows)) continue
            printf "%-8s %-7s %9d %10.0f %12.2f %12.2f\n", clients[c], phases[p], rows[k],
                   rows[k] / wall[k], cpu[k], cpu[k] * 1e6 / rows[k]
        }
        for (p = 1; p <= 2; p++) {
            a = "c " phases[p]; b = "java " phases[p]
            if ((a in cpu) && (b in cpu) && cpu[a] > 0)
                printf "%s: Java driver uses %.1fx the CPU of the C client per row\n", phases[p],
                       (cpu[b] / rows[b]) / (cpu[a] / rows[a])
        }
    }' "$results"
