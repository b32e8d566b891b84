"""Build the SQLite index: load and check the content, render every page once, write it all to
a temporary file beside the live index, fsync it and move it into place with `os.replace`.

Readers see the old index or the new one, whole; a content problem or a failed build leaves
the serving index exactly as it was. The index is derived: delete it and build it again."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from sqlalchemy import create_engine, event, insert

from .. import models
from ..db import db
from ..search import FTS_COLUMNS
from .frontmatter import Problem
from .library import Exercise, Library, load_library
from .markdown import render_inline
from .schema import TERM_KINDS, Dose

INDEX_FORMAT = "5"


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
    """Check the content and, if it is clean, replace the index at *index_path* atomically.
    Runs in an app context: pages are rendered with the site's own templates."""
    started = time.perf_counter()
    library, problems = load_library(Path(content_dir))
    if problems:
        raise ContentError(problems)
    index_path = Path(index_path)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=index_path.parent)
    os.close(handle)
    try:
        _write(library, Path(temporary))
        _fsync(Path(temporary))
        os.replace(temporary, index_path)
        _fsync(index_path.parent)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return BuildReport(len(library.exercises), library.version, time.perf_counter() - started, index_path)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write(library: Library, path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def no_journal(connection: Any, _: Any) -> None:
        # A temporary file that is thrown away on any failure needs no rollback journal.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")

    rows = _Rows(library)
    with current_app.test_request_context("/"), engine.begin() as connection:
        db.metadata.create_all(connection)
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE exercise_fts USING fts5({', '.join(FTS_COLUMNS)},"
            " tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        for model, values in rows.all():
            if values:
                connection.execute(insert(model), values)
        connection.exec_driver_sql(
            f"INSERT INTO exercise_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})",
            rows.search,
        )
    engine.dispose()


def _dose(dose: Dose) -> dict:
    return {
        "sets": dose.sets, "reps": dose.reps, "seconds": dose.seconds, "per_leg": dose.per_leg,
        "tempo": dose.tempo, "load": dose.load, "note": dose.note,
    }  # fmt: skip


class _Rows:
    """The library as the rows of each table, with every page rendered."""

    def __init__(self, library: Library):
        self.library = library
        assert library.taxonomy is not None
        self.terms = {
            kind: {t.slug: t for t in getattr(library.taxonomy, group)}
            for group, kind in TERM_KINDS.items()
        }
        self.term_ids = {}
        for kind, terms in self.terms.items():
            for slug in terms:
                self.term_ids[kind, slug] = len(self.term_ids) + 1
        # Numbered in slug order, so the same content gives the same ids.
        self.ids = {slug: n for n, slug in enumerate(sorted(library.exercises), 1)}
        self.titles = {slug: e.meta.title for slug, e in library.exercises.items()}
        self.tables: dict[type, list[dict]] = defaultdict(list)
        self.search: list[tuple] = []

    def all(self) -> list[tuple[type, list[dict]]]:
        self._terms()
        for slug in sorted(self.library.exercises):
            self._exercise(self.library.exercises[slug])
        self._programs()
        self._guides_and_assessments()
        built = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
        facts = {
            "version": self.library.version, "format": INDEX_FORMAT, "built_at": built,
            "exercises": str(len(self.ids)),
        }  # fmt: skip
        self.tables[models.Meta] = [{"key": k, "value": v} for k, v in facts.items()]
        order = [models.Meta, models.Term, models.Exercise]
        return [(model, self.tables[model]) for model in order] + [
            (model, values) for model, values in self.tables.items() if model not in order
        ]

    def _terms(self) -> None:
        for kind, terms in self.terms.items():
            for position, term in enumerate(terms.values()):
                self.tables[models.Term].append(
                    {
                        "id": self.term_ids[kind, term.slug], "kind": kind, "slug": term.slug,
                        "label": term.label, "description": term.description,
                        "position": position, "weeks": term.weeks,
                    }
                )  # fmt: skip

    def _exercise(self, exercise: Exercise) -> None:
        meta, body, exercise_id = exercise.meta, exercise.body, self.ids[exercise.slug]
        phases = list(self.terms["phase"])
        dosage = [(phase, meta.dosage[phase]) for phase in phases if phase in meta.dosage]
        regressions = [(step.exercise, render_inline(step.when)) for step in meta.regressions]
        progressions = [(step.exercise, render_inline(step.when)) for step in meta.progressions]
        context = {
            "exercise": exercise, "terms": self.terms, "titles": self.titles, "dosage": dosage,
            "regressions": regressions, "progressions": progressions,
            "muscles": list(self.terms["muscle"].values()),
        }  # fmt: skip
        self.tables[models.Exercise].append(
            {
                "id": exercise_id, "slug": exercise.slug, "title": meta.title,
                "summary": meta.summary, "family_id": self.term_ids["family", meta.family],
                "level": min(phases.index(p) for p in meta.phases),
                "updated": meta.updated.isoformat() if meta.updated else None,
                "card_html": render_template("exercises/_card.html", **context),
                "intro_html": render_template("exercises/_intro.html", **context),
                "article_html": render_template("exercises/_article.html", **context),
                "howto_json": json.dumps(
                    {
                        "@context": "https://schema.org", "@type": "HowTo", "name": meta.title,
                        "description": meta.summary, "alternateName": meta.also_known_as,
                        "tool": [self.terms["equipment"][s].label for s in meta.equipment],
                        "step": [{"@type": "HowToStep", "text": text} for text in body.steps],
                    }
                ),
            }
        )  # fmt: skip
        links = [("family", meta.family, None)] + [("phase", slug, None) for slug in meta.phases]
        links += [("equipment", slug, None) for slug in meta.equipment]
        links += [("muscle", slug, "primary") for slug in meta.muscles.primary]
        links += [("muscle", slug, "secondary") for slug in meta.muscles.secondary]
        for position, (kind, slug, role) in enumerate(links):
            self._add(models.ExerciseTerm, exercise_id, term_id=self.term_ids[kind, slug], role=role, position=position)
        for position, name in enumerate(meta.also_known_as):
            self._add(models.AlsoKnownAs, exercise_id, name=name, position=position)
        for alias in meta.aliases:
            self._add(models.Alias, exercise_id, slug=alias)
        for position, (phase, dose) in enumerate(dosage):
            self._add(models.Dosage, exercise_id, phase_id=self.term_ids["phase", phase], position=position, **_dose(dose))
        for position, text in enumerate(body.steps):
            self._add(models.Step, exercise_id, text=text, position=position)
        for position, cue in enumerate(body.cues):
            self._add(models.Cue, exercise_id, anchor=cue.anchor, html=cue.html, position=position)
        for position, m in enumerate(body.mistakes):
            self._add(models.Mistake, exercise_id, anchor=m.anchor, title=m.title, html=m.html, fix_html=m.fix_html, position=position)
        ladder = [("regression", *step) for step in regressions] + [("progression", *step) for step in progressions]
        for position, (direction, slug, criterion) in enumerate(ladder):
            self._add(
                models.LadderStep, exercise_id, target_id=self.ids[slug], direction=direction,
                criterion_html=criterion, position=position,
            )  # fmt: skip
        self.search.append(
            (
                exercise_id, meta.title, " ".join(meta.also_known_as), meta.summary,
                " ".join(c.text for c in body.cues), " ".join(m.text for m in body.mistakes), body.text,
            )
        )  # fmt: skip

    def _add(self, model: type, exercise_id: int, **values: Any) -> None:
        self.tables[model].append({"exercise_id": exercise_id, **values})

    def _programs(self) -> None:
        session_id = item_id = 0
        for program_id, program in enumerate(self.library.programs.values(), 1):
            sessions = [(s, [(item.exercise, item) for item in s.exercises]) for s in program.meta.sessions]
            html = render_template("terms/_program.html", program=program, sessions=sessions, titles=self.titles)
            self.tables[models.Program].append(
                {
                    "id": program_id, "phase_id": self.term_ids["phase", program.phase],
                    "title": program.meta.title, "summary": program.meta.summary,
                    "sessions_per_week": program.meta.sessions_per_week, "html": html,
                }
            )  # fmt: skip
            for position, session in enumerate(program.meta.sessions):
                session_id += 1
                self.tables[models.ProgramSession].append(
                    {"id": session_id, "program_id": program_id, "name": session.name, "focus": session.focus, "position": position}
                )
                for place, item in enumerate(session.exercises):
                    item_id += 1
                    self.tables[models.ProgramItem].append(
                        {
                            "id": item_id, "session_id": session_id, "exercise_id": self.ids[item.exercise],
                            "position": place, **_dose(item),
                        }
                    )  # fmt: skip

    def _guides_and_assessments(self) -> None:
        for position, guide in enumerate(self.library.guides.values()):
            self.tables[models.Guide].append(
                {"slug": guide.slug, "title": guide.meta.title, "summary": guide.meta.summary, "body_html": guide.body.html, "position": position}
            )
        for position, test in enumerate(self.library.assessments):
            self.tables[models.Assessment].append(
                {
                    "slug": test.slug, "title": test.title, "exercise_id": self.ids[test.exercise],
                    "baseline": test.baseline, "advanced": test.advanced,
                    "how_to_test_html": render_inline(test.how_to_test), "position": position,
                }
            )  # fmt: skip
