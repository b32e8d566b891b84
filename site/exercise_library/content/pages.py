"""Every exercise's pages, rendered once when the index is built with the site's own
templates: its tags, the intro under its title, the article below, its figure (drawn by
figure.py) and the words of it a misspelling may be corrected to. On every core when there
are many: forked workers start with the library loaded."""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator

from flask import current_app, render_template, url_for
from markupsafe import Markup

from .. import bodymap
from ..query import words
from ..views import term_url
from . import figure
from .library import PARALLEL_FROM, WORKERS, Library, worker_pool
from .markdown import render_inline
from .schema import TERM_KINDS, ExerciseMeta

# An exercise's tags, intro and article, its ladder's (target, criterion HTML), rendered, and
# the words of it a misspelling may be corrected to.
Pages = tuple[str, str, str, list[tuple[str, str]], set[str], str, str]
# The words a misspelling may be corrected to: letters only, long enough to be mistyped.
_WORD = re.compile(r"^[^\W\d_]{3,30}$")


def shared_by_all(library: Library) -> dict:
    """What the templates of every page share: the taxonomy, every exercise's title, and the
    address of every page they link to (built once, not once a link)."""
    assert library.taxonomy is not None
    terms, urls = {}, {}
    for group, kind in TERM_KINDS.items():
        terms[kind] = {t.slug: t for t in getattr(library.taxonomy, group)}
        urls[kind] = {slug: term_url(kind, slug) for slug in terms[kind]}
    urls["exercise"] = {s: url_for("pages.exercise_detail", slug=s) for s in library.exercises}
    titles = {slug: e.meta.title for slug, e in library.exercises.items()}
    return {"terms": terms, "titles": titles, "urls": urls}


@contextlib.contextmanager
def rendered_pages(library: Library, shared: dict) -> Iterator[Iterator[tuple[str, Pages]]]:
    """Each exercise's pages as they are rendered, on every core when there are many."""
    global _rendering
    _rendering = (library, shared)  # forked workers start with it
    slugs = sorted(library.exercises)
    chunks = [slugs[n : n + 100] for n in range(0, len(slugs), 100)]
    if len(slugs) < PARALLEL_FROM or WORKERS < 2:
        yield zip(slugs, itertools.chain.from_iterable(map(_render, chunks)), strict=True)
        return
    with worker_pool() as pool:
        rendered = pool.map(_render, chunks)  # every chunk is sent off now
        yield zip(slugs, itertools.chain.from_iterable(rendered), strict=True)


_rendering: tuple[Library, dict] | None = None


def _render(slugs: list[str]) -> list[Pages]:
    assert _rendering is not None
    library, shared = _rendering
    phases = list(shared["terms"]["phase"])
    pages = []
    with current_app.test_request_context("/"):
        tags = current_app.jinja_env.get_template("_macros.html").module.tags
        for slug in slugs:
            meta = library.exercises[slug].meta
            ladder = [(s.exercise, render_inline(s.when)) for s in meta.regressions]
            drawn = figure.drawings(meta.figure, meta.title, library.exercises[slug].body.steps)
            context = shared | {
                "exercise": library.exercises[slug],
                "tags": tags(meta, shared["terms"], shared["urls"]),  # in the card and the page
                "dosage": [(phase, meta.dosage[phase]) for phase in phases if phase in meta.dosage],
                "regressions": ladder,
                "progressions": [(s.exercise, render_inline(s.when)) for s in meta.progressions],
                "figure": drawn[0],
                "muscle_map": _muscle_map(meta, shared["terms"]["muscle"]),
            }
            intro, article = (
                render_template(f"exercises/_{name}.html", **context)
                for name in ("intro", "article")
            )
            searched = " ".join(library.searched_text(library.exercises[slug]).values())
            vocabulary = {word for word in words(searched) if _WORD.match(word)}
            steps = ladder + context["progressions"]
            pages.append((str(context["tags"]), intro, article, steps, vocabulary, *drawn))
    return pages


def _muscle_map(meta: ExerciseMeta, muscles: dict) -> Markup:
    """The body map of the muscles an exercise works, as its page shows it."""
    primary, secondary = (
        [(slug, muscles[slug].label) for slug in getattr(meta.muscles, role)]
        for role in ("primary", "secondary")
    )
    return bodymap.highlight(primary, secondary)
