"""Slugs: the URL-safe names of exercises, terms, guides and in-page anchors."""

import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: str) -> bool:
    """Return whether *value* is a well-formed slug (lower-case words joined by single hyphens)."""
    return bool(SLUG_RE.match(value))


_WORD_RE = re.compile(r"[a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """Turn free text into a slug, cut at a word boundary so anchors stay readable."""
    if not text.isascii():  # NFKD leaves ASCII as it is: skip it for the common case
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _WORD_RE.findall(text.lower())
    slug = "-".join(words)
    if len(slug) <= max_length:
        return slug
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate
    return slug[:max_length]
