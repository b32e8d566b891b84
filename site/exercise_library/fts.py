"""The full-text index's shape, shared by the indexer (which writes it) and the queries
(which read it). A module of its own so the site can search without loading the indexer."""

from __future__ import annotations

FTS_COLUMNS = ("title", "names", "summary", "cues", "mistakes", "body")
# bm25 weights, in FTS_COLUMNS order: a hit in the title or a known name matters most.
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0)
