"""The database handle. The site only ever reads the index, through a read-only URI,
and follows the file: when a new index is moved into place, the next request reads it."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def file_uri(index_path: Path) -> str:
    """A SQLite URI that can never write. Not `immutable=1`: a new index replaces the file (a
    new inode), but someone may still change it in place, and then SQLite's shared lock is
    what keeps a query from reading half a change (the lock costs nothing measurable)."""
    return f"file:{quote(str(Path(index_path).resolve()))}?mode=ro"


class IndexFile:
    """The index file being served and the version it holds, looked at once a request (a
    stat) and read again only when another file is in its place.

    Only a readable index is ever switched to. A file that vanished, or one that is not an
    index, changes nothing: the connections open on the last good file keep reading it (an
    open file outlives its name), until a good index is moved into place."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.identity: tuple[int, int, int] | None = None
        self.version: str | None = None
        self._refused: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    def changed(self) -> bool:
        """Whether a new, readable index is in place (and is now the one served)."""
        try:
            info = os.stat(self.path)
            identity = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            return False
        if identity in (self.identity, self._refused):
            return False
        with self._lock:
            version = read_version(self.path)
            if version is None:
                self._refused = identity
                return False
            self.identity, self.version = identity, version
        return True


def read_version(index_path: Path) -> str | None:
    """The content version recorded in an index file, or None if it is not a usable index."""
    try:
        connection = sqlite3.connect(file_uri(index_path), uri=True)
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            return row[0] if row else None
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def index_version() -> str | None:
    """The version of the index this app serves (looked at now if no request has yet)."""
    index = current_app.extensions["index_file"]
    if index.version is None:
        index.changed()
    return index.version


def init_app(app: Flask) -> None:
    """Point Flask-SQLAlchemy at the index, read-only, and follow the file: pooled
    connections read the file they opened, so the pool is emptied when a new one is in place."""
    index = IndexFile(app.config["INDEX_PATH"])
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{file_uri(index.path)}&uri=true")
    db.init_app(app)
    app.extensions["index_file"] = index

    @app.before_request
    def follow_the_index_file() -> None:
        if index.changed():
            db.engine.dispose()
