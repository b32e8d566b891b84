"""The body map's drawing: a front and a back view of one figure, and one region per muscle.

Drawn for this project. Every shape is authored in the coordinates of the front figure
(centre line x = 100, the figure's right side) and placed by a transform: the mirror image
for the other side, a shift of 200 for the back view. No style attributes (the CSP forbids
them): colours come from classes in static/css/body-map.css, except the hatch pattern, an
SVG paint reference. The drawing is made once, at import; `highlight` and `filter_map` add
what changes from page to page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

PLACES = {
    ("front", False): "",
    ("front", True): "matrix(-1 0 0 1 200 0)",
    ("back", False): "translate(200 0)",
    ("back", True): "matrix(-1 0 0 1 400 0)",
}

# Head, neck, torso, arm, leg: (path, mirrored).
BODY = [
    ("M100 12C110.5 12 118 20.5 118 32.5C118 45.5 110 55 100 55C90 55 82 45.5 82 32.5C82 20.5 89.5 12 100 12Z", False),
    ("M93 48L93 68L107 68L107 48Z", False),
    ("M93 63C84 67 73 67 66 71C58 76 56.5 90 61 100L73 104C75 125 78.5 145 78.5 165C78.5 180 70 189 70 204L71.5 222L100 233L128.5 222L130 204C130 189 121.5 180 121.5 165C121.5 145 125 125 127 104L139 100C143.5 90 142 76 134 71C127 67 116 67 107 63Z", False),
    ("M65 72C56 74 53.5 90 53.5 104C53 120 51 135 50.5 150C49 170 47 190 47 207C44.5 213 43.5 226 46.5 234C49 240.5 56.5 240.5 58.5 234C60.5 226 59.5 214 57.5 207C59.5 190 63 170 64 150C66 135 70 118 73 103Z", True),
    ("M70 200C67 228 69 262 75.5 290C73.5 301 71 317 73.5 332C75.5 344 79.5 351 81 358C79 366 75 373 75.5 380C77.5 387.5 94 388.5 97.5 383C98.5 377 95.5 368 93.5 358C93.5 345 97.5 326 96.5 302C96.5 293 97.5 286 97.5 280C99.5 262 100.5 245 99.5 228Z", True),
]  # fmt: skip

# Quiet details that are not muscles: (view, mirrored, path).
HAIR = [
    ("front", False, "M83 28C85 17 92 12.5 100 12.5C108 12.5 115 17 117 28C112 22 106 20.5 100 20.5C94 20.5 88 22 83 28Z"),
    ("back", False, "M82.5 34C82 20 89.5 12.5 100 12.5C110.5 12.5 118 20 117.5 34C116 42 112.5 46 109 48C104 46.5 96 46.5 91 48C87.5 46 84 42 82.5 34Z"),
]  # fmt: skip
LINES = [
    ("front", True, "M79 296C83 299.5 89 299.5 93 296"),
    ("back", True, "M79 292C83 294 89 294 93 292"),
    ("front", True, "M94 76C87 78.5 79 78 71 80"),
    ("back", True, "M81 88C80.5 98 83 107 92 113"),
]

# Muscle regions by taxonomy slug: (view, mirrored, path).
REGIONS = {
    "glute-max": [("back", True, "M73.5 205C80 197 91 193.5 98.5 195L98.5 229C91 234.5 80 234 74 227C71.5 220 71.5 211 73.5 205Z")],
    "glute-med": [
        ("back", True, "M75 182C81 180.5 89 183 93.5 189.5C88 196 80.5 199.5 72.5 203C71.5 195 72.5 188 75 182Z"),
        ("front", True, "M72 190C75 189 78 191 78.5 195.5C78 206 76 214 72.5 221.5C71 214 70.5 202 72 190Z"),
    ],
    "hamstrings": [("back", True, "M75.5 237C81 234.5 92 234.5 97 238C97.5 256 95.5 272 92 285C88 289.5 82 289.5 79 285.5C75 272 73.5 254 75.5 237Z")],
    "quadriceps": [("front", True, "M74.5 227C80.5 228 86.5 232.5 87.5 240C88 255 91 267 94.5 277C95 285.5 90 291.5 84 291.5C78.5 290 75.5 282 74.5 272C71.5 258 71.5 241 74.5 227Z")],
    "calves": [("back", True, "M77 299C81 295.5 91 295.5 95 299C96.5 312 95 325 90.5 334C88 336.5 84 336.5 81.5 334C76.5 325 75 312 77 299Z")],
    "soleus": [
        ("back", True, "M75.5 314C75.5 326 79.5 336 85.5 339.5C91.5 336.5 95 326 96 314C97 330 94.5 344 92 354L83 354C79 344 74.5 330 75.5 314Z"),
        ("front", True, "M74.5 314C74 326 77 339 81.5 350C82.5 340 81.5 326 78.5 315C77.5 313 75.5 312.5 74.5 314Z"),
    ],
    "hip-flexors": [("front", True, "M77 200C84 203 91 211 95.5 222.5C93.5 226.5 88 228.5 84 227C80 219 77 210 77 200Z")],
    "adductors": [("front", True, "M97 229C98.5 241 98 256 95.5 270C91.5 261 89.5 249 89.5 237C91.5 232.5 94 229.5 97 229Z")],
    "lower-back": [("back", True, "M98.5 138L98.5 186C94 186 89.5 183.5 87 180C87.5 165 89.5 150 92 140C94 138.5 96.5 137.5 98.5 138Z")],
    "core": [("front", True, "M98.5 117L98.5 199C92 198 86 193 82.5 184C82.5 163 82.5 140 85.5 120C89.5 118 94 117 98.5 117Z")],
    "foot-ankle": [
        ("front", True, "M81.5 356C79.5 365 76 372 76.5 379.5C78.5 385.5 93 386.5 96.5 382C97 376 94.5 367 93 356C89 357.5 85.5 357.5 81.5 356Z"),
        ("back", True, "M81.5 356C79.5 365 76 372 76.5 379.5C78.5 385.5 93 386.5 96.5 382C97 376 94.5 367 93 356C89 357.5 85.5 357.5 81.5 356Z"),
    ],
}  # fmt: skip


def _paths(shapes: list[tuple[str, bool, str]], css_class: str) -> str:
    out = []
    for view, mirrored, d in shapes:
        for flip in (False, True) if mirrored else (False,):
            place = PLACES[view, flip]
            transform = f' transform="{place}"' if place else ""
            out.append(f'<path class="{css_class}"{transform} d="{d}"/>')
    return "".join(out)


def _figure(css_class: str) -> str:
    groups = []
    for view in ("front", "back"):
        place = PLACES[view, False]
        transform = f' transform="{place}"' if place else ""
        paths = "".join(
            f'<path d="{d}"/>'
            + (f'<path transform="{PLACES["front", True]}" d="{d}"/>' if mirrored else "")
            for d, mirrored in BODY
        )
        groups.append(f'<g class="{css_class}"{transform}>{paths}</g>')
    return "".join(groups)


_DRAWING = (
    _figure("bm-body-outline")
    + _figure("bm-body")
    + f'<g class="bm-details">{_paths(HAIR, "bm-hair")}{_paths(LINES, "bm-line")}</g>'
)
_REGIONS = {slug: _paths(shapes, "bm-region") for slug, shapes in REGIONS.items()}
_HEAD = '<svg class="bodymap-svg" viewBox="0 0 400 420" xmlns="http://www.w3.org/2000/svg"'
_FIGURE = (
    '<defs><pattern id="{p}-hatch" class="bm-hatch" width="5" height="5"'
    ' patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="bm-hatch-bg"'
    ' width="5" height="5"/><rect class="bm-hatch-line" width="2" height="5"/></pattern></defs>'
) + _DRAWING
_CAPTIONS = "".join(
    f'<text class="bm-caption" x="{x}" y="410" text-anchor="middle" aria-hidden="true">{view}</text>'
    for x, view in ((100, "Front"), (300, "Back"))
)
Muscle = tuple[str, str]  # (slug, label)


def highlight(
    primary: Sequence[Muscle], secondary: Sequence[Muscle], prefix: str = "bodymap"
) -> Markup:
    """The muscles an exercise works: primary solid, secondary hatched, with a legend."""
    strong, light = [s for s, _ in primary], [s for s, _ in secondary]
    names = [", ".join(escape(label) for _, label in group) for group in (primary, secondary)]
    desc = (f"Primary: {names[0]}." if primary else "") + (
        f" Secondary: {names[1]}." if secondary else ""
    )
    groups = []
    for slug, paths in _REGIONS.items():
        state = (
            "is-primary" if slug in strong else "is-secondary" if slug in light else "is-neutral"
        )
        hatch = f' fill="url(#{prefix}-hatch)"' if state == "is-secondary" else ""
        groups.append(f'<g class="bm-muscle bm-m-{slug} {state}"{hatch}>{paths}</g>')
    legend = f'<li><span class="bm-swatch bm-swatch-primary" aria-hidden="true"></span> <span><strong>Primary:</strong> {names[0] or "none listed"}</span></li>'
    if secondary:
        legend += f'<li><span class="bm-swatch bm-swatch-secondary" aria-hidden="true"></span> <span><strong>Secondary:</strong> {names[1]}</span></li>'
    return Markup(
        f'<div class="bodymap bodymap-highlight">{_HEAD} role="img" aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">Muscles worked</title><desc id="{prefix}-desc">{desc.strip() or "No muscles listed."}</desc>'
        f'{_FIGURE.format(p=prefix)}{"".join(groups)}{_CAPTIONS}</svg><ul class="bm-legend">{legend}</ul></div>'
    )  # fmt: skip


def filter_map(
    muscles: Sequence[Any],
    selected: Sequence[str],
    links: dict[str, str],
    hx_target: str,
    prefix: str = "filtermap",
) -> Markup:
    """The body map of /exercises: each muscle a link that adds it to the query or removes
    it (*links* gives each one's address), swapped in place by htmx."""
    anchors = []
    for muscle in muscles:
        slug, label = muscle.slug, muscle.label
        if slug not in _REGIONS:
            continue
        on = slug in selected
        url = escape(links[slug])
        current = ' aria-current="true"' if on else ""
        # A name to hear and an id, so focus comes back to the same muscle after the swap.
        name = f"{escape(label)}: {'remove filter' if on else 'add filter'}"
        anchors.append(
            f'<a rel="nofollow" id="{prefix}-{slug}" class="bm-muscle bm-link bm-m-{slug}{" is-selected" if on else ""}" href="{url}"'
            f' data-hx-get="{url}" data-hx-target="{hx_target}" data-hx-push-url="true" aria-label="{name}"{current}>'
            f'<title>{name}</title>{_REGIONS[slug]}</a>'
        )  # fmt: skip
    chosen = ", ".join(escape(m.label) for m in muscles if m.slug in selected)
    desc = "Front and back of a figure. Select a muscle to add it to the filter, select it again to remove it."
    desc += f" Filtering on: {chosen}." if chosen else ""
    return Markup(
        f'<div class="bodymap bodymap-filter">{_HEAD} aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc">'
        f'<title id="{prefix}-title">Body map: filter by muscle</title><desc id="{prefix}-desc">{desc}</desc>'
        f'{_FIGURE.format(p=prefix)}{"".join(anchors)}{_CAPTIONS}</svg>'
        '<p class="bm-hint">Select a muscle to filter; select it again to remove it.</p></div>'
    )  # fmt: skip
