#!/usr/bin/env python3
"""Front-end speed of purrc on a large generated program.

Generates a valid Purr program of >= --lines lines (tools/gen_program.py),
then measures:
  * `purrc --emit c prog.pu > /dev/null`  (lex, parse, check, generate C)
    -> lines per second; target >= 500,000 lines/s;
  * the peak resident memory of those runs -> bytes per byte of source;
    target <= 25;
  * a full build `purrc -O0 prog.pu -o prog` with gcc (the default cc) and,
    if installed, with `--cc tcc` -> purrc's share of the whole build
    (emit-c time / full build time); target < 10% at -O0.
Times and peaks are medians of repeated runs (time.perf_counter, and the
kernel's ru_maxrss of each run), after one warm-up.

    python3 tools/bench_frontend.py [--lines 200000] [--runs 5] [--build-runs 3]
    python3 tools/bench_frontend.py --files 120 --namespaces 24   # many files

With --files N the same program is written as N files in --namespaces M
namespaces (tools/gen_program.py --files) and purrc is given the directory.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import describe_purrc, run, snapshot_purrc, table, time_and_peak_median, time_median  # noqa: E402
import gen_program  # noqa: E402

TARGET_LINES_PER_S = 500_000
TARGET_BYTES_PER_SOURCE_BYTE = 25
TARGET_SHARE = 0.10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=200_000, help="minimum size of the generated program")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of --emit c (median)")
    ap.add_argument("--build-runs", type=int, default=3, help="timed runs of each full build (median)")
    ap.add_argument("--keep", metavar="DIR", help="write the program to DIR instead of a temporary directory")
    ap.add_argument("--files", type=int, help="write the program as this many files (purrc gets the directory)")
    ap.add_argument("--namespaces", type=int, default=24, help="namespaces for --files (default 24)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="purr-frontend-") as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        purrc = snapshot_purrc(work)
        print(describe_purrc(), flush=True)
        modules = gen_program.modules_for_lines(args.lines)
        if args.files:
            prog = work / "prog"
            gen_program.write_tree(prog, modules, args.files, args.namespaces)
            sources = sorted(prog.glob("*.pu"))
        else:
            prog = work / "prog.pu"
            prog.write_text(gen_program.program(modules))
            sources = [prog]
        lines = sum(p.read_text().count("\n") for p in sources)
        size = sum(p.stat().st_size for p in sources)
        print(f"generated {prog.name}: {lines} lines in {len(sources)} files, {size / 1e6:.1f} MB", flush=True)

        # The program must compile and run; check once (this also warms caches).
        c_size = len(run([purrc, "--emit", "c", prog], stdout=subprocess.PIPE).stdout)
        emit, _, peak = time_and_peak_median([purrc, "--emit", "c", prog], args.runs)
        per_byte = peak / size
        print(f"--emit c: {emit:.3f} s, peak {peak / 1e6:.1f} MB ({c_size / 1e6:.1f} MB of C)", flush=True)

        builds = [("gcc -O0", [])]
        if shutil.which("tcc"):
            builds.append(("tcc", ["--cc", "tcc"]))
        rows = [["purrc --emit c", f"{emit:.3f} s", f"{lines / emit:,.0f} lines/s",
                 f">= {TARGET_LINES_PER_S:,}", "met" if lines / emit >= TARGET_LINES_PER_S else "NOT met"],
                ["  its peak memory", f"{peak / 1e6:.1f} MB", f"{per_byte:.1f} B/source byte",
                 f"<= {TARGET_BYTES_PER_SOURCE_BYTE}", "met" if per_byte <= TARGET_BYTES_PER_SOURCE_BYTE else "NOT met"]]
        for name, extra in builds:
            exe = work / f"prog_{name.split()[0]}"
            cmd = [purrc, "-O0", *extra, prog, "-o", exe]
            full, _ = time_median(cmd, args.build_runs, warmup=0)
            out = run([exe], stdout=subprocess.PIPE).stdout.decode()
            if not out.startswith("total = "):
                raise SystemExit(f"unexpected output from the {name} build: {out!r}")
            share = emit / full
            target = f"< {TARGET_SHARE:.0%}" if name == "gcc -O0" else "(info)"
            status = ("met" if share < TARGET_SHARE else "NOT met") if name == "gcc -O0" else ""
            rows.append([f"full build, {name}", f"{full:.3f} s", f"purrc share {share:.1%}", target, status])
            print(f"full build with {name}: {full:.3f} s", flush=True)

    print()
    print(table(rows, ["measurement", "median", "result", "target", "status"]))
    print(f"\n{lines} lines; medians of {args.runs} (--emit c) and {args.build_runs} (builds) runs; "
          f"share = emit-c time / full build time")


if __name__ == "__main__":
    main()
