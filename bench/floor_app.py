"""The framework floor: a Flask view that returns a fixed 25 KB page and does nothing else.

Served by the same gunicorn settings as the site (gunicorn.conf.py), it shows what Flask
and gunicorn cost on their own; no page of the site can be faster.
"""

from flask import Flask

# 25,600 bytes (256 lines of 100), built once at import like a page held in memory.
PAGE = ("x" * 99 + "\n") * 256

app = Flask(__name__)


@app.get("/")
def page() -> str:
    """The same fixed page on every request."""
    return PAGE
