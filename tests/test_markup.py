"""Rendering: sanitized HTML and stable anchors for deep links."""

from exercise_library import markup
from exercise_library.slugs import slugify

BODY = """## How to do it

1. Stand.
2. Hinge.

## Cues

- Reach the *back* heel toward the wall.
- Keep both hip bones pointing at the floor.
- Grip the floor.

## Common mistakes

- **The hips twist open.** The pelvis turns. Fix: point the back toes down.
- **The back rounds.** Fix: lower only as far as the spine stays long.
- **Rushing.** Reps get fast. **Fix:** count two seconds each way.

## Why it matters for runners

Push-off.

## Safety

Stop on sharp pain.
"""


def test_sections_get_fixed_anchors():
    body = markup.parse_exercise(BODY)
    assert [s.anchor for s in body.sections] == ["how-to", "cues", "mistakes", "why", "safety"]
    assert body.problems == []


def test_cue_anchor_comes_from_its_text_not_its_position():
    first = markup.parse_exercise(BODY)
    swapped = BODY.replace(
        "- Reach the *back* heel toward the wall.\n- Keep both hip bones pointing at the floor.",
        "- Keep both hip bones pointing at the floor.\n- Reach the *back* heel toward the wall.",
    )
    second = markup.parse_exercise(swapped)
    assert {c.anchor for c in first.cues} == {c.anchor for c in second.cues}
    assert "cue-reach-the-back-heel-toward-the-wall" in {c.anchor for c in first.cues}


def test_mistake_splits_into_title_description_and_fix():
    mistakes = markup.parse_exercise(BODY).mistakes
    assert [m.anchor for m in mistakes] == [
        "mistake-the-hips-twist-open",
        "mistake-the-back-rounds",
        "mistake-rushing",
    ]
    assert mistakes[0].html == "The pelvis turns."
    assert mistakes[0].fix_html == "point the back toes down."
    assert mistakes[2].fix_html == "count two seconds each way."


def test_sanitizer_removes_script_and_event_handlers():
    html = markup.sanitize(
        '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">y</a></p>'
    )
    assert "script" not in html and "onclick" not in html and "javascript" not in html


def test_raw_html_never_reaches_a_section():
    body = markup.parse_exercise(
        BODY.replace("Push-off.", "Push-off.\n\n<script>alert(1)</script>")
    )
    assert "<script" not in body.section("why").html
    assert body.problems


def test_slugify_cuts_long_text_at_a_word_boundary():
    slug = slugify(
        "Keep the weight spread between big toe, little toe and heel the whole time please"
    )
    assert len(slug) <= 60 and not slug.endswith("-")
    assert slug == "keep-the-weight-spread-between-big-toe-little-toe-and-heel"
    assert slugify("Keep the weight spread between", 20) == "keep-the-weight"
    assert slugify("Supercalifragilistic toes", 10) == "supercalif"  # one long word is cut
    assert slugify("Über-long  Ärger!") == "uber-long-arger"


# Bodies in the house shape that take the fast path in ways the libraries may not: links in
# headings and paragraphs of several sections, loose lists, continuation lines, code, emphasis.
FAST_BODIES = [
    BODY,
    BODY.replace(
        "Push-off.", "Push-off, see [the hinge](/exercises/hinge).\n\nMore [here](/guides/x)."
    )
    + "\n## See [also](/exercises/box-step)\n\nThe [box step](/exercises/box-step).\n",
    BODY.replace("- Grip the floor.", "- Grip the floor\n  with `all` toes.\n\n- Stay *tall*."),
    BODY.replace("2. Hinge.", "2. Hinge\n   slowly, then [stand](/exercises/x).\n\n3. Stand."),
    BODY.replace("## Cues\n", "## Cues\n\nThree of them.\n")
    .replace("- Grip the floor.\n", "- Grip the floor.\n\nAnd more:\n\n* Breathe.\n")
    .replace("- **The back rounds.**", "\n- **The back rounds.**"),
]


def test_the_fast_path_reads_the_house_shape_as_markdown_it_py_does():
    for body in FAST_BODIES:
        fast = markup._fast_exercise(body)
        assert fast is not None
        assert fast == markup._parse_exercise(body)
    assert [href for href, _ in markup.parse_exercise(FAST_BODIES[1]).links] == [
        "/exercises/hinge", "/guides/x", "/exercises/box-step", "/exercises/box-step",
    ]  # fmt: skip


def test_criteria_rendered_together_come_out_as_each_alone():
    texts = [
        "You can do 3 x 12 with **no** wobble.",
        "1. A list marker stays text",
        "# So does a heading mark",
        "Two\nlines",
        " padded ",
        "See [the hinge](/exercises/hinge) first.",
        "",
    ]
    alone = [markup.render_inline(text) for text in texts]
    assert markup.render_inline_all(texts) == alone
    assert markup.render_inline_all(texts[:1] + texts[-2:-1]) == alone[:1] + alone[-2:-1]
    assert alone[:3] == [
        "You can do 3 x 12 with <strong>no</strong> wobble.",
        "1. A list marker stays text",
        "# So does a heading mark",
    ]


# Blocks where the house shape has none: left to markdown-it-py, which reads them its own way.
SLOW_BODIES = [
    BODY.replace("- Grip the floor.", "- Grip the floor.\n  - with the toes"),
    BODY.replace("- Grip the floor.", "- Grip the floor.\n\n  Then the heel."),
    BODY.replace("- Grip the floor.", "- ## Grip the floor."),
    BODY.replace("2. Hinge.", "2. Hinge.\n   1. Slowly."),
]


def test_the_fast_path_leaves_blocks_out_of_place_to_markdown_it_py():
    for body in SLOW_BODIES:
        assert markup._fast_exercise(body) is None
        assert markup.parse_exercise(body) == markup._parse_exercise(body)
