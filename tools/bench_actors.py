#!/usr/bin/env python3
"""Actor message throughput: Purr's Savina benches against the C reference.

In one run, for each benchmark (pingpong, threadring, counting, forkjoin):
  * C reference: builds shared/peers/actors/c/actors.c (gcc -O2, free-list
    messages: the `c-freelist` configuration of the peers README) and
    tools/bench/savina_forkjoin.c (the same runtime plus fork-join) into a
    temporary directory, and runs them with the parameters of
    shared/peers/actors/configs.txt;
  * Purr: `purrc --bench --json -O2 --scheduler det|epoll
    tools/bench/savina_NAME.pu`, on the deterministic scheduler and on the
    event loop, alternating so that both see the same load;
  * Erlang (`erl -noshell +S 1`) and Go (GOMAXPROCS=1) peers, with the
    commands of the peers README, when `erl` / `go` are installed (this
    script installs nothing);
then prints messages/second per benchmark and implementation (median of
--runs runs), Purr / C (deterministic scheduler) and event loop / det. Messages are counted as the C reference counts
them: pingpong 2N, threadring N, counting N, forkjoin K*M (start messages,
ring set-up and final reports excluded), divided by the time the program
itself measures around the benchmark (so process start-up and, for Purr,
compilation are excluded). The script stops if a program did not do the
work: the C and peer programs must report that many messages, and Purr's
`message_count` must be that many plus the set-up and reporting messages
the C reference does not count (`purr_extra` below).

Finally it runs tools/bench/idle_actors.pu (1M actors, one message each) and
prints its peak heap and the heap per actor.

Targets: Purr >= 50% of C's msgs/s on each benchmark, and ahead of Erlang
(+S 1) and Go (GOMAXPROCS=1) where they have the benchmark; the event loop
>= 0.9x the deterministic scheduler (it must not tax pure messaging); idle
actors within 1 GiB and <= 256 bytes each. A target that needs a peer which is not
installed is reported as "not measured", never as met.

    cargo build --release
    python3 tools/bench_actors.py [--runs 3] [--cc gcc] [NAME ...]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, describe_purrc, run, snapshot_purrc, table  # noqa: E402

BENCH = ROOT / "tools" / "bench"
PEERS = ROOT.parent / "shared" / "peers" / "actors"

# name -> parameters, shared by every implementation (configs.txt for the
# three benchmarks of the peers; forkjoin as in savina_forkjoin.pu).
# purr_extra: the messages Purr's message_count includes beyond "msgs" —
# pingpong: Pinger's start and the final Count; threadring: the token that
# reaches 0 and the 503 Links that close the ring; counting: Producer's
# start, Get and Total.
BENCHES = {
    "pingpong": {"n": 50_000_000, "msgs": 100_000_000, "purr_extra": 2, "peer_n": 5_000_000},
    "threadring": {"n": 100_000_000, "msgs": 100_000_000, "purr_extra": 1 + 503, "peer_n": 10_000_000},
    "counting": {"n": 10_000_000, "msgs": 10_000_000, "purr_extra": 3, "peer_n": 10_000_000},
    "forkjoin": {"n": 50_000, "k": 60, "msgs": 3_000_000, "purr_extra": 0},
}
IDLE_ACTORS = 1_000_000
TARGET_OF_C = 0.5
TARGET_LOOP_OF_DET = 0.9
IDLE_TARGET_BYTES = 256
IDLE_TARGET_PEAK = 1 << 30


def field(line, key):
    m = re.search(rf"\b{key}=(\S+)", line)
    if not m:
        raise SystemExit(f"no {key}= in: {line}")
    return m.group(1)


def program_line(cmd, cwd=None, env=None):
    """Runs a peer or C program and returns its one `bench=...` line."""
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}")
    lines = [l for l in p.stdout.splitlines() if l.startswith("bench=")]
    if not lines:
        raise SystemExit(f"no bench= line from {' '.join(map(str, cmd))}:\n{p.stdout}")
    return lines[-1]


def peer_rate(cmd, expect_msgs, cwd=None, env=None):
    line = program_line(cmd, cwd, env)
    msgs = int(field(line, "msgs"))
    if msgs != expect_msgs:
        raise SystemExit(f"expected msgs={expect_msgs}: {line}")
    return msgs / float(field(line, "secs"))


def check_message_count(record, expected, source):
    """Stops unless a Purr bench record delivered exactly `expected` messages."""
    got = record.get("message_count")
    if got != expected:
        raise SystemExit(f"{source.name}: expected message_count={expected:,}, got {got}: {record}")


def verdict(purr, ratio, peers):
    """("met" | "not met" | "not measured", the text of the target column).
    A shortfall against any implementation makes it "not met"; otherwise a
    peer that is not installed makes it "not measured", never "met".
    peers: {name: msgs/s, or None when the peer is not installed}."""
    short = ([] if ratio >= TARGET_OF_C else ["C"]) + [n for n, r in peers.items() if r is not None and purr <= r]
    missing = [n for n, r in peers.items() if r is None]
    if short:
        return "not met", f"NO (behind {', '.join(short)})"
    if missing:
        return "not measured", f"not measured (no {', '.join(missing)})"
    return "met", "met"


def bench_seconds(record):
    """The bench's own wall time, in seconds, from a `purrc --bench --json` line."""
    if "time_ms" not in record:
        raise SystemExit(f"no time_ms in bench record: {record}")
    return float(record["time_ms"]) / 1e3


def purr_records(purrc, source, cc, scheduler="det"):
    """Runs `purrc --bench --json -O2 --scheduler SCHEDULER source`; returns its JSON records."""
    p = subprocess.run([str(purrc), "--bench", "--json", "-O2", "--scheduler", scheduler, "--cc", cc, str(source)],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"purrc --bench {source.name} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    records = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    if not records:
        raise SystemExit(f"no JSON lines from purrc --bench {source.name}:\n{p.stdout}")
    return records


def median_rate(measure, runs):
    rates = [measure() for _ in range(runs)]
    return statistics.median(rates), rates


def fmt_rate(r):
    return "-" if r is None else f"{r / 1e6:.1f} M"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs of each configuration (median)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"), help="C compiler for the reference and for purrc")
    ap.add_argument("--no-idle", action="store_true", help="skip the 1M idle actors bench")
    ap.add_argument("names", nargs="*", default=list(BENCHES), help="benchmarks to run (default: all)")
    args = ap.parse_args()
    for n in args.names:
        if n not in BENCHES:
            raise SystemExit(f"unknown benchmark {n}; choose from {', '.join(BENCHES)}")

    erl = shutil.which("erl")
    go = shutil.which("go")
    rows = []
    # "met" / "not met" / "not measured" -> benchmark names
    targets = {"met": [], "not met": [], "not measured": []}
    with tempfile.TemporaryDirectory(prefix="purr-actors-") as tmp:
        work = Path(tmp)
        purrc = snapshot_purrc(work)
        print(describe_purrc(), flush=True)
        cc_version = subprocess.run([args.cc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"C reference: {cc_version}, -O2 -DMSG_FREELIST (budget 1)")

        # Builds: the C reference and its fork-join twin; the peers if present.
        c_ref, c_fj = work / "actors_freelist", work / "savina_forkjoin"
        run([args.cc, "-O2", "-DMSG_FREELIST", "-o", c_ref, PEERS / "c" / "actors.c"])
        run([args.cc, "-O2", "-DMSG_FREELIST", "-I", PEERS / "c", "-o", c_fj, BENCH / "savina_forkjoin.c"])
        erl_dir = go_exe = None
        if erl and shutil.which("erlc"):
            erl_dir = work / "erlang"
            erl_dir.mkdir()
            shutil.copy2(PEERS / "erlang" / "bench.erl", erl_dir)
            run(["erlc", "bench.erl"], cwd=erl_dir)
            print("Erlang: " + subprocess.run([erl, "-noshell", "-eval",
                                               "io:format(\"OTP ~s~n\", [erlang:system_info(otp_release)]), halt()."],
                                              capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout.strip())
        else:
            print("Erlang: erl not installed, skipped")
        if go:
            go_dir = work / "go"
            shutil.copytree(PEERS / "go", go_dir)
            go_exe = go_dir / "bench"
            env = dict(os.environ, GOCACHE=str(work / "gocache"), GOFLAGS="-mod=mod")
            run([go, "build", "-o", go_exe, "."], cwd=go_dir, env=env)
            print("Go: " + subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip())
        else:
            print("Go: go not installed, skipped")
        print(flush=True)

        for name in args.names:
            b = BENCHES[name]
            source = BENCH / f"savina_{name}.pu"
            if name == "forkjoin":
                c_cmd = [c_fj, b["n"], b["k"]]
            else:
                c_cmd = [c_ref, "ring" if name == "threadring" else name, b["n"]]
            c_rate, _ = median_rate(lambda: peer_rate(c_cmd, b["msgs"]), args.runs)

            def purr_rate(scheduler):
                recs = purr_records(purrc, source, args.cc, scheduler)
                check_message_count(recs[0], b["msgs"] + b["purr_extra"], source)
                return b["msgs"] / bench_seconds(recs[0])
            # Alternating, so that a change in the machine's load hits both.
            pairs = [(purr_rate("det"), purr_rate("epoll")) for _ in range(args.runs)]
            purr = statistics.median(p[0] for p in pairs)
            loop = statistics.median(p[1] for p in pairs)

            erl_rate = go_rate = None
            if erl_dir is not None and "peer_n" in b:
                n = b["peer_n"]
                msgs = 2 * n if name == "pingpong" else n
                bench = "ring" if name == "threadring" else name
                cmd = [erl, "-noshell", "+S", "1", "-pa", ".", "-run", "bench", "main", bench, n, "-s", "erlang", "halt"]
                erl_rate, _ = median_rate(lambda: peer_rate(cmd, msgs, cwd=erl_dir), args.runs)
            if go_exe is not None and "peer_n" in b:
                n = b["peer_n"]
                msgs = 2 * n if name == "pingpong" else n
                bench = "ring" if name == "threadring" else name
                cmd = [go_exe, bench, n] + (["1024"] if name == "counting" else [])
                env = dict(os.environ, GOMAXPROCS="1")
                go_rate, _ = median_rate(lambda: peer_rate(cmd, msgs, env=env), args.runs)

            ratio = purr / c_rate
            loop_ratio = loop / purr
            # forkjoin has no Erlang or Go peer, so only the C target applies to it.
            peers = {"Erlang": erl_rate, "Go": go_rate} if "peer_n" in b else {}
            status, target = verdict(purr, ratio, peers)
            targets[status].append(name)
            loop_met = loop_ratio >= TARGET_LOOP_OF_DET
            targets["met" if loop_met else "not met"].append(f"{name} (event loop)")
            rows.append([name, f"{b['msgs']:,}", fmt_rate(c_rate), fmt_rate(purr), f"{ratio * 100:.0f}%",
                         fmt_rate(loop), f"{loop_ratio:.2f}x" + ("" if loop_met else " NO"),
                         fmt_rate(erl_rate), fmt_rate(go_rate), target])
            print(f"{name}: C {fmt_rate(c_rate)}/s, Purr {fmt_rate(purr)}/s, event loop {fmt_rate(loop)}/s",
                  flush=True)

        print()
        print(table(rows, ["benchmark", "messages", "C msgs/s", "Purr msgs/s", "Purr/C",
                           "loop msgs/s", "loop/det", "Erlang +S1", "Go P1", "target"]))
        print(f"\nmsgs/s = counted messages / the program's own timer; median of {args.runs} runs.")
        print(f"Purr = the deterministic scheduler; loop = the event loop (--scheduler epoll), "
              f"target loop/det >= {TARGET_LOOP_OF_DET}.")
        print("Go counting uses a 1024-slot channel (its faster configuration); forkjoin has no Erlang/Go peer.")

        if not args.no_idle:
            t0 = time.perf_counter()
            recs = purr_records(purrc, BENCH / "idle_actors.pu", args.cc)
            elapsed = time.perf_counter() - t0
            print(f"\nidle_actors.pu ({elapsed:.1f} s with compilation):")
            idle_rows = []
            for r in recs:
                check_message_count(r, IDLE_ACTORS, BENCH / "idle_actors.pu")
                peak = int(r["peak_heap_bytes"])
                per = peak / IDLE_ACTORS
                idle_rows.append([r.get("name", "?"), f"{int(r['actors_spawned']):,}", f"{peak / 2**20:.1f} MiB",
                                  f"{per:.0f} B", f"{bench_seconds(r):.2f} s"])
            print(table(idle_rows, ["bench", "actors", "peak heap", "heap per actor", "time"]))
            drained = [r for r in recs if "drained" in r.get("name", "")]
            if drained:
                per = int(drained[0]["peak_heap_bytes"]) / IDLE_ACTORS
                met = per <= IDLE_TARGET_BYTES and all(int(r["peak_heap_bytes"]) <= IDLE_TARGET_PEAK for r in recs)
                print(f"idle actor: {per:.0f} bytes (target <= {IDLE_TARGET_BYTES}); "
                      f"every peak within 1 GiB: {'yes' if met else 'NO'}")
                targets["met" if met else "not met"].append("idle_actors")

    for status in ("not met", "not measured"):
        if targets[status]:
            print(f"\ntargets {status}: {', '.join(targets[status])}")


if __name__ == "__main__":
    main()
