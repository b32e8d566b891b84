"""Serving the fixture library on loopback for the browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from exercise_library import create_app

CHROMIUM = Path("/usr/bin/chromium")
# Quiet on a closed network: no background fetches, no sync, no component updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serve(content: Path, index: Path) -> Iterator[str]:
    """Run the site in a thread on a free loopback port; yield its base URL."""
    app = create_app(
        {"TESTING": True, "CONTENT_DIR": content, "INDEX_PATH": index, "AUTO_BUILD_INDEX": False}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
