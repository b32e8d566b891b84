"""HTTP caching keyed by the index version: ETags, Cache-Control, and rendered pages kept in
memory. Content only changes when a new index is swapped in, so a page rendered once can be
served again until then, and a client that has it can be told so with a 304."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request

from .db import driver_connection
from .prescription import FIELDS as PRESCRIPTION_FIELDS

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
# Pages that must always be fresh or that are not pages at all.
UNCACHED_ENDPOINTS = {"static", "pages.healthz"}


def served_version() -> str | None:
    """The version of the index this request actually read from (same connection)."""
    if "served_version" not in g:
        row = driver_connection().execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        g.served_version = row[0] if row else None
    return g.served_version


@dataclass
class CachedPage:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class VersionedCache:
    """Values rendered from one index version, least recently used dropped first once the
    byte budget is reached. A new version empties it."""

    def __init__(self, max_bytes: int, size: Callable[[Any], int] = len):
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self._lock = threading.Lock()

    def get(self, version: str, key: Hashable) -> Any | None:
        with self._lock:
            if version != self._version:
                return None
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, version: str, key: Hashable, value: Any) -> None:
        size = self._size(value)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._bytes = 0
                self._version = version
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= self._size(old)
            self._items[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= self._size(dropped)

    def __len__(self) -> int:
        return len(self._items)


# The query arguments each page reads; pages not listed read them all. Anything else in a
# link (tracking tags, typos) cannot change the page, so it must not cost a new render.
ARGUMENTS_READ = {
    "pages.exercise_detail": set(PRESCRIPTION_FIELDS),
    "pages.home": set(),
    "pages.phase": set(),
    "pages.equipment": set(),
    "pages.muscle": set(),
    "pages.family": set(),
    "pages.guide_list": set(),
    "pages.guide": set(),
    "pages.assessments": set(),
}


def request_key() -> tuple:
    """What a response depends on: the host and path, the arguments the page reads (order of
    repeated facet values does not matter), and whether htmx asked for the fragment."""
    read = ARGUMENTS_READ.get(request.endpoint or "")
    arguments = tuple(
        sorted((k, v) for k, v in request.args.items(multi=True) if read is None or k in read)
    )
    # The host too: canonical links and QR codes carry the address the page was asked on.
    return (request.host, request.path, arguments, request.headers.get("HX-Request") == "true")


def etag_for(version: str, key: tuple) -> str:
    return hashlib.sha256(repr((version, key)).encode()).hexdigest()[:20]


def init_app(app: Flask) -> None:
    versions = app.extensions["index_version"]
    pages = VersionedCache(
        app.config.get("PAGE_CACHE_BYTES", 8 * 1024 * 1024), size=lambda page: len(page.body)
    )
    app.extensions["page_cache"] = pages
    # Exercise cards, shared by every list they appear in: a list never seen before is
    # mostly cards seen before.
    app.extensions["card_cache"] = VersionedCache(
        app.config.get("CARD_CACHE_BYTES", 8 * 1024 * 1024)
    )

    def cacheable_request() -> bool:
        return request.method in ("GET", "HEAD") and request.endpoint not in UNCACHED_ENDPOINTS

    @app.before_request
    def answer_from_cache():
        if not cacheable_request() or request.endpoint is None:
            return None
        version = versions.current()
        if version is None:
            return None
        key = request_key()
        etag = etag_for(version, key)
        if etag in request.if_none_match:
            g.cache_status = "revalidated"
            response = Response(status=304)
            response.set_etag(etag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            response.vary.add("HX-Request")
            return response
        page = pages.get(version, key)
        if page is None:
            return None
        g.cache_status = "hit"
        return Response(page.body, status=page.status, headers=page.headers)

    @app.after_request
    def remember(response: Response) -> Response:
        if g.get("cache_status") in ("hit", "revalidated") or not cacheable_request():
            return response
        if response.status_code != 200 or response.mimetype not in (
            "text/html",
            "application/json",
        ):
            return response
        version = served_version()
        if version is None:
            return response
        key = request_key()
        response.set_etag(etag_for(version, key))
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["X-Index-Version"] = version
        if request.method == "GET" and not response.is_streamed:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
            pages.put(version, key, CachedPage(response.status_code, headers, response.get_data()))
        return response
