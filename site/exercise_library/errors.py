"""Error pages: every failure a visitor can cause is a 4xx page in the site's design; a
missing or broken index is a 503 that recovers by itself once a good index exists."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, render_template, request
from sqlalchemy.exc import DatabaseError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The address could not be read. Check it, or start from the library."),
    404: ("Page not found", "There is no page at this address. Try a search instead."),
    405: ("Method not allowed", "This site only answers GET and HEAD requests."),
    503: (
        "Library temporarily unavailable",
        "The exercise index is being rebuilt or repaired. Please try again in a moment.",
    ),
}


def render_error(code: int):
    title, message = MESSAGES.get(code, ("Something went wrong", "Please try again later."))
    template = "errors/404.html" if code == 404 else "errors/error.html"
    return render_template(template, code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = error.get_response()
        body, code = render_error(error.code or 500)
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        return response, code

    @app.errorhandler(OperationalError)
    @app.errorhandler(DatabaseError)
    @app.errorhandler(sqlite3.DatabaseError)  # from the hot queries read through the driver
    def index_unavailable(error: Exception):
        log.error("index unavailable for %s: %s", request.path, error)
        body, code = render_error(503)
        return body, code, {"Retry-After": "5"}
