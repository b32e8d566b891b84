"""A phase program: its format (`phases/<phase>.md`), and what it must agree with: the
pages of the exercises it prescribes (their dose for its phase, their ladders and
prerequisites), its own move-on gates, and the time it says a session takes. Each
disagreement is a problem at the program's line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from .frontmatter import Problem
from .schema import Count, Dose, ExerciseSlug, Model, Summary, Text, Title, nearest

if TYPE_CHECKING:
    from .library import Library, Program


class ProgramItem(Dose):
    exercise: ExerciseSlug
    rest_seconds: Count | None = None  # between sets, where it is not the session's
    differs: Text | None = None  # why this dose is not the one on the exercise's page
    swaps: list[ExerciseSlug] = Field(default_factory=list)  # what a coach may put in its place


class ProgramSession(Model):
    name: Text
    focus: Text | None = None
    minutes: Count  # how long the session takes, warm-up included ("30-40")
    warm_up_minutes: Annotated[int, Field(ge=0, le=30)] = 0
    rest_seconds: Count  # between sets ("45-60")
    exercises: Annotated[list[ProgramItem], Field(min_length=1)]


class ProgramMeta(Model):
    """The front matter of `phases/<phase>.md`."""

    title: Title
    summary: Summary
    sessions_per_week: Annotated[int, Field(ge=1, le=7)]
    sessions: Annotated[list[ProgramSession], Field(min_length=1)]


REP_SECONDS = 3  # a rep prescribed without a tempo
CHANGEOVER_SECONDS = 60  # from one exercise to the next: the weights, the box, the band
PLYOMETRIC = "plyometric"  # the family whose easier rungs are prerequisites, not options
GATES = "when-to-move-on"  # the part of a program that names what earns the next phase


def _middle(count: str) -> float:
    """A count or range ("8-12") as its middle."""
    low, _, high = count.partition("-")
    return (int(low) + int(high or low)) / 2


def _range(count: str) -> tuple[int, int]:
    low, _, high = count.partition("-")
    return int(low), int(high or low)


def set_seconds(dose: Dose) -> float:
    """How long one set on one leg lasts: reps times the tempo's seconds, or the hold."""
    if dose.seconds:
        return _middle(dose.seconds)
    assert dose.reps is not None
    if not dose.tempo:
        return _middle(dose.reps) * REP_SECONDS
    tempo = [1 if part.upper() == "X" else int(part) for part in dose.tempo.split("-")]
    return _middle(dose.reps) * sum(tempo)


def session_minutes(session: ProgramSession) -> float:
    """A session's length at its doses: the warm-up; for each exercise every set on each leg
    (one leg rests while the other works), a rest after each round but the last, and a
    changeover to the next exercise."""
    seconds = session.warm_up_minutes * 60.0
    for item in session.exercises:
        work = item.sets * (2 if item.per_leg else 1) * set_seconds(item)
        rest = (item.sets - 1) * _middle(item.rest_seconds or session.rest_seconds)
        seconds += work + rest + CHANGEOVER_SECONDS
    return seconds / 60


def _written(dose: Dose) -> str:
    count = f"{dose.reps} reps" if dose.reps else f"{dose.seconds} s"
    return f"{dose.sets} x {count}" + (f" at {dose.tempo}" if dose.tempo else "")


def check_programs(library: Library) -> list[Problem]:
    """Every problem of every phase program, in phase order."""
    assert library.taxonomy is not None
    phases = [term.slug for term in library.taxonomy.phases]
    problems = []
    for slug in sorted(library.programs, key=phases.index):
        earlier = {
            item.exercise
            for phase in phases[: phases.index(slug)]
            for item in _items(library.programs.get(phase))
        }
        problems += _check_program(library, library.programs[slug], earlier)
    return problems


def _items(program: Program | None) -> list[ProgramItem]:
    return (
        [item for session in program.meta.sessions for item in session.exercises] if program else []
    )


def _check_program(library: Library, program: Program, earlier: set[str]) -> list[Problem]:
    problems = []
    phase, path = program.slug, program.path
    here = {item.exercise for item in _items(program)}
    for number, session in enumerate(program.meta.sessions):
        seen_in_session: set[str] = set()
        for index, item in enumerate(session.exercises):
            where = ("sessions", number, "exercises", index)
            exercise = library.exercises.get(item.exercise)
            if exercise is not None:
                for message in _against_the_page(
                    item, exercise, phase, earlier, here, seen_in_session, library
                ):
                    problems.append(Problem(path, program.lines.of((*where, "exercise")), message))
            for place, swap in enumerate(item.swaps):
                if swap not in library.exercise_files:
                    message = "swaps: " + nearest("exercise", swap, sorted(library.exercise_files))
                    problems.append(
                        Problem(path, program.lines.of((*where, "swaps", place)), message)
                    )
            seen_in_session.add(item.exercise)
        low, high = _range(session.minutes)
        estimate = session_minutes(session)
        if not low - 0.5 <= estimate <= high + 0.5:
            side = "more" if estimate > high else "less"
            message = (
                f"session '{session.name}' takes about {estimate:.0f} minutes at its doses (every"
                f" set on each leg at its tempo, rests of {session.rest_seconds} s, warm-up"
                f" {session.warm_up_minutes} min), {side} than the {session.minutes} it says:"
                " change the minutes or the doses"
            )
            problems.append(
                Problem(path, program.lines.of(("sessions", number, "minutes")), message)
            )
    for href, line in program.body.links_under(GATES):
        gate = href.removeprefix("/exercises/").partition("#")[0]
        if (
            href.startswith("/exercises/")
            and gate in library.exercises
            and gate not in here | earlier
        ):
            message = (
                f"the move-on gate names '{gate}', which no session of this program or an earlier"
                " one trains: add it to a session, or gate on an exercise the program has"
            )
            problems.append(Problem(path, program.body_first_line + line, message))
    return problems


def _first_phase(exercise, library: Library) -> str:
    """The earliest phase an exercise's page lists, in the taxonomy's order."""
    assert library.taxonomy is not None
    order = [term.slug for term in library.taxonomy.phases]
    return min(exercise.meta.phases, key=order.index)


def _against_the_page(
    item: ProgramItem,
    exercise,
    phase: str,
    earlier: set[str],
    here: set[str],
    seen_in_session: set[str],
    library: Library,
) -> list[str]:
    """How one prescription disagrees with its exercise's page: the dose for this phase,
    and the easier rungs that must come first."""
    found = []
    page = exercise.meta.dosage.get(phase)
    if page is None:
        found.append(
            f"'{item.exercise}' has no dose for the {phase} phase on its page: add one there,"
            " or prescribe it in a phase it lists"
        )
    elif item.differs is None and (
        (item.sets, item.reps, item.seconds, item.tempo, item.per_leg)
        != (page.sets, page.reps, page.seconds, page.tempo, page.per_leg)
    ):
        found.append(
            f"'{item.exercise}' is prescribed {_written(item)}, but its page gives"
            f" {_written(page)} for the {phase} phase: make them agree, or say why in 'differs:'"
        )
    easier = [
        step.exercise for step in exercise.meta.regressions if step.exercise in library.exercises
    ]
    if exercise.meta.family == PLYOMETRIC:
        # A landing drill's easier rungs are what make it safe: each is trained first, in an
        # earlier phase or earlier in the same session.
        missing = [
            slug
            for slug in easier
            if library.exercises[slug].meta.family == PLYOMETRIC
            and slug not in earlier | seen_in_session
        ]
        if missing:
            found.append(
                f"'{item.exercise}' needs {', '.join(missing)} first (its easier rungs), but no"
                " earlier phase or earlier exercise of this session trains them: add them before it"
            )
    elif (
        easier
        and item.exercise not in earlier
        and _first_phase(exercise, library) != phase
        and not set(easier) & (earlier | here)
    ):
        # An exercise starts in the first phase its page lists: that is an entry rung of that
        # phase. Prescribed in a later one, it builds on an easier rung the athlete has trained.
        found.append(
            f"'{item.exercise}' is reached from {', '.join(easier)} (its easier rungs), and this"
            " program and the earlier ones train none of them: add one, or start from an easier rung"
        )
    return found
