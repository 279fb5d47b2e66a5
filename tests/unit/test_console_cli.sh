#!/usr/bin/env bash
# `sluice console` from the outside, without a cluster: --help, exit codes for usage errors,
# the token and the registry's credentials never taken from argv, and the configuration reference in docs/console.md being
# exactly what the binary prints.
set -uo pipefail
bin=${SLUICE_BIN:?}
src=${SLUICE_SOURCE_DIR:?}
failures=0
expect() { # expect <exit code> <text in stdout+stderr> <args...>
  local want=$1 text=$2
  shift 2
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ] || [[ "$out" != *"$text"* ]]; then
    echo "FAIL: sluice $* -> $rc (want $want, text '$text')"; echo "$out" | head -5
    failures=$((failures + 1))
  else
    echo "ok: sluice $* -> $rc"
  fi
}
expect 0 "usage: sluice console" console --help
expect 0 "console " --help
expect 2 "unknown option '--token'" console --token secret
expect 2 "unknown option '--auth-token'" console --auth-token secret
expect 2 "--component 'x': want NAME=http://HOST:PORT" console --component x
expect 2 "--component 'a=ftp://h': want" console --component a=ftp://h
expect 2 "interval must be in" console --interval 0
expect 2 "is not a Kafka topic name" console -t "a b" --cassandra ""
expect 2 "--auth-token-file /nonexistent: cannot open it" console --auth-token-file /nonexistent --cassandra ""
empty=$(mktemp)
expect 2 "empty" console --auth-token-file "$empty" --cassandra ""
rm -f "$empty"
expect 1 "cannot listen" console --listen 192.0.2.1:9000 --cassandra "" -b 127.0.0.1:1
# registry credentials never from argv; a URL the registry client refuses is a usage error
expect 2 "set SLUICE_REGISTRY_PASSWORD" console --registry http://127.0.0.1:1 --registry-password x --cassandra ""
expect 2 "set SLUICE_REGISTRY_USERNAME" console --registry-username u --cassandra ""
expect 2 "--registry:" console --registry ftp://127.0.0.1:1 --cassandra ""
expect 2 "--registry:" console --registry http://u:p@127.0.0.1:1 --cassandra ""

want=$("$bin" console --config-reference) || { echo "FAIL: console --config-reference"; exit 1; }
have=$(sed -n "/<!-- BEGIN config-reference console -->/,/<!-- END config-reference console -->/p" \
  "$src/docs/console.md" | sed '1d;$d')
if [ -z "$have" ] || [ "$have" != "$want" ]; then
  echo "FAIL: docs/console.md reference is stale; regenerate it with build/sluice console --config-reference"
  diff <(echo "$have") <(echo "$want") | head -20
  failures=$((failures + 1))
else
  echo "ok: console reference ($(grep -c '^| `' <<<"$want") options)"
fi
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
