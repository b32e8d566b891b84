"""The app, request and `g` of the current context, as the objects themselves.

Code that runs dozens of times a page (addresses, kept pieces of page, the served index
version) takes these once and reads them directly: every attribute read through Flask's
proxies (`current_app.x`, `request.x`, `g.x`) costs about a microsecond in Werkzeug's
LocalProxy, a tenth of a page's time at that count, and the object itself a tenth of that.
Anywhere else, the proxies read better.
"""

from __future__ import annotations

from typing import Any

import flask


def app() -> flask.Flask:
    """The current app."""
    return flask.current_app._get_current_object()


def request() -> flask.Request:
    """The current request."""
    return flask.request._get_current_object()


def g() -> Any:
    """The current app context's `g`."""
    return flask.g._get_current_object()
