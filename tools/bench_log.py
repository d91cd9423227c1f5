#!/usr/bin/env python3
"""The broker's log at restart: records replayed per second and restart time.

Builds tools/bench/log_replay/main.pu with examples/broker's resp.pu,
stream.pu, stream_nodes.pu, record.pu and log.pu (purrc -O2), writes a stream's log of N
entries under --dir (a queue-style stream: XADD in batches of 100, each
batch delivered and acknowledged, a roll with a snapshot every 64 MiB) and
times the recovery of that log --runs times:

  open      log.open: read every segment, verify every record's CRC-32C,
            decode the entries and the records after the last snapshot,
            cut a torn tail, check the indexes
  rebuild   the owner's stream from what open returns (its two lists
            taken as they are, the trims applied)
  restart   the whole process, start to exit (without freeing what it
            rebuilt), in wall time and in CPU time (user + system): on a
            machine shared with other work the wall time also counts the
            time others had the cores, the CPU time does not

Logs: 1M entries, 10M entries, and 10M entries written with retention
(MAXLEN 1M: a Trim record per batch and the wholly trimmed segments
deleted at each roll), which should restart as fast as 1M: restart time
follows what is live, not the history. The page cache is warm (each log was
just written, and read once before the timed runs).

Then the same through the real server (examples/broker, purrc -O2), as a
user runs it: `broker --data-dir D --fsync no --segment-bytes 16 MiB`,
with `--retain-bytes` (default 64 MiB) or without, redis-benchmark XADD
of 64 B (-c 1 -P 100) N times, SIGTERM, then --runs restarts timed from
the process's start to its `listening on` line (the streams are
recovered before the port opens), with the entries live (XLEN) and the
segments left. 10M entries are written through the server only with
retention: without it the broker would hold 10M entries in memory (the
log-only runs above measure that replay).

    python3 tools/bench_log.py [--runs 3] [--dir /tmp] [--sizes 1000000,10000000] [--keep 1000000]
                               [--server-sizes 1000000,10000000] [--retain-bytes 67108864]
"""
import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, Server, describe_purrc, run, run_measured, snapshot_purrc, table  # noqa: E402

RESULT = re.compile(r"replay entries=(\d+) live=(\d+) changes=(\d+) segments=(\d+) bytes=(\d+) open_ms=(\d+) rebuild_ms=(\d+)")


def build(work):
    exe = Path(work) / "log_replay"
    broker = ROOT / "examples" / "broker"
    sources = [ROOT / "tools" / "bench" / "log_replay" / "main.pu"] + [broker / f for f in ["resp.pu", "stream.pu", "stream_nodes.pu", "record.pu", "log.pu"]]
    run([snapshot_purrc(work), *sources, "-O2", "-o", exe])
    return exe


def build_broker(work):
    exe = Path(work) / "broker"
    run([snapshot_purrc(work), ROOT / "examples" / "broker", "-O2", "-o", exe])
    return exe


SERVER_SEGMENT = 16 << 20


def server_restarts(exe, base, n, retain, runs):
    """n XADDs through the broker (with --retain-bytes retain, 0: none),
    then `runs` restarts: their median time to `listening on`, the
    entries live, the segments and bytes left, the RSS after the restart."""
    data = Path(base) / f"server_{n}_{retain}"
    shutil.rmtree(data, ignore_errors=True)
    cmd = [exe, "--port", "0", "--data-dir", data, "--fsync", "no", "--segment-bytes", SERVER_SEGMENT]
    cmd += ["--retain-bytes", retain] if retain else []
    server = Server("broker", cmd)
    t0 = time.perf_counter()
    run(["redis-benchmark", "-p", server.port, "-c", "1", "-P", "100", "-n", n, "-q", "XADD", "s", "*", "f", "v" * 64])
    written = time.perf_counter() - t0
    server.stop()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        server = Server("broker", cmd)
        times.append(time.perf_counter() - t0)
        live = int(run(["redis-cli", "-p", server.port, "XLEN", "s"], stdout=subprocess.PIPE).stdout)
        rss = server.rss()
        server.stop()
    segments = [p.stat().st_size for p in (data / "streams").glob("k*/*.log")]
    shutil.rmtree(data, ignore_errors=True)
    return {
        "written_s": written, "restart_s": statistics.median(times), "range": (min(times), max(times)), "live": live,
        "segments": len(segments), "bytes": sum(segments), "rss": rss,
    }


def server_table(exe, base, sizes, retain, runs):
    cases = [(n, retain) for n in sizes] + [(min(sizes), 0)]
    rows = []
    for n, r in cases:
        m = server_restarts(exe, base, n, r, runs)
        rows.append([
            f"{n:,}" + (f", --retain-bytes {r >> 20} MiB" if r else ", no retention"),
            f"{m['written_s']:.1f}",
            f"{m['live']:,}",
            f"{m['segments']}",
            f"{m['bytes'] / 2**20:,.0f}",
            f"{m['restart_s']:.2f} ({m['range'][0]:.2f}-{m['range'][1]:.2f})",
            f"{m['rss'] / 2**20:,.0f}",
        ])
        print(f"done: {rows[-1][0]} through the server", file=sys.stderr)
    return table(rows, ["XADDs through the server", "write s", "live", "segments", "MiB", "restart s (min-max)", "RSS MiB"])


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def replay_once(exe, log_dir):
    """One restart: the driver's own figures, and the process's wall time
    and CPU time (user + system; on a shared machine the wall time also
    counts the time other processes had the cores)."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    p = run([exe, "replay", log_dir], stdout=subprocess.PIPE)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    m = RESULT.search(p.stdout.decode())
    if not m:
        raise SystemExit(f"unexpected output: {p.stdout.decode()}")
    entries, live, changes, segments, size, open_ms, rebuild_ms = map(int, m.groups())
    return dict(entries=entries, live=live, changes=changes, segments=segments, bytes=size, open_ms=open_ms,
                rebuild_ms=rebuild_ms, wall=wall, cpu=cpu)


def measure(exe, base, n, keep, runs):
    log_dir = Path(base) / (f"log_{n}" + (f"_keep_{keep}" if keep else ""))
    shutil.rmtree(log_dir, ignore_errors=True)
    t0 = time.perf_counter()
    run([exe, "write", log_dir, n] + ([keep] if keep else []))
    written = time.perf_counter() - t0
    _, peak = run_measured([exe, "replay", log_dir])
    results = [replay_once(exe, log_dir) for _ in range(runs)]
    shutil.rmtree(log_dir, ignore_errors=True)
    med = lambda k: statistics.median(r[k] for r in results)  # noqa: E731
    r0 = results[0]
    return {
        "history": n, "keep": keep, "entries": r0["entries"], "live": r0["live"], "segments": r0["segments"], "bytes": r0["bytes"],
        "open_ms": med("open_ms"), "rebuild_ms": med("rebuild_ms"), "restart_s": med("wall"), "cpu_s": med("cpu"),
        "open_range": (min(r["open_ms"] for r in results), max(r["open_ms"] for r in results)),
        "write_s": written, "peak": peak,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="where the logs are written (needs about 1.2 GB for 10M entries)")
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--keep", type=int, default=1000000, help="the MAXLEN of the retention run, 0 to skip it")
    ap.add_argument("--server-sizes", default="1000000,10000000", help="XADDs through the real server, \"\" to skip")
    ap.add_argument("--retain-bytes", type=int, default=64 << 20, help="the server's --retain-bytes")
    args = ap.parse_args()
    print(describe_purrc())
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [(n, 0) for n in sizes if n > 0] + ([(max(sizes), args.keep)] if args.keep else [])
    server_sizes = [int(s) for s in args.server_sizes.split(",") if s]
    rows, through_server = [], ""
    with tempfile.TemporaryDirectory() as work:
        exe = build(work)
        base = Path(tempfile.mkdtemp(prefix="purr_bench_log_", dir=args.dir))
        try:
            for n, keep in cases:
                r = measure(exe, base, n, keep, args.runs)
                rows.append([
                    f"{n:,}" + (f" MAXLEN {keep:,}" if keep else ""),
                    f"{r['entries']:,}",
                    f"{r['live']:,}",
                    f"{r['segments']}",
                    f"{r['bytes'] / 2**20:,.0f}",
                    f"{r['open_ms']:,.0f} ({r['open_range'][0]:,}-{r['open_range'][1]:,})",
                    f"{r['entries'] / (r['open_ms'] / 1000) / 1e6:.2f}M",
                    f"{r['rebuild_ms']:,.0f}",
                    f"{r['restart_s']:.2f}",
                    f"{r['cpu_s']:.2f}",
                    f"{r['entries'] / r['cpu_s'] / 1e6:.2f}M",
                    f"{r['peak'] / 2**20:,.0f}",
                ])
                print(f"done: {rows[-1][0]} (written in {r['write_s']:.1f} s)", file=sys.stderr)
            if server_sizes:
                through_server = server_table(build_broker(work), base, server_sizes, args.retain_bytes, args.runs)
        finally:
            shutil.rmtree(base, ignore_errors=True)
    if rows:
        print(table(rows, ["history", "entries read", "live", "segments", "MiB", "open ms (min-max)", "entries/s", "rebuild ms", "restart s", "CPU s", "entries/CPU s", "peak MiB"]))
    if through_server:
        print(through_server)


if __name__ == "__main__":
    main()
