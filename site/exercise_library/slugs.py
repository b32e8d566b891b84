"""Slugs: the URL-safe names of exercises, terms, guides and in-page anchors. Making one from
free text is the content pipeline's (content/markdown.py `slugify`); the site only checks them."""

import re

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80


def is_slug(value: str) -> bool:
    """Whether *value* is a well-formed slug: lower-case words joined by single hyphens, short
    enough to read in a URL."""
    return len(value) <= MAX_SLUG and bool(SLUG_RE.match(value))
