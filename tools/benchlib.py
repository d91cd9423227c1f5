"""Small helpers shared by the benchmark scripts (no dependencies)."""
import os
import re
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURRC = Path(os.environ.get("PURRC", ROOT / "target" / "release" / "purrc"))


def run(cmd, stdout=subprocess.DEVNULL, **kw):
    """Runs cmd, raising with its stderr if it fails."""
    p = subprocess.run([str(c) for c in cmd], stdout=stdout, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr.decode(errors='replace')}")
    return p


def time_median(cmd, runs, stdout=subprocess.DEVNULL, warmup=1):
    """Median wall time in seconds of `runs` runs of cmd (after `warmup` untimed runs)."""
    median, times, _ = time_and_peak_median(cmd, runs, stdout, warmup)
    return median, times


def time_and_peak_median(cmd, runs, stdout=subprocess.DEVNULL, warmup=1):
    """Median wall time in seconds and median peak resident memory in bytes
    of `runs` runs of cmd (after `warmup` untimed runs); also the times."""
    for _ in range(warmup):
        run(cmd, stdout=stdout)
    times, peaks = [], []
    for _ in range(runs):
        t, peak = run_measured(cmd, stdout)
        times.append(t)
        peaks.append(peak)
    return statistics.median(times), times, statistics.median(peaks)


def run_measured(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns its wall time in seconds and its peak resident
    memory in bytes (the kernel's ru_maxrss of that one child)."""
    t0 = time.perf_counter()
    p = subprocess.Popen([str(c) for c in cmd], stdout=stdout, stderr=subprocess.PIPE)
    stderr = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{stderr.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss * 1024


def table(rows, header):
    """Formats rows (lists of str) as an aligned plain-text table."""
    rows = [header] + rows
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def snapshot_purrc(work):
    """Copies purrc into work, so that a rebuild during the run changes nothing."""
    ensure_purrc()
    dest = Path(work) / "purrc"
    shutil.copy2(PURRC, dest)
    return dest


def describe_purrc():
    """Which purrc is measured: the checkout's commit (+dirty) and the binary's build time."""
    git = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(PURRC.stat().st_mtime))
    return f"purrc {git.stdout.strip() or '?'} (binary built {built}), {os.cpu_count()} cores"


def ensure_purrc():
    if not PURRC.exists():
        raise SystemExit(f"{PURRC} not found: run `cargo build --release` in {ROOT} first (or set PURRC)")


def free_port():
    """A TCP port that nothing listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port):
    """Waits, at most about 5 s, until something accepts on the port."""
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"nothing listens on {port}")


class Server:
    """A server process for a benchmark; `port` is where it listens. A
    server started without a port (`--port 0`) says it on its first line,
    `listening on PORT`."""

    def __init__(self, name, cmd, port=None):
        self.name = name
        self.proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = self.said_port("listening on ") if port is None else port
        wait_listening(self.port)

    def said_port(self, prefix):
        """The port on the server's next line, `PREFIX PORT`."""
        line = self.proc.stdout.readline().decode()
        m = re.match(re.escape(prefix) + r"(\d+)", line)
        if not m:
            raise SystemExit(f"{self.name}: expected `{prefix}PORT`, got {line!r}")
        return int(m[1])

    def rss(self):
        """Its resident memory in bytes."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+) kB", f.read())[1]) * 1024

    def cpu_seconds(self):
        """The user and system CPU time it has used so far, in seconds."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
