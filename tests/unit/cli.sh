#!/usr/bin/env bash
# The sluice binary's front door: --help, --version, dispatch, exit codes for usage errors.
set -uo pipefail
bin=${SLUICE_BIN:?SLUICE_BIN must point at the sluice binary}
failures=0
expect() { # expect <exit code> <text that stdout+stderr must contain> <args...>
  local want=$1 text=$2
  shift 2
  local out rc
  out=$("$bin" "$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL: sluice $* exited $rc, want $want"; echo "$out" | head -5; failures=$((failures + 1))
  elif [[ "$out" != *"$text"* ]]; then
    echo "FAIL: sluice $* output lacks '$text'"; echo "$out" | head -5; failures=$((failures + 1))
  else
    echo "ok: sluice $* -> $rc"
  fi
}
expect 0 "usage: sluice <command>" --help
expect 0 "check " --help
expect 0 "sluice 0." --version
expect 0 "librdkafka 2." version
expect 2 "usage: sluice <command>"
expect 2 "unknown command 'nope'" nope
expect 0 "usage: sluice check" check --help
expect 2 "unexpected argument" check extra
expect 2 "must start with kafka. or cql." check -X foo=bar
expect 2 "No such configuration property" check -X kafka.no.such.property=1
expect 2 "timeout must be in 0.1..3600" check --timeout -1
expect 2 "keyspace and table must be plain identifiers" check -k "a;b"
# -X list: the CQL client's property table (as in docs/cql.md) and librdkafka's list.
expect 0 '| `request_timeout_ms` | integer' process -X cql.list
expect 0 "librdkafka properties" schema -X list
expect 0 "Global configuration properties" ingest -X kafka.list
# Nothing listens on port 1: a clear error within the timeout, exit 1.
expect 1 "problem: Kafka at 127.0.0.1:1 did not answer within 1.0 s" check -b 127.0.0.1:1 \
  --timeout 1 -c ""
# ingest's HTTP timeouts are --http-connect-timeout and --http-timeout; the old flags still
# work, with a warning (they mean other things in process and schema).
expect 2 "--connect-timeout is now --http-connect-timeout" ingest --connect-timeout 0
expect 2 "http-connect-timeout must be in" ingest --connect-timeout=0
expect 2 "--timeout is now --http-timeout" ingest --timeout 0
# process and schema refuse a bad configuration with exit 2 before they connect to anything
# (nothing listens on port 1: a command that tried would wait).
nowhere=(-b 127.0.0.1:1 -c 127.0.0.1:1)
expect 0 "usage: sluice process" process --help
expect 2 "No such configuration property" process "${nowhere[@]}" -X kafka.no.such.property=1
expect 2 "outside allowed range" process "${nowhere[@]}" -X kafka.session.timeout.ms=-5
expect 2 "unknown consistency" process "${nowhere[@]}" --consistency sometimes
# -X dlq.* is process's (the dead-letter producer only): checked by librdkafka there,
# refused by a command without a dead-letter producer.
expect 2 "outside allowed range" process "${nowhere[@]}" -X dlq.linger.ms=-5
expect 2 "must start with kafka., dlq. or cql." process "${nowhere[@]}" -X dql.linger.ms=5
expect 2 "must start with kafka. or cql." ingest -X dlq.linger.ms=5
expect 2 "plain identifiers" process "${nowhere[@]}" --keyspace "ks; DROP"
expect 2 "No such configuration property" schema "${nowhere[@]}" --skip-cassandra \
  -X kafka.no.such.property=1
expect 2 "plain identifiers" schema "${nowhere[@]}" --table "t-1"
# Every option row of every command's --help has its help text at column 29: on the row
# when the flag fits its column, else on the next line at the same column (GNU style). The
# rows are the block of lines that ends with "-h, --help".
for cmd in ingest process schema mock-api check console; do
  bad=$("$bin" "$cmd" --help | awk '
    { line[NR] = $0 }
    /^  -h, --help/ { last = NR }
    function cont(s) { return length(s) > 29 && substr(s, 1, 29) ~ /^ *$/ && substr(s, 30, 1) != " " }
    END {
      if (!last) { print "no -h, --help row"; exit }
      first = last
      while (first > 1 && line[first - 1] != "") first--
      for (i = first; i <= last; i++) {
        s = line[i]; lead = match(s, /[^ ]/)
        if ((lead != 3 && lead != 7) || substr(s, lead, 1) != "-") { print i ": " s; continue }
        if (cont(line[i + 1])) {
          if (index(substr(s, lead), "  ") || length(s) <= 28) print i ": " s
          i++; continue
        }
        flag = substr(s, lead, 29 - lead); sub(/ +$/, "", flag)
        if (length(s) < 30 || substr(s, 29, 1) != " " || substr(s, 30, 1) == " " ||
            flag == "" || index(flag, "  ")) print i ": " s
      }
    }')
  # and each flag of the command's reference has its row so, exactly (a flag of exactly
  # the column's width followed by one space cannot be told from one too wide otherwise)
  if [ "$cmd" != mock-api ]; then
    more=$(awk 'NR == FNR { flag[++n] = $0; next }
      { line[++m] = $0 }
      function cont(s) { return length(s) > 29 && substr(s, 1, 29) ~ /^ *$/ && substr(s, 30, 1) != " " }
      END {
        for (k = 1; k <= n; k++) {
          want = (substr(flag[k], 1, 2) == "--" ? "      " : "  ") flag[k]; ok = 0
          for (i = 1; i <= m && !ok; i++)
            if (length(want) <= 28) ok = substr(line[i], 1, 29) == sprintf("%-29s", want) && substr(line[i], 30, 1) !~ /^ ?$/
            else ok = line[i] == want && cont(line[i + 1])
          if (!ok) print "no aligned row for " want
        }
      }' <("$bin" "$cmd" --config-reference | sed -n 's/^| \(`[^|]*`\) |.*/\1/p' | tr -d '`') \
      <("$bin" "$cmd" --help))
    [ -z "$more" ] || bad+="${bad:+$'\n'}$more"
  fi
  if [ -n "$bad" ]; then
    echo "FAIL: sluice $cmd --help: rows not aligned at column 29:"; echo "$bad" | head -5
    failures=$((failures + 1))
  else
    echo "ok: sluice $cmd --help: every help text at column 29"
  fi
done
if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"; exit 1
fi
