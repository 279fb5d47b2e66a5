"""Shared helpers of the cluster tests (07NN-cluster-*.py, ctest label `cluster`).

They run against a multi-node stack (`SLUICE_STACK_NODES=3 scripts/stack up`) whose
settings are in the environment (SLUICE_STACK_DIR, SLUICE_STACK_NODES,
SLUICE_STACK_BASE_ADDRESS, the ports), and stop, kill and restart its nodes through
scripts/stack. Builds on the integration tests' helpers (mock-api, ingest, processor,
the table read back through python3-cassandra). Every wait polls with a deadline.
"""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# `scripts/stack env` lists every node; the helpers below take one contact point
if "," in os.environ.get("SLUICE_TEST_CASSANDRA", ""):
    os.environ["SLUICE_TEST_CASSANDRA"] = os.environ["SLUICE_TEST_CASSANDRA"].split(",")[0]
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from ingest_support import check, fail  # noqa: E402,F401

SOURCE = os.environ.get("SLUICE_SOURCE_DIR", os.path.join(HERE, "..", ".."))
STACK = os.path.join(SOURCE, "scripts", "stack")
NODES = int(os.environ.get("SLUICE_STACK_NODES", "1"))
SKIP = 77  # ctest SKIP_RETURN_CODE


def need_cluster(min_nodes=3):
    if NODES < min_nodes:
        print("SKIP: needs a stack of %d nodes (SLUICE_STACK_NODES=%d)" % (min_nodes, NODES))
        sys.exit(SKIP)


def rows_env(default):
    """How many rows a test moves: SLUICE_TEST_CLUSTER_ROWS overrides the default."""
    return int(os.environ.get("SLUICE_TEST_CLUSTER_ROWS", default))


def stack(*args, timeout=900):
    # a Cassandra node replaying its commit log on a loaded machine takes minutes
    env = dict(os.environ)
    env.setdefault("SLUICE_STACK_TIMEOUT", "600")
    p = subprocess.run([STACK] + list(args), capture_output=True, text=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout + p.stderr


def status():
    """{node: (state, address, pid)} from `scripts/stack status`."""
    _, out = stack("status", "kafka", "cassandra")
    nodes = {}
    for line in out.splitlines():
        m = re.match(r"^(kafka\d+|cassandra\d+)\s+(\w+)(?:\s+(\S+)\s+pid (\d+))?", line)
        if m:
            nodes[m.group(1)] = (m.group(2), m.group(3), int(m.group(4) or 0))
    return nodes


def kill_node(*nodes):
    """SIGKILL the JVMs of the nodes, all at once (one status call first: it is slow on a
    loaded machine); returns once the processes are gone."""
    st = status()
    pids = []
    for node in nodes:
        state, _, pid = st[node]
        check(pid > 0, "%s is not running (%s)" % (node, state))
        pids.append(pid)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 60
    for node, pid in zip(nodes, pids):
        while time.time() < deadline:
            try:
                with open("/proc/%d/status" % pid) as f:
                    if "\nState:\tZ" in f.read():
                        break
            except OSError:
                break
            time.sleep(0.1)
        print("%s: SIGKILLed pid %d" % (node, pid))


def start_node(node):
    """Starts the node; a Cassandra node once its peers see it up (wait_seen): until then
    they answer a read at ALL with Unavailable."""
    rc, out = stack("start", node, timeout=900)
    check(rc == 0, "scripts/stack start %s failed:\n%s" % (node, out[-3000:]))
    if node.startswith("cassandra"):
        wait_seen(node, "U")
    print("%s: restarted" % node)


def node_host(node):
    """The address of node I (kafka2, cassandra3): the stack's base address plus I - 1,
    known while the node is down (status shows no address then)."""
    base = os.environ.get("SLUICE_STACK_BASE_ADDRESS", "127.0.0.1").split(".")
    i = int(re.search(r"(\d+)$", node).group(1))
    return ".".join(base[:3] + [str(int(base[3]) + i - 1)])


def wait_seen(node, state, timeout=300):
    """Waits until every other Cassandra node that is up reports node as state ("U" up,
    "D" down) in `nodetool status`: a killed node is a replica the coordinators still
    wait for until their failure detector convicts it (a read at QUORUM right after a
    SIGKILL can time out waiting for it)."""
    st = status()
    host = node_host(node)
    observers = [n for n, (s, _, _) in sorted(st.items())
                 if n.startswith("cassandra") and n != node and s == "up"]

    def seen():
        for obs in observers:
            _, out = stack("nodetool", obs, "status", timeout=120)
            if not re.search(r"^%sN\s+%s\s" % (state, re.escape(host)), out, re.M):
                return False
        return True
    wait_until("%s seen %s by %s" % (node, {"U": "up", "D": "down"}[state], observers), seen,
               timeout=timeout, every=1)


def restart_down(prefix):
    """Starts every node whose name begins with prefix that is not up (a test's cleanup)."""
    for node, (state, _, _) in sorted(status().items()):
        if node.startswith(prefix) and state != "up":
            start_node(node)


def leader_of(topic, partition):
    """(leader broker id, replicas, isrs) of a partition as kcat -L reports it, or None."""
    from ingest_support import BROKERS
    p = subprocess.run(["kcat", "-b", BROKERS, "-L", "-t", topic], capture_output=True,
                       text=True, timeout=60)
    m = re.search(r"partition %d, leader (\d+), replicas: ([\d,]+), isrs: ([\d,]+)" % partition,
                  p.stdout)
    return (int(m.group(1)), m.group(2), m.group(3)) if m else None


def cql_hosts():
    """Addresses (host, port) of the Cassandra nodes, in node order."""
    out = []
    for n, (state, addr, _) in sorted(status().items()):
        if n.startswith("cassandra") and addr:
            host, _, port = addr.rpartition(":")
            out.append((host, int(port)))
    return out


def contact_points():
    return ",".join("%s:%d" % hp for hp in cql_hosts())


def node_session(host, port):
    """A python3-cassandra session that talks to this one node only (for its virtual
    tables, which are node-local)."""
    from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import WhiteListRoundRobinPolicy
    prof = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]),
                            request_timeout=60)
    from cassandra.cluster import NoHostAvailable
    deadline = time.time() + 300
    while True:
        c = Cluster([host], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: prof},
                    connect_timeout=30, control_connection_timeout=30)
        try:
            return c, c.connect()
        except NoHostAvailable as e:  # a loaded node can take a while to answer
            c.shutdown()
            if time.time() > deadline:
                fail("%s:%d: no CQL session within 300 s: %s" % (host, port, e))
            print("%s:%d: retrying the connection: %s" % (host, port, e))
            time.sleep(2)


def coordinator_writes(keyspace, table="created_users"):
    """{host: writes it coordinated for keyspace.table}, from each node's own
    system_views.coordinator_write_latency (Cassandra's client-request metrics)."""
    out = {}
    for host, port in cql_hosts():
        c, s = node_session(host, port)
        try:
            r = s.execute("SELECT count FROM system_views.coordinator_write_latency WHERE "
                          "keyspace_name = %s AND table_name = %s", (keyspace, table)).one()
            out["%s:%d" % (host, port)] = r.count if r else 0
        finally:
            c.shutdown()
    return out


def client_requests(metrics):
    """{host:port: requests} from a processor's sluice_process_cassandra_requests_total."""
    out = {}
    for k, v in metrics.items():
        m = re.match(r'sluice_process_cassandra_requests_total\{host="([^"]+)",dc="([^"]*)"\}',
                     k)
        if m:
            out[m.group(1)] = int(v)
    return out


def wait_until(what, cond, timeout=300, every=0.5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(every)
    fail("%s: not within %d s" % (what, timeout))


def read_table(keyspace, consistency, table="created_users"):
    """The whole table at a consistency level, as {id: {field: value}}."""
    from cassandra import ConsistencyLevel
    from cassandra.cluster import Cluster
    from cassandra.query import SimpleStatement
    from process_support import FIELDS
    host, port = cql_hosts()[0]
    c = Cluster([h for h, _ in cql_hosts()], port=port, connect_timeout=30)
    try:
        s = c.connect()
        s.default_timeout = 120
        q = SimpleStatement("SELECT %s FROM %s.%s" % (", ".join(FIELDS), keyspace, table),
                            fetch_size=2000,
                            consistency_level=getattr(ConsistencyLevel, consistency))
        out = {}
        for r in s.execute(q):
            rec = {f: getattr(r, f) for f in FIELDS}
            rec["id"] = str(rec["id"])
            check(rec["id"] not in out, "id %s twice in the table" % rec["id"])
            out[rec["id"]] = rec
        return out
    finally:
        c.shutdown()


class Progress:
    """Watches a processor's rows_written and records the longest time it stood still."""

    def __init__(self, proc):
        self.proc, self.last, self.since, self.longest = proc, -1, time.time(), 0.0

    def poll(self):
        v = self.proc.metrics().get("sluice_process_rows_written_total")
        now = time.time()
        if v is not None and v != self.last:
            self.last, self.since = v, now
        self.longest = max(self.longest, now - self.since)
        return v or 0


def users_in_topic(name, replication, n):
    """A cluster test's start: its topic and keyspace (cluster_schema), and n users
    ingested from mock-api; returns (topic, keyspace, the users flattened independently)."""
    from ingest_support import MockApi, unique
    from process_support import ingest_users
    need_cluster()
    topic, keyspace = cluster_schema(name, replication)
    mock = MockApi()
    try:
        users = ingest_users(mock, topic, n, unique("seed"), batch=1000)
    finally:
        mock.stop()
    return topic, keyspace, users


def restore(keyspace, nodes):
    """A test's cleanup: the nodes it stopped started again, its keyspace dropped."""
    for node in nodes:
        if status().get(node, ("down",))[0] != "up":
            start_node(node)
    from process_support import Cassandra
    db = Cassandra()
    db.drop(keyspace)
    db.close()


def cluster_schema(name, replication, partitions=6, topic_rf=3):
    """A fresh topic (+ .dlq, topic_rf replicas) and keyspace with this replication for
    one test; returns (topic, keyspace). Schema agreement across three loaded nodes can
    take longer than the default 10 s."""
    from ingest_support import BIN, BROKERS, unique
    from process_support import CASSANDRA
    topic, keyspace = unique(name), unique(name).lower()
    p = subprocess.run([BIN, "schema", "-b", BROKERS, "-t", topic, "--partitions",
                        str(partitions), "--replication", str(topic_rf), "--cassandra",
                        CASSANDRA, "--keyspace", keyspace, "--keyspace-replication",
                        replication, "-X", "cql.schema_agreement_timeout_ms=120000"],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "sluice schema exit %d:\n%s" % (p.returncode, p.stderr[-3000:]))
    return topic, keyspace
