"""A single-leg strength exercise library for runners: content files in, a site out.

content/ (Markdown and YAML) -> content/library.py (validated objects) -> content/build.py
(a SQLite index, pages rendered once) -> search.py and the views (read-only) -> templates.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from . import api, assets, coach, db, http, plan, views

ROOT = Path(__file__).resolve().parents[2]


def create_app(test_config: dict | None = None) -> Flask:
    """Create the site. *test_config* replaces the settings from the environment."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(
        CONTENT_DIR=ROOT / "content",
        INDEX_PATH=Path(app.instance_path) / "index.sqlite3",
        HSTS=False,
        # The public address (https://example.org) for canonical links, feeds and QR codes;
        # by default the address the request came in on.
        SITE_URL=None,
        # The hosts a request may name (Flask answers any other with 400), so no Host header
        # ever gets into an address the site writes: the site's own, and the local ones.
        TRUSTED_HOSTS=None,
        # Only GET and HEAD are served: OPTIONS is refused with 405 like every other method.
        PROVIDE_AUTOMATIC_OPTIONS=False,
    )
    if test_config is None:
        # EXERCISE_LIBRARY_INDEX_PATH=..., EXERCISE_LIBRARY_SITE_URL=..., and so on.
        app.config.from_prefixed_env("EXERCISE_LIBRARY")
    else:
        app.config.update(test_config)
    app.config["CONTENT_DIR"] = Path(app.config["CONTENT_DIR"])
    app.config["INDEX_PATH"] = Path(app.config["INDEX_PATH"])
    if app.config["TRUSTED_HOSTS"] is None:
        site = urlsplit(app.config["SITE_URL"] or "").hostname
        app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "[::1]", *([site] if site else [])]

    for module in (db, http, views, coach, plan, api):
        module.init_app(app)
    fingerprinted = assets.init_app(app)
    # Fingerprinted copies are cached for good (gzip and brotli chosen by Accept-Encoding);
    # the plain names stay for anything that must keep its address.
    static = assets.Static(
        app.wsgi_app, immutable_file_test=assets.is_fingerprinted, max_age=60,
        add_headers_function=assets.nosniff,
    )  # fmt: skip
    static.add_files(str(fingerprinted), prefix="static/")
    static.add_files(app.static_folder, prefix="static/")
    app.wsgi_app = static
    return app
