"""Addresses inside pages, built once. Every page links the same routes with the same few
arguments (the navigation, static files, terms, exercises), and building an address through
the routing map costs more than the rest of a typical link's rendering."""

from __future__ import annotations

import functools

from flask import Flask, url_for

from . import current


def page_url(endpoint: str, **values) -> str:
    """`url_for` for templates: a relative address, built once per app, mount point and set
    of arguments. Anything unusual (`_external`, `_anchor`, list values) goes to url_for."""
    if all(isinstance(value, str) and not name.startswith("_") for name, value in values.items()):
        built = current.app().extensions["page_urls"]
        return built(current.request().script_root, endpoint, tuple(values.items()))
    return url_for(endpoint, **values)


def _build(script_root: str, endpoint: str, values: tuple[tuple[str, str], ...]) -> str:
    # url_for reads the mount point from the request, which the key above carries.
    return url_for(endpoint, **dict(values))


def init_app(app: Flask) -> None:
    # Each app its own addresses, bounded: a search box can put any text in an argument.
    app.extensions["page_urls"] = functools.lru_cache(maxsize=4096)(_build)
    app.jinja_env.globals["url_for"] = page_url
