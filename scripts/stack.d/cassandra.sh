# shellcheck shell=bash
# The stack's Apache Cassandra 5.0 node, sourced by scripts/stack: settings,
# start from the cassandra-all jars, the CQL readiness probe, and the tools
# a Cassandra user reaches for, `scripts/stack nodetool` (from the same jars)
# and `scripts/stack cqlsh` (PyPI's cqlsh in a venv the stack manages).
#
# With SLUICE_STACK_NODES=N there are N nodes, cassandra1..N, each on its
# own loopback address with the same CQL and storage ports (JMX, which
# listens on 127.0.0.1 only, takes SLUICE_CASSANDRA_JMX_PORT + I - 1).
# cassandra1 is the one seed and starts first; the others join a new, empty
# ring without bootstrap streaming once it answers. SLUICE_CASSANDRA_DCS
# (dc1:2,dc2:1) spreads them over datacenters with GossipingPropertyFileSnitch.

register_component cassandra 20
register_clustered cassandra
register_command nodetool cassandra_cmd_nodetool
register_command cqlsh cassandra_cmd_cqlsh

CASSANDRA_HOST=${SLUICE_CASSANDRA_HOST:-127.0.0.1}
CQL_PORT=${SLUICE_CQL_PORT:-9042}
CASSANDRA_STORAGE_PORT=${SLUICE_CASSANDRA_STORAGE_PORT:-7000}
CASSANDRA_JMX_PORT=${SLUICE_CASSANDRA_JMX_PORT:-7199}
# The default is smaller in a cluster (--nodes N), so that six JVMs fit in 8 GB;
# decided in validate, once --nodes is known.
CASSANDRA_HEAP=${SLUICE_CASSANDRA_HEAP:-}
CASSANDRA_AUTH=${SLUICE_CASSANDRA_AUTH:-none}
CASSANDRA_DCS=${SLUICE_CASSANDRA_DCS:-}

cassandra_usage_commands() {
	cat <<'EOF'
  nodetool ARGS
               Cassandra's nodetool against this stack's node (needs JMX,
               see SLUICE_CASSANDRA_JMX_PORT), e.g. 'nodetool status'.
  cqlsh [ARGS] the real cqlsh (PyPI, pinned, in a venv under the cache dir)
               connected to this stack's node, e.g.
               cqlsh -e "SELECT * FROM spark_streams.created_users LIMIT 3;"
EOF
}

cassandra_usage_env() {
	cat <<'EOF'
  SLUICE_CASSANDRA_HOST         Cassandra address (single node); a second
                                stack can use 127.0.0.2 with the same ports
                                [127.0.0.1]
  SLUICE_CQL_PORT               CQL native port [9042]
  SLUICE_CASSANDRA_STORAGE_PORT internode port [7000]
  SLUICE_CASSANDRA_JMX_PORT     JMX port on 127.0.0.1 for nodetool, or 'off'
                                (a second stack needs another port or off) [7199]
  SLUICE_CASSANDRA_HEAP         Cassandra heap [1g; 768m per node in a cluster]
  SLUICE_CASSANDRA_AUTH         'none' (AllowAllAuthenticator) or 'password'
                                (PasswordAuthenticator, user cassandra/cassandra)
                                [none]
  SLUICE_CASSANDRA_DCS          with SLUICE_STACK_NODES > 1: datacenters and
                                their node counts, e.g. dc1:2,dc2:1 (nodes in
                                order; GossipingPropertyFileSnitch) [one DC,
                                datacenter1, SimpleSnitch]
EOF
}

cassandra_validate() {
	check_ipv4 SLUICE_CASSANDRA_HOST "$CASSANDRA_HOST"
	check_port_value SLUICE_CQL_PORT "$CQL_PORT"
	check_port_value SLUICE_CASSANDRA_STORAGE_PORT "$CASSANDRA_STORAGE_PORT"
	[[ $CASSANDRA_JMX_PORT == off ]] ||
		check_port_value SLUICE_CASSANDRA_JMX_PORT "$CASSANDRA_JMX_PORT"
	if [[ -z $CASSANDRA_HEAP ]]; then
		CASSANDRA_HEAP=1g
		((NODES == 1)) || CASSANDRA_HEAP=768m
	fi
	check_heap SLUICE_CASSANDRA_HEAP "$CASSANDRA_HEAP"
	case $CASSANDRA_AUTH in
	none | password) ;;
	*) usage_error "SLUICE_CASSANDRA_AUTH must be 'none' or 'password', not '$CASSANDRA_AUTH'" ;;
	esac
	[[ -z $CASSANDRA_DCS ]] || cassandra_validate_dcs
}

cassandra_validate_dcs() {
	local item sum=0
	((NODES > 1)) || usage_error "SLUICE_CASSANDRA_DCS needs a cluster (SLUICE_STACK_NODES > 1)"
	for item in ${CASSANDRA_DCS//,/ }; do
		[[ $item =~ ^[A-Za-z][A-Za-z0-9_]*:[1-9][0-9]*$ ]] ||
			usage_error "SLUICE_CASSANDRA_DCS must look like dc1:2,dc2:1, not '$CASSANDRA_DCS'"
		sum=$((sum + ${item#*:}))
	done
	((sum == NODES)) ||
		usage_error "SLUICE_CASSANDRA_DCS counts $sum nodes, SLUICE_STACK_NODES is $NODES"
}

# The datacenter of node I under SLUICE_CASSANDRA_DCS (nodes in order).
cassandra_dc_of() {
	local i=$1 item n=0
	for item in ${CASSANDRA_DCS//,/ }; do
		n=$((n + ${item#*:}))
		if ((i <= n)); then
			printf '%s' "${item%%:*}"
			return
		fi
	done
}

# The address of a node: SLUICE_CASSANDRA_HOST for the single node, the
# cluster's address for node I of a cluster.
cassandra_host() { node_host "$1" "$CASSANDRA_HOST"; }

# The JMX port of a node (JMX listens on 127.0.0.1 whatever the address),
# empty when JMX is off.
cassandra_jmx_port() {
	local i
	[[ $CASSANDRA_JMX_PORT != off ]] || return 0
	i=$(node_index "$1")
	((i > 0)) || i=1
	printf '%s' $((CASSANDRA_JMX_PORT + i - 1))
}

# A later node of a cluster joins through the seed, cassandra1, and is launched
# only once the node before it answers: a node that starts empty picks its tokens
# from the ring it sees, so two picking at once see the same ring and take the
# same tokens (Cassandra then ignores one of them: "Nodes /127.0.2.3:7000 and
# /127.0.2.2:7000 have the same token ... Ignoring /127.0.2.3:7000").
cassandra_after() {
	local i
	i=$(node_index "$1")
	((i > 1)) && printf 'cassandra%d' $((i - 1))
}

cassandra_preflight() {
	[[ -x $PYTHON ]] || die "$PYTHON not found (set SLUICE_PYTHON)"
	"$PYTHON" -c 'import cassandra' 2>/dev/null ||
		die "$PYTHON cannot import the cassandra driver; install python3-cassandra"
}

# The slow one: launched first, so the others start while it boots.
cassandra_start_first() { return 0; }

cassandra_endpoint() { printf '%s:%s' "$(cassandra_host "$1")" "$CQL_PORT"; }
cassandra_main_log() { printf '%s/logs/system.log' "$(comp_dir "$1")"; }

cassandra_ports() {
	local h jmx
	h=$(cassandra_host "$1")
	jmx=$(cassandra_jmx_port "$1")
	printf '%s %s\n' "$h" "$CQL_PORT" "$h" "$CASSANDRA_STORAGE_PORT"
	[[ -z $jmx ]] || printf '127.0.0.1 %s\n' "$jmx"
}

cassandra_describe() {
	local i jmx out=()
	i=$(node_index "$1")
	out+=("$(secure_describe cassandra)")
	[[ $CASSANDRA_AUTH == none ]] || out+=("auth=$CASSANDRA_AUTH")
	if ((i > 0)); then
		[[ -z $CASSANDRA_DCS ]] || out+=("dc=$(cassandra_dc_of "$i")")
		((i == 1)) && out+=(seed)
		jmx=$(cassandra_jmx_port "$1")
		[[ -z $jmx ]] || out+=("jmx=$jmx")
	fi
	printf '%s' "${out[*]}"
}

cassandra_env() {
	printf 'export SLUICE_CASSANDRA=%s\n' "$2"
	printf 'export SLUICE_TEST_CASSANDRA=%s\n' "$2"
}

cassandra_fetch() {
	fetch_pom cassandra "$CONF_SRC/cassandra-pom.xml"
	CASSANDRA_LIBS=$LIBS
}

# The cluster fields of the cassandra.yaml template, NAME=VALUE lines.
cassandra_node_fields() {
	local node=$1 i snitch=SimpleSnitch rf=1 boot=true
	i=$(node_index "$node")
	if ((i > 0)); then
		printf '%s\n' "CASSANDRA_SEEDS=$(node_addr 1):$CASSANDRA_STORAGE_PORT"
		rf=$((NODES < 3 ? NODES : 3))
		# A new ring has nothing to stream: the nodes join at once.
		boot=false
		[[ -z $CASSANDRA_DCS ]] || snitch=GossipingPropertyFileSnitch
	else
		printf '%s\n' "CASSANDRA_SEEDS=$CASSANDRA_HOST:$CASSANDRA_STORAGE_PORT"
	fi
	printf '%s\n' "CASSANDRA_SNITCH=$snitch" "CASSANDRA_TOKEN_RF=$rf" "CASSANDRA_AUTO_BOOTSTRAP=$boot"
}

# A node refuses to start in another datacenter than the one its data was written in
# (SimpleSnitch's is datacenter1): when SLUICE_CASSANDRA_DCS moves the node, its data
# goes (every node of a ring moves together, so the ring is made anew). The datacenter
# is kept in <node>/datacenter; data from before that file counts as datacenter1.
cassandra_keep_dc() {
	local node=$1 dir=$2 i dc=datacenter1 was=datacenter1 d
	i=$(node_index "$node")
	if [[ -n $CASSANDRA_DCS ]] && ((i > 0)); then
		dc=$(cassandra_dc_of "$i")
	fi
	[[ ! -r $dir/datacenter ]] || was=$(<"$dir/datacenter")
	if [[ $was != "$dc" && -d $dir/data ]]; then
		say "$node: its data is of datacenter $was, the node now in $dc: starting it empty"
		for d in data commitlog saved_caches hints cdc_raw; do
			rm -rf "${dir:?}/$d"
		done
	fi
	printf '%s\n' "$dc" >"$dir/datacenter"
}

cassandra_start() {
	local node=$1 dir conf logs jamm d authn authz
	dir=$(comp_dir "$node")
	conf=$dir/conf logs=$dir/logs
	mkdir -p "$conf" "$logs"
	cassandra_keep_dc "$node" "$dir"
	for d in data commitlog saved_caches hints cdc_raw triggers; do
		mkdir -p "$dir/$d"
	done
	if [[ $CASSANDRA_AUTH == password ]]; then
		authn=PasswordAuthenticator authz=CassandraAuthorizer
	else
		authn=AllowAllAuthenticator authz=AllowAllAuthorizer
	fi
	local -a fields=()
	mapfile -t fields < <(cassandra_node_fields "$node")
	render "$CONF_SRC/cassandra.yaml.in" "$conf/cassandra.yaml" \
		CASSANDRA_HOST="$(cassandra_host "$node")" CQL_PORT="$CQL_PORT" \
		CASSANDRA_STORAGE_PORT="$CASSANDRA_STORAGE_PORT" CASSANDRA_DIR="$dir" \
		CASSANDRA_AUTHENTICATOR="$authn" CASSANDRA_AUTHORIZER="$authz" "${fields[@]}"
	if secure_on; then
		chmod 0600 "$conf/cassandra.yaml"
		secure_cassandra_yaml >>"$conf/cassandra.yaml"
	fi
	local i
	i=$(node_index "$node")
	# GossipingPropertyFileSnitch reads this from the classpath ($conf).
	if [[ -n $CASSANDRA_DCS ]] && ((i > 0)); then
		printf 'dc=%s\nrack=rack1\n' "$(cassandra_dc_of "$i")" >"$conf/cassandra-rackdc.properties"
	else
		rm -f "$conf/cassandra-rackdc.properties"
	fi
	cp "$CONF_SRC/cassandra-logback.xml" "$conf/logback.xml"
	# jamm measures object sizes for memtable accounting; Cassandra's own
	# launcher always passes it as an agent.
	jamm=$(find "$CASSANDRA_LIBS" -maxdepth 1 -name 'jamm-*.jar' | head -n 1)
	[[ -n $jamm ]] || die "cassandra: no jamm jar in $CASSANDRA_LIBS"
	local -a jmx=() cluster=()
	local jmx_port
	jmx_port=$(cassandra_jmx_port "$node")
	[[ -z $jmx_port ]] || jmx=("-Dcassandra.jmx.local.port=$jmx_port")
	# A cluster's nodes must hear of each other through gossip before they
	# take tokens: the options file's 100 ms ring delay is for one node.
	((i == 0)) || cluster=(-Dcassandra.ring_delay_ms=5000)
	read_jvm_options "$CONF_SRC/cassandra-jvm.options"
	launch "$node" "$JAVA" "$(tag_of "$node")" \
		"-Xms$CASSANDRA_HEAP" "-Xmx$CASSANDRA_HEAP" "${JVM_OPTS[@]}" "-javaagent:$jamm" \
		"-Dcassandra.config=file://$conf/cassandra.yaml" \
		-Dcassandra-foreground=yes \
		"-Dcassandra.storagedir=$dir" \
		"-Dcassandra.logdir=$logs" \
		"-Dcassandra.triggers_dir=$dir/triggers" \
		"-Dlogback.configurationFile=$conf/logback.xml" \
		"${jmx[@]}" "${cluster[@]}" \
		-cp "$conf:$CASSANDRA_LIBS/*" org.apache.cassandra.service.CassandraDaemon
}

# Runs the CQL probe for up to $1 seconds; with a pid, gives up (exit 2)
# as soon as that process is gone.
cql_probe() {
	local node=$1 wait_s=$2 pid=${3:-}
	local -a env=()
	if secure_on; then
		mapfile -t env < <(secure_cql_probe_env)
	elif [[ $CASSANDRA_AUTH == password ]]; then
		env=(SLUICE_CQL_USER="${SLUICE_CQL_USER:-cassandra}"
			SLUICE_CQL_PASSWORD="${SLUICE_CQL_PASSWORD:-cassandra}")
	fi
	env "${env[@]}" "$PYTHON" "$CONF_SRC/cql-ready.py" \
		"$(cassandra_host "$node")" "$CQL_PORT" "$wait_s" "$pid"
}

cassandra_answers() { cql_probe "$1" 0 >/dev/null 2>&1; }

# One probe process polls until the deadline: importing the driver costs
# a noticeable share of a second, too much to pay on every attempt.
cassandra_wait() {
	local node=$1 pid=$2 deadline=$3 why=$4 rc=0
	cql_probe "$node" $(((deadline - $(now_us)) / 1000000 + 1)) "$pid" >/dev/null 2>"$why.probe" || rc=$?
	case $rc in
	0) ;;
	2) printf '%s exited during start (pid %s)\n' "$node" "$pid" >"$why" ;;
	1) printf '%s did not answer CQL on %s within %s s (%s)\n' "$node" \
		"$(endpoint_of "$node")" "$TIMEOUT" "$(tail -c 300 "$why.probe")" >"$why" ;;
	*) printf '%s check failed: %s\n' "$node" "$(cat "$why.probe")" >"$why" ;;
	esac
	rm -f "$why.probe"
	return "$rc"
}

# Cassandra's nodetool, from the cached jars, against this stack's JMX
# port. Its history file goes to the state directory, not to ~/.cassandra.
# The node a tool command is for: its first argument when that names a
# node (cassandra2), else the first node. Sets TOOL_NODE and TOOL_SHIFT.
cassandra_tool_node() {
	TOOL_SHIFT=0
	if [[ ${1:-} =~ ^cassandra[1-9]?$ ]] && is_node "$1"; then
		TOOL_NODE=$1
		TOOL_SHIFT=1
	else
		TOOL_NODE=$(nodes_of cassandra | head -n 1)
	fi
}

cassandra_cmd_nodetool() {
	local dir opt
	validate_settings
	cassandra_tool_node "$@"
	shift "$TOOL_SHIFT"
	[[ $CASSANDRA_JMX_PORT != off ]] ||
		die "nodetool needs JMX; SLUICE_CASSANDRA_JMX_PORT is off"
	find_java
	cassandra_fetch
	dir=$(comp_dir "$TOOL_NODE")
	mkdir -p "$dir"
	# The client side needs the same access to JDK internals as the server.
	local -a client_opts=()
	read_jvm_options "$CONF_SRC/cassandra-jvm.options"
	for opt in "${JVM_OPTS[@]}"; do
		[[ $opt == --add-* || $opt == -Djdk.attach* ]] && client_opts+=("$opt")
	done
	exec "$JAVA" -Xmx128m "${client_opts[@]}" \
		"-Dlogback.configurationFile=$CONF_SRC/cassandra-tools-logback.xml" \
		"-Duser.home=$dir" -cp "$CASSANDRA_LIBS/*" org.apache.cassandra.tools.NodeTool \
		-h 127.0.0.1 -p "$(cassandra_jmx_port "$TOOL_NODE")" "$@"
}

# A venv with the pinned requirements, once per requirements file (named
# by its hash, like the jar cache); sets VENV. Built with the system
# Python (SLUICE_PYTHON), which the cqlsh pin was checked against.
ensure_venv() {
	local name=$1 req=$2 key dir
	key=$(sha256sum "$req" | cut -c1-12)
	dir=$CACHE_DIR/$name-$key
	VENV=$dir/venv
	[[ -f $dir/complete ]] && return 0
	mkdir -p "$dir"
	(
		flock 8
		[[ -f $dir/complete ]] && exit 0
		say "$name: installing into $dir from PyPI (first run only)" >&2
		rm -rf "$dir/venv"
		if ! { "$PYTHON" -m venv "$dir/venv" &&
			"$dir/venv/bin/pip" install -q --disable-pip-version-check --no-input \
				-r "$req"; } >"$dir/pip.log" 2>&1; then
			tail -n 20 "$dir/pip.log" >&2
			die "$name: could not install from PyPI (log: $dir/pip.log; needs python3-venv)"
		fi
		cp "$req" "$dir/requirements.txt"
		touch "$dir/complete"
	) 8>"$dir/.lock"
}

# The real cqlsh against the stack's node. Host and port come from a
# cqlshrc the stack writes (a host and port given as arguments still win);
# with password auth the user name goes there and the password into a
# credentials file of mode 0600, never onto a command line. History stays
# in the state directory.
cassandra_cmd_cqlsh() {
	local dir rc ep host port
	validate_settings
	cassandra_tool_node "$@"
	shift "$TOOL_SHIFT"
	ensure_venv cqlsh "$CONF_SRC/cqlsh-requirements.txt"
	dir=$(comp_dir "$TOOL_NODE")/cqlsh
	mkdir -p "$dir"
	ep=$(actual_endpoint_of "$TOOL_NODE")
	host=${ep%:*} port=${ep##*:}
	rc=$dir/cqlshrc
	(
		umask 077
		{
			printf '[connection]\nhostname = %s\nport = %s\n' "$host" "$port"
			if [[ $CASSANDRA_AUTH == password ]]; then
				printf '\n[authentication]\nusername = %s\ncredentials = %s/credentials\n' \
					"${SLUICE_CQL_USER:-cassandra}" "$dir"
			fi
		} >"$rc"
		if [[ $CASSANDRA_AUTH == password ]]; then
			printf '[PlainTextAuthProvider]\nusername = %s\npassword = %s\n' \
				"${SLUICE_CQL_USER:-cassandra}" "${SLUICE_CQL_PASSWORD:-cassandra}" >"$dir/credentials"
		fi
	)
	CQL_HISTORY=$dir/history exec "$VENV/bin/cqlsh" --cqlshrc="$rc" "$@"
}
