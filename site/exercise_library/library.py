"""Read and validate the whole content folder into plain Python objects.

`load_library` is the single place that knows the content format: `check` prints its
problems, `index` refuses to build while there are any and otherwise stores the result.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import difflib
import functools
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK
from typing import Any

from . import markup
from .frontmatter import Document, FrontMatterError, Problem, describe, load_yaml, split
from .slugs import is_slug, slugify

MAX_FILE_BYTES = 1_000_000
TERM_KINDS = {
    "phases": "phase",
    "families": "family",
    "equipment": "equipment",
    "muscles": "muscle",
}
MIN_STEPS, MIN_CUES, MIN_MISTAKES = 2, 3, 3


# -- the objects a valid library is made of ---------------------------------------------


@dataclass
class Term:
    kind: str
    slug: str
    label: str
    description: str
    position: int
    weeks: str | None = None


@dataclass
class Dose:
    sets: int
    reps: str | None = None
    seconds: str | None = None
    per_leg: bool = True
    tempo: str | None = None
    load: str | None = None
    note: str | None = None


@dataclass
class LadderStep:
    exercise: str
    when: str
    when_html: str = ""


@dataclass
class Exercise:
    slug: str
    path: str
    title: str
    summary: str
    family: str
    phases: list[str]
    equipment: list[str]
    primary: list[str]
    secondary: list[str]
    dosage: dict[str, Dose]
    progressions: list[LadderStep]
    regressions: list[LadderStep]
    also_known_as: list[str]
    aliases: list[str]
    body: markup.Body
    source: str = ""  # the file itself, read again only to put a line on a problem
    body_first_line: int = 0
    updated: str | None = None  # ISO date of the last meaningful edit, for the feed

    def line(self, where: tuple[str | int, ...]) -> int:
        """The file line of a front-matter value (reading the file again: errors only)."""
        return line_in_file(self.source, where)

    def links(self) -> ExerciseLinks:
        """What the checks across files need to know about this exercise."""
        return ExerciseLinks(
            slug=self.slug, path=self.path, source=self.source, aliases=self.aliases,
            progressions=[s.exercise for s in self.progressions],
            regressions=[s.exercise for s in self.regressions],
            body_links=self.body.links, body_first_line=self.body_first_line,
        )  # fmt: skip


@dataclass(slots=True)  # ten thousand of them are made on every incremental build
class ExerciseLinks:
    """The part of an exercise that other files depend on: its aliases, its ladder and the
    links in its body. The incremental build keeps this per file in the index, so the checks
    across files run over the whole library without reading the files that did not change."""

    slug: str
    path: str
    source: str
    aliases: list[str]
    # Target slugs. A file with a problem is never stored, so every step of a stored ladder
    # was valid: the nth is at (direction, n, "exercise") in the YAML.
    progressions: list[str]
    regressions: list[str]
    body_links: list[tuple[str, int]]  # (href, 0-based body line)
    body_first_line: int

    def line(self, where: tuple[str | int, ...]) -> int:
        """The file line of a front-matter value (reading the file again: errors only)."""
        return line_in_file(self.source, where)

    def ladder_line(self, direction: str, index: int) -> int:
        """The file line of the *index*th step of the ladder *direction*."""
        return self.line((direction, index, "exercise"))

    def to_json(self) -> str:
        """The stored form: JSON, so an index never holds pickled code objects."""
        return json.dumps(
            [self.aliases, self.progressions, self.regressions, self.body_links,
             self.body_first_line],
            separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_stored(cls, slug: str, path: str, source: str, stored: list) -> ExerciseLinks:
        """Rebuild from `to_json`'s list once decoded (pairs come back as lists, which every
        reader treats as it does tuples)."""
        return cls(slug, path, source, *stored)


def line_in_file(source: str, where: tuple[str | int, ...]) -> int:
    """The file line of the front-matter value at *where* in the file *source*. Valid files
    keep no YAML text or node tree (that would double what crosses between processes), so a
    problem found across files reads its file once more."""
    try:
        return split(Path(source).read_text(encoding="utf-8")).line_of(where)
    except (OSError, UnicodeDecodeError, FrontMatterError):  # pragma: no cover - changed since
        return 1


@dataclass
class ProgramItem:
    exercise: str
    dose: Dose
    line: int


@dataclass
class ProgramSession:
    name: str
    focus: str
    items: list[ProgramItem]


@dataclass
class Program:
    phase: str
    path: str
    title: str
    summary: str
    sessions_per_week: int
    sessions: list[ProgramSession]
    body: markup.Body
    body_first_line: int


@dataclass
class Guide:
    slug: str
    path: str
    title: str
    summary: str
    body: markup.Body
    body_first_line: int


@dataclass
class Assessment:
    slug: str
    title: str
    exercise: str
    baseline: str
    advanced: str
    how_to_test: str
    line: int


@dataclass
class Library:
    """Everything under content/, validated."""

    terms: dict[str, dict[str, Term]]
    exercises: dict[str, Exercise]
    programs: dict[str, Program]
    guides: dict[str, Guide]
    assessments: list[Assessment]
    version: str
    links: dict[str, ExerciseLinks] = field(default_factory=dict)  # every exercise, read or not
    hashes: dict[str, str] = field(default_factory=dict)  # content file -> sha256
    read: list[str] = field(default_factory=list)  # slugs of the exercise files read this time


# -- field checks --------------------------------------------------------------------------


class FileCheck:
    """Typed reads from one file's YAML data that record a located problem for each misfit."""

    def __init__(self, path: str, document: Document | None):
        self.path = path
        self.document = document
        self.problems: list[Problem] = []

    def line(self, where: tuple[str | int, ...]) -> int:
        return self.document.line_of(where) if self.document else 1

    def report(self, where: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(self.path, self.line(where), message))

    def report_line(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, where: tuple[str | int, ...], allowed: Iterable[str]) -> dict:
        if not isinstance(value, dict):
            self.report(where, f"expected a mapping of fields, got {describe(value)}")
            return {}
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean '{near[0]}'?" if near else f"allowed: {', '.join(allowed)}"
                self.report((*where, key), f"unknown field '{key}': {hint}")
        return value

    def text(self, data: dict, key: str, where: tuple = (), required: bool = True) -> str | None:
        if key not in data or data[key] is None or data[key] == "":
            if required:
                self.report(
                    where if key not in data else (*where, key),
                    f"missing required field '{key}': add it as text",
                )
            return None
        value = data[key]
        if not isinstance(value, str):
            self.report((*where, key), f"'{key}' must be text, got {describe(value)}")
            return None
        return value.strip()

    def text_list(
        self, data: dict, key: str, where: tuple = (), required: bool = False
    ) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                self.report(
                    where, f"missing required field '{key}': add a list, e.g. {key}: [a, b]"
                )
            return []
        if not isinstance(value, list):
            self.report(
                (*where, key), f"'{key}' must be a list, e.g. {key}: [a, b]; got {describe(value)}"
            )
            return []
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.report(
                    (*where, key, index),
                    f"each entry of '{key}' must be text, got {describe(item)}",
                )
            else:
                result.append(item.strip())
        return result

    def terms(
        self,
        data: dict,
        key: str,
        kind: str,
        known: dict[str, Term],
        where: tuple = (),
        required: bool = True,
    ) -> list[str]:
        slugs = self.text_list(data, key, where, required=required)
        if required and key in data and not slugs and isinstance(data.get(key), list):
            self.report((*where, key), f"'{key}' is empty: list at least one {kind}")
        valid = []
        for index, slug in enumerate(slugs):
            if slug in known:
                if slug in valid:
                    self.report(
                        (*where, key, index), f"{kind} '{slug}' is listed twice: remove one"
                    )
                else:
                    valid.append(slug)
            else:
                self.report((*where, key, index), unknown_message(kind, slug, known))
        return valid

    def whole_number(
        self, data: dict, key: str, where: tuple, low: int, high: int, required: bool = True
    ) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                self.report(
                    where,
                    f"missing required field '{key}': add a whole number from {low} to {high}",
                )
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report((*where, key), f"'{key}' must be a whole number, got {describe(value)}")
            return None
        if not low <= value <= high:
            self.report(
                (*where, key), f"'{key}' is {value}: use a whole number from {low} to {high}"
            )
            return None
        return value

    def count(self, data: dict, key: str, where: tuple) -> str | None:
        """A rep or second count: a whole number, or a range written as text ("8-12")."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 600:
            return str(value)
        if isinstance(value, str):
            low, dash, high = value.partition("-")
            if dash and low.strip().isdigit() and high.strip().isdigit() and int(low) < int(high):
                return f"{int(low)}-{int(high)}"
        self.report(
            (*where, key),
            f"'{key}' must be a whole number (10) or a range in quotes (\"8-12\"), got {describe(value)}",
        )
        return None


def unknown_message(kind: str, slug: str, known: Iterable[str]) -> str:
    """An 'unknown X' message that suggests the nearest known value."""
    known = list(known)
    near = difflib.get_close_matches(slug, known, n=1, cutoff=0.5)
    if near:
        return f"unknown {kind} '{slug}': did you mean '{near[0]}'?"
    listing = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"unknown {kind} '{slug}': use one of {listing}"


def read_date(check: FileCheck, data: dict, key: str) -> str | None:
    """An optional date, written 2026-11-23 (YAML reads that as a date, which is wanted here)."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    check.report((key,), f"'{key}' must be a date written YYYY-MM-DD, got {describe(value)}")
    return None


DOSE_FIELDS = ("sets", "reps", "seconds", "per_leg", "tempo", "load", "note")


def read_dose(
    check: FileCheck, value: Any, where: tuple, extra: tuple[str, ...] = ()
) -> Dose | None:
    data = check.mapping(value, where, DOSE_FIELDS + extra)
    if not data:
        return None
    sets = check.whole_number(data, "sets", where, 1, 10)
    reps = check.count(data, "reps", where)
    seconds = check.count(data, "seconds", where)
    if ("reps" in data) == ("seconds" in data):
        check.report(where, "give exactly one of 'reps' or 'seconds'")
    per_leg = data.get("per_leg", True)
    if not isinstance(per_leg, bool):
        check.report(
            (*where, "per_leg"), f"'per_leg' must be true or false, got {describe(per_leg)}"
        )
        per_leg = True
    tempo = check.text(data, "tempo", where, required=False)
    load = check.text(data, "load", where, required=False)
    note = check.text(data, "note", where, required=False)
    if sets is None or (reps is None and seconds is None):
        return None
    return Dose(sets, reps, seconds, per_leg, tempo, load, note)


# -- reading files -------------------------------------------------------------------------


def _display(path: Path | str) -> str:
    """*path* as problems show it: relative to the working directory."""
    folder, name = os.path.split(path)
    return _prefixes(folder or os.curdir, os.getcwd())[0] + name


def _absolute(path: Path | str) -> str:
    folder, name = os.path.split(path)
    return _prefixes(folder or os.curdir, os.getcwd())[1] + name


@functools.lru_cache(maxsize=64)
def _prefixes(folder: str, cwd: str) -> tuple[str, str]:
    """How a file in *folder* is shown (relative to *cwd*) and its absolute path, each as
    what goes before the file's name: worked out once per folder, not for every file."""
    try:
        shown = os.path.relpath(folder, cwd)
    except ValueError:  # pragma: no cover - another drive on Windows
        shown = folder
    shown = "" if shown == os.curdir else os.path.join(shown, "")
    return shown, os.path.join(os.path.normpath(os.path.join(cwd, folder)), "")


def read_text(path: Path, root: Path, problems: list[Problem]) -> str | None:
    """Read a content file as UTF-8, refusing what could never be content."""
    info = os.lstat(path)
    if S_ISLNK(info.st_mode):
        if not path.resolve().is_relative_to(root.resolve()):
            problems.append(
                Problem(
                    _display(path),
                    1,
                    "a symbolic link that points outside content/: replace it with the file itself",
                )
            )
            return None
        info = os.stat(path)
    size = info.st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(
                _display(path),
                1,
                f"the file is {size // 1000} kB; the limit is {MAX_FILE_BYTES // 1000} kB: split or shorten it",
            )
        )
        return None
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                _display(path),
                line,
                f"bytes that are not UTF-8 (at byte {error.start}): save the file as UTF-8",
            )
        )
        return None


def read_document(path: Path, root: Path, problems: list[Problem]) -> Document | None:
    text = read_text(path, root, problems)
    if text is None:
        return None
    try:
        return split(text)
    except FrontMatterError as error:
        problems.append(Problem(_display(path), error.line, error.message))
        return None


def read_taxonomy(path: Path, problems: list[Problem]) -> dict[str, dict[str, Term]]:
    terms: dict[str, dict[str, Term]] = {kind: {} for kind in TERM_KINDS.values()}
    shown = _display(path)
    if not path.exists():
        problems.append(
            Problem(
                shown,
                1,
                "taxonomy.yml is missing: create it with phases, families, equipment and muscles",
            )
        )
        return terms
    text = read_text(path, path.parent, problems)
    if text is None:
        return terms
    try:
        data = load_yaml(text)
    except FrontMatterError as error:
        problems.append(Problem(shown, error.line, error.message))
        return terms
    document = Document(data, "", text, yaml_first_line=1, body_first_line=0)
    check = FileCheck(shown, document)
    data = check.mapping(data, (), TERM_KINDS)
    for group, kind in TERM_KINDS.items():
        entries = data.get(group)
        if not isinstance(entries, list) or not entries:
            check.report(
                (group,),
                f"'{group}' must be a non-empty list of terms with slug, label and description",
            )
            continue
        for index, entry in enumerate(entries):
            where = (group, index)
            entry = check.mapping(entry, where, ("slug", "label", "description", "weeks"))
            slug = check.text(entry, "slug", where)
            label = check.text(entry, "label", where)
            description = check.text(entry, "description", where)
            weeks = check.text(entry, "weeks", where, required=False)
            if slug is None or label is None or description is None:
                continue
            if not is_slug(slug):
                check.report((*where, "slug"), f"'{slug}' is not a slug: use '{slugify(slug)}'")
            elif slug in terms[kind]:
                check.report((*where, "slug"), f"{kind} '{slug}' is defined twice: remove one")
            else:
                terms[kind][slug] = Term(kind, slug, label, description, index, weeks)
    problems.extend(check.problems)
    return terms


EXERCISE_FIELDS = (
    "title", "summary", "family", "phases", "equipment", "muscles", "dosage", "progressions",
    "regressions", "also_known_as", "aliases", "updated",
)  # fmt: skip


def _check_file_name(path: Path, shown: str, kind: str, problems: list[Problem]) -> None:
    """A file's name is its page's address: it must be a slug (*kind* names the file in the
    suggested name when nothing of the old one is left)."""
    if not is_slug(path.stem):
        suggested = slugify(path.stem) or kind
        problems.append(
            Problem(
                shown,
                1,
                f"the file name '{path.name}' is not a valid slug: rename it to '{suggested}.md'",
            )
        )


def read_exercise(
    path: Path, root: Path, terms: dict[str, dict[str, Term]]
) -> tuple[Exercise | None, list[Problem]]:
    """Read and check one exercise file on its own; links to other files are checked later."""
    problems: list[Problem] = []
    shown = _display(path)
    slug = path.stem
    _check_file_name(path, shown, "exercise", problems)
    document = read_document(path, root, problems)
    if document is None:
        return None, problems
    check = FileCheck(shown, document)
    data = check.mapping(document.data, (), EXERCISE_FIELDS)
    title = check.text(data, "title")
    summary = check.text(data, "summary")
    family_slug = check.text(data, "family")
    if family_slug is not None and family_slug not in terms["family"]:
        check.report(("family",), unknown_message("family", family_slug, terms["family"]))
        family_slug = None
    phases = check.terms(data, "phases", "phase", terms["phase"])
    equipment = check.terms(data, "equipment", "equipment", terms["equipment"])
    muscles = (
        check.mapping(data.get("muscles"), ("muscles",), ("primary", "secondary"))
        if "muscles" in data
        else {}
    )
    if "muscles" not in data:
        check.report(
            (), "missing required field 'muscles': add muscles: {primary: [...], secondary: [...]}"
        )
    primary = (
        check.terms(muscles, "primary", "muscle", terms["muscle"], ("muscles",)) if muscles else []
    )
    secondary = (
        check.terms(muscles, "secondary", "muscle", terms["muscle"], ("muscles",), required=False)
        if muscles
        else []
    )
    for index, muscle in enumerate(secondary):
        if muscle in primary:
            check.report(
                ("muscles", "secondary", index),
                f"muscle '{muscle}' is both primary and secondary: keep it in one list",
            )

    dosage: dict[str, Dose] = {}
    raw_dosage = data.get("dosage")
    if raw_dosage is None:
        check.report(
            (),
            "missing required field 'dosage': add one entry per phase with sets and reps or seconds",
        )
    else:
        raw_dosage = check.mapping(raw_dosage, ("dosage",), terms["phase"])
        for phase, value in raw_dosage.items():
            if phase not in terms["phase"]:
                continue
            if phase not in phases:
                check.report(
                    ("dosage", phase),
                    f"a dosage for '{phase}', which is not in phases: add it to phases or remove the dosage",
                )
            dose = read_dose(check, value, ("dosage", phase))
            if dose is not None:
                dosage[phase] = dose
        for phase in phases:
            if phase not in raw_dosage:
                check.report(
                    ("phases",),
                    f"no dosage for phase '{phase}': add dosage: {phase}: {{sets: ..., reps: ...}}",
                )

    ladders = {}
    for direction in ("progressions", "regressions"):
        steps: list[LadderStep] = []
        raw_steps = data.get(direction) or []
        if not isinstance(raw_steps, list):
            check.report(
                (direction,), f"'{direction}' must be a list of {{exercise: slug, when: text}}"
            )
            raw_steps = []
        for index, raw in enumerate(raw_steps):
            where = (direction, index)
            step = check.mapping(raw, where, ("exercise", "when"))
            target = check.text(step, "exercise", where)
            when = check.text(step, "when", where)
            if target is not None and when is not None:
                steps.append(LadderStep(target, when))
        ladders[direction] = steps
    every_step = [*ladders["progressions"], *ladders["regressions"]]
    for step, html in zip(
        every_step, markup.render_inline_all([s.when for s in every_step]), strict=True
    ):
        step.when_html = html
    updated = read_date(check, data, "updated")
    also_known_as = check.text_list(data, "also_known_as")
    aliases = check.text_list(data, "aliases")
    for index, alias in enumerate(aliases):
        if not is_slug(alias):
            check.report(
                ("aliases", index), f"alias '{alias}' is not a slug: use '{slugify(alias)}'"
            )

    body = markup.parse_exercise(document.body)
    for line, message in body.problems:
        check.report_line(document.body_first_line + line, message)
    body_end = document.body_first_line + document.body.count("\n")
    for count, minimum, what in (
        (len(body.steps), MIN_STEPS, "numbered steps under '## How to do it'"),
        (len(body.cues), MIN_CUES, "cues under '## Cues'"),
        (len(body.mistakes), MIN_MISTAKES, "mistakes under '## Common mistakes'"),
    ):
        section_missing = any(
            "missing section" in p.message or "must be" in p.message for p in check.problems
        )
        if count < minimum and not section_missing:
            check.report_line(body_end, f"only {count} {what}: write at least {minimum}")

    problems.extend(check.problems)
    if problems or None in (title, summary, family_slug):
        return None, problems
    return (
        Exercise(
            slug=slug, path=shown, title=title, summary=summary, family=family_slug,
            phases=phases, equipment=equipment, primary=primary, secondary=secondary,
            dosage=dosage, progressions=ladders["progressions"], regressions=ladders["regressions"],
            also_known_as=also_known_as, aliases=aliases, body=body, source=_absolute(path),
            body_first_line=document.body_first_line, updated=updated,
        ),
        problems,
    )  # fmt: skip


def read_program(
    path: Path, root: Path, terms: dict[str, dict[str, Term]]
) -> tuple[Program | None, list[Problem]]:
    problems: list[Problem] = []
    shown = _display(path)
    if path.stem not in terms["phase"]:
        problems.append(
            Problem(
                shown,
                1,
                unknown_message("phase", path.stem, terms["phase"])
                + " (the file name must be a phase slug)",
            )
        )
        return None, problems
    document = read_document(path, root, problems)
    if document is None:
        return None, problems
    check = FileCheck(shown, document)
    data = check.mapping(document.data, (), ("title", "summary", "sessions_per_week", "sessions"))
    title = check.text(data, "title")
    summary = check.text(data, "summary")
    per_week = check.whole_number(data, "sessions_per_week", (), 1, 7)
    sessions = []
    raw_sessions = data.get("sessions")
    if not isinstance(raw_sessions, list) or not raw_sessions:
        check.report(
            ("sessions",) if "sessions" in data else (),
            "'sessions' must be a list of sessions, each with name, focus and exercises",
        )
        raw_sessions = []
    for index, raw in enumerate(raw_sessions):
        where = ("sessions", index)
        session = check.mapping(raw, where, ("name", "focus", "exercises"))
        name = check.text(session, "name", where)
        focus = check.text(session, "focus", where, required=False) or ""
        items = []
        raw_items = session.get("exercises")
        if not isinstance(raw_items, list) or not raw_items:
            check.report(
                where, "each session needs 'exercises': a list of {exercise, sets, reps or seconds}"
            )
            raw_items = []
        for item_index, raw_item in enumerate(raw_items):
            item_where = (*where, "exercises", item_index)
            if not isinstance(raw_item, dict):
                check.report(
                    item_where,
                    f"expected {{exercise: slug, sets: ..., reps: ...}}, got {describe(raw_item)}",
                )
                continue
            exercise = check.text(raw_item, "exercise", item_where)
            dose = read_dose(
                check, {k: v for k, v in raw_item.items() if k != "exercise"}, item_where
            )
            if exercise and dose:
                items.append(ProgramItem(exercise, dose, check.line((*item_where, "exercise"))))
        if name:
            sessions.append(ProgramSession(name, focus, items))
    body = markup.parse_document(document.body)
    for line, message in body.problems:
        check.report_line(document.body_first_line + line, message)
    problems.extend(check.problems)
    if problems or None in (title, summary, per_week):
        return None, problems
    return Program(
        path.stem, shown, title, summary, per_week, sessions, body, document.body_first_line
    ), problems


def read_guide(path: Path, root: Path) -> tuple[Guide | None, list[Problem]]:
    problems: list[Problem] = []
    shown = _display(path)
    _check_file_name(path, shown, "guide", problems)
    document = read_document(path, root, problems)
    if document is None:
        return None, problems
    check = FileCheck(shown, document)
    data = check.mapping(document.data, (), ("title", "summary"))
    title = check.text(data, "title")
    summary = check.text(data, "summary")
    body = markup.parse_document(document.body)
    if not body.sections[0].text.strip():
        check.report_line(
            document.body_first_line, "the guide has no body: write it below the front matter"
        )
    for line, message in body.problems:
        check.report_line(document.body_first_line + line, message)
    problems.extend(check.problems)
    if problems or None in (title, summary):
        return None, problems
    return Guide(path.stem, shown, title, summary, body, document.body_first_line), problems


def read_assessments(path: Path, root: Path) -> tuple[list[Assessment], list[Problem]]:
    problems: list[Problem] = []
    if not path.exists():
        return [], problems
    shown = _display(path)
    text = read_text(path, root, problems)
    if text is None:
        return [], problems
    try:
        data = load_yaml(text)
    except FrontMatterError as error:
        return [], [Problem(shown, error.line, error.message)]
    check = FileCheck(shown, Document(data, "", text, yaml_first_line=1, body_first_line=0))
    data = check.mapping(data, (), ("assessments",))
    result = []
    seen = set()
    for index, raw in enumerate(data.get("assessments") or []):
        where = ("assessments", index)
        entry = check.mapping(
            raw, where, ("slug", "title", "exercise", "baseline", "advanced", "how_to_test")
        )
        values = [
            check.text(entry, key, where)
            for key in ("slug", "title", "exercise", "baseline", "advanced", "how_to_test")
        ]
        if None in values:
            continue
        slug = values[0]
        if not is_slug(slug) or slug in seen:
            check.report((*where, "slug"), f"'{slug}' must be a unique slug")
            continue
        seen.add(slug)
        result.append(Assessment(*values, line=check.line(where)))
    problems.extend(check.problems)
    return result, problems


# -- the whole library -----------------------------------------------------------------------


CONTENT_FOLDERS = ("exercises", "phases", "guides")
SINGLE_FILES = ("taxonomy.yml", "assessments.yml", "published.txt")


def _names(folder: Path) -> list[str]:
    """The entries of *folder*, sorted (os.listdir: at ten thousand files pathlib's glob and
    sort cost a tenth of a second)."""
    try:
        return sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []


def content_files(root: Path, listing: dict[str, list[str]] | None = None) -> list[str]:
    """Every file that makes up the content, as paths relative to *root*, in a stable order.
    *listing*, if given, receives each content folder's entries (all of them, sorted)."""
    files = [name for name in SINGLE_FILES if os.path.lexists(root / name)]
    for folder in CONTENT_FOLDERS:
        names = _names(root / folder)
        if listing is not None:
            listing[folder] = names
        files.extend(f"{folder}/{name}" for name in names if name.endswith(".md"))
    return files


@dataclass
class ContentScan:
    """A hash of each content file, and the content version made from them all.

    A scan may leave the exercise files to whoever reads them anyway (see `scan_content`):
    they are listed in `pending`, and `record` fills in each one's hash as it is read."""

    hashes: dict[str, str]  # "exercises/box-step.md" -> sha256 of the file's bytes
    stats: dict[str, str] = field(default_factory=dict)  # what os.stat said of each file
    started_ns: int = 0  # the clock when the scan began
    pending: set[str] = field(default_factory=set)  # listed, not hashed yet
    changed: list[str] = field(default_factory=list)  # hash or stat not as *known* said
    # Each content folder's entries as the scan listed them, so a load reads what was hashed.
    listing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The content version: a hash of every file's path and hash, in a stable order."""
        if self.pending:
            raise RuntimeError(f"{len(self.pending)} content file(s) not hashed yet")
        return hashlib.sha256(
            "".join(f"{rel}\0{file_hash}\0" for rel, file_hash in self.hashes.items()).encode()
        ).hexdigest()[:16]

    def record(self, rel: str, file_hash: str, stat: str) -> None:
        """Fill in the hash and stat of a pending file."""
        if rel in self.pending:
            self.hashes[rel], self.stats[rel] = file_hash, stat
            self.pending.discard(rel)

    def exercise_slugs(self) -> set[str]:
        """Slugs of every exercise file, valid or not."""
        return {rel[10:-3] for rel in self.hashes if rel.startswith("exercises/")}


def scan_content(
    root: Path,
    known: Mapping[str, tuple[str, str]] | None = None,
    trusted_before_ns: int = 0,
    *,
    leave_exercises: bool = False,
) -> ContentScan:
    """Hash every content file: the same content gives the same version on any machine, and
    the per-file hashes tell an incremental build which files changed.

    *known* maps files to the (hash, stat) an earlier scan recorded. As in git's index, a file
    whose size, inode, modification and change times are all still the same is not read
    again, provided its change time is older than *trusted_before_ns* (the start of that scan,
    less a margin): a file written in the same clock tick as that scan is always read.

    With *leave_exercises*, exercise files are only listed: a full load reads every one of
    them anyway, and hashes each where it reads it (`fingerprint`, on all cores).
    """
    started_ns = time.time_ns()
    known = known or {}
    # Plain strings, not pathlib: at ten thousand files pathlib's overhead is most of the scan.
    prefix = os.path.join(root, "")
    scan = ContentScan({}, {}, started_ns)
    for rel in content_files(Path(root), scan.listing):
        if leave_exercises and rel.startswith("exercises/"):
            scan.hashes[rel], scan.stats[rel] = "", ""
            scan.pending.add(rel)
        else:
            previous = known.get(rel)
            found = fingerprint(prefix + rel, previous, trusted_before_ns)
            scan.hashes[rel], scan.stats[rel] = found
            if found != previous:
                scan.changed.append(rel)
    return scan


def fingerprint(
    path: str, known: tuple[str, str] | None = None, trusted_before_ns: int = 0
) -> tuple[str, str]:
    """The sha256 of a file's bytes and what os.stat said of it just before they were read;
    the *known* (hash, stat) if the file is as it was then (see `scan_content`)."""
    try:
        info = os.stat(path)
        stat = f"{info.st_size}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}"
        if known and known[1] == stat and info.st_ctime_ns < trusted_before_ns:
            return known[0], stat
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest(), stat
    except OSError:
        return "unreadable", ""


def content_version(root: Path) -> str:
    """A hash of every content file: the same content gives the same version on any machine."""
    return scan_content(root).version


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Loading the library makes hundreds of
    thousands of objects that all live to the end, none in cycles that need collecting; the
    collector's passes over them cost up to a third of an incremental build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PARALLEL_FROM = 300  # below this, starting worker processes costs more than it saves
# Files per task sent to a worker: small enough that the first results come back (and the
# caller starts storing them) soon after the start, and that both cores finish together.
CHUNK = 32


@dataclass(frozen=True)
class Sink:
    """Where `load_library` hands each exercise that passes its own checks, in file order,
    instead of keeping it in `Library.exercises`: *prepare* runs where the file was parsed
    (a worker process, so it must pickle) and turns the exercise into what *store*, in the
    caller's process, takes. Only the small result of *prepare* crosses between processes.
    *ready*, if given, is called once the files are being read, before the first *store*:
    the caller can get ready to store meanwhile."""

    prepare: Callable[[dict[str, dict[str, Term]], Exercise], Any]
    store: Callable[[Any], None]
    ready: Callable[[], None] | None = None


# One exercise read: the exercise itself, or (with a sink) its links and what the sink's
# prepare made of it; None for a file with problems; then its problems, and if asked for the
# file's (path, hash, stat) for ContentScan.record.
_Read = tuple[Exercise | ExerciseLinks | None, Any, list[Problem], tuple[str, str, str] | None]


def _read_one(
    path: str,
    root: Path,
    terms: dict[str, dict[str, Term]],
    prepare: Callable[[dict[str, dict[str, Term]], Exercise], Any] | None,
    hashed: bool,
) -> _Read:
    # Hashed before it is read, as a scan would: if the file changes in between, its stat
    # will differ next time and it is read again.
    found = (f"exercises/{os.path.basename(path)}", *fingerprint(path)) if hashed else None
    exercise, problems = read_exercise(Path(path), root, terms)
    if exercise is None or prepare is None:
        return exercise, None, problems, found
    return exercise.links(), prepare(terms, exercise), problems, found


_reader: Callable[[str], _Read] | None = None  # a worker process's _read_one, set at its start


def _start_worker(read: Callable[[str], _Read]) -> None:
    global _reader
    _reader = read


def _read_in_worker(path: str) -> _Read:
    assert _reader is not None
    return _reader(path)


@contextlib.contextmanager
def _reading(
    paths: list[str],
    root: Path,
    terms: dict[str, dict[str, Term]],
    prepare: Callable[[dict[str, dict[str, Term]], Exercise], Any] | None,
    hashed: bool,
) -> Iterator[Iterator[_Read]]:
    """Start reading every exercise file, on all cores when there are enough of them, and
    give the results in file order as they come (so the caller can store them while the
    rest are read, and do other work before it asks for the first). Each file is read on its
    own, so the work splits cleanly; links between files are checked after."""
    read = functools.partial(_read_one, root=root, terms=terms, prepare=prepare, hashed=hashed)
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        yield map(read, paths)
        return
    # The reader (with the sink's prepare and what it holds) goes to each worker once, at
    # its start, instead of with every task.
    with concurrent.futures.ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(read,)
    ) as pool:
        try:
            yield pool.map(_read_in_worker, paths, chunksize=CHUNK)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def load_library(
    root: Path,
    reuse: Mapping[str, tuple[str, list]] | None = None,
    scan: ContentScan | None = None,
    sink: Sink | None = None,
) -> tuple[Library, list[Problem]]:
    """Read everything under *root*; return the library and every problem found, sorted.

    *reuse* maps exercise files ("exercises/x.md") to the (hash, decoded
    `ExerciseLinks.to_json`) an earlier clean load stored. A file whose hash is still the
    same is not read again: it passed every check of its own then, and with the same bytes
    and the same taxonomy it still does (the caller drops *reuse* when taxonomy.yml
    changed). Such exercises are in `Library.links` only; `Library.exercises` holds the
    files that were read (their slugs are `Library.read`). The checks across files always
    run over every exercise.

    *sink*, if given, takes each exercise that passes its own checks as soon as it is read,
    in file order (see `Sink`), and `Library.exercises` stays empty: the indexer writes rows
    while the other files are still being parsed. Problems found later still make the whole
    load fail.
    """
    with collector_paused():
        scan = scan or scan_content(root, leave_exercises=True)
        return _load_library(Path(root), reuse or {}, scan, sink)


def _load_library(
    root: Path, reuse: Mapping[str, tuple[str, list]], scan: ContentScan, sink: Sink | None
) -> tuple[Library, list[Problem]]:
    problems: list[Problem] = []
    terms = read_taxonomy(root / "taxonomy.yml", problems)

    links: dict[str, ExerciseLinks] = {}
    paths = []  # plain strings: pathlib would cost a tenth of a second at ten thousand files
    folder = os.path.join(root, "exercises", "")
    shown, absolute = _prefixes(os.path.join(root, "exercises"), os.getcwd())
    hashes = scan.hashes
    for name in scan.listing["exercises"]:
        if name.endswith(".md"):
            rel = "exercises/" + name
            stored = reuse.get(rel)
            if stored is not None and stored[0] == hashes.get(rel):
                slug = name[:-3]
                links[slug] = ExerciseLinks.from_stored(
                    slug, shown + name, absolute + name, stored[1]
                )
            else:
                paths.append(folder + name)
        elif not name.startswith("."):
            path = root / "exercises" / name
            problems.append(
                Problem(
                    _display(path),
                    1,
                    "only .md files belong in exercises/: rename it or move it out",
                )
            )
    hashed = bool(scan.pending)
    with _reading(paths, root, terms, sink.prepare if sink else None, hashed) as results:
        # Get ready and read the rest while other cores read the exercises.
        if sink is not None and sink.ready is not None:
            sink.ready()
        programs, guides, assessments = _read_the_rest(root, terms, problems)
        exercises: dict[str, Exercise] = {}
        read: list[str] = []
        for found, prepared, file_problems, fingerprinted in results:
            if fingerprinted:
                scan.record(*fingerprinted)
            problems.extend(file_problems)
            if isinstance(found, Exercise):
                exercises[found.slug] = found
                found = found.links()
            elif found is not None and sink is not None:
                sink.store(prepared)
            if found is not None:
                links[found.slug] = found
                read.append(found.slug)
    if not (root / "exercises").is_dir():
        problems.append(
            Problem(_display(root / "exercises"), 1, "the exercises/ folder is missing")
        )
    for rel in list(scan.pending):  # listed by the scan, gone before they could be read
        scan.record(rel, *fingerprint(os.path.join(root, rel)))

    library = Library(
        terms, exercises, programs, guides, assessments, scan.version,
        dict(sorted(links.items())), scan.hashes, read,
    )  # fmt: skip
    problems.extend(check_links(library, root))
    return library, sorted(set(problems))


def _read_the_rest(
    root: Path, terms: dict[str, dict[str, Term]], problems: list[Problem]
) -> tuple[dict[str, Program], dict[str, Guide], list[Assessment]]:
    """Programs, guides and assessments."""
    programs: dict[str, Program] = {}
    for path in sorted((root / "phases").glob("*.md")):
        program, file_problems = read_program(path, root, terms)
        problems.extend(file_problems)
        if program is not None:
            programs[program.phase] = program

    guides: dict[str, Guide] = {}
    for path in sorted((root / "guides").glob("*.md")):
        guide, file_problems = read_guide(path, root)
        problems.extend(file_problems)
        if guide is not None:
            guides[guide.slug] = guide

    assessments, file_problems = read_assessments(root / "assessments.yml", root)
    problems.extend(file_problems)
    return programs, guides, assessments


PUBLISHED = "published.txt"


def read_published(root: Path) -> list[tuple[str, int]]:
    """The slugs recorded in published.txt, with their lines: every exercise URL ever shared."""
    path = root / PUBLISHED
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        slug = line.split("#", 1)[0].strip()
        if slug:
            entries.append((slug, number))
    return entries


def _check_published(root: Path, files: set[str], owners: dict[str, str]) -> list[Problem]:
    """A published URL must answer forever: as an exercise, or as an alias redirecting to one."""
    problems = []
    shown = _display(root / PUBLISHED)
    published = read_published(root)
    recorded = {slug for slug, _ in published}
    for slug, line in published:
        if slug not in files and slug not in owners:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"/exercises/{slug} was published and nothing answers it now: add '{slug}' to the aliases of the exercise that replaced it, or restore exercises/{slug}.md",
                )
            )
    for slug in sorted(files - recorded):
        if is_slug(slug):
            problems.append(
                Problem(
                    _display(root / "exercises" / f"{slug}.md"),
                    1,
                    f"new exercise '{slug}' is not recorded in {PUBLISHED}: run `flask --app wsgi publish` so its URL is kept for good",
                )
            )
    return problems


def check_links(library: Library, root: Path) -> list[Problem]:
    """Checks that need the whole library: aliases, ladders, and links between pages."""
    problems: list[Problem] = []
    files = {rel[10:-3] for rel in library.hashes if rel.startswith("exercises/")}
    targets = {  # what a link to /<route>/<slug> may name
        "exercises": files,
        "guides": library.guides.keys(),
        "phases": library.terms["phase"].keys(),
        "equipment": library.terms["equipment"].keys(),
        "muscles": library.terms["muscle"].keys(),
        "families": library.terms["family"].keys(),
    }
    owners: dict[str, str] = {}
    body_links = _BodyLinks(targets, owners)  # owners is complete before it is first asked
    for exercise in library.links.values():
        for index, alias in enumerate(exercise.aliases):
            where = ("aliases", index)  # a line only if there is something to report
            if alias in files:
                problems.append(
                    Problem(
                        exercise.path,
                        exercise.line(where),
                        f"alias '{alias}' is also the slug of exercises/{alias}.md: remove the alias or rename that file",
                    )
                )
            elif alias in owners:
                problems.append(
                    Problem(
                        exercise.path,
                        exercise.line(where),
                        f"alias '{alias}' is already an alias of '{owners[alias]}': keep it in one file",
                    )
                )
            else:
                owners[alias] = exercise.slug

    for exercise in library.links.values():
        slug, ladder = exercise.slug, (*exercise.progressions, *exercise.regressions)
        # Almost every ladder is fine: look step by step only at one that is not.
        if ladder and (slug in ladder or not files.issuperset(ladder)):
            problems.extend(_check_ladder(exercise, files, owners))
        if exercise.body_links:
            problems.extend(
                body_links.check(exercise.path, exercise.body_links, exercise.body_first_line)
            )
    # A new loop must run through an exercise that was read again: the others keep the
    # ladders of the last clean load, which had no loop. So look from those first, and walk
    # every ladder (for the very report a full check gives) only when there is a loop.
    if len(library.read) == len(library.links) or _check_cycles(library, library.read):
        problems.extend(_check_cycles(library))
    problems.extend(_check_published(root, files, owners))
    problems.extend(_check_programs_and_guides(library, root, files, body_links))
    return problems


def _check_ladder(
    exercise: ExerciseLinks, files: set[str], owners: dict[str, str]
) -> list[Problem]:
    problems = []
    for direction in ("progressions", "regressions"):
        for index, target in enumerate(getattr(exercise, direction)):
            if target == exercise.slug:
                problems.append(
                    Problem(
                        exercise.path,
                        exercise.ladder_line(direction, index),
                        f"'{exercise.slug}' lists itself in {direction}: link a different exercise",
                    )
                )
            elif target not in files:
                hint = unknown_message("exercise", target, sorted(files))
                if target in owners:
                    hint = f"'{target}' is a former slug: link '{owners[target]}' instead"
                problems.append(
                    Problem(
                        exercise.path,
                        exercise.ladder_line(direction, index),
                        f"{direction}: {hint}",
                    )
                )
    return problems


def _check_programs_and_guides(
    library: Library, root: Path, files: set[str], body_links: _BodyLinks
) -> list[Problem]:
    problems = []
    for program in library.programs.values():
        for session in program.sessions:
            for item in session.items:
                if item.exercise not in files:
                    problems.append(
                        Problem(
                            program.path,
                            item.line,
                            unknown_message("exercise", item.exercise, sorted(files)),
                        )
                    )
        problems.extend(body_links.check(program.path, program.body.links, program.body_first_line))
    for guide in library.guides.values():
        problems.extend(body_links.check(guide.path, guide.body.links, guide.body_first_line))
    for assessment in library.assessments:
        if assessment.exercise not in files:
            problems.append(
                Problem(
                    _display(root / "assessments.yml"),
                    assessment.line,
                    unknown_message("exercise", assessment.exercise, sorted(files)),
                )
            )
    return problems


class _BodyLinks:
    """Checks the site links in bodies against what exists (*targets*: route -> slugs) and
    the former slugs (*owners*: alias -> exercise). The same links recur in thousands of
    files, so each distinct one is judged once."""

    def __init__(self, targets: dict[str, Collection[str]], owners: dict[str, str]):
        self.targets = targets
        self.owners = owners
        self.verdicts: dict[str, str | None] = {}  # href -> what is wrong with it, if anything

    def check(self, path: str, links: list[tuple[str, int]], first_line: int) -> list[Problem]:
        """The problems of the *links* (href, 0-based body line) of the file at *path*."""
        problems = []
        for href, line in links:
            try:
                message = self.verdicts[href]
            except KeyError:
                message = self.verdicts[href] = self._verdict(href)
            if message is not None:
                problems.append(Problem(path, first_line + line, message))
        return problems

    def _verdict(self, href: str) -> str | None:
        if not href.startswith("/"):
            return None
        targets, owners = self.targets, self.owners
        route, _, rest = href.split("#")[0].split("?")[0].strip("/").partition("/")
        if route in targets and rest and rest not in targets[route]:
            if route == "exercises" and rest in owners:
                return f"link to a former slug '{href}': link /exercises/{owners[rest]} instead"
            return "broken link: " + unknown_message(
                route.rstrip("s") if route != "equipment" else route,
                rest,
                sorted(targets[route]),
            )
        if route not in targets and route not in ("assessments", "exercises", ""):
            return f"broken link '{href}': no such page on this site"
        return None


def _check_cycles(library: Library, starts: Iterable[str] | None = None) -> list[Problem]:
    """Progressions must only ever lead to harder work: a loop back is a mistake. With
    *starts*, only the loops those exercises lead into are found."""
    problems = []
    graph = library.links  # slug -> its ladder; walked as needed, not copied
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(slug: str, trail: list[str]) -> None:
        state[slug] = 1
        for target in graph[slug].progressions:
            if state.get(target) == 1:
                loop = (
                    [*trail[trail.index(target) :], slug, target]
                    if target in trail
                    else [slug, target]
                )
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    exercise = library.links[slug]
                    line = exercise.ladder_line("progressions", exercise.progressions.index(target))
                    problems.append(
                        Problem(
                            exercise.path,
                            line,
                            f"progressions loop back: {' -> '.join(loop)}: a progression must lead to a harder exercise",
                        )
                    )
            elif state.get(target) is None and target in graph:
                visit(target, [*trail, slug])
        state[slug] = 2

    for slug in sorted(graph if starts is None else starts):
        if slug not in state:
            visit(slug, [])
    return problems
