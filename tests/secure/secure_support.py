"""Shared helpers of the secure-stack tests (tests/secure/09NN-*.py, label "secure").

They run against `SLUICE_STACK_SECURE=1 scripts/stack up` and take everything from that
stack's `scripts/stack env`: the brokers and Cassandra, the sluice config file with the
client settings and secrets (-F, mode 0600), the CA, the credential files. Importing this
module exits 77 (skipped) when the stack there is not the secure one, and otherwise points
the integration helpers (tests/integration/*_support.py) at it through the environment.

Also here: the secrets a test must never find anywhere (passwords, key material), a
Cassandra reader over TLS with the stack's role, a TCP forwarder (a second address for the
same server, which its certificate does not name) and a TLS server that presents a given
certificate (an expired one) and nothing else.
"""
import datetime
import os
import re
import shlex
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("SLUICE_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))


def stack_env():
    """The exports of `scripts/stack env` as a dict."""
    p = subprocess.run([os.path.join(SOURCE, "scripts", "stack"), "env"], capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        print("FAIL: scripts/stack env: %s" % p.stderr, file=sys.stderr)
        sys.exit(1)
    env = {}
    for line in p.stdout.splitlines():
        m = re.match(r"export ([A-Z_0-9]+)=(.*)$", line)
        if m:
            env[m.group(1)] = shlex.split(m.group(2))[0] if m.group(2) else ""
    return env


ENV = stack_env()
if ENV.get("SLUICE_STACK_SECURE") != "1":
    print("skipped: the stack in SLUICE_STACK_DIR is not the secure one "
          "(SLUICE_STACK_SECURE=1 scripts/stack up)")
    sys.exit(77)
for k in ("SLUICE_TEST_BROKERS", "SLUICE_TEST_CASSANDRA", "SLUICE_TEST_REGISTRY"):
    if k in ENV:
        os.environ[k] = ENV[k]
# The client settings come from the config file only.
for k in ("SLUICE_CONFIG", "SLUICE_KAFKA_SASL_PASSWORD", "SLUICE_CQL_PASSWORD",
          "SLUICE_KAFKA_SASL_USERNAME", "SLUICE_CQL_USERNAME", "SLUICE_REGISTRY"):
    os.environ.pop(k, None)

from common_support import BIN, check, fail, unique  # noqa: E402,F401

BROKERS = ENV["SLUICE_TEST_BROKERS"]
CASSANDRA = ENV["SLUICE_TEST_CASSANDRA"]
CONF = ENV["SLUICE_SECURE_CONFIG"]
REGISTRY = ENV.get("SLUICE_TEST_REGISTRY", "")
CA = ENV["SLUICE_TLS_CA"]
SECURE_DIR = os.path.dirname(CA)


def read(path):
    with open(path) as f:
        return f.read().strip()


KAFKA_PASSWORD = read(ENV["SLUICE_SECURE_KAFKA_PASSWORD_FILE"])
CQL_PASSWORD = read(ENV["SLUICE_SECURE_CQL_PASSWORD_FILE"])


def key_body(path):
    """The base64 lines of a PEM private key, joined: what a leak would show."""
    return "".join(l for l in read(path).splitlines() if not l.startswith("-----"))


def secrets():
    """Every value no output of sluice may contain: both passwords, the other generated
    passwords, and pieces of the private keys (a line of base64 is enough to tell)."""
    out = [KAFKA_PASSWORD, CQL_PASSWORD]
    for name in ("store", "kafka-admin"):
        out.append(read(os.path.join(SECURE_DIR, name + ".password")))
    for name in ("client.key", "server.key", "ca.key"):
        body = key_body(os.path.join(SECURE_DIR, name))
        out += [body[i:i + 40] for i in range(64, len(body) - 40, 400)]
    return out


def assert_no_secret(what, text):
    for s in secrets():
        check(s not in text, "%s contains a secret (%s...)" % (what, s[:4]))


def config_with(changes, mode=0o600, drop=()):
    """A copy of the stack's config file with some settings replaced ({"cql.password": "x"})
    and the settings in drop left out, of the given mode. Returns its path."""
    text = read(CONF) + "\n"
    for key in drop:
        text = re.sub(r"(?m)^%s = .*\n" % re.escape(key), "", text)
    for key, v in changes.items():
        text, n = re.subn(r"(?m)^%s = .*$" % re.escape(key), "%s = %s" % (key, v), text)
        check(n == 1, "no %s in %s" % (key, CONF))
    fd, path = tempfile.mkstemp(prefix="sluice-secure-", suffix=".conf")
    os.write(fd, text.encode())
    os.close(fd)
    os.chmod(path, mode)
    return path


def cassandra_session():
    """A python3-cassandra session to the secure Cassandra (TLS with the stack's CA and, with
    SLUICE_CASSANDRA_MTLS=1, its client certificate; the stack's role)."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster
    ctx = ssl.create_default_context(cafile=CA)
    if ENV.get("SLUICE_CASSANDRA_MTLS") == "1":
        ctx.load_cert_chain(ENV["SLUICE_SECURE_CLIENT_CERT"], ENV["SLUICE_SECURE_CLIENT_KEY"])
    host, _, port = CASSANDRA.rpartition(":")
    cluster = Cluster([host], port=int(port), ssl_context=ctx, connect_timeout=30,
                      auth_provider=PlainTextAuthProvider(ENV["SLUICE_SECURE_CQL_USER"],
                                                          CQL_PASSWORD))
    session = cluster.connect()
    session.default_timeout = 60
    return cluster, session


def other_address(avoid):
    """A loopback address that is not in `avoid` (the addresses the certificate names)."""
    for a in ("127.0.0.1", "127.0.0.254", "127.0.0.253"):
        if a not in avoid:
            return a
    fail("no spare loopback address")


class Listener:
    """A socket on a free port of host; serve(conn) runs for each connection, in a thread."""

    def __init__(self, host):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.address = "%s:%d" % (host, self.sock.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Forwarder(Listener):
    """Relays every connection to target (HOST:PORT)."""

    def __init__(self, host, target):
        th, _, tp = target.rpartition(":")
        self.target = (th, int(tp))
        super().__init__(host)

    def serve(self, c):
        try:
            u = socket.create_connection(self.target, timeout=10)
        except OSError:
            c.close()
            return
        threading.Thread(target=self._pipe, args=(u, c), daemon=True).start()
        self._pipe(c, u)

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def expired_cert(host):
    """A key and a certificate for host, signed by the stack's CA, that expired a day ago;
    written to a temporary directory. Returns (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    import ipaddress
    with open(os.path.join(SECURE_DIR, "ca.key"), "rb") as f:
        ca_key = serialization.load_pem_private_key(f.read(), None)
    with open(CA, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "expired")]))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=30))
            .not_valid_after(now - datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    d = tempfile.mkdtemp(prefix="sluice-expired-")
    cp, kp = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    with open(cp, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(kp, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    os.chmod(kp, 0o600)
    return cp, kp


class TlsServer(Listener):
    """Presents cert/key: completes (or fails) the TLS handshake with each client, then
    closes. Enough for a client to judge the certificate."""

    def __init__(self, host, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        super().__init__(host)

    def serve(self, c):
        try:
            c.settimeout(10)
            self.ctx.wrap_socket(c, server_side=True).close()
        except (OSError, ssl.SSLError):
            c.close()
