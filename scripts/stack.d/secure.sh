# shellcheck shell=bash
# The secure variant of the stack (SLUICE_STACK_SECURE=1), sourced by
# scripts/stack after the components, which call the secure_* functions
# below where a listener, a readiness check or the client exports differ.
#
# Once per state directory it makes, with openssl, under <state>/secure
# (mode 0700, every file 0600): a CA, one server certificate for every
# node (subjectAltName: the stack's addresses and localhost), a client
# certificate for Cassandra's client-to-node mutual TLS, PKCS12 key and
# trust stores for the JVMs, random passwords, and the files clients read
# them from (a sluice config file for -F, a kcat config, a Java client
# properties file, a cqlsh credentials file). Nothing here puts a password
# on a command line: the stores' passwords go through files, the SCRAM
# users are created at Kafka's format from their salted form.
#
# Kafka then listens with SASL_SSL only (SCRAM-SHA-512; the KRaft
# controller listener stays plaintext on the loopback address), Cassandra
# with client_encryption_options and PasswordAuthenticator (a role
# 'sluice' with the generated password; SLUICE_CASSANDRA_MTLS=1 also
# requires a client certificate), and the registry with HTTPS only.

STACK_SECURE=${SLUICE_STACK_SECURE:-0}
CASSANDRA_MTLS=${SLUICE_CASSANDRA_MTLS:-0}
readonly SECURE_KAFKA_USER=sluice SECURE_CQL_USER=sluice SECURE_MECHANISM=SCRAM-SHA-512
# The broker's own user for its inter-broker SASL_SSL connections.
readonly SECURE_KAFKA_ADMIN=broker

# The mechanism librdkafka clients (sluice, kcat) use. The broker offers
# SCRAM-SHA-512 (its users made at format) and PLAIN (the same users, in
# its JAAS configuration). librdkafka before 2.6.1 sends a wrong nonce in
# SCRAM's client-final-message (confluentinc/librdkafka#4895), which Kafka
# 4.x rejects as invalid credentials while 3.x accepts it; Debian's
# librdkafka is 2.0.2, so against 4.x its clients use PLAIN, still over
# TLS only. SLUICE_STACK_SASL_MECHANISM chooses for a newer librdkafka.
secure_client_mechanism() {
	if [[ -n ${SLUICE_STACK_SASL_MECHANISM:-} ]]; then
		printf '%s' "$SLUICE_STACK_SASL_MECHANISM"
	elif [[ $(kafka_major) == 3 ]]; then
		printf '%s' "$SECURE_MECHANISM"
	else
		printf 'PLAIN'
	fi
}

secure_on() { [[ $STACK_SECURE == 1 ]]; }
secure_dir() { printf '%s/secure' "$STATE_DIR"; }

secure_validate() {
	[[ $STACK_SECURE == 0 || $STACK_SECURE == 1 ]] ||
		usage_error "SLUICE_STACK_SECURE must be 0 or 1, not '$STACK_SECURE'"
	[[ $CASSANDRA_MTLS == 0 || $CASSANDRA_MTLS == 1 ]] ||
		usage_error "SLUICE_CASSANDRA_MTLS must be 0 or 1, not '$CASSANDRA_MTLS'"
	case ${SLUICE_STACK_SASL_MECHANISM:-} in
	"" | PLAIN | SCRAM-SHA-512) ;;
	*) usage_error "SLUICE_STACK_SASL_MECHANISM must be PLAIN or SCRAM-SHA-512, not '$SLUICE_STACK_SASL_MECHANISM'" ;;
	esac
	# The secure Cassandra always authenticates.
	if secure_on; then
		CASSANDRA_AUTH=password
	fi
	return 0
}

secure_usage_env() {
	cat <<'EOF'
  SLUICE_STACK_SECURE           1: Kafka with SASL_SSL only (SCRAM-SHA-512, PLAIN),
                                Cassandra with TLS and PasswordAuthenticator;
                                certificates and credentials made once under
                                <state dir>/secure (docs/security.md) [0]
  SLUICE_CASSANDRA_MTLS         1: the secure Cassandra also requires a client
                                certificate [0]
  SLUICE_STACK_SASL_MECHANISM   what the stack's librdkafka clients use against the
                                secure Kafka, PLAIN or SCRAM-SHA-512 [PLAIN on
                                Kafka 4.x (librdkafka < 2.6.1), SCRAM on 3.x]
EOF
}

# Every address a server certificate must name: each node of Kafka and
# Cassandra, the registry, and localhost.
secure_san() {
	local -A seen=()
	local out=DNS:localhost a i
	local -a addrs=("$KAFKA_HOST" "$CASSANDRA_HOST" "$REGISTRY_HOST")
	for ((i = 1; i <= NODES; i++)); do
		((NODES > 1)) && addrs+=("$(node_addr "$i")")
	done
	for a in "${addrs[@]}"; do
		[[ -n ${seen[$a]:-} ]] && continue
		seen[$a]=1
		out+=,IP:$a
	done
	printf '%s' "$out"
}

# A key and a certificate signed by the CA: secure_cert NAME CN EXT.
secure_cert() {
	local d=$1 name=$2 cn=$3 ext=$4
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
		-subj "/CN=$cn" 2>/dev/null
	printf '%s\n' "$ext" >"$d/$name.ext"
	openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 825 -sha256 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
	rm -f "$d/$name.csr" "$d/$name.ext"
}

# SCRAM-SHA-512's salted password of the password in file $1 under salt $2
# (base64) and 4096 iterations, base64, for kafka-storage format.
secure_salted() {
	"$PYTHON" - "$1" "$2" <<'EOF'
import base64, hashlib, sys
pw = open(sys.argv[1], "rb").read().strip()
salt = base64.b64decode(sys.argv[2])
print(base64.b64encode(hashlib.pbkdf2_hmac("sha512", pw, salt, 4096)).decode())
EOF
}

# Writes every client file from the generated passwords.
secure_client_files() {
	local d=$1 kpw cpw
	kpw=$(<"$d/kafka.password") cpw=$(<"$d/cql.password")
	cat >"$d/sluice.conf" <<EOF
# sluice client settings for the secure stack (secrets: keep mode 0600)
kafka.security.protocol = SASL_SSL
kafka.sasl.mechanism = $(secure_client_mechanism)
kafka.sasl.username = $SECURE_KAFKA_USER
kafka.sasl.password = $kpw
kafka.ssl.ca.location = $d/ca.pem
cql.tls = true
cql.tls.ca_file = $d/ca.pem
cql.username = $SECURE_CQL_USER
cql.password = $cpw
registry-ca = $d/ca.pem
EOF
	if [[ $CASSANDRA_MTLS == 1 ]]; then
		printf 'cql.tls.cert_file = %s\ncql.tls.key_file = %s\n' "$d/client.pem" "$d/client.key" \
			>>"$d/sluice.conf"
	fi
	cat >"$d/kcat.conf" <<EOF
security.protocol=SASL_SSL
sasl.mechanisms=$(secure_client_mechanism)
sasl.username=$SECURE_KAFKA_USER
sasl.password=$kpw
ssl.ca.location=$d/ca.pem
EOF
	cat >"$d/kafka-client.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=$SECURE_MECHANISM
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$SECURE_KAFKA_USER" password="$kpw";
ssl.truststore.type=PEM
ssl.truststore.location=$d/ca.pem
EOF
	printf '[PlainTextAuthProvider]\nusername = %s\npassword = %s\n' "$SECURE_CQL_USER" "$cpw" \
		>"$d/cql.credentials"
}

# Makes the CA, the passwords and the salts once per state directory, and
# the certificates and stores whenever the addresses they must name change
# (another SLUICE_*_HOST, a cluster); the client files on every up.
secure_generate() {
	local d san
	d=$(secure_dir)
	san=$(secure_san)
	if [[ -f $d/ca.pem && -f $d/server.p12 && -f $d/san && $(<"$d/san") == "$san" ]]; then
		(umask 077 && secure_client_files "$d")
		return 0
	fi
	need_tool openssl "install openssl (the secure stack makes its certificates with it)"
	need_tool keytool "install a JDK's keytool (the secure stack's trust store)"
	say "secure: making certificates for $san in $d"
	(
		umask 077
		mkdir -p "$d"
		chmod 0700 "$d"
		if [[ ! -f $d/ca.pem ]]; then
			openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
				-days 3650 -sha256 -subj "/CN=sluice stack CA" \
				-addext basicConstraints=critical,CA:TRUE \
				-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
				die "secure: openssl could not make the CA"
		fi
		local f
		for f in store kafka kafka-admin cql; do
			[[ -s $d/$f.password ]] || openssl rand -hex 16 >"$d/$f.password"
		done
		for f in kafka kafka-admin; do
			[[ -s $d/$f.salt ]] || openssl rand -base64 24 >"$d/$f.salt"
		done
		secure_cert "$d" server "sluice stack server" \
			"subjectAltName=$san
extendedKeyUsage=serverAuth,clientAuth" || die "secure: openssl could not make the server certificate"
		secure_cert "$d" client "$SECURE_CQL_USER" "extendedKeyUsage=clientAuth" ||
			die "secure: openssl could not make the client certificate"
		rm -f "$d/server.p12" "$d/truststore.p12"
		openssl pkcs12 -export -in "$d/server.pem" -inkey "$d/server.key" -certfile "$d/ca.pem" \
			-name server -out "$d/server.p12" -passout "file:$d/store.password" ||
			die "secure: openssl could not write the key store"
		keytool -importcert -noprompt -alias ca -file "$d/ca.pem" -storetype PKCS12 \
			-keystore "$d/truststore.p12" -storepass:file "$d/store.password" >/dev/null 2>&1 ||
			die "secure: keytool could not write the trust store"
		secure_client_files "$d"
		printf '%s' "$san" >"$d/san"
		chmod 0600 "$d"/*
	) || exit 1
}

# ---------------------------------------------------------------- Kafka

# Lines added to a node's server.properties (which then holds the store
# password and the users' passwords: it is written mode 0600).
secure_kafka_props() {
	local host=$1 d apw
	d=$(secure_dir)
	apw=$(<"$d/kafka-admin.password")
	cat <<EOF

# secure stack (scripts/stack.d/secure.sh): SASL_SSL only for clients and
# brokers; the KRaft controller listener stays plaintext on loopback.
listeners=SASL_SSL://$host:$KAFKA_PORT,CONTROLLER://$host:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://$host:$KAFKA_PORT
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=$SECURE_MECHANISM,PLAIN
sasl.mechanism.inter.broker.protocol=$SECURE_MECHANISM
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$SECURE_KAFKA_ADMIN" password="$apw";
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$SECURE_KAFKA_ADMIN" password="$apw" user_$SECURE_KAFKA_ADMIN="$apw" user_$SECURE_KAFKA_USER="$(<"$d/kafka.password")";
ssl.keystore.type=PKCS12
ssl.keystore.location=$d/server.p12
ssl.keystore.password=$(<"$d/store.password")
ssl.key.password=$(<"$d/store.password")
ssl.truststore.type=PKCS12
ssl.truststore.location=$d/truststore.p12
ssl.truststore.password=$(<"$d/store.password")
ssl.client.auth=none
EOF
}

# kafka-storage format's --add-scram arguments: the two users from their
# salt and salted password, so the password itself is on no command line.
secure_kafka_scram_args() {
	local d u f salt
	d=$(secure_dir)
	for u in "$SECURE_KAFKA_USER:kafka" "$SECURE_KAFKA_ADMIN:kafka-admin"; do
		f=${u#*:}
		salt=$(<"$d/$f.salt")
		printf '%s\n' --add-scram \
			"$SECURE_MECHANISM=[name=${u%%:*},salt=\"$salt\",saltedpassword=\"$(secure_salted "$d/$f.password" "$salt")\",iterations=4096]"
	done
}

# kcat's options for a readiness check: its config file.
secure_kcat_args() {
	secure_on || return 0
	printf '%s\n' -F "$(secure_dir)/kcat.conf"
}

# ---------------------------------------------------------------- Cassandra

secure_cassandra_yaml() {
	local d pw
	d=$(secure_dir)
	pw=$(<"$d/store.password")
	cat <<EOF

# secure stack (scripts/stack.d/secure.sh): TLS for every client.
client_encryption_options:
  enabled: true
  optional: false
  keystore: $d/server.p12
  keystore_password: $pw
  store_type: PKCS12
  require_client_auth: $([[ $CASSANDRA_MTLS == 1 ]] && printf true || printf false)
  truststore: $d/truststore.p12
  truststore_password: $pw
EOF
}

# The environment of the CQL readiness probe: the CA, the client
# certificate, and the role to log in as (its password through a file).
secure_cql_probe_env() {
	local d
	d=$(secure_dir)
	printf '%s\n' "SLUICE_CQL_CA=$d/ca.pem" "SLUICE_CQL_USER=$SECURE_CQL_USER" \
		"SLUICE_CQL_PASSWORD_FILE=$d/cql.password" "SLUICE_CQL_ENSURE_ROLE=1"
	if [[ $CASSANDRA_MTLS == 1 ]]; then
		printf '%s\n' "SLUICE_CQL_CERT=$d/client.pem" "SLUICE_CQL_KEY=$d/client.key"
	fi
}

# ---------------------------------------------------------------- registry

# Quarkus settings for the registry: HTTPS only, on the usual port.
secure_registry_props() {
	local d
	d=$(secure_dir)
	cat <<EOF

# secure stack (scripts/stack.d/secure.sh): HTTPS only.
quarkus.http.ssl-port=$REGISTRY_PORT
quarkus.http.ssl.certificate.files=$d/server.pem
quarkus.http.ssl.certificate.key-files=$d/server.key
quarkus.http.insecure-requests=disabled
EOF
}

# ---------------------------------------------------------------- status, env

# A few words for `status`: which listener is secure.
secure_describe() {
	case $(type_of "$1") in
	kafka)
		if secure_on; then
			printf 'SASL_SSL only (SCRAM-SHA-512, PLAIN; clients here: %s)' "$(secure_client_mechanism)"
		else
			printf 'PLAINTEXT'
		fi
		;;
	cassandra)
		if secure_on; then
			printf 'TLS%s' "$([[ $CASSANDRA_MTLS == 1 ]] && printf ' +client cert')"
		else
			printf 'plaintext'
		fi
		;;
	registry) secure_on && printf 'HTTPS only' || printf 'plain HTTP' ;;
	esac
}

# What a client of the secure stack needs: where the CA, the credential
# files and the client certificate are (never a password itself).
secure_env() {
	secure_on || return 0
	local d
	d=$(secure_dir)
	printf 'export SLUICE_STACK_SECURE=1\n'
	printf 'export SLUICE_TLS_CA=%s\n' "$d/ca.pem"
	printf 'export SLUICE_SECURE_CONFIG=%s\n' "$d/sluice.conf"
	printf 'export SLUICE_SECURE_KAFKA_MECHANISM=%s\n' "$(secure_client_mechanism)"
	printf 'export SLUICE_SECURE_KAFKA_USER=%s\n' "$SECURE_KAFKA_USER"
	printf 'export SLUICE_SECURE_KAFKA_PASSWORD_FILE=%s\n' "$d/kafka.password"
	printf 'export SLUICE_SECURE_KAFKA_PROPERTIES=%s\n' "$d/kafka-client.properties"
	printf 'export SLUICE_SECURE_KCAT_CONFIG=%s\n' "$d/kcat.conf"
	printf 'export SLUICE_SECURE_CQL_USER=%s\n' "$SECURE_CQL_USER"
	printf 'export SLUICE_SECURE_CQL_PASSWORD_FILE=%s\n' "$d/cql.password"
	printf 'export SLUICE_SECURE_CQL_CREDENTIALS=%s\n' "$d/cql.credentials"
	printf 'export SLUICE_SECURE_CLIENT_CERT=%s\n' "$d/client.pem"
	printf 'export SLUICE_SECURE_CLIENT_KEY=%s\n' "$d/client.key"
	printf 'export SLUICE_CASSANDRA_MTLS=%s\n' "$CASSANDRA_MTLS"
}
