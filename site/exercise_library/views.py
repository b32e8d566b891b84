"""The pages. Every URL here is public contract: coaches paste them into messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from sqlalchemy import select

from . import current, queries
from .cache import served_version
from .db import db
from .links import absolute_url
from .models import Assessment, Guide, Program, Term
from .prescription import Prescription
from .sessions import SessionPlan
from .slugs import is_slug
from .urls import page_url

bp = Blueprint("pages", __name__)


def is_htmx_request() -> bool:
    """htmx sends HX-Request on its own requests; a history restore does not, and gets the
    full page like any other visitor."""
    return current.request().headers.get("HX-Request") == "true"


def render_page_or_fragment(page: str, fragment: str, **context):
    """One URL, two renderings: the fragment the page itself includes, for htmx; the whole
    page for everyone else. Caches must keep them apart, hence Vary."""
    template = fragment if is_htmx_request() else page
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def _is_canonical(args: dict) -> bool:
    """Whether the request's query string is exactly the clean one *args* would make."""
    return list(request.args.items(multi=True)) == queries.query_pairs(args)


@bp.get("/")
def home():
    terms = queries.known_terms()
    return render_template("home/index.html", terms=terms, guides=_guides())


@bp.app_template_global()
def library_url(args: dict[str, list[str] | str], base: str | None = None) -> str:
    """/exercises with *args* (as Filters.to_args() gives them): the address url_for would
    give, built without the routing map, since a list page carries dozens of these links.
    *base*, the address of /exercises itself, spares the lookup to a caller making many."""
    base = base or page_url("pages.exercise_list")
    pairs = queries.query_pairs(args)
    if not pairs:
        return base
    # What urlencode() gives, with each name and value quoted once per process: a list page
    # repeats the same few values in dozens of links.
    return f"{base}?" + "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in pairs)


_quoted = functools.lru_cache(maxsize=4096)(quote_plus)

# The mark around each hole of a page or address kept in pieces: no markup or address of the
# library contains a NUL (YAML refuses it, Markdown turns it into U+FFFD, slugs are
# [a-z0-9-]), and quote_plus gives "%00" for it.
_HOLE = "\x00"


@dataclass(frozen=True)
class Toggled:
    """The addresses that add or remove values of one facet, around the part they differ in:
    *head* + the facet's values + *tail*, or *without* when no value is left. Built once for
    many values (`of`); the body map keeps its links with holes in their place."""

    head: str
    tail: str
    without: str

    @classmethod
    def of(cls, filters: queries.Filters, facet: str, base: str) -> Toggled:
        """The addresses around *facet*'s values for *filters*, from /exercises at *base*."""
        # The facet's values go where a hole is; the first one is the facet's, since the
        # query text comes after the facets.
        with_hole = library_url(filters.with_values(facet, (_HOLE,)), base)
        head, _, tail = with_hole.partition(f"{_quoted(facet)}={_quoted(_HOLE)}")
        return cls(head, tail, library_url(filters.with_values(facet, ()), base))

    def address(self, facet: str, values: tuple[str, ...]) -> str:
        """The address with *values* as *facet*'s (escaped, if the parts are Markup)."""
        if not values:
            return self.without
        pairs = "&".join(f"{_quoted(facet)}={_quoted(value)}" for value in values)
        return self.head + pairs + self.tail


@bp.get("/exercises")
def exercise_list():
    filters, terms = queries.parse_filters(request.args)
    # A form sends every field, empty or default ones too; the address people copy and
    # share should hold only what matters, in one order.
    canonical = library_url(filters.to_args())
    is_canonical = _is_canonical(filters.to_args())
    if not is_htmx_request() and not is_canonical:
        return redirect(canonical, code=302)
    result = queries.search(filters, terms)

    response = render_page_or_fragment(
        "exercises/index.html", "exercises/_results.html", result=result, filters=filters,
        canonical=canonical, facet_labels=queries.FACET_LABELS, sorts=queries.SORTS,
        panel_open=is_htmx_request(),
    )  # fmt: skip
    if is_htmx_request() and not is_canonical:
        # The history entry gets the clean address too; a canonical request (a "Show more"
        # link) pushes nothing.
        response.headers["HX-Push-Url"] = canonical
    return response


@bp.get("/exercises/<slug>")
def exercise_detail(slug: str):
    if not is_slug(slug):
        abort(404)
    prescription = Prescription.from_args(request.args)
    macros = current_app.jinja_env.get_template("exercises/_prescription.html").module
    parts = {
        "aside": lambda: macros.prescription_aside(prescription),
        "qr": lambda: macros.print_qr(slug, prescription),
    }
    page = _exercise_page(slug, parts)
    if page is None:
        current = queries.slug_for_alias(slug)
        if current is None:
            abort(404)
        target = url_for("pages.exercise_detail", slug=current, **request.args.to_dict(flat=False))
        return redirect(target, code=301)
    return page


def _exercise_page(slug: str, parts: dict[str, Callable[[], Markup]]) -> Markup | None:
    """The page of exercise *slug* with *parts*, what comes from the link (the coach's
    prescription, the QR code of the page with it), each where the template names it. All
    but those parts is the same for every link to the exercise, so it is rendered once per
    index version and site address and kept in pieces with a hole for each part: a coach's
    note makes every address new, and loading the exercise is most of the cost. None if
    there is no exercise *slug*."""

    def part(name: str) -> Markup:
        return parts[name]()

    kept = current_app.extensions["card_cache"]
    version = served_version() or ""
    key = ("exercise-page", slug, request.host_url, request.script_root)
    pieces = kept.get(version, key)
    if pieces is None:
        exercise = queries.exercise_by_slug(slug)
        if exercise is None:
            return None

        def render(coach_part: Callable[[str], Markup]) -> str:
            return render_template(
                "exercises/detail.html",
                exercise=exercise,
                all_muscles=queries.known_terms().get("muscle", []),
                coach_part=coach_part,
            )

        pieces = _pieces(render(_hole))
        if sorted(pieces[1::2]) == sorted(parts):
            kept.put(version, key, pieces)
        else:  # a part left out, or a NUL where none can be: this page is rendered whole
            pieces = (render(part),)
    return _filled(pieces, part)


def _term_page(kind: str, slug: str):
    term = queries.term_by_slug(kind, slug) if is_slug(slug) else None
    if term is None:
        abort(404)
    program = None
    if kind == "phase":
        program = db.session.scalar(select(Program).where(Program.phase_id == term.id))
    return render_template(
        "terms/detail.html",
        term=term,
        kind=kind,
        exercises=queries.exercises_with_term(term),
        program=program,
        siblings=queries.known_terms().get(kind, []),
    )


@bp.get("/phases/<slug>")
def phase(slug: str):
    return _term_page("phase", slug)


@bp.get("/equipment/<slug>")
def equipment(slug: str):
    return _term_page("equipment", slug)


@bp.get("/muscles/<slug>")
def muscle(slug: str):
    return _term_page("muscle", slug)


@bp.get("/families/<slug>")
def family(slug: str):
    return _term_page("family", slug)


def _guides() -> list[Guide]:
    return list(db.session.scalars(select(Guide).order_by(Guide.position)))


@bp.get("/guides")
def guide_list():
    return render_template("guides/index.html", guides=_guides())


@bp.get("/guides/<slug>")
def guide(slug: str):
    found = db.session.scalar(select(Guide).where(Guide.slug == slug)) if is_slug(slug) else None
    if found is None:
        abort(404)
    return render_template("guides/detail.html", guide=found, guides=_guides())


@bp.get("/assessments")
def assessments():
    rows = db.session.scalars(select(Assessment).order_by(Assessment.position))
    return render_template("assessments/index.html", assessments=list(rows))


def _session_plan(args) -> tuple[SessionPlan, dict]:
    """The plan in *args* (after a builder action, if any), with only exercises that exist."""
    plan = SessionPlan.from_args(args)
    if operation := args.get("op", ""):
        plan = plan.apply(operation)
    exercises, renamed = queries.exercises_for({item.slug for item in plan.items})
    return plan.only(set(exercises), renamed), exercises


@bp.get("/session")
def session_card():
    """A printable session card. The link is the session: no accounts, nothing stored."""
    plan, exercises = _session_plan(request.args)
    canonical = url_for("pages.session_card", **plan.to_args())
    if not _is_canonical(plan.to_args()):
        return redirect(canonical, code=302)
    return render_template(
        "session/card.html", plan=plan, exercises=exercises, card_url=absolute_url(canonical),
        builder_url=url_for("pages.session_builder", **plan.to_args()),
    )  # fmt: skip


@bp.get("/session/new")
def session_builder():
    """Build a card: pick from the library with the usual filters, set each prescription,
    reorder. Every action is a plain GET, so it works without JavaScript."""
    plan, exercises = _session_plan(request.args)
    if request.args.get("op") == "open":
        card = url_for("pages.session_card", **plan.to_args())
        if is_htmx_request():
            return "", 200, {"HX-Redirect": card}
        return redirect(card, code=302)
    filters, terms = queries.parse_filters(request.args)
    args = {**plan.to_args(), **filters.to_args()}
    canonical = url_for("pages.session_builder", **args)
    if not is_htmx_request() and not _is_canonical(args):
        return redirect(canonical, code=302)
    result = queries.search(filters, terms)
    response = render_page_or_fragment(
        "session/builder.html", "session/_builder.html", plan=plan, exercises=exercises,
        result=result, filters=filters, terms=terms,
        card_url=url_for("pages.session_card", **plan.to_args()),
    )  # fmt: skip
    if is_htmx_request():
        response.headers["HX-Push-Url"] = canonical
    return response


@bp.get("/healthz")
def healthz():
    """For load balancers: which index this node serves, and how much is in it."""
    facts = queries.meta()
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


@bp.app_template_global()
def term_url(term: Term | queries.TermInfo) -> str:
    """The landing page of a taxonomy term."""
    # Each kind's view function is named after the kind.
    return page_url(f"pages.{term.kind}", slug=term.slug)


@bp.app_template_global()
def exercise_cards(ids: list[int]) -> Markup:
    """Exercises *ids* as list cards (exercises/_card.html), one after the other. Each card
    is rendered once per index version and kept; only the cards not kept yet are read from
    the index."""
    kept = current.app().extensions["card_cache"]
    version = served_version() or ""
    root = current.request().script_root
    found = {exercise_id: kept.get(version, (root, exercise_id)) for exercise_id in ids}
    missing = [exercise_id for exercise_id, html in found.items() if html is None]
    if missing:
        card = current_app.jinja_env.get_template("exercises/_card.html").module.card
        for exercise in queries.cards(missing):
            found[exercise.id] = html = card(exercise)
            kept.put(version, (root, exercise.id), html)
    # Each card is a macro's output: joined as text, not checked for escaping again.
    return Markup("".join(found[exercise_id] or "" for exercise_id in ids))


@bp.app_template_global()
def facet_options(facet: str, values: list[queries.FacetValue]) -> Markup:
    """A facet's values in the filter panel (exercises/_facet_option.html). They are rendered
    once per index version and selection, with holes for each value's count and the plural
    that goes with it: counts run into the thousands at ten thousand exercises, and one kept
    rendering per count would crowd the cards out of the budget they share."""
    kept = current.app().extensions["card_cache"]
    version = served_version() or ""
    key = ("facet", facet, tuple(value.term.slug for value in values if value.selected))
    pieces = kept.get(version, key)
    if pieces is None:
        template = current_app.jinja_env.get_template("exercises/_facet_option.html")
        option = template.module.facet_option
        pieces = _pieces(
            "\n".join(
                option(facet, value, _hole(value.term.slug), _hole(_PLURAL + value.term.slug))
                for value in values
            )
        )
        kept.put(version, key, pieces)
    fills = {}
    for value in values:
        fills[value.term.slug] = str(value.count)
        fills[_PLURAL + value.term.slug] = "" if value.count == 1 else "s"
    return _filled(pieces, fills.__getitem__)


# Names the hole for the plural of a value's count; no slug contains it.
_PLURAL = "+"


@bp.app_template_global()
def layout(part: str) -> Markup:
    """A part of every page (a macro in _layout.html: the links in the head, the header, the
    footer). It depends only on the mount point and on which page is shown (the navigation
    marks the current one), so each is rendered once per process and page."""
    app = current.app()
    parts = app.extensions.setdefault("layout_parts", {})
    request = current.request()
    endpoint = request.endpoint
    key = (part, request.script_root, endpoint)
    html = parts.get(key)
    if html is None:
        macros = app.jinja_env.get_template("_layout.html").module
        html = parts[key] = getattr(macros, part)(endpoint)
    return html


@bp.app_template_global()
def muscle_filter_map(filters: queries.Filters, hx_target: str, id_prefix: str) -> Markup:
    """The body map of /exercises (filter_map in exercises/_body_map.html): each muscle a
    link that adds it to or removes it from the query. The map, each link's muscles
    included, depends only on which muscles are selected, so it is rendered once per index
    version and selection with holes for what the links share from the rest of the query
    (`Toggled`), and a request only fills those in."""
    kept = current.app().extensions["card_cache"]
    version = served_version() or ""
    selected = filters.selected.get("muscle", ())
    key = ("muscle-filter-map", selected, hx_target, id_prefix)
    pieces = kept.get(version, key)
    if pieces is None:
        holes = Toggled(_hole("head"), _hole("tail"), _hole("without"))

        def href(slug: str) -> Markup:
            return holes.address("muscle", filters.toggled_values("muscle", slug))

        template = current_app.jinja_env.get_template("exercises/_body_map.html")
        html = template.module.filter_map(
            queries.known_terms().get("muscle", []), selected, href,
            hx_target=hx_target, id_prefix=id_prefix,
        )  # fmt: skip
        pieces = _pieces(html)
        kept.put(version, key, pieces)
    around = Toggled.of(filters, "muscle", page_url("pages.exercise_list"))
    parts = {name: escape(address) for name, address in vars(around).items()}
    return _filled(pieces, parts.__getitem__)


def _hole(name: str) -> Markup:
    """A hole named *name*: where a piece of page kept for many requests leaves room for
    each request's own part."""
    return Markup(f"{_HOLE}{name}{_HOLE}")


def _pieces(html: str) -> tuple[str, ...]:
    """*html*, rendered with holes, as it is kept: its own markup at even places, a hole's
    name at odd ones (plain text, so that joining them does not escape-check each again)."""
    return tuple(str(piece) for piece in html.split(_HOLE))


def _filled(pieces: tuple[str, ...], part: Callable[[str], str]) -> Markup:
    """Kept *pieces* with each hole filled in with *part* of its name."""
    # Safe: the pieces are a template's output, and every part is markup or escaped text.
    filled = list(pieces)
    for place in range(1, len(filled), 2):
        filled[place] = part(filled[place])
    return Markup("".join(filled))


@dataclass(frozen=True)
class BodyMapArt:
    """The body map's fixed drawing as markup: the figure, its details and each muscle's
    shapes (exercises/_body_map_art.html)."""

    outline: Markup
    figure: Markup
    details: Markup
    regions: dict[str, Markup]  # muscle slug -> its shapes


@bp.app_template_global()
def body_map_art() -> BodyMapArt:
    """The body map's drawing. It never changes, so it is drawn once per process; pages only
    add the links, highlight classes and text around it."""
    art = current_app.extensions.get("body_map_art")
    if art is None:
        drawing = current_app.jinja_env.get_template("exercises/_body_map_art.html").module
        art = current_app.extensions["body_map_art"] = BodyMapArt(
            outline=drawing.bm_figure("bm-body-outline"),
            figure=drawing.bm_figure("bm-body"),
            details=drawing.bm_details(),
            regions={slug: drawing.bm_region(slug) for slug in drawing.bm_shapes},
        )
    return art


@bp.app_template_filter()
def dose(item) -> str:
    """'3 x 10 per leg', '3 x 30 s per leg': the way a coach writes a prescription."""
    amount = f"{item.reps}" if item.reps else f"{item.seconds} s"
    return f"{item.sets} x {amount}{' per leg' if item.per_leg else ''}"


@bp.app_template_filter()
def jsonld_step(text: str) -> dict:
    return {"@type": "HowToStep", "text": text}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
