"""Slugs: the URL-safe names of exercises, terms, guides and in-page anchors."""

import re

from slugify import slugify as _slugify

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80


def is_slug(value: str) -> bool:
    """Whether *value* is a well-formed slug: lower-case words joined by single hyphens, short
    enough to read in a URL."""
    return len(value) <= MAX_SLUG and bool(SLUG_RE.match(value))


def slugify(text: str, max_length: int = 60) -> str:
    """Free text as a slug, cut at a word boundary so anchors stay readable."""
    return _slugify(text, max_length=max_length, word_boundary=True)
