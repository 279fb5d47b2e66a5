# shellcheck shell=bash
# The stack's Apache Kafka node or nodes (KRaft, broker and controller in
# one process each), sourced by scripts/stack: the version setting and the
# jars of that version, storage formatting, start, readiness, and Kafka's
# own command-line tools from the same jars (`scripts/stack kafka TOOL ...`).
#
# With SLUICE_STACK_NODES=N there are N nodes, kafka1..N, each on its own
# loopback address with the same ports, each a broker and a voter of a
# static controller quorum of N (see docs/stack.md for why this layout).
#
# Kafka 4.x is the default; 3.x stays selectable. The two differ in their
# logging (4.x: log4j2, 3.x: log4j 1 through reload4j), so each major
# version has its own pom template and logging configuration here.

register_component kafka 10
register_clustered kafka
register_command kafka kafka_cmd_tool

KAFKA_VERSION=${SLUICE_KAFKA_VERSION:-4.4.0}
KAFKA_HOST=${SLUICE_KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${SLUICE_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${SLUICE_KAFKA_CONTROLLER_PORT:-9093}
# The default is smaller in a cluster (--nodes N), so that six JVMs fit in 8 GB;
# decided in validate, once --nodes is known.
KAFKA_HEAP=${SLUICE_KAFKA_HEAP:-}
KAFKA_TOOLS_HEAP=${SLUICE_KAFKA_TOOLS_HEAP:-128m}
# Data formatted before the stack recorded versions was written by this one.
readonly KAFKA_UNRECORDED_VERSION=3.9.1

kafka_usage_commands() {
	cat <<'EOF'
  kafka TOOL [ARGS]
               one of Kafka's own tools, from the broker's version, against
               this stack (--bootstrap-server filled in unless given), e.g.
               kafka kafka-consumer-groups --describe --group sluice-process;
               'kafka --list' lists the tools.
EOF
}

kafka_usage_env() {
	cat <<'EOF'
  SLUICE_KAFKA_VERSION          Kafka release from Maven Central, 4.x or 3.x
                                (3.9.1 is tested) [4.4.0]
  SLUICE_KAFKA_HOST             Kafka listener address [127.0.0.1]
  SLUICE_KAFKA_PORT             Kafka client port [9092]
  SLUICE_KAFKA_CONTROLLER_PORT  KRaft controller port [9093]
  SLUICE_KAFKA_HEAP             Kafka heap [512m; 384m per node in a cluster]
  SLUICE_KAFKA_TOOLS_HEAP       heap of 'kafka TOOL' [128m]
EOF
}

kafka_major() { printf '%s' "${KAFKA_VERSION%%.*}"; }

kafka_validate() {
	[[ $KAFKA_VERSION =~ ^[34]\.[0-9]+\.[0-9]+$ ]] ||
		usage_error "SLUICE_KAFKA_VERSION must be a Kafka release such as 4.4.0 or 3.9.1, not '$KAFKA_VERSION'"
	check_ipv4 SLUICE_KAFKA_HOST "$KAFKA_HOST"
	check_port_value SLUICE_KAFKA_PORT "$KAFKA_PORT"
	check_port_value SLUICE_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
	if [[ -z $KAFKA_HEAP ]]; then
		KAFKA_HEAP=512m
		((NODES == 1)) || KAFKA_HEAP=384m
	fi
	check_heap SLUICE_KAFKA_HEAP "$KAFKA_HEAP"
	check_heap SLUICE_KAFKA_TOOLS_HEAP "$KAFKA_TOOLS_HEAP"
}

kafka_preflight() {
	need_tool kcat "install kcat (used to check that Kafka answers)"
}

# The address of a node: SLUICE_KAFKA_HOST for the single node, the
# cluster's address for node I of a cluster.
kafka_host() { node_host "$1" "$KAFKA_HOST"; }

kafka_endpoint() { printf '%s:%s' "$(kafka_host "$1")" "$KAFKA_PORT"; }
kafka_main_log() { printf '%s/logs/server.log' "$(comp_dir "$1")"; }
# The version of the running broker (recorded at its start), which may
# differ from SLUICE_KAFKA_VERSION until the next start.
kafka_describe() {
	local f running
	f=$(comp_dir "$1")/version
	running=$KAFKA_VERSION
	[[ -s $f ]] && running=$(<"$f")
	printf 'Kafka %s, %s' "$running" "$(secure_describe kafka)"
	[[ $running == "$KAFKA_VERSION" ]] ||
		printf ' (SLUICE_KAFKA_VERSION is %s: restart to switch)' "$KAFKA_VERSION"
}

kafka_ports() {
	local h
	h=$(kafka_host "$1")
	printf '%s %s\n' "$h" "$KAFKA_PORT" "$h" "$KAFKA_CONTROLLER_PORT"
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

# True when the data directory was formatted to the end: meta.properties
# and the marker the stack writes after a format that succeeded. Data
# formatted before the marker existed (by 3.x) counts when 3.x's
# bootstrap.checkpoint is there. (4.x writes no bootstrap.checkpoint: its
# bootstrap records go to a snapshot in __cluster_metadata-0.)
kafka_formatted() {
	local dir=$1 data=$2 suffix=${3:-}
	[[ -f $data/meta.properties ]] &&
		[[ -f $dir/formatted$suffix || -f $data/bootstrap.checkpoint ]]
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

# The node.id, controller quorum and replication of internal topics of a
# node, as NAME=VALUE fields for the properties template.
kafka_node_fields() {
	local node=$1 i n voters='' rf=1 isr=1
	i=$(node_index "$node")
	if ((i == 0)); then
		voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
		i=1
	else
		for ((n = 1; n <= NODES; n++)); do
			voters+=${voters:+,}$n@$(node_addr "$n"):$KAFKA_CONTROLLER_PORT
		done
		rf=$((NODES < 3 ? NODES : 3))
		isr=$((rf > 1 ? rf - 1 : 1))
	fi
	printf '%s\n' "KAFKA_NODE_ID=$i" "KAFKA_VOTERS=$voters" "KAFKA_INTERNAL_RF=$rf" \
		"KAFKA_INTERNAL_MIN_ISR=$isr"
}

# The id every node of this stack's Kafka is formatted with: one per state
# directory, so that the nodes of a cluster agree.
kafka_cluster_id() {
	local f=$STATE_DIR/kafka-cluster-id
	[[ -s $f ]] || new_cluster_id >"$f"
	printf '%s' "$(<"$f")"
}

kafka_start() {
	local node=$1 dir conf data logs suffix=
	dir=$(comp_dir "$node")
	# The secure stack keeps its own data (formatted with its SCRAM users),
	# so switching SLUICE_STACK_SECURE back and forth loses nothing.
	secure_on && suffix=-secure
	conf=$dir/conf data=$dir/data$suffix logs=$dir/logs
	mkdir -p "$conf" "$data" "$logs"
	kafka_check_data_version "$dir" "$data"
	local -a fields=()
	mapfile -t fields < <(kafka_node_fields "$node")
	render "$CONF_SRC/kafka-server.properties.in" "$conf/server.properties" \
		KAFKA_HOST="$(kafka_host "$node")" KAFKA_PORT="$KAFKA_PORT" \
		KAFKA_CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" KAFKA_DATA_DIR="$data" "${fields[@]}"
	local -a scram=()
	if secure_on; then
		chmod 0600 "$conf/server.properties"
		secure_kafka_props "$(kafka_host "$node")" >>"$conf/server.properties"
		mapfile -t scram < <(secure_kafka_scram_args)
	fi
	local -a sysprops=()
	mapfile -t sysprops < <(kafka_log_props kafka "$conf")
	sysprops+=("-Dkafka.logs.dir=$logs")
	# Storage is formatted once. A run killed during the format, or a data
	# directory emptied by hand, leaves it half done: start it over. The
	# quorum is static (controller.quorum.voters), which both 3.x and 4.x
	# format without --standalone or --initial-controllers.
	if ! kafka_formatted "$dir" "$data" "$suffix"; then
		say "$node: formatting storage in $data (Kafka $KAFKA_VERSION)"
		rm -rf "$data" "$dir/formatted$suffix"
		mkdir -p "$data"
		if ! "$JAVA" -Xmx256m "${sysprops[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool \
			format -t "$(kafka_cluster_id)" -c "$conf/server.properties" "${scram[@]}" \
			>"$logs/format.log" 2>&1 9>&-; then
			tail -n 40 "$logs/format.log" >&2
			die "$node: formatting storage failed (log: $logs/format.log)"
		fi
		printf '%s\n' "$KAFKA_VERSION" >"$dir/formatted$suffix"
	fi
	printf '%s\n' "$KAFKA_VERSION" >"$dir/data-version"
	printf '%s\n' "$KAFKA_VERSION" >"$dir/version"
	# The lock file is an OS file lock, released when its JVM died; the
	# file itself may stay behind and is harmless, but leave nothing odd.
	rm -f "$data/.lock"
	read_jvm_options "$CONF_SRC/kafka-jvm.options"
	# The tag goes first: tools that read command lines may cut long ones.
	launch "$node" "$JAVA" "$(tag_of "$node")" "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" \
		"${JVM_OPTS[@]}" "${sysprops[@]}" -cp "$KAFKA_LIBS/*" \
		kafka.Kafka "$conf/server.properties"
}

# The node answers metadata and lists itself as a registered broker.
kafka_answers() {
	local ep id
	ep=$(kafka_endpoint "$1")
	id=$(node_index "$1")
	((id > 0)) || id=1
	local -a sec=()
	mapfile -t sec < <(secure_kcat_args)
	timeout 10 kcat "${sec[@]}" -b "$ep" -L -m 3 2>/dev/null | grep -qF "broker $id at $ep"
}

# ---------------------------------------------------------------- tools

# Kafka's tools: the name of the bin/ script, whether it takes
# --bootstrap-server before anything else (b: yes, 4: from Kafka 4.0 on,
# -: no), and its main class. Classes
# moved from kafka.admin / kafka.tools (Scala, in kafka_2.13) to
# org.apache.kafka.tools (kafka-tools) over 3.x and 4.0; the first one
# that exists in this version's jars is run.
kafka_tool_table() {
	cat <<'EOF'
kafka-topics                    b org.apache.kafka.tools.TopicCommand kafka.admin.TopicCommand
kafka-consumer-groups           b org.apache.kafka.tools.consumer.group.ConsumerGroupCommand kafka.admin.ConsumerGroupCommand
kafka-console-consumer          b org.apache.kafka.tools.consumer.ConsoleConsumer kafka.tools.ConsoleConsumer
kafka-console-producer          b org.apache.kafka.tools.ConsoleProducer kafka.tools.ConsoleProducer
kafka-get-offsets               b org.apache.kafka.tools.GetOffsetShell kafka.tools.GetOffsetShell
kafka-configs                   b org.apache.kafka.tools.ConfigCommand kafka.admin.ConfigCommand
kafka-acls                      b org.apache.kafka.tools.AclCommand kafka.admin.AclCommand
kafka-delete-records            b org.apache.kafka.tools.DeleteRecordsCommand kafka.admin.DeleteRecordsCommand
kafka-log-dirs                  b org.apache.kafka.tools.LogDirsCommand kafka.admin.LogDirsCommand
kafka-leader-election           b org.apache.kafka.tools.LeaderElectionCommand kafka.admin.LeaderElectionCommand
kafka-reassign-partitions       b org.apache.kafka.tools.reassign.ReassignPartitionsCommand kafka.admin.ReassignPartitionsCommand
kafka-broker-api-versions       b org.apache.kafka.tools.BrokerApiVersionsCommand kafka.admin.BrokerApiVersionsCommand
kafka-metadata-quorum           b org.apache.kafka.tools.MetadataQuorumCommand
kafka-features                  b org.apache.kafka.tools.FeatureCommand kafka.admin.FeatureCommand
kafka-transactions              b org.apache.kafka.tools.TransactionsCommand
kafka-client-metrics            b org.apache.kafka.tools.ClientMetricsCommand
kafka-delegation-tokens         b org.apache.kafka.tools.DelegationTokenCommand kafka.admin.DelegationTokenCommand
kafka-groups                    b org.apache.kafka.tools.GroupsCommand
kafka-share-groups              b org.apache.kafka.tools.consumer.group.ShareGroupCommand
kafka-streams-groups            b org.apache.kafka.tools.streams.StreamsGroupCommand
kafka-streams-application-reset b org.apache.kafka.tools.StreamsResetter kafka.tools.StreamsResetter
kafka-consumer-perf-test        b org.apache.kafka.tools.ConsumerPerformance kafka.tools.ConsumerPerformance
kafka-verifiable-consumer       b org.apache.kafka.tools.VerifiableConsumer
kafka-verifiable-producer       b org.apache.kafka.tools.VerifiableProducer
kafka-producer-perf-test        4 org.apache.kafka.tools.ProducerPerformance
kafka-cluster                   - org.apache.kafka.tools.ClusterTool kafka.tools.ClusterTool
kafka-e2e-latency               - org.apache.kafka.tools.EndToEndLatency kafka.tools.EndToEndLatency
kafka-dump-log                  - org.apache.kafka.tools.DumpLogSegments kafka.tools.DumpLogSegments
kafka-storage                   - kafka.tools.StorageTool
EOF
}

# The classes in this version's Kafka jars, one per line, listed once per
# cache entry (the jars never change once fetched).
kafka_class_index() {
	local idx=${KAFKA_LIBS%/libs}/classes.txt
	if [[ ! -s $idx ]]; then
		"$PYTHON" - "$KAFKA_LIBS" >"$idx.tmp" <<'EOF' || die "kafka: cannot list the classes in the Kafka jars"
import glob, os, sys, zipfile
for jar in sorted(glob.glob(os.path.join(sys.argv[1], "kafka*.jar"))):
    with zipfile.ZipFile(jar) as z:
        for name in z.namelist():
            if name.endswith(".class") and "$" not in name:
                print(name[:-6].replace("/", "."))
EOF
		mv "$idx.tmp" "$idx"
	fi
	printf '%s' "$idx"
}

kafka_cmd_tool() {
	local tool=${1:-} name flag cands cls found=
	validate_settings
	case $tool in
	"" | -h | --help | --list)
		printf 'usage: %s kafka TOOL [ARGS]\n\nTOOL is one of (with or without the kafka- prefix):\n' "$PROG"
		kafka_tool_table | awk '{ print "  " $1 }'
		[[ -n $tool ]] && return 0
		return 2
		;;
	esac
	shift
	tool=${tool%.sh}
	[[ $tool == kafka-* ]] || tool=kafka-$tool
	while read -r name flag cands; do
		if [[ $name == "$tool" ]]; then
			found=$flag
			break
		fi
	done < <(kafka_tool_table)
	[[ -n $found ]] || usage_error "unknown Kafka tool '$tool' ('$PROG kafka --list' lists them)"
	find_java
	kafka_fetch
	local idx main=
	idx=$(kafka_class_index)
	for cls in $cands; do
		if grep -qxF "$cls" "$idx"; then
			main=$cls
			break
		fi
	done
	[[ -n $main ]] || die "$tool is not in Kafka $KAFKA_VERSION"
	local -a args=("$@")
	if [[ $found == b || ($found == 4 && $(kafka_major) != 3) ]]; then
		local a given=0
		for a in "$@"; do
			case $a in
			--bootstrap-server* | --bootstrap-controller* | --broker-list*) given=1 ;;
			esac
		done
		((given)) || args=(--bootstrap-server "$(endpoints_of kafka)" "${args[@]}")
	fi
	local -a logprops=()
	mapfile -t logprops < <(kafka_log_props kafka-tools)
	exec "$JAVA" "-Xmx$KAFKA_TOOLS_HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
		-Djava.awt.headless=true "${logprops[@]}" -cp "$KAFKA_LIBS/*" "$main" "${args[@]}"
}
