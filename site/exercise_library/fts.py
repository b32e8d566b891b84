"""The full-text index's shape, shared by the indexer (which writes it) and the queries
(which read it). A module of its own so the site can search without loading the indexer."""

from __future__ import annotations

# The columns people search, then one holding a token per filter value (see facet_token).
TEXT_COLUMNS = ("title", "names", "summary", "cues", "mistakes", "body")
FTS_COLUMNS = (*TEXT_COLUMNS, "facets")
# bm25 weights, in FTS_COLUMNS order: a hit in the title or a known name matters most; the
# facet tokens only narrow a search and never rank it.
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0, 0.0)
FACET_KINDS = ("phase", "equipment", "muscle")


def facet_token(kind: str, slug: str) -> str:
    """One word standing for a filter value in the search index ("phasebeginner"), so a
    filtered search ranks only the exercises that pass the filters."""
    return kind + slug.replace("-", "")
