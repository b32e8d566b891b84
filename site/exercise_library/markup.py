"""Markdown bodies: render with markdown-it-py, sanitize with nh3, and pull out the parts
that get their own anchors (sections, cues, mistakes) for deep links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .slugs import slugify

# Only the rules the content format uses (content/README.md: ## sections, numbered and bullet
# lists, bold, links, plus inline code and escapes): every block rule is tried at every line,
# so the unused ones (setext headings, indented and fenced code, quotes, rules, reference
# definitions, images, autolinks) cost a quarter of the parse. The parser keeps raw HTML as
# tokens so the check can report it; the sanitizer removes it from the page in any case.
_md = MarkdownIt("commonmark").disable(
    ["lheading", "code", "fence", "blockquote", "hr", "reference", "image", "autolink"]
)

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "ol": {"start"}}

EXERCISE_SECTIONS = (
    ("How to do it", "how-to"),
    ("Cues", "cues"),
    ("Common mistakes", "mistakes"),
    ("Why it matters for runners", "why"),
    ("Safety", "safety"),
)
_FIX_RE = re.compile(r"(?:<strong>)?\s*Fix:\s*(?:</strong>)?\s*")


# Built once: nh3.clean builds its rules from the arguments on every call, which cost four
# times the cleaning itself on fragments this small.
_cleaner = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)


def sanitize(html: str) -> str:
    """Keep only the tags a content page needs; links may only use http(s), mailto or paths."""
    return _cleaner.clean(html)


def render_inline(text: str) -> str:
    """Render one line of Markdown (a criterion, a note) to sanitized inline HTML."""
    return sanitize(_md.renderInline(text))


@dataclass
class Section:
    heading: str
    anchor: str
    html: str
    text: str
    line: int  # 0-based body line of the heading


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
    """A rendered body: its sections, and the lines of anything the check must look at."""

    sections: list[Section] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (0-based body line, message)

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _render(tokens: list[Token]) -> str:
    return sanitize(_md.renderer.render(tokens, _md.options, {}))


def _scan(tokens: list[Token], body: Body) -> None:
    """Record links and raw HTML anywhere in the body."""
    for token in tokens:
        if token.type == "html_block":
            body.problems.append((_line(token), _raw_html_message(token.content)))
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type == "html_inline":
                body.problems.append((_line(token), _raw_html_message(child.content)))
            elif child.type == "link_open":
                body.links.append((str(child.attrs.get("href", "")), _line(token)))
        # markdown-it refuses to turn unsafe URLs into links; the text still deserves a report.
        for scheme in re.findall(r"\]\(\s*(javascript|vbscript|data):", token.content, re.I):
            body.problems.append(
                (
                    _line(token),
                    f"a '{scheme}:' link is not allowed: link to an http(s) URL or a path",
                )
            )


def _raw_html_message(content: str) -> str:
    snippet = content.strip().splitlines()[0][:40] if content.strip() else "<...>"
    return f"raw HTML is not allowed ({snippet!r}): write it in Markdown instead"


def _split_sections(tokens: list[Token], body: Body) -> list[tuple[Token, list[Token]]]:
    """Group the tokens under each ``##`` heading."""
    groups: list[tuple[Token, list[Token]]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.tag == "h1":
            body.problems.append(
                (
                    _line(token),
                    "a '# ' heading in the body: the title comes from the front matter; use '## ' for sections",
                )
            )
            index += 3
            continue
        if token.type == "heading_open" and token.tag == "h2":
            heading = tokens[index + 1]
            groups.append((heading, []))
            index += 3
            continue
        if groups:
            groups[-1][1].append(token)
        elif token.type not in ("heading_open", "heading_close", "inline") or token.level:
            body.problems.append(
                (_line(token), "text before the first '## ' section: move it into a section")
            )
        index += 1
    return groups


def _items(tokens: list[Token], list_type: str) -> list[tuple[Token, list[Token]]] | None:
    """Return (inline token, whole item tokens) for each top-level item of the first list."""
    opening = next((t for t in tokens if t.level == 0 and t.type.endswith("_list_open")), None)
    if opening is None or opening.type != list_type:
        return None
    items: list[tuple[Token, list[Token]]] = []
    inside = False
    for token in tokens:
        if token is opening:
            inside = True
            continue
        if not inside:
            continue
        if token.level == 0 and token.type.endswith("_list_close"):
            break
        if token.type == "list_item_open" and token.level == 1:
            items.append((token, []))
        elif items:
            items[-1][1].append(token)
    result = []
    for item_open, item_tokens in items:
        inline = next((t for t in item_tokens if t.type == "inline"), None)
        if inline is not None:
            inline.map = inline.map or item_open.map
            result.append((inline, item_tokens))
    return result


def parse_document(text: str) -> Body:
    """Render a free-form body (guides, programs): ``##`` sections get ids from their text."""
    body = Body()
    tokens = _md.parse(text)
    _scan(tokens, body)
    for token_index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            token.attrSet("id", slugify(tokens[token_index + 1].content))
    body.sections.append(Section("", "", _render(tokens), _plain(tokens), 0))
    return body


def _plain(tokens: list[Token]) -> str:
    return " ".join(t.content for t in tokens if t.type == "inline")


def parse_exercise(text: str) -> Body:
    """Render an exercise body and check it has the five sections in the house format."""
    body = Body()
    tokens = _md.parse(text)
    _scan(tokens, body)
    groups = _split_sections(tokens, body)
    seen = [heading.content.strip() for heading, _ in groups]
    expected = [name for name, _ in EXERCISE_SECTIONS]
    missing = [name for name in expected if name not in seen]
    last_line = max((_line(t) for t in tokens if t.map), default=0)
    for name in missing:
        body.problems.append(
            (
                last_line,
                f"missing section '## {name}': add it (sections in order: {', '.join(expected)})",
            )
        )
    present = [name for name in seen if name in expected]
    if not missing and present != expected:
        body.problems.append(
            (_line(groups[0][0]), f"sections out of order: put them as {', '.join(expected)}")
        )
    anchors = dict(EXERCISE_SECTIONS)
    used_anchors: set[str] = set()
    for heading, section_tokens in groups:
        name = heading.content.strip()
        anchor = anchors.get(name) or slugify(name)
        if anchor in used_anchors:
            body.problems.append((_line(heading), f"section '## {name}' appears twice: merge them"))
            continue
        used_anchors.add(anchor)
        plain = _plain(section_tokens)
        if name in anchors and not plain.strip():
            body.problems.append((_line(heading), f"section '## {name}' is empty: write it"))
        section = Section(name, anchor, _render(section_tokens), plain, _line(heading))
        body.sections.append(section)
        if anchor == "how-to":
            _read_steps(section_tokens, heading, body)
        elif anchor == "cues":
            _read_cues(section_tokens, heading, body)
        elif anchor == "mistakes":
            _read_mistakes(section_tokens, heading, body)
    return body


def _read_steps(tokens: list[Token], heading: Token, body: Body) -> None:
    items = _items(tokens, "ordered_list_open")
    if items is None:
        body.problems.append(
            (_line(heading), "'## How to do it' must be a numbered list: '1. ' before each step")
        )
        return
    body.steps = [" ".join(t.content for t in item if t.type == "inline") for _, item in items]


def _read_cues(tokens: list[Token], heading: Token, body: Body) -> None:
    items = _items(tokens, "bullet_list_open")
    if items is None:
        body.problems.append(
            (_line(heading), "'## Cues' must be a bullet list: '- ' before each cue")
        )
        return
    for inline, _ in items:
        anchor = "cue-" + slugify(inline.content)
        html = sanitize(_md.renderer.render([inline], _md.options, {}))
        body.cues.append(Cue(anchor, inline.content, html, _line(inline)))
    _check_unique(body.cues, "cue", body)


def _read_mistakes(tokens: list[Token], heading: Token, body: Body) -> None:
    items = _items(tokens, "bullet_list_open")
    if items is None:
        body.problems.append(
            (
                _line(heading),
                "'## Common mistakes' must be a bullet list: '- **The mistake.** What happens. Fix: how to fix it.'",
            )
        )
        return
    for inline, _ in items:
        children = [
            c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
        ]
        if not children or children[0].type != "strong_open":
            body.problems.append(
                (
                    _line(inline),
                    "a mistake must start with its name in bold: '- **The mistake.** ... Fix: ...'",
                )
            )
            continue
        close = next(i for i, c in enumerate(children) if c.type == "strong_close")
        title = "".join(c.content for c in children[1:close]).strip()
        rest_html = sanitize(_md.renderer.renderInline(children[close + 1 :], _md.options, {}))
        parts = _FIX_RE.split(rest_html, maxsplit=1)
        if len(parts) != 2 or not parts[1].strip():
            body.problems.append(
                (_line(inline), f"mistake '{title}' has no fix: add 'Fix: ' and what to do instead")
            )
            continue
        body.mistakes.append(
            Mistake(
                anchor="mistake-" + slugify(title),
                title=title,
                html=parts[0].strip(),
                fix_html=parts[1].strip(),
                text=inline.content,
                line=_line(inline),
            )
        )
    _check_unique(body.mistakes, "mistake", body)


def _check_unique(items: list[Cue] | list[Mistake], kind: str, body: Body) -> None:
    seen: set[str] = set()
    for item in items:
        if item.anchor in seen:
            body.problems.append(
                (item.line, f"two {kind}s share the anchor '#{item.anchor}': reword one of them")
            )
        seen.add(item.anchor)
