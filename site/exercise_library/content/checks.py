"""The checks that need more than one file: file names, aliases, ladders, links between pages,
programs and assessments naming exercises, and published.txt (a shared link never breaks)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..bodymap import REGIONS
from ..query import words
from ..slugs import is_slug
from .figure import unknown_steps
from .frontmatter import Problem
from .markdown import slugify
from .programs import check_programs
from .schema import nearest

if TYPE_CHECKING:
    from .library import Library

# What a site link /<route>/<slug> may name, by route.
ROUTES = {"exercises", "guides", "phases", "equipment", "muscles", "families"}
PAGES_WITHOUT_SLUG = {"", "exercises", "guides", "assessments", "session", "plan"}


def file_name(path: Path, shown: str) -> list[Problem]:
    """A file's name is its page's address, so it must be a slug."""
    if is_slug(path.stem):
        return []
    suggested = slugify(path.stem) or "page"
    message = f"the file name '{path.name}' is not a valid slug: rename it to '{suggested}.md'"
    return [Problem(shown, 1, message)]


def check_library(library: Library) -> list[Problem]:
    """Every problem that shows only when the files are put together."""
    owners, problems = _aliases(library)
    problems += _ladders(library, owners)
    problems += _loops(library, "progressions", "a progression must lead to a harder exercise")
    problems += _loops(library, "regressions", "a regression must lead to an easier exercise")
    problems += _links(library, owners)
    problems += _published(library, owners)
    problems += [p for exercise in library.exercises.values() for p in unknown_steps(exercise)]
    problems += _synonyms(library)
    problems += _body_map(library)
    problems += check_programs(library)
    return problems


def _aliases(library: Library) -> tuple[dict[str, str], list[Problem]]:
    """Former slugs, each owned by one exercise (alias -> exercise)."""
    owners: dict[str, str] = {}
    problems = []
    for exercise in library.exercises.values():
        for index, alias in enumerate(exercise.meta.aliases):
            line = exercise.lines.of(("aliases", index))
            if alias in library.exercise_files:
                message = f"alias '{alias}' is also the slug of exercises/{alias}.md: remove the alias or rename that file"
                problems.append(Problem(exercise.path, line, message))
            elif alias in owners:
                message = (
                    f"alias '{alias}' is already an alias of '{owners[alias]}': keep it in one file"
                )
                problems.append(Problem(exercise.path, line, message))
            else:
                owners[alias] = exercise.slug
    return owners, problems


def _unknown_exercise(slug: str, library: Library, owners: dict[str, str]) -> str:
    if slug in owners:
        return f"'{slug}' is a former slug: link '{owners[slug]}' instead"
    return nearest("exercise", slug, sorted(library.exercise_files))


_BACK = {"progressions": "regressions", "regressions": "progressions"}


def _ladders(library: Library, owners: dict[str, str]) -> list[Problem]:
    problems = []
    for exercise in library.exercises.values():
        for direction in ("progressions", "regressions"):
            for index, step in enumerate(getattr(exercise.meta, direction)):
                line = exercise.lines.of((direction, index, "exercise"))
                if step.exercise == exercise.slug:
                    message = (
                        f"'{exercise.slug}' lists itself in {direction}: link a different exercise"
                    )
                    problems.append(Problem(exercise.path, line, message))
                elif step.exercise not in library.exercise_files:
                    message = f"{direction}: {_unknown_exercise(step.exercise, library, owners)}"
                    problems.append(Problem(exercise.path, line, message))
                elif (other := library.exercises.get(step.exercise)) and exercise.slug not in [
                    back.exercise for back in getattr(other.meta, _BACK[direction])
                ]:
                    message = (
                        f"'{exercise.slug}' lists '{other.slug}' in {direction}, but"
                        f" {other.slug}.md does not list '{exercise.slug}' in {_BACK[direction]}:"
                        " add it there (a ladder is walked both ways), or drop this rung"
                    )
                    problems.append(Problem(exercise.path, line, message))
    for program in library.programs.values():
        for number, session in enumerate(program.meta.sessions):
            for index, item in enumerate(session.exercises):
                if item.exercise not in library.exercise_files:
                    line = program.lines.of(("sessions", number, "exercises", index, "exercise"))
                    message = _unknown_exercise(item.exercise, library, owners)
                    problems.append(Problem(program.path, line, message))
    for index, assessment in enumerate(library.assessments):
        if assessment.exercise not in library.exercise_files:
            line = library.assessment_lines.of(("assessments", index, "exercise"))
            message = _unknown_exercise(assessment.exercise, library, owners)
            problems.append(Problem(library.shown("assessments.yml"), line, message))
    return problems


def _loops(library: Library, direction: str, rule: str) -> list[Problem]:
    """A ladder that leads back to where it started. Walked with a stack of its own, so a
    ladder thousands of rungs long is no deeper for Python than a short one."""
    graph = {
        slug: [step.exercise for step in getattr(exercise.meta, direction)]
        for slug, exercise in library.exercises.items()
    }
    done: set[str] = set()
    problems = []
    for start in sorted(graph):
        if start in done:
            continue
        trail, stack = [start], [iter(graph[start])]
        while stack:
            for target in stack[-1]:
                if target in trail:
                    loop = [*trail[trail.index(target) :], target]
                    exercise = library.exercises[trail[-1]]
                    index = graph[trail[-1]].index(target)
                    line = exercise.lines.of((direction, index, "exercise"))
                    message = f"{direction} loop back: {' -> '.join(loop)}: {rule}"
                    problems.append(Problem(exercise.path, line, message))
                elif target in graph and target not in done:
                    trail.append(target)
                    stack.append(iter(graph[target]))
                    break
            else:
                done.add(trail.pop())
                stack.pop()
    return problems


def _links(library: Library, owners: dict[str, str]) -> list[Problem]:
    """Links in bodies to pages of this site must reach a page."""
    targets = {
        "exercises": library.exercise_files,
        "guides": set(library.guides),
        **{route: set() for route in ("phases", "equipment", "muscles", "families")},
    }
    if library.taxonomy:
        for route, group in (
            ("phases", "phases"),
            ("equipment", "equipment"),
            ("muscles", "muscles"),
            ("families", "families"),
        ):
            targets[route] = {term.slug for term in getattr(library.taxonomy, group)}
    documents = [*library.exercises.values(), *library.programs.values(), *library.guides.values()]
    problems = []
    for document in documents:
        for href, line in document.body.links:
            if message := _link_problem(href, targets, owners):
                problems.append(Problem(document.path, document.body_first_line + line, message))
    return problems


def _link_problem(href: str, targets: dict[str, set[str]], owners: dict[str, str]) -> str | None:
    if not href.startswith("/"):
        return None
    route, _, rest = href.split("#")[0].split("?")[0].strip("/").partition("/")
    if route in ROUTES and rest:
        if rest in targets[route]:
            return None
        if route == "exercises" and rest in owners:
            return f"link to a former slug '{href}': link /exercises/{owners[rest]} instead"
        kind = {"equipment": "equipment", "families": "family"}.get(route, route[:-1])
        return "broken link: " + nearest(kind, rest, sorted(targets[route]))
    if (route in PAGES_WITHOUT_SLUG and not rest) or route in ROUTES:
        return None
    return f"broken link '{href}': no such page on this site"


def _published(library: Library, owners: dict[str, str]) -> list[Problem]:
    """A published URL answers forever: as an exercise, or as an alias of one."""
    if library.published is None:
        return []
    shown = library.shown("published.txt")
    recorded = set()
    problems = []
    for slug, line in library.published:
        recorded.add(slug)
        if slug not in library.exercise_files and slug not in owners:
            message = (
                f"/exercises/{slug} was published and nothing answers it now: add '{slug}' to the"
                f" aliases of the exercise that replaced it, or restore exercises/{slug}.md"
            )
            problems.append(Problem(shown, line, message))
    for slug in sorted(library.exercise_files - recorded):
        if is_slug(slug):
            message = (
                f"new exercise '{slug}' is not recorded in published.txt: run"
                " `flask --app wsgi publish` so its URL is kept for good"
            )
            problems.append(Problem(library.shown(f"exercises/{slug}.md"), 1, message))
    return problems


def _synonyms(library: Library) -> list[Problem]:
    """A synonym must lead somewhere: each phrase it finds is in some exercise's searched
    words, and no two synonyms are for the same words."""
    if library.taxonomy is None or not library.taxonomy.synonyms:
        return []
    shown, lines = library.shown("taxonomy.yml"), library.taxonomy_lines
    problems, seen, unfound = [], set(), {}
    for index, synonym in enumerate(library.taxonomy.synonyms):
        said = " ".join(words(synonym.words))
        if said in seen:
            message = f"the synonym '{synonym.words}' is given twice: keep one of them"
            problems.append(Problem(shown, lines.of(("synonyms", index, "words")), message))
        seen.add(said)
        for place, phrase in enumerate(synonym.finds):
            # The phrase's words in order, as whole words with anything but letters between.
            pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, words(phrase))) + r"(?!\w)"
            unfound[index, place] = re.compile(pattern if words(phrase) else "(?!)")
    for exercise in library.exercises.values():  # most phrases turn up in the first few
        if not unfound:
            break
        searched = " ".join(library.searched_text(exercise).values()).lower()
        unfound = {
            where: pattern for where, pattern in unfound.items() if not pattern.search(searched)
        }
    for index, place in unfound:
        synonym = library.taxonomy.synonyms[index]
        message = (
            f"the synonym '{synonym.words}' finds '{synonym.finds[place]}', which no exercise"
            " says: use words from an exercise, or drop it"
        )
        problems.append(Problem(shown, lines.of(("synonyms", index, "finds", place)), message))
    return problems


def _body_map(library: Library) -> list[Problem]:
    """Every muscle lights up somewhere on the body map, or its exercises would show none."""
    if library.taxonomy is None:
        return []
    shown, problems = library.shown("taxonomy.yml"), []
    for index, muscle in enumerate(library.taxonomy.muscles):
        if muscle.slug not in REGIONS:
            message = (
                f"muscle '{muscle.slug}' has no region on the body map, so its exercises would"
                " show no muscle: draw it in site/exercise_library/bodymap.py (REGIONS), or use"
                f" one the map has ({', '.join(sorted(REGIONS))})"
            )
            problems.append(
                Problem(shown, library.taxonomy_lines.of(("muscles", index, "slug")), message)
            )
    return problems
