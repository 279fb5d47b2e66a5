#!/usr/bin/env python3
"""procstat.py - runs one command and measures it (and the stack around it) from /proc.

usage: procstat.py OUT.json [--watch NAME=PID]... [--interval S] -- CMD [ARG]...

The command inherits stdin/stdout/stderr. While it runs, every S seconds (default 0.1)
this samples /proc/<pid>/stat (utime + stime of all its threads), /proc/<pid>/status
(VmRSS, VmHWM), /proc/<pid>/task/*/stat (CPU per thread, by thread name), the CPU of
each watched process (e.g. the Kafka broker and Cassandra) and the machine's /proc/stat.
When it exits, OUT.json gets:

  rc          exit status of the command
  wall_s      from start to exit
  cpu_s       utime + stime of the command, all threads, at exit (wait4: the final value
              of /proc/<pid>/stat's utime + stime, without a sampling gap)
  hwm_kb      peak RSS: the larger of the last VmHWM sampled and wait4's ru_maxrss
  rss_kb      [[t_s, VmRSS KiB], ...] the samples
  threads     {thread name: CPU s} at the last sample (threads of one name are summed)
  watch       {NAME: CPU s of that process over the command's life}
  busy_cores  mean number of busy cores of the machine over the command's life
  load        [1-min load average at start, at exit]
"""
import json
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat_cpu(path):
    """utime + stime in seconds and the comm of a /proc stat file, or None."""
    try:
        with open(path) as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1 : s.rindex(")")]
    fields = s[s.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK, comm


def status_kb(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine():
    """(busy jiffies, total jiffies) over all cores."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def load1():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main(argv):
    if len(argv) < 4 or "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    out, rest = argv[1], argv[2 : argv.index("--")]
    cmd = argv[argv.index("--") + 1 :]
    watch, interval = {}, 0.1
    while rest:
        opt = rest.pop(0)
        if opt == "--watch":
            name, _, pid = rest.pop(0).partition("=")
            watch[name] = int(pid)
        elif opt == "--interval":
            interval = float(rest.pop(0))
        else:
            sys.stderr.write("procstat.py: unknown option %s\n" % opt)
            return 2
    ncores = os.cpu_count() or 1
    w0 = {n: (stat_cpu("/proc/%d/stat" % p) or (0.0, ""))[0] for n, p in watch.items()}
    m0, l0, t0 = machine(), load1(), time.monotonic()
    child = subprocess.Popen(cmd)
    rss, threads, hwm = [], {}, 0
    while True:
        t = time.monotonic() - t0
        tasks = "/proc/%d/task" % child.pid
        try:
            for tid in os.listdir(tasks):
                got = stat_cpu("%s/%s/stat" % (tasks, tid))
                if got:
                    threads[tid] = (got[1], got[0])
        except OSError:
            pass
        r = status_kb(child.pid, "VmRSS")
        if r:
            rss.append([round(t, 2), r])
        hwm = max(hwm, status_kb(child.pid, "VmHWM"))
        try:
            pid, status, ru = os.wait4(child.pid, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            break
        time.sleep(interval)
    wall = time.monotonic() - t0
    m1 = machine()
    by_name = {}
    for name, cpu in threads.values():
        by_name[name] = round(by_name.get(name, 0.0) + cpu, 3)
    res = {
        "rc": os.waitstatus_to_exitcode(status),
        "wall_s": round(wall, 3),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
        "hwm_kb": max(hwm, ru.ru_maxrss),
        "rss_kb": rss,
        "threads": by_name,
        "watch": {
            n: round((stat_cpu("/proc/%d/stat" % p) or (0.0, ""))[0] - w0[n], 3)
            for n, p in watch.items()
        },
        "busy_cores": round(ncores * (m1[0] - m0[0]) / max(1, m1[1] - m0[1]), 2),
        "load": [l0, load1()],
    }
    with open(out, "w") as f:
        json.dump(res, f)
    return res["rc"]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
