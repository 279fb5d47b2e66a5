# shellcheck shell=bash
# The stack's Apache Cassandra 5.0 node, sourced by scripts/stack: settings,
# start from the cassandra-all jars, the CQL readiness probe, and the tools
# a Cassandra user reaches for, `scripts/stack nodetool` (from the same jars)
# and `scripts/stack cqlsh` (PyPI's cqlsh in a venv the stack manages).

register_component cassandra 20
register_command nodetool cassandra_cmd_nodetool
register_command cqlsh cassandra_cmd_cqlsh

CASSANDRA_HOST=${SLUICE_CASSANDRA_HOST:-127.0.0.1}
CQL_PORT=${SLUICE_CQL_PORT:-9042}
CASSANDRA_STORAGE_PORT=${SLUICE_CASSANDRA_STORAGE_PORT:-7000}
CASSANDRA_JMX_PORT=${SLUICE_CASSANDRA_JMX_PORT:-7199}
CASSANDRA_HEAP=${SLUICE_CASSANDRA_HEAP:-1g}
CASSANDRA_AUTH=${SLUICE_CASSANDRA_AUTH:-none}

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
  SLUICE_CASSANDRA_HOST         Cassandra address; a second stack can use
                                127.0.0.2 with the same ports [127.0.0.1]
  SLUICE_CQL_PORT               CQL native port [9042]
  SLUICE_CASSANDRA_STORAGE_PORT internode port [7000]
  SLUICE_CASSANDRA_JMX_PORT     JMX port on 127.0.0.1 for nodetool, or 'off'
                                (a second stack needs another port or off) [7199]
  SLUICE_CASSANDRA_HEAP         Cassandra heap [1g]
  SLUICE_CASSANDRA_AUTH         'none' (AllowAllAuthenticator) or 'password'
                                (PasswordAuthenticator, user cassandra/cassandra)
                                [none]
EOF
}

cassandra_validate() {
	check_ipv4 SLUICE_CASSANDRA_HOST "$CASSANDRA_HOST"
	check_port_value SLUICE_CQL_PORT "$CQL_PORT"
	check_port_value SLUICE_CASSANDRA_STORAGE_PORT "$CASSANDRA_STORAGE_PORT"
	[[ $CASSANDRA_JMX_PORT == off ]] ||
		check_port_value SLUICE_CASSANDRA_JMX_PORT "$CASSANDRA_JMX_PORT"
	check_heap SLUICE_CASSANDRA_HEAP "$CASSANDRA_HEAP"
	case $CASSANDRA_AUTH in
	none | password) ;;
	*) usage_error "SLUICE_CASSANDRA_AUTH must be 'none' or 'password', not '$CASSANDRA_AUTH'" ;;
	esac
}

cassandra_preflight() {
	[[ -x $PYTHON ]] || die "$PYTHON not found (set SLUICE_PYTHON)"
	"$PYTHON" -c 'import cassandra' 2>/dev/null ||
		die "$PYTHON cannot import the cassandra driver; install python3-cassandra"
}

# The slow one: launched first, so the others start while it boots.
cassandra_start_first() { return 0; }

cassandra_endpoint() { printf '%s:%s' "$CASSANDRA_HOST" "$CQL_PORT"; }
cassandra_main_log() { printf '%s/logs/system.log' "$(comp_dir "$1")"; }

cassandra_ports() {
	printf '%s %s\n' "$CASSANDRA_HOST" "$CQL_PORT" "$CASSANDRA_HOST" "$CASSANDRA_STORAGE_PORT"
	[[ $CASSANDRA_JMX_PORT == off ]] || printf '127.0.0.1 %s\n' "$CASSANDRA_JMX_PORT"
}

cassandra_describe() {
	[[ $CASSANDRA_AUTH == none ]] || printf 'auth=%s' "$CASSANDRA_AUTH"
}

cassandra_env() {
	printf 'export SLUICE_CASSANDRA=%s\n' "$2"
	printf 'export SLUICE_TEST_CASSANDRA=%s\n' "$2"
}

cassandra_fetch() {
	fetch_pom cassandra "$CONF_SRC/cassandra-pom.xml"
	CASSANDRA_LIBS=$LIBS
}

cassandra_start() {
	local node=$1 dir conf logs jamm d authn authz
	dir=$(comp_dir "$node")
	conf=$dir/conf logs=$dir/logs
	mkdir -p "$conf" "$logs"
	for d in data commitlog saved_caches hints cdc_raw triggers; do
		mkdir -p "$dir/$d"
	done
	if [[ $CASSANDRA_AUTH == password ]]; then
		authn=PasswordAuthenticator authz=CassandraAuthorizer
	else
		authn=AllowAllAuthenticator authz=AllowAllAuthorizer
	fi
	render "$CONF_SRC/cassandra.yaml.in" "$conf/cassandra.yaml" \
		CASSANDRA_HOST="$CASSANDRA_HOST" CQL_PORT="$CQL_PORT" \
		CASSANDRA_STORAGE_PORT="$CASSANDRA_STORAGE_PORT" CASSANDRA_DIR="$dir" \
		CASSANDRA_AUTHENTICATOR="$authn" CASSANDRA_AUTHORIZER="$authz"
	cp "$CONF_SRC/cassandra-logback.xml" "$conf/logback.xml"
	# jamm measures object sizes for memtable accounting; Cassandra's own
	# launcher always passes it as an agent.
	jamm=$(find "$CASSANDRA_LIBS" -maxdepth 1 -name 'jamm-*.jar' | head -n 1)
	[[ -n $jamm ]] || die "cassandra: no jamm jar in $CASSANDRA_LIBS"
	local -a jmx=()
	[[ $CASSANDRA_JMX_PORT == off ]] || jmx=("-Dcassandra.jmx.local.port=$CASSANDRA_JMX_PORT")
	read_jvm_options "$CONF_SRC/cassandra-jvm.options"
	launch "$node" "$JAVA" "$(tag_of "$node")" \
		"-Xms$CASSANDRA_HEAP" "-Xmx$CASSANDRA_HEAP" "${JVM_OPTS[@]}" "-javaagent:$jamm" \
		"-Dcassandra.config=file://$conf/cassandra.yaml" \
		-Dcassandra-foreground=yes \
		"-Dcassandra.storagedir=$dir" \
		"-Dcassandra.logdir=$logs" \
		"-Dcassandra.triggers_dir=$dir/triggers" \
		"-Dlogback.configurationFile=$conf/logback.xml" \
		"${jmx[@]}" \
		-cp "$conf:$CASSANDRA_LIBS/*" org.apache.cassandra.service.CassandraDaemon
}

# Runs the CQL probe for up to $1 seconds; with a pid, gives up (exit 2)
# as soon as that process is gone.
cql_probe() {
	local wait_s=$1 pid=${2:-}
	local -a env=()
	if [[ $CASSANDRA_AUTH == password ]]; then
		env=(SLUICE_CQL_USER="${SLUICE_CQL_USER:-cassandra}"
			SLUICE_CQL_PASSWORD="${SLUICE_CQL_PASSWORD:-cassandra}")
	fi
	env "${env[@]}" "$PYTHON" "$CONF_SRC/cql-ready.py" \
		"$CASSANDRA_HOST" "$CQL_PORT" "$wait_s" "$pid"
}

cassandra_answers() { cql_probe 0 >/dev/null 2>&1; }

# One probe process polls until the deadline: importing the driver costs
# a noticeable share of a second, too much to pay on every attempt.
cassandra_wait() {
	local node=$1 pid=$2 deadline=$3 why=$4 rc=0
	cql_probe $(((deadline - $(now_us)) / 1000000 + 1)) "$pid" >/dev/null 2>"$why.probe" || rc=$?
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
cassandra_cmd_nodetool() {
	local dir opt
	validate_settings
	[[ $CASSANDRA_JMX_PORT != off ]] ||
		die "nodetool needs JMX; SLUICE_CASSANDRA_JMX_PORT is off"
	find_java
	cassandra_fetch
	dir=$(comp_dir cassandra)
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
		-h 127.0.0.1 -p "$CASSANDRA_JMX_PORT" "$@"
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
	ensure_venv cqlsh "$CONF_SRC/cqlsh-requirements.txt"
	dir=$(comp_dir cassandra)/cqlsh
	mkdir -p "$dir"
	ep=$(actual_endpoint_of cassandra)
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
