#!/usr/bin/env bash
# 0702 registry-schema-cli: `sluice schema --print-avro` prints the schema that
# docs/schema-registry.md shows; `sluice schema --registry URL` registers it as
# <topic>-value, prints the id, sets FULL (sluice's default; --registry-compatibility
# another level), and gives the same id when run again; a subject whose latest schema the
# record's cannot follow under BACKWARD makes it exit 1
# with the registry's message; credentials on the command line are refused (exit 2) and
# come from the environment instead, never shown. SLUICE_TEST_REGISTRY is the Confluent
# API base of the stack's registry.
set -u
BIN=${SLUICE_BIN:-build-asan-ubsan/sluice}
SRC=${SLUICE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
REG=${SLUICE_TEST_REGISTRY:-http://127.0.0.1:8081/apis/ccompat/v7}
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
only=(--skip-kafka --skip-cassandra --timeout 30)

# --print-avro: exactly the schema of the docs
"$BIN" schema --print-avro >"$work/printed" || fail "--print-avro exit $?"
sed -n '/<!-- BEGIN avro-schema -->/,/<!-- END avro-schema -->/p' "$SRC/docs/schema-registry.md" |
  sed '1,2d;$d' | sed '$d' >"$work/docs"
cmp -s "$work/printed" "$work/docs" || { diff "$work/docs" "$work/printed" | head; fail "--print-avro differs from docs/schema-registry.md"; }
echo "ok: --print-avro is the documented schema"

topic="sluice_0702_$$_$(date +%s)"
id1=$("$BIN" schema "${only[@]}" -t "$topic" --registry "$REG" 2>"$work/err1") ||
  fail "register: exit $?: $(cat "$work/err1")"
id2=$("$BIN" schema "${only[@]}" -t "$topic" --registry "$REG" 2>"$work/err2") ||
  fail "register again: exit $?: $(cat "$work/err2")"
[[ "$id1" =~ ^[0-9]+$ ]] || fail "printed '$id1', not an id"
[ "$id1" = "$id2" ] || fail "same schema, ids $id1 and $id2"
# what the registry holds under that id and subject, asked with curl
curl -sf "$REG/subjects/$topic-value/versions/latest" >"$work/latest" || fail "no $topic-value"
/usr/bin/python3 - "$work/latest" "$work/printed" "$id1" <<'PY' || fail "registry content"
import json, sys
latest = json.load(open(sys.argv[1]))
assert latest["id"] == int(sys.argv[3]), latest
assert json.loads(latest["schema"]) == json.load(open(sys.argv[2])), "another schema"
PY
level=$(curl -sf "$REG/config/$topic-value")
[[ "$level" == *'"FULL"'* ]] || fail "compatibility of $topic-value: $level"
echo "ok: registered as $topic-value, id $id1 twice, FULL"
"$BIN" schema "${only[@]}" -t "$topic" --registry "$REG" --registry-compatibility BACKWARD \
  >"$work/out6" || fail "--registry-compatibility BACKWARD: exit $?"
[ "$(cat "$work/out6")" = "$id1" ] || fail "another id with BACKWARD: $(cat "$work/out6")"
level=$(curl -sf "$REG/config/$topic-value")
[[ "$level" == *'"BACKWARD"'* ]] || fail "compatibility after --registry-compatibility: $level"
echo "ok: --registry-compatibility BACKWARD sets BACKWARD, same id"

# a subject whose latest version has only an id: the record's schema adds required fields
# without defaults, which BACKWARD refuses
bad="${topic}_old"
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data '{"schema":"{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"sluice\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"}' \
  "$REG/subjects/$bad-value/versions" >/dev/null || fail "pre-register $bad-value"
curl -sf -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
  --data '{"compatibility":"BACKWARD"}' "$REG/config/$bad-value" >/dev/null || fail "config"
out=$("$BIN" schema "${only[@]}" -t "$bad" --registry "$REG" 2>"$work/err3")
rc=$?
[ "$rc" = 1 ] || fail "incompatible schema: exit $rc, want 1 ($(cat "$work/err3"))"
[ -z "$out" ] || fail "printed '$out' though refused"
grep -q 'error_code 409' "$work/err3" || fail "no 409 in: $(cat "$work/err3")"
grep -qi 'incompatib' "$work/err3" || fail "no registry message in: $(cat "$work/err3")"
echo "ok: refused with exit 1 and the registry's message"

# credentials: not on the command line; from the environment, and never printed
"$BIN" schema "${only[@]}" -t "$topic" --registry "$REG" --registry-password "s3cr3t-0702" \
  >"$work/out4" 2>&1
rc=$?
[ "$rc" = 2 ] || fail "--registry-password on the command line: exit $rc, want 2"
grep -q 'SLUICE_REGISTRY_PASSWORD' "$work/out4" || fail "no hint: $(cat "$work/out4")"
SLUICE_REGISTRY_USERNAME=svc SLUICE_REGISTRY_PASSWORD=s3cr3t-0702 \
  "$BIN" schema "${only[@]}" -t "$topic" --registry "$REG" --log-level debug >"$work/out5" 2>&1 ||
  fail "with credentials from the environment: $(cat "$work/out5")"
grep -q "s3cr3t-0702" "$work/out4" "$work/out5" && fail "the password was printed"
echo "ok: credentials only from the environment, never shown"
