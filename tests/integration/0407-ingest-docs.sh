#!/usr/bin/env bash
# 0407 ingest docs: the configuration reference in docs/ingest.md is exactly what
# `sluice ingest --config-reference` prints, so the docs cannot go stale. (No Kafka needed.)
set -u
BIN=${SLUICE_BIN:-build-asan-ubsan/sluice}
SRC=${SLUICE_SOURCE_DIR:-.}
fail() { echo "FAIL: $*" >&2; exit 1; }
want=$(mktemp); have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
"$BIN" ingest --config-reference >"$want" || fail "--config-reference exited $?"
sed -n '/<!-- BEGIN config-reference -->/,/<!-- END config-reference -->/p' "$SRC/docs/ingest.md" \
    | sed '1d;$d' >"$have"
[ -s "$have" ] || fail "no config-reference block in docs/ingest.md"
diff -u "$have" "$want" >&2 || fail "docs/ingest.md is stale: regenerate the block with
  sluice ingest --config-reference"
rows=$(grep -c '^| `' "$want")
[ "$rows" -ge 25 ] || fail "only $rows option rows"
echo "ok: docs/ingest.md config reference matches the binary ($rows rows)"
