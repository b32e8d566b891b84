"""A single-leg strength exercise library for runners: content files in, a fast site out."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

ROOT = Path(__file__).resolve().parents[2]


def create_app(test_config: dict | None = None) -> Flask:
    """Create the site. *test_config* replaces settings from the environment."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        CONTENT_DIR=ROOT / "content",
        INDEX_PATH=Path(app.instance_path) / "index.sqlite3",
        AUTO_BUILD_INDEX=True,
        HSTS=False,
        # The public address (e.g. https://example.org) for canonical links, feeds and QR
        # codes; by default the address the request came in on.
        SITE_URL=None,
    )
    if test_config is None:
        # EXERCISE_LIBRARY_INDEX_PATH=..., EXERCISE_LIBRARY_HSTS=true, and so on.
        app.config.from_prefixed_env("EXERCISE_LIBRARY")
    else:
        app.config.update(test_config)
    app.config["CONTENT_DIR"] = Path(app.config["CONTENT_DIR"])
    app.config["INDEX_PATH"] = Path(app.config["INDEX_PATH"])

    from . import assets, cache, cli, db, errors, links, machine, security, urls, views

    db.init_app(app)
    cli.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    links.init_app(app)
    urls.init_app(app)
    if app.config["AUTO_BUILD_INDEX"]:
        _build_index_before_first_request(app)
    views.init_app(app)
    machine.init_app(app)
    cache.init_app(app)

    fingerprinted = assets.init_app(app)
    # Fingerprinted copies first (cached for good, gzip and brotli picked by Accept-Encoding),
    # then the plain files under their own names for anything that must keep its address.
    static = WhiteNoise(app.wsgi_app, immutable_file_test=assets.is_fingerprinted, max_age=60)
    static.add_files(str(fingerprinted), prefix="static/")
    static.add_files(app.static_folder, prefix="static/")
    app.wsgi_app = static
    return app


def _build_index_before_first_request(app: Flask) -> None:
    """Build a missing or out-of-date index when the site first serves, not at import:
    `flask check` loads the app too, and must change nothing. The indexer is imported only
    then, so a site started with an index already built never loads it (see gunicorn.conf.py)."""
    lock = threading.Lock()
    done = threading.Event()

    @app.before_request
    def ensure_fresh_index() -> None:
        if done.is_set():
            return
        with lock:
            if not done.is_set():
                from .indexer import ensure_index

                logging.getLogger(__name__).info("checking the index against the content")
                ensure_index(app.config["CONTENT_DIR"], app.config["INDEX_PATH"])
                done.set()
