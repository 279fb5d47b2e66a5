#!/usr/bin/env bash
# function-length: no C function in src/, tests/ or bench/ is longer than the style's 150
# lines (scripts/function-length: a brace scan that needs nothing but python3).
set -u
src=${SLUICE_SOURCE_DIR:?}
cd "$src" || exit 1
if out=$(python3 scripts/function-length --max 150 src tests bench); then
    echo "ok: no function over 150 lines"
else
    echo "FAIL: functions over 150 lines (split them):"
    echo "$out"
    exit 1
fi
# The scan itself: it finds a long function and passes a short one.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
    echo 'static const char *s = "{"; /* { */'
    echo 'int f(int a) {'
    for _ in $(seq 151); do echo '    a++; // }'; done
    echo '    return a;'
    echo '}'
    echo 'struct t { int x; };'
    echo 'int g(void) { return 0; }'
} >"$tmp/long.c"
got=$(python3 scripts/function-length --max 150 "$tmp/long.c")
want="$tmp/long.c:2: f: 154 lines (limit 150)"
[ "$got" = "$want" ] || { echo "FAIL: scan says '$got', want '$want'"; exit 1; }
echo "ok: the scan counts a 154-line function and nothing else"
