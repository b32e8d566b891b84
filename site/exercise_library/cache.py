"""HTTP caching keyed by the index version: ETags, Cache-Control, and rendered pages kept in
memory. Content only changes when a new index is swapped in, so a page rendered once can be
served again until then, and a client that has it can be told so with a 304."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_etags, quote_etag
from werkzeug.wsgi import get_host

from . import current
from .db import connection_version
from .prescription import FIELDS as PRESCRIPTION_FIELDS

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
# Pages that must always be fresh or that are not pages at all.
UNCACHED_ENDPOINTS = {"static", "pages.healthz"}


def served_version() -> str | None:
    """The version of the index this request actually read from (same connection)."""
    # Asked for by every kept piece of a page: one look at g when it is there.
    here = current.g()
    try:
        return here.served_version
    except AttributeError:
        here.served_version = version = connection_version()
        return version


@dataclass
class CachedPage:
    status: str  # as WSGI has it: "200 OK"
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

    def __iter__(self) -> Iterator[Hashable]:
        """The keys kept, least recently used first (as they were when asked)."""
        with self._lock:
            return iter(list(self._items))


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


def page_key(environ: dict, endpoint: str) -> tuple:
    """What a response depends on: the address and path, the arguments the page reads (order of
    repeated facet values does not matter), and whether htmx asked for the fragment. Read
    from the WSGI environ, so the cache in front of Flask and the ETag Flask sends agree."""
    read = ARGUMENTS_READ.get(endpoint)
    arguments = tuple(
        sorted(
            (k, v)
            for k, v in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if read is None or k in read
        )
    )
    # The scheme and host too: canonical links and QR codes carry the address the page was
    # asked on, and only HTTPS answers carry HSTS.
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return (
        environ["wsgi.url_scheme"], get_host(environ), path, arguments,
        environ.get("HTTP_HX_REQUEST") == "true",
    )  # fmt: skip


# Where PageCacheMiddleware leaves the request's page_key, and the (version, ETag) it made of
# it, for the ETag Flask sends: the same unless a new index came in between.
PAGE_KEY = "exercise_library.page_key"
PAGE_ETAG = "exercise_library.page_etag"


def etag_for(version: str, key: tuple) -> str:
    return hashlib.sha256(repr((version, key)).encode()).hexdigest()[:20]


class PageCacheMiddleware:
    """Answers a page it has already rendered, or a client's matching ETag, before Flask is
    involved at all: no request context, no hooks, no view. Everything else goes through to
    the site, and a cacheable answer (one carrying X-Index-Version) is kept on the way out
    the second time its page is asked for (as nginx's `proxy_cache_min_uses 2`): most URLs
    are asked for once (a coach's note, a search typed once), and keeping those would only
    push out the pages people come back to.
    """

    ENDPOINTS_KEPT = 4096
    # Pages asked for once, remembered by the hash of their key. Bounded like the endpoints:
    # when full it starts again, and a page asked for again then is kept a request later.
    ASKED_KEPT = 8192

    def __init__(self, app: Flask, pages: VersionedCache):
        self.wsgi_app = app.wsgi_app
        self.url_map = app.url_map
        self.versions = app.extensions["index_version"]
        self.pages = pages
        # The endpoint of each path and method seen: routes match on nothing else here, and
        # matching costs as much as the rest of answering from the cache.
        self._endpoints: dict[tuple[str, str], str] = {}
        self._asked_once: set[int] = set()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        route = (environ.get("PATH_INFO", ""), method)
        endpoint = self._endpoints.get(route)
        if endpoint is None:
            try:
                endpoint, _ = self.url_map.bind_to_environ(environ).match()
            except HTTPException:  # a 404, 405 or redirect: the site answers it
                return self.wsgi_app(environ, start_response)
            if len(self._endpoints) >= self.ENDPOINTS_KEPT:
                self._endpoints.clear()  # bounded: any text can be a path
            self._endpoints[route] = endpoint
        version = self.versions.current(environ)
        if endpoint in UNCACHED_ENDPOINTS or version is None:
            return self.wsgi_app(environ, start_response)
        key = environ[PAGE_KEY] = page_key(environ, endpoint)
        etag = etag_for(version, key)
        environ[PAGE_ETAG] = (version, etag)
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(etag):
            start_response(
                "304 Not Modified",
                [
                    ("ETag", quote_etag(etag)),
                    ("Cache-Control", CACHE_CONTROL),
                    ("Vary", "HX-Request"),
                ],
            )
            return []
        page = self.pages.get(version, key)
        if page is not None:
            start_response(page.status, [*page.headers, ("Content-Length", str(len(page.body)))])
            return [page.body] if method == "GET" else []
        if method != "GET" or self._first_time(key):
            return self.wsgi_app(environ, start_response)
        return self._render_and_keep(environ, start_response, key)

    def _first_time(self, key: tuple) -> bool:
        """Whether no request has asked for the page of *key* before (as far as the bounded
        memory of pages asked for once goes); remembers it."""
        asked = hash(key)
        if asked in self._asked_once:
            return False
        if len(self._asked_once) >= self.ASKED_KEPT:
            self._asked_once.clear()
        self._asked_once.add(asked)
        return True

    def _render_and_keep(self, environ: dict, start_response: Callable, key: tuple):
        answered: list = []

        def remember_start(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember_start)
        status, headers = answered or (None, [])
        version = next((v for k, v in headers if k == "X-Index-Version"), None)
        if not status or not status.startswith("200 ") or version is None:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        kept = [(k, v) for k, v in headers if k.lower() != "content-length"]
        self.pages.put(version, key, CachedPage(status, kept, data))
        return [data]


def _rendered_size(value: str | tuple[str, ...]) -> int:
    """The size of a rendered piece of page, or of one kept in parts (a body map with holes)."""
    return len(value) if isinstance(value, str) else sum(map(len, value))


def init_app(app: Flask) -> None:
    """ETags and Cache-Control on every cacheable page, and the page cache in front of Flask."""
    pages = VersionedCache(
        app.config.get("PAGE_CACHE_BYTES", 8 * 1024 * 1024), size=lambda page: len(page.body)
    )
    app.extensions["page_cache"] = pages
    # Rendered pieces of list pages, shared by every list they appear in: exercise cards,
    # facet options with their counts, the body map with holes for its links. A list never
    # seen before is mostly pieces seen before.
    app.extensions["card_cache"] = VersionedCache(
        app.config.get("CARD_CACHE_BYTES", 8 * 1024 * 1024), size=_rendered_size
    )
    # The matches of recent searches (ranked ids and a bitset: about 9 KB for a word that
    # 4,000 of 10,000 exercises contain, 2 KB for a narrow one): the same words come back
    # with other filters.
    app.extensions["search_cache"] = VersionedCache(
        app.config.get("SEARCH_CACHE_BYTES", 2 * 1024 * 1024),
        size=lambda found: found.ranked.itemsize * len(found.ranked) + found.bits.bit_length() // 8,
    )

    @app.after_request
    def mark_cacheable(response: Response) -> Response:
        request = current.request()
        if request.method not in ("GET", "HEAD") or request.endpoint in UNCACHED_ENDPOINTS:
            return response
        if response.status_code != 200 or response.mimetype not in (
            "text/html",
            "application/json",
        ):
            return response
        version = served_version()
        if version is None:
            return response
        made_for, etag = request.environ.get(PAGE_ETAG, (None, None))
        if made_for != version:
            key = request.environ.get(PAGE_KEY) or page_key(request.environ, request.endpoint)
            etag = etag_for(version, key)
        response.set_etag(etag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["X-Index-Version"] = version
        return response

    app.wsgi_app = PageCacheMiddleware(app, pages)
