#!/usr/bin/env python3
"""Durable appends: file.sync's group commit against plain C loops.

Builds tools/bench/io/file_sync.c with the C runtime (runtime-c/src, gcc -O2)
and tools/bench/io/file_sync.pu with purrc -O2 into a temporary directory and
runs the four variants, alternating them --runs times so that all see the
same load of the disk:

  purr    the same in Purr: 50 writer actors sharing a std.file File;
  group   50 writer actors on the event loop, through the runtime's C API:
          each appends a 64-byte record, calls file.sync, waits for its
          Synced, repeats (one worker thread runs the fdatasyncs; calls
          made while one runs share the next);
  record  plain C: write a 64-byte record, fdatasync, repeat;
  batch   plain C: write 50 records, one fdatasync, repeat;

each for --seconds on its own file in a temporary directory under --dir
(default: this checkout, so the disk of the repository; every variant
uses the same disk). Prints durable records/s (median of the runs),
records per fdatasync, and the ratios of purr and group to record and batch.

    python3 tools/bench_file.py [--runs 5] [--seconds 3] [--dir PATH]
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, run, snapshot_purrc, table  # noqa: E402

VARIANTS = ["purr", "group", "record", "batch"]
LINE = re.compile(r"^(\w+) records_per_sec=(\d+) records=(\d+) fdatasyncs=(\d+) seconds=([\d.]+)$")


def build(work):
    """The C program (variants group, record, batch) and the Purr one."""
    exe = Path(work) / "file_sync"
    rt = ROOT / "runtime-c"
    sources = sorted((rt / "src").glob("*.c"))
    run(["gcc", "-O2", "-std=c11", "-I", rt / "include", "-I", rt / "src", *sources,
         ROOT / "tools" / "bench" / "io" / "file_sync.c", "-o", exe, "-lm"])
    purr_exe = Path(work) / "file_sync_pu"
    run([snapshot_purrc(work), "-O2", ROOT / "tools" / "bench" / "io" / "file_sync.pu", "-o", purr_exe])
    return exe, purr_exe


def run_variant(exes, data, variant, seconds):
    """One variant's output line."""
    exe, purr_exe = exes
    path = Path(data) / f"{variant}.log"
    if variant == "purr":
        cmd = [purr_exe, path, max(1, round(seconds))]
    else:
        cmd = [exe, data, seconds, variant]
    out = run(cmd, stdout=subprocess.PIPE).stdout.decode()
    path.unlink(missing_ok=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--dir", default=str(ROOT), help="where the temporary files go (the disk measured)")
    args = ap.parse_args()

    results = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="purr-bench-file-") as work, \
            tempfile.TemporaryDirectory(prefix="purr-bench-file-data-", dir=args.dir) as data:
        exes = build(work)
        for i in range(args.runs):
            order = VARIANTS[i % 4:] + VARIANTS[:i % 4]
            out = "".join(run_variant(exes, data, v, args.seconds) for v in order)
            for line in out.splitlines():
                m = LINE.match(line)
                if not m:
                    raise SystemExit(f"unexpected output: {line!r}")
                results[m[1]].append((int(m[2]), int(m[3]) / int(m[4])))
    rate = {v: statistics.median(r for r, _ in results[v]) for v in VARIANTS}
    per_sync = {v: statistics.median(p for _, p in results[v]) for v in VARIANTS}
    rows = [[v, f"{rate[v]:,.0f}", f"{per_sync[v]:.1f}", f"{min(r for r, _ in results[v]):,}",
             f"{max(r for r, _ in results[v]):,}"] for v in VARIANTS]
    print(f"durable 64-byte records, {args.runs} runs of {args.seconds} s each, files in {args.dir}")
    print(table(rows, ["variant", "records/s (median)", "records/fdatasync", "min", "max"]))
    for v in ("purr", "group"):
        print(f"{v} / record: {rate[v] / rate['record']:.1f}x   {v} / batch: {rate[v] / rate['batch']:.2f}x")
    print(f"purr / group: {rate['purr'] / rate['group']:.2f}x")


if __name__ == "__main__":
    main()
