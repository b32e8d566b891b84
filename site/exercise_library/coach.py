"""What a coach puts in a link: a prescription on an exercise page, and session cards.

The link is the session: no accounts, nothing stored. Everything here comes from a query
string someone else wrote, so each value is checked against a narrow shape or cleaned and
cut to length; templates escape whatever is left."""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import unquote_plus

import segno
from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from . import search
from .db import db
from .http import absolute_url, is_canonical, is_htmx_request, render_page_or_fragment
from .models import Alias, Exercise
from .slugs import is_slug

bp = Blueprint("coach", __name__)

TEMPO_RE = re.compile(r"^[0-9xX](?:-[0-9xX]){1,3}$")  # seconds down, pause, up, pause
MAX_LOAD, MAX_NOTE, MAX_TITLE, MAX_ITEMS, MAX_RX = 60, 280, 80, 20, 40


def clean_text(value: str | None, limit: int) -> str | None:
    """Printable text on one line, at most *limit* characters; None if nothing is left."""
    if not value:
        return None
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
    return " ".join(kept.split())[:limit].strip() or None


# What coaches write for sets and reps: "3x10", "3 x 10 per leg", "3x10/leg", "4 × 8-10",
# "3 sets of 10", "3x30s", "3 x 30 sec each side", "2 x AMRAP", "AMRAP".
_RX = re.compile(
    r"""^(?:(?P<sets>\d{1,2})\s*(?:x|sets?\s+of)\s*)?
    (?:(?P<low>\d{1,3})(?:\s*(?:-|to)\s*(?P<high>\d{1,3}))?|(?P<amrap>amrap|max))
    \s*(?P<unit>s|secs?|seconds?|reps?)?
    \s*(?P<side>(?:per|each|a|/)\s*(?:leg|side)|e/?s|each)?$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Written:
    """A value as a coach wrote it: in one written form when it reads as what it should be
    ("3 x 10 per leg", "3-1-1"), otherwise exactly as written and marked as not understood.
    Never dropped: the athlete sees what the coach meant to say."""

    text: str
    understood: bool

    def __str__(self) -> str:
        return self.text


def read_rx(value: str | None) -> Written | None:
    """What a coach wrote under sets x reps; None only when nothing was written."""
    written = clean_text(value, MAX_RX)
    if written is None:
        return None
    plain = (
        written.replace("×", "x").replace("X", "x").replace("\u2013", "-")
    )  # an en dash, as phones type it
    match = _RX.match(plain)
    if not match or not (match["sets"] or match["amrap"]):
        return Written(written, understood=False)
    sets, low, high = (int(n) if n else None for n in match.group("sets", "low", "high"))
    if sets == 0 or low == 0 or (high is not None and low is not None and high <= low):
        return Written(written, understood=False)
    amount = "AMRAP" if match["amrap"] else f"{low}-{high}" if high else str(low)
    unit = " s" if (match["unit"] or "").lower().startswith("s") and not match["amrap"] else ""
    side = (match["side"] or "").lower()
    # "each" alone is each leg: every exercise here is done one leg at a time.
    per = "" if not side else "per side" if "side" in side or side in ("es", "e/s") else "per leg"
    text = " ".join(part for part in (f"{sets} x" if sets else "", amount + unit, per) if part)
    return Written(text, understood=True)


def read_tempo(value: str | None) -> Written | None:
    """A tempo as seconds down, pause, up, pause ("3-1-1", "3-0-X-1"), or as written."""
    written = clean_text(value, 20)
    if written is None:
        return None
    plain = written.replace(" ", "").replace("\u2013", "-")  # an en dash, as phones type it
    return Written(plain.upper(), True) if TEMPO_RE.match(plain) else Written(written, False)


@dataclass(frozen=True)
class Prescription:
    rx: Written | None = None
    tempo: Written | None = None
    load: str | None = None
    note: str | None = None

    @classmethod
    def from_args(cls, args: MultiDict, suffix: str = "") -> Prescription:
        """rx, tempo, load and note (each name plus *suffix*, for a session card's items)."""
        return cls(
            rx=read_rx(args.get(f"rx{suffix}")),
            tempo=read_tempo(args.get(f"tempo{suffix}")),
            load=clean_text(args.get(f"load{suffix}"), MAX_LOAD),
            note=clean_text(args.get(f"note{suffix}"), MAX_NOTE),
        )

    def to_args(self, suffix: str = "") -> dict[str, str]:
        rx, tempo = (str(value) if value else None for value in (self.rx, self.tempo))
        fields = {"rx": rx, "tempo": tempo, "load": self.load, "note": self.note}
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


QR_MODULE_PX = 4  # on screen; 4 px is about 1 mm, and print caps the code (site.css)
QR_QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# By how many modules a code has across: its class, which site.css caps on paper, and that
# cap in mm (30, 45, 70 and 95 mm), so that no module prints under 0.5 mm.
QR_PRINT_SIZES = ((60, "", 30), (90, "qr-large", 45), (140, "qr-huge", 70), (10**6, "qr-max", 95))


def _qr_code(url: str) -> tuple[segno.QRCode, str, int]:
    """*url* as a QR code, as small as the link allows (the lowest error level, raised where
    that costs no size), with its print class and size in mm."""
    # One fixed mask: any of the eight makes a code every reader decodes, and scoring all
    # eight to pick the tidiest is four fifths of the encoding.
    code = segno.make(url, error="l", micro=False, mask=0)
    modules = code.symbol_size(border=QR_QUIET_ZONE)[0]
    return code, *next((name, mm) for most, name, mm in QR_PRINT_SIZES if modules <= most)


@functools.lru_cache(maxsize=256)
def qr_svg(url: str, label: str) -> Markup:
    """An inline SVG QR code of *url*, 4 px a module with its quiet zone, classed for its
    size on paper. No style attributes, so the strict CSP holds."""
    code, size, _ = _qr_code(url)
    side = code.symbol_size(scale=QR_MODULE_PX, border=QR_QUIET_ZONE)[0]
    svg = code.svg_inline(
        scale=QR_MODULE_PX, border=QR_QUIET_ZONE, svgclass=f"qr {size}".strip(),
        lineclass="qr-path", omitsize=True, title=label,
    )  # fmt: skip
    attributes = f'<svg role="img" aria-label="{escape(label)}" width="{side}" height="{side}" '
    return Markup(svg.replace("<svg ", attributes, 1))


def qr_file(url: str, label: str) -> bytes:
    """*url* as a QR code in an SVG file of its own: black on white, its quiet zone, and
    the size an inline code prints at."""
    code, _, mm = _qr_code(url)
    out = io.BytesIO()
    code.save(
        out, kind="svg", border=QR_QUIET_ZONE, dark="#000", light="#fff", svgclass=None,
        lineclass=None, omitsize=True, title=label, xmldecl=False,
    )  # fmt: skip
    return out.getvalue().replace(b"<svg ", f'<svg width="{mm}mm" height="{mm}mm" '.encode(), 1)


def readable_url(url: str) -> str:
    """*url* as people read it on paper: spaces and punctuation instead of %20 and +."""
    return unquote_plus(url)


def _plan(args: MultiDict) -> tuple[SessionPlan, dict[str, Exercise], list[str]]:
    """The plan in *args* (after a builder action, if any), with only exercises that exist;
    and the names it had that are not exercises here, to say so."""
    plan = SessionPlan.from_args(args)
    if operation := args.get("op", ""):
        plan = plan.apply(operation)
    slugs = {item.slug for item in plan.items}
    former = select(Alias.slug, Exercise.slug).join(Alias.exercise).where(Alias.slug.in_(slugs))
    renamed = dict(db.session.execute(former).all())
    wanted = (slugs - set(renamed)) | set(renamed.values())
    query = select(Exercise).where(Exercise.slug.in_(wanted))
    exercises = {e.slug: e for e in db.session.scalars(query)}
    missing = [i.slug for i in plan.items if renamed.get(i.slug, i.slug) not in exercises]
    return plan.only(set(exercises), renamed), exercises, missing


@bp.get("/exercises/<slug>/qr.svg")
def exercise_qr(slug: str):
    """The QR code an exercise page prints: the page's address with the prescription of this
    query, read as the page reads it. A file of its own, so a page is sent without the
    encoding (most of a page's time) and a browser or nginx keeps each code."""
    if (
        not is_slug(slug)
        or db.session.scalar(select(Exercise.id).where(Exercise.slug == slug)) is None
    ):
        abort(404)
    page = url_for(
        "pages.exercise_detail", slug=slug, **Prescription.from_args(request.args).to_args()
    )
    return Response(qr_file(absolute_url(page), "QR code for this page"), mimetype="image/svg+xml")


@bp.get("/session")
def session_card():
    """A printable session card with a QR code back to itself."""
    plan, exercises, missing = _plan(request.args)
    canonical = url_for("coach.session_card", **plan.to_args())
    if not is_canonical(plan.to_args()) and not missing:
        return redirect(canonical, code=302)
    return render_template(
        "session/card.html", plan=plan, exercises=exercises, card_url=absolute_url(canonical),
        missing=missing,
        builder_url=url_for("coach.session_builder", **plan.to_args()),
    )  # fmt: skip


@bp.get("/session/new")
def session_builder():
    """Build a card: pick from the library with its filters, set each prescription, reorder.
    Every action is a plain GET with the whole plan in it, so it works without JavaScript."""
    plan, exercises, missing = _plan(request.args)
    if request.args.get("op") == "open":
        card = url_for("coach.session_card", **plan.to_args())
        if is_htmx_request():
            return "", 200, {"HX-Redirect": card}
        return redirect(card, code=302)
    terms = search.known_terms()
    filters = search.parse_filters(request.args, terms)
    args = {**plan.to_args(), **filters.to_args()}
    canonical = url_for("coach.session_builder", **args)
    if not is_htmx_request() and not is_canonical(args) and not missing:
        return redirect(canonical, code=302)
    found = search.search(filters, terms).ids
    picked = select(Exercise.id, Exercise.slug, Exercise.title).where(Exercise.id.in_(found))
    by_id = {row.id: row for row in db.session.execute(picked)}
    response = render_page_or_fragment(
        "session/builder.html", "session/_builder.html", plan=plan, exercises=exercises,
        picks=[by_id[i] for i in found], filters=filters, terms=terms, missing=missing,
        card_url=url_for("coach.session_card", **plan.to_args()),
    )  # fmt: skip
    if is_htmx_request():
        response.headers["HX-Push-Url"] = canonical
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(qr_svg)
    app.add_template_filter(readable_url, "readable")
