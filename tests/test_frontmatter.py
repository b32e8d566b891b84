"""Front matter: the quick YAML constructor builds what PyYAML's own safe constructor builds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from exercise_library.frontmatter import FrontMatterError, load_yaml

from .conftest import CASES, LIBRARY

ROOT = Path(__file__).parent.parent

# What the content uses, and every YAML feature the quick constructor hands back to PyYAML.
DOCUMENTS = [
    "title: Box step\nphases: [beginner, advanced]\ndosage:\n  beginner: {sets: 3, reps: 8}\n",
    "a: 1:30\nb: off\nc: 2026-01-02\nd: 2026-01-02 10:00:00\ne: ~\nf: 1e3\ng: .nan\nh: 0x1f\n",
    "yes: 1\n2026-01-01: x\n1: a\n1.5: b\nnull: c\n",
    "a: 1\na: 2\n",
    "- a\n- - b\n  - c\n",
    "a: |\n  x\n  y\nb: >\n  z\n",
    "a: !!str 3\nb: !!int '4'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null ''\n",
    "a: !!timestamp 2001-12-14\n",
    "!!map {a: b}\n",
    "- !!seq [a]\n",
    "",
    "# only a comment\n",
    "a: &s text\nb: *s\n",
    "a: &x [1, 2]\nb: *x\n",
    "a:\n  - &m {x: 1}\n  - *m\n",
    "&a [*a]\n",
    "a: &x {k: v}\nb:\n  <<: *x\n  c: d\n",
    "<<: {a: 1}\n",
    "=: 1\n",
    "? [a]\n: b\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!omap [{a: 1}]\n",
    "a: !!pairs [{a: 1}]\n",
    "a: !!str [1]\n",
    "a: !foo bar\n",
    "a: !!int 'x'\n",
    "a: 2026-13-45\n",
    "a: [b, c\n",
    "---\na: 1\n---\nb: 2\n",
    # Implicit tags, one first character at a time, and what looks like them but is text.
    "a: ''\nb: '1'\nc: 1\nd:\ne: .inf\nf: -.5\ng: +12\nh: 0o14\ni: 1_000\nj: Null\nk: TRUE\n",
    "- .\n- -\n- +\n- 0\n- 1,5\n- 190:20:30\n- ~x\n- n\n- Off\n- yes please\n- 2026-1-2\n",
]


def _front_matter(*folders: Path) -> list[str]:
    texts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yml", ".yaml"):
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
            elif path.suffix == ".md":
                text = path.read_text(encoding="utf-8", errors="replace")
                if text.startswith("---\n") and "\n---" in text[3:]:
                    texts.append(text[4 : text.index("\n---", 3)])
    return texts


def _outcome(load, text: str) -> tuple:
    """What loading *text* gives: its data (as repr: a recursive list is its own member), or
    that it failed."""
    try:
        return ("data", repr(load(text)))
    except (FrontMatterError, yaml.YAMLError):
        return ("YAML error",)
    except Exception as error:  # whatever PyYAML lets through must come through the same
        return ("error", type(error).__name__)


@pytest.mark.parametrize(
    "text", DOCUMENTS + _front_matter(ROOT / "content", LIBRARY, CASES), ids=lambda t: t[:30]
)
def test_the_quick_yaml_constructor_builds_what_pyyaml_builds(text: str):
    def pyyaml(text: str):
        return yaml.load(text, Loader=yaml.CSafeLoader)

    assert _outcome(load_yaml, text) == _outcome(pyyaml, text)


def test_an_alias_gives_one_shared_object_as_in_pyyaml():
    data = load_yaml("a: &x [1, 2]\nb: *x\n")
    assert data["a"] is data["b"]
