"""Build the SQLite index from the content folder: load, validate, write a new file, swap it in.

The index is a derived artefact. A build writes a temporary file beside the live one and
moves it over with `os.replace`, so readers see either the old index or the new one, whole,
and a failed check or build leaves the serving index exactly as it was.
"""

from __future__ import annotations

import datetime
import logging
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, create_engine, insert, text

from . import models
from .db import db
from .frontmatter import Problem
from .library import Dose, Library, load_library

log = logging.getLogger(__name__)

# The columns people search, then one holding a token per filter value (see facet_token).
TEXT_COLUMNS = ("title", "names", "summary", "cues", "mistakes", "body")
FTS_COLUMNS = (*TEXT_COLUMNS, "facets")
# bm25 weights, in FTS_COLUMNS order: a hit in the title or a known name matters most; the
# facet tokens only narrow a search and never rank it.
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0, 0.0)
FACET_KINDS = ("phase", "equipment", "muscle")


def facet_token(kind: str, slug: str) -> str:
    """One word standing for a filter value in the search index ("phasebeginner"), so a
    filtered search ranks only the exercises that pass the filters."""
    return kind + slug.replace("-", "")


class ContentError(Exception):
    """The content has problems; nothing was built."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass
class BuildReport:
    exercises: int
    version: str
    seconds: float
    path: Path


def build_index(content_dir: Path, index_path: Path) -> BuildReport:
    """Check the content and, if it is clean, replace the index at *index_path* atomically."""
    started = time.perf_counter()
    library, problems = load_library(Path(content_dir))
    if problems:
        raise ContentError(problems)
    index_path = Path(index_path)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=index_path.parent)
    os.close(handle)
    try:
        engine = create_engine(f"sqlite:///{temporary}")
        with engine.connect() as connection:
            # The file is not live until os.replace, so journaling buys nothing here.
            connection.exec_driver_sql("PRAGMA journal_mode=OFF")
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
            db.metadata.create_all(connection)
            _write(connection, library)
            connection.commit()
            connection.exec_driver_sql("PRAGMA optimize")
        engine.dispose()
        _fsync(Path(temporary))
        os.replace(temporary, index_path)
        _fsync(index_path.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    return BuildReport(len(library.exercises), library.version, seconds, index_path)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert many rows through the driver directly: the schema is the models', but at ten
    thousand exercises SQLAlchemy's per-row parameter handling would double the build."""
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    connection.exec_driver_sql(sql, [tuple(row[column] for column in columns) for row in rows])


def _dose_row(dose: Dose) -> dict:
    return {
        "sets": dose.sets, "reps": dose.reps, "seconds": dose.seconds, "per_leg": dose.per_leg,
        "tempo": dose.tempo, "load": dose.load, "note": dose.note,
    }  # fmt: skip


def _write(connection: Connection, library: Library) -> None:

    term_ids: dict[tuple[str, str], int] = {}
    term_rows = []
    for kind, terms in library.terms.items():
        for term in terms.values():
            term_ids[(kind, term.slug)] = len(term_rows) + 1
            term_rows.append({
                "id": len(term_rows) + 1, "kind": kind, "slug": term.slug, "label": term.label,
                "description": term.description, "position": term.position, "weeks": term.weeks,
            })  # fmt: skip
    connection.execute(insert(models.Term), term_rows)

    phase_order = {slug: term.position for slug, term in library.terms["phase"].items()}
    exercise_ids = {slug: number for number, slug in enumerate(sorted(library.exercises), 1)}
    rows: dict[str, list[dict]] = {name: [] for name in (
        "exercise", "exercise_term", "names", "alias", "dosage", "section", "step", "cue",
        "mistake", "ladder", "fts",
    )}  # fmt: skip
    for slug, exercise in library.exercises.items():
        exercise_id = exercise_ids[slug]
        rows["exercise"].append({
            "id": exercise_id, "slug": slug, "title": exercise.title, "summary": exercise.summary,
            "family_id": term_ids[("family", exercise.family)],
            "level": min(phase_order[p] for p in exercise.phases),
            "source_path": exercise.path, "updated": exercise.updated,
        })  # fmt: skip
        links = [("phase", slug_, None) for slug_ in exercise.phases]
        links += [("family", exercise.family, None)]
        links += [("equipment", slug_, None) for slug_ in exercise.equipment]
        links += [("muscle", slug_, "primary") for slug_ in exercise.primary]
        links += [("muscle", slug_, "secondary") for slug_ in exercise.secondary]
        for position, (kind, term_slug, role) in enumerate(links):
            rows["exercise_term"].append({
                "exercise_id": exercise_id, "term_id": term_ids[(kind, term_slug)],
                "role": role, "position": position,
            })  # fmt: skip
        for position, name in enumerate(exercise.also_known_as):
            rows["names"].append({"exercise_id": exercise_id, "name": name, "position": position})
        for alias in exercise.aliases:
            rows["alias"].append({"slug": alias, "exercise_id": exercise_id})
        for position, (phase, dose) in enumerate(
            sorted(exercise.dosage.items(), key=lambda item: phase_order[item[0]])
        ):
            rows["dosage"].append({
                "exercise_id": exercise_id, "phase_id": term_ids[("phase", phase)],
                "position": position, **_dose_row(dose),
            })  # fmt: skip
        for position, section in enumerate(exercise.body.sections):
            rows["section"].append({
                "exercise_id": exercise_id, "anchor": section.anchor, "heading": section.heading,
                "html": section.html, "position": position,
            })  # fmt: skip
        for position, step in enumerate(exercise.body.steps):
            rows["step"].append({"exercise_id": exercise_id, "text": step, "position": position})
        for position, cue in enumerate(exercise.body.cues):
            rows["cue"].append({
                "exercise_id": exercise_id, "anchor": cue.anchor, "html": cue.html,
                "position": position,
            })  # fmt: skip
        for position, mistake in enumerate(exercise.body.mistakes):
            rows["mistake"].append({
                "exercise_id": exercise_id, "anchor": mistake.anchor, "title": mistake.title,
                "html": mistake.html, "fix_html": mistake.fix_html, "position": position,
            })  # fmt: skip
        steps = [("regression", s) for s in exercise.regressions]
        steps += [("progression", s) for s in exercise.progressions]
        for position, (direction, step) in enumerate(steps):
            rows["ladder"].append({
                "exercise_id": exercise_id, "target_id": exercise_ids[step.exercise],
                "direction": direction, "criterion_html": step.when_html,
                "position": position,
            })  # fmt: skip
        by_anchor = {s.anchor: s.text for s in exercise.body.sections}
        rows["fts"].append(
            {
                "rowid": exercise_id,
                "title": exercise.title,
                "names": " ; ".join(exercise.also_known_as),
                "summary": exercise.summary,
                "cues": by_anchor.get("cues", ""),
                "mistakes": by_anchor.get("mistakes", ""),
                "body": " ".join(
                    text_
                    for anchor, text_ in by_anchor.items()
                    if anchor not in ("cues", "mistakes")
                ),
                "facets": " ".join(
                    facet_token(kind, term_slug)
                    for kind, term_slug, _ in links
                    if kind in FACET_KINDS
                ),
            }
        )

    for table, key in (
        (models.Exercise, "exercise"), (models.ExerciseTerm, "exercise_term"),
        (models.AlsoKnownAs, "names"), (models.Alias, "alias"), (models.Dosage, "dosage"),
        (models.Section, "section"), (models.Step, "step"), (models.Cue, "cue"),
        (models.Mistake, "mistake"), (models.LadderStep, "ladder"),
    ):  # fmt: skip
        _bulk_insert(connection, table.__table__, rows[key])

    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE exercise_fts USING fts5({', '.join(FTS_COLUMNS)}, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    if rows["fts"]:
        connection.execute(
            text(
                f"INSERT INTO exercise_fts (rowid, {', '.join(FTS_COLUMNS)}) "
                f"VALUES (:rowid, {', '.join(':' + c for c in FTS_COLUMNS)})"
            ),
            rows["fts"],
        )

    _write_programs(connection, library, term_ids, exercise_ids)
    meta = {
        "version": library.version,
        "exercises": str(len(library.exercises)),
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


def index_version(index_path: Path) -> str | None:
    """The content version recorded in an index file, or None if there is no usable index."""
    try:
        uri = f"file:{Path(index_path).resolve()}?mode=ro&immutable=1"
        with sqlite3.connect(uri, uri=True) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        connection.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def ensure_index(content_dir: Path, index_path: Path) -> None:
    """Build the index if it is missing or was built from other content.

    A content problem is logged and the old index, if any, keeps serving.
    """
    from .library import content_version

    if Path(index_path).exists() and index_version(index_path) == content_version(content_dir):
        return
    try:
        report = build_index(content_dir, index_path)
    except ContentError as error:
        for problem in error.problems:
            log.error("%s", problem)
        log.error(
            "content has problems; %s",
            "keeping the last good index" if Path(index_path).exists() else "no index to serve",
        )
        return
    log.info("built index of %d exercises in %.2f s", report.exercises, report.seconds)
