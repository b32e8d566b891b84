"""Run wrk and read its report; read worker memory from /proc."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

COLD_LUA = Path(__file__).with_name("cold.lua")
_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles in milliseconds, and every failure."""

    url: str
    requests: int
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    errors: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0
    command: str = ""

    @property
    def failures(self) -> int:
        return sum(self.errors.values()) + self.non_2xx_3xx

    def as_dict(self) -> dict:
        return {**asdict(self), "failures": self.failures}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse(output: str, url: str = "", command: str = "") -> WrkResult:
    """Read the text wrk prints with --latency."""
    percentiles = {
        p: round(_milliseconds(v), 3)
        for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M)
    }
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    if socket_errors:
        errors = dict(zip(errors, map(int, socket_errors.groups()), strict=True))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if requests is None or rps is None:
        raise ValueError(f"wrk printed no summary:\n{output}")
    return WrkResult(
        url=url,
        requests=int(requests[1]),
        rps=float(rps[1]),
        # With no completed request wrk still prints percentiles, all zero: not a latency.
        p50_ms=percentiles.get("50") if int(requests[1]) else None,
        p99_ms=percentiles.get("99") if int(requests[1]) else None,
        errors=errors,
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        command=command,
    )


def run(
    url: str,
    seconds: float,
    connections: int = 16,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    cold: list[str] | None = None,
    timeout_s: float = 10,
) -> WrkResult:
    """Run `wrk -tT -cC -dDs --latency` against *url*. With *cold*, bench/cold.lua gets
    those arguments and sends a different URL on every request.

    wrk's own timeout is raised from 2 s to *timeout_s* so a slow page is measured as slow
    rather than dropped from the latencies; a request slower still counts as an error.
    """
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    argv += [f"--timeout={timeout_s:g}s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if cold:
        argv += ["-s", str(COLD_LUA), url, "--", *cold]
    else:
        argv.append(url)
    completed = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}")
    shown = " ".join(a if " " not in a else repr(a) for a in argv)
    return parse(completed.stdout, url, shown)


def children(pid: int) -> list[int]:
    """The direct children of *pid* (gunicorn's workers), from /proc."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces; ppid follows the state.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mib(pid: int) -> float | None:
    """Resident memory of *pid* in MiB, or None if it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match[1]) / 1024 if match else None
