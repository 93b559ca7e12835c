"""What the throughput benchmarks share: a compiled load generator (`wrk`), servers started under granian, and
the CPU the servers' processes spent (read from /proc), so that every figure comes with the cost behind it.

`wrk` (Debian's package; `make bench-setup` installs it) sends pre-built requests from a file: one line per
request, `<signature>\\t<body>`, read by a Lua script and split between wrk's threads, so the driver does no
work per request but copy bytes. A Python client could not saturate even a bare endpoint (171-409 req/s
against wrk's 3,900-5,100 on the same server): what it measured was itself.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = r"""
local threads, counter = {}, 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  local total, k = tonumber(args[2]), 0
  reqs = {}
  for line in io.lines(args[1]) do
    if k % total == id then
      local tab = line:find("\t", 1, true)
      local headers = {["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = line:sub(1, tab - 1)}
      reqs[#reqs + 1] = wrk.format("POST", nil, headers, line:sub(tab + 1))
    end
    k = k + 1
  end
  pos, wraps = 0, 0
end
function request()
  pos = pos + 1
  if pos > #reqs then pos, wraps = 1, wraps + 1 end
  return reqs[pos]
end
function done(summary, latency, requests)
  local wrapped = 0
  for _, t in ipairs(threads) do wrapped = wrapped + t:get("wraps") end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, "wraps": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout, wrapped,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        sys.exit("bench: wrk is missing; run `make bench-setup` (Debian's wrk package)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    module_dir: Path, module: str, env: dict[str, str], workers: int, *, warm_marker: str | None = None
) -> tuple[subprocess.Popen, str]:
    """Start granian in a session of its own; with `warm_marker`, also wait until every worker has printed it
    (a production process warms up at start, so measuring its first seconds would time the loading)."""
    port = free_port()
    log = module_dir / f"{module}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", str(workers)]
        + ["--host", "127.0.0.1", "--port", str(port), f"{module}:app"],
        cwd=module_dir,
        env={**env, "PYTHONPATH": f"{module_dir}:{ROOT}"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            listening = sock.connect_ex(("127.0.0.1", port)) == 0
        if listening and (warm_marker is None or log.read_text().count(warm_marker) >= workers):
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{module} did not start:\n{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    """End a server and its worker processes (its whole session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def session_cpu(session: int) -> float:
    """CPU seconds (user + system) spent so far by the live processes of one session (a server and its workers)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state is fields[0]
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Load:
    """One wrk run against one server: what the server answered and what it cost."""

    requests: int
    seconds: float
    non2xx: int
    errors: int
    wraps: int
    p50_ms: float
    p99_ms: float
    server_cpu_s: float
    driver_cpu_s: float
    machine_busy: float  # share of all CPUs busy during the run (1.0 = every core)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / max(self.requests, 1)

    def line(self, name: str) -> str:
        cores = os.cpu_count() or 1
        return (
            f"{name:<30} {self.rate:>8.1f} req/s  p50 {self.p50_ms:>6.1f} ms  p99 {self.p99_ms:>6.1f} ms  "
            f"server CPU {self.cpu_ms_per_request:>5.2f} ms/req ({100 * self.server_cpu_s / self.seconds:>3.0f}% "
            f"of a core)  wrk {100 * self.driver_cpu_s / self.seconds:>3.0f}%  machine busy "
            f"{100 * self.machine_busy:>3.0f}% of {cores} cores"
        )


def write_requests(path: Path, lines: list[tuple[str, bytes]]) -> None:
    """The request file wrk's script reads: `<signature>\\t<body>` per line (JSON bodies hold no raw newline)."""
    with path.open("wb") as out:
        for signature, body in lines:
            out.write(signature.encode() + b"\t" + body + b"\n")


def run_wrk(
    url: str, requests_file: Path, server: subprocess.Popen, *, seconds: float, connections: int, threads: int = 2
) -> Load:
    """Drive `url` with wrk for `seconds`, `connections` keep-alive connections back to back."""
    script = requests_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT)
    before_cpu, before_busy = session_cpu(server.pid), machine_busy()
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "30s"]
    command += ["-s", str(script), url, "--", str(requests_file), str(threads)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_cpu, after_busy = session_cpu(server.pid), machine_busy()
    figures = json.loads(next(line[4:] for line in finished.stdout.splitlines() if line.startswith("WRK ")))
    driver = (after_children.ru_utime + after_children.ru_stime) - (before_children.ru_utime + before_children.ru_stime)
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non2xx=figures["non2xx"],
        errors=figures["errors"],
        wraps=figures["wraps"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        server_cpu_s=after_cpu - before_cpu,
        driver_cpu_s=driver,
        machine_busy=(after_busy[0] - before_busy[0]) / max(after_busy[1] - before_busy[1], 1),
    )
