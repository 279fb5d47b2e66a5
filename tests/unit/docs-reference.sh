#!/usr/bin/env bash
# docs-reference: the configuration references in docs/process.md are exactly what
# `sluice process --config-reference` and `sluice schema --config-reference` print.
set -u
bin=${SLUICE_BIN:?}
src=${SLUICE_SOURCE_DIR:?}
status=0
for cmd in process schema; do
  want=$("$bin" "$cmd" --config-reference) || { echo "FAIL: $cmd --config-reference"; exit 1; }
  have=$(sed -n "/<!-- BEGIN config-reference $cmd -->/,/<!-- END config-reference $cmd -->/p" \
    "$src/docs/process.md" | sed '1d;$d')
  if [ -z "$have" ] || [ "$have" != "$want" ]; then
    echo "FAIL: docs/process.md reference for '$cmd' is stale; regenerate it with"
    echo "  build/sluice $cmd --config-reference"
    diff <(echo "$have") <(echo "$want") | head -20
    status=1
  else
    echo "ok: $cmd reference ($(grep -c '^| `' <<<"$want") options)"
  fi
done
exit $status
