"""The week planner on the web: /plan, the form and its plan (one address per plan, so a coach
can send it), and /plan.ics, the whole block as a calendar file. The rules are planner.py's;
here the query string is read, the phase programs come from the index, answers are rendered."""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby

from flask import Blueprint, Flask, Response, redirect, request, url_for
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from . import planner
from .db import db
from .http import absolute_url, is_canonical, is_htmx_request, render_page_or_fragment
from .models import Program, ProgramItem, ProgramSession, Term

bp = Blueprint("plan", __name__)

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The form before anything is chosen: the scheduling guide's example week.
SAMPLE_WEEK = tuple(
    planner.Day(run) for run in ("easy", "quality", "easy", "easy", "rest", "long", "rest")
)
DATE_RE = re.compile(r"^20\d\d-\d\d-\d\d$")  # this century: the block's weeks stay in range
SESSION_TIME, SESSION_MINUTES = time(18), 45  # each session in the calendar file


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and DATE_RE.match(value) else None
    except ValueError:
        return None


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True)
class PlanQuery:
    """What the form says: the running week, where the runner is in the 12 weeks, the Monday
    that week starts and the race (both optional), and a time zone for the calendar file.
    Until the days are given (`chosen`), the page is the form, the example week in it."""

    week: planner.Week = SAMPLE_WEEK
    first: int = 1
    start: date | None = None
    race: date | None = None
    tz: str | None = None  # an IANA name; none: the calendar's times float (local anywhere)
    chosen: bool = False

    @classmethod
    def from_args(cls, args: MultiDict) -> PlanQuery:
        """The plan asked for, with unknown values dropped (a day: rest)."""
        chosen = any(key in args for key in DAY_KEYS)
        mornings = set(args.getlist("am"))
        runs = [args.get(key) if args.get(key) in planner.RUNS else "rest" for key in DAY_KEYS]
        week = tuple(
            planner.Day(run, key in mornings and run != "rest")
            for key, run in zip(DAY_KEYS, runs, strict=True)
        )
        number, phase = args.get("week", ""), args.get("phase", "")
        if number.isdecimal() and 1 <= int(number) <= planner.PLAN_WEEKS:
            first = int(number)
        else:
            first = planner.PHASE_WEEKS[phase][0] if phase in planner.PHASE_WEEKS else 1
        start = _date(args.get("start"))
        monday = start - timedelta(start.weekday()) if start else None
        tz = args.get("tz", "").strip()
        tz = tz if tz in time_zones() else None
        return cls(
            week if chosen else SAMPLE_WEEK, first, monday, _date(args.get("race")), tz, chosen
        )

    def to_args(self) -> dict[str, str | list[str]]:
        """The clean query string: the week number, each day's run and the morning runs (once
        chosen), then the dates and the time zone."""
        days = list(zip(DAY_KEYS, self.week, strict=True))
        args: dict = {"week": str(self.first)} if self.chosen or self.first > 1 else {}
        if self.chosen:
            args |= {key: day.run for key, day in days}
            if mornings := [key for key, day in days if day.morning]:
                args["am"] = mornings
        dates = {"start": self.start, "race": self.race}
        args |= {name: value.isoformat() for name, value in dates.items() if value}
        return args | ({"tz": self.tz} if self.tz else {})


def _programs() -> dict[str, list[ProgramSession]]:
    """Each phase's program sessions, with their exercises, by phase slug."""
    query = (
        select(Term.slug, Program)
        .join(Program, Program.phase_id == Term.id)
        .options(selectinload(Program.sessions).selectinload(ProgramSession.items))
    )
    return {slug: program.sessions for slug, program in db.session.execute(query)}


def dose(item: ProgramItem, peak: bool = False) -> str:
    """A dose as coaches write it, 3 x 10 per leg, tempo 2-1-2-1 (two sets in a peak week)."""
    sets = min(item.sets, planner.PEAK_SETS) if peak else item.sets
    text = f"{sets} x {item.reps or f'{item.seconds} s'}{' per leg' if item.per_leg else ''}"
    return text + (f", tempo {item.tempo}" if item.tempo else "")


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Stretch:
    """Weeks in a row with the same plan: a column of the page's table."""

    weeks: tuple[planner.BlockWeek, ...]
    title: str
    dates: str | None

    @property
    def plan(self) -> planner.WeekPlan:
        return self.weeks[0].plan


def _stretches(block: tuple[planner.BlockWeek, ...], labels: dict[str, str]) -> list[Stretch]:
    stretches = []
    for _, group in groupby(block, key=lambda w: (w.phase, w.plan, w.peak)):
        weeks = tuple(group)
        first, last = weeks[0], weeks[-1]
        numbers = (
            f"Weeks {first.number}-{last.number}" if len(weeks) > 1 else f"Week {first.number}"
        )
        title = f"{numbers}, {labels.get(first.phase, first.phase).lower()}"
        title += (", peak" if first.peak else "") + (", race week" if last.plan.days < 7 else "")
        dates = None
        if first.monday:
            end = last.monday + timedelta(days=min(last.plan.days, 6))  # Sunday, or the race
            dates = f"{first.monday.day} {first.monday:%b} to {end.day} {end:%b %Y}"
        stretches.append(Stretch(weeks, title, dates))
    return stretches


def _context(query: PlanQuery) -> dict:
    phase_labels = select(Term.slug, Term.label).where(Term.kind == "phase")
    context = {"query": query, "labels": dict(db.session.execute(phase_labels).all())}
    if not query.chosen:
        return context
    labels = context["labels"]
    programs = _programs()
    names = {phase: [s.name for s in sessions] for phase, sessions in programs.items()}
    block = planner.plan_block(query.week, query.first, names, query.start, query.race)
    phases = list(dict.fromkeys(week.phase for week in block))
    notes = [planner.race_problem(query.start, query.race)]
    for phase in phases:
        if phase not in programs:
            notes.append(
                f"The {labels.get(phase, phase).lower()} program is not in the library yet:"
                " its days follow the rules, with no exercises to list."
            )
    stretches = _stretches(block, labels)
    warnings: dict[tuple, list[str]] = {}
    for stretch in stretches:
        if stretch.plan.forced:
            warnings.setdefault((stretch.plan.wanted, stretch.plan.advice), []).append(
                stretch.title
            )
    placed = [p for s in stretches for p in s.plan.placements]
    race = query.race if not notes[0] else None
    return context | {
        "block": block, "stretches": stretches, "notes": [n for n in notes if n],
        "warnings": warnings, "race": race, "race_label": _day(race) if race else None,
        "whys": sorted(dict.fromkeys((p.day, p.session, p.why) for p in placed), key=lambda w: w[0]),
        "programs": {p: programs[p] for p in planner.PHASE_WEEKS if p in programs and p in phases},
        "links": {
            (phase, session.name): f"{url_for('pages.term', route='phases', slug=phase)}#session-{n}"
            for phase, sessions in programs.items() for n, session in enumerate(sessions, 1)
        },
        "start_label": _day(query.start) if query.start else None,
    }  # fmt: skip


@bp.get("/plan")
def plan_page():
    """The form and, once anything is chosen, the plan. Every value is in the address."""
    query = PlanQuery.from_args(request.args)
    args = query.to_args()
    canonical = url_for("plan.plan_page", **args)
    if not is_htmx_request() and not is_canonical(args):
        return redirect(canonical, code=302)
    calendar = url_for("plan.plan_calendar", **args) if query.chosen and query.start else None
    response = render_page_or_fragment(
        "plan/page.html", "plan/_plan.html", canonical=canonical, calendar_url=calendar,
        day_names=planner.DAYS, day_keys=DAY_KEYS, runs=planner.RUNS, dose=dose,
        phase_weeks=planner.PHASE_WEEKS, peak_sets=planner.PEAK_SETS,
        session_time=SESSION_TIME, session_minutes=SESSION_MINUTES, **_context(query),
    )  # fmt: skip
    if is_htmx_request():
        response.headers["HX-Push-Url"] = canonical
    return response


@bp.get("/plan.ics")
def plan_calendar():
    """The block as iCalendar: one event per session, exercises and doses in its notes."""
    query = PlanQuery.from_args(request.args)
    args = query.to_args()
    if not query.chosen or query.start is None:
        return redirect(url_for("plan.plan_page", **args), code=302)
    if not is_canonical(args):
        return redirect(url_for("plan.plan_calendar", **args), code=302)
    context = _context(query)
    body = calendar_file(query, context, absolute_url(url_for("plan.plan_page", **args)))
    disposition = 'attachment; filename="strength-plan.ics"'
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": disposition})


def calendar_file(query: PlanQuery, context: dict, plan_url: str) -> bytes:
    zone = zoneinfo.ZoneInfo(query.tz) if query.tz else None
    calendar = Calendar()
    calendar.add("prodid", "-//Single-Leg Strength//Week planner//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Single-leg strength")
    # A fixed stamp, so that one address always gives the same file.
    stamp = datetime.combine(query.start, time(), UTC)
    sessions = {(p, s.name): s for p, found in context["programs"].items() for s in found}
    for week in context["block"]:
        for placement in week.plan.placements:
            day = week.date_of(placement)
            session = sessions.get((week.phase, placement.session))
            lines = [
                f"Week {week.number}, {context['labels'].get(week.phase, week.phase).lower()}:"
                f" {placement.why}.",
                *([f"Peak week: {planner.PEAK_SETS} sets of each exercise, the same loads."] * week.peak),
                *(f"- {i.exercise.title}: {dose(i, week.peak)}. {i.load or ''}".rstrip() for i in (session.items if session else [])),
                f"The plan: {plan_url}",
            ]  # fmt: skip
            event = Event()
            event.add("uid", f"{day.isoformat()}-strength@single-leg-strength")
            event.add("dtstamp", stamp)
            event.add("dtstart", datetime.combine(day, SESSION_TIME, zone))
            event.add("duration", timedelta(minutes=SESSION_MINUTES))
            event.add("summary", f"Strength: {placement.session}" + " (peak)" * week.peak)
            event.add("description", "\n".join(lines))
            event.add("url", plan_url)
            calendar.add_component(event)
    if context["race"]:
        race = Event()
        race.add("uid", f"{context['race'].isoformat()}-race@single-leg-strength")
        race.add("dtstamp", stamp)
        race.add("dtstart", context["race"])
        race.add("summary", "Race day")
        calendar.add_component(race)
    if zone:  # the zone's rules for the block's dates only
        end = query.start + timedelta(weeks=len(context["block"]) + 1)
        calendar.add_missing_timezones(query.start - timedelta(days=1), end)
    return calendar.to_ical()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
