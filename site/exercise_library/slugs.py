"""Slugs: the URL-safe names of exercises, terms, guides and in-page anchors."""

import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: str) -> bool:
    """Return whether *value* is a well-formed slug (lower-case words joined by single hyphens)."""
    return bool(SLUG_RE.match(value))


def slugify(text: str, max_length: int = 60) -> str:
    """Turn free text into a slug, cut at a word boundary so anchors stay readable."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate
    return slug[:max_length]
