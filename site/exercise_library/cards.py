"""An exercise in a list: its title and summary with the searched words marked (FTS5
`highlight`, the rest escaped), a quote of where else the words were found when the title
does not show them (`snippet`), and its tags, rendered when the index was built."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select, text

from .db import db
from .models import FTS_COLUMNS, Exercise
from .query import Query

# Where a match is quoted on a card when the title does not show it, most telling first.
MATCH_PLACES = {
    "names": "Also called",
    "why": "Why it matters",
    "cues": "Cue",
    "mistakes": "Common mistake",
    "body": "",
}
MARK, END = "\x01", "\x02"  # never in content: checks refuse control characters


@dataclass(frozen=True)
class Card:
    """An exercise in a list: its heading and summary with the searched words marked, where
    else the search found it when the title does not show it, and its tags."""

    url: str
    title: Markup
    summary: Markup
    tags: Markup
    found: Markup | None = None
    found_in: str = ""
    still: str = ""  # the key pose of its figure, as SVG


def _marked(fts_text: str | None) -> Markup:
    """FTS5 `highlight`/`snippet` output as HTML: the text escaped, the marks made <mark>."""
    escaped = str(escape(fts_text or ""))
    return Markup(escaped.replace(MARK, "<mark>").replace(END, "</mark>"))


_MARKED = text(
    "SELECT rowid, highlight(exercise_fts, 0, :mark, :end), highlight(exercise_fts, 2, :mark, :end), "
    + ", ".join(
        f"snippet(exercise_fts, {FTS_COLUMNS.index(place)}, :mark, :end, '…', 14)"
        for place in MATCH_PLACES
    )
    + " FROM exercise_fts WHERE exercise_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))"
)
_CARDS = select(
    Exercise.id, Exercise.slug, Exercise.title, Exercise.summary, Exercise.tags_html,
    Exercise.still_svg,
).where(Exercise.id.in_(bindparam("ids", expanding=True)))  # fmt: skip


def cards(ids: list[int], query: Query | None = None) -> list[Card]:
    """The cards of exercises *ids*, in that order; with *query*, its words marked."""
    rows = db.session.execute(_CARDS, {"ids": ids}).all()
    marked = {}
    if query is not None and ids:
        found = db.session.execute(
            _MARKED,
            {"mark": MARK, "end": END, "match": query.expression(), "ids": json.dumps(ids)},
        )
        marked = {row[0]: row[1:] for row in found}
    by_id = {}
    for exercise_id, slug, title, summary, tags, still in rows:
        url = url_for("pages.exercise_detail", slug=slug)
        if exercise_id not in marked:
            by_id[exercise_id] = Card(
                url, escape(title), escape(summary), Markup(tags), still=Markup(still)
            )
            continue
        title_marked, summary_marked, *snippets = marked[exercise_id]
        found_in, found = "", None
        if MARK not in title_marked:
            # The quote that marks the most, the most telling place of equals.
            marks, place = max(
                ((snippet or "").count(MARK), -n) for n, snippet in enumerate(snippets)
            )
            if marks:
                found_in, found = list(MATCH_PLACES.values())[-place], _marked(snippets[-place])
        by_id[exercise_id] = Card(
            url, _marked(title_marked), _marked(summary_marked), Markup(tags), found, found_in,
            Markup(still),
        )  # fmt: skip
    return [by_id[i] for i in ids]
