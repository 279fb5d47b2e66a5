#!/usr/bin/env bash
# The Cassandra stand-in's entrypoint. `cassandra -f` (the default command) writes
# /etc/cassandra/cassandra.yaml from scripts/stack's template and then applies the official
# image's environment, as its entrypoint does:
#   CASSANDRA_LISTEN_ADDRESS      (auto: the container's address)
#   CASSANDRA_BROADCAST_ADDRESS   (the listen address)
#   CASSANDRA_RPC_ADDRESS         (0.0.0.0), CASSANDRA_BROADCAST_RPC_ADDRESS (broadcast)
#   CASSANDRA_SEEDS               (the broadcast address)
#   CASSANDRA_CLUSTER_NAME, CASSANDRA_NUM_TOKENS, CASSANDRA_ENDPOINT_SNITCH,
#   CASSANDRA_DC, CASSANDRA_RACK  (cassandra-rackdc.properties)
#   MAX_HEAP_SIZE                 (-Xms/-Xmx; by default as cassandra-env.sh computes it)
# HEAP_NEWSIZE is accepted and unused: the JVM options choose G1, which sizes the young
# generation itself (cassandra-env.sh uses it for CMS only). Any other command runs as it is.
set -euo pipefail

if [[ ${1:-} != cassandra ]]; then
  exec "$@"
fi

conf=/etc/cassandra
defaults=/opt/cassandra/defaults
ip=$(ip -4 -o address show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[[ -n $ip ]] || ip=$(hostname -i | awk '{ print $1 }')

listen=${CASSANDRA_LISTEN_ADDRESS:-auto}
[[ $listen == auto ]] && listen=$ip
broadcast=${CASSANDRA_BROADCAST_ADDRESS:-$listen}
[[ $broadcast == auto ]] && broadcast=$ip
export CASSANDRA_LISTEN_ADDRESS=$listen CASSANDRA_BROADCAST_ADDRESS=$broadcast
export CASSANDRA_RPC_ADDRESS=${CASSANDRA_RPC_ADDRESS:-0.0.0.0}
export CASSANDRA_BROADCAST_RPC_ADDRESS=${CASSANDRA_BROADCAST_RPC_ADDRESS:-$broadcast}
seeds=${CASSANDRA_SEEDS:-$broadcast}

sed -e "s|@CASSANDRA_HOST@|$listen|g" -e 's|@CQL_PORT@|9042|g' \
  -e 's|@CASSANDRA_STORAGE_PORT@|7000|g' -e 's|@CASSANDRA_DIR@|/var/lib/cassandra|g' \
  -e 's|@CASSANDRA_AUTHENTICATOR@|AllowAllAuthenticator|g' \
  -e 's|@CASSANDRA_AUTHORIZER@|AllowAllAuthorizer|g' \
  -e "s|@CASSANDRA_SEEDS@|$seeds|g" -e 's|@CASSANDRA_TOKEN_RF@|1|g' \
  -e "s|@CASSANDRA_SNITCH@|${CASSANDRA_ENDPOINT_SNITCH:-SimpleSnitch}|g" \
  -e 's|@CASSANDRA_AUTO_BOOTSTRAP@|true|g' \
  "$defaults/cassandra.yaml.in" >"$conf/cassandra.yaml"
# A field the template gained that this script does not fill would reach Cassandra as
# invalid YAML and a restart loop: say which, once.
if left=$(grep -v '^ *#' "$conf/cassandra.yaml" | grep -o '@[A-Z_]*@' | sort -u | tr '\n' ' ') && [[ -n $left ]]; then
  echo "docker-entrypoint.sh: cassandra.yaml.in has fields this stand-in does not fill: $left" >&2
  exit 2
fi
sed -i -E "s|^( *- seeds:).*|\1 \"$seeds\"|" "$conf/cassandra.yaml"
for key in broadcast_address broadcast_rpc_address cluster_name endpoint_snitch listen_address \
  num_tokens rpc_address; do
  var=CASSANDRA_${key^^}
  val=${!var:-}
  [[ -n $val ]] || continue
  if grep -qE "^(# )?$key:" "$conf/cassandra.yaml"; then
    sed -i -E "s|^(# )?$key:.*|$key: $val|" "$conf/cassandra.yaml"
  else
    printf '%s: %s\n' "$key" "$val" >>"$conf/cassandra.yaml"
  fi
done
: >"$conf/cassandra-rackdc.properties"
for k in dc rack; do
  var=CASSANDRA_${k^^}
  [[ -z ${!var:-} ]] || printf '%s=%s\n' "$k" "${!var}" >>"$conf/cassandra-rackdc.properties"
done
cp "$defaults/logback.xml" "$conf/logback.xml"
for d in data commitlog saved_caches hints cdc_raw triggers; do
  mkdir -p "/var/lib/cassandra/$d"
done

# cassandra-env.sh's default heap: max(min(RAM/2, 1 GB), min(RAM/4, 8 GB)).
if [[ -z ${MAX_HEAP_SIZE:-} ]]; then
  ram=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  half=$((ram / 2 < 1024 ? ram / 2 : 1024))
  quarter=$((ram / 4 < 8192 ? ram / 4 : 8192))
  MAX_HEAP_SIZE=$((half > quarter ? half : quarter))M
fi
mapfile -t jvm < <(grep '^-' "$defaults/cassandra-jvm.options")
jamm=$(ls /opt/cassandra/lib/jamm-*.jar | head -n 1)
echo "docker-entrypoint.sh: listen $listen, rpc $CASSANDRA_RPC_ADDRESS, seeds $seeds, heap $MAX_HEAP_SIZE"
exec java "-Xms$MAX_HEAP_SIZE" "-Xmx$MAX_HEAP_SIZE" "${jvm[@]}" "-javaagent:$jamm" \
  "-Dcassandra.config=file://$conf/cassandra.yaml" -Dcassandra-foreground=yes \
  -Dcassandra.storagedir=/var/lib/cassandra -Dcassandra.logdir=/var/lib/cassandra \
  -Dcassandra.triggers_dir=/var/lib/cassandra/triggers \
  "-Dlogback.configurationFile=$conf/logback.xml" -Dcassandra.jmx.local.port=7199 \
  -cp "$conf:/opt/cassandra/lib/*" org.apache.cassandra.service.CassandraDaemon
