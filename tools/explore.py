#!/usr/bin/env python3
"""Runs `purrc --test PATH --explore N` over test suites and reports the
time each took (docs/testing.md). For the suites that CI explores (100
seeds) and the longer runs made by hand (1,000 seeds).

    python3 tools/explore.py [--seeds 1000] [--first 1] [--step-limit N] [--filter TEXT] [--opt N] PATH...

PATH is what `purrc --test` takes (a file or a directory). Per path it
prints the wall time (build included: the runner is built once per path),
the tests passed and failed, the time per test and seed, and for each
failing test its first failing seed and replay command (as purrc prints
them). `--filter TEXT` explores only the tests whose names contain TEXT
(as purrc's --filter); `--opt N` builds the runner with -ON (-O0 builds a
large suite in a fraction of the time; for the broker's simulated tests
its 1,000 seeds run about 1.5 times slower, and finish sooner all told). Exit status 1 when a test failed under some seed.
"""
import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import PURRC, describe_purrc, ensure_purrc, table  # noqa: E402

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=1000)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--step-limit", type=int)
    ap.add_argument("--filter")
    ap.add_argument("--opt", choices=["0", "1", "2", "3"])
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    if a.seeds < 1:
        raise SystemExit("--seeds must be at least 1")
    ensure_purrc()
    print(describe_purrc())
    rows, failures = [], []
    for path in a.paths:
        cmd = [str(PURRC), "--test", path, "--explore", str(a.seeds), "--seed", str(a.first)]
        if a.step_limit:
            cmd += ["--step-limit", str(a.step_limit)]
        if a.filter:
            cmd += ["--filter", a.filter]
        if a.opt:
            cmd.append(f"-O{a.opt}")
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        secs = time.perf_counter() - t0
        m = SUMMARY.search(p.stdout)
        if m is None:
            raise SystemExit(f"{' '.join(cmd)} printed no summary (status {p.returncode}):\n{p.stdout}{p.stderr}")
        passed, failed = int(m.group(1)), int(m.group(2))
        tests = passed + failed
        rows.append([path, f"{secs:.2f}", str(passed), str(failed), f"{secs * 1e3 / max(1, tests * a.seeds):.3f}"])
        for block in re.findall(r"^test .* FAILED.*\n(?:  .*\n)*", p.stdout, re.M):
            failures.append(block)
    print(f"{a.seeds} seeds from {a.first}")
    print(table(rows, ["path", "seconds", "passed", "failed", "ms per test and seed"]))
    for block in failures:
        print()
        print(block, end="")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
