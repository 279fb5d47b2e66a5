#!/usr/bin/env bash
# 0008 schema-cli: what `sluice schema` says when things are not as asked. An existing topic
# with fewer partitions than --partitions: exit 1 with which topic, its count and what to do,
# nothing else done; --allow-fewer-partitions makes it a warning (exit 0); more partitions
# than asked stay a warning. A Cassandra that refuses connections: every attempt logged
# with the reason (not 60 s of silence), then exit 1 naming the attempts. A contact point
# that does not resolve beside the stack's: one warning naming it, exit 0.
set -u
BIN=${SLUICE_BIN:-build-asan-ubsan/sluice}
BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
CASS=${SLUICE_TEST_CASSANDRA:-127.0.0.1:9042}
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
ks="sluice_0008_$$"
trap 'rm -rf "$work"' EXIT
topic="sluice_0008_$$_$(date +%s)"
kafka=(-b "$BROKERS" -t "$topic" --skip-cassandra --timeout 120)

"$BIN" schema "${kafka[@]}" --partitions 2 >"$work/out" 2>&1 || fail "create: $(cat "$work/out")"
grep -q "topic $topic created (2 partitions)" "$work/out" || fail "no 'created': $(cat "$work/out")"

"$BIN" schema "${kafka[@]}" --partitions 6 >"$work/out" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "fewer partitions than asked: exit $rc, want 1: $(cat "$work/out")"
want="topic $topic exists with 2 partitions, fewer than the 6 asked for (Kafka cannot remove partitions: ask for 2, add partitions with kafka-topics --alter --partitions 6, or accept it with --allow-fewer-partitions)"
grep -qF "$want" "$work/out" || fail "the message is not '$want': $(cat "$work/out")"
echo "ok: 2 partitions, 6 asked for: exit 1 with the reason"

"$BIN" schema "${kafka[@]}" --partitions 6 --allow-fewer-partitions >"$work/out" 2>&1 ||
  fail "--allow-fewer-partitions: exit $?: $(cat "$work/out")"
grep -qF "warn  schema: topic $topic has 2 partitions, not the 6 asked for" "$work/out" ||
  fail "no warning: $(cat "$work/out")"
"$BIN" schema "${kafka[@]}" --partitions 1 >"$work/out" 2>&1 ||
  fail "more partitions than asked: exit $?: $(cat "$work/out")"
grep -qF "topic $topic has 2 partitions, not the 1 asked for" "$work/out" ||
  fail "no warning for more: $(cat "$work/out")"
echo "ok: --allow-fewer-partitions and more partitions than asked: warnings, exit 0"

# Nothing listens on port 1 of loopback: refused at once, every attempt.
"$BIN" schema --skip-kafka -c 127.0.0.1:1 -k "$ks" --timeout 12 >"$work/out" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "refused Cassandra: exit $rc, want 1: $(cat "$work/out")"
attempts=$(grep -c "warn  schema: Cassandra at 127.0.0.1:1 not reachable (attempt [0-9]*): .*Connection refused; retrying in" "$work/out")
[ "$attempts" -ge 1 ] || fail "no attempt logged: $(cat "$work/out")"
grep -q "error schema: Cassandra at 127.0.0.1:1 unreachable for 12 s ($((attempts + 1)) attempts): .*Connection refused" "$work/out" ||
  fail "no final error counting $((attempts + 1)) attempts: $(cat "$work/out")"
echo "ok: refused Cassandra: $attempts attempts logged, then exit 1"

"$BIN" schema --skip-kafka -c "nosuch.invalid:9042,$CASS" -k "$ks" --timeout 120 >"$work/out" 2>&1 ||
  fail "an unresolvable contact point beside $CASS: exit $?: $(cat "$work/out")"
n=$(grep -c "nosuch.invalid" "$work/out")
[ "$n" = 1 ] || fail "$n lines name nosuch.invalid, want 1: $(cat "$work/out")"
grep -q "warn  cql: host nosuch.invalid:9042: .*: trying again in the background" "$work/out" ||
  fail "not a warning with the reason: $(cat "$work/out")"
grep -q "keyspace $ks created" "$work/out" || fail "keyspace not created: $(cat "$work/out")"
echo "ok: an unresolvable contact point: one warning, the schema made through the other"
/usr/bin/python3 - "$CASS" "$ks" <<'PY' || fail "drop $ks"
import sys
from cassandra.cluster import Cluster
host, _, port = sys.argv[1].rpartition(":")
c = Cluster([host], port=int(port), connect_timeout=30)
s = c.connect()
s.default_timeout = 120
s.execute("DROP KEYSPACE IF EXISTS %s" % sys.argv[2])
c.shutdown()
PY
