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

from .. import create_app, models
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
    return BuildReport(
        len(library.exercises), library.version, time.perf_counter() - started, index_path
    )


def build_index_for(content_dir: Path, index_path: Path) -> BuildReport:
    """`build_index` for tools and tests outside the site: in an app context of its own."""
    with create_app({"CONTENT_DIR": content_dir, "INDEX_PATH": index_path}).app_context():
        return build_index(content_dir, index_path)


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
    return dose.model_dump(include=set(Dose.model_fields))


class _Rows:
    """The library as the rows of each table, with every page rendered."""

    def __init__(self, library: Library):
        assert library.taxonomy is not None
        self.library = library
        self.terms = {
            kind: {t.slug: t for t in getattr(library.taxonomy, group)}
            for group, kind in TERM_KINDS.items()
        }
        self.term_ids = {(k, slug): 0 for k, terms in self.terms.items() for slug in terms}
        self.term_ids = {key: n for n, key in enumerate(self.term_ids, 1)}
        # Numbered in slug order, so the same content gives the same ids.
        self.ids = {slug: n for n, slug in enumerate(sorted(library.exercises), 1)}
        self.titles = {slug: e.meta.title for slug, e in library.exercises.items()}
        self.tables: dict[type, list[dict]] = defaultdict(list)
        self.search: list[tuple] = []

    def add(self, model: type, **values: Any) -> int:
        """A row of *model*'s table; its number in that table."""
        rows = self.tables[model]
        rows.append(values)
        return len(rows)

    def all(self) -> list[tuple[type, list[dict]]]:
        built = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
        facts = {"version": self.library.version, "format": INDEX_FORMAT, "built_at": built}
        for key, value in {**facts, "exercises": str(len(self.ids))}.items():
            self.add(models.Meta, key=key, value=value)
        for kind, terms in self.terms.items():
            for n, t in enumerate(terms.values()):
                self.add(
                    models.Term, id=self.term_ids[kind, t.slug], kind=kind, slug=t.slug,
                    label=t.label, description=t.description, position=n, weeks=t.weeks,
                )  # fmt: skip
        for slug in sorted(self.library.exercises):
            self._exercise(self.library.exercises[slug])
        self._programs()
        for n, guide in enumerate(self.library.guides.values()):
            meta = guide.meta
            self.add(
                models.Guide, slug=guide.slug, title=meta.title, summary=meta.summary,
                body_html=guide.body.html, position=n,
            )  # fmt: skip
        for n, test in enumerate(self.library.assessments):
            self.add(
                models.Assessment, slug=test.slug, title=test.title, position=n,
                exercise_id=self.ids[test.exercise], baseline=test.baseline, advanced=test.advanced,
                how_to_test_html=render_inline(test.how_to_test),
            )  # fmt: skip
        # Parents before children, for the foreign keys.
        first = [models.Meta, models.Term, models.Exercise, models.Program, models.ProgramSession]
        return [(m, self.tables[m]) for m in first] + [
            (m, rows) for m, rows in self.tables.items() if m not in first
        ]

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
        howto = {
            "@context": "https://schema.org", "@type": "HowTo", "name": meta.title,
            "description": meta.summary, "alternateName": meta.also_known_as,
            "tool": [self.terms["equipment"][s].label for s in meta.equipment],
            "step": [{"@type": "HowToStep", "text": text} for text in body.steps],
        }  # fmt: skip
        self.add(
            models.Exercise, id=exercise_id, slug=exercise.slug, title=meta.title,
            summary=meta.summary, family_id=self.term_ids["family", meta.family],
            level=min(phases.index(p) for p in meta.phases),
            updated=meta.updated.isoformat() if meta.updated else None,
            card_html=render_template("exercises/_card.html", **context),
            intro_html=render_template("exercises/_intro.html", **context),
            article_html=render_template("exercises/_article.html", **context),
            howto_json=json.dumps(howto), names=meta.also_known_as, steps=body.steps,
        )  # fmt: skip
        links = [("family", meta.family, None)] + [("phase", slug, None) for slug in meta.phases]
        links += [("equipment", slug, None) for slug in meta.equipment]
        links += [("muscle", slug, "primary") for slug in meta.muscles.primary]
        links += [("muscle", slug, "secondary") for slug in meta.muscles.secondary]
        for n, (kind, slug, role) in enumerate(links):
            term_id = self.term_ids[kind, slug]
            self.add(
                models.ExerciseTerm, exercise_id=exercise_id, term_id=term_id, role=role, position=n
            )
        for alias in meta.aliases:
            self.add(models.Alias, exercise_id=exercise_id, slug=alias)
        for n, (phase, dose) in enumerate(dosage):
            phase_id = self.term_ids["phase", phase]
            self.add(
                models.Dosage, exercise_id=exercise_id, phase_id=phase_id, position=n, **_dose(dose)
            )
        for n, cue in enumerate(body.cues):
            self.add(
                models.Cue, exercise_id=exercise_id, anchor=cue.anchor, html=cue.html, position=n
            )
        for n, m in enumerate(body.mistakes):
            self.add(
                models.Mistake, exercise_id=exercise_id, anchor=m.anchor, title=m.title,
                html=m.html, fix_html=m.fix_html, position=n,
            )  # fmt: skip
        ladder = [("regression", *s) for s in regressions] + [
            ("progression", *s) for s in progressions
        ]
        for n, (direction, slug, criterion) in enumerate(ladder):
            self.add(
                models.LadderStep, exercise_id=exercise_id, target_id=self.ids[slug],
                direction=direction, criterion_html=criterion, position=n,
            )  # fmt: skip
        cues, mistakes = (" ".join(x.text for x in xs) for xs in (body.cues, body.mistakes))
        names = " ".join(meta.also_known_as)
        self.search.append(
            (exercise_id, meta.title, names, meta.summary, cues, mistakes, body.text)
        )

    def _programs(self) -> None:
        for program in self.library.programs.values():
            meta = program.meta
            sessions = [(s, [(item.exercise, item) for item in s.exercises]) for s in meta.sessions]
            html = render_template(
                "terms/_program.html", program=program, sessions=sessions, titles=self.titles
            )
            program_id = self.add(
                models.Program, phase_id=self.term_ids["phase", program.slug], title=meta.title,
                summary=meta.summary, sessions_per_week=meta.sessions_per_week, html=html,
            )  # fmt: skip
            for n, session in enumerate(meta.sessions):
                session_id = self.add(
                    models.ProgramSession, program_id=program_id, name=session.name,
                    focus=session.focus, position=n,
                )  # fmt: skip
                for place, item in enumerate(session.exercises):
                    exercise_id = self.ids[item.exercise]
                    self.add(
                        models.ProgramItem, session_id=session_id, exercise_id=exercise_id,
                        position=place, **_dose(item),
                    )  # fmt: skip
