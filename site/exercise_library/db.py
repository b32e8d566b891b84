"""The database handle. The web process only ever reads the index, through a read-only URI."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def read_only_uri(index_path: Path) -> str:
    """A SQLite URI that can never write.

    `immutable=1` is safe because a new index replaces the file (a new inode) instead of
    changing it, and it spares every query SQLite's file locking.
    """
    return f"sqlite:///file:{quote(str(Path(index_path).resolve()))}?mode=ro&immutable=1&uri=true"


def init_app(app: Flask) -> None:
    """Point Flask-SQLAlchemy at the index, read-only.

    No connection pool: each request opens the file that is in place when it starts, so a
    freshly built index is served from the next request on, and a request never mixes two.
    """
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", read_only_uri(app.config["INDEX_PATH"]))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"poolclass": NullPool})
    db.init_app(app)
