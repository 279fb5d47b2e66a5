#!/usr/bin/env bash
# 0003 sluice-check: `sluice check` sees the real broker and a topic that exists, and
# exits 1 for a topic that does not.
set -euo pipefail
bin=${SLUICE_BIN:?}
brokers=${SLUICE_TEST_BROKERS:-127.0.0.1:9092}
topic="sluice-test-0003-$$"
kcat -b "$brokers" -P -t "$topic" -k k <<<'hello' # creates the topic (auto-create is on)

out=$("$bin" check -b "$brokers" -t "$topic")
echo "$out"
grep -Eq "^  1  127\.0\.0\.1:[0-9]+  \(answered\)$" <<<"$out"
grep -Eq "^  $topic  partitions=1$" <<<"$out"

rc=0
"$bin" check -b "$brokers" -t "sluice-test-0003-missing-$$" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: missing topic exited $rc, want 1"; exit 1; }
# ... and did not create it (listing all topics creates none).
if kcat -b "$brokers" -L | grep -q "sluice-test-0003-missing-$$"; then
  echo "FAIL: check created the topic it was asked about"; exit 1
fi
echo "ok"
