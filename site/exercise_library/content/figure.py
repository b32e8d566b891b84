"""Exercise figures: a small 2D body posed by joint angles, checked, and drawn as SVG.

Build-time only: the index keeps each figure's SVG, which the site serves. content/README.md
documents `figure:` (the views, the angles and their ranges, the props). A pose is solved by
forward kinematics from the hips at `x`; gravity then lowers the body until it rests on the
floor or a prop (with `planted: none`, until it is `air` cm above): a planted foot that then
floats is a content error, as is a joint bent further than a body bends.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .frontmatter import Problem, located, nearest

JOINTS = {"hip": (-40, 140), "knee": (0, 155), "ankle": (-60, 45), "toes": (-10, 70), "shoulder": (-70, 185), "elbow": (0, 160)}  # fmt: skip
FRONT = {"hip": (-90, 140), "knee": (-90, 155), "elbow": (-160, 160)}  # as a front view shows them
# Props on the floor at x: (width, height) in cm. The others are held or worn at a body point.
FLOOR = {"box": (45, 40), "bench": (50, 45), "step": (30, 18), "pad": (40, 6), "wall": (8, 160)}
HELD = {"dumbbell": 9, "kettlebell": 20, "barbell": 23, "band": 2, "ball": 11, "strap": 0}  # reach
Point = Literal["left_hand", "right_hand", "hands", "shoulders", "ankles", "knees"]
FRAME = (220, 200)  # cm: a pose's frame, the floor 10 cm above its foot; larger poses get more
LIMIT = (300, 270)  # cm: the most room a figure may take
TOLERANCE = 2  # cm: how far a planted foot may be off what is under it
SIDES = ("left", "right")
Lean = Annotated[int, Field(ge=-180, le=180)]
# Held props drawn around their point: (x, y, radius) pairs, each a capsule, in cm.
SHAPES = {
    "ball": [((0, 0, 11), (0, 0, 11))],
    "barbell": [((-6, -5, 18), (-6, -5, 18)), ((-6, -5, 3), (-6, -5, 3))],  # the near plate, on the upper back
    "dumbbell": [((-6, 0, 1.5), (6, 0, 1.5)), ((-6, -4, 2.5), (-6, 4, 2.5)), ((6, -4, 2.5), (6, 4, 2.5))],
    "kettlebell": [((0, 0, 2), (0, -8, 2)), ((0, -12, 8), (0, -12, 8))],
}  # fmt: skip
# Colours for the SVG file on its own; on the site's pages its CSS classes decide.
STROKE = ' stroke="#7b8782" stroke-width="2.5" stroke-linejoin="round"'
PAINT = {"fig-body": "#eef0ec", "fig-far": "#b4bcb7", "fig-work": "#0b5d4b", "fig-prop": "#f6e2b8"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    names: ClassVar[str] = "field"  # what its keys are called in a problem

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: Any) -> Any:
        fields = cls.__pydantic_fields__
        if type(data) is dict and (unknown := [key for key in data if key not in fields]):
            raise located(*[((k,), nearest(cls.names, str(k), fields)) for k in unknown])  # fmt: skip
        return data


class Limbs(_Model):
    """One side's joints, each 0 unless given: standing straight, the arm hanging."""

    names: ClassVar[str] = "joint"
    hip: int = 0
    knee: int = 0
    ankle: int = 0
    toes: int = 0
    shoulder: int = 0
    elbow: int = 0


class Pose(_Model):
    step: Annotated[int, Field(ge=1, le=20)]  # the step of '## How to do it' it shows
    planted: Literal["left", "right", "both", "none"]
    air: Annotated[int, Field(ge=0, le=80)] = 0
    x: Annotated[int, Field(ge=-100, le=100)] = 0
    trunk: Lean = 0
    pelvis: Lean | None = None
    neck: Annotated[int, Field(ge=-45, le=60)] = 0
    left: Limbs = Limbs()
    right: Limbs = Limbs()

    @model_validator(mode="after")
    def _grounded(self) -> Pose:
        if self.air and self.planted != "none":
            why = "'air' lifts the figure off the floor, so no foot is planted: set planted: none or remove 'air'"
            raise located((("air",), why))
        return self


class Prop(_Model):
    kind: str
    x: Annotated[int, Field(ge=-110, le=110)] | None = None  # on the floor; a strap's anchor
    at: Point | None = None  # held or worn
    under: Literal["left", "right"] | None = None  # the one foot a floor prop holds up
    width: Annotated[int, Field(ge=2, le=200)] | None = None
    height: Annotated[int, Field(ge=2, le=200)] | None = None

    @model_validator(mode="after")
    def _placed(self) -> Prop:
        kind, why = self.kind, None
        if kind not in FLOOR and kind not in HELD:
            why = nearest("prop", kind, [*FLOOR, *HELD])
        elif kind in FLOOR and (self.x is None or self.at):
            why = f"a {kind} stands on the floor: place it with x (cm in front of the hips), not at"
        elif kind in HELD and not self.at:
            why = f"a {kind} is held or worn: say where with at ({', '.join(Point.__args__)})"
        if why:
            raise located((("kind",), why))
        return self

    @property
    def size(self) -> tuple[int, int]:
        width, height = FLOOR.get(self.kind, (0, 0))
        return self.width or width, self.height or height


class Figure(_Model):
    view: Literal["side", "front"]
    leg: Literal["left", "right"]  # the working leg, drawn in the primary colour
    props: list[Prop] = []
    poses: list[Pose]

    @model_validator(mode="after")
    def _stands(self) -> Figure:
        count, problems = len(self.poses), []
        if not 2 <= count <= 4:
            why = f"a figure shows two to four poses, this one has {count}: add the start and the end of the movement"
            raise located((("poses",), why))
        ranges = {**JOINTS, **FRONT} if self.view == "front" else JOINTS
        for n, pose, side, joint in ((n, p, s, j) for n, p in enumerate(self.poses) for s in SIDES for j in ranges):  # fmt: skip
            (low, high), angle = ranges[joint], getattr(getattr(pose, side), joint)
            if low == 0 > angle:
                problems.append((("poses", n, side, joint), f"the {side} {joint} bends backwards ({angle}): a {joint} bends one way only, from 0 (straight) to {high}"))  # fmt: skip
            elif not low <= angle <= high:
                problems.append((("poses", n, side, joint), f"the {side} {joint} is at {angle} degrees, more than a {joint} moves: keep it from {low} to {high}"))  # fmt: skip
        for n, pose in enumerate(self.poses if not problems else []):
            feet = place(self.view, self.leg, tuple(self.props), pose).feet
            for side in {"both": SIDES, "none": ()}.get(pose.planted, (pose.planted,)):
                if (gap := feet[side][0]) > TOLERANCE:
                    under = feet[side][1]
                    problems.append((("poses", n, "planted"), f"the {side} foot is planted but floats {gap:.0f} cm above {under}: change the angles until it reaches {under}, or plant the other foot"))  # fmt: skip
        if not problems and ((size := extent(self)[1:])[0] > LIMIT[0] or size[1] > LIMIT[1]):
            why = f"the poses take {size[0]:.0f} x {size[1]:.0f} cm, more than the {LIMIT[0]} x {LIMIT[1]} a figure may: bring the limbs in or the hips (x) closer"
            problems.append((("poses",), why))
        if problems:
            raise located(*problems)
        return self


def unknown_steps(exercise: Any) -> list[Problem]:
    """A problem for each pose of an exercise's figure numbered with a step it does not have."""
    count = len(exercise.body.steps)
    return [
        Problem(exercise.path, exercise.lines.of(("figure", "poses", n, "step")), f"pose {n + 1} shows step {pose.step}, but '## How to do it' has {count} steps: number it with the step it shows")
        for n, pose in enumerate(exercise.meta.figure.poses)
        if pose.step > count
    ]  # fmt: skip


# -- forward kinematics ----------------------------------------------------------------------

Circle = tuple[float, float, float]  # x, y (up from the floor), radius, in cm
Segment = tuple[str, Circle, Circle]  # its colour class, and a tapered capsule between two ends


class Body(NamedTuple):
    segments: list[Segment]  # in drawing order, the far side first
    points: dict[str, tuple[float, float]]  # where props are held
    feet: dict[str, tuple[float, str]]  # each foot's gap to what is under it, and what that is


def _at(origin: tuple[float, float], angle: float, length: float) -> tuple[float, float]:
    """The point *length* from *origin* at *angle* degrees from straight down, toward +x."""
    rad = math.radians(angle)
    return origin[0] + length * math.sin(rad), origin[1] - length * math.cos(rad)


@functools.lru_cache(maxsize=4096)
def place(view: str, leg: str, props: tuple[Prop, ...], pose: Pose) -> Body:
    """*pose*'s body resting on the floor and props (a pose shared by figures is solved once)."""
    front, lean = view == "front", pose.trunk
    tilt = lean if pose.pelvis is None else pose.pelvis
    hips = (float(pose.x), 0.0)
    waist = _at(hips, 180 - tilt, 9 if front else 6)
    neck = _at(waist, 180 - lean, 46)
    head = _at(_at(neck, 180 - lean - pose.neck, 15), 90 - lean - pose.neck, 0 if front else 1.5)
    pelvis = [(*_at(hips, 90 - tilt, 9), 11), (*_at(hips, 90 - tilt, -9), 11)] if front else [(*hips, 11.5)] * 2  # fmt: skip
    trunk = [pelvis, [(*waist, 12.5 if front else 9.5), (*_at(neck, -lean, 6 if front else 5), 15.5 if front else 11)], [(*neck, 4.5), (*head, 4.5)], [(*head, 10.5)] * 2]  # fmt: skip
    thigh_r, shin_r, arm_r = (8, 5.5, 5.2) if front else (8.5, 5.8, 4.8)
    limbs, points = {}, {"shoulders": neck}
    for side, sign in (("left", 1), ("right", -1)):
        angles, bend = getattr(pose, side), sign if front else 1
        hip = _at(hips, 90 - tilt, 9 * sign) if front else hips
        shoulder = _at(neck, 90 - lean, 17 * sign) if front else neck
        thigh = -tilt + bend * angles.hip
        knee = _at(hip, thigh, 43)
        shin = thigh - bend * angles.knee
        ankle = _at(knee, shin, 42)
        foot = shin + bend * (90 + angles.ankle)
        heel = _at(_at(ankle, foot, -2 if front else -3.5), foot - 90 * bend, 4.3)
        ball = _at(_at(ankle, foot, 4 if front else 12), foot - 90 * bend, 5.4)
        toe = _at(ball, foot + bend * angles.toes, 2.5 if front else 5)
        upper = -lean + bend * angles.shoulder
        elbow = _at(shoulder, upper, 29)
        hand = _at(elbow, upper + (-bend if front else 1) * angles.elbow, 27)
        limbs["leg", side] = [[(*hip, thigh_r), (*knee, 6)], [(*knee, shin_r), (*ankle, 4.4)], [(*heel, 4), (*ball, 2.7)], [(*ball, 2.7), (*toe, 2)]]  # fmt: skip
        limbs["arm", side] = [[(*shoulder, arm_r), (*elbow, 4.2)], [(*elbow, 4), (*hand, 3.6)]]
        points.update({f"{side}_hand": hand, f"{side}_ankle": ankle, f"{side}_knee": knee})
    far = "right" if leg == "left" else "left"
    paint = {("leg", leg): "fig-work", ("leg", far): "fig-body" if front else "fig-far", ("arm", far): "fig-body" if front else "fig-far"}  # fmt: skip
    order = [("leg", far), ("leg", leg), "trunk", ("arm", far), ("arm", leg)] if front else [("arm", far), ("leg", far), "trunk", ("leg", leg), ("arm", leg)]  # fmt: skip
    segments = [(paint.get(part, "fig-body"), a, b) for part in order for a, b in (trunk if part == "trunk" else limbs[part])]  # fmt: skip
    # Gravity: the body comes down until one of its circles meets the floor or a prop's top.
    tops = [(p.x - p.size[0] / 2, p.x + p.size[0] / 2, p.size[1], f"the {p.kind}", p.under) for p in props if p.kind in FLOOR and p.kind != "wall"]  # fmt: skip

    def gap(circle: Circle, side: str = "") -> tuple[float, str]:
        x, y, r = circle
        top = max(((t, u) for a, b, t, u, only in tops if a <= x <= b and only in (None, side)), default=(0, "the floor"))  # fmt: skip
        return y - r - top[0], top[1]

    ends = [(end, side if part == "leg" else "") for (part, side), pairs in limbs.items() for pair in pairs for end in pair]  # fmt: skip
    drop = min(gap(end, side)[0] for end, side in ends + [(end, "") for pair in trunk for end in pair]) - pose.air  # fmt: skip
    soles = {side: [leg[1][1], *leg[2], leg[3][1]] for side, leg in ((s, limbs["leg", s]) for s in SIDES)}  # fmt: skip
    feet = {side: min(gap((x, y - drop, r), side) for x, y, r in soles[side]) for side in SIDES}
    lowered = [(c, (a[0], a[1] - drop, a[2]), (b[0], b[1] - drop, b[2])) for c, a, b in segments]
    return Body(lowered, {name: (x, y - drop) for name, (x, y) in points.items()}, feet)


def _spots(body: Body, point: str) -> list[tuple[float, float]]:
    """Where a prop held `at` *point* is: one hand, both hands, the shoulders, ankles or knees."""
    if point in ("hands", "ankles", "knees"):
        return [body.points[f"{side}_{point[:-1]}"] for side in SIDES]
    return [body.points[point]]


def extent(figure: Figure) -> tuple[float, float, float]:
    """The left edge, width and height (cm) of all of *figure*'s poses and props together."""
    return _extent(figure.view, figure.leg, tuple(figure.props), tuple(figure.poses))


@functools.lru_cache(maxsize=1024)
def _extent(view: str, leg: str, props: tuple[Prop, ...], poses: tuple[Pose, ...]) -> tuple[float, float, float]:  # fmt: skip
    bodies = [place(view, leg, props, p) for p in poses]
    boxes = [(x - r, x + r, y + r) for b in bodies for _, *ends in b.segments for x, y, r in ends]
    for prop in props:
        if prop.kind in FLOOR:
            boxes.append((prop.x - prop.size[0] / 2, prop.x + prop.size[0] / 2, prop.size[1]))
        else:
            reach = HELD[prop.kind]
            boxes += [(x - reach, x + reach, y + reach) for b in bodies for x, y in _spots(b, prop.at)]  # fmt: skip
    left, right = min(b[0] for b in boxes), max(b[1] for b in boxes)
    return left, right - left, max(b[2] for b in boxes)


# -- drawing ---------------------------------------------------------------------------------


class _Pen:
    """Centimetres to SVG units (half centimetres) in one frame: centred, mirrored when the
    right leg works in a side view (so it faces the viewer), y down from the floor."""

    def __init__(self, figure: Figure):
        left, width, height = extent(figure)
        self.flip = -1 if figure.view == "side" and figure.leg == "right" else 1
        self.centre = left + width / 2
        self.top = max(FRAME[1], height + 14, (width + 8) * FRAME[1] / FRAME[0])  # cm
        self.height, self.width = round(2 * self.top), round(2 * self.top * FRAME[0] / FRAME[1])
        self.floor = self.height - 20

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return self.width / 2 + 2 * self.flip * (x - self.centre), self.floor - 2 * y

    def shape(self, a: Circle, b: Circle) -> str:
        (ax, ay), (bx, by), ra, rb = self.xy(a[0], a[1]), self.xy(b[0], b[1]), 2 * a[2], 2 * b[2]
        length = math.hypot(bx - ax, by - ay)
        if length < 1:
            return f'<circle cx="{ax:.0f}" cy="{ay:.0f}" r="{max(ra, rb):.0f}"/>'
        nx, ny = (ay - by) / length, (bx - ax) / length
        return (
            f'<path d="M{ax + nx * ra:.0f} {ay + ny * ra:.0f}L{bx + nx * rb:.0f} {by + ny * rb:.0f}'
            f"A{rb:.0f} {rb:.0f} 0 0 0 {bx - nx * rb:.0f} {by - ny * rb:.0f}L{ax - nx * ra:.0f} "
            f'{ay - ny * ra:.0f}A{ra:.0f} {ra:.0f} 0 0 0 {ax + nx * ra:.0f} {ay + ny * ra:.0f}Z"/>'
        )

    def stage(self, props: list[Prop]) -> str:
        """The floor and what stands on it."""
        out = [f'<path class="fig-floor" fill="none" stroke="#7b8782" d="M0 {self.floor}H{self.width}"/>']  # fmt: skip
        for prop in (p for p in props if p.kind in FLOOR):
            (width, height), (x, y) = prop.size, self.xy(prop.x, prop.size[1])
            x, w, h = x - width, 2 * width, 2 * height
            if prop.kind == "bench":  # a slab on two legs
                out.append(f'<path d="M{x:.0f} {y:.0f}h{w}v12h-{w}ZM{x + 8:.0f} {y + 12:.0f}h10v{h - 12}h-10ZM{x + w - 18:.0f} {y + 12:.0f}h10v{h - 12}h-10Z"/>')  # fmt: skip
            else:
                out.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w}" height="{h}" rx="4"/>')
        return f'{out[0]}<g class="fig-prop" fill="{PAINT["fig-prop"]}">{"".join(out[1:])}</g>'

    def body(self, figure: Figure, body: Body) -> str:
        """The body and what it holds, one group for each run of segments of one colour."""
        held = [p for p in figure.props if p.kind in HELD]
        out = []
        for n, (colour, a, b) in enumerate(body.segments):
            if not n or colour != body.segments[n - 1][0]:
                out.append(f'{"</g>" if n else ""}<g class="{colour}" fill="{PAINT[colour]}">')
            out.append(self.shape(a, b))
        return "".join([*out, "</g>", *(self.held(p, body) for p in held)])

    def held(self, prop: Prop, body: Body) -> str:
        spots = _spots(body, prop.at)
        x, y = (sum(s[i] for s in spots) / len(spots) for i in (0, 1))
        if prop.kind in ("band", "strap"):
            end = spots[-1] if prop.kind == "band" else (x + 25 if prop.x is None else prop.x, self.top - 14)  # fmt: skip
            (ax, ay), (bx, by) = self.xy(*spots[0]), self.xy(*end)
            return f'<path class="fig-band" fill="none" stroke="#c98a00" d="M{ax:.0f} {ay:.0f}L{bx:.0f} {by:.0f}"/>'  # fmt: skip
        places = spots if prop.kind in ("dumbbell", "kettlebell") else [(x, y)]
        shapes = [((px + a[0], py + a[1], a[2]), (px + b[0], py + b[1], b[2])) for px, py in places for a, b in SHAPES[prop.kind]]  # fmt: skip
        paths = "".join(self.shape(a, b) for a, b in shapes)
        return f'<g class="fig-prop" fill="{PAINT["fig-prop"]}">{paths}</g>'


def _sentence(step: str) -> str:
    """The first sentence of a step, as plain text."""
    text = re.sub(r"[*`\\]", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", step))
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def drawings(figure: Figure, title: str, steps: list[str]) -> tuple[Markup, Markup]:
    """*figure* as SVG, and its key pose (the second) alone for cards in lists. Each pose is in
    a frame of its own, side by side, numbered with its step; the site's CSS stacks them and
    cross-fades one into the next. The steps the poses show describe it."""
    frames, size, still = _drawn(figure.view, figure.leg, tuple(figure.props), tuple(figure.poses))
    count = len(figure.poses)
    desc = " ".join(f"{pose.step}. {_sentence(steps[pose.step - 1])}" for pose in figure.poses)
    return Markup(
        f'<svg class="fig fig-n{count}" viewBox="0 0 {size}" xmlns="http://www.w3.org/2000/svg" role="img"'
        f' aria-labelledby="fig-title fig-desc"{STROKE}><title id="fig-title">{escape(title)}, in {count} poses</title>'
        f'<desc id="fig-desc">{escape(desc)}</desc>{frames}</svg>'
    ), still  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _drawn(view: str, leg: str, props: tuple[Prop, ...], poses: tuple[Pose, ...]) -> tuple[str, str, Markup]:  # fmt: skip
    """A figure's frames, their size and its still (a figure shared by exercises is drawn once)."""
    figure = Figure.model_construct(view=view, leg=leg, props=list(props), poses=list(poses))
    pen, placed = _Pen(figure), [place(view, leg, props, pose) for pose in poses]
    stage, bodies = f'<g class="fig-stage">{pen.stage(figure.props)}</g>', [pen.body(figure, b) for b in placed]  # fmt: skip
    frames = [
        f'<g class="fig-frame fig-p{n}" transform="translate({pen.width * (n - 1)})">{stage}'
        f'<g class="fig-pose"><text class="fig-number" x="12" y="40" stroke="none" font-size="34" font-weight="bold">{pose.step}</text>{body}</g></g>'
        for n, (pose, body) in enumerate(zip(poses, bodies, strict=True), 1)
    ]  # fmt: skip
    body, key = placed[1], bodies[1]
    ends = [(*pen.xy(x, y), 2 * r) for _, *pair in body.segments for x, y, r in pair]
    left, right = min(x - r for x, _, r in ends), max(x + r for x, _, r in ends)
    side = max(right - left, pen.floor + 4 - min(y - r for _, y, r in ends)) + 12
    still = Markup(
        f'<svg class="fig-still" viewBox="{(left + right - side) / 2:.0f} {pen.floor + 10 - side:.0f} {side:.0f} {side:.0f}"'
        f' aria-hidden="true"{STROKE}>{stage}{key}</svg>'
    )  # fmt: skip
    return "".join(frames), f"{pen.width * len(poses)} {pen.height}", still
