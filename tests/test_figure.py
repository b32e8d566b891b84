"""Figures: the body's forward kinematics, gravity, and the SVG drawn from them. The content
rules (a floating foot, a knee bent backwards...) are cases in tests/cases/."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from exercise_library.content.figure import Figure, drawings, place

STEPS = ["Stand tall on the left foot. Then more.", "Hinge at the hips.", "Stand up."]


def figure(*poses: dict, view: str = "side", leg: str = "left", props: tuple = ()) -> Figure:
    return Figure.model_validate(
        {"view": view, "leg": leg, "props": list(props), "poses": list(poses)}
    )


def body(pose: dict, view: str = "side", props: tuple = ()):
    drawn = figure(pose, {"step": 2, "planted": "none"}, view=view, props=props)
    return place(drawn.view, drawn.leg, tuple(drawn.props), drawn.poses[0])


def lowest(pose) -> float:
    return min(y - r for _, *ends in pose.segments for _, y, r in ends)


def top(pose) -> float:
    return max(y + r for _, *ends in pose.segments for _, y, r in ends)


STAND = {"step": 1, "planted": "left"}


def test_standing_straight_the_feet_are_on_the_floor_and_the_head_at_170_cm():
    standing = body(STAND)
    assert standing.feet["left"][0] == pytest.approx(0, abs=0.01)
    assert 165 < top(standing) < 175


def test_a_bent_knee_takes_the_foot_behind_it():
    bent = body({**STAND, "right": {"knee": 90}})
    assert bent.points["right_ankle"][0] < bent.points["right_knee"][0] - 40
    assert bent.feet["right"][0] > 30


def test_a_hip_bent_to_90_holds_the_thigh_level():
    knee_up = body({**STAND, "right": {"hip": 90}})
    assert knee_up.points["right_knee"][1] == pytest.approx(knee_up.points["left_knee"][1] + 43)


def test_a_trunk_at_90_lies_flat():
    lying = body({"step": 1, "planted": "none", "trunk": -90})
    assert top(lying) < 35  # the toes pointing up


def test_air_lifts_the_lowest_point_exactly_that_high():
    assert lowest(body({"step": 1, "planted": "none", "air": 25})) == pytest.approx(25)


def test_a_foot_over_a_box_rests_on_its_top():
    on_box = body({**STAND, "x": -10}, props=({"kind": "box", "x": 0, "height": 30},))
    assert lowest(on_box) == pytest.approx(30)
    assert on_box.feet["left"] == (pytest.approx(0, abs=0.01), "the box")


def test_under_lets_the_other_foot_pass_beside_the_step():
    beside = body({**STAND, "right": {"knee": 5}}, props=({"kind": "step", "x": 0, "under": "left"},))  # fmt: skip
    assert beside.feet["left"][1] == "the step" and beside.feet["right"][1] == "the floor"


def test_a_front_view_abducts_the_leg_out_to_its_side():
    apart = body({**STAND, "right": {"hip": 30}, "left": {"hip": 30}}, view="front")
    assert apart.points["left_ankle"][0] > 30 and apart.points["right_ankle"][0] < -30


def test_a_pose_shared_by_figures_is_solved_once():
    place.cache_clear()
    for _ in range(3):
        body({**STAND, "trunk": 3})
    assert place.cache_info().misses == 2  # its two poses, the first time only


def test_a_pose_needs_a_known_planted_foot():
    with pytest.raises(ValidationError, match="planted"):
        figure({"step": 1, "planted": "middle"}, STAND)


def _drawn(**options) -> tuple[str, str]:
    rdl = figure(STAND, {"step": 2, "planted": "left", "trunk": 80, "left": {"hip": 90}}, **options)
    return drawings(rdl, "Hinge & stand", STEPS)


def test_the_svg_has_a_frame_per_pose_numbered_with_its_step():
    svg = _drawn()[0]
    assert svg.count('class="fig-frame') == 2 and "fig-n2" in svg
    assert re.findall(r'class="fig-number"[^>]*>(\d+)<', svg) == ["1", "2"]


def test_the_svg_is_described_by_the_first_sentence_of_each_step_shown():
    svg = _drawn()[0]
    assert 'role="img" aria-labelledby="fig-title fig-desc"' in svg
    assert '<title id="fig-title">Hinge &amp; stand, in 2 poses</title>' in svg
    assert '<desc id="fig-desc">1. Stand tall on the left foot. 2. Hinge at the hips.</desc>' in svg


def test_the_svg_has_no_style_attribute_and_stays_small():
    svg = _drawn()[0]
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert len(svg) < 4_000


def test_the_working_leg_is_drawn_in_the_primary_colour_in_front_of_the_other():
    svg = _drawn()[0]
    frame = svg.split('class="fig-pose"')[1]
    assert frame.index('class="fig-far"') < frame.index('class="fig-work"')


def test_a_right_working_leg_turns_a_side_view_to_face_the_viewer():
    left, right = _drawn()[0], _drawn(leg="right")[0]
    head = re.compile(r'<circle cx="(\d+)"[^>]* r="21"/>')
    assert int(head.findall(left)[1]) > 220 > int(head.findall(right)[1])


def test_the_still_is_the_key_pose_alone_hidden_from_screen_readers():
    still = _drawn()[1]
    assert 'aria-hidden="true"' in still and "fig-number" not in still
    width, height = re.search(r'viewBox="\S+ \S+ (\S+) (\S+)"', still).groups()
    assert width == height
