"""Run the scale-out setup on loopback: gunicorn nodes, each with its own index, behind nginx.

tests/test_scaleout.py and the benchmark start it through `Supervisor`, which owns every
process it starts and stops them all, in reverse order, when its `with` block ends. To try
it by hand (Ctrl-C stops everything):

    python -m deploy.cluster --nodes 2 --port 8080
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from deploy.render import render
from exercise_library.content.build import build_index_for

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A loopback port that is free right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    """What `fetch` got: status, headers and the whole body."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Response:
    """GET *url* without following redirects or raising on an error status."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path or "/", headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass
class Supervisor:
    """Starts processes, each in its own process group with its output in a log file, and
    stops every one of them (the group: gunicorn's workers, nginx's workers) on exit."""

    log_dir: Path
    processes: list[tuple[str, subprocess.Popen, object]] = field(default_factory=list)

    def __enter__(self) -> Supervisor:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None):
        """Start *argv*; its stdout and stderr go to LOG_DIR/NAME.log."""
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                # Its own group, so stopping it reaches the workers it forks too.
                start_new_session=True,
            )
        except BaseException:
            log.close()
            raise
        self.processes.append((name, process, log))
        return process

    def log_tail(self, name: str, lines: int = 30) -> str:
        """The end of a process's log, for error messages."""
        path = self.log_dir / f"{name}.log"
        text = path.read_text("utf-8", "replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, process: subprocess.Popen, timeout: float = 10) -> None:
        """Stop one process and its group: SIGTERM, then SIGKILL after *timeout* seconds."""
        for entry in list(self.processes):
            if entry[1] is process:
                self.processes.remove(entry)
                _stop_group(process, timeout)
                entry[2].close()

    def close(self) -> None:
        """Stop everything still running, the last started first."""
        while self.processes:
            self.stop(self.processes[-1][1])

    def wait_until_serving(self, name: str, url: str, timeout: float = 30) -> None:
        """Poll *url* until it answers 200; fail early, with the log, if the process died."""
        process = next(p for n, p, _ in self.processes if n == name)
        deadline = time.monotonic() + timeout
        last_error: object = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}:\n{self.log_tail(name)}"
                )
            try:
                status = fetch(url, timeout=5).status
                if status == 200:
                    return
                last_error = f"status {status}"
            except OSError as error:
                last_error = error
            time.sleep(0.05)
        raise TimeoutError(
            f"{name} not serving {url} after {timeout} s ({last_error}):\n{self.log_tail(name)}"
        )


def _stop_group(process: subprocess.Popen, timeout: float) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            process.wait()
    # Workers that outlived their master would still be in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def start_gunicorn(
    supervisor: Supervisor,
    name: str,
    port: int,
    workers: int,
    env: dict[str, str] | None = None,
    app: str | None = None,
    ready_path: str = "/",
) -> subprocess.Popen:
    """Start gunicorn with the committed gunicorn.conf.py on loopback *port*; return once
    *ready_path* answers 200 (for the site, that first request also checks the index)."""
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    if app:
        argv.append(app)  # overrides wsgi_app from the config, every other setting kept
    process = supervisor.start(
        name, argv, {**(env or {}), "PORT": str(port), "WORKERS": str(workers)}
    )
    supervisor.wait_until_serving(name, f"http://{LOOPBACK}:{port}{ready_path}")
    return process


def node_env(content_dir: Path, index_path: Path) -> dict[str, str]:
    """The environment that points one node at its content and its own index."""
    return {
        "EXERCISE_LIBRARY_CONTENT_DIR": str(content_dir),
        "EXERCISE_LIBRARY_INDEX_PATH": str(index_path),
    }


def prepare_state_dir(state_dir: Path) -> Path:
    """Create nginx's state folder so that its workers can use it.

    Started as root, nginx runs its workers as `nobody`: they must be able to reach the
    folder (the cache and the files it serves live there), so every folder above it must
    let others through, which pytest's and mkdtemp's private folders do not.
    """
    state_dir = Path(state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        state_dir.chmod(0o755)
        for parent in state_dir.parents:
            if not parent.stat().st_mode & 0o001:
                raise PermissionError(
                    f"{parent} is closed to other users, so nginx's workers cannot reach "
                    f"{state_dir}: put the state folder somewhere else (e.g. under /tmp)"
                )
    return state_dir


def start_nginx(supervisor: Supervisor, name: str, config: str, state_dir: Path, port: int):
    """Run nginx in the foreground with *config*, prefix and state in *state_dir*."""
    state_dir = prepare_state_dir(state_dir)
    config_path = state_dir / "nginx.conf"
    config_path.write_text(config, encoding="utf-8")
    argv = [NGINX, "-p", str(state_dir), "-c", str(config_path), "-e", "stderr"]
    process = supervisor.start(name, [*argv, "-g", "daemon off;"])
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"nginx exited with {process.returncode}:\n"
                f"{supervisor.log_tail(name)}\n{_tail(state_dir / 'error.log')}"
            )
        try:
            socket.create_connection((LOOPBACK, port), timeout=1).close()
            return process
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])


@dataclass
class ScaleOut:
    """A running scale-out setup: where nginx listens and where each node is."""

    url: str
    node_urls: list[str]
    index_paths: list[Path]


def start_scale_out(
    supervisor: Supervisor,
    content_dir: Path,
    work_dir: Path,
    state_dir: Path,
    nodes: int = 2,
    workers: int = 1,
    cache_valid: str = "1s",
    index_source: Path | None = None,
    port: int | None = None,
) -> ScaleOut:
    """Start *nodes* gunicorn nodes, each with its own index in *work_dir*, and nginx in
    front of them with its state (and cache) in *state_dir*.

    Each index is built from *content_dir*, or copied from *index_source* when given (a
    large corpus takes many seconds to build). nginx listens on *port*, or a free one.
    """
    ports = [free_port() for _ in range(nodes)]
    index_paths = []
    for number, node_port in enumerate(ports, 1):
        index_path = Path(work_dir) / f"node{number}" / "index.sqlite3"
        if index_source is None:
            build_index_for(content_dir, index_path)
        else:
            index_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(index_source, index_path)
        index_paths.append(index_path)
        env = node_env(content_dir, index_path)
        start_gunicorn(supervisor, f"node{number}", node_port, workers, env)
    nginx_port = port or free_port()
    nodes_at = [f"{LOOPBACK}:{node_port}" for node_port in ports]
    config = render(
        nodes_at,
        state_dir,
        listen=f"{LOOPBACK}:{nginx_port}",
        cache_valid=cache_valid,
    )
    start_nginx(supervisor, "nginx", config, state_dir, nginx_port)
    return ScaleOut(
        url=f"http://{LOOPBACK}:{nginx_port}",
        node_urls=[f"http://{node}" for node in nodes_at],
        index_paths=index_paths,
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: run the setup over the real content until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per node")
    parser.add_argument("--cache-valid", default="30s")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="exercise-library-cluster-"))
    # A folder of its own directly under /tmp, so that nginx's workers can reach it.
    state_dir = Path(tempfile.mkdtemp(prefix="exercise-library-nginx-"))
    try:
        with Supervisor(work_dir / "logs") as supervisor:
            setup = start_scale_out(
                supervisor,
                args.content,
                work_dir,
                state_dir,
                args.nodes,
                args.workers,
                args.cache_valid,
                port=args.port,
            )
            print(f"nginx: {setup.url}  nodes: {', '.join(setup.node_urls)}  logs: {work_dir}")
            try:
                while all(p.poll() is None for _, p, _ in supervisor.processes):
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        shutil.rmtree(state_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
