# shellcheck shell=bash
# The stack's schema registry, sourced by scripts/stack: Apicurio Registry
# 2.6 from Maven Central, which serves the Confluent Schema Registry REST API
# under /apis/ccompat/v7 (the base URL clients are given). Storage is in
# memory: what is registered is gone when it stops.

register_component registry 30

REGISTRY_HOST=${SLUICE_REGISTRY_HOST:-127.0.0.1}
REGISTRY_PORT=${SLUICE_REGISTRY_PORT:-8081}
REGISTRY_HEAP=${SLUICE_REGISTRY_HEAP:-128m}
readonly REGISTRY_API=/apis/ccompat/v7
readonly REGISTRY_JAR=apicurio-registry-app-2.6.13.Final-runner.jar

registry_usage_env() {
	cat <<'EOF2'
  SLUICE_REGISTRY_HOST          schema registry address [127.0.0.1]
  SLUICE_REGISTRY_PORT          schema registry port (Confluent API under
                                /apis/ccompat/v7) [8081]
  SLUICE_REGISTRY_HEAP          schema registry heap [128m]
EOF2
}

registry_validate() {
	check_ipv4 SLUICE_REGISTRY_HOST "$REGISTRY_HOST"
	check_port_value SLUICE_REGISTRY_PORT "$REGISTRY_PORT"
	check_heap SLUICE_REGISTRY_HEAP "$REGISTRY_HEAP"
}

registry_preflight() {
	need_tool curl "install curl (used to check that the registry answers)"
}

registry_endpoint() { printf '%s:%s' "$REGISTRY_HOST" "$REGISTRY_PORT"; }
registry_main_log() { printf '%s/logs/registry.log' "$(comp_dir "$1")"; }
registry_ports() { printf '%s %s\n' "$REGISTRY_HOST" "$REGISTRY_PORT"; }
registry_describe() {
	printf 'Apicurio 2.6.13, in memory, API %s, %s' "$REGISTRY_API" "$(secure_describe registry)"
}

registry_scheme() { secure_on && printf https || printf http; }

registry_env() {
	printf 'export SLUICE_REGISTRY=%s://%s%s\n' "$(registry_scheme)" "$2" "$REGISTRY_API"
	printf 'export SLUICE_TEST_REGISTRY=%s://%s%s\n' "$(registry_scheme)" "$2" "$REGISTRY_API"
}

# Unpacks the fetched tarball in the cache entry, once.
registry_unpack() {
	local dir=$1 tgz
	tgz=$(find "$dir/libs" -maxdepth 1 -name '*.tar.gz' | head -n 1)
	[[ -n $tgz ]] || die "registry: no tarball in $dir/libs"
	rm -rf "$dir/app"
	mkdir -p "$dir/app"
	tar -xzf "$tgz" -C "$dir/app" || die "registry: cannot unpack $tgz"
}

registry_fetch() {
	fetch_pom registry "$CONF_SRC/registry-pom.xml" registry_unpack
	REGISTRY_APP=$(find "${LIBS%/libs}/app" -name "$REGISTRY_JAR" | head -n 1)
	[[ -n $REGISTRY_APP ]] || die "registry: no $REGISTRY_JAR in ${LIBS%/libs}/app"
}

registry_start() {
	local node=$1 dir
	dir=$(comp_dir "$node")
	mkdir -p "$dir/config" "$dir/logs"
	render "$CONF_SRC/registry-application.properties.in" "$dir/config/application.properties" \
		REGISTRY_HOST="$REGISTRY_HOST" REGISTRY_PORT="$REGISTRY_PORT" REGISTRY_DIR="$dir"
	secure_on && secure_registry_props >>"$dir/config/application.properties"
	read_jvm_options "$CONF_SRC/registry-jvm.options"
	# launch runs it in $dir, where Quarkus finds config/application.properties.
	launch "$node" "$JAVA" "$(tag_of "$node")" "-Xmx$REGISTRY_HEAP" \
		"${JVM_OPTS[@]}" -jar "$REGISTRY_APP"
}

# Ready means more than /health/ready: a schema registered under a subject
# of the stack's own, looked up by id and by content, then deleted (soft,
# then permanently, as Confluent's API requires), leaving nothing behind.
registry_answers() {
	local base subject id ok=1
	base="$(registry_scheme)://$REGISTRY_HOST:$REGISTRY_PORT"
	local -a curl=(curl -fsS --max-time 5 -H 'Content-Type: application/vnd.schemaregistry.v1+json')
	if secure_on; then
		curl+=(--cacert "$(secure_dir)/ca.pem")
	fi
	"${curl[@]}" "$base/health/ready" >/dev/null 2>&1 || return 1
	subject=_sluice-stack-probe-$BASHPID
	local schema='{"schema":"{\"type\":\"record\",\"name\":\"probe\",\"namespace\":\"sluice.stack\",\"fields\":[{\"name\":\"at\",\"type\":\"string\"}]}"}'
	id=$("${curl[@]}" -X POST --data "$schema" "$base$REGISTRY_API/subjects/$subject/versions" 2>/dev/null |
		sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p') || true
	if [[ -n $id ]] &&
		"${curl[@]}" "$base$REGISTRY_API/schemas/ids/$id" 2>/dev/null | grep -qF 'sluice.stack' &&
		"${curl[@]}" -X POST --data "$schema" "$base$REGISTRY_API/subjects/$subject" 2>/dev/null |
		grep -q "\"id\":${id}[,}]"; then
		ok=0
	fi
	"${curl[@]}" -X DELETE "$base$REGISTRY_API/subjects/$subject" >/dev/null 2>&1 || true
	"${curl[@]}" -X DELETE "$base$REGISTRY_API/subjects/$subject?permanent=true" >/dev/null 2>&1 || true
	return "$ok"
}
