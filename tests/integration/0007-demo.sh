#!/usr/bin/env bash
# 0007 demo: `scripts/demo` (what `make demo` runs) twice in a row against the stack under
# test, with the binary under test (SLUICE_BIN, DEPS=0: nothing installed or built) and a
# small COUNT, on this test's own topic, group, keyspace and table (the SLUICE_* names every
# command reads). Each run exits 0, shows the processor catching up (progress lines ending
# at lag 0), says that ingest outpaces Cassandra, prints the addresses `scripts/stack env`
# gives (no port of its own), and its closing figures are this run's: the users produced
# and rows written equal COUNT, the table holds COUNT more rows than before, and the rows it
# shows are in the table with the names shown.
set -euo pipefail
bin=${SLUICE_BIN:?}
src=${SLUICE_SOURCE_DIR:?}
. "$src/tests/integration/stack_support.sh"
count=2000
export SLUICE_TOPIC="sluice-test-0007-$$" SLUICE_GROUP="sluice-test-0007-$$"
export SLUICE_KEYSPACE="sluice_test_0007_$$" SLUICE_TABLE=users
cassandra=${SLUICE_TEST_CASSANDRA:-127.0.0.1:9042}
work=$(mktemp -d)
cleanup() {
  cql "s.execute('DROP KEYSPACE IF EXISTS $SLUICE_KEYSPACE', timeout=120) and 0" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The demo finds the stack through scripts/stack env: it must be the stack under test.
require_stack_under_test
before=0
for run in 1 2; do
  out=$work/demo$run.out
  rc=0
  SLUICE_BIN=$bin DEPS=0 COUNT=$count "$src/scripts/demo" >"$out" 2>&1 || rc=$?
  cat "$out"
  [ "$rc" = 0 ] || fail "run $run: scripts/demo exited $rc"
  grep -q "ingest outpaces Cassandra 5 to 10 times" "$out" || fail "run $run: no word on the pace"
  grep -qx "SLUICE_BROKERS=${SLUICE_TEST_BROKERS:-127.0.0.1:9092} SLUICE_CASSANDRA=$cassandra" "$out" ||
    fail "run $run: the demo's addresses are not the stack's"
  progress=$(grep -E '^ +[0-9]+s  consumed [0-9]+ +written [0-9]+ +lag [0-9]+$' "$out" || true)
  [ -n "$progress" ] || fail "run $run: no progress line"
  [[ $(tail -n 1 <<<"$progress") =~ written\ +([0-9]+)\ +lag\ 0$ ]] ||
    fail "run $run: the last progress line is not at lag 0"
  line=$(grep -E '^this run: ' "$out") || fail "run $run: no closing figures"
  want="this run: $count users produced to $SLUICE_TOPIC, $count rows written to $SLUICE_KEYSPACE.$SLUICE_TABLE"
  [ "$line" = "$want" ] || fail "run $run: '$line', want '$want'"
  rows=$(cql "s.execute('SELECT count(*) FROM $SLUICE_KEYSPACE.$SLUICE_TABLE', timeout=120).one()[0]")
  [ "$rows" = $((before + count)) ] || fail "run $run: the table holds $rows rows, want $((before + count))"
  before=$rows
  # The rows shown: "<uuid> | first | last", each looked up in the table.
  shown=$(grep -E '^ [0-9a-f]{8}-[0-9a-f-]{27} \| ' "$out" || true)
  [ "$(grep -c . <<<"$shown")" = 10 ] || fail "run $run: $(grep -c . <<<"$shown") rows shown, want 10"
  grep -qx "(10 of these 10 records are rows of $SLUICE_KEYSPACE.$SLUICE_TABLE)" "$out" ||
    fail "run $run: no '10 of these 10' line"
  while IFS='|' read -r id first last; do
    id=$(tr -d ' ' <<<"$id") first=$(sed 's/^ *//; s/ *$//' <<<"$first") last=$(sed 's/^ *//; s/ *$//' <<<"$last")
    got=$(cql "'|'.join(s.execute('SELECT first_name, last_name FROM $SLUICE_KEYSPACE.$SLUICE_TABLE WHERE id = $id', timeout=120).one())")
    [ "$got" = "$first|$last" ] || fail "run $run: row $id is '$got' in the table, the demo showed '$first|$last'"
  done <<<"$shown"
  echo "ok: run $run: exit 0, $count produced and written, table at $rows rows, 10 shown rows match"
done
echo "ok: scripts/demo twice in a row"
