#!/usr/bin/env python3
"""The broker (examples/broker) against redis-server, side by side in one run.

Builds examples/broker (purrc -O2) and the peers' pbench (pbench.c from
--peers, default ../shared/peers/broker beside this checkout; gcc -O2, into
a temporary directory, never copied here), starts the broker and a
redis-server (no persistence) on free ports, and measures both with the
same loads, alternating which goes first from round to round:

  redis-benchmark PING, PUBLISH (no subscriber) and XADD (64 B), with
      -c 50 -P 16 and -c 50 -P 1                     ops/s
  pbench redis 1 pub -> 1 sub, 64 B                  msgs/s
  pbench redis 1 pub -> 10 subs, 64 B                deliveries/s
  pbench redis at 10K msg/s, 64 B                    p50 / p99 publish->deliver (us)
  pbench xstream, 2 consumers, COUNT 100, 64 B       msgs/s

The broker also listens on --binary-port, and examples/broker-bench (its
binary protocol) runs the two pbench loads it has a counterpart of against
it in the same rounds: 1 publisher -> 1 subscriber, and XADD -> 2 consumers
of a group (READ_GROUP COUNT 100 + ACK), 64 B, 256 requests in flight per
producer; printed beside pbench's RESP figures on the broker.

Then --entries (default 1,000,000; 0 skips it) XADDs of 64 B into one
stream of each (redis-benchmark -c 1 -P 100), on servers started for it:
the broker's resident memory (VmRSS) against Redis's used_memory_rss, with
the entries and less what the empty server had.

Then XADD (64 B) with persistence (skipped with --no-durable; alone with
--durable-only): for each of --fsync everysec and always, the broker with
a fresh --data-dir against a redis-server with appendonly yes and the same
appendfsync (the peers' servers.sh ports 16380 and 16381, started here on
free ports), redis-benchmark -c 1 -P 100, -c 50 -P 16 and -c 50 -P 1; and
pbench xstream (2 consumers, COUNT 100, 64 B) against the broker with a
--data-dir and --fsync everysec and against the broker without one: what
the log costs a consumer group.

--runs rounds (default 3); per load and server the median, then
broker / Redis (throughput: higher is better; p99: lower is better).
Compare only figures of one run: the machine's speed moves from minute to
minute. Then, for the loads without persistence, the CPU time each server
used for the load (user + system, from /proc): the same work, so it
moves less with the machine's load than the rates do. Needs redis-server and redis-benchmark (redis-tools) and gcc.

    python3 tools/bench_broker.py [--runs 3] [--scale 1.0] [--peers DIR] [--no-durable | --durable-only]
"""
import argparse
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import ROOT, Server, describe_purrc, free_port, run, snapshot_purrc, table  # noqa: E402

PAYLOAD = "x" * 64
# name, redis-benchmark arguments after -c/-P, requests at --scale 1 (for -P 16; -P 1 gets a fifth)
BENCHMARKS = [
    ("PING", ["-t", "ping_mbulk"], 2_000_000),
    ("PUBLISH", ["PUBLISH", "bench-ch", PAYLOAD], 1_000_000),
    ("XADD", ["XADD", "bench-stream", "*", "d", PAYLOAD], 1_000_000),
]
# name, pbench arguments, messages at --scale 1, which figure
PBENCH = [
    ("pub/sub 1->1 msgs/s", ["redis", "-s", "64", "-S", "1"], 1_000_000, "msgs_per_s"),
    ("pub/sub 1->10 deliveries/s", ["redis", "-s", "64", "-S", "10"], 300_000, "deliveries_per_s"),
    ("pub/sub 10K msg/s p50/p99 us", ["redis", "-s", "64", "-S", "1", "-r", "10000"], 100_000, "latency"),
    ("xstream 2 consumers msgs/s", ["xstream", "-s", "64", "-S", "2", "-c", "100"], 500_000, "msgs_per_s"),
]
# the pbench load (above) a broker-bench load is the binary counterpart of, its arguments, messages at --scale 1
BINARY = [
    ("pub/sub 1->1 msgs/s", ["--mode", "publish", "-s", "64", "-c", "1", "--consumers", "1", "-d", "256"], 1_000_000),
    ("xstream 2 consumers msgs/s", ["--mode", "xadd", "-s", "64", "-c", "1", "--consumers", "2", "--count", "100", "-d", "256"], 500_000),
]


class RedisServer(Server):
    """A broker or redis-server: both answer redis-cli."""

    def __init__(self, name, cmd, port=None):
        super().__init__(name, cmd, port)
        if "--binary-port" in [str(c) for c in cmd]:
            self.binary_port = self.said_port("binary listening on ")

    def flush(self):
        run(["redis-cli", "-p", str(self.port), "FLUSHALL"])


def build(work, peers):
    exe = {"pbench": Path(work) / "pbench", "broker": Path(work) / "broker", "broker-bench": Path(work) / "broker-bench"}
    run(["gcc", "-O2", "-pthread", "-o", exe["pbench"], Path(peers) / "pbench.c"])
    purrc = snapshot_purrc(work)
    run([purrc, ROOT / "examples" / "broker", "-O2", "-o", exe["broker"]])
    run([purrc, ROOT / "examples" / "broker-bench", "-I", ROOT / "examples" / "broker", "-O2", "-o", exe["broker-bench"]])
    return exe


def redis_benchmark(server, args, clients, pipeline, n):
    out = run(["redis-benchmark", "-p", server.port, "-c", clients, "-P", pipeline, "-n", n, "--csv", *args],
              stdout=subprocess.PIPE, timeout=600).stdout.decode()
    # "test","rps","avg_latency_ms",...
    rows = [l for l in out.splitlines() if l and not l.startswith('"test"')]
    if not rows:
        raise SystemExit(f"{server.name}: no result from redis-benchmark {args}: {out!r}")
    return float(rows[-1].split(",")[1].strip('"'))


def result_line(cmd, what):
    """The key=value pairs of the RESULT line that pbench and broker-bench print."""
    out = run(cmd, stdout=subprocess.PIPE, timeout=300).stdout.decode()
    m = re.search(r"RESULT .*", out)
    if not m:
        raise SystemExit(f"{what}: no RESULT: {out!r}")
    return dict(kv.split("=", 1) for kv in m[0].split()[1:] if "=" in kv)


def pbench(exe, server, args, n):
    fields = result_line([exe["pbench"], args[0], "-p", server.port, "-n", n, "-T", "120", *args[1:]],
                         f"{server.name} pbench {args}")
    if fields.get("end") != "complete" or fields.get("lost") != "0":
        print(f"  warning: {server.name} pbench {' '.join(args)}: end={fields.get('end')} lost={fields.get('lost')}")
    return fields


def broker_bench(exe, server, args, n):
    fields = result_line([exe["broker-bench"], "--port", server.binary_port, "-n", n, "--timeout", "120000", *args],
                         f"broker-bench {args}")
    if fields.get("lost") != "0" or fields.get("dup") != "0":
        print(f"  warning: broker-bench {' '.join(args)}: lost={fields.get('lost')} dup={fields.get('dup')}")
    return float(fields["consume_rate"])


def rss(server):
    if server.name == "Redis":
        out = run(["redis-cli", "-p", server.port, "INFO", "memory"], stdout=subprocess.PIPE).stdout.decode()
        return int(re.search(r"used_memory_rss:(\d+)", out)[1])
    with open(f"/proc/{server.proc.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read())[1]) * 1024


def measure_memory(exe, work, entries):
    """Fresh servers, so that neither reuses memory an earlier load left it."""
    servers = new_servers(exe, work)
    rows = []
    try:
        for s in servers:
            before = rss(s)
            run(["redis-benchmark", "-p", s.port, "-c", "1", "-P", "100", "-n", entries, "-q",
                 "XADD", "memory", "*", "d", PAYLOAD])
            length = run(["redis-cli", "-p", s.port, "XLEN", "memory"], stdout=subprocess.PIPE).stdout.decode().strip()
            if length != str(entries):
                raise SystemExit(f"{s.name}: XLEN memory is {length}, not {entries}")
            rows.append((s.name, before, rss(s)))
    finally:
        for s in servers:
            s.stop()
    print(f"memory for {entries:,} stream entries of 64 B (fresh servers; Redis: used_memory_rss, broker: VmRSS):")
    for name, before, after in rows:
        print(f"  {name:6} {before / 2**20:6.1f} MiB empty, {after / 2**20:6.1f} MiB with them "
              f"({(after - before) / entries:.0f} B an entry)")
    (_, rb, ra), (_, bb, ba) = rows
    print(f"  broker / Redis: {ba / ra:.2f} (with them), {(ba - bb) / (ra - rb):.2f} (the entries alone)")


def new_servers(exe, work):
    """Redis without persistence and the broker, each on a free port."""
    port = free_port()
    return [
        RedisServer("Redis", ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--dir", work], port),
        RedisServer("broker", [exe["broker"], "--port", "0", "--binary-port", "0"]),
    ]


# redis-benchmark XADD with persistence: clients, pipeline, requests at --scale 1
DURABLE_LOADS = [("1", "100", 1_000_000), ("50", "16", 1_000_000), ("50", "1", 100_000)]


def measure_durable(exe, work, runs, scale, results):
    for policy in ["everysec", "always"]:
        port = free_port()
        redis_dir = Path(work) / f"redis-{policy}"
        broker_dir = Path(work) / f"broker-{policy}"
        redis_dir.mkdir()
        servers = [
            RedisServer("Redis", ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                             "--appendfsync", policy, "--dir", redis_dir], port),
            RedisServer("broker", [exe["broker"], "--port", "0", "--data-dir", broker_dir, "--fsync", policy]),
        ]
        try:
            for r in range(runs):
                order = servers if r % 2 == 0 else servers[::-1]
                for clients, pipeline, n in DURABLE_LOADS:
                    count = max(1000, int(n * scale))
                    for s in order:
                        s.flush()
                        key = (f"XADD appendfsync/--fsync {policy} -c {clients} -P {pipeline} ops/s", s.name)
                        results.setdefault(key, []).append(
                            redis_benchmark(s, ["XADD", "bench-stream", "*", "d", PAYLOAD], clients, pipeline, count))
                        print(f"  {key[0]} {s.name}: {results[key][-1]:,.0f}", flush=True)
        finally:
            for s in servers:
                s.stop()


def measure_xstream_log(exe, work, runs, scale):
    """pbench xstream on the broker with and without its log, alternating."""
    name, pargs, n, figure = next(p for p in PBENCH if p[1][0] == "xstream")
    servers = [
        RedisServer("without log", [exe["broker"], "--port", "0"]),
        RedisServer("with log", [exe["broker"], "--port", "0", "--data-dir", Path(work) / "broker-xstream", "--fsync", "everysec"]),
    ]
    results = {}
    try:
        for r in range(runs):
            for s in servers if r % 2 == 0 else servers[::-1]:
                s.flush()
                results.setdefault(s.name, []).append(float(pbench(exe, s, pargs, max(1000, int(n * scale)))[figure]))
                print(f"  {name} broker {s.name}: {results[s.name][-1]:,.0f}", flush=True)
    finally:
        for s in servers:
            s.stop()
    without, with_log = statistics.median(results["without log"]), statistics.median(results["with log"])
    return [[f"{name}, --fsync everysec", f"{without:,.0f}", f"{with_log:,.0f}", f"{with_log / without:.2f}"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="rounds of every load (0: only the memory figure and, unless --no-durable, the durable loads)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the requests of every load")
    ap.add_argument("--entries", type=int, default=1_000_000, help="stream entries for the memory figure (0: skip)")
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers" / "broker"))
    ap.add_argument("--no-durable", action="store_true", help="skip XADD with persistence")
    ap.add_argument("--durable-only", action="store_true", help="only XADD with persistence")
    args = ap.parse_args()
    # A TERM (a timeout around the script) still stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    print(describe_purrc())
    print(subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip())
    with tempfile.TemporaryDirectory(prefix="purr-bench-broker-") as work:
        exe = build(work, args.peers)
        results = {}
        cpu = {}  # (load, server name): CPU seconds the server used for each round of the load
        if not args.no_durable:
            measure_durable(exe, work, args.runs, args.scale, results)
            log_rows = measure_xstream_log(exe, work, args.runs, args.scale)
        if args.durable_only:
            print(table(summary(results), ["load", "Redis", "broker", "broker/Redis"]))
            print(table(log_rows, ["broker load", "without log", "with log", "with/without"]))
            return
        servers = new_servers(exe, work)
        try:
            for r in range(args.runs):
                order = servers if r % 2 == 0 else servers[::-1]
                for name, bargs, n in BENCHMARKS:
                    for pipeline in ["16", "1"]:
                        count = max(1000, int(n * args.scale / (1 if pipeline == "16" else 5)))
                        for s in order:
                            s.flush()
                            key = (f"redis-benchmark {name} -c 50 -P {pipeline} ops/s", s.name)
                            before = s.cpu_seconds()
                            results.setdefault(key, []).append(redis_benchmark(s, bargs, "50", pipeline, count))
                            cpu.setdefault(key, []).append(s.cpu_seconds() - before)
                            print(f"  {key[0]} {s.name}: {results[key][-1]:,.0f}", flush=True)
                for name, pargs, n, figure in PBENCH:
                    for s in order:
                        s.flush()
                        before = s.cpu_seconds()
                        f = pbench(exe, s, pargs, max(1000, int(n * args.scale)))
                        cpu.setdefault((name, s.name), []).append(s.cpu_seconds() - before)
                        value = (float(f["lat_us_p50"]), float(f["p99"])) if figure == "latency" else float(f[figure])
                        results.setdefault((name, s.name), []).append(value)
                        print(f"  {name} {s.name}: {value}", flush=True)
                for name, bargs, n in BINARY:
                    broker = servers[1]
                    broker.flush()
                    value = broker_bench(exe, broker, bargs, max(1000, int(n * args.scale)))
                    results.setdefault((name, "binary"), []).append(value)
                    print(f"  {name} broker binary: {value:,.0f}", flush=True)
        finally:
            for s in servers:
                s.stop()
        if args.entries:
            measure_memory(exe, work, args.entries)
    print(table(summary(results), ["load", "Redis", "broker", "broker/Redis"]))
    print(table(summary(cpu, "{:.2f}"), ["server CPU seconds for the load", "Redis", "broker", "broker/Redis"]))
    rows = []
    for name, _, _ in BINARY if args.runs else []:
        resp, binary = statistics.median(results[(name, "broker")]), statistics.median(results[(name, "binary")])
        rows.append([name, f"{resp:,.0f}", f"{binary:,.0f}", f"{binary / resp:.2f}"])
    print(table(rows, ["broker load", "RESP (pbench)", "binary (broker-bench)", "binary/RESP"]))
    if not args.no_durable:
        print(table(log_rows, ["broker load", "without log", "with log", "with/without"]))


def summary(results, form="{:,.0f}"):
    """Per load, the medians (written with `form`) and broker / Redis."""
    rows = []
    for load in dict.fromkeys(k[0] for k in results):
        if (load, "Redis") not in results:
            continue
        redis, broker = results[(load, "Redis")], results[(load, "broker")]
        if isinstance(redis[0], tuple):
            rm = (statistics.median(v[0] for v in redis), statistics.median(v[1] for v in redis))
            bm = (statistics.median(v[0] for v in broker), statistics.median(v[1] for v in broker))
            rows.append([load, f"{rm[0]:.0f} / {rm[1]:.0f}", f"{bm[0]:.0f} / {bm[1]:.0f}", f"{bm[1] / rm[1]:.2f} (p99)"])
        else:
            rm, bm = statistics.median(redis), statistics.median(broker)
            rows.append([load, form.format(rm), form.format(bm), f"{bm / rm:.2f}" if rm else "-"])
    return rows


if __name__ == "__main__":
    main()
