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
    app = create_app({"TESTING": True, "CONTENT_DIR": content, "INDEX_PATH": index})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def tidy_summary(summary: str) -> str:
    """axe's failureSummary on one line: its headings ("Fix any of the following:") kept,
    its checks, one per line in the original, separated by semicolons."""
    parts: list[str] = []
    for line in filter(None, (raw.strip() for raw in summary.splitlines())):
        if parts and not parts[-1].endswith(":"):
            parts[-1] += ";"
        parts.append(line)
    return " ".join(parts)


def format_violations(violations: list[dict]) -> str:
    """One paragraph per rule: id, impact, what it means, where, and axe's own summary."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    at {target}: {tidy_summary(node.get('failureSummary', ''))}")
    return "\n".join(lines)
