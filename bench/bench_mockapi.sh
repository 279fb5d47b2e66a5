#!/usr/bin/env bash
# Benchmark of the mock API: users/s generated and served on one core.
#   bench/bench_mockapi.sh [SECONDS]        (default 10 per run)
# Builds the release preset, compiles bench_mockapi.c against it, then measures
#   1. the generator alone (one thread, 5000-user pages),
#   2. end to end: `sluice mock-api --threads 1` pinned to CPU 0 (taskset, when there are
#      two or more CPUs), a libcurl client with 4 keep-alive connections pinned to CPU 1.
# users/s is wall-clock; users/CPU-s divides by the CPU time the generator (or the server
# process) itself used, which other load on the machine disturbs less.
# Prints a table and, last, "mockapi users_per_s=<N>" (the end-to-end wall-clock figure).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
cmake --preset release >/dev/null
cmake --build build --target sluice sl_mockapi >/dev/null
bin=build/bench_mockapi
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc/mockapi bench/bench_mockapi.c build/libsl_mockapi.a \
   build/libsl_http.a build/libsl_common.a -lcrypto -lmicrohttpd -lcurl -lpthread -o "$bin"

pin_server=() pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

gen=$("${pin_server[@]}" "$bin" gen "$secs")

out=$(mktemp)
"${pin_server[@]}" build/sluice mock-api --listen 127.0.0.1:0 --threads 1 >"$out" 2>/dev/null &
srv=$!
trap 'kill $srv 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
url=$(sed -n 's/^mock-api listening on \(http[^ ]*\)$/\1/p' "$out")
[ -n "$url" ] || { echo "mock-api did not start" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$srv/stat"; } # server utime + stime
t0=$(ticks)
e2e=$("${pin_client[@]}" "$bin" fetch "$url" "$secs" 4)
t1=$(ticks)
kill -TERM $srv; wait $srv || true

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
e2e_cpu=$(awk -v u="$(field users "$e2e")" -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
          'BEGIN { if (t > 0) printf "%.0f", u / (t / hz); else print "n/a" }')

row() { printf '%-34s %10s %10s %8s %12s\n' "$@"; }
echo
row "run (5000-user pages)" "users" "users/s" "MB/s" "users/CPU-s"
row "generator alone, 1 thread" "$(field users "$gen")" "$(field users_per_s "$gen")" \
    "$(field mb_per_s "$gen")" "$(field users_per_cpu_s "$gen")"
row "HTTP end to end, server on 1 core" "$(field users "$e2e")" "$(field users_per_s "$e2e")" \
    "$(field mb_per_s "$e2e")" "$e2e_cpu"
echo
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); pinned: ${pin_server[*]:-no};" \
     "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mockapi users_per_s=$(field users_per_s "$e2e")"
