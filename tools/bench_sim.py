#!/usr/bin/env python3
"""A simulated step against a plain deterministic step (docs/testing.md,
docs/performance.md "Simulation").

Builds each bench below once (purrc --bench -o, into a temporary
directory) and runs the runner alternately in two modes, --runs rounds
(default 7):

  plain      --seed 0 --step-cost-us 0: the FIFO run queue and the idle-only
             clock of the deterministic scheduler before simulation
  default    seed 0 and the 1 us virtual cost per step: what --test and
             --bench run by default now
  simulated  --seed 1: a seeded pick among the runnable actors at every
             step, seeded timer ties, and the 1 us virtual cost per step

It prints, per bench, the median time_ms of the body in each mode, the
nanoseconds per step, default / plain and simulated / plain (the goal is
at most 1.5). The counts of the modes are checked equal (the benches' message and step
counts do not depend on the order). Compare only figures of one run: the
machine's speed moves from minute to minute.

    python3 tools/bench_sim.py [--runs 7] [--only TEXT]
"""
import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, describe_purrc, run, snapshot_purrc, table  # noqa: E402

BENCHES = [
    "tools/bench/sim_tokens.pu",
    "tools/bench/savina_forkjoin.pu",
    "tools/bench/savina_counting.pu",
    "tools/bench/savina_pingpong.pu",
    "tools/bench/savina_threadring.pu",
]
MODES = [
    ("plain", ["--seed", "0", "--step-cost-us", "0"]),
    ("default", []),
    ("simulated", ["--seed", "1"]),
]


def measure(exe, args):
    p = run([exe, "--json", *args], stdout=-1)
    d = json.loads(p.stdout.decode().splitlines()[0])
    return d["time_ms"], d["scheduler_steps"], d["message_count"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    print(describe_purrc())
    rows = []
    with tempfile.TemporaryDirectory() as work:
        purrc = snapshot_purrc(work)
        for bench in [b for b in BENCHES if a.only in b]:
            exe = Path(work) / Path(bench).stem
            run([purrc, "--bench", ROOT / bench, "-o", exe])
            times = {m: [] for m, _ in MODES}
            counts = {}
            for _ in range(a.runs):
                for mode, args in MODES:
                    ms, steps, msgs = measure(exe, args)
                    times[mode].append(ms)
                    counts[mode] = (steps, msgs)
            if len(set(counts.values())) != 1:
                raise SystemExit(f"{bench}: counts differ between modes: {counts}")
            steps = counts["plain"][0]
            plain, default, sim = (statistics.median(times[m]) for m, _ in MODES)
            rows.append([
                Path(bench).stem,
                f"{steps:,}",
                f"{plain * 1e6 / steps:.1f}",
                f"{default * 1e6 / steps:.1f}",
                f"{sim * 1e6 / steps:.1f}",
                f"{default / plain:.2f}",
                f"{sim / plain:.2f}",
            ])
    header = ["bench", "steps", "plain ns/step", "default ns/step", "sim ns/step", "default/plain", "sim/plain"]
    print(table(rows, header))


if __name__ == "__main__":
    main()
