"""Front matter: split a content file, load its YAML, and point problems at file lines.

YAML is loaded with libyaml's safe loader for speed. Line numbers are only needed when
something is wrong, so the node tree that carries them is composed on that path alone.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - the PyPI wheel ships libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with its tag resolution done in one lookup: libyaml calls back into
    Python to resolve every node, a hundred-odd times a file, and the general resolver
    (path resolvers, list building per call) cost a fifth of loading. It gives the tags the
    safe loader gives (the safe loader has no path resolvers)."""

    # The implicit resolvers of a plain scalar, by its first character ("" for an empty one),
    # the wildcard ones included, as BaseResolver.resolve looks them up.
    _by_first: ClassVar[dict[str, tuple]] = {
        first: tuple(resolvers + _BaseLoader.yaml_implicit_resolvers.get(None, []))
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
        if first is not None
    }
    _wildcard: ClassVar[tuple] = tuple(_BaseLoader.yaml_implicit_resolvers.get(None, []))

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._by_first.get(value[:1], self._wildcard):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # only path resolvers need to follow the path

    def ascend_resolver(self) -> None:
        pass


assert not _BaseLoader.yaml_path_resolvers, "_Loader.resolve ignores path resolvers"

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, reported as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FrontMatterError(Exception):
    """The file cannot be split into front matter and body, or its YAML does not parse."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """A content file split into its YAML data and Markdown body."""

    data: Any
    body: str
    yaml_text: str
    yaml_first_line: int  # file line of the first YAML line
    body_first_line: int  # file line of the first body line

    def line_of(self, path: Path_) -> int:
        """Return the file line of the value at *path* (or the nearest parent that exists)."""
        return self.yaml_first_line + node_line(self._tree, path)

    @functools.cached_property
    def _tree(self) -> yaml.Node | None:
        """The YAML's node tree, which carries the lines: composed once, on first need."""
        try:
            return yaml.compose(self.yaml_text, Loader=_Loader)
        except yaml.YAMLError:  # pragma: no cover - only asked of text that already loaded
            return None


def split(text: str) -> Document:
    """Split ``---`` front matter from the body and load the YAML."""
    if text.startswith("\ufeff"):
        raise FrontMatterError(
            1, "the file starts with a byte-order mark: save it as UTF-8 without BOM"
        )
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        raise FrontMatterError(
            1, "the file must start with a line '---' opening the YAML front matter"
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r") == "---":
            closing = index
            break
    else:
        raise FrontMatterError(
            1, "the front matter is never closed: add a line '---' after the YAML"
        )
    yaml_text = "\n".join(lines[1:closing])
    data = load_yaml(yaml_text, first_line=2)
    body = "\n".join(lines[closing + 1 :])
    return Document(data, body, yaml_text, yaml_first_line=2, body_first_line=closing + 2)


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Load YAML safely; a syntax error becomes a FrontMatterError with a file line and a hint."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            try:
                return _construct(node, loader, set())
            except _Unusual:
                return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line if mark else 0
        lines = text.split("\n")
        has_tab = line < len(lines) and "\t" in lines[line]
        raise FrontMatterError(first_line + line, _syntax_message(error, has_tab)) from None
    except yaml.YAMLError as error:  # pragma: no cover - reader errors without a mark
        raise FrontMatterError(first_line, f"YAML error: {error}") from None


_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
# Scalars PyYAML turns into something other than text, one node at a time by its own code.
_SCALARS = {_TAG + kind for kind in ("null", "bool", "int", "float", "timestamp")}


class _Unusual(Exception):
    """A node _construct leaves to PyYAML's constructor: an alias of a collection, a merge
    key, an explicit tag other than the core ones."""


def _construct(node: yaml.Node, loader: yaml.BaseConstructor, seen: set[int]) -> Any:
    """Build the data of a composed document as PyYAML's safe constructor does, in a third of
    the time: its general machinery (generators, state and recursion tracking per node) is
    more than a tree of mappings, lists and scalars needs. Anything else is _Unusual."""
    tag = node.tag
    if tag == _STR and node.id == "scalar":
        return node.value
    if tag == _MAP and node.id == "mapping":
        if id(node) in seen:  # an alias: PyYAML shares the object, or finds it recursive
            raise _Unusual
        seen.add(id(node))
        data = {}
        for key, value in node.value:
            if key.id != "scalar" or (key.tag != _STR and key.tag not in _SCALARS):
                raise _Unusual  # merge keys (<<), '=' and collections as keys
            data[_construct(key, loader, seen)] = _construct(value, loader, seen)
        return data
    if tag == _SEQ and node.id == "sequence":
        if id(node) in seen:
            raise _Unusual
        seen.add(id(node))
        return [_construct(item, loader, seen) for item in node.value]
    if tag in _SCALARS and node.id == "scalar":
        return loader.yaml_constructors[tag](loader, node)
    raise _Unusual


def _syntax_message(error: yaml.MarkedYAMLError, has_tab: bool) -> str:
    problem = error.problem or "invalid YAML"
    if has_tab:
        return "YAML syntax error: a tab character: indent with spaces, not tabs"
    hint = "check the indentation, and quote text that contains ': ' or starts with * & ! % @ `"
    context = f" {error.context}" if error.context else ""
    return f"YAML syntax error:{context} {problem}: {hint}"


def node_line(node: yaml.Node | None, path: Path_) -> int:
    """Return the 0-based line, within its YAML text, of the node at *path* under *node*."""
    if node is None:
        return 0
    for key in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for k, value in node.value if k.value == key), None)
            if child is None:
                # A missing key: point at the mapping that should hold it.
                return node.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node = child
    return node.start_mark.line


def describe(value: Any) -> str:
    """Name a YAML value's type for an error message, with the YAML 1.1 trap that made it."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f"{word} (YAML reads yes/no/on/off/true/false as {word}): put the value in quotes"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()} (YAML reads it as a date): put it in quotes"
    if isinstance(value, int | float):
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
    return repr(value)
