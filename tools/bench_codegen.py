#!/usr/bin/env python3
"""Speed of the code purrc generates, against hand-written C doing the same work.

For each program in tools/bench/ (NAME.pu with its C twin NAME.c):
  * builds NAME.pu with `purrc -O2` and NAME.c with `gcc -O2` (same run, same machine);
  * runs both once and checks that they print exactly the same;
  * times both (median of --runs runs each, purr and C runs interleaved);
  * prints purr_time / c_time. Targets: <= 1.25x for scalar code
    (scalar, recursion), <= 1.2x for container-heavy code (containers).

    python3 tools/bench_codegen.py [--runs 7] [NAME ...]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import describe_purrc, run, snapshot_purrc, table  # noqa: E402

BENCH = Path(__file__).resolve().parent / "bench"
# name -> (what it exercises, target ratio)
PROGRAMS = {
    "scalar": ("i64 div/rem loop, wrapping u32 hash", 1.25),
    "recursion": ("fib, ackermann, tak on i64", 1.25),
    "containers": ("list, map<i64,i64>, sort, join", 1.2),
}


def timed(exe):
    t0 = time.perf_counter()
    run([exe])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each executable (median)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"), help="C compiler for the baseline and for purrc")
    ap.add_argument("names", nargs="*", default=list(PROGRAMS), help="programs to run (default: all)")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="purr-codegen-") as tmp:
        work = Path(tmp)
        purrc = snapshot_purrc(work)
        print(describe_purrc(), flush=True)
        for name in args.names:
            what, target = PROGRAMS[name]
            purr_exe, c_exe = work / f"{name}_purr", work / f"{name}_c"
            run([purrc, "-O2", "--cc", args.cc, BENCH / f"{name}.pu", "-o", purr_exe])
            run([args.cc, "-O2", BENCH / f"{name}.c", "-o", c_exe])
            purr_out = run([purr_exe], stdout=subprocess.PIPE).stdout
            c_out = run([c_exe], stdout=subprocess.PIPE).stdout
            if purr_out != c_out:
                raise SystemExit(f"{name}: outputs differ\n--- purr\n{purr_out.decode()}--- C\n{c_out.decode()}")
            purr_t, c_t = [], []
            for _ in range(args.runs):  # interleaved, so drift affects both alike
                purr_t.append(timed(purr_exe))
                c_t.append(timed(c_exe))
            p, c = statistics.median(purr_t), statistics.median(c_t)
            ratio = p / c
            rows.append([name, what, f"{p:.3f}", f"{c:.3f}", f"{ratio:.2f}x", f"<= {target:g}x",
                         "met" if ratio <= target else "NOT met"])
            print(f"{name}: purr {p:.3f} s, C {c:.3f} s, ratio {ratio:.2f}", flush=True)

    print()
    print(table(rows, ["program", "exercises", "purr s", "C s", "purr/C", "target", "status"]))
    print(f"\nmedians of {args.runs} runs; purrc -O2 and {args.cc} -O2; outputs checked identical")


if __name__ == "__main__":
    main()
