"""Build the SQLite index from the content folder: load, validate, write a new file, swap it in.

The index is a derived artefact. A build writes a temporary file beside the live one and
moves it over with `os.replace`, so readers see either the old index or the new one, whole,
and a failed check or build leaves the serving index exactly as it was.

Builds are incremental when they can be. The index keeps, per content file, the hash of its
bytes and (for an exercise) what the checks across files need (`library.ExerciseLinks`). With
an index in place, a build copies it to a temporary file on another thread while it hashes
every file, re-reads only the exercise files that changed or were added and runs every check
across files over the whole library; it then rewrites, in the copy, only the rows of the
changed, added and deleted exercises (search rows included) and the small program, guide and
assessment tables, and swaps it in. It falls
back to a full build when there is no usable index, the index format or taxonomy.yml changed,
or so many files changed that starting afresh is as quick.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, create_engine, insert

from . import models
from .db import db
from .frontmatter import Problem
from .fts import FTS_COLUMNS
from .library import (
    PARALLEL_FROM,
    ContentScan,
    Dose,
    Exercise,
    Library,
    Sink,
    Term,
    collector_paused,
    load_library,
    scan_content,
)

log = logging.getLogger(__name__)

# Bump when the schema or the rows written for the same content change: an index of another
# format is rebuilt in full instead of patched.
INDEX_FORMAT = "4"
# Past this share of changed exercise files (and this many), patching saves nothing over a
# full build.
INCREMENTAL_UP_TO = 0.25
INCREMENTAL_AT_LEAST = 50
# A file changed less than this before the last scan began is read again even if os.stat
# says it is as it was (timestamps can be coarser than the clock).
STAT_MARGIN_NS = 2_000_000_000
# Tables with one row (or more) per exercise, keyed by exercise_id.
EXERCISE_TABLES = (
    models.ExerciseTerm, models.AlsoKnownAs, models.Alias, models.Dosage, models.Section,
    models.Step, models.Cue, models.Mistake, models.LadderStep,
)  # fmt: skip
# Programs, guides and assessments: a few rows, rewritten whole on every build so their ids
# are those of a full build.
WHOLE_TABLES = (
    models.ProgramItem, models.ProgramSession, models.Program, models.Guide, models.Assessment,
)  # fmt: skip


class ContentError(Exception):
    """The content has problems; nothing was built."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass
class BuildReport:
    """What a build did: `incremental` says whether the old index was patched, `parsed` how
    many exercise files were read and parsed, `removed` how many exercises were dropped, and
    `reason` why a build was full."""

    exercises: int
    version: str
    seconds: float
    path: Path
    incremental: bool = False
    parsed: int = 0
    removed: int = 0
    reason: str = ""

    def describe(self) -> str:
        """One line for logs and the `index` command."""
        if self.incremental:
            how = f"incremental: {self.parsed} file(s) parsed, {self.removed} removed"
        else:
            how = f"full build: {self.reason}"
        return f"{self.exercises} exercises in {self.seconds:.2f} s ({how})"


def build_index(content_dir: Path, index_path: Path, *, full: bool = False) -> BuildReport:
    """Check the content and, if it is clean, replace the index at *index_path* atomically.

    With a usable index in place, only changed files are read and only their rows rewritten
    (see the module docstring); *full* forces a build from nothing. Either way the result
    answers every query as a full build of the same content does and records the same
    version. One difference: a full build numbers exercises in slug order, while a patched
    index keeps the ids it had and gives added exercises the next free ones, so ids (and the
    order of otherwise equal results) may differ between two indexes of the same content.
    """
    started = time.perf_counter()
    index_path = Path(index_path)
    with collector_paused():
        state = None if full else _State.read(index_path)
        # With an index in place, the build most likely patches a copy of it: the copy is
        # made while the content is scanned and checked.
        with _NewIndex(index_path, copied=state is not None) as new:
            scan = _scan(content_dir, state)
            return _build(Path(content_dir), new, state, scan, full, started)


class _NewIndex:
    """The temporary file a build writes beside the index in place, removed unless the build
    moves it into place. If *copied*, it starts as a copy of the index in place, made and
    synced to disk on a thread of its own from the start."""

    def __init__(self, index_path: Path, copied: bool):
        self.index_path = index_path
        self.copied = copied

    def __enter__(self) -> _NewIndex:
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=self.index_path.parent)
        os.close(handle)
        self.path = Path(name)
        self._copier = concurrent.futures.ThreadPoolExecutor(1)
        if self.copied:
            self._copy = self._copier.submit(_copy, self.index_path, self.path)
        return self

    def wait(self) -> None:
        """Return once the copy is on disk and its thread gone (a process should not fork
        while it runs other threads); raise what the copy raised."""
        self._copier.shutdown()
        if self.copied:
            self._copy.result()

    def start_empty(self) -> None:
        """Throw the copy away: a full build after all."""
        self.wait()
        os.truncate(self.path, 0)

    def __exit__(self, kind: type | None, *_: object) -> None:
        self._copier.shutdown()
        if kind is not None:
            self.path.unlink(missing_ok=True)


@dataclass
class _State:
    """What the index in place says about the content it was built from."""

    meta: dict[str, str]
    files: dict[str, tuple[str, str]]  # path -> (hash, stat)
    stored_links: list[tuple[str, str]]  # (path, ExerciseLinks.to_json) of each exercise

    @classmethod
    def read(cls, index_path: Path) -> _State | None:
        """The state of the index at *index_path*, or None if there is none of this format."""
        if not index_path.exists():
            return None
        try:
            uri = f"file:{index_path.resolve()}?mode=ro&immutable=1"
            with sqlite3.connect(uri, uri=True) as connection:
                meta = dict(connection.execute("SELECT key, value FROM meta"))
                if meta.get("format") != INDEX_FORMAT:
                    return None
                rows = connection.execute(
                    "SELECT path, hash, stat, links FROM source_file"
                ).fetchall()
            connection.close()
        except sqlite3.Error:
            return None
        files = {path: (file_hash, stat) for path, file_hash, stat, _ in rows}
        return cls(meta, files, [(path, links) for path, _, _, links in rows if links])

    def decoded_links(self) -> dict[str, tuple[str, list]]:
        """Each exercise file's stored hash and links, decoded: only a build needs them."""
        # One json.loads for every file: ten thousand small ones cost six times as much.
        decoded = json.loads("[" + ",".join(links for _, links in self.stored_links) + "]")
        files = self.files
        return {
            path: (files[path][0], links)
            for (path, _), links in zip(self.stored_links, decoded, strict=True)
        }


def _scan(content_dir: Path, state: _State | None) -> ContentScan:
    if state is None:  # a full build: the exercise files are hashed where they are parsed
        return scan_content(Path(content_dir), leave_exercises=True)
    trusted_before = int(state.meta.get("scanned_ns", 0)) - STAT_MARGIN_NS
    return scan_content(Path(content_dir), state.files, trusted_before)


def _plan(state: _State | None, scan: ContentScan, full: bool) -> tuple[str, int]:
    """Why the build must start from nothing ("" if the index in place can be patched), and
    how many exercise files a patch would read again."""
    if full:
        return "asked for", 0
    if state is None:
        return "no index of this format in place (or none at all)", 0
    stored = state.files
    if stored.get("taxonomy.yml", ("",))[0] != scan.hashes.get("taxonomy.yml"):
        return "taxonomy.yml changed", 0
    gone = [rel for rel in stored.keys() - scan.hashes.keys() if rel.startswith("exercises/")]
    reread = sum(
        1
        for rel in scan.changed
        if rel.startswith("exercises/") and stored.get(rel, ("",))[0] != scan.hashes[rel]
    )
    changed = reread + len(gone)
    if changed > max(
        INCREMENTAL_AT_LEAST, INCREMENTAL_UP_TO * (len(scan.exercise_slugs()) + len(gone))
    ):
        return f"{changed} exercise files changed", 0
    return "", reread


def _build(
    content_dir: Path,
    new: _NewIndex,
    state: _State | None,
    scan: ContentScan,
    full: bool,
    started: float,
) -> BuildReport:
    """Write the index into *new* (a copy of the one in place, if there is one, to patch)
    and move it into place."""
    reason, reread = _plan(state, scan, full)
    if state is not None and not reason:
        # The copy goes on while this thread checks the content, so at the end only the
        # pages the patch changed are left to sync.
        if reread >= PARALLEL_FROM:
            new.wait()  # the checks start processes
        library, problems = load_library(content_dir, reuse=state.decoded_links(), scan=scan)
        new.wait()
        if problems:
            raise ContentError(problems)
    elif new.copied:
        new.start_empty()
    temporary = new.path
    engine = create_engine(f"sqlite:///{temporary}")
    try:
        with engine.connect() as connection:
            # The file is not live until os.replace, so journaling buys nothing here.
            connection.exec_driver_sql("PRAGMA journal_mode=OFF")
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            connection.exec_driver_sql("PRAGMA locking_mode=EXCLUSIVE")
            # Room for the pages a build keeps going back to (the ends of the tables, the
            # search index's pending terms), not the whole file: past this, pages go to
            # the file (and, in a full build, to disk: _Syncer) while other cores still
            # parse, so the commit and the final sync have little left to write.
            connection.exec_driver_sql("PRAGMA cache_size=-8192")
            if reason:
                library = _write(connection, content_dir, scan, temporary)
                removed = 0
            else:
                removed = _patch(connection, library, scan, state)
            connection.commit()
            if reason:
                # Not after a patch: its lookups by exercise_id would make optimize
                # record planner statistics a full build of the same content lacks.
                connection.exec_driver_sql("PRAGMA optimize")
    finally:
        engine.dispose()
    _fsync(temporary)
    os.replace(temporary, new.index_path)
    _fsync(new.index_path.parent)
    report = BuildReport(
        len(library.links), library.version, time.perf_counter() - started, new.index_path,
        incremental=not reason, parsed=len(library.read), removed=removed, reason=reason,
    )  # fmt: skip
    log.info("indexed %s", report.describe())
    return report


class _Syncer:
    """Syncs a file to disk at most every *every* seconds, when asked: a full build's pages
    reach the file as it goes (see cache_size), and synced in passing while other cores
    parse, they leave the sync that makes the file durable at the end only the last ones.
    On the writing thread, not one of its own: the build starts worker processes, and a
    process should not fork while it runs other threads."""

    def __init__(self, path: Path, every: float = 0.5):
        self.path = path
        self.every = every
        self.last = time.monotonic()

    def __call__(self) -> None:
        """Sync the file if the last sync is *every* seconds old."""
        if time.monotonic() - self.last >= self.every:
            descriptor = os.open(self.path, os.O_RDONLY)
            try:
                os.fdatasync(descriptor)
            finally:
                os.close(descriptor)
            self.last = time.monotonic()


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    _fsync(target)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _dose_row(dose: Dose) -> dict:
    return {
        "sets": dose.sets, "reps": dose.reps, "seconds": dose.seconds, "per_leg": dose.per_leg,
        "tempo": dose.tempo, "load": dose.load, "note": dose.note,
    }  # fmt: skip


def _term_ids(terms: dict[str, dict[str, Term]]) -> dict[tuple[str, str], int]:
    """Term ids, numbered in taxonomy order."""
    slugs = [(kind, slug) for kind, by_slug in terms.items() for slug in by_slug]
    return {key: number for number, key in enumerate(slugs, 1)}


def _write(connection: Connection, content_dir: Path, scan: ContentScan, path: Path) -> Library:
    """Load the library into a new, empty index at *path*. Exercise rows are made where the
    files are parsed (on the other cores) and written as they arrive, so writing costs little
    on top of parsing; if the content has a problem the half-written file is thrown away by
    the caller."""

    def create_tables() -> None:
        db.metadata.create_all(connection)
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE exercise_fts USING fts5({', '.join(FTS_COLUMNS)}, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    # Numbered in slug order: every file must be valid for the build to complete.
    exercise_ids = {slug: n for n, slug in enumerate(sorted(scan.exercise_slugs()), 1)}
    writer = _ExerciseWriter(connection, scan, after_flush=_Syncer(path))
    # The tables are made while the workers parse the first files.
    sink = Sink(_ExerciseRows(exercise_ids), writer.add, ready=create_tables)
    library, problems = load_library(content_dir, scan=scan, sink=sink)
    if problems:
        raise ContentError(problems)
    writer.flush()
    term_ids = _term_ids(library.terms)
    connection.execute(
        insert(models.Term),
        [
            {"id": term_ids[(kind, term.slug)], "kind": kind, "slug": term.slug,
             "label": term.label, "description": term.description, "position": term.position,
             "weeks": term.weeks}
            for kind, terms in library.terms.items()
            for term in terms.values()
        ],
    )  # fmt: skip
    _write_programs(connection, library, term_ids, exercise_ids)
    _write_sources(
        connection, library, scan, [rel for rel in library.hashes if rel not in writer.sources]
    )
    _write_meta(connection, library, scan)
    return library


def _patch(connection: Connection, library: Library, scan: ContentScan, state: _State) -> int:
    """Bring a copy of the previous index up to *library*: drop the rows of deleted and
    re-read exercises, write the re-read ones (keeping their ids) and the added ones (with new
    ids), rewrite programs, guides and assessments, the changed source records and the meta.
    Returns how many exercises were removed."""
    cursor = connection.connection.driver_connection.cursor()
    term_ids = {
        (kind, slug): term_id
        for term_id, kind, slug in cursor.execute("SELECT id, kind, slug FROM term")
    }
    # The files the last build indexed and that are gone: every file was valid then and is
    # now, so these are exactly the exercises to remove.
    gone = sorted(state.files.keys() - scan.hashes.keys())
    removed = [rel[10:-3] for rel in gone if rel.startswith("exercises/")]
    gone_slugs = set(removed)
    # Only the ids the rows to write refer to, whatever the size of the library.
    wanted = {*removed, *library.exercises}
    for exercise in library.exercises.values():
        wanted.update(step.exercise for step in (*exercise.progressions, *exercise.regressions))
    for program in library.programs.values():
        wanted.update(item.exercise for session in program.sessions for item in session.items)
    wanted.update(assessment.exercise for assessment in library.assessments)
    old_ids = dict(
        cursor.execute(
            "SELECT slug, id FROM exercise WHERE slug IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(wanted)),),
        )
    )
    next_id = cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM exercise").fetchone()[0]
    dropped = [(old_ids[slug],) for slug in (*removed, *library.exercises) if slug in old_ids]
    for model in EXERCISE_TABLES:
        _many(connection, f"DELETE FROM {model.__tablename__} WHERE exercise_id = ?", dropped)
    _many(connection, "DELETE FROM exercise_fts WHERE rowid = ?", dropped)
    _many(connection, "DELETE FROM exercise WHERE id = ?", dropped)
    for model in WHOLE_TABLES:
        connection.exec_driver_sql(f"DELETE FROM {model.__tablename__}")

    exercise_ids = {slug: old_id for slug, old_id in old_ids.items() if slug not in gone_slugs}
    for slug in sorted(library.exercises):
        if slug not in exercise_ids:
            exercise_ids[slug] = next_id
            next_id += 1
    writer = _ExerciseWriter(connection)
    rows = _ExerciseRows(exercise_ids)
    for exercise in library.exercises.values():
        writer.add(rows(library.terms, exercise))
    writer.flush()
    _write_programs(connection, library, term_ids, exercise_ids)

    changed = sorted(scan.changed)
    _many(connection, "DELETE FROM source_file WHERE path = ?", [(rel,) for rel in gone + changed])
    _write_sources(connection, library, scan, changed)
    connection.exec_driver_sql("DELETE FROM meta")
    _write_meta(connection, library, scan)
    return len(removed)


def _many(connection: Connection, sql: str, rows: list[tuple]) -> None:
    """executemany through the driver; with no rows, nothing (SQLAlchemy would run it once)."""
    if rows:
        connection.exec_driver_sql(sql, rows)


# Each table's columns, in the order _ExerciseRows makes its rows.
_COLUMNS = {
    "exercise": (
        "id", "slug", "title", "summary", "family_id", "level", "source_path", "updated",
    ),
    "exercise_term": ("exercise_id", "term_id", "role", "position"),
    "also_known_as": ("exercise_id", "name", "position"),
    "alias": ("slug", "exercise_id"),
    "dosage": (
        "exercise_id", "phase_id", "position", "sets", "reps", "seconds", "per_leg", "tempo",
        "load", "note",
    ),
    "section": ("exercise_id", "anchor", "heading", "html", "position"),
    "step": ("exercise_id", "text", "position"),
    "cue": ("exercise_id", "anchor", "html", "position"),
    "mistake": ("exercise_id", "anchor", "title", "html", "fix_html", "position"),
    "ladder_step": ("exercise_id", "target_id", "direction", "criterion_html", "position"),
    "exercise_fts": ("rowid", *FTS_COLUMNS),
}  # fmt: skip
_INSERT_SOURCE = "INSERT INTO source_file (path, hash, stat, links) VALUES (?, ?, ?, ?)"


class _ExerciseRows:
    """Turns an exercise into its rows in every table, search row included (plain tuples in
    `_COLUMNS` order, per table), and its record for the next incremental build. Picklable:
    a full build makes the rows where the file was parsed, on another core."""

    def __init__(self, exercise_ids: dict[str, int]):
        self.exercise_ids = exercise_ids
        self.term_ids: dict[tuple[str, str], int] = {}
        self.phase_order: dict[str, int] = {}

    def __call__(self, terms: dict[str, dict[str, Term]], exercise: Exercise) -> _Rows:
        """The rows of *exercise*, with *terms* the taxonomy it was checked against."""
        if not self.term_ids:
            self.term_ids = _term_ids(terms)
            self.phase_order = {slug: term.position for slug, term in terms["phase"].items()}
        term_ids, phase_order, exercise_ids = self.term_ids, self.phase_order, self.exercise_ids
        exercise_id = exercise_ids[exercise.slug]
        links = [("phase", slug, None) for slug in exercise.phases]
        links += [("family", exercise.family, None)]
        links += [("equipment", slug, None) for slug in exercise.equipment]
        links += [("muscle", slug, "primary") for slug in exercise.primary]
        links += [("muscle", slug, "secondary") for slug in exercise.secondary]
        doses = sorted(exercise.dosage.items(), key=lambda item: phase_order[item[0]])
        body = exercise.body
        steps = [("regression", s) for s in exercise.regressions]
        steps += [("progression", s) for s in exercise.progressions]
        by_anchor = {s.anchor: s.text for s in body.sections}
        rows = (
            [(
                exercise_id, exercise.slug, exercise.title, exercise.summary,
                term_ids[("family", exercise.family)],
                min(phase_order[p] for p in exercise.phases), exercise.path, exercise.updated,
            )],
            [
                (exercise_id, term_ids[(kind, slug)], role, position)
                for position, (kind, slug, role) in enumerate(links)
            ],
            [(exercise_id, name, position) for position, name in enumerate(exercise.also_known_as)],
            [(alias, exercise_id) for alias in exercise.aliases],
            [
                (exercise_id, term_ids[("phase", phase)], position, dose.sets, dose.reps,
                 dose.seconds, dose.per_leg, dose.tempo, dose.load, dose.note)
                for position, (phase, dose) in enumerate(doses)
            ],
            [
                (exercise_id, section.anchor, section.heading, section.html, position)
                for position, section in enumerate(body.sections)
            ],
            [(exercise_id, step, position) for position, step in enumerate(body.steps)],
            [(exercise_id, cue.anchor, cue.html, position) for position, cue in enumerate(body.cues)],
            [
                (exercise_id, m.anchor, m.title, m.html, m.fix_html, position)
                for position, m in enumerate(body.mistakes)
            ],
            [
                (exercise_id, exercise_ids[step.exercise], direction, step.when_html, position)
                for position, (direction, step) in enumerate(steps)
                # A missing target fails the checks across files, and the build with it.
                if step.exercise in exercise_ids
            ],
            [(
                exercise_id,
                exercise.title,
                " ; ".join(exercise.also_known_as),
                exercise.summary,
                by_anchor.get("cues", ""),
                by_anchor.get("mistakes", ""),
                " ".join(text for anchor, text in by_anchor.items() if anchor not in ("cues", "mistakes")),
            )],
        )  # fmt: skip
        return f"exercises/{exercise.slug}.md", rows, exercise.links().to_json()


# What _ExerciseRows makes of one exercise: its source file, its rows per table (in _COLUMNS
# order), and its links as stored in source_file.
_Rows = tuple[str, tuple[list[tuple], ...], str]


class _ExerciseWriter:
    """Writes exercises' rows in batches (plain tuples, inserted through the driver: at ten
    thousand exercises SQLAlchemy's per-row parameter handling would double the build). With
    the *scan*, it writes their source_file records too (their paths are in `sources`)."""

    BATCH = 500

    def __init__(
        self,
        connection: Connection,
        scan: ContentScan | None = None,
        after_flush: Callable[[], None] | None = None,
    ):
        self.connection = connection
        self.scan = scan
        self.after_flush = after_flush
        self.rows: dict[str, list[tuple]] = {table: [] for table in _COLUMNS}
        self.source_rows: list[tuple] = []
        self.sources: set[str] = set()
        self.pending = 0

    def add(self, made: _Rows) -> None:
        """Queue the rows _ExerciseRows made of one exercise."""
        rel, rows, links = made
        for queued, table_rows in zip(self.rows.values(), rows, strict=True):
            queued += table_rows
        if self.scan is not None:
            self.source_rows.append((rel, self.scan.hashes[rel], self.scan.stats[rel], links))
            self.sources.add(rel)
        self.pending += 1
        if self.pending >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert the queued rows."""
        for table, rows in self.rows.items():
            if rows:
                columns = _COLUMNS[table]
                self.connection.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    rows,
                )
                rows.clear()
        _many(self.connection, _INSERT_SOURCE, self.source_rows)
        self.source_rows.clear()
        self.pending = 0
        if self.after_flush is not None:
            self.after_flush()


def _write_sources(
    connection: Connection, library: Library, scan: ContentScan, files: Iterable[str]
) -> None:
    """Record the hash and stat of each of *files* (relative to content/), and for an exercise
    what the checks across files need, for the next incremental build."""
    rows = []
    for rel in files:
        links = library.links.get(rel[10:-3]) if rel.startswith("exercises/") else None
        rows.append((rel, scan.hashes[rel], scan.stats[rel], links.to_json() if links else None))
    _many(connection, _INSERT_SOURCE, rows)


def _write_meta(connection: Connection, library: Library, scan: ContentScan) -> None:
    meta = {
        "version": library.version,
        "format": INDEX_FORMAT,
        "scanned_ns": str(scan.started_ns),
        "exercises": str(len(library.links)),
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "sqlite": sqlite3.sqlite_version,
    }
    connection.execute(insert(models.Meta), [{"key": k, "value": v} for k, v in meta.items()])


def _write_programs(
    connection: Connection, library: Library, term_ids: dict, exercise_ids: dict
) -> None:
    from .markup import render_inline

    session_id = 0
    for number, (phase, program) in enumerate(library.programs.items(), 1):
        connection.execute(insert(models.Program), [{
            "id": number, "phase_id": term_ids[("phase", phase)], "title": program.title,
            "summary": program.summary, "sessions_per_week": program.sessions_per_week,
            "body_html": program.body.sections[0].html,
        }])  # fmt: skip
        for position, session in enumerate(program.sessions):
            session_id += 1
            connection.execute(insert(models.ProgramSession), [{
                "id": session_id, "program_id": number, "name": session.name,
                "focus": session.focus, "position": position,
            }])  # fmt: skip
            items = [
                {"session_id": session_id, "exercise_id": exercise_ids[item.exercise],
                 "position": index, **_dose_row(item.dose)}
                for index, item in enumerate(session.items)
            ]  # fmt: skip
            if items:
                connection.execute(insert(models.ProgramItem), items)
    guides = [
        {"slug": guide.slug, "title": guide.title, "summary": guide.summary,
         "body_html": guide.body.sections[0].html, "position": position}
        for position, guide in enumerate(library.guides.values())
    ]  # fmt: skip
    if guides:
        connection.execute(insert(models.Guide), guides)
    assessments = [
        {"slug": a.slug, "title": a.title, "exercise_id": exercise_ids[a.exercise],
         "baseline": a.baseline, "advanced": a.advanced,
         "how_to_test_html": render_inline(a.how_to_test), "position": position}
        for position, a in enumerate(library.assessments)
    ]  # fmt: skip
    if assessments:
        connection.execute(insert(models.Assessment), assessments)


def ensure_index(content_dir: Path, index_path: Path) -> None:
    """Build the index if it is missing or was built from other content.

    A content problem is logged and the old index, if any, keeps serving.
    """
    started = time.perf_counter()
    index_path = Path(index_path)
    try:
        with collector_paused():
            state = _State.read(index_path)
            scan = _scan(content_dir, state)
            if state is not None and state.meta.get("version") == scan.version:
                return
            with _NewIndex(index_path, copied=state is not None) as new:
                _build(Path(content_dir), new, state, scan, False, started)
    except ContentError as error:
        for problem in error.problems:
            log.error("%s", problem)
        log.error(
            "content has problems; %s",
            "keeping the last good index" if Path(index_path).exists() else "no index to serve",
        )
        return
