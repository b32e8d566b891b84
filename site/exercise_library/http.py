"""HTTP around every page: the security headers, ETags and 304s, the page or the htmx
fragment, absolute addresses, and the error pages.

Pages change only when a new index is in place, so a page's ETag is its address (with the
host and the htmx flag that pick its rendering) and the index version: a client or nginx
that holds the page is answered 304 before anything is rendered."""

from __future__ import annotations

import hashlib
import logging
import sqlite3

from flask import Flask, Response, current_app, make_response, render_template, request, url_for
from sqlalchemy.exc import DatabaseError
from werkzeug.exceptions import HTTPException, SecurityError

from .db import index_version

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'",
    ]
)  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
UNTRUSTED_HOST = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Bad request</title>'
    "<h1>Bad request</h1><p>This site does not answer for the host this request named.</p></html>"
)
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
UNCACHED_ENDPOINTS = {"static", "pages.healthz"}
CACHED_TYPES = {
    "text/html",
    "application/json",
    "application/atom+xml",
    "application/xml",
    "text/plain",
    "text/calendar",
    "image/svg+xml",
}


def is_htmx_request() -> bool:
    """htmx marks its own requests; a history restore is not one, and gets the full page."""
    return request.headers.get("HX-Request") == "true"


def render_page_or_fragment(page: str, fragment: str, **context) -> Response:
    """One URL, two renderings: for htmx the fragment that the page itself includes, for
    everyone else the page. Caches must keep them apart, hence Vary."""
    response = make_response(render_template(fragment if is_htmx_request() else page, **context))
    response.vary.add("HX-Request")
    return response


def query_pairs(args: dict) -> list[tuple[str, str]]:
    """url_for arguments as the (name, value) pairs of the query string they make."""
    pairs = []
    for name, value in args.items():
        pairs += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
    return pairs


def is_canonical(args: dict) -> bool:
    """Whether the request's query string is exactly the clean one *args* make."""
    return list(request.args.items(multi=True)) == query_pairs(args)


def absolute_url(path: str) -> str:
    """*path* on the site's public address: SITE_URL if set, else the request's host."""
    site_url = current_app.config.get("SITE_URL")
    return (site_url.rstrip("/") if site_url else request.host_url.rstrip("/")) + path


def canonical_url(**args) -> str | None:
    """The canonical address of this page: its route with *args* and nothing else."""
    if request.endpoint in (None, "static"):
        return None
    return absolute_url(url_for(request.endpoint, **(request.view_args or {}), **args))


def _etag() -> str | None:
    version = index_version()
    if version is None:
        return None
    key = f"{version}\0{request.host}\0{request.full_path}\0{is_htmx_request()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint not in UNCACHED_ENDPOINTS


def render_error(code: int, **context: object) -> tuple[str, int]:
    """The error page for *code*, in the site's design (a 404 can offer what was meant:
    `nearest`, an exercise's slug and title, and `prefill` for its search box)."""
    template = "errors/404.html" if code == 404 else "errors/error.html"
    return render_template(template, code=code, **context), code


def init_app(app: Flask) -> None:
    @app.before_request
    def answer_what_the_client_has() -> Response | None:
        etag = _etag() if _cacheable() and request.if_none_match else None
        if etag and request.if_none_match.contains_weak(etag):
            return Response(
                status=304, headers={"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL}
            )
        return None

    @app.after_request
    def add_headers(response: Response) -> Response:
        # Added, not looked up first: no view sets them, and a miss costs Werkzeug an exception.
        response.headers.extend(SECURITY_HEADERS)
        if app.config["HSTS"] and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        cacheable = response.status_code == 200 and response.mimetype in CACHED_TYPES
        if cacheable and _cacheable() and (etag := _etag()):
            response.set_etag(etag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            response.headers["X-Index-Version"] = index_version() or ""
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, SecurityError):  # a Host header the site does not answer for:
            return (
                UNTRUSTED_HOST,
                400,
                {"Content-Type": "text/html; charset=utf-8"},
            )  # no links to make
        response = error.get_response()
        body, code = render_error(error.code or 500)
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response, code

    # SQLAlchemy's error, and the driver's own from the queries that read ids straight from it.
    @app.errorhandler(DatabaseError)
    @app.errorhandler(sqlite3.DatabaseError)
    def index_unavailable(error: Exception):
        log.error("index unavailable for %s: %s", request.path, error)
        body, code = render_error(503)
        return body, code, {"Retry-After": "5"}

    app.add_template_global(absolute_url)
    app.add_template_global(canonical_url)
