"""Static files with fingerprinted names, served forever, with gzip and brotli copies.

`build_assets` copies each file under static/ to build/static/ as name.<hash>.ext and writes
compressed copies beside it; templates ask `asset_url(path)` for the address. A changed file
gets a new name, so browsers and caches may keep every name for good. The step is cheap (a
dozen files) and keyed by content, so the site runs it at start when anything changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import brotli
from flask import Flask, current_app
from whitenoise import WhiteNoise
from whitenoise.responders import StaticFile

COMPRESSIBLE = {".css", ".js", ".svg", ".webmanifest", ".txt", ".json", ".map"}
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
MANIFEST = "manifest.json"


def _write(path: Path, data: bytes) -> None:
    """Write atomically: two workers starting together must never serve half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as output:
        output.write(data)
    os.replace(temporary, path)


def build_assets(source: Path, target: Path) -> dict[str, str]:
    """Fingerprint every file under *source* into *target*; return {path: hashed path}."""
    manifest: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        hashed = (
            f"{relative[: -len(path.suffix)] if path.suffix else relative}.{digest}{path.suffix}"
        )
        manifest[relative] = hashed
        destination = target / hashed
        if destination.exists():
            continue
        _write(destination, data)
        if path.suffix in COMPRESSIBLE:
            _write(destination.with_name(destination.name + ".gz"), gzip.compress(data, 9, mtime=0))
            _write(
                destination.with_name(destination.name + ".br"), brotli.compress(data, quality=11)
            )
    _write(target / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


# What every page loads, in this order: base.html links them, and the service worker keeps
# them so that a page kept for offline reading still has its styles and scripts.
STYLESHEETS = ("css/site.css", "css/body-map.css", "css/figure.css")
SCRIPTS = ("vendor/htmx-4.0.1.min.js", "js/app.js")
ICON = "icons/icon.svg"


def page_assets() -> list[str]:
    """The fingerprinted addresses of what every page loads."""
    return [asset_url(path) for path in (*STYLESHEETS, *SCRIPTS, ICON)]


def asset_url(path: str) -> str:
    """The address of a static file under its fingerprinted name."""
    return current_app.extensions["assets"][path]


class Static(WhiteNoise):
    """WhiteNoise, with two answers of its own for every static file: `nosniff`, and an
    empty suffix range (`bytes=-0`, nothing to send: RFC 9110 says 416) refused rather than
    read, as WhiteNoise reads it, as the whole file."""

    def get_static_file(self, path, url, stat_cache=None):
        static_file = super().get_static_file(path, url, stat_cache)
        static_file.__class__ = _StaticFile  # the same file, with the range rule below
        return static_file


class _StaticFile(StaticFile):
    def get_byte_range(self, range_header: str, size: int) -> tuple[int, int]:
        if re.fullmatch(r"\s*-0+\s*", range_header.partition("=")[2]):
            return size, size  # an empty range: WhiteNoise answers 416 for start >= end
        return super().get_byte_range(range_header, size)


def nosniff(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def is_fingerprinted(path: str, url: str) -> bool:
    """WhiteNoise's test for files that can be cached for good."""
    return bool(HASHED_NAME.search(url))


def init_app(app: Flask) -> Path:
    """Build the fingerprinted copies; return the folder WhiteNoise should also serve."""
    target = Path(
        app.config.get("ASSETS_DIR") or Path(app.static_folder).parent / "build" / "static"
    )
    hashed = build_assets(Path(app.static_folder), target)
    # What url_for("static", filename=...) gives, made once for every page's dozen links.
    app.extensions["assets"] = {
        path: f"{app.static_url_path}/{name}" for path, name in hashed.items()
    }
    app.add_template_global(asset_url)
    app.jinja_env.globals.update(stylesheets=STYLESHEETS, scripts=SCRIPTS, icon=ICON)
    return target
