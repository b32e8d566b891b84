"""Rendering: sanitized HTML and stable anchors for deep links."""

from exercise_library.content import markdown as markup
from exercise_library.content.markdown import slugify

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
    assert slugify("Über-long  Ärger!") == "uber-long-arger"
