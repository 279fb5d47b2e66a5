# Helpers the shell integration tests share; source it after `set -euo pipefail`, with
# src set to the source tree (SLUICE_SOURCE_DIR).
#   fail MSG...               prints FAIL: MSG and exits 1
#   cql EXPR                  prints the value of a Python expression over a python3-cassandra
#                             session s on the stack under test (SLUICE_TEST_CASSANDRA)
#   require_stack_under_test  scripts/stack env must name the stack under test, and it must
#                             be up (else the demo and the README's commands would use, or
#                             start, another one)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cql() {
  /usr/bin/python3 - "${SLUICE_TEST_CASSANDRA:-127.0.0.1:9042}" "$1" <<'PY'
import sys
from cassandra.cluster import Cluster
host, _, port = sys.argv[1].rpartition(":")
c = Cluster([host], port=int(port))
s = c.connect()
print(eval(sys.argv[2]))
c.shutdown()
PY
}

require_stack_under_test() {
  local brokers status
  brokers=$("$src/scripts/stack" env kafka | sed -n 's/^export SLUICE_BROKERS=//p')
  [ "$brokers" = "${SLUICE_TEST_BROKERS:-127.0.0.1:9092}" ] ||
    fail "scripts/stack env says $brokers, the stack under test is ${SLUICE_TEST_BROKERS:-127.0.0.1:9092}: run with its SLUICE_* settings"
  status=$("$src/scripts/stack" status kafka) || true
  grep -qw up <<<"$status" || fail "the stack of scripts/stack env is not up: $status"
}
