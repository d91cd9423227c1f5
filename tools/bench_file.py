#!/usr/bin/env python3
"""Durable appends: file.sync's group commit against plain C loops.

Builds tools/bench/file_sync.c with the C runtime (runtime-c/src, gcc -O2)
into a temporary directory and runs its three variants, alternating them
--runs times so that all see the same load of the disk:

  group   50 writer actors on the event loop, through the runtime's C API:
          each appends a 64-byte record, calls file.sync, waits for its
          Synced, repeats (one worker thread runs the fdatasyncs; calls
          made while one runs share the next);
  record  plain C: write a 64-byte record, fdatasync, repeat;
  batch   plain C: write 50 records, one fdatasync, repeat;

each for --seconds on its own file in a temporary directory under --dir
(default: this checkout, so the disk of the repository; every variant
uses the same disk). Prints durable records/s (median of the runs),
records per fdatasync, and group / record and group / batch.

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
from benchlib import ROOT, run, table  # noqa: E402

VARIANTS = ["group", "record", "batch"]
LINE = re.compile(r"^(\w+) records_per_sec=(\d+) records=(\d+) fdatasyncs=(\d+) seconds=([\d.]+)$")


def build(work):
    exe = Path(work) / "file_sync"
    rt = ROOT / "runtime-c"
    sources = sorted((rt / "src").glob("*.c"))
    run(["gcc", "-O2", "-std=c11", "-I", rt / "include", "-I", rt / "src", *sources,
         ROOT / "tools" / "bench" / "file_sync.c", "-o", exe, "-lm"])
    return exe


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--dir", default=str(ROOT), help="where the temporary files go (the disk measured)")
    args = ap.parse_args()

    results = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="purr-bench-file-") as work, \
            tempfile.TemporaryDirectory(prefix="purr-bench-file-data-", dir=args.dir) as data:
        exe = build(work)
        for i in range(args.runs):
            order = VARIANTS[i % 3:] + VARIANTS[:i % 3]
            out = run([exe, data, args.seconds, *order], stdout=subprocess.PIPE).stdout.decode()
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
    print(f"group / record: {rate['group'] / rate['record']:.1f}x   group / batch: {rate['group'] / rate['batch']:.2f}x")


if __name__ == "__main__":
    main()
