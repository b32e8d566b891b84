"""Addresses inside pages, built once. Every page links the same routes with the same few
arguments (the navigation, static files, terms, exercises), and building an address through
the routing map costs more than the rest of a typical link's rendering."""

from __future__ import annotations

import functools

from flask import Flask, request, url_for


def page_url(endpoint: str, **values) -> str:
    """`url_for` for templates: a relative address, built once per mount point and set of
    arguments. Anything unusual (`_external`, `_anchor`, list values) goes to url_for as is."""
    if all(isinstance(value, str) and not name.startswith("_") for name, value in values.items()):
        return _built(request.script_root, endpoint, tuple(values.items()))
    return url_for(endpoint, **values)


# Bounded: a search box can put any text in an argument.
@functools.lru_cache(maxsize=4096)
def _built(script_root: str, endpoint: str, values: tuple[tuple[str, str], ...]) -> str:
    # url_for reads the mount point from the request, which the key above carries.
    return url_for(endpoint, **dict(values))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = page_url
