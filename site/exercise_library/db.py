"""The database handle. The web process only ever reads the index, through a read-only URI."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

from . import current


class Base(DeclarativeBase):
    pass


class _ContextSession(Session):
    """A session that reads through its app context's one connection (`connection()`)."""

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any
    ) -> Engine | Connection:
        return bind if bind is not None else connection()


db = SQLAlchemy(model_class=Base, session_options={"class_": _ContextSession})


def read_only_uri(index_path: Path) -> str:
    """A SQLite URI that can never write.

    `immutable=1` is safe because a new index replaces the file (a new inode) instead of
    changing it, and it spares every query SQLite's file locking.
    """
    return f"sqlite:///{_read_only_file_uri(index_path)}&uri=true"


def _read_only_file_uri(index_path: Path) -> str:
    """The same, as sqlite3.connect(..., uri=True) takes it."""
    return f"file:{quote(str(Path(index_path).resolve()))}?mode=ro&immutable=1"


def connection() -> Connection:
    """This app context's connection to the index (a request's), taken from the pool on
    first use. The ORM session and the driver's queries both read through it, so a page
    never mixes two index files; a page that only needs the driver never starts a session,
    which would cost several times what its queries do."""
    here = current.g()
    found = here.get("_index_connection")
    if found is None:
        found = here._index_connection = db.engine.connect()
    return found


def driver_connection() -> sqlite3.Connection:
    """The sqlite3 connection under `connection()`, for the few hot queries where building
    ORM rows costs more than the query itself. Values are still bound."""
    here = current.g()
    found = here.get("_index_driver_connection")
    if found is None:
        found = here._index_driver_connection = connection().connection.dbapi_connection
    return found


def _close_connection(exception: BaseException | None) -> None:
    here = current.g()
    found = here.pop("_index_connection", None)
    here.pop("_index_driver_connection", None)
    if found is not None:
        db.session.remove()  # the session first: it may hold a transaction on the connection
        found.close()


class IndexVersion:
    """The version of the index file now in place, re-read only when the file changes.

    A stat per request is far cheaper than a query; the file's identity (inode, mtime, size)
    changes whenever a new index is moved into place.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._identity: tuple[int, int, int] | None = None
        self._version: str | None = None
        self._lock = threading.Lock()
        # Counts the files seen, so each reader of the file can tell it has moved on,
        # whichever of them noticed first.
        self.generation = 0

    def identity(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def changed(self) -> bool:
        """Whether the file is not the one seen last time (and remember the new one)."""
        identity = self.identity()
        with self._lock:
            if identity == self._identity and self._version is not None:
                return False
            self._version = index_version(self.path) if identity else None
            self._identity = identity
            self.generation += 1
            return True

    def current(self, environ: dict | None = None) -> str | None:
        """The version of the file in place; with the request's WSGI *environ*, noted there
        so the rest of the request does not look at the file again."""
        self.changed()
        if environ is not None:
            environ[_INDEX_CHECKED] = True
        return self._version


_INDEX_CHECKED = "exercise_library.index_checked"


def index_version(index_path: Path) -> str | None:
    """The content version recorded in an index file, or None if there is no usable index."""
    try:
        connection = sqlite3.connect(_read_only_file_uri(index_path), uri=True)
        try:
            return _version_in(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def connection_version() -> str | None:
    """The version of the index this app context's connection reads. A pooled connection
    reads one file all its life (the pool is emptied when a new file is in place), so it is
    asked once per connection."""
    info = connection().connection.info
    if "index_version" not in info:
        info["index_version"] = _version_in(driver_connection())
    return info["index_version"]


def _version_in(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    return row[0] if row else None


def init_app(app: Flask) -> None:
    """Point Flask-SQLAlchemy at the index, read-only.

    Connections are pooled while the same index file is in place: opening one costs more
    than a whole cached query. When a new index is moved into place the pool is emptied
    before the request reads anything, so from then on every request reads the new file;
    a request that already holds a connection finishes on the file it started with.
    """
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", read_only_uri(app.config["INDEX_PATH"]))
    if app.config.get("SQLALCHEMY_BINDS"):
        raise ValueError("the site reads one index: _ContextSession has no other binds to pick")
    db.init_app(app)
    app.teardown_appcontext(_close_connection)
    versions = IndexVersion(app.config["INDEX_PATH"])
    app.extensions["index_version"] = versions
    pooled_generation = -1

    @app.before_request
    def follow_the_index_file() -> None:
        nonlocal pooled_generation
        if not request.environ.get(_INDEX_CHECKED):
            versions.changed()
        if versions.generation != pooled_generation:
            db.engine.dispose()
            pooled_generation = versions.generation
