"""Pages for machines: the JSON API, the Atom feed, the sitemap and robots.txt.

The API takes exactly the library's filter parameters, through the same parsing and query
code as /exercises, so a list a coach sees and the JSON a tool reads can never disagree.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from . import queries
from .db import db
from .links import absolute_url
from .models import Exercise, Guide, Term
from .slugs import is_slug

bp = Blueprint("machine", __name__)


def _exercise_url(slug: str) -> str:
    return absolute_url(url_for("pages.exercise_detail", slug=slug))


def exercise_summary(exercise: Exercise) -> dict:
    """The fields a list needs."""
    return {
        "slug": exercise.slug,
        "title": exercise.title,
        "summary": exercise.summary,
        "url": _exercise_url(exercise.slug),
        "family": exercise.family.slug,
        "phases": [t.slug for t in exercise.terms("phase")],
        "equipment": [t.slug for t in exercise.terms("equipment")],
        "muscles": {
            "primary": [t.slug for t in exercise.terms("muscle", "primary")],
            "secondary": [t.slug for t in exercise.terms("muscle", "secondary")],
        },
        "updated": exercise.updated,
    }


@bp.get("/api/exercises")
def api_exercises():
    filters, terms = queries.parse_filters(request.args)
    result = queries.search(filters, terms)
    return jsonify(
        filters={
            **{f: list(v) for f, v in filters.selected.items()},
            "q": filters.q,
            "sort": filters.sort,
        },
        count=result.total,
        page=filters.page,
        pages=result.pages,
        facets={
            facet: [
                {
                    "slug": v.term.slug,
                    "label": v.term.label,
                    "count": v.count,
                    "selected": v.selected,
                }
                for v in values
            ]
            for facet, values in result.facets.items()
        },
        exercises=[exercise_summary(e) for e in result.exercises],
    )


@bp.get("/api/exercises/<slug>")
def api_exercise(slug: str):
    exercise = queries.exercise_by_slug(slug) if is_slug(slug) else None
    if exercise is None:
        current = queries.slug_for_alias(slug) if is_slug(slug) else None
        if current is None:
            return jsonify(error="not found", slug=slug), 404
        return redirect(url_for("machine.api_exercise", slug=current), code=301)
    page = _exercise_url(exercise.slug)
    return jsonify(
        **exercise_summary(exercise),
        also_known_as=[n.name for n in exercise.names],
        steps=[s.text for s in exercise.steps],
        cues=[
            {"anchor": c.anchor, "url": f"{page}#{c.anchor}", "html": c.html} for c in exercise.cues
        ],
        mistakes=[
            {
                "anchor": m.anchor,
                "url": f"{page}#{m.anchor}",
                "title": m.title,
                "html": m.html,
                "fix_html": m.fix_html,
            }
            for m in exercise.mistakes
        ],
        dosage=[
            {
                "phase": d.phase.slug,
                "sets": d.sets,
                "reps": d.reps,
                "seconds": d.seconds,
                "per_leg": d.per_leg,
                "tempo": d.tempo,
                "load": d.load,
                "note": d.note,
            }
            for d in exercise.dosages
        ],
        ladder=[
            {
                "direction": s.direction,
                "slug": s.target.slug,
                "url": _exercise_url(s.target.slug),
                "criterion_html": s.criterion_html,
            }
            for s in exercise.ladder
        ],
    )


def _all_exercises() -> list[Exercise]:
    return list(db.session.scalars(select(Exercise).order_by(Exercise.slug)))


@bp.get("/feed.xml")
def feed():
    facts = queries.meta()
    built = facts["built_at"][:10]
    exercises = sorted(_all_exercises(), key=lambda e: (e.updated or built, e.title), reverse=True)
    body = render_template("machine/feed.xml", exercises=exercises[:50], built=built)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/sitemap.xml")
def sitemap():
    terms = db.session.scalars(select(Term).order_by(Term.kind, Term.position))
    guides = db.session.scalars(select(Guide).order_by(Guide.position))
    body = render_template(
        "machine/sitemap.xml", exercises=_all_exercises(), terms=list(terms), guides=list(guides)
    )
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    # Filtered lists are real pages people share, so they stay crawlable (their facet links
    # carry rel="nofollow" to keep crawlers off endless combinations). Session cards belong
    # to whoever holds the link, and the API is not for search engines.
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /session",
        f"Sitemap: {absolute_url(url_for('machine.sitemap'))}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
