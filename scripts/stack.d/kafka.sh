# shellcheck shell=bash
# The stack's Apache Kafka node (KRaft, broker and controller in one
# process), sourced by scripts/stack: the version setting and the jars of
# that version, storage formatting, start and readiness.
#
# The version is a setting (SLUICE_KAFKA_VERSION, 3.x or 4.x). The two differ in their
# logging (4.x: log4j2, 3.x: log4j 1 through reload4j), so each major
# version has its own pom template and logging configuration here.

register_component kafka 10

KAFKA_VERSION=${SLUICE_KAFKA_VERSION:-3.9.1}
KAFKA_HOST=${SLUICE_KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${SLUICE_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${SLUICE_KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP=${SLUICE_KAFKA_HEAP:-512m}
# Data formatted before the stack recorded versions was written by this one.
readonly KAFKA_UNRECORDED_VERSION=3.9.1

kafka_usage_env() {
	cat <<'EOF'
  SLUICE_KAFKA_VERSION          Kafka release from Maven Central, 4.x or 3.x
                                (3.9.1 is tested) [3.9.1]
  SLUICE_KAFKA_HOST             Kafka listener address [127.0.0.1]
  SLUICE_KAFKA_PORT             Kafka client port [9092]
  SLUICE_KAFKA_CONTROLLER_PORT  KRaft controller port [9093]
  SLUICE_KAFKA_HEAP             Kafka heap [512m]
EOF
}

kafka_major() { printf '%s' "${KAFKA_VERSION%%.*}"; }

kafka_validate() {
	[[ $KAFKA_VERSION =~ ^[34]\.[0-9]+\.[0-9]+$ ]] ||
		usage_error "SLUICE_KAFKA_VERSION must be a Kafka release such as 4.4.0 or 3.9.1, not '$KAFKA_VERSION'"
	check_ipv4 SLUICE_KAFKA_HOST "$KAFKA_HOST"
	check_port_value SLUICE_KAFKA_PORT "$KAFKA_PORT"
	check_port_value SLUICE_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
	check_heap SLUICE_KAFKA_HEAP "$KAFKA_HEAP"
}

kafka_preflight() {
	need_tool kcat "install kcat (used to check that Kafka answers)"
}

kafka_endpoint() { printf '%s:%s' "$KAFKA_HOST" "$KAFKA_PORT"; }
kafka_main_log() { printf '%s/logs/server.log' "$(comp_dir "$1")"; }
kafka_describe() { printf 'Kafka %s' "$KAFKA_VERSION"; }

kafka_ports() {
	printf '%s %s\n' "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"
}

kafka_env() {
	printf 'export SLUICE_BROKERS=%s\n' "$2"
	printf 'export SLUICE_TEST_BROKERS=%s\n' "$2"
}

# The jars of KAFKA_VERSION, in a cache entry of their own per version.
kafka_fetch() {
	local pom
	pom=$(mktemp "${TMPDIR:-/tmp}/sluice-kafka-pom.XXXXXX")
	render "$CONF_SRC/kafka-pom-$(kafka_major).xml.in" "$pom" KAFKA_VERSION="$KAFKA_VERSION"
	fetch_pom "kafka-$KAFKA_VERSION" "$pom"
	rm -f "$pom"
	KAFKA_LIBS=$LIBS
}

# The system properties that point a Kafka JVM at its logging
# configuration: $1 is the base name in stack.d (kafka or kafka-tools),
# $2 the directory the configuration is copied to (empty: read it in place).
kafka_log_props() {
	local base=$1 to=${2:-} src
	if [[ $(kafka_major) == 3 ]]; then
		src=$CONF_SRC/$base-log4j.properties
		if [[ -n $to ]]; then
			cp "$src" "$to/log4j.properties"
			src=$to/log4j.properties
		fi
		printf '%s\n' "-Dlog4j.configuration=file:$src"
	else
		src=$CONF_SRC/$base-log4j2.xml
		if [[ -n $to ]]; then
			cp "$src" "$to/log4j2.xml"
			src=$to/log4j2.xml
		fi
		printf '%s\n' "-Dlog4j2.configurationFile=file:$src"
	fi
}

# Kafka reads data written by an older release (an upgrade), but not by a
# newer one: the stack remembers the newest release that ran on its data
# and refuses to start an older one on it, rather than fail obscurely.
kafka_check_data_version() {
	local dir=$1 data=$2 was
	[[ -f $data/meta.properties ]] || return 0
	was=$KAFKA_UNRECORDED_VERSION
	[[ -s $dir/data-version ]] && was=$(<"$dir/data-version")
	[[ $was == "$KAFKA_VERSION" ]] && return 0
	if [[ $(printf '%s\n%s\n' "$was" "$KAFKA_VERSION" | sort -V | tail -n 1) == "$was" ]]; then
		die "kafka: the data in $data was written by Kafka $was, and Kafka $KAFKA_VERSION" \
			"cannot read it (Kafka does not downgrade). Use SLUICE_KAFKA_VERSION=$was," \
			"another SLUICE_STACK_DIR, or 'rm -rf $data' to start with no topics"
	fi
	say "kafka: upgrading the data in $data from Kafka $was to $KAFKA_VERSION"
}

# A Kafka cluster id: 16 random bytes in URL-safe base64 without padding,
# as kafka-storage random-uuid prints (which avoids a leading '-').
new_cluster_id() {
	local id
	while :; do
		id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
		[[ $id == -* ]] || break
	done
	printf '%s' "$id"
}

kafka_start() {
	local node=$1 dir conf data logs
	dir=$(comp_dir "$node")
	conf=$dir/conf data=$dir/data logs=$dir/logs
	mkdir -p "$conf" "$data" "$logs"
	kafka_check_data_version "$dir" "$data"
	render "$CONF_SRC/kafka-server.properties.in" "$conf/server.properties" \
		KAFKA_HOST="$KAFKA_HOST" KAFKA_PORT="$KAFKA_PORT" \
		KAFKA_CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" KAFKA_DATA_DIR="$data"
	local -a sysprops=()
	mapfile -t sysprops < <(kafka_log_props kafka "$conf")
	sysprops+=("-Dkafka.logs.dir=$logs")
	# Storage is formatted once. A run killed during the format, or a data
	# directory emptied by hand, leaves it half done: start it over. The
	# quorum is static (controller.quorum.voters), which both 3.x and 4.x
	# format without --standalone or --initial-controllers.
	if [[ ! -f $data/meta.properties || ! -f $data/bootstrap.checkpoint ]]; then
		say "kafka: formatting storage in $data (Kafka $KAFKA_VERSION)"
		rm -rf "$data"
		mkdir -p "$data"
		if ! "$JAVA" -Xmx256m "${sysprops[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool \
			format -t "$(new_cluster_id)" -c "$conf/server.properties" \
			>"$logs/format.log" 2>&1 9>&-; then
			tail -n 40 "$logs/format.log" >&2
			die "kafka: formatting storage failed (log: $logs/format.log)"
		fi
	fi
	printf '%s\n' "$KAFKA_VERSION" >"$dir/data-version"
	# The lock file is an OS file lock, released when its JVM died; the
	# file itself may stay behind and is harmless, but leave nothing odd.
	rm -f "$data/.lock"
	read_jvm_options "$CONF_SRC/kafka-jvm.options"
	# The tag goes first: tools that read command lines may cut long ones.
	launch "$node" "$JAVA" "$(tag_of "$node")" "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" \
		"${JVM_OPTS[@]}" "${sysprops[@]}" -cp "$KAFKA_LIBS/*" \
		kafka.Kafka "$conf/server.properties"
}

kafka_answers() {
	timeout 10 kcat -b "$KAFKA_HOST:$KAFKA_PORT" -L -m 3 2>/dev/null |
		grep -qF "broker 1 at $KAFKA_HOST:$KAFKA_PORT"
}
