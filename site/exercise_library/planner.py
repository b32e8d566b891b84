"""The week planner's rules: where a phase's strength sessions go in a running week.

Pure: plain dataclasses in, a plan out (no Flask, no index). The rules come from the
scheduling guide and the phase programs:

- Nothing demanding in the 24 hours before a quality run or a long run (a race is a quality
  run). A session goes in the evening at the latest, so the day before a key run stays clear;
  the rule only looks forward.
- The good slots, best first: after an easy run, on a rest day, in the evening of a day whose
  hard run is in the morning. Where the week allows it, no two sessions on consecutive days.
- Two sessions a week in the beginner and intermediate phases, three in the advanced phase,
  where maximum strength suits the evening of a hard day and power wants fresh legs.
- Peak weeks (the race week and the week before it) keep the sessions and their loads, with
  two sets of each exercise. The race week keeps only what fits before the eve of the race.

A week without room still gets its sessions, in the least bad days, each one saying that the
week forced it, with the changes that would make room."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import combinations, pairwise, permutations

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RUNS = {"rest": "rest", "easy": "easy run", "quality": "quality run", "long": "long run"}
KEY_RUNS = {"quality", "long", "race"}  # what the 24-hour rule protects
RULE_HOURS = 24
# Where a session can go, best first; the last two break a rule and are used only when forced.
SLOTS = ("after-easy", "rest-day", "evening", "hard-day", "day-before")
FORCED = {"hard-day", "day-before"}
SESSIONS_PER_WEEK = {"beginner": 2, "intermediate": 2, "advanced": 3}
PHASE_WEEKS = {"beginner": range(1, 5), "intermediate": range(5, 9), "advanced": range(9, 13)}
PLAN_WEEKS = 12  # weeks after 12 go on in the advanced phase
MAX_WEEKS = 26  # how far ahead a race may be
PEAK_WEEKS = 2  # the race week and the week before it
PEAK_SETS = 2
# What the advanced program asks of two of its sessions; the others take any good slot.
SESSION_NEEDS = {"maximum strength": "evening", "power": "fresh legs"}
NO_PROGRAM = "Strength session"


@dataclass(frozen=True)
class Day:
    run: str = "rest"  # a key of RUNS
    morning: bool = False  # the run is in the morning, so strength fits in the evening


Week = tuple[Day, ...]  # Monday to Sunday


@dataclass(frozen=True)
class Placement:
    day: int  # 0 is Monday
    session: str
    slot: str
    why: str

    @property
    def forced(self) -> bool:
        return self.slot in FORCED


@dataclass(frozen=True)
class WeekPlan:
    placements: tuple[Placement, ...]
    wanted: int  # the phase's sessions a week
    days: int = 7  # the days in the block: fewer in the race week
    advice: tuple[str, ...] = ()  # changes that make room, when the week forced a session

    @property
    def forced(self) -> bool:
        return any(p.forced for p in self.placements)

    def on(self, day: int) -> Placement | None:
        return next((p for p in self.placements if p.day == day), None)


def phase_of(week: int) -> str:
    return next((p for p, weeks in PHASE_WEEKS.items() if week in weeks), "advanced")


def _days(week: Week, race: int | None) -> list[Day]:
    """This week and the next, the race (*race* days after this Monday) put in."""
    days = [*week, *week]
    if race is not None and race < len(days):
        days[race] = Day("race")
    return days


def _slot(days: list[Day], day: int) -> str:
    if days[day + 1].run in KEY_RUNS:
        return "day-before"
    if days[day].run in KEY_RUNS:
        return "evening" if days[day].morning else "hard-day"
    return "after-easy" if days[day].run == "easy" else "rest-day"


def _score(days: list[Day], chosen: tuple[int, ...]) -> tuple[int, int, int]:
    """Sessions forced, pairs on consecutive days (the week repeats), worse slots."""
    slots = [_slot(days, d) for d in chosen]
    together = [b - a for a, b in pairwise(chosen)].count(1)
    together += len(chosen) > 1 and chosen[0] == 0 and chosen[-1] == 6  # Sunday, then Monday
    return sum(s in FORCED for s in slots), together, sum(map(SLOTS.index, slots))


def _misfit(days: list[Day], day: int, session: str) -> bool:
    need = SESSION_NEEDS.get(session.lower())
    if need == "evening":
        return _slot(days, day) != "evening"
    return need == "fresh legs" and bool(KEY_RUNS & {days[day].run, days[day - 1].run})


def _run(days: list[Day], day: int) -> str:
    name = ("next " if day >= 7 else "") + DAYS[day % 7]
    return f"{name}'s {RUNS.get(days[day].run, 'race')}"


def _why(days: list[Day], day: int, slot: str, session: str) -> str:
    name, run = DAYS[day], RUNS.get(days[day].run)
    key = next((d for d in range(day + 1, len(days)) if days[d].run in KEY_RUNS), None)
    reason = {
        "after-easy": f"after {name}'s easy run",
        "rest-day": f"{name} is a rest day",
        "evening": f"in the evening, hours after {name} morning's {run}",
        "hard-day": f"the week forced it: {name} has a {run} and no morning run, so lift"
        " only after the run, as late as you can",
        "day-before": f"the week forced it: {_run(days, day + 1)} is less than"
        f" {RULE_HOURS} hours away",
    }[slot]
    if slot != "day-before":
        away = f"{_run(days, key)} is {(key - day) * 24} hours away" if key else None
        reason += f"; {away or 'no quality or long run to protect'}"
    if SESSION_NEEDS.get(session.lower()) and not _misfit(days, day, session):
        reason += (
            f"; {session.lower()} wants "
            + {
                "evening": "the evening of a hard day",
                "fresh legs": "fresh legs, with no hard run the day before",
            }[SESSION_NEEDS[session.lower()]]
        )
    return reason


def plan_week(week: Week, sessions: Sequence[str], race: int | None = None) -> WeekPlan:
    """Place *sessions* (the phase's, in program order) in *week*. *race*: the race is that
    many days after this Monday; the week keeps only the days before it, and only what fits
    there without breaking the 24-hour rule."""
    plan = _place(week, sessions, race)
    return replace(plan, advice=_advice(week, sessions, race)) if plan.forced else plan


def _place(week: Week, sessions: Sequence[str], race: int | None) -> WeekPlan:
    days = _days(week, race)
    last = min(race, 7) if race is not None else 7  # the days of this week in the block
    open_days = [d for d in range(last) if race is None or d < race - 1]  # never the eve
    counts = [len(sessions)] if race is None or race >= 7 else range(len(sessions), -1, -1)
    for count in counts:  # in the race week, fewer sessions rather than a broken rule
        options = list(combinations(open_days, min(count, len(open_days))))
        chosen = min(options, key=lambda c: _score(days, c))
        if len(counts) == 1 or _score(days, chosen)[0] == 0:
            break
    order = min(
        permutations(sessions, len(chosen)),
        key=lambda o: sum(_misfit(days, d, s) for d, s in zip(chosen, o, strict=True)),
    )
    placements = tuple(
        Placement(d, s, _slot(days, d), _why(days, d, _slot(days, d), s))
        for d, s in zip(chosen, order, strict=True)
    )
    return WeekPlan(placements, len(sessions), last)


def _advice(week: Week, sessions: Sequence[str], race: int | None) -> tuple[str, ...]:
    """Single changes to the running week that leave no session forced."""
    changes = []
    for d, day in enumerate(week):
        name, run = DAYS[d], RUNS[day.run]
        if day.run in KEY_RUNS and not day.morning:
            text = f"run {name}'s {run} in the morning and lift that evening"
            changes.append((text, {d: replace(day, morning=True)}))
        for other in ((d - 1) % 7, (d + 1) % 7):
            if day.run in KEY_RUNS and week[other].run not in KEY_RUNS:
                changes.append(
                    (f"move {name}'s {run} to {DAYS[other]}", {d: week[other], other: day})
                )
        if day.run == "quality":
            changes.append(
                (f"make {name}'s quality run an easy run", {d: Day("easy", day.morning)})
            )
    fixes = []
    for text, edit in changes:
        changed = tuple(edit.get(d, day) for d, day in enumerate(week))
        if text not in fixes and not _place(changed, sessions, race).forced:
            fixes.append(text)
    return tuple(fixes[:3])


def race_problem(start: date | None, race: date | None) -> str | None:
    """Why a race date cannot be planned, or None."""
    if race is None:
        return None
    if start is None:
        return "A race date needs the block's start date: add the Monday your block starts."
    if race < start:
        return "The race is before the block starts, so it is left out of the plan."
    if (race - start).days >= MAX_WEEKS * 7:
        return f"The race is more than {MAX_WEEKS} weeks after the start, so it is left out."
    return None


@dataclass(frozen=True)
class BlockWeek:
    number: int  # the week of the 12-week plan; 13 on go on in the advanced phase
    phase: str
    monday: date | None
    plan: WeekPlan
    peak: bool  # two sets of each exercise, the same loads

    def date_of(self, placement: Placement) -> date | None:
        return self.monday + timedelta(placement.day) if self.monday else None


def plan_block(
    week: Week,
    first: int,
    programs: Mapping[str, Sequence[str]],
    start: date | None = None,
    race: date | None = None,
) -> tuple[BlockWeek, ...]:
    """The weeks from week *first* (starting on the Monday *start*, if known) to week 12, or to
    the race. *programs*: each phase's sessions in program order (none: a plain session)."""
    if race_problem(start, race):
        race = None
    to_race = (race - start).days if race and start else None
    count = to_race // 7 + 1 if to_race is not None else PLAN_WEEKS + 1 - first
    weeks = []
    for n in range(count):
        phase = phase_of(first + n)
        names = programs.get(phase) or (NO_PROGRAM,)
        sessions = [names[i % len(names)] for i in range(SESSIONS_PER_WEEK[phase])]
        offset = to_race - 7 * n if to_race is not None else None
        plan = plan_week(week, sessions, offset if offset is not None and offset < 14 else None)
        monday = start + timedelta(weeks=n) if start else None
        weeks.append(
            BlockWeek(first + n, phase, monday, plan, count - n <= PEAK_WEEKS and race is not None)
        )
    return tuple(weeks)
