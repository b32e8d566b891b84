"""Build the SQLite index: load and check the content, render every page once, write it all to
a temporary file beside the live index, fsync it and move it into place with `os.replace`.

Readers see the old index or the new one, whole; a content problem or a failed build leaves
the serving index exactly as it was. The index is derived: delete it and build it again."""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from sqlalchemy import Connection, create_engine, event, insert

from .. import create_app, models
from ..db import db, read_version
from ..models import FTS_COLUMNS
from ..query import words
from .assessments import Symmetry
from .frontmatter import Problem
from .library import (
    STOP_SIGNALS,
    Exercise,
    Library,
    content_version,
    load_library,
)
from .markdown import render_inline
from .pages import Pages, rendered_pages, shared_by_all
from .schema import Dose

INDEX_FORMAT = "8"
PACKAGE = Path(__file__).resolve().parents[1]


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
    skipped: bool = False  # the index in place was built from the same content and code


def build_index(content_dir: Path, index_path: Path, *, if_changed: bool = False) -> BuildReport:
    """Check the content and, if it is clean, replace the index at *index_path* atomically.
    With *if_changed*, an index built from the same content by the same code is kept as it
    is. Runs in an app context: pages are rendered with the site's own templates."""
    started = time.perf_counter()
    version = index_version(Path(content_dir))
    if if_changed and read_version(Path(index_path)) == version:
        return BuildReport(
            0, version, time.perf_counter() - started, Path(index_path), skipped=True
        )
    # Everything the build makes lives until it ends, so the cyclic collector would only walk
    # a growing heap again and again (a third of the time at 10,000 files).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _Interruption().handled() as interruption:
            library, problems = load_library(Path(content_dir))
            interruption.check()
            if problems:
                raise ContentError(problems)
            return _replace(library, Path(index_path), version, started, interruption)
    finally:
        if collecting:
            gc.enable()


class _Interruption:
    """SIGINT and SIGTERM end a build by an exception, so the temporary file is removed, the
    worker processes stopped and the index in place left as it was. The signal is also
    remembered: one that lands where Python ignores exceptions (an at-fork hook while a
    worker starts) still stops the build before the index is replaced."""

    def __init__(self) -> None:
        self.received: int | None = None

    def __call__(self, signum: int, frame: object) -> None:
        self.received = signum
        raise KeyboardInterrupt(f"signal {signum}")

    def check(self) -> None:
        """Raise if a signal arrived, even one whose exception was swallowed."""
        if self.received is not None:
            raise KeyboardInterrupt(f"signal {self.received}")

    @contextlib.contextmanager
    def handled(self) -> Iterator[_Interruption]:
        if threading.current_thread() is not threading.main_thread():
            yield self  # signals reach the main thread only
            return
        previous = {number: signal.signal(number, self) for number in STOP_SIGNALS}
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def build_index_for(content_dir: Path, index_path: Path, **options: bool) -> BuildReport:
    """`build_index` for tools and tests outside the site: in an app context of its own."""
    with create_app({"CONTENT_DIR": content_dir, "INDEX_PATH": index_path}).app_context():
        return build_index(content_dir, index_path, **options)


def index_version(content_dir: Path) -> str:
    """What an index is built from: the content, and the code and templates that render it
    (a change to either makes new pages, so a new version and new ETags)."""
    digest = hashlib.sha256(content_version(content_dir).encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html", ".xml"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _replace(
    library: Library, index_path: Path, version: str, started: float, interruption: _Interruption
) -> BuildReport:
    """Write *library* to a temporary file beside *index_path* and move it into place."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=index_path.parent)
    os.close(handle)
    try:
        _write(library, version, Path(temporary))
        _fsync(Path(temporary))
        interruption.check()
        os.replace(temporary, index_path)
        _fsync(index_path.parent)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    seconds = time.perf_counter() - started
    return BuildReport(len(library.exercises), version, seconds, index_path)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write(library: Library, version: str, path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def no_journal(connection: Any, _: Any) -> None:
        # A temporary file that is thrown away on any failure needs no rollback journal.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")

    columns = ", ".join(FTS_COLUMNS)
    with current_app.test_request_context("/"), engine.begin() as connection:
        db.metadata.create_all(connection)
        connection.exec_driver_sql(
            f"CREATE VIRTUAL TABLE exercise_fts USING fts5({columns},"
            " tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        shared = shared_by_all(library)
        # The pages render on the other cores while this one writes every other row.
        with rendered_pages(library, shared) as pages:
            rows = _Rows(library, shared, version)
            _insert(connection, rows.all())
            marks = ", ".join("?" * (len(FTS_COLUMNS) + 1))
            connection.exec_driver_sql(
                f"INSERT INTO exercise_fts (rowid, {columns}) VALUES ({marks})", rows.search
            )
            for number, (slug, rendered) in enumerate(pages, 1):
                rows.pages(library.exercises[slug], rendered)
                if number % 500 == 0:  # written while the next pages are rendered
                    _insert(connection, rows.all())
        rows.words()
        _insert(connection, rows.all())
    engine.dispose()


def _insert(connection: Connection, tables: list[tuple[type, list[dict]]]) -> None:
    for model, values in tables:
        if values:
            connection.execute(insert(model), values)


def _symmetry(symmetry: Symmetry | None) -> dict | None:
    """A side-to-side target as the page shows it, the worked example's percentage computed."""
    if symmetry is None:
        return None
    example = symmetry.example
    return {
        "target_percent": symmetry.target_percent,
        "note_html": render_inline(symmetry.note),
        "example": example and {**example.model_dump(), "percent": example.percent},
    }


def _dose(dose: Dose) -> dict:
    return dose.model_dump(include=set(Dose.model_fields))


class _Rows:
    """The library as the rows of each table."""

    def __init__(self, library: Library, shared: dict, version: str):
        self.library, self.version = library, version
        self.terms, self.titles, self.urls = shared["terms"], shared["titles"], shared["urls"]
        term_keys = [(kind, slug) for kind, terms in self.terms.items() for slug in terms]
        self.term_ids = {key: n for n, key in enumerate(term_keys, 1)}
        # Numbered easiest first (the easiest phase, then title, then slug): the library's
        # default order is then the order of ids, in SQL and in the full-text index alike.
        phases = list(self.terms["phase"])

        steps = library.easier_steps()

        def easiest_first(slug: str) -> tuple:
            meta = library.exercises[slug].meta
            return min(phases.index(p) for p in meta.phases), steps[slug], meta.title, slug

        self.ids = {
            slug: n for n, slug in enumerate(sorted(library.exercises, key=easiest_first), 1)
        }
        self.tables: dict[type, list[dict]] = defaultdict(list)
        self.search: list[tuple] = []
        self.vocabulary: Counter[str] = Counter()  # word -> exercises using it
        self._library_rows()

    def add(self, model: type, **values: Any) -> int:
        """A row of *model*'s table; its number in that table."""
        rows = self.tables[model]
        rows.append(values)
        return len(rows)

    def all(self) -> list[tuple[type, list[dict]]]:
        """The rows made so far, no longer kept here."""
        tables, self.tables = self.tables, defaultdict(list)
        return list(tables.items())

    def _library_rows(self) -> None:
        """Every row but the exercises' own, which come with their pages (`pages`)."""
        built = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
        facts = {"version": self.version, "format": INDEX_FORMAT, "built_at": built}
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
        assert self.library.taxonomy is not None
        for synonym in self.library.taxonomy.synonyms:
            finds = [" ".join(words(phrase)) for phrase in synonym.finds]
            self.add(models.Synonym, words=" ".join(words(synonym.words)), finds=finds)
        for n, guide in enumerate(self.library.guides.values()):
            self.add(
                models.Guide, slug=guide.slug, title=guide.meta.title, position=n,
                summary=guide.meta.summary, body_html=guide.body.html,
            )  # fmt: skip
        for n, test in enumerate(self.library.assessments):
            self.add(
                models.Assessment, slug=test.slug, title=test.title, position=n,
                exercise_id=self.ids[test.exercise], baseline=test.baseline, advanced=test.advanced,
                how_to_test_html=render_inline(test.how_to_test), tries=test.tries,
                symmetry=_symmetry(test.symmetry),
            )  # fmt: skip
        if signs := self.library.running_signs:
            self.add(
                models.RunningSigns, title=signs.title, intro_html=render_inline(signs.intro),
                signs_html=[render_inline(sign) for sign in signs.signs],
            )  # fmt: skip

    def _exercise(self, exercise: Exercise) -> None:
        meta, exercise_id = exercise.meta, self.ids[exercise.slug]
        links = [("family", meta.family, None)] + [("phase", slug, None) for slug in meta.phases]
        links += [("equipment", slug, None) for slug in meta.equipment]
        links += [("muscle", slug, "primary") for slug in meta.muscles.primary]
        links += [("muscle", slug, "secondary") for slug in meta.muscles.secondary]
        for n, (kind, slug, role) in enumerate(links):
            term_id = self.term_ids[kind, slug]
            self.add(models.ExerciseTerm, exercise_id=exercise_id, term_id=term_id, role=role, position=n)  # fmt: skip
        for alias in meta.aliases:
            self.add(models.Alias, exercise_id=exercise_id, slug=alias)
        for name in dict.fromkeys(" ".join(words(n)) for n in [meta.title, *meta.also_known_as]):
            self.add(models.Name, words=name, exercise_id=exercise_id)
        searched = self.library.searched_text(exercise)
        self.search.append((exercise_id, *searched.values()))

    def words(self) -> None:
        """The vocabulary, once every exercise's pages are in."""
        for word, count in sorted(self.vocabulary.items()):
            self.add(models.Word, word=word, exercises=count)

    def pages(self, exercise: Exercise, rendered: Pages) -> None:
        """The exercise's own row, with its pages."""
        meta, body, exercise_id = exercise.meta, exercise.body, self.ids[exercise.slug]
        tags, intro, article, ladder, vocabulary, figure_svg, still_svg = rendered
        self.vocabulary.update(vocabulary)
        howto = {
            "@context": "https://schema.org", "@type": "HowTo", "name": meta.title,
            "description": meta.summary, "alternateName": meta.also_known_as,
            "tool": [self.terms["equipment"][s].label for s in meta.equipment],
            "step": [{"@type": "HowToStep", "text": text} for text in body.steps],
        }  # fmt: skip
        self.add(
            models.Exercise, id=exercise_id, slug=exercise.slug, title=meta.title,
            summary=meta.summary, family_id=self.term_ids["family", meta.family],
            level=min(list(self.terms["phase"]).index(p) for p in meta.phases),
            updated=meta.updated.isoformat() if meta.updated else None,
            tags_html=tags, intro_html=intro, article_html=article, figure_svg=figure_svg,
            still_svg=still_svg,
            howto_json=json.dumps(howto), detail=self._detail(exercise, ladder),
            muscles={
                role: [(slug, self.terms["muscle"][slug].label) for slug in getattr(meta.muscles, role)]
                for role in ("primary", "secondary")
            },
        )  # fmt: skip

    def _detail(self, exercise: Exercise, ladder: list[tuple[str, str]]) -> dict:
        """What the API tells of an exercise beyond its summary (addresses as paths)."""
        meta, body, path = exercise.meta, exercise.body, self.urls["exercise"][exercise.slug]
        directions = ["regression"] * len(meta.regressions) + ["progression"] * len(
            meta.progressions
        )
        return {
            "also_known_as": meta.also_known_as,
            "steps": body.steps,
            "cues": [{"anchor": c.anchor, "path": f"{path}#{c.anchor}", "html": c.html} for c in body.cues],
            "mistakes": [
                {"anchor": m.anchor, "path": f"{path}#{m.anchor}", "title": m.title, "html": m.html, "fix_html": m.fix_html}
                for m in body.mistakes
            ],
            "dosage": [{"phase": phase, **_dose(meta.dosage[phase])} for phase in self.terms["phase"] if phase in meta.dosage],
            "ladder": [
                {"direction": direction, "slug": slug, "path": self.urls["exercise"][slug], "criterion_html": criterion}
                for direction, (slug, criterion) in zip(directions, ladder, strict=True)
            ],
        }  # fmt: skip

    def _programs(self) -> None:
        for program in self.library.programs.values():
            meta = program.meta
            sessions = [(s, [(item.exercise, item) for item in s.exercises]) for s in meta.sessions]
            html = render_template(
                "terms/_program.html", program=program, sessions=sessions, titles=self.titles,
                urls=self.urls,
            )  # fmt: skip
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
