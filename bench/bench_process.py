#!/usr/bin/env python3
"""bench_process.py - the measuring and reporting half of bench/bench_process.sh.

  bench_process.py e2e BROKERS TOPIC CASSANDRA KEYSPACE TABLE OUT.json
      End-to-end latency of every row, measured outside the processor: the Kafka message
      timestamp (kcat) of each record against the time Cassandra wrote its row
      (writetime(), the coordinator's clock, set when the mutation arrived, when the
      client sets no timestamp: the ceiling). Both clocks are this machine's. Every record
      of TOPIC must be in the table. Writes count, p50/p90/p99/max and a histogram (ms) to
      OUT.json. sluice process writes each row USING TIMESTAMP of its message
      (timestamp_ms * 1000 + offset % 1000), so its writetime says nothing about when the
      row arrived: such rows are counted as "stamped" (checked against the formula) and
      the report takes the processor's own end_to_end histogram for them instead.

  bench_process.py report DIR COUNT ROUNDS
      Reads the files bench_process.sh left in DIR and prints the tables and the last
      line: process rows_per_s=N of_ceiling=R p99_ms=N rss_mb=N us_per_row=N (medians).
"""
import glob
import json
import os
import statistics
import subprocess
import sys

HIST_MS = [1, 2, 5, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 5000]


def quantile(sorted_v, q):
    if not sorted_v:
        return 0.0
    i = min(len(sorted_v) - 1, max(0, int(q * len(sorted_v) + 0.5) - 1))
    return sorted_v[i]


def e2e(brokers, topic, cassandra, keyspace, table, out):
    from cassandra.cluster import Cluster
    from cassandra.query import SimpleStatement

    kc = subprocess.run(
        ["kcat", "-b", brokers, "-C", "-t", topic, "-e", "-q", "-f", "%T %o %k\\n"],
        check=True, capture_output=True, text=True, timeout=600)
    sent, stamp = {}, {}
    for line in kc.stdout.splitlines():
        ts, off, key = line.split(" ", 2)
        sent[key] = int(ts)
        stamp[key] = int(ts) * 1000 + int(off) % 1000
    host, _, port = cassandra.rpartition(":")
    cluster = Cluster([host], port=int(port))
    s = cluster.connect()
    st = SimpleStatement("SELECT id, writetime(first_name) FROM %s.%s" % (keyspace, table),
                         fetch_size=5000)
    lat, missing, stamped = [], 0, 0
    seen = set()
    for row in s.execute(st, timeout=120):
        key = str(row[0])
        seen.add(key)
        if key in sent:
            lat.append(row[1] / 1000.0 - sent[key])
            stamped += row[1] == stamp[key]
    cluster.shutdown()
    missing = len(set(sent) - seen)
    lat.sort()
    hist, prev = [], float("-inf")
    for b in HIST_MS + [float("inf")]:
        hist.append([b if b != float("inf") else "inf",
                     sum(1 for v in lat if prev < v <= b)])
        prev = b
    res = {"records": len(sent), "rows": len(lat), "missing": missing,
           "p50_ms": round(quantile(lat, 0.5), 2), "p90_ms": round(quantile(lat, 0.9), 2),
           "p99_ms": round(quantile(lat, 0.99), 2), "max_ms": round(lat[-1] if lat else 0, 2),
           "hist_ms": hist, "stamped": stamped}
    with open(out, "w") as f:
        json.dump(res, f)
    if missing:
        sys.stderr.write("e2e: %d record(s) of %s are not in %s.%s\n"
                         % (missing, topic, keyspace, table))
        return 1
    return 0


def load(path):
    with open(path) as f:
        return json.load(f)


def summary(path):
    with open(path) as f:
        for line in f:
            if line.startswith('{"summary"'):
                return json.loads(line)["summary"]
    raise SystemExit("no summary in %s" % path)


def metrics_hist(path, name):
    """The buckets of histogram `name` in a Prometheus text file: [(le_ms, rows in it)]."""
    cum = []
    if not os.path.exists(path):
        return cum
    for line in open(path):
        if line.startswith(name + "_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            cum.append((float("inf") if le == "+Inf" else float(le) * 1000,
                        int(float(line.rsplit(" ", 1)[1]))))
    return [(le, n - (cum[i - 1][1] if i else 0)) for i, (le, n) in enumerate(cum)]


def run_row(d, rnd, name):
    """rows, rows/s, and the /proc figures of one run of one round."""
    ps = load(os.path.join(d, "r%d_%s.ps.json" % (rnd, name)))
    if name == "ceiling":
        c = load(os.path.join(d, "r%d_ceiling.out" % rnd))
        rows, active = c["rows"], c["wall_s"]
    else:
        s = summary(os.path.join(d, "r%d_%s.out" % (rnd, name)))
        rows, active = s["written"], s["active_s"]
    w = ps["watch"]
    return {"rows": rows, "rate": rows / active, "us_row": ps["cpu_s"] * 1e6 / rows,
            "rss_mb": ps["hwm_kb"] / 1024,
            "kafka_us": w.get("kafka", 0) * 1e6 / rows,
            "cass_us": w.get("cassandra", 0) * 1e6 / rows,
            "busy": ps["busy_cores"], "load": ps["load"][0], "threads": ps["threads"]}


def report(d, count, rounds):
    count, rounds = int(count), int(rounds)
    sweep = sorted(glob.glob(os.path.join(d, "sweep_*.out")),
                   key=lambda p: (load(p)["window"], load(p)["conns"]))
    if sweep:
        print("ceiling sweep (rows/s from first message to last ack; best used below):")
        print()
        print("| window | conns/host | rows | rows/s | CPU µs/row | starved s | full s | load |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for p in sweep:
            c = load(p)
            ps = load(p[:-4] + ".ps.json")
            print("| %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.1f |" % (
                c["window"], c["conns"], c["rows"], c["rows"] / c["wall_s"],
                ps["cpu_s"] * 1e6 / c["rows"], c["starved_s"], c["full_s"], ps["load"][0]))
        print()
    print("| round | run | rows | rows/s | CPU µs/row | peak RSS MB | Kafka CPU µs/row "
          "| Cassandra CPU µs/row | busy cores | load |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    med = {"ceiling": [], "process": [], "avro": [], "ratio": [], "e2e": []}
    names = {"ceiling": "ceiling", "process": "sluice process", "avro": "sluice process, Avro"}
    for r in range(1, rounds + 1):
        order = load(os.path.join(d, "r%d_order.json" % r))
        for name in order:
            x = run_row(d, r, name)
            med[name].append(x)
            print("| %d | %s | %d | %.0f | %.2f | %.1f | %.2f | %.2f | %.2f | %.1f |" % (
                r, names[name], x["rows"], x["rate"],
                x["us_row"], x["rss_mb"], x["kafka_us"], x["cass_us"], x["busy"], x["load"]))
        med["ratio"].append(med["process"][-1]["rate"] / med["ceiling"][-1]["rate"])
    print()
    print("end-to-end at half rate: every row, from its message timestamp to its Cassandra "
          "writetime; [hist]: the processor's own end_to_end histogram; consumed: message "
          "timestamp to consumed, by the ceiling itself or, on the processor's line, by a "
          "Kafka-alone observer of the same feed in a run of its own:")
    print()
    print("| round | run | users/s | rows | p50 ms | p90 ms | p99 ms | max ms | [hist p50] "
          "| [hist p99] | consumed p50/p99 ms | load |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    med["e2e_ceiling"] = []
    for r in range(1, rounds + 1):
        rate = open(os.path.join(d, "r%d_e2e.rate" % r)).read().strip()
        for name in ("e2e", "e2e_ceiling"):
            e = load(os.path.join(d, "r%d_%s.json" % (r, name)))
            ps = load(os.path.join(d, "r%d_%s.ps.json" % (r, name)))
            med[name].append(e)
            if name == "e2e":
                s = summary(os.path.join(d, "r%d_e2e.out" % r))
                if e.get("stamped") == e["rows"] > 0:
                    # writetime is the message's own timestamp: the processor's histogram
                    e.update(p50_ms=s["e2e_p50_s"] * 1e3, p99_ms=s["e2e_p99_s"] * 1e3,
                             p90_ms=float("nan"), max_ms=float("nan"), from_hist=True)
                o = load(os.path.join(d, "r%d_e2e.obs.out" % r))
                hist = "%.1f | %.1f | %.0f / %.0f" % (s["e2e_p50_s"] * 1e3, s["e2e_p99_s"] * 1e3,
                                                     o["fetch_p50_ms"], o["fetch_p99_ms"])
            else:
                c = load(os.path.join(d, "r%d_e2e_ceiling.out" % r))
                hist = "- | - | %.0f / %.0f" % (c["fetch_p50_ms"], c["fetch_p99_ms"])
            print("| %d | %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %s | %.1f |" % (
                r, "sluice process" if name == "e2e" else "ceiling", rate, e["rows"],
                e["p50_ms"], e["p90_ms"], e["p99_ms"], e["max_ms"], hist, ps["load"][0]))
    print()
    if any(e.get("from_hist") for e in med["e2e"]):
        print("sluice process writes each row USING TIMESTAMP of its message, so its writetime "
              "is not its arrival: its p50/p99 are its own end_to_end histogram's (p90, max: "
              "nan)")
        print()
    for r in range(1, rounds + 1):
        h = metrics_hist(os.path.join(d, "r%d_e2e.metrics" % r),
                         "sluice_process_end_to_end_seconds")
        if h:
            print("histogram, sluice process's own end_to_end, round %d (ms: rows):" % r,
                  " ".join("≤%s:%d" % ("inf" if le == float("inf") else "%g" % le, n)
                           for le, n in h if n))
    for name in ("e2e", "e2e_ceiling"):
        last = med[name][-1]
        if last.get("from_hist"):
            continue
        print("histogram, %s, round %d (ms: rows):" % (
            "sluice process" if name == "e2e" else "ceiling", rounds),
            " ".join("≤%s:%d" % (b, n) for b, n in last["hist_ms"]))
    print()

    def m(runs, k):
        return statistics.median(x[k] for x in runs)

    print("medians of %d rounds (%d records):" % (rounds, count))
    print()
    print("| run | rows/s | CPU µs/row | peak RSS MB | e2e p50 ms | e2e p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    c, p, e, ec = med["ceiling"], med["process"], med["e2e"], med["e2e_ceiling"]
    print("| ceiling | %.0f | %.2f | %.1f | %.1f | %.1f |" % (
        m(c, "rate"), m(c, "us_row"), m(c, "rss_mb"), m(ec, "p50_ms"), m(ec, "p99_ms")))
    print("| sluice process | %.0f | %.2f | %.1f | %.1f | %.1f |" % (
        m(p, "rate"), m(p, "us_row"), m(p, "rss_mb"), m(e, "p50_ms"), m(e, "p99_ms")))
    a = med["avro"]
    if a:
        print("| sluice process, Avro | %.0f | %.2f | %.1f | - | - |" % (
            m(a, "rate"), m(a, "us_row"), m(a, "rss_mb")))
    print()
    avro = ""
    if a:
        sizes = dict(l.split() for l in open(os.path.join(d, "bytes.txt")))
        t = sorted(sizes, key=lambda k: k.endswith("_avro"))
        print("bytes per message (mean of the first 5000): JSON %s, Avro %s" % (
            sizes[t[0]], sizes[t[1]]))
        ba = os.path.join(d, "bench_avro.out")
        if os.path.exists(ba):
            print("bench_avro (decode cost per row, one core): %s" % open(ba).read().strip()
                  .splitlines()[-1])
        print()
        avro = " avro_rows_per_s=%.0f avro_of_json=%.2f" % (
            m(a, "rate"), statistics.median(x["rate"] / y["rate"] for x, y in zip(a, p)))
    print("process rows_per_s=%.0f of_ceiling=%.2f p99_ms=%.0f rss_mb=%.0f us_per_row=%.1f%s" % (
        m(p, "rate"), statistics.median(med["ratio"]), m(e, "p99_ms"), m(p, "rss_mb"),
        m(p, "us_row"), avro))
    return 0


def main(argv):
    if len(argv) == 8 and argv[1] == "e2e":
        return e2e(*argv[2:])
    if len(argv) == 5 and argv[1] == "report":
        return report(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
