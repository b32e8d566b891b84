"""Read the content folder into validated objects: each file on its own (its YAML against the
schema, its Markdown rendered), then the checks across files. `check` prints the problems;
`index` builds only from a library that has none."""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import hashlib
import multiprocessing
import os
import signal
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..slugs import is_slug
from . import assessments, checks, markdown, programs, schema
from .frontmatter import Lines, Problem, YamlError, load_yaml, split

MAX_FILE_BYTES = 1_000_000
PUBLISHED = "published.txt"
FOLDERS = ("exercises", "phases", "guides")
PARALLEL_FROM = 200  # fewer files than this are read quicker than worker processes start
WORKERS = min(os.cpu_count() or 1, 8)
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}  # Ctrl-C, and a service manager's stop


Meta = TypeVar("Meta", bound=schema.Model)


@dataclass
class Page(Generic[Meta]):
    """A Markdown file with front matter (an exercise, a phase's program, a guide), validated
    on its own: its slug is its file name."""

    slug: str
    path: str  # as problems show it
    meta: Meta
    body: markdown.Body
    lines: Lines
    body_first_line: int


Exercise = Page[schema.ExerciseMeta]
Program = Page[programs.ProgramMeta]
Guide = Page[schema.GuideMeta]


@dataclass
class Library:
    """Everything under content/, each file validated on its own."""

    root: Path
    taxonomy: schema.Taxonomy | None
    taxonomy_lines: Lines = field(default_factory=Lines)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    guides: dict[str, Guide] = field(default_factory=dict)
    assessments: list[assessments.Assessment] = field(default_factory=list)
    assessment_lines: Lines = field(default_factory=Lines)
    running_signs: assessments.RunningSigns | None = None
    # (slug, line); None when published.txt cannot be read, so that no exercise is blamed for it
    published: list[tuple[str, int]] | None = field(default_factory=list)
    exercise_files: set[str] = field(
        default_factory=set
    )  # every exercise file's slug, valid or not

    @functools.cached_property
    def version(self) -> str:
        """The content version (content_version)."""
        return content_version(self.root)

    def shown(self, relative: str) -> str:
        return display(self.root / relative)

    def searched_text(self, exercise: Exercise) -> dict[str, str]:
        """What search reads of *exercise*, by full-text column (models.FTS_COLUMNS): its
        names, the labels of its family, equipment and main muscles, why it matters, its
        cues and mistakes, and the rest of its text with the muscles it also works."""
        assert self.taxonomy is not None
        meta, body = exercise.meta, exercise.body
        labels = self.taxonomy.labels
        tagged = [("family", meta.family)] + [("equipment", s) for s in meta.equipment]
        tagged += [("muscle", slug) for slug in meta.muscles.primary]
        why = body.section("why")
        rest = [s.text for s in body.sections if s.anchor not in ("cues", "mistakes", "why")]
        rest += [labels["muscle"][slug] for slug in meta.muscles.secondary]
        return {
            "title": meta.title,
            "names": " ".join(meta.also_known_as),
            "summary": meta.summary,
            "labels": " ".join(labels[kind][slug] for kind, slug in tagged),
            "why": why.text if why else "",
            "cues": " ".join(cue.text for cue in body.cues),
            "mistakes": " ".join(mistake.text for mistake in body.mistakes),
            "body": " ".join(rest),
        }

    def easier_steps(self) -> dict[str, int]:
        """For each exercise, how many steps of its ladders lead up to it from its own phase:
        the longest chain of easier exercises (its regressions, and those that progress to
        it) that start in the same phase. The order "easiest first" follows it."""
        assert self.taxonomy is not None
        phases = self.taxonomy.slugs()["phase"]
        level = {
            slug: min(phases.index(p) for p in e.meta.phases) for slug, e in self.exercises.items()
        }
        easier: dict[str, set[str]] = {slug: set() for slug in self.exercises}
        for slug, exercise in self.exercises.items():
            easier[slug].update(s.exercise for s in exercise.meta.regressions)
            for step in exercise.meta.progressions:
                easier.setdefault(step.exercise, set()).add(slug)
        steps: dict[str, int] = {}
        for start in self.exercises:
            stack = [start]  # walked by hand: a ladder can be longer than Python's recursion
            while stack:
                slug = stack[-1]
                below = [e for e in easier.get(slug, ()) if level.get(e) == level[slug]]
                waiting = [e for e in below if e not in steps]
                if waiting:
                    stack.extend(waiting)
                    continue
                stack.pop()
                steps[slug] = max((steps[e] + 1 for e in below), default=0)
        return steps


def display(path: Path | str) -> str:
    """*path* as problems show it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


def read_text(path: Path, root: Path) -> tuple[str | None, list[Problem]]:
    """A content file as text, or the reason it cannot be one. Never blocks or reads without
    bound: only regular files inside the content folder, up to MAX_FILE_BYTES."""
    shown = display(path)

    def refuse(message: str, line: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, message)]

    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            return refuse(
                "a symbolic link that points outside content/: replace it with the file itself"
            )
        info = path.stat()
    except FileNotFoundError:
        return refuse("a symbolic link to nothing: replace it with the file itself, or delete it")
    except OSError as error:
        return refuse(f"cannot be read ({error.strerror}): check the file")
    if not stat.S_ISREG(info.st_mode):
        return refuse("not a regular file (a folder, device or pipe): replace it with a text file")
    if info.st_size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1000
        return refuse(
            f"the file is {info.st_size // 1000} kB; the limit is {limit} kB: split or shorten it"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return refuse(f"cannot be read ({error.strerror}): check the file's permissions")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return refuse(
            f"bytes that are not UTF-8 (at byte {error.start}): save the file as UTF-8", line
        )


def read_page(
    path: Path,
    root: Path,
    model: type[Meta],
    parse: Callable[[str], markdown.Body],
    context: dict | None = None,
) -> tuple[Page[Meta] | None, list[Problem]]:
    """One Markdown file on its own: what it links to is checked across files later."""
    shown = display(path)
    problems = checks.file_name(path, shown)
    text, found = read_text(path, root)
    if text is None:
        return None, problems + found
    try:
        document = split(text)
    except YamlError as error:
        return None, [*problems, Problem(shown, error.line, error.message)]
    meta, found = schema.validate(model, document.data, document.lines, shown, context)
    body = parse(document.body)
    problems += found
    problems += [
        Problem(shown, document.body_first_line + n, message) for n, message in body.problems
    ]
    if problems or meta is None:
        return None, problems
    return Page(path.stem, shown, meta, body, document.lines, document.body_first_line), []


def read_exercise(
    path: Path, root: Path, terms: dict[str, list[str]]
) -> tuple[Exercise | None, list[Problem]]:
    return read_page(path, root, schema.ExerciseMeta, markdown.parse_exercise, {"terms": terms})


def _yaml_file(
    path: Path, root: Path, model: type[schema.Model], required: bool
) -> tuple[Any, Lines, list[Problem]]:
    shown = display(path)
    if not os.path.lexists(path):
        if required:
            return (
                None,
                Lines(),
                [Problem(shown, 1, f"{path.name} is missing: create it (content/README.md)")],
            )
        return None, Lines(), []
    text, problems = read_text(path, root)
    if text is None:
        return None, Lines(), problems
    try:
        data, lines = load_yaml(text)
    except YamlError as error:
        return None, Lines(), [Problem(shown, error.line, error.message)]
    value, problems = schema.validate(model, data, lines, shown)
    return value, lines, problems


def read_published(root: Path) -> tuple[list[tuple[str, int]] | None, list[Problem]]:
    """The slugs in published.txt with their lines: every exercise URL ever shared."""
    path = root / PUBLISHED
    if not os.path.lexists(path):
        return [], []
    text, problems = read_text(path, root)
    if text is None:
        return None, problems
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        slug = line.split("#", 1)[0].strip()
        if slug and not is_slug(slug):
            shown = slug[:40] + ("..." if len(slug) > 40 else "")
            problems.append(
                Problem(
                    display(path), number, f"'{shown}' is not a slug: one exercise slug per line"
                )
            )
        elif slug:
            entries.append((slug, number))
    return entries, problems


def _names(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def content_version(root: Path) -> str:
    """A hash of every content file's path and bytes: the same content, the same version."""
    digest = hashlib.sha256()
    names = ["taxonomy.yml", "assessments.yml", PUBLISHED]
    names += [f"{folder}/{name}" for folder in FOLDERS for name in _names(root / folder)]
    for name in names:
        data = b""
        try:
            if (root / name).is_file():  # never open a pipe or a device: it could block
                with (root / name).open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            pass
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:16]


def load_library(root: Path) -> tuple[Library, list[Problem]]:
    """Read and check everything under *root*: the library, and every problem, sorted."""
    root = Path(root)
    problems: list[Problem] = []
    taxonomy, lines, found = _yaml_file(root / "taxonomy.yml", root, schema.Taxonomy, required=True)
    problems += found
    library = Library(root, taxonomy, taxonomy_lines=lines)
    terms = taxonomy.slugs() if taxonomy else {kind: [] for kind in schema.TERM_KINDS.values()}
    if not (root / "exercises").is_dir():
        problems.append(Problem(display(root / "exercises"), 1, "the exercises/ folder is missing"))
    paths = []
    for name in _names(root / "exercises"):
        if name.endswith(".md"):
            paths.append(root / "exercises" / name)
            library.exercise_files.add(name[:-3])
        elif not name.startswith("."):
            message = "only .md files belong in exercises/: rename it or move it out"
            problems.append(Problem(display(root / "exercises" / name), 1, message))
    if taxonomy is not None:
        for exercise, found in _read_all(paths, root, terms):
            problems += found
            if exercise is not None:
                library.exercises[exercise.slug] = exercise
        for path in sorted((root / "phases").glob("*.md")):
            if path.stem not in terms["phase"]:
                message = schema.nearest("phase", path.stem, terms["phase"])
                problems.append(
                    Problem(display(path), 1, f"{message} (the file name must be a phase slug)")
                )
                continue
            program, found = read_page(path, root, programs.ProgramMeta, markdown.parse_document)
            problems += found
            if program is not None:
                library.programs[program.slug] = program
    for path in sorted((root / "guides").glob("*.md")):
        guide, found = read_page(path, root, schema.GuideMeta, markdown.parse_document)
        problems += found
        if guide is not None:
            library.guides[guide.slug] = guide
    tests, library.assessment_lines, found = _yaml_file(
        root / "assessments.yml", root, assessments.AssessmentsFile, required=False
    )
    problems += found
    library.assessments = list(tests.assessments) if tests else []
    library.running_signs = tests.running_signs if tests else None
    library.published, found = read_published(root)
    problems += found
    if taxonomy is not None:
        problems += checks.check_library(library)
    return library, sorted(set(problems))


def _read_all(paths: list[Path], root: Path, terms: dict[str, list[str]]):
    """Each exercise file read on its own, on every core when there are many."""
    read = functools.partial(read_exercise, root=root, terms=terms)
    if len(paths) < PARALLEL_FROM or WORKERS < 2:
        yield from map(read, paths)
        return
    with worker_pool() as pool:
        yield from pool.map(read, paths, chunksize=64)


@contextlib.contextmanager
def worker_pool() -> Iterator[concurrent.futures.ProcessPoolExecutor]:
    """A process a core, forked so that it starts with the parsers imported. On any error or
    interruption the work not yet begun is dropped, so that no process outlives the build."""
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        WORKERS, mp_context=context, initializer=_leave_signals_to_the_main_process
    ) as pool:
        # Start every worker now (fork starts them all at the first task) with the stop signals
        # held: one landing in a fork hook would be printed as a traceback and otherwise lost.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pool.submit(int).result()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        try:
            yield pool
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _leave_signals_to_the_main_process() -> None:
    # Ctrl-C reaches the whole process group: the main process stops the pool, and a
    # worker's own KeyboardInterrupt would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
