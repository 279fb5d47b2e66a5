"""0902 TLS and SASL refusals: every bad credential is one exact line and its exit code.

Against the secure stack (SLUICE_STACK_SECURE=1), `sluice schema` (and `sluice process`
for Cassandra, which must not retry what retrying cannot cure) with:
- a CA that did not sign the server's certificate,
- an address the certificate does not name (a forwarder to the real server on another
  loopback address),
- an expired certificate (a TLS server presenting one signed by the stack's CA, made here),
- a wrong password,
- a plaintext client against the secure listeners (fails cleanly, well within a timeout),
- with SLUICE_CASSANDRA_MTLS=1, a Cassandra client without a certificate,
each for Kafka and for Cassandra (and for the registry over HTTPS: a wrong CA, a plaintext
client): the error line exactly, exit 1 (runtime). Then the
configuration errors, exit 2: a password on the command line (-X kafka.sasl.password,
-X cql.password, --registry-password) and a config file with secrets that others can read.
No output ever contains a secret.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secure_support import (BIN, BROKERS, CASSANDRA, CONF, REGISTRY, Forwarder,  # noqa: E402
                            TlsServer,
                            assert_no_secret, check, config_with, expired_cert, other_address,
                            unique)

OTHER_CA = None


def other_ca():
    """A CA of our own, which signed nothing the stack uses."""
    global OTHER_CA
    if not OTHER_CA:
        d = os.path.dirname(config_with({}))
        OTHER_CA = os.path.join(d, "sluice-0902-other-ca-%d.pem" % os.getpid())
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        OTHER_CA + ".key", "-out", OTHER_CA, "-days", "2", "-subj", "/CN=other"],
                       check=True, capture_output=True)
    return OTHER_CA


def run(args, timeout=120):
    """Runs sluice with args; returns (exit code, the error lines without their time, all
    output, seconds taken)."""
    t0 = time.time()
    p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)
    out = p.stdout + p.stderr
    errors = [re.sub(r"^\S+ error ", "", l) for l in p.stderr.splitlines()
              if re.match(r"^\S+ error ", l)]
    assert_no_secret("output of sluice %s" % args[0], out)
    return p.returncode, errors, out, time.time() - t0


def expect(what, args, code, line, timeout=120):
    rc, errors, out, took = run(args, timeout)
    check(rc == code, "%s: exit %d, want %d; output:\n%s" % (what, rc, code, out[-2000:]))
    check(line in errors if line else True,
          "%s: want the line\n  %s\ngot the error lines\n  %s\noutput:\n%s"
          % (what, line, "\n  ".join(errors), out[-2000:]))
    check(len(errors) == 1, "%s: %d error lines, want one:\n%s" % (what, len(errors), out))
    print("ok: %s -> exit %d in %.1f s: %s" % (what, rc, took, line))
    return out


def kafka_cases(topic):
    k = ["schema", "-b", BROKERS, "-t", topic, "--skip-cassandra", "--timeout", "30"]
    host = BROKERS.split(",")[0]
    expect("Kafka, wrong CA", k + ["-F", CONF, "-X", "kafka.ssl.ca.location=" + other_ca()], 1,
           "schema: Kafka %s: TLS: the broker's certificate is not signed by a CA in "
           "kafka.ssl.ca.location" % host)
    at = ["schema", "-t", topic, "--skip-cassandra", "--timeout", "30", "-F", CONF, "-b"]
    with Forwarder(other_address({host.rpartition(":")[0]}), host) as fwd:
        expect("Kafka, wrong hostname", at + [fwd.address], 1,
               "schema: Kafka %s: TLS: the broker's certificate does not name the address "
               "connected to" % fwd.address)
    with TlsServer(host.rpartition(":")[0], *expired_cert(host.rpartition(":")[0])) as srv:
        expect("Kafka, expired certificate", at + [srv.address], 1,
               "schema: Kafka %s: TLS: the broker's certificate has expired" % srv.address)
    bad = config_with({"kafka.sasl.password": "not-the-password"})
    expect("Kafka, wrong password", k + ["-F", bad], 1,
           "schema: Kafka %s: SASL authentication failed (check kafka.sasl.username and "
           "kafka.sasl.password): Authentication failed: Invalid username or password" % host)
    os.unlink(bad)
    rc, errors, out, took = run(k)
    check(rc == 1 and took < 60, "Kafka, plaintext: exit %d after %.0f s:\n%s" % (rc, took, out))
    expect("Kafka, plaintext client", k, 1,
           "schema: Kafka %s: the listener closed the connection: it wants another security "
           "protocol than this client's kafka.security.protocol (SASL_SSL, SSL or "
           "SASL_PLAINTEXT?)" % BROKERS)


def cassandra_cases(topic):
    c = ["schema", "-t", topic, "--skip-kafka", "--timeout", "20"]
    host = CASSANDRA.split(",")[0]
    addr = host.rpartition(":")[0]

    def line(at, cause):
        return "schema: Cassandra at %s: %s: %s" % (at, at, cause)

    expect("Cassandra, wrong CA", c + ["--cassandra", CASSANDRA, "-F", CONF, "-X",
                                       "cql.tls.ca_file=" + other_ca()], 1,
           line(host, "TLS handshake with %s: certificate verification failed: self-signed "
                "certificate in certificate chain" % host))
    with Forwarder(other_address({addr}), host) as fwd:
        expect("Cassandra, wrong hostname", c + ["--cassandra", fwd.address, "-F", CONF], 1,
               line(fwd.address, "TLS handshake with %s: certificate verification failed: IP "
                    "address mismatch" % fwd.address))
    with TlsServer(addr, *expired_cert(addr)) as srv:
        expect("Cassandra, expired certificate", c + ["--cassandra", srv.address, "-F", CONF], 1,
               line(srv.address, "TLS handshake with %s: certificate verification failed: "
                    "certificate has expired" % srv.address))
    if os.environ.get("SLUICE_CASSANDRA_MTLS") == "1" or "cql.tls.cert_file" in open(CONF).read():
        bare = config_with({}, drop=("cql.tls.cert_file", "cql.tls.key_file"))
        expect("Cassandra, no client certificate", c + ["--cassandra", CASSANDRA, "-F", bare], 1,
               line(host, "TLS: error:0A00045C:SSL routines::tlsv13 alert certificate required"))
        os.unlink(bare)
    bad = config_with({"cql.password": "not-the-password"})
    want = line(host, "handshake: server: bad credentials: Provided username sluice and/or "
                "password are incorrect")
    expect("Cassandra, wrong password", c + ["--cassandra", CASSANDRA, "-F", bad], 1, want)
    # process: the same line, at once, no retries
    out = expect("process, Cassandra wrong password",
                 ["process", "-b", BROKERS, "-t", topic, "--cassandra", CASSANDRA, "-F", bad,
                  "--progress", "never"], 1,
                 want.replace("schema:", "process:"))
    check("retrying" not in out, "process retried a refusal:\n%s" % out)
    os.unlink(bad)
    # A listener that closes a plaintext connection looks like a node going away, which
    # retrying can cure: schema tries until its --timeout (each attempt logged), then says so.
    rc, errors, out, took = run(c + ["--cassandra", CASSANDRA])
    check(rc == 1 and took < 60, "Cassandra, plaintext: exit %d after %.0f s:\n%s"
          % (rc, took, out))
    want = re.compile(r"schema: Cassandra at %s unreachable for 20 s \(\d+ attempts\): %s: "
                      r"connection closed by peer$" % (re.escape(host), re.escape(host)))
    check(len(errors) == 1 and want.match(errors[0]),
          "Cassandra, plaintext client: want one error line matching\n  %s\ngot\n  %s"
          % (want.pattern, "\n  ".join(errors)))
    print("ok: Cassandra, plaintext client -> exit 1 in %.1f s: %s" % (took, errors[0]))


def registry_cases(topic):
    r = ["schema", "-t", topic, "--skip-kafka", "--skip-cassandra", "--registry"]
    post = "POST /subjects/%s-value/versions" % topic
    bad = config_with({"registry-ca": other_ca()})
    expect("registry, wrong CA", r + [REGISTRY, "-F", bad], 1,
           "schema: registry %s: %s: SSL certificate problem: unable to get local issuer "
           "certificate (HTTP transfer failed (TLS, protocol or URL))" % (REGISTRY, post))
    os.unlink(bad)
    plain = REGISTRY.replace("https://", "http://", 1)
    expect("registry, plaintext client", r + [plain, "-F", CONF], 1,
           "schema: registry %s: %s: Empty reply from server (registry unreachable (connect, "
           "DNS or timeout))" % (plain, post))


def configuration_cases(topic):
    for cmd in (["ingest"], ["process"], ["schema"], ["check"], ["console"]):
        for arg, hint in (("kafka.sasl.password", "SLUICE_KAFKA_SASL_PASSWORD"),
                          ("cql.password", "SLUICE_CQL_PASSWORD")):
            rc, _, out, _ = run(cmd + ["-X", arg + "=in-argv-0902"])
            check(rc == 2, "%s -X %s=...: exit %d\n%s" % (cmd[0], arg, rc, out))
            check(("-X %s is a secret and is not taken on the command line" % arg) in out and
                  hint in out and "in-argv-0902" not in out, "%s: %s" % (cmd[0], out))
    rc, _, out, _ = run(["ingest", "--registry-password", "in-argv-0902"])
    check(rc == 2 and "SLUICE_REGISTRY_PASSWORD" in out and "in-argv-0902" not in out, out)
    print("ok: passwords on the command line refused by every command (exit 2)")
    for mode in (0o644, 0o640, 0o604):
        loose = config_with({}, mode)
        rc, _, out, _ = run(["schema", "-F", loose, "-t", topic])
        want = ("sluice schema: %s holds a secret (kafka.sasl.password) but is open to group "
                "or others (mode %04o); chmod 600 it" % (loose, mode))
        check(rc == 2 and want in out, "mode %o: exit %d\n%s" % (mode, rc, out))
        os.unlink(loose)
    print("ok: a config file with secrets open to others refused (exit 2)")


def main():
    topic = unique("0902")
    configuration_cases(topic)
    kafka_cases(topic)
    cassandra_cases(topic)
    if REGISTRY.startswith("https://"):
        registry_cases(topic)


if __name__ == "__main__":
    main()
