# shellcheck shell=bash
# The stack's Apache Airflow 3, sourced by scripts/stack: the project's
# pinned Airflow (airflow/requirements.lock, in the venv airflow/venv
# makes) running the DAGs in airflow/dags as four processes of their own,
# each with a pid file and a log: the API server (REST API and UI, on
# loopback), the scheduler (LocalExecutor), the DAG processor and the
# triggerer. The metadata database is SQLite under the state directory.
# Logins go through Airflow's simple auth manager: one user, admin, whose
# password is made on the first start, printed once and kept in a file of
# mode 0600. Optional: a bare `up` leaves it out unless SLUICE_STACK_AIRFLOW=1.
#
# Airflow rewrites its processes' command lines (setproctitle), so they
# cannot carry the stack's tag: each is started in a session of its own,
# and the component's processes are the members of those sessions (the
# pids hook). The node's pid, the one `status` shows, is the API server's.

if [[ ${SLUICE_STACK_AIRFLOW:-0} == 1 ]]; then
	register_component airflow 40
else
	register_component airflow 40 optional
fi

AIRFLOW_HOST=${SLUICE_AIRFLOW_HOST:-127.0.0.1}
AIRFLOW_PORT=${SLUICE_AIRFLOW_PORT:-8080}
# Airflow takes 1 to 3 minutes to start on two loaded cores: it gets at
# least this long, whatever SLUICE_STACK_TIMEOUT says.
AIRFLOW_START_TIMEOUT=${SLUICE_AIRFLOW_START_TIMEOUT:-420}
# The API server first: the others talk to it (task execution API).
readonly AIRFLOW_PROCS=(api-server scheduler dag-processor triggerer)
readonly AIRFLOW_DAG=user_automation

airflow_usage_env() {
	cat <<'EOF2'
  SLUICE_STACK_AIRFLOW          1: a bare 'up' starts Airflow too [0]
  SLUICE_AIRFLOW_HOST           Airflow API server and UI address [127.0.0.1]
  SLUICE_AIRFLOW_PORT           Airflow API server and UI port [8080]
  SLUICE_AIRFLOW_START_TIMEOUT  seconds 'up' waits at least for Airflow [420]
  SLUICE_BIN                    the sluice the DAG runs [<repo>/build/sluice]
  SLUICE_AIRFLOW_SCHEDULE       the DAG's schedule in the stack [none:
                                runs only when triggered]
  SLUICE_AIRFLOW_RETRIES, SLUICE_AIRFLOW_RETRY_DELAY
                                the DAG's retries in the stack [1, 10 s]
EOF2
}

airflow_validate() {
	check_ipv4 SLUICE_AIRFLOW_HOST "$AIRFLOW_HOST"
	check_port_value SLUICE_AIRFLOW_PORT "$AIRFLOW_PORT"
	[[ $AIRFLOW_START_TIMEOUT =~ ^[0-9]+$ ]] ||
		usage_error "SLUICE_AIRFLOW_START_TIMEOUT must be a number of seconds, not '$AIRFLOW_START_TIMEOUT'"
}

airflow_preflight() {
	[[ -x $REPO_ROOT/airflow/venv ]] || die "airflow: $REPO_ROOT/airflow/venv is missing"
}

airflow_endpoint() { printf '%s:%s' "$AIRFLOW_HOST" "$AIRFLOW_PORT"; }
airflow_ports() { printf '%s %s\n' "$AIRFLOW_HOST" "$AIRFLOW_PORT"; }
# No start_first: started after the JVMs, its database migration runs
# while they boot.

airflow_pid_file() {
	if [[ $1 == api-server ]]; then
		pid_file airflow
	else
		printf '%s/%s.pid' "$(comp_dir airflow)" "$1"
	fi
}

airflow_log_of() {
	if [[ $1 == api-server ]]; then
		console_log_of airflow
	else
		printf '%s/logs/%s.log' "$(comp_dir airflow)" "$1"
	fi
}

airflow_main_log() { airflow_log_of scheduler; }

# `logs` shows the two that main_log and the console log leave out.
airflow_logs() {
	airflow_log_of dag-processor
	printf '\n'
	airflow_log_of triggerer
	printf '\n'
}

airflow_env() {
	printf 'export SLUICE_AIRFLOW_URL=http://%s\n' "$2"
}

# The leader of a process's session when it is one of ours: alive, and
# working in the component's directory (a pid file can outlive its process,
# and the pid be reused).
airflow_leader() {
	local pf pid
	pf=$(airflow_pid_file "$1")
	[[ -s $pf ]] || return 1
	pid=$(<"$pf")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	alive "$pid" && [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$(comp_dir airflow)" ]] ||
		return 1
	printf '%s' "$pid"
}

# The processes of one of the four: the members of its session (a
# scheduler's LocalExecutor workers and task supervisors, the DAG
# processor's parsers, the leader itself) that work in the component's
# directory, by the session id in its pid file. A session outlives its
# leader, so what a kill -9 of the scheduler leaves behind is found as
# well; the directory keeps a stale pid file from naming someone else's
# session. (A task's own command runs in a session of its own, which
# Airflow ends when it stops the task.)
airflow_session_pids() {
	local pf sid pid s dir
	pf=$(airflow_pid_file "$1")
	[[ -s $pf ]] || return 0
	sid=$(<"$pf")
	[[ $sid =~ ^[0-9]+$ ]] || return 0
	dir=$(comp_dir airflow)
	while read -r pid s; do
		[[ $s == "$sid" && $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$dir" ]] &&
			printf '%s\n' "$pid"
	done < <(ps -e -o pid= -o sid=)
	return 0
}

airflow_pids() {
	local proc
	for proc in "${AIRFLOW_PROCS[@]}"; do
		airflow_session_pids "$proc"
	done
}

# The resident memory of all its processes, in MiB (shared pages counted
# once per process, as `ps` counts them).
airflow_rss_mib() {
	local pid kib total=0
	for pid in $(airflow_pids); do
		kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || kib=0
		total=$((total + ${kib:-0}))
	done
	printf '%s' $((total / 1024))
}

airflow_describe() {
	local proc pid out=
	for proc in "${AIRFLOW_PROCS[@]}"; do
		pid=$(airflow_leader "$proc") || pid=down
		out+="${out:+, }$proc $pid"
	done
	printf 'Airflow %s (%s; RSS %s MiB), UI http://%s/dags/%s' "$(airflow_version)" "$out" \
		"$(airflow_rss_mib)" "$(airflow_endpoint)" "$AIRFLOW_DAG"
}

airflow_version() {
	sed -n 's/^apache-airflow==//p' "$REPO_ROOT/airflow/requirements.lock"
}

airflow_fetch() {
	AIRFLOW_VENV=$("$REPO_ROOT/airflow/venv") || die "airflow: no virtualenv (airflow/venv failed)"
}

# The sluice the DAG runs: SLUICE_BIN (a path made absolute: tasks run
# in a directory of their own), else the release build.
airflow_sluice_bin() {
	local bin=${SLUICE_BIN:-$REPO_ROOT/build/sluice}
	[[ $bin == */* ]] && bin=$(realpath -m -- "$bin")
	printf '%s' "$bin"
}

# The environment of every Airflow process: nothing of the caller's shell
# but the basics, so that a SLUICE_* variable set there does not leak into
# the DAG's runs. The DAG's settings for this stack: the sluice binary,
# Kafka's address, no schedule (runs are triggered), short retries.
airflow_process_env() {
	local dir=$1 url="http://$AIRFLOW_HOST:$AIRFLOW_PORT" v
	AIRFLOW_ENV=(
		"PATH=$AIRFLOW_VENV/bin:/usr/local/bin:/usr/bin:/bin"
		"HOME=${HOME:-/root}" "LANG=${LANG:-C.UTF-8}" "TMPDIR=${TMPDIR:-/tmp}"
		"PYTHONNOUSERSITE=1" "PYTHONDONTWRITEBYTECODE=1"
		"AIRFLOW_HOME=$dir/home"
		"AIRFLOW__CORE__DAGS_FOLDER=$REPO_ROOT/airflow/dags"
		"AIRFLOW__CORE__LOAD_EXAMPLES=False"
		"AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False"
		"AIRFLOW__CORE__EXECUTOR=LocalExecutor"
		"AIRFLOW__CORE__PARALLELISM=2"
		"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin"
		"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=$dir/passwords.json"
		"AIRFLOW__CORE__EXECUTION_API_SERVER_URL=$url/execution/"
		"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=sqlite:///$dir/home/airflow.db"
		"AIRFLOW__API__HOST=$AIRFLOW_HOST"
		"AIRFLOW__API__PORT=$AIRFLOW_PORT"
		"AIRFLOW__API__BASE_URL=$url"
		"AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=30"
		# A loaded machine answers slowly; the default of 5 s failed tries.
		"AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT=60"
		"SLUICE_BIN=$(airflow_sluice_bin)"
		"SLUICE_BROKERS=$(actual_endpoint_of kafka)"
		"SLUICE_AIRFLOW_SCHEDULE=${SLUICE_AIRFLOW_SCHEDULE:-none}"
		"SLUICE_AIRFLOW_RETRIES=${SLUICE_AIRFLOW_RETRIES:-1}"
		"SLUICE_AIRFLOW_RETRY_DELAY=${SLUICE_AIRFLOW_RETRY_DELAY:-10}"
	)
	for v in SLUICE_AIRFLOW_TIMEOUT ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS TZ; do
		[[ -n ${!v:-} ]] && AIRFLOW_ENV+=("$v=${!v}")
	done
	return 0
}

# The admin's password, made once: written to the simple auth manager's
# file before the API server first starts (which would otherwise make one
# itself and print it into its log), shown on the terminal once.
airflow_login() {
	local dir=$1 pw
	[[ -s $dir/passwords.json ]] && return 0
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	(
		umask 077
		printf '{"admin": "%s"}\n' "$pw" >"$dir/passwords.json.tmp"
	)
	mv "$dir/passwords.json.tmp" "$dir/passwords.json"
	say "airflow: created the login admin / $pw (shown only now; kept in $dir/passwords.json, mode 0600)"
}

# Starts one process in a session of its own, in the component's
# directory, with the environment above; its pid goes to its pid file.
# The pid is written by the process itself (the shell that then execs
# Airflow), so it is right whether or not setsid had to fork.
airflow_spawn() {
	local proc=$1 dir pf log i
	shift
	dir=$(comp_dir airflow)
	pf=$(airflow_pid_file "$proc")
	log=$(airflow_log_of "$proc")
	rm -f "$pf"
	(
		local fd n
		for fd in /proc/"$BASHPID"/fd/*; do
			n=${fd##*/}
			if ((n > 2)); then
				eval "exec $n>&-" 2>/dev/null || true
			fi
		done
		cd "$dir" || exit 1
		# shellcheck disable=SC2016 # expanded by the inner shell
		exec setsid /usr/bin/env -i "${AIRFLOW_ENV[@]}" /bin/bash -c \
			'printf "%s\n" "$$" >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
			"$pf" "$AIRFLOW_VENV/bin/airflow" "$@" >>"$log" 2>&1 </dev/null
	) &
	for ((i = 0; i < 100; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || die "airflow: $proc did not start (log: $log)"
	STARTED_PID=$(<"$pf")
}

# The processes' arguments.
airflow_args() {
	case $1 in
	api-server) printf '%s\n' api-server --host "$AIRFLOW_HOST" --port "$AIRFLOW_PORT" ;;
	scheduler) printf '%s\n' scheduler --skip-serve-logs ;;
	dag-processor) printf '%s\n' dag-processor ;;
	triggerer) printf '%s\n' triggerer --skip-serve-logs ;;
	esac
}

airflow_start_proc() {
	local proc=$1
	local -a args=()
	mapfile -t args < <(airflow_args "$proc")
	printf -- '--- %s: starting %s\n' "$(date -u +%FT%TZ)" "$proc" >>"$(airflow_log_of "$proc")"
	airflow_spawn "$proc" "${args[@]}"
}

# Airflow generates a JWT secret of 16 bytes, which PyJWT warns about on
# every token (HS512 wants 64); one of 64 bytes replaces it, once. The
# secret goes through the environment, never a command line.
airflow_long_jwt_secret() {
	local cfg=$1 secret
	grep -qE '^jwt_secret = .{86}' "$cfg" && return 0
	secret=$(head -c 64 /dev/urandom | base64 -w 0 | tr '+/' '-_')
	(
		umask 077
		AIRFLOW_JWT_SECRET=$secret awk '
			/^jwt_secret = / { print "jwt_secret = " ENVIRON["AIRFLOW_JWT_SECRET"]; next }
			{ print }' "$cfg" >"$cfg.tmp"
	)
	mv "$cfg.tmp" "$cfg"
}

airflow_start() {
	local node=$1 dir bin proc api
	dir=$(comp_dir "$node")
	mkdir -p "$dir/home" "$dir/logs"
	airflow_process_env "$dir"
	bin=$(airflow_sluice_bin)
	[[ -x $bin ]] || command -v "$bin" >/dev/null || warn "airflow: no sluice at $bin: the DAG's runs fail until it is built (make build)"
	airflow_login "$dir"
	# The schema, once per start (a no-op when it is current); the first
	# run also writes airflow.cfg (mode 0600) with the secrets every
	# process shares: the JWT secret, the API's secret key, the Fernet key.
	if ! (cd "$dir" && /usr/bin/env -i "${AIRFLOW_ENV[@]}" "$AIRFLOW_VENV/bin/airflow" db migrate \
		>"$dir/logs/db-migrate.log" 2>&1 9>&-); then
		tail -n 30 "$dir/logs/db-migrate.log" >&2
		die "airflow: 'airflow db migrate' failed (log: $dir/logs/db-migrate.log)"
	fi
	airflow_long_jwt_secret "$dir/home/airflow.cfg"
	for proc in "${AIRFLOW_PROCS[@]}"; do
		airflow_start_proc "$proc"
		[[ $proc == api-server ]] && api=$STARTED_PID
	done
	airflow_endpoint >"$dir/endpoint"
	STARTED_PID=$api
}

airflow_answers() {
	local proc
	for proc in "${AIRFLOW_PROCS[@]}"; do
		airflow_leader "$proc" >/dev/null || return 1
	done
	"$PYTHON" "$REPO_ROOT/airflow/rest" --url "http://$(airflow_endpoint)" \
		--passwords "$(comp_dir airflow)/passwords.json" ready 2>/dev/null
}

# Waits for the API to answer and the DAG to be parsed. A process that is
# not running (killed while the others ran on) is started again first, so
# that `up` recovers from a kill -9 of any one of them.
airflow_wait() {
	local node=$1 pid=$2 deadline=$3 why=$4 proc dir limit=$TIMEOUT
	dir=$(comp_dir "$node")
	if ((AIRFLOW_START_TIMEOUT > TIMEOUT)); then
		deadline=$((deadline + (AIRFLOW_START_TIMEOUT - TIMEOUT) * 1000000))
		limit=$AIRFLOW_START_TIMEOUT
	fi
	local -a left=()
	for proc in "${AIRFLOW_PROCS[@]}"; do
		airflow_leader "$proc" >/dev/null && continue
		[[ $proc == api-server ]] && continue
		mapfile -t left < <(airflow_session_pids "$proc")
		if ((${#left[@]})); then
			say "airflow: $proc is not running; stopping what it left: ${left[*]}"
			stop_pids "$proc" 10 "${left[@]}" >/dev/null
		fi
		say "airflow: $proc is not running; starting it"
		AIRFLOW_VENV=$("$REPO_ROOT/airflow/venv") || return 1
		airflow_process_env "$dir"
		airflow_start_proc "$proc"
	done
	while :; do
		if ! alive "$pid"; then
			printf 'airflow: the API server exited during start (pid %s)\n' "$pid" >"$why"
			return 1
		fi
		for proc in scheduler dag-processor triggerer; do
			if ! airflow_leader "$proc" >/dev/null; then
				printf 'airflow: the %s exited during start (log: %s)\n' "$proc" \
					"$(airflow_log_of "$proc")" >"$why"
				return 1
			fi
		done
		airflow_answers && return 0
		if (($(now_us) >= deadline)); then
			"$PYTHON" "$REPO_ROOT/airflow/rest" --url "http://$(airflow_endpoint)" \
				--passwords "$dir/passwords.json" ready 2>"$why" || true
			printf 'airflow: not ready on %s within %s s\n' "$(airflow_endpoint)" "$limit" >>"$why"
			return 1
		fi
		sleep 1
	done
}
