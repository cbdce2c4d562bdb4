"""Servers for the benchmarks: start one on loopback, load it with wrk, read its memory."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TIMEOUT_S = 30
CORES = os.cpu_count() or 1
WRK_SCRIPT = """
local paths = {PATHS}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %f %f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99),
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
end
"""


def archive_env(data: Path, **more: str) -> dict[str, str]:
    """The environment of a `newsarchive` subprocess over the archive in `data` (no seeds)."""
    return {
        **os.environ,
        "NEWSARCHIVE_DATA_DIR": str(data),
        "NEWSARCHIVE_SEEDS_DIR": str(data),
        **more,
    }


def ingest_with_cli(source: Path, data: Path, **env: str) -> float:
    """Seconds for `newsarchive ingest` to store and index `source` in the archive in `data`
    (`env`: more settings, NEWSARCHIVE_DATABASE_URL=… for another store)."""
    return _timed_cli(["ingest", str(source)], data, **env)


def compact_with_cli(data: Path) -> float:
    """Seconds for `newsarchive compact` to merge the archive's large segments (what a
    server does beside itself after a bulk ingest)."""
    return _timed_cli(["compact"], data)


def _timed_cli(arguments: list[str], data: Path, **env: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", *arguments],
        env=archive_env(data, **env),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict[str, str], url: str) -> Iterator[subprocess.Popen]:
    """A server subprocess, once `url` answers; stopped on the way out."""
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(url, timeout=5).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[:4]} did not start: {server.stderr.read()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still answering a backlog of requests
            server.kill()
            server.wait()


def serve_command(port: int, workers: int = CORES) -> list[str]:
    """`newsarchive serve` on loopback `port` with `workers` processes (default: one a core)."""
    return [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)]


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def workers_memory_mb(pid: int) -> dict[str, float]:
    """Peak memory of each process that serves for `serve` at `pid`: its workers (uvicorn's
    spawned children), or itself when it serves alone. `max_mb` is one worker's, `sum_mb`
    all of theirs (what the machine must hold); the supervisor holds little and is left out."""
    pids = worker_pids(pid) or [pid]
    peaks = [peak_memory_mb(worker) for worker in pids]
    return {"workers": len(pids), "max_mb": max(peaks), "sum_mb": sum(peaks)}


def worker_pids(parent: int) -> list[int]:
    """The children of `parent` that multiprocessing spawned to serve (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


def wrk(base: str, *, paths: list[str], connections: int, seconds: int) -> dict[str, float]:
    """A bounded wrk run (2 threads) requesting `paths` in turn: requests/s, latency, errors.

    `errors` are socket errors and answers later than TIMEOUT_S; `non_2xx` are answers of
    400 or more. (wrk's own timeout, 2 s, would count a slow answer as an error: slowness
    is what the latency columns are for.)
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("PATHS", ",".join(json.dumps(p) for p in paths)))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"--timeout={TIMEOUT_S}s"]
    command += ["-s", script.name, base]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    return _parse_wrk(output)


def _parse_wrk(output: str) -> dict[str, float]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, errors, non_2xx, p50_us, p99_us, seconds, per_second = line.split()[1:]
    return {
        "requests": int(requests),
        "errors": int(errors),
        "non_2xx": int(non_2xx),
        "p50_ms": int(p50_us) / 1000,
        "p99_ms": int(p99_us) / 1000,
        "seconds": float(seconds),
        "per_second": float(per_second),
    }
