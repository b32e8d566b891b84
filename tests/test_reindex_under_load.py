"""Reindexing while gunicorn serves real concurrent load: no failed request, and every
response comes wholly from one index or the other."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exercise_library import ROOT
from exercise_library.content.build import build_index_for as build_index

REBUILDS = 20
TITLES = {"Box step", "Box step-up"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("X-Index-Version", ""), response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(library_copy: Path, tmp_path: Path):
    index = tmp_path / "index.sqlite3"
    build_index(library_copy, index)
    port = _free_port()
    env = {
        **os.environ,
        "EXERCISE_LIBRARY_CONTENT_DIR": str(library_copy),
        "EXERCISE_LIBRARY_INDEX_PATH": str(index),
        "EXERCISE_LIBRARY_AUTO_BUILD_INDEX": "false",
        "ACCESS_LOG": "-",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "wsgi:app",
    ]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + 20
    while True:
        try:
            if _get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    yield port, index, log, process.pid
    process.terminate()
    process.wait(timeout=10)


def test_twenty_rebuilds_under_load_fail_no_request(gunicorn, library_copy: Path):
    port, index, log, _ = gunicorn
    source = library_copy / "exercises" / "box-step.md"
    original = source.read_text()
    versions_seen: dict[str, set[str]] = {}
    failures: list[str] = []
    stop = threading.Event()
    counter = iter(range(10**9))

    def load() -> None:
        while not stop.is_set():
            # Half the requests miss every cache (a new query string each time, answered
            # as the htmx fragment), so rendering really overlaps the swaps.
            n = next(counter)
            path = "/exercises/box-step" if n % 2 else f"/exercises?phase=beginner&n={n}"
            headers = {} if n % 2 else {"HX-Request": "true"}
            try:
                status, version, body = _get(port, path, headers)
            except OSError as error:
                failures.append(f"{path}: {error}")
                continue
            if status != 200:
                failures.append(f"{path}: {status}")
                continue
            titles = set(re.findall(r">(Box step(?:-up)?)<", body))
            if len(titles) != 1 or not titles <= TITLES:
                failures.append(f"{path}: titles {titles}")
                continue
            versions_seen.setdefault(version, set()).update(titles)

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        for rebuild in range(REBUILDS):
            title = "Box step-up" if rebuild % 2 == 0 else "Box step"
            source.write_text(original.replace("title: Box step", f"title: {title}"))
            build_index(library_copy, index)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert failures == []
    # One access-log line per request, in the combined format.
    assert re.search(
        r'127\.0\.0\.1 - - \[[^]]+\] "GET /exercises/box-step HTTP/1\.1" 200 \d+', log.read_text()
    )
    assert len(versions_seen) == 2, versions_seen
    # Wholly from one index: each version only ever showed one title.
    assert all(len(titles) == 1 for titles in versions_seen.values()), versions_seen


def _workers_reading(master: int, index: Path) -> int:
    """How many of gunicorn's workers (the children of *master*) hold *index* open."""
    reading = 0
    for worker in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        with contextlib.suppress(OSError):  # a worker may be gone between the two reads
            fds = Path(f"/proc/{worker}/fd").iterdir()
            reading += any(os.path.realpath(fd) == str(index.resolve()) for fd in fds)
    return reading


def _corrupt(index: Path) -> None:
    """A file that is not an index moved into the index's place."""
    garbage = index.with_name("garbage")
    garbage.write_bytes(b"SQLite format 3\0" + os.urandom(64 * 1024))
    os.replace(garbage, index)


def _edit_in_place(index: Path) -> None:
    """A change written into the served file itself, as `sqlite3 index.sqlite3` would."""
    with sqlite3.connect(index) as connection:
        connection.execute("UPDATE exercise SET article_html = article_html || ' '")
        connection.execute("UPDATE meta SET value = value || '-edited' WHERE key = 'version'")


@pytest.mark.parametrize("accident", [Path.unlink, _corrupt, _edit_in_place])
def test_the_index_file_damaged_while_serving_fails_no_request(gunicorn, accident):
    port, index, log, master = gunicorn
    failures: list[str] = []
    served = 0
    stop = threading.Event()
    lock = threading.Lock()

    def load(worker: int) -> None:
        nonlocal served
        n = 0
        while not stop.is_set():
            n += 1
            # Every other request misses every cache: a new address, answered as a fragment.
            path = "/exercises/box-step" if n % 2 else f"/exercises?phase=beginner&n={worker}-{n}"
            try:
                status, _, body = _get(port, path, {} if n % 2 else {"HX-Request": "true"})
            except OSError as error:
                failures.append(f"{path}: {error}")
                continue
            if status != 200 or "Box step" not in body:
                failures.append(f"{path}: {status}")
            with lock:
                served += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        # A worker that first opens the index after the accident has no good index to read
        # (and says so with a 503); what is tested is that an open one keeps serving.
        deadline = time.monotonic() + 20
        while _workers_reading(master, index) < 2:
            assert time.monotonic() < deadline, "the workers never opened the index"
            time.sleep(0.05)
        accident(index)
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == [], log.read_text()[-3000:]
    assert served > 100
