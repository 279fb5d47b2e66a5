#!/usr/bin/env bash
# docs-reference: the configuration references in docs/process.md are exactly what
# `sluice process --config-reference` and `sluice schema --config-reference` print, and the
# CQL client's property table in docs/cql.md is what `sluice process -X cql.list` prints.
set -u
bin=${SLUICE_BIN:?}
src=${SLUICE_SOURCE_DIR:?}
status=0

# check <what> <doc> <block name> <sluice args...>: the block between the BEGIN and END
# markers in <doc> must be exactly what the binary prints.
check() {
  local what=$1 doc=$2 block=$3
  shift 3
  local want have
  want=$("$bin" "$@") || { echo "FAIL: sluice $* exited $?"; exit 1; }
  have=$(sed -n "/<!-- BEGIN $block -->/,/<!-- END $block -->/p" "$src/$doc" | sed '1d;$d')
  if [ -z "$have" ] || [ "$have" != "$want" ]; then
    echo "FAIL: $doc: the $what is stale; regenerate it with"
    echo "  build/sluice $*"
    diff <(echo "$have") <(echo "$want") | head -20
    status=1
  else
    echo "ok: $what ($(grep -c '^| `' <<<"$want") rows)"
  fi
}

for cmd in process schema; do
  check "$cmd reference" docs/process.md "config-reference $cmd" "$cmd" --config-reference
done
check "CQL client properties" docs/cql.md cql-properties process -X cql.list
exit $status
