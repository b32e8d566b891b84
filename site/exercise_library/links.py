"""Addresses as people share them: absolute URLs, canonical URLs and QR codes."""

from __future__ import annotations

import functools

import segno
from flask import Flask, request, url_for
from markupsafe import Markup, escape
from werkzeug.sansio.utils import get_current_url

from . import current


def absolute_url(path: str) -> str:
    """*path* on this site's public address: SITE_URL if configured, else the request's host."""
    site_url = current.app().config.get("SITE_URL")
    if site_url:
        return site_url.rstrip("/") + path
    request = current.request()
    return _host_url(request.scheme, request.host) + path


@functools.lru_cache(maxsize=64)
def _host_url(scheme: str, host: str) -> str:
    """`request.host_url` without its slash, built once per scheme and host (request.host is
    checked against TRUSTED_HOSTS first): every page's canonical link starts with it."""
    return get_current_url(scheme, host).rstrip("/")


def canonical_url(**args) -> str | None:
    """The canonical address of the current page: its route with *args* and nothing else."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    return absolute_url(url_for(request.endpoint, **(request.view_args or {}), **args))


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code (no style attributes, so the strict CSP holds). The same
    addresses come back, so codes are kept.

    The mask pattern is fixed: any of the eight is a valid code that every reader decodes,
    and scoring all eight to pick the tidiest took four fifths of the encoding time, which
    a page with a coach's own prescription (a new address every time) would pay in full.
    """
    code = segno.make(url, error="m", micro=False, mask=0)
    svg = code.svg_inline(scale=4, svgclass="qr", lineclass="qr-path", omitsize=True, title=label)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def init_app(app: Flask) -> None:
    app.add_template_global(absolute_url)
    app.add_template_global(canonical_url)
    app.add_template_global(qr_svg)
