"""Pages for machines: the JSON API, the Atom feed, the sitemap and robots.txt.

The API takes exactly the library's filter parameters, through the same query code as
/exercises, so the list a coach sees and the JSON a tool reads never disagree."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from . import search
from .db import db
from .http import absolute_url
from .models import Exercise, Guide, Meta, Term
from .slugs import is_slug
from .views import current_slug

bp = Blueprint("api", __name__)
# The text and figures of every exercise, for anyone to share and adapt with credit.
LICENSE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def _url(slug: str) -> str:
    return absolute_url(url_for("pages.exercise_detail", slug=slug))


def summary(exercise: Exercise) -> dict:
    """What a list says of one exercise."""
    return {
        "slug": exercise.slug,
        "title": exercise.title,
        "summary": exercise.summary,
        "url": _url(exercise.slug),
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
def exercises():
    terms = search.known_terms()
    filters = search.parse_filters(request.args, terms)
    result = search.search(filters, terms)
    query = (
        select(Exercise).where(Exercise.id.in_(result.ids)).options(selectinload(Exercise.links))
    )
    by_id = {e.id: e for e in db.session.scalars(query)}
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
        exercises=[summary(by_id[i]) for i in result.ids],
    )


@bp.get("/api/exercises/<slug>")
def exercise(slug: str):
    query = select(Exercise).where(Exercise.slug == slug).options(selectinload(Exercise.links))
    found = db.session.scalar(query) if is_slug(slug) else None
    if found is None:
        if current := current_slug(slug):
            return redirect(url_for("api.exercise", slug=current), code=301)
        return jsonify(error="not found", slug=slug), 404
    detail = {
        name: [_absolute(entry) for entry in value] if isinstance(value, list) else value
        for name, value in found.detail.items()
    }
    figure = absolute_url(url_for("api.figure", slug=found.slug))
    return jsonify(
        **summary(found), **detail, figure={"url": figure, "license": LICENSE}, license=LICENSE
    )


@bp.get("/exercises/<slug>/figure.svg")
def figure(slug: str):
    """An exercise's figure as an SVG file, under the licence of its text."""
    query = select(Exercise.figure_svg).where(Exercise.slug == slug)
    found = db.session.scalar(query) if is_slug(slug) else None
    if found is None:
        if current := current_slug(slug):
            return redirect(url_for("api.figure", slug=current), code=301)
        raise NotFound()
    link = f'<{LICENSE["url"]}>; rel="license"'
    return Response(found, mimetype="image/svg+xml", headers={"Link": link})


def _absolute(entry: object) -> object:
    """An entry of an exercise's detail with its `path` as a full `url`."""
    if not isinstance(entry, dict) or "path" not in entry:
        return entry
    fields = {name: value for name, value in entry.items() if name != "path"}
    return fields | {"url": absolute_url(entry["path"])}


@bp.get("/feed.xml")
def feed():
    built = db.session.scalar(select(Meta.value).where(Meta.key == "built_at"))[:10]
    # Newest real date first, in SQL; what has no date comes after everything dated, A to Z.
    undated_last = (Exercise.updated.is_(None), Exercise.updated.desc(), Exercise.title)
    newest = db.session.execute(
        select(Exercise.slug, Exercise.title, Exercise.summary, Exercise.updated)
        .order_by(*undated_last)
        .limit(50)
    ).all()
    body = render_template("machine/feed.xml", exercises=newest, built=built)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/sitemap.xml")
def sitemap():
    body = render_template(
        "machine/sitemap.xml",
        exercises=db.session.execute(
            select(Exercise.slug, Exercise.updated).order_by(Exercise.slug)
        ).all(),
        terms=db.session.scalars(select(Term).order_by(Term.kind, Term.position)).all(),
        guides=db.session.scalars(select(Guide).order_by(Guide.position)).all(),
    )
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    # Filtered lists are pages people share, so they stay crawlable (facet links carry
    # rel="nofollow"); session cards belong to whoever holds the link; the API is for tools.
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /session",
        f"Sitemap: {absolute_url(url_for('api.sitemap'))}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
