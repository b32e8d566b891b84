"""What a coach puts in a link: a prescription on an exercise page, and session cards.

The link is the session: no accounts, nothing stored. Everything here comes from a query
string someone else wrote, so each value is checked against a narrow shape or cleaned and
cut to length; templates escape whatever is left."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

import segno
from flask import Blueprint, Flask, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from . import search
from .db import db
from .http import absolute_url, is_canonical, is_htmx_request, render_page_or_fragment
from .models import Alias, Exercise
from .slugs import is_slug

bp = Blueprint("coach", __name__)

# "3x8", "4 x 8-10", "3x30s", "2 × 12 reps"
RX_RE = re.compile(
    r"^(\d{1,2})\s*[x×]\s*(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*(s|sec|secs|reps?)?$", re.IGNORECASE
)
TEMPO_RE = re.compile(r"^[0-9xX](?:-[0-9xX]){1,3}$")  # seconds down, pause, up, pause
MAX_LOAD, MAX_NOTE, MAX_TITLE, MAX_ITEMS = 60, 280, 80, 20


def clean_text(value: str | None, limit: int) -> str | None:
    """Printable text on one line, at most *limit* characters; None if nothing is left."""
    if not value:
        return None
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
    return " ".join(kept.split())[:limit].strip() or None


def clean_rx(value: str | None) -> str | None:
    """A sets-by-reps prescription in one written form ("4 x 8-10"), or None."""
    match = RX_RE.match((value or "").strip())
    if not match:
        return None
    sets, low, high, unit = match.groups()
    if int(sets) == 0 or int(low) == 0 or (high and int(high) <= int(low)):
        return None
    amount = f"{int(low)}-{int(high)}" if high else str(int(low))
    return f"{int(sets)} x {amount}{' s' if unit and unit.lower().startswith('s') else ''}"


def clean_tempo(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.upper() if TEMPO_RE.match(value) else None


@dataclass(frozen=True)
class Prescription:
    rx: str | None = None
    tempo: str | None = None
    load: str | None = None
    note: str | None = None

    @classmethod
    def from_args(cls, args: MultiDict, suffix: str = "") -> Prescription:
        """rx, tempo, load and note (each name plus *suffix*, for a session card's items)."""
        return cls(
            rx=clean_rx(args.get(f"rx{suffix}")),
            tempo=clean_tempo(args.get(f"tempo{suffix}")),
            load=clean_text(args.get(f"load{suffix}"), MAX_LOAD),
            note=clean_text(args.get(f"note{suffix}"), MAX_NOTE),
        )

    def to_args(self, suffix: str = "") -> dict[str, str]:
        fields = {"rx": self.rx, "tempo": self.tempo, "load": self.load, "note": self.note}
        return {f"{name}{suffix}": value for name, value in fields.items() if value}

    def __bool__(self) -> bool:
        return any((self.rx, self.tempo, self.load, self.note))


@dataclass(frozen=True)
class SessionItem:
    slug: str
    prescription: Prescription


@dataclass(frozen=True)
class SessionPlan:
    """A session card: numbered parameters (`e1`, `rx1`, `tempo1`, `load1`, `note1`, `e2`...),
    renumbered from 1 whenever it is written back, so every plan has exactly one address."""

    title: str | None = None
    note: str | None = None
    items: tuple[SessionItem, ...] = ()

    @classmethod
    def from_args(cls, args: MultiDict) -> SessionPlan:
        """Read a plan; malformed items are dropped, numbering gaps closed."""
        numbers = sorted(
            int(name[1:])
            for name in args
            if name.startswith("e") and name[1:].isdecimal() and 0 < int(name[1:]) <= 999
        )
        items = []
        for number in numbers:
            slug = args.get(f"e{number}", "")
            if is_slug(slug) and len(items) < MAX_ITEMS:
                items.append(SessionItem(slug, Prescription.from_args(args, suffix=str(number))))
        return cls(
            clean_text(args.get("title"), MAX_TITLE),
            clean_text(args.get("note"), MAX_NOTE),
            tuple(items),
        )

    def to_args(self) -> dict[str, str]:
        args = {
            name: value for name, value in (("title", self.title), ("note", self.note)) if value
        }
        for number, item in enumerate(self.items, 1):
            args[f"e{number}"] = item.slug
            args.update(item.prescription.to_args(suffix=str(number)))
        return args

    def only(self, known: set[str], renamed: dict[str, str]) -> SessionPlan:
        """Keep items whose exercise exists, following former slugs to the current ones."""
        items = []
        for item in self.items:
            slug = renamed.get(item.slug, item.slug)
            if slug in known:
                items.append(replace(item, slug=slug))
        return replace(self, items=tuple(items))

    def apply(self, operation: str) -> SessionPlan:
        """One builder action: `add:<slug>`, `remove:<n>`, `up:<n>`, `down:<n>` (n from 1)."""
        verb, _, argument = operation.partition(":")
        items = list(self.items)
        if verb == "add" and is_slug(argument) and len(items) < MAX_ITEMS:
            items.append(SessionItem(argument, Prescription()))
        elif argument.isdecimal() and 1 <= int(argument) <= len(items):
            index = int(argument) - 1
            if verb == "remove":
                del items[index]
            elif verb == "up" and index > 0:
                items[index - 1], items[index] = items[index], items[index - 1]
            elif verb == "down" and index < len(items) - 1:
                items[index + 1], items[index] = items[index], items[index + 1]
        return replace(self, items=tuple(items))


@functools.lru_cache(maxsize=2048)
def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code of *url* (no style attributes, so the strict CSP holds)."""
    # Encoding costs more than the rest of an exercise page, and the same few addresses come
    # back: codes are kept. One fixed mask: any of the eight makes a code every reader
    # decodes, and scoring all eight to pick the tidiest is four fifths of the encoding.
    code = segno.make(url, error="m", micro=False, mask=0)
    svg = code.svg_inline(scale=4, svgclass="qr", lineclass="qr-path", omitsize=True, title=label)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def _plan(args: MultiDict) -> tuple[SessionPlan, dict[str, Exercise]]:
    """The plan in *args* (after a builder action, if any), with only exercises that exist."""
    plan = SessionPlan.from_args(args)
    if operation := args.get("op", ""):
        plan = plan.apply(operation)
    slugs = {item.slug for item in plan.items}
    former = select(Alias.slug, Exercise.slug).join(Alias.exercise).where(Alias.slug.in_(slugs))
    renamed = dict(db.session.execute(former).all())
    wanted = (slugs - set(renamed)) | set(renamed.values())
    query = select(Exercise).where(Exercise.slug.in_(wanted))
    exercises = {e.slug: e for e in db.session.scalars(query)}
    return plan.only(set(exercises), renamed), exercises


@bp.get("/session")
def session_card():
    """A printable session card with a QR code back to itself."""
    plan, exercises = _plan(request.args)
    canonical = url_for("coach.session_card", **plan.to_args())
    if not is_canonical(plan.to_args()):
        return redirect(canonical, code=302)
    return render_template(
        "session/card.html", plan=plan, exercises=exercises, card_url=absolute_url(canonical),
        builder_url=url_for("coach.session_builder", **plan.to_args()),
    )  # fmt: skip


@bp.get("/session/new")
def session_builder():
    """Build a card: pick from the library with its filters, set each prescription, reorder.
    Every action is a plain GET with the whole plan in it, so it works without JavaScript."""
    plan, exercises = _plan(request.args)
    if request.args.get("op") == "open":
        card = url_for("coach.session_card", **plan.to_args())
        if is_htmx_request():
            return "", 200, {"HX-Redirect": card}
        return redirect(card, code=302)
    terms = search.known_terms()
    filters = search.parse_filters(request.args, terms)
    args = {**plan.to_args(), **filters.to_args()}
    canonical = url_for("coach.session_builder", **args)
    if not is_htmx_request() and not is_canonical(args):
        return redirect(canonical, code=302)
    found = search.search(filters, terms).ids
    picked = select(Exercise.id, Exercise.slug, Exercise.title).where(Exercise.id.in_(found))
    by_id = {row.id: row for row in db.session.execute(picked)}
    response = render_page_or_fragment(
        "session/builder.html", "session/_builder.html", plan=plan, exercises=exercises,
        picks=[by_id[i] for i in found], filters=filters, terms=terms,
        card_url=url_for("coach.session_card", **plan.to_args()),
    )  # fmt: skip
    if is_htmx_request():
        response.headers["HX-Push-Url"] = canonical
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(qr_svg)
