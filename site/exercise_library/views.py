"""The pages. Every URL here is public contract: coaches paste them into messages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, jsonify, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select

from . import bodymap, search
from .assets import page_assets
from .coach import Prescription
from .db import db, index_version
from .http import (
    canonical_url,
    is_canonical,
    is_htmx_request,
    query_pairs,
    render_error,
    render_page_or_fragment,
)
from .models import Alias, Assessment, Exercise, Guide, Meta, Program, RunningSigns, Term
from .slugs import is_slug

bp = Blueprint("pages", __name__)

# A taxonomy kind and the route of its landing pages: /phases/beginner, /muscles/core...
TERM_ROUTES = {
    "phase": "phases",
    "equipment": "equipment",
    "muscle": "muscles",
    "family": "families",
}


def term_url(kind: str, slug: str) -> str:
    """The landing page of a taxonomy term."""
    return url_for("pages.term", route=TERM_ROUTES[kind], slug=slug)


def library_url(args: dict) -> str:
    """/exercises with *args* (as `Filters.to_args` gives them): the address url_for gives,
    its query string encoded directly, since a list page makes two dozen of these."""
    base = url_for("pages.exercise_list")
    return f"{base}?{urlencode(query_pairs(args))}" if args else base


@bp.get("/")
def home():
    guides = db.session.scalars(select(Guide).order_by(Guide.position))
    return render_template("home/index.html", terms=search.known_terms(), guides=list(guides))


@bp.get("/exercises")
def exercise_list():
    terms = search.known_terms()
    filters = search.parse_filters(request.args, terms)
    # A form sends every field, the empty ones too; the address people copy and share holds
    # only what matters, in one order.
    canonical = library_url(filters.to_args())
    # A form's empty fields go by a redirect; a value that names nothing stays in the address
    # bar, so the page can say what it left out.
    if not is_htmx_request() and not is_canonical(filters.to_args()) and not filters.unknown:
        return redirect(canonical, code=302)
    result = search.search(filters, terms)
    if filters.page > result.pages:
        last = library_url(filters.to_args(page=result.pages))
        return render_error(404, last_page=last)
    muscles = [m for m in terms.get("muscle", []) if m.slug in bodymap.REGIONS]
    response = render_page_or_fragment(
        "exercises/index.html", "exercises/_results.html", result=result,
        filters=filters, terms=terms, canonical=canonical, facet_labels=search.FACET_LABELS,
        sorts=search.SORTS, panel_open=is_htmx_request(),
        muscle_links={m.slug: library_url(filters.toggled("muscle", m.slug)) for m in muscles},
    )  # fmt: skip
    if is_htmx_request() and not is_canonical(filters.to_args()):
        response.headers["HX-Push-Url"] = canonical  # the history entry gets the clean address
    return response


# What an exercise page reads, as columns: it shows them, it does not need the objects.
_EXERCISE_PAGE = (
    select(
        Exercise.slug, Exercise.title, Exercise.summary, Exercise.intro_html,
        Exercise.article_html, Exercise.howto_json, Exercise.muscles,
        Term.slug.label("family_slug"), Term.label.label("family_label"),
    )
    .join(Term, Term.id == Exercise.family_id)
    .where(Exercise.slug == bindparam("slug"))
)  # fmt: skip


@bp.get("/exercises/<slug>")
def exercise_detail(slug: str):
    exercise = db.session.execute(_EXERCISE_PAGE, {"slug": slug}).first() if is_slug(slug) else None
    if exercise is None:
        current = current_slug(slug)
        url = (
            url_for("pages.exercise_detail", slug=current, **request.args.to_dict(flat=False))
            if current
            else None
        )
        if url:
            return redirect(url, code=301)
        typed = slug[:100]  # an address can be long; a name never is
        return render_error(
            404,
            nearest=search.nearest_exercise(typed),
            prefill=search.corrected(typed.replace("-", " ")),
        )
    howto = {**json.loads(exercise.howto_json), "url": canonical_url()}
    return render_template(
        "exercises/detail.html", exercise=exercise, howto=howto,
        prescription=Prescription.from_args(request.args),
    )  # fmt: skip


def current_slug(slug: str) -> str | None:
    """The current slug of an exercise that was once at *slug*."""
    if not is_slug(slug):
        return None
    return db.session.scalar(
        select(Exercise.slug)
        .join(Alias, Alias.exercise_id == Exercise.id)
        .where(Alias.slug == slug)
    )


@bp.get("/<any(phases, equipment, muscles, families):route>/<slug>")
def term(route: str, slug: str):
    kind = next(kind for kind, name in TERM_ROUTES.items() if name == route)
    found = (
        db.session.scalar(select(Term).where(Term.kind == kind, Term.slug == slug))
        if is_slug(slug)
        else None
    )
    if found is None:
        abort(404)
    page = request.args.get("page", 1, type=int)
    total, cards = search.term_page(found, page)
    pages = max(1, -(-total // search.PAGE_SIZE))
    if not 1 <= page <= pages:
        return render_error(
            404, last_page=url_for("pages.term", route=route, slug=slug, page=pages)
        )
    program = db.session.scalar(select(Program).where(Program.phase_id == found.id))
    siblings = db.session.scalars(select(Term).where(Term.kind == kind).order_by(Term.position))
    return render_template(
        "terms/detail.html", term=found, kind=kind, program=program, siblings=list(siblings),
        cards=cards, total=total, page=page, pages=pages, facets=search.FACETS,
        page_size=search.PAGE_SIZE,
    )  # fmt: skip


@bp.get("/guides")
def guide_list():
    guides = db.session.scalars(select(Guide).order_by(Guide.position))
    return render_template("guides/index.html", guides=list(guides))


@bp.get("/guides/<slug>")
def guide(slug: str):
    guides = list(db.session.scalars(select(Guide).order_by(Guide.position)))
    found = next((g for g in guides if g.slug == slug), None)
    if found is None:
        abort(404)
    return render_template("guides/detail.html", guide=found, guides=guides)


@bp.get("/assessments")
def assessments():
    rows = db.session.scalars(select(Assessment).order_by(Assessment.position))
    signs = db.session.scalars(select(RunningSigns)).first()
    return render_template("assessments/index.html", assessments=list(rows), running_signs=signs)


@bp.get("/offline")
def offline():
    """What the service worker shows for a page it has not kept, with no connection."""
    return render_template("offline/page.html", phases=search.known_terms().get("phase", []))


@bp.get("/sw.js")
def service_worker():
    """The service worker, at the root so that it covers every page. It lists the files it
    keeps from the start (the offline page, the programs, the shared static files) by their
    fingerprinted names, and is renamed with every index."""
    phases = [term_url("phase", t.slug) for t in search.known_terms().get("phase", [])]
    body = render_template(
        "offline/sw.js",
        version=index_version() or "none",
        offline=url_for("pages.offline"),
        precache=[url_for("pages.offline"), *phases, *page_assets()],
    )
    # Checked again on every visit: a new index (or new code) must reach the phone.
    headers = {"Cache-Control": "no-cache", "Content-Type": "text/javascript; charset=utf-8"}
    return body, 200, headers


@bp.get("/healthz")
def healthz():
    """For load balancers: which index this node serves, and how much is in it."""
    facts = dict(db.session.execute(select(Meta.key, Meta.value)).all())
    return (
        jsonify(
            status="ok",
            index_version=facts["version"],
            exercises=int(facts["exercises"]),
            built_at=facts["built_at"],
        ),
        200,
        {"Cache-Control": "no-store"},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(term_url)
    app.add_template_global(library_url)
    app.add_template_global(bodymap, "bodymap")
