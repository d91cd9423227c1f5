#!/usr/bin/env python3
"""The echo example against the C reference echo server, and the memory of
idle connections.

Builds, into a temporary directory, the peers' C reference server and load
generator (echo_ref.c and echo_load.c from --peers, default
../shared/peers/net beside this checkout; gcc -O2, never copied here) and
examples/echo (purrc -O2). Both servers run side by side, and echo_load
drives them alternately under the peers' three loads of 64-byte messages:

  50x1    50 connections, one message in flight each
  1x1     one connection, one message in flight (the wake-up latency)
  10x16   10 connections, 16 messages in flight each (pipelined)

--runs rounds (default 3); per load and server, the median round trips/s
and the p50/p99 of that run, then Purr / C (round trips: higher is better;
p99: lower is better). Compare only figures of one run: the machine's
speed moves from minute to minute.

--idle N (default 10000; 0 skips it) then opens N connections to each
server, makes one round trip on each (so that every one is accepted and
attached) and leaves them open: the growth of the server's resident memory
(VmRSS), divided by N, is what an idle connection costs in the process,
beyond the kernel's socket buffers. The servers and this script raise
their soft descriptor limit to the hard one (`ulimit -Hn` must exceed N).

    python3 tools/bench_echo.py [--runs 3] [--scale 1.0] [--idle 10000] [--peers DIR]
"""
import argparse
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, Server, describe_purrc, free_port, run, snapshot_purrc, table  # noqa: E402

# name, echo_load arguments, round trips at --scale 1
LOADS = [
    ("50x1", ["-c", "50", "-d", "1"], 300_000),
    ("1x1", ["-c", "1", "-d", "1"], 100_000),
    ("10x16", ["-c", "10", "-d", "16"], 1_000_000),
]
RESULT = re.compile(r"RESULT .*rt_per_s=(\d+) p50_us=([\d.]+) p99_us=([\d.]+) .*bad_bytes=(\d+) closed=(\d+) end=(\w+)")


def raise_nofile():
    """Raises this process's soft descriptor limit to the hard one (children inherit it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def build(work, peers):
    exe = {}
    for name in ["echo_ref", "echo_load"]:
        exe[name] = Path(work) / name
        run(["gcc", "-O2", "-o", exe[name], Path(peers) / f"{name}.c"])
    exe["purr"] = Path(work) / "echo"
    run([snapshot_purrc(work), ROOT / "examples" / "echo", "-O2", "-o", exe["purr"]])
    return exe


def start_servers(exe):
    port = free_port()
    return [Server("C", [exe["echo_ref"], port], port), Server("Purr", [exe["purr"], "--port", "0"])]


def load(exe, server, args, n):
    out = run([exe["echo_load"], "-p", server.port, *args, "-s", "64", "-n", n, "-T", "120"],
              stdout=subprocess.PIPE).stdout.decode()
    m = RESULT.search(out)
    if not m or m[4] != "0" or m[5] != "0" or m[6] != "complete":
        raise SystemExit(f"{server.name}: bad load result: {out!r}")
    return int(m[1]), float(m[2]), float(m[3])


def measure_loads(exe, servers, runs, scale):
    results = {(l, s.name): [] for l, _, _ in LOADS for s in servers}
    for r in range(runs):
        for name, args, n in LOADS:
            order = servers if r % 2 == 0 else servers[::-1]
            for s in order:
                results[(name, s.name)].append(load(exe, s, args, max(1000, int(n * scale))))
    rows = []
    for name, _, _ in LOADS:
        med = {}
        for s in servers:
            runs_of = sorted(results[(name, s.name)])
            med[s.name] = runs_of[len(runs_of) // 2]  # the median run by round trips/s
        c, p = med["C"], med["Purr"]
        rows.append([name, f"{c[0]:,}", f"{c[1]:.0f} / {c[2]:.0f}", f"{p[0]:,}", f"{p[1]:.0f} / {p[2]:.0f}",
                     f"{p[0] / c[0]:.2f}", f"{p[2] / c[2]:.2f}"])
    print(table(rows, ["load (64 B)", "C rt/s", "C p50/p99 us", "Purr rt/s", "Purr p50/p99 us",
                       "Purr/C rt", "Purr/C p99"]))
    print("all runs (rt/s):")
    for (name, server), rs in results.items():
        print(f"  {name:6} {server:4} " + "  ".join(f"{r[0]:,}" for r in rs))


def measure_idle(server, n, batch=500):
    before = server.rss()
    conns = []
    try:
        for start in range(0, n, batch):
            opened = [socket.create_connection(("127.0.0.1", server.port), timeout=30)
                      for _ in range(min(batch, n - start))]
            conns += opened
            for s in opened:
                s.sendall(b"x")
            for s in opened:  # every one is accepted and attached
                if s.recv(1) != b"x":
                    raise SystemExit(f"{server.name}: no echo on an idle connection")
        time.sleep(0.5)
        after = server.rss()
    finally:
        for s in conns:
            s.close()
    return before, after


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the round trips of every load")
    ap.add_argument("--idle", type=int, default=10_000, help="idle connections to open (0: skip)")
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers" / "net"))
    ap.add_argument("--skip-loads", action="store_true")
    args = ap.parse_args()

    limit = raise_nofile()
    if args.idle and limit < args.idle + 64:
        raise SystemExit(f"--idle {args.idle} needs a descriptor limit above {args.idle + 64} (ulimit -Hn is {limit})")
    print(describe_purrc())
    with tempfile.TemporaryDirectory(prefix="purr-bench-echo-") as work:
        exe = build(work, args.peers)
        if not args.skip_loads:
            servers = start_servers(exe)
            try:
                measure_loads(exe, servers, args.runs, args.scale)
            finally:
                for s in servers:
                    s.stop()
        if args.idle:
            rows = []
            for make in start_servers(exe):
                try:
                    before, after = measure_idle(make, args.idle)
                finally:
                    make.stop()
                rows.append([make.name, f"{before / 1024:,.0f}", f"{after / 1024:,.0f}",
                             f"{(after - before) / args.idle:,.0f}"])
            print(f"\n{args.idle:,} idle connections (one round trip each, then open):")
            print(table(rows, ["server", "RSS before (KiB)", "RSS with them (KiB)", "bytes per connection"]))


if __name__ == "__main__":
    main()
