"""Markdown bodies: render with markdown-it-py, sanitize with nh3, and pull out the parts
that get their own anchors (sections, cues, mistakes) for deep links."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import markdown_it_pyrs
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
    return render_inline_all([text])[0]


def render_inline_all(texts: list[str]) -> list[str]:
    """`render_inline` of each of *texts*, in one render and one sanitizer call when it can
    (a call costs more than the rendering of a line)."""
    # Plain lines render as paragraphs in markdown-it.rs, seven times quicker; text that
    # would parse as a block (a list marker, a heading) or that the fast path leaves alone
    # goes to markdown-it-py's inline renderer.
    if all("\n" not in text and text == text.strip() and _fast_accepts(text) for text in texts):
        try:
            return _sanitize_all(_inline_html(texts))
        except _Slow:
            pass
    if len(texts) > 1:  # one of them needs markdown-it-py: the others need not
        return [render_inline(text) for text in texts]
    return [sanitize(_md.renderInline(text)) for text in texts]


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
    """Render an exercise body and check it has the five sections in the house format.

    A body in the plain house shape is read by markdown-it's Rust port (`_fast_exercise`),
    seven times quicker; anything else, every body with a problem included, by markdown-it-py
    (`_parse_exercise`), which knows every problem and its line. Both give the same result
    for the bodies the fast path takes (tests/test_library.py compares them).
    """
    return _fast_exercise(text) or _parse_exercise(text)


def _parse_exercise(text: str) -> Body:
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


# -- the fast path: markdown-it.rs for bodies in the house shape ------------------------------

# The same rules as _md (markdown-it.rs names them the same way).
_fast_md = markdown_it_pyrs.MarkdownIt("zero")
_fast_md.enable_many(
    ["heading", "list", "paragraph", "html_block", "html_inline", "link", "emphasis", "newline",
     "escape", "backticks", "entity"]
)  # fmt: skip
_FAST_BLOCKS = {"paragraph", "bullet_list", "ordered_list"}
_FAST_INLINE = {
    "text", "text_special", "strong", "em", "link", "code_inline", "softbreak", "hardbreak",
}  # fmt: skip
_FAST_NODES = {"root", "heading", "list_item", *_FAST_BLOCKS, *_FAST_INLINE}
_FAST_COUNTED = ("heading", "paragraph", "bullet_list", "ordered_list", "list_item")
# Text the fast path leaves to markdown-it-py: tabs and CRs (columns and lines), unsafe link
# schemes and images (problems or quirks markdown-it-py reports or renders its own way), and
# the character that separates fragments sanitized together.
_FAST_REFUSES = ("\t", "\r", "![", "\ue000")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_SEPARATOR = "\ue000"  # a private-use character: nh3 keeps it, no content has it
_NEWLINE = re.compile(rb"\n")


class _Slow(Exception):
    """This body is not in the plain house shape: leave it to markdown-it-py."""


class _Source:
    """The body as UTF-8 bytes (markdown-it.rs maps nodes to byte offsets) and its lines."""

    def __init__(self, text: str):
        self.data = text.encode()
        self.newlines = [match.start() for match in _NEWLINE.finditer(self.data)]

    def line(self, offset: int) -> int:
        """0-based line of a byte offset."""
        return bisect.bisect_left(self.newlines, offset)

    def line_start(self, offset: int) -> int:
        line = self.line(offset)
        return self.newlines[line - 1] + 1 if line else 0

    def run(self, start: int, end: int, indent: int) -> str:
        """The Markdown of the inline run at bytes *start* to *end* as markdown-it-py's inline
        token holds it: continuation lines lose up to *indent* leading spaces (the block's
        indent)."""
        raw = self.data[start:end].decode()
        if "\n" not in raw:
            return raw.strip()
        first, *rest = raw.split("\n")
        for index, line in enumerate(rest):
            stripped = line.lstrip(" ")
            rest[index] = line[min(indent, len(line) - len(stripped)) :]
        return "\n".join([first, *rest]).strip()


def _fast_accepts(text: str) -> bool:
    """Whether the fast path may read *text* at all (see _FAST_REFUSES)."""
    if any(part in text for part in _FAST_REFUSES):
        return False
    lowered = text.lower()
    return not any(scheme in lowered for scheme in _UNSAFE_SCHEMES)


def _inline_html(runs: list[str]) -> list[str]:
    """Inline HTML of each one-paragraph Markdown run (what markdown-it-py's inline render
    gives), from one render: a render call costs more than the rendering of a line. Runs
    joined by blank lines are separate paragraphs, each rendered as it would be alone; a
    run that would render as anything but one paragraph shows in the count of paragraphs."""
    if not runs:
        return []
    html = _fast_md.render("\n\n".join(runs))
    parts = html[3:-5].split("</p>\n<p>")
    if (
        not (html.startswith("<p>") and html.endswith("</p>\n"))
        or len(parts) != len(runs)
        or html.count("<p>") != len(runs)
    ):
        raise _Slow
    return parts


def _fast_exercise(text: str) -> Body | None:
    """Read a body in the plain house shape (the five sections in order with their lists,
    optional extra sections, paragraphs and one-paragraph list items, no raw HTML); None for
    anything else."""
    if not _fast_accepts(text):
        return None
    try:
        return _fast_body(text, _Source(text), _fast_md.tree(text))
    except _Slow:
        return None


def _sanitize_all(fragments: list[str]) -> list[str]:
    """Sanitize many fragments in one nh3 call (a call costs more than the cleaning of a
    fragment this size). Each fragment is balanced markdown-it output, so none can reach
    into the next across the separator."""
    if not fragments:
        return []
    cleaned = sanitize(_SEPARATOR.join(fragments)).split(_SEPARATOR)
    if len(cleaned) != len(fragments):
        raise _Slow
    return cleaned


def _section_html(text: str, count: int) -> list[str]:
    """The HTML of each ``##`` section of a body in the house shape, from one render of the
    whole body (a render call costs more than rendering a section): blocks render the same
    in or out of the body, and the only ``<h2>`` in the output are the *count* headings
    (text is escaped, raw HTML and other headings are not in the house shape)."""
    parts = _fast_md.render(text).split("<h2>")
    if len(parts) != count + 1 or parts[0]:
        raise _Slow
    return [part.partition("</h2>\n")[2] for part in parts[1:]]


_PLAIN_URL = re.compile(r"[A-Za-z0-9/#?=._~:+-]*")


def _fast_walk(root) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Check that every node is one the house shape uses, with its place in the source, and
    return how many there are of each block and the links as (byte offset, URL), in the
    order of the text. One walk of the whole tree: inline nodes only ever hold inline
    nodes, and _fast_body checks that every block is where the house shape puts it."""
    blocks = dict.fromkeys(_FAST_COUNTED, 0)
    links = []
    for node in root.walk():
        name = node.name
        if name not in _FAST_NODES or node.srcmap is None:
            raise _Slow
        if name in blocks:
            blocks[name] += 1
        elif name == "link":
            url = node.meta.get("url", "")
            # Both parsers percent-encode URLs; leave any that needs it to markdown-it-py.
            if not _PLAIN_URL.fullmatch(url):
                raise _Slow
            links.append((node.srcmap[0], url))
    return blocks, links


def _fast_body(text: str, source: _Source, root) -> Body:
    body = Body()
    blocks, links = _fast_walk(root)
    seen = dict.fromkeys(_FAST_COUNTED, 0)  # blocks where the house shape puts them
    groups: list[tuple[str, int, list]] = []
    spans: list[tuple[int, int]] = []  # (start, line) of each inline run, for the links
    for node in root.children:
        name = node.name
        if name == "heading" and node.meta.get("level") == 2 and node.children:
            children = node.children
            start = children[0].srcmap[0]
            groups.append((source.run(start, children[-1].srcmap[1], 0), source.line(start), []))
            spans.append((start, source.line(start)))
        elif name in _FAST_BLOCKS and groups:
            groups[-1][2].append(node)
        else:
            raise _Slow
        seen[name] += 1
    expected = [name for name, _ in EXERCISE_SECTIONS]
    names = [name for name, _, _ in groups]
    anchors = dict(EXERCISE_SECTIONS)
    extra = [slugify(name) for name in names[len(expected) :]]
    if (
        names[: len(expected)] != expected
        or any(name in anchors for name in names[len(expected) :])
        or len(set(extra)) != len(extra)
        or set(extra) & set(anchors.values())
    ):
        raise _Slow
    cues: list[tuple[str, int]] = []  # (Markdown, line) of each cue
    mistakes: list[tuple[list, str, int]] = []  # (inline nodes, Markdown, line) of each mistake
    section_html = _section_html(text, len(groups))
    for name, line, nodes in groups:
        if not nodes:
            raise _Slow
        anchor = anchors.get(name) or slugify(name)
        contents = []
        # The items of the section's first list, as markdown-it-py's _items picks them:
        # (inline nodes, Markdown, line).
        items: list[tuple[list, str, int]] = []
        first = None
        for node in nodes:
            if node.name == "paragraph":
                children = node.children
                start = children[0].srcmap[0]
                contents.append(source.run(start, children[-1].srcmap[1], 0))
                spans.append((start, source.line(start)))
                continue
            first = first or node
            list_items = node.children
            seen["list_item"] += len(list_items)
            for item in list_items:
                children = item.children
                if not children:
                    raise _Slow
                if len(children) == 1 and children[0].name == "paragraph":
                    children = children[0].children
                    seen["paragraph"] += 1
                start = children[0].srcmap[0]
                content = source.run(
                    start, children[-1].srcmap[1], start - source.line_start(start)
                )
                contents.append(content)
                spans.append((start, source.line(start)))
                if node is first:
                    items.append((children, content, spans[-1][1]))
        first_list = first.name if first else None
        body.sections.append(Section(name, anchor, "", " ".join(contents), line))
        if anchor == "how-to":
            if first_list != "ordered_list":
                raise _Slow
            body.steps = [content for _, content, _ in items]
        elif anchor == "cues":
            if first_list != "bullet_list":
                raise _Slow
            cues += [(content, item_line) for _, content, item_line in items]
        elif anchor == "mistakes":
            if first_list != "bullet_list":
                raise _Slow
            mistakes += items
    # Any block the loops above did not see is somewhere the house shape has none (a nested
    # list, a second paragraph in an item, a heading in a list).
    if seen != blocks:
        raise _Slow
    body.links = _place_links(links, spans)
    # Every html field holds markdown-it's output until here: clean the sections at once,
    # then take each cue and mistake from the items of its section's list.
    for section, html in zip(body.sections, _sanitize_all(section_html), strict=True):
        section.html = html
    cue_html = _list_items(body.sections[1].html, len(cues))
    for (content, line), html in zip(cues, cue_html, strict=True):
        body.cues.append(Cue("cue-" + slugify(content), content, html, line))
    mistake_html = _list_items(body.sections[2].html, len(mistakes))
    for mistake, html in zip(mistakes, mistake_html, strict=True):
        body.mistakes.append(_fast_mistake(*mistake, html))
    for found in (body.cues, body.mistakes):
        if len({item.anchor for item in found}) != len(found):
            raise _Slow
    return body


def _place_links(links: list[tuple[int, str]], spans: list[tuple[int, int]]) -> list:
    """Each link with the line of the inline run it is in (its block's first line), as
    _scan records it."""
    spans.sort()
    starts = [start for start, _ in spans]
    placed = []
    for offset, url in links:
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            raise _Slow
        placed.append((url, spans[index][1]))
    return placed


def _list_items(html: str, count: int) -> list[str]:
    """The inner HTML of each item of the first bullet list in a section's clean HTML, where
    *count* items are expected (a loose list's items without their paragraph tags). An item
    cleaned inside its list comes out as it would alone: it is inline HTML, balanced."""
    start = html.find("<ul>\n<li>")
    end = html.find("</li>\n</ul>\n", start)
    if start < 0 or end < 0:
        raise _Slow
    items = html[start + 9 : end].split("</li>\n<li>")
    if all(item.startswith("\n<p>") and item.endswith("</p>\n") for item in items):
        items = [item[4:-5] for item in items]
    if len(items) != count or any("<li>" in item or "<p>" in item for item in items):
        raise _Slow
    return items


def _fast_mistake(children: list, content: str, line: int, html: str) -> Mistake:
    """'**The mistake.** What happens. Fix: how to fix it.', as _read_mistakes reads it;
    *html* is the item's clean inline HTML."""
    strong = children[0]
    rest = children[1:]
    # markdown-it-py's reader drops whitespace-only text between later nodes: leave such
    # items to it rather than render them differently.
    if strong.name != "strong" or any(
        node.name == "text" and not node.meta.get("content", "").strip() for node in rest[1:]
    ):
        raise _Slow
    if any(node.name not in ("text", "text_special") for node in strong.children):
        raise _Slow
    title = "".join(node.meta.get("content", "") for node in strong.children).strip()
    _, closing, rest_html = html.partition("</strong>")
    parts = _FIX_RE.split(rest_html, maxsplit=1)
    if not closing or len(parts) != 2 or not parts[1].strip():
        raise _Slow
    return Mistake(
        anchor="mistake-" + slugify(title),
        title=title,
        html=parts[0].strip(),
        fix_html=parts[1].strip(),
        text=content,
        line=line,
    )
