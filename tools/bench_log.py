#!/usr/bin/env python3
"""The broker's log at restart: records replayed per second and restart time.

Builds tools/bench/log_replay/main.pu with examples/broker's resp.pu,
stream.pu, record.pu and log.pu (purrc -O2), writes a stream's log of N
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

    python3 tools/bench_log.py [--runs 3] [--dir /tmp] [--sizes 1000000,10000000] [--keep 1000000]
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
from benchlib import ROOT, describe_purrc, run, run_measured, snapshot_purrc, table  # noqa: E402

RESULT = re.compile(r"replay entries=(\d+) live=(\d+) changes=(\d+) segments=(\d+) bytes=(\d+) open_ms=(\d+) rebuild_ms=(\d+)")


def build(work):
    exe = Path(work) / "log_replay"
    broker = ROOT / "examples" / "broker"
    sources = [ROOT / "tools" / "bench" / "log_replay" / "main.pu"] + [broker / f for f in ["resp.pu", "stream.pu", "record.pu", "log.pu"]]
    run([snapshot_purrc(work), *sources, "-O2", "-o", exe])
    return exe


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
    args = ap.parse_args()
    print(describe_purrc())
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [(n, 0) for n in sizes] + ([(max(sizes), args.keep)] if args.keep else [])
    rows = []
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
        finally:
            shutil.rmtree(base, ignore_errors=True)
    print(table(rows, ["history", "entries read", "live", "segments", "MiB", "open ms (min-max)", "entries/s", "rebuild ms", "restart s", "CPU s", "entries/CPU s", "peak MiB"]))


if __name__ == "__main__":
    main()
