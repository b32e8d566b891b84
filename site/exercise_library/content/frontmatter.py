"""Content files as data: split the `---` front matter from the Markdown body, load the YAML
with libyaml, and remember the file line of every value so a problem can point at it; a
problem's words for an unknown value (nearest) and for a rule over several fields (located)."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, shown as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class YamlError(Exception):
    """The file cannot be split or its YAML does not load: *line* is the file line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Lines:
    """The file line of each value in a YAML document, by its place (``("dosage",
    "beginner", "sets")``); a place that does not exist gets its nearest parent's line."""

    lines: dict[Loc, int] = field(default_factory=dict)

    def of(self, loc: Loc) -> int:
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


@dataclass
class Document:
    """A content file: its YAML data with their lines, and its Markdown body."""

    data: Any
    lines: Lines
    body: str = ""
    body_first_line: int = 1  # the file line of the body's first line


def split(text: str) -> Document:
    """Split ``---`` front matter from the body and load the YAML."""
    if text.startswith("\ufeff"):
        raise YamlError(1, "the file starts with a byte-order mark: save it as UTF-8 without BOM")
    lines = text.split("\n")
    if lines[0].rstrip("\r") != "---":
        raise YamlError(1, "the file must start with a line '---' opening the YAML front matter")
    closing = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip("\r") == "---"), None)
    if closing is None:
        raise YamlError(1, "the front matter is never closed: add a line '---' after the YAML")
    data, where = load_yaml("\n".join(lines[1:closing]), first_line=2)
    return Document(data, where, "\n".join(lines[closing + 1 :]), closing + 2)


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, Lines]:
    """Load YAML safely (libyaml), with the line of every value. A syntax error, or a key
    given twice in one mapping, is a YamlError at its file line."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        where = Lines()
        if node is not None:
            _record(node, (), where, first_line)
        return (loader.construct_document(node) if node is not None else None), where
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line if mark else 0
        source = text.split("\n")
        if line < len(source) and "\t" in source[line]:
            message = "YAML syntax error: a tab character: indent with spaces, not tabs"
        else:
            context = f" {error.context}" if error.context else ""
            message = (
                f"YAML syntax error:{context} {error.problem or 'invalid YAML'}: check the"
                " indentation, and quote text that contains ': ' or starts with * & ! % @ `"
            )
        raise YamlError(first_line + line, message) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, f"YAML error: {error}") from None
    finally:
        loader.dispose()


_OCTAL = re.compile(r"[-+]?0[0-9_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9]*)?")


def _number_trap(node: yaml.ScalarNode) -> str | None:
    """What is wrong with a plain number YAML 1.1 would read as something else."""
    value = node.value
    if node.style or not node.tag.endswith((":int", ":float")):
        return None
    if _OCTAL.fullmatch(value):
        plain = value.lstrip("+-0") or "0"
        return f"'{value}' has a leading zero, which YAML reads as an octal number: write {plain}, or put it in quotes"
    if _SEXAGESIMAL.fullmatch(value):
        return f"YAML reads '{value}' as a number of minutes and seconds ({yaml.safe_load(value)}): put it in quotes"
    return None


def _record(node: yaml.Node, loc: Loc, where: Lines, first_line: int, line: int = -1) -> None:
    """Note the line of *node* and all below it: a mapping's value at its key's line, where
    the reader sees it named; a list's item at its own."""
    where.lines.setdefault(loc, first_line + (line if line >= 0 else node.start_mark.line))
    if isinstance(node, yaml.ScalarNode) and (trap := _number_trap(node)):
        raise YamlError(first_line + node.start_mark.line, trap)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            if name in seen:
                line = first_line + key.start_mark.line
                raise YamlError(line, f"the key '{name}' is given twice: keep one of them")
            seen.add(name)
            _record(value, (*loc, name), where, first_line, key.start_mark.line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*loc, index), where, first_line)


def describe(value: Any, text_wanted: bool = True) -> str:
    """Name a YAML value for an error message; where text was wanted, with the YAML 1.1
    trap that made it something else, and the fix (quotes)."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        if not text_wanted:
            return word
        return f"{word} (YAML reads yes/no/on/off/true/false as {word}): put the value in quotes"
    if isinstance(value, datetime.date):
        if not text_wanted:
            return f"the date {value.isoformat()}"
        return f"the date {value.isoformat()} (YAML reads it as a date): put it in quotes"
    if isinstance(value, int | float):
        if not text_wanted:
            return f"the number {value}"
        return (
            f"the number {value} (YAML reads 1:30 as 90 and 1e3 as a number): "
            "put the value in quotes"
        )
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def nearest(kind: str, value: str, known: Iterable[str]) -> str:
    """'unknown X' with the nearest known value, or the values to choose from."""
    known = list(known)
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    if near:
        return f"unknown {kind} '{value}': did you mean '{near[0]}'?"
    listing = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"unknown {kind} '{value}': use one of {listing}"


def located(*problems: tuple[Loc, str]) -> ValidationError:
    """A validation error at the given places, for rules that span several fields."""
    return ValidationError.from_exception_data(
        "content",
        [
            InitErrorDetails(
                type=PydanticCustomError("content", "{message}", {"message": message}),
                loc=loc,
                input=None,
            )
            for loc, message in problems
        ],
    )
