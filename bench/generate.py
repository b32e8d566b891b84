"""Write a synthetic but valid content folder of a given size, for the benchmark.

The corpus is the real library (taxonomy, phases, guides, assessments and the real
exercises, so the home page and the links into it stay real) padded with generated
exercises until it holds the asked-for number. Every generated file follows
content/README.md: the five body sections in order, enough steps, cues and mistakes, a
dosage for each phase, ladders walked both ways, links to files that exist, and every
slug recorded in published.txt. The same seed gives the same corpus, byte for byte.

    python bench/generate.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
PHASES = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True)
class Movement:
    """A base pattern: its family, the muscles it is for and the words a coach uses."""

    name: str
    family: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    action: str


MOVEMENTS = (
    Movement("split squat", "squat-lunge", ("quadriceps", "glute-max"), ("adductors", "core"), "lower the back knee toward the floor"),
    Movement("reverse lunge", "squat-lunge", ("quadriceps", "glute-max"), ("glute-med", "core"), "step back and lower until both knees bend to a right angle"),
    Movement("lateral lunge", "squat-lunge", ("adductors", "glute-max"), ("quadriceps", "core"), "step wide and sit back over the working leg"),
    Movement("skater squat", "squat-lunge", ("quadriceps", "glute-max"), ("glute-med", "foot-ankle"), "lower the back knee behind the standing heel"),
    Movement("pistol squat", "squat-lunge", ("quadriceps", "glute-max"), ("core", "foot-ankle"), "sit down on one leg with the other held in front"),
    Movement("step-up", "step", ("quadriceps", "glute-max"), ("glute-med", "calves"), "drive through the top foot until you stand tall on the box"),
    Movement("step-down", "step", ("quadriceps",), ("glute-med", "foot-ankle"), "lower the free heel to touch the floor beside the box"),
    Movement("single-leg deadlift", "hinge", ("glute-max", "hamstrings"), ("glute-med", "lower-back"), "hinge at the hip while the free leg reaches back"),
    Movement("glute bridge", "hinge", ("glute-max",), ("hamstrings", "core"), "press the planted heel down and lift the hips"),
    Movement("hip thrust", "hinge", ("glute-max", "hamstrings"), ("core",), "drive the hips up from a bench until the body is level"),
    Movement("hip hike", "hip", ("glute-med",), ("core", "lower-back"), "lift the free hip level with the standing hip"),
    Movement("side plank", "hip", ("glute-med", "core"), ("adductors",), "hold the hips high in one straight line"),
    Movement("calf raise", "calf-foot-ankle", ("calves",), ("soleus", "foot-ankle"), "rise onto the ball of the foot and lower slowly"),
    Movement("heel drop", "calf-foot-ankle", ("calves", "soleus"), ("foot-ankle",), "lower the heel below the step over three seconds"),
    Movement("balance hold", "balance", ("glute-med", "foot-ankle"), ("core",), "stand tall on one leg with the foot steady"),
    Movement("reach", "balance", ("glute-med", "foot-ankle"), ("quadriceps", "core"), "reach the free foot out and return without touching down"),
    Movement("hop and stick", "plyometric", ("calves", "quadriceps"), ("glute-max", "foot-ankle"), "hop forward and land quietly on the same leg"),
    Movement("pogo hop", "plyometric", ("calves", "soleus"), ("foot-ankle",), "bounce on the ball of one foot with a stiff ankle"),
    Movement("bound", "plyometric", ("glute-max", "calves"), ("hip-flexors", "core"), "push off one leg and land on the other"),
    Movement("box jump", "plyometric", ("quadriceps", "glute-max"), ("calves", "core"), "jump onto the box from one leg and land softly"),
)  # fmt: skip

# (word in the title, equipment slugs, how it is loaded)
IMPLEMENTS = (
    ("bodyweight", ("none",), "Bodyweight, hands on the hips."),
    ("dumbbell", ("dumbbell",), "One dumbbell in the opposite hand, heavy enough that the last two reps are slow."),
    ("kettlebell", ("kettlebell",), "A kettlebell held at the chest."),
    ("banded", ("band",), "A light loop band above the knees."),
    ("vested", ("weighted-vest",), "A weighted vest of 5 to 10 percent of body weight."),
    ("pad", ("balance-pad",), "Bodyweight, standing on a foam pad."),
    ("bench", ("bench",), "Bodyweight, with a bench behind you."),
    ("box", ("box",), "Bodyweight, on a box at mid-shin height."),
    ("assisted", ("assistance",), "Bodyweight, one hand on a strap or pole."),
    ("ball", ("ball", "none"), "Bodyweight, tossing a small ball."),
)  # fmt: skip

MODIFIERS = (
    "tempo", "paused", "offset", "contralateral", "deficit", "isometric", "eccentric",
    "reactive", "slow", "elevated", "crossover", "rotational", "reaching", "wall", "long-lever",
    "short-lever", "alternating", "continuous", "quarter", "unstable",
)  # fmt: skip

FINISHES = (
    "", " with knee drive", " with arm swing", " to overhead reach", " with a bottom pause",
    " on a slant board", " with eyes closed", " with a partner push",
)  # fmt: skip

CUES = (
    "Keep the standing knee over the second toe.",
    "Grip the floor with the whole foot.",
    "Stay tall through the crown of the head.",
    "Keep the hips level, like headlights on the road.",
    "Breathe out as you drive up.",
    "Move slowly enough to stop at any point.",
    "Let the free arm swing as it would in a stride.",
    "Keep the ribs stacked over the pelvis.",
)

MISTAKES = (
    ("The knee caves in.", "The knee drifts toward the midline under load.", "slow down and aim the knee at the second toe."),
    ("The hips drop.", "The free hip sags below the standing one.", "squeeze the side of the standing hip and lift the free side level."),
    ("Rushing the lowering.", "The way down takes under a second.", "count the tempo out loud."),
    ("The heel lifts.", "Weight shifts onto the toes at the bottom.", "push through the middle of the foot and shorten the range."),
    ("The trunk twists.", "The shoulders rotate toward the working side.", "brace as if about to be nudged and keep the chest square."),
    ("Holding the breath.", "The face reddens and the rep stalls.", "breathe out through the hardest part."),
)  # fmt: skip

NAME_WORDS = ("drill", "variation", "progression", "exercise")

# The real exercise whose figure a generated one borrows, by movement.
FIGURES = {
    "split squat": "split-squat", "reverse lunge": "reverse-lunge", "lateral lunge": "lateral-lunge",
    "skater squat": "skater-squat", "pistol squat": "pistol-squat", "step-up": "low-box-step-up",
    "step-down": "forward-step-down", "single-leg deadlift": "single-leg-rdl",
    "glute bridge": "single-leg-glute-bridge", "hip thrust": "single-leg-hip-thrust",
    "hip hike": "hip-hike", "side plank": "copenhagen-plank", "calf raise": "single-leg-calf-raise",
    "heel drop": "eccentric-heel-drop", "balance hold": "single-leg-balance",
    "reach": "y-balance-reach", "hop and stick": "single-leg-hop-and-stick",
    "pogo hop": "single-leg-pogo-hops", "bound": "bounds", "box jump": "single-leg-box-jump",
}  # fmt: skip


@functools.cache
def figure_lines(slug: str) -> list[str]:
    """The `figure:` field of a real exercise, as the lines of its front matter."""
    lines = (CONTENT / "exercises" / f"{slug}.md").read_text(encoding="utf-8").split("\n")
    start = lines.index("figure:")
    return lines[start : lines.index("---", start)]


def _dosage(rng: random.Random, phases: list[str], load: str) -> list[str]:
    lines = ["dosage:"]
    for phase in phases:
        sets = rng.randint(2, 4)
        lines += [f"  {phase}:", f"    sets: {sets}"]
        if rng.random() < 0.3:
            low = rng.choice((20, 30))
            lines.append(f'    seconds: "{low}-{low + 15}"')
        else:
            lines.append(f"    reps: {rng.randint(6, 15)}")
            lines.append(f'    tempo: "{rng.randint(1, 3)}-1-{rng.randint(1, 2)}-1"')
        lines.append(f"    load: {load}")
    return lines


def _phases(rng: random.Random) -> list[str]:
    start = rng.randrange(3)
    end = rng.randrange(start, 3)
    return list(PHASES[start : end + 1])


def exercise_file(
    rng: random.Random,
    slug: str,
    title: str,
    movement: Movement,
    implement: tuple[str, tuple[str, ...], str],
    harder: list[str],
    easier: list[str],
    link: str,
    aliases: list[str],
) -> str:
    """The Markdown text of one generated exercise, in the house format."""
    word, equipment, load = implement
    phases = _phases(rng)
    lines = [
        "---",
        f"title: {title}",
        f"summary: A {word} {movement.name} variation. You {movement.action}, one leg at a time, "
        f"to build the control a runner needs at every landing.",
        f"family: {movement.family}",
        f"phases: [{', '.join(phases)}]",
        f"equipment: [{', '.join(equipment)}]",
        "muscles:",
        f"  primary: [{', '.join(movement.primary)}]",
        f"  secondary: [{', '.join(movement.secondary)}]",
        f"also_known_as: [{word} {movement.name} {rng.choice(NAME_WORDS)}]",
    ]
    if aliases:
        lines.append(f"aliases: [{', '.join(aliases)}]")
    lines += _dosage(rng, phases, load)
    for key, targets, verb in (
        ("progressions", harder, "move on"),
        ("regressions", easier, "step back"),
    ):
        if targets:
            lines.append(f"{key}:")
            for target in targets:
                lines += [
                    f"  - exercise: {target}",
                    f"    when: You {verb} once 3 x 10 per leg feels the same on both sides.",
                ]
    steps = [
        f"Set up for the {movement.name} with your weight on the left foot.",
        f"Brace, then {movement.action}.",
        "Pause for one second at the hardest point without losing the foot.",
        "Return to the start under control and reset before the next rep.",
        "Finish every rep on the weaker leg first, then match them on the stronger one.",
    ][: rng.randint(3, 5)]
    for line in figure_lines(FIGURES[movement.name]):  # each pose shows a step it has
        head, mark, number = line.partition("- step: ")
        lines.append(f"{head}{mark}{min(int(number), len(steps))}" if mark else line)
    lines.append("---")
    cues = rng.sample(CUES, rng.randint(3, 5))
    mistakes = rng.sample(MISTAKES, rng.randint(3, 4))
    lines += ["", "## How to do it", ""]
    lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    lines += ["", "## Cues", ""]
    lines += [f"- {cue}" for cue in cues]
    lines += ["", "## Common mistakes", ""]
    lines += [f"- **{name}** {what} Fix: {fix}" for name, what, fix in mistakes]
    lines += [
        "",
        "## Why it matters for runners",
        "",
        f"Each stride lands on one leg. The {movement.name} trains the "
        f"{' and '.join(m.replace('-', ' ') for m in movement.primary)} to take that landing "
        f"and push off again, and pairs well with the [related drill](/exercises/{link}).",
        "",
        "## Safety",
        "",
        "Stop the set if you feel sharp pain or pain in a joint, and cut the volume if "
        "soreness lasts more than 72 hours.",
        "",
    ]
    return "\n".join(lines)


def titles(rng: random.Random) -> list[tuple[str, Movement, tuple]]:
    """Every possible generated title, shuffled: 32,000 of them, all with distinct slugs."""
    combos = list(itertools.product(MODIFIERS, IMPLEMENTS, MOVEMENTS, FINISHES))
    rng.shuffle(combos)
    return [
        (f"{modifier.capitalize()} {implement[0]} {movement.name}{finish}", movement, implement)
        for modifier, implement, movement, finish in combos
    ]


def search_words() -> list[str]:
    """Words that occur in generated titles: the benchmark's varying searches use them."""
    words = {w for m in MOVEMENTS for w in m.name.replace("-", " ").split()}
    words |= {m.split("-")[0] for m in MODIFIERS} | {i[0] for i in IMPLEMENTS}
    return sorted(words)


def generate(count: int, target: Path, seed: int = 1) -> Path:
    """Write a content folder with *count* exercises into *target* (replaced if present)."""
    from exercise_library.content.markdown import slugify

    if target.exists():
        shutil.rmtree(target)
    # Everything but the exercises comes from the real library, so its links resolve.
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("README.md"))
    real = sorted(path.stem for path in (target / "exercises").glob("*.md"))
    rng = random.Random(seed)
    wanted = count - len(real)
    if wanted < 0:
        raise ValueError(f"the real library alone has {len(real)} exercises; ask for more")
    chosen = titles(rng)[:wanted]
    slugs = [slugify(title) for title, _, _ in chosen]
    if len(set(slugs)) != len(slugs) or set(slugs) & set(real):
        raise AssertionError("generated slugs must be unique")  # a bug in the word lists
    # Ladders stay within one movement. Progressions point to the next two in the list and
    # regressions to the two before, so every link has its way back and no ladder loops.
    by_movement: dict[str, list[int]] = {}
    position_in_movement = []
    for index, (_, movement, _) in enumerate(chosen):
        position_in_movement.append(len(by_movement.setdefault(movement.name, [])))
        by_movement[movement.name].append(index)
    published: list[str] = []
    for index, ((title, movement, implement), slug) in enumerate(zip(chosen, slugs, strict=True)):
        same = by_movement[movement.name]
        position = position_in_movement[index]
        harder = [slugs[j] for j in same[position + 1 : position + 3]]
        easier = [slugs[j] for j in same[max(position - 2, 0) : position]]
        link = rng.choice(real)
        # Now and then a renamed exercise: its former slug answers with a redirect.
        aliases = [f"{slug}-v1"] if rng.random() < 0.05 else []
        text = exercise_file(rng, slug, title, movement, implement, harder, easier, link, aliases)
        (target / "exercises" / f"{slug}.md").write_text(text, encoding="utf-8")
        published.extend([*aliases, slug])
    # Every URL handed out stays recorded, as `flask publish` would do (see content/README.md).
    record = target / "published.txt"
    before = record.read_text(encoding="utf-8") if record.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    record.write_text(before + "".join(f"{name}\n" for name in published), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line: python bench/generate.py COUNT TARGET [--seed N]."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of exercises, the real ones included")
    parser.add_argument("target", type=Path, help="folder to write (replaced if present)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.count, args.target, args.seed)
    print(f"wrote {args.count} exercises to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
