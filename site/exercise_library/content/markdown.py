"""Markdown bodies: render with markdown-it-py, sanitize with nh3, and pull out the parts that
get their own anchors (sections, cues, mistakes) for deep links. Raw HTML and script links
are problems for `check`, whatever the sanitizer would have made of them."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from slugify import slugify as _slugify

# The rules the content format uses (content/README.md): ## sections, numbered and bullet
# lists, emphasis, links, inline code and escapes. What is off reads as plain text: an
# indented line is not code, "***" is not a rule, <javascript:...> is not a link.
_md = MarkdownIt("commonmark").disable(
    ["lheading", "code", "fence", "blockquote", "hr", "reference", "image", "autolink"]
)
# Every link becomes a token, so each can be judged and reported (markdown-it would quietly
# leave a `javascript:` link as text); the sanitizer keeps only safe ones in any case.
_md.validateLink = lambda url: True

_cleaner = nh3.Cleaner(
    tags={"a", "br", "code", "em", "h2", "h3", "li", "ol", "p", "strong", "ul"},
    attributes={"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|/|#|\?|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"(?:java|vb)script:", re.IGNORECASE)
_SPACES = re.compile(r"[\x00-\x20\x7f]+")
_MARKUP = re.compile(r"[<\[&:]")

EXERCISE_SECTIONS = (
    ("How to do it", "how-to"),
    ("Cues", "cues"),
    ("Common mistakes", "mistakes"),
    ("Why it matters for runners", "why"),
    ("Safety", "safety"),
)
MIN_ITEMS = {"how-to": 2, "cues": 3, "mistakes": 3}
H1_IN_BODY = (
    "a '# ' heading in the body: the title comes from the front matter; use '## ' for sections"
)
MISTAKE_SHAPE = "a mistake must start with its name in bold: '- **The mistake.** ... Fix: ...'"
_FIX = re.compile(r"(?:<strong>)?\s*Fix:\s*(?:</strong>)?\s*")


def slugify(text: str, max_length: int = 60) -> str:
    """Free text as a slug, cut at a word boundary so anchors stay readable."""
    return _slugify(text, max_length=max_length, word_boundary=True)


def sanitize(markup: str) -> str:
    """Keep only the tags content needs; links only to http(s), mailto or this site."""
    return _cleaner.clean(markup)


@dataclass
class Section:
    heading: str
    anchor: str
    html: str
    text: str


@dataclass
class Cue:
    anchor: str
    text: str
    html: str
    line: int


@dataclass
class Mistake:
    anchor: str
    title: str
    html: str
    fix_html: str
    text: str
    line: int


@dataclass
class Body:
    """A rendered body: its sections, steps, cues and mistakes, the site links it makes and
    its problems, each with its 0-based body line."""

    sections: list[Section] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)
    parts: list[tuple[int, str]] = field(
        default_factory=list
    )  # a document's ## headings: (line, anchor)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def report(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    def links_under(self, anchor: str) -> list[tuple[str, int]]:
        """The links of a document's ``## `` part with the anchor *anchor*."""
        starts = [line for line, name in self.parts if name == anchor]
        if not starts:
            return []
        ends = [line for line, _ in self.parts if line > starts[0]]
        end = min(ends, default=10**9)
        return [(href, line) for href, line in self.links if starts[0] < line < end]

    @property
    def html(self) -> str:
        return "".join(section.html for section in self.sections)

    @property
    def text(self) -> str:
        return " ".join(section.text for section in self.sections)


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _render(tokens: list[Token]) -> str:
    return sanitize(_md.renderer.render(tokens, _md.options, {}))


def _plain(tokens: list[Token]) -> str:
    return " ".join(_words(t) for t in tokens if t.type == "inline")


def _words(inline: Token) -> str:
    """An inline token's words as a reader sees them: no markup, no link addresses (what
    search indexes and quotes back)."""
    return "".join(
        " " if child.type in ("softbreak", "hardbreak") else child.content
        for child in inline.children or []
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    )


def _bare(text: str) -> str:
    """*text* with entities decoded and no spaces or control characters, as a browser reads
    a link's scheme."""
    return "".join(c for c in html.unescape(text) if unicodedata.category(c)[0] not in "CZ")


def _link_problem(href: str) -> str | None:
    bare = _bare(href)
    if not _SAFE_HREF.match(bare) or _SCRIPT_SCHEME.search(bare):
        return f"a link to '{href[:40]}' is not allowed: link to an http(s) URL or a path"
    return None


def _scan(tokens: list[Token], body: Body) -> None:
    """Record site links, raw HTML and unsafe links anywhere in *tokens*."""
    for token in tokens:
        if token.type == "html_block":
            body.report(_line(token), _raw_html(token.content))
        if token.type != "inline":
            continue
        found = False
        for child in token.children or []:
            if child.type == "html_inline":
                body.report(_line(token), _raw_html(child.content))
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if problem := _link_problem(href):
                    body.report(_line(token), problem)
                    found = True
                else:
                    body.links.append((href, _line(token)))
        # A script link written so markdown-it leaves it as text (a tab inside, say).
        squeezed = _SPACES.sub("", html.unescape(token.content))
        if not found and _SCRIPT_SCHEME.search(squeezed):
            body.report(
                _line(token),
                "a 'javascript:' link is not allowed: link to an http(s) URL or a path",
            )


def _raw_html(content: str) -> str:
    snippet = content.strip().splitlines()[0][:40] if content.strip() else "<...>"
    return f"raw HTML is not allowed ({snippet!r}): write it in Markdown instead"


def inline_problems(text: str) -> list[str]:
    """What is wrong with one line of Markdown (a ladder criterion, a test description)."""
    if not _MARKUP.search(text):  # no tag, link, entity or scheme can be written without these
        return []
    body = Body()
    _scan(_md.parse(text), body)
    return [message for _, message in body.problems]


def render_inline(text: str) -> str:
    """One line of Markdown as sanitized inline HTML."""
    return sanitize(_md.renderInline(text))


def parse_document(text: str) -> Body:
    """A free-form body (guides, programs): ``##`` and ``###`` headings get ids from their text."""
    body = Body()
    tokens = _md.parse(text)
    _scan(tokens, body)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            anchor = slugify(tokens[index + 1].content)
            token.attrSet("id", anchor)
            if token.tag == "h2":
                body.parts.append((_line(token), anchor))
    body.sections.append(Section("", "", _render(tokens), _plain(tokens)))
    if not body.text.strip():
        body.report(0, "the body is empty: write it below the front matter")
    return body


def parse_exercise(text: str) -> Body:
    """An exercise body in the house format: the five sections in order, then any others."""
    body = Body()
    tokens = _md.parse(text)
    _scan(tokens, body)
    groups = _sections(tokens, body)
    names = [heading.content.strip() for heading, _ in groups]
    expected = [name for name, _ in EXERCISE_SECTIONS]
    end = max((_line(t) for t in tokens if t.map), default=0)
    missing = [name for name in expected if name not in names]
    for name in missing:
        body.report(
            end, f"missing section '## {name}': add it (sections in order: {', '.join(expected)})"
        )
    if not missing and [n for n in names if n in expected] != expected:
        body.report(
            _line(groups[0][0]), f"sections out of order: put them as {', '.join(expected)}"
        )
    anchors = dict(EXERCISE_SECTIONS)
    used: set[str] = set()
    for heading, section_tokens in groups:
        name = heading.content.strip()
        anchor = anchors.get(name) or slugify(name)
        if anchor in used:
            body.report(_line(heading), f"section '## {name}' appears twice: merge them")
            continue
        used.add(anchor)
        plain = _plain(section_tokens)
        if not plain.strip():
            body.report(_line(heading), f"section '## {name}' is empty: write it")
        # Cues and mistakes are shown item by item, each with its own anchor.
        html = "" if anchor in ("cues", "mistakes") else _render(section_tokens)
        body.sections.append(Section(name, anchor, html, plain))
        if anchor in MIN_ITEMS:
            _read_items(anchor, section_tokens, heading, body)
    for anchor, count, what in (
        ("how-to", len(body.steps), "numbered steps under '## How to do it'"),
        ("cues", len(body.cues), "cues under '## Cues'"),
        ("mistakes", len(body.mistakes), "mistakes under '## Common mistakes'"),
    ):
        if anchor in used and count < MIN_ITEMS[anchor] and not body.problems:
            line = text.count("\n")  # the end of the file, where the next item would go
            body.report(line, f"only {count} {what}: write at least {MIN_ITEMS[anchor]}")
    return body


def _sections(tokens: list[Token], body: Body) -> list[tuple[Token, list[Token]]]:
    """The tokens under each ``##`` heading, as (heading's inline token, tokens)."""
    groups: list[tuple[Token, list[Token]]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            if token.tag == "h1":
                body.report(_line(token), H1_IN_BODY)
            else:
                groups.append((tokens[index + 1], []))
            index += 3
            continue
        if groups:
            groups[-1][1].append(token)
        else:
            body.report(_line(token), "text before the first '## ' section: move it into a section")
            while index + 1 < len(tokens) and tokens[index + 1].level > 0:
                index += 1  # one report per block
        index += 1
    return groups


_LIST_SHAPES = {
    "how-to": (
        "ordered_list_open",
        "'## How to do it' must be a numbered list: '1. ' before each step",
    ),
    "cues": ("bullet_list_open", "'## Cues' must be a bullet list: '- ' before each cue"),
    "mistakes": (
        "bullet_list_open",
        "'## Common mistakes' must be a bullet list: '- **The mistake.** What happens."
        " Fix: how to fix it.'",
    ),
}


def _read_items(anchor: str, tokens: list[Token], heading: Token, body: Body) -> None:
    """The steps, cues or mistakes: the inline token of each item of the section's first list."""
    kind, message = _LIST_SHAPES[anchor]
    opening = next((t for t in tokens if t.level == 0 and t.type.endswith("_list_open")), None)
    if opening is None or opening.type != kind:
        body.report(_line(heading), message)
        return
    items, inside = [], False
    for token in tokens:
        inside = inside or token is opening
        if inside and token.level == 0 and token.type.endswith("_list_close"):
            break
        if inside and token.type == "inline" and token.level == 3:
            items.append(token)
    for item in items:
        if anchor == "how-to":
            body.steps.append(item.content)
        elif anchor == "cues":
            cue = Cue("cue-" + slugify(item.content), _words(item), _inline(item), _line(item))
            body.cues.append(cue)
        else:
            _read_mistake(item, body)
    seen: set[str] = set()
    for entry in body.cues if anchor == "cues" else body.mistakes if anchor == "mistakes" else []:
        if entry.anchor in seen:
            what = anchor.rstrip("s")
            body.report(
                entry.line, f"two {what}s share the anchor '#{entry.anchor}': reword one of them"
            )
        seen.add(entry.anchor)


def _inline(token: Token) -> str:
    return sanitize(_md.renderer.render([token], _md.options, {}))


def _read_mistake(item: Token, body: Body) -> None:
    children = [c for c in item.children or [] if not (c.type == "text" and not c.content.strip())]
    if not children or children[0].type != "strong_open":
        body.report(_line(item), MISTAKE_SHAPE)
        return
    close = next(i for i, c in enumerate(children) if c.type == "strong_close")
    title = "".join(c.content for c in children[1:close]).strip()
    rest = sanitize(_md.renderer.renderInline(children[close + 1 :], _md.options, {}))
    parts = _FIX.split(rest, maxsplit=1)
    if len(parts) != 2 or not parts[1].strip():
        body.report(
            _line(item), f"mistake '{title}' has no fix: add 'Fix: ' and what to do instead"
        )
        return
    anchor = "mistake-" + slugify(title)
    body.mistakes.append(
        Mistake(anchor, title, parts[0].strip(), parts[1].strip(), _words(item), _line(item))
    )
