"""Load generation and server processes for the benchmarks: uvicorn under wrk."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# wrk calls done() once at the end with its own latency histogram (microseconds).
WRK_SCRIPT = """
local paths = {%s}
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu_us: float  # server process CPU time per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


@dataclass
class Server:
    base: str
    proc: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid)

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time a running process has used so far: utime + stime."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn(app: str, env: dict[str, str], ready_path: str, log: Path, *, serve: bool = False) -> Iterator[Server]:
    """One uvicorn worker serving the factory `app`, on a free port, until the block ends;
    with `serve`, as `newsdesk serve` runs it (its HTTP protocol class, app.front)."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", app, "--host", "127.0.0.1",
           "--port", str(port), "--workers", "1", "--no-access-log"]
    if serve:
        cmd = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not start; see {log}")
            try:
                if httpx.get(server.base + ready_path, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


def wrk(server: Server, paths: Sequence[str], seconds: float, connections: int, seed: int = 1) -> Load:
    """Drive `server` with random picks from `paths` for `seconds`: throughput and latency."""
    lua_paths = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (lua_paths, seed))
    try:
        cpu_before = server.cpu_seconds()
        out = subprocess.run(
            [require_wrk(), "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
             "-s", script.name, server.base],
            capture_output=True, text=True, check=True,
        ).stdout
        cpu = server.cpu_seconds() - cpu_before
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=raw["errors"] + raw["non2xx"],
        server_cpu_us=cpu * 1e6 / max(raw["requests"], 1),
    )
