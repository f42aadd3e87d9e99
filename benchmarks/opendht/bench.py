#!/usr/bin/python3
"""The core issue's cluster benchmark run against OpenDHT (Debian's dhtnode and python3-opendht), for comparison
with ClusterBenchmark: N dhtnode processes on loopback, two client nodes in this process; client A puts OPS values of
VALUE_BYTES, client B gets them sequentially, then with INFLIGHT gets in flight. Prints a Markdown table, then the
main figures as "RESULT <name> <value>" lines with ClusterBenchmark's names, which benchmarks/side-by-side.sh reads.

    apt-get install -y dhtnode python3-opendht
    /usr/bin/python3 benchmarks/opendht/bench.py [nodes] [ops] [inflight] [warmup]
"""
import os
import socket
import subprocess
import sys
import threading
import time

import opendht as dht

NODES = int(sys.argv[1]) if len(sys.argv) > 1 else 20
OPS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
INFLIGHT = int(sys.argv[3]) if len(sys.argv) > 3 else 32
# Unmeasured puts and gets first. OpenDHT needs few (no JIT); many more make it slower, not faster: with 3,000 its
# client runs every later put and get at 10-15 ms (its searches pile up), so side-by-side.sh leaves this at 100.
WARMUP = int(sys.argv[4]) if len(sys.argv) > 4 else 100
VALUE_BYTES = 200


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs, p):
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, int(len(s) * p / 100.0 + 0.999999) - 1))]


def proc_kib(path, field):
    with open(path) as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def rss_kib(pid):
    return proc_kib("/proc/%d/status" % pid, "VmRSS:")


def pss_kib(pid):
    # Proportional: shared pages (libraries mapped by every node) divided among the processes sharing them.
    return proc_kib("/proc/%d/smaps_rollup" % pid, "Pss:")


def cpu_ticks(pid):
    # utime + stime of the whole process, in clock ticks (the 14th and 15th fields of /proc/<pid>/stat)
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def sent_requests(node):
    # [ping, find, get, listen, put] messages sent (the binding passes in=false)
    return sum(node.getNodeMessageStats())


procs = []
try:
    boot_port = free_port()
    ports = [boot_port] + [free_port() for _ in range(NODES - 1)]
    start = time.time()
    for i, port in enumerate(ports):
        cmd = ["dhtnode", "-p", str(port)]
        if i > 0:
            cmd += ["-b", "127.0.0.1:%d" % boot_port]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    time.sleep(5)  # let the nodes bootstrap (dhtnode has no readiness signal)

    a, b = dht.DhtRunner(), dht.DhtRunner()
    a.run(port=free_port())
    b.run(port=free_port())
    a.bootstrap("127.0.0.1", str(boot_port))
    b.bootstrap("127.0.0.1", str(boot_port))
    time.sleep(3)
    payload = b"x" * VALUE_BYTES
    keys = [dht.InfoHash.get("key-%d" % i) for i in range(OPS)]

    for i in range(WARMUP):
        w = dht.InfoHash.get("warm-%d" % i)
        a.put(w, dht.Value(payload))
        b.get(w)

    put_lat = []
    cpu0 = sum(cpu_ticks(p.pid) for p in procs) + cpu_ticks("self")
    t0 = time.time()
    for k in keys:
        s = time.perf_counter()
        a.put(k, dht.Value(payload))
        put_lat.append(time.perf_counter() - s)
    put_secs = time.time() - t0
    # The node processes and this one (the two client nodes run in it), as the weft side counts.
    put_cpu_us = (sum(cpu_ticks(p.pid) for p in procs) + cpu_ticks("self") - cpu0) * 1e6 / os.sysconf("SC_CLK_TCK") / OPS

    before = sent_requests(b)
    get_lat, found = [], 0
    t0 = time.time()
    for k in keys:
        s = time.perf_counter()
        vals = b.get(k)
        get_lat.append(time.perf_counter() - s)
        found += 1 if vals else 0
    get_secs = time.time() - t0
    seq_requests = sent_requests(b) - before

    sem = threading.Semaphore(INFLIGHT)
    lock = threading.Lock()
    par_lat, par_found = [], [0]
    done_all = threading.Event()
    remaining = [OPS]

    def launch(k):
        s = time.perf_counter()
        got = [False]

        def on_value(v):
            got[0] = True
            return True

        def on_done(ok, nodes):
            with lock:
                par_lat.append(time.perf_counter() - s)
                par_found[0] += 1 if got[0] else 0
                remaining[0] -= 1
                if remaining[0] == 0:
                    done_all.set()
            sem.release()

        b.get(k, on_value, on_done)

    before = sent_requests(b)
    t0 = time.time()
    for k in keys:
        sem.acquire()
        launch(k)
    done_all.wait(120)
    par_secs = time.time() - t0
    par_requests = sent_requests(b) - before
    rss = [rss_kib(p.pid) for p in procs]
    pss = [pss_kib(p.pid) for p in procs]

    ms = lambda x: x * 1000.0
    print("| figure | OpenDHT %s |" % "2.4.12")
    print("|---|---|")
    print("| node processes | %d |" % NODES)
    print("| puts (sequential) | %d, p50 %.2f ms, p99 %.2f ms, %.0f puts/s |" % (
        OPS, ms(pct(put_lat, 50)), ms(pct(put_lat, 99)), OPS / put_secs))
    print("| CPU per put, during the sequential puts | %.0f µs, node processes and client together |" % put_cpu_us)
    print("| gets sequential | found %d/%d, p50 %.3f ms, p99 %.3f ms, %.0f gets/s |" % (
        found, OPS, ms(pct(get_lat, 50)), ms(pct(get_lat, 99)), OPS / get_secs))
    print("| gets, %d in flight | found %d/%d, p50 %.3f ms, p99 %.3f ms, %.0f gets/s |" % (
        INFLIGHT, par_found[0], OPS, ms(pct(par_lat, 50)), ms(pct(par_lat, 99)), OPS / par_secs))
    print("| requests per get | %.2f sequential, %.2f in flight |" % (seq_requests / OPS, par_requests / OPS))
    print("| RSS per node process | mean %.1f MiB, max %.1f MiB; PSS mean %.1f MiB |" % (
        sum(rss) / len(rss) / 1024.0, max(rss) / 1024.0, sum(pss) / len(pss) / 1024.0))
    print()
    results = [
        ("ops", OPS),
        ("put_p50_ms", ms(pct(put_lat, 50))),
        ("put_p99_ms", ms(pct(put_lat, 99))),
        ("puts_per_s", OPS / put_secs),
        ("put_cpu_us", put_cpu_us),
        ("get_p50_ms", ms(pct(get_lat, 50))),
        ("get_p99_ms", ms(pct(get_lat, 99))),
        ("gets_per_s", OPS / get_secs),
        ("found", found),
        ("inflight", INFLIGHT),
        ("inflight_p50_ms", ms(pct(par_lat, 50))),
        ("inflight_p99_ms", ms(pct(par_lat, 99))),
        ("inflight_gets_per_s", OPS / par_secs),
        ("inflight_found", par_found[0]),
        ("requests_per_get", seq_requests / OPS),
        ("inflight_requests_per_get", par_requests / OPS),
        ("rss_mib", sum(rss) / len(rss) / 1024.0),
        ("rss_max_mib", max(rss) / 1024.0),
        ("pss_mib", sum(pss) / len(pss) / 1024.0),
    ]
    for name, value in results:
        print("RESULT %s %.4f" % (name, value))
    sys.stdout.flush()
    a.join()
    b.join()
finally:
    for p in procs:
        p.kill()
        p.wait()
