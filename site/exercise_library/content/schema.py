"""The content format, declared: pydantic models for the front matter of every kind of file,
and the translation of their validation errors into ``path:line: message`` problems that say
how to fix each one. content/README.md documents the same fields for authors."""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import unicodedata
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from ..slugs import MAX_SLUG, is_slug
from . import markdown
from .figure import Figure
from .frontmatter import Lines, Loc, Problem, describe, located, nearest

TERM_KINDS = {
    "phases": "phase",
    "families": "family",
    "equipment": "equipment",
    "muscles": "muscle",
}


def _printable(value: str) -> str:
    if value.isprintable():  # the usual case, checked in C
        return value
    for character in value:
        if unicodedata.category(character) in ("Cc", "Cf", "Co", "Cs") and character not in "\n":
            raise ValueError(
                f"must not hold a control character (U+{ord(character):04X}): delete it"
            )
    return value


def _slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(f"'{value}' is not a slug: use '{markdown.slugify(value) or 'name'}'")
    return value


def _term(kind: str):
    """A slug that must be one of *kind*'s terms in the taxonomy (from the validation context)."""

    def known(value: str, info: ValidationInfo) -> str:
        terms = (info.context or {}).get("terms", {}).get(kind)
        if terms is not None and value not in terms:
            raise ValueError(nearest(kind, value, terms))
        return value

    return AfterValidator(known)


def _markdown_line(value: str) -> str:
    for message in markdown.inline_problems(value):
        raise ValueError(message)
    return value


def _count(value: Any) -> Any:
    """A rep or second count: a whole number, or a range in quotes ("8-12"), up to 600."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 600:
        return str(value)
    if isinstance(value, str) and (
        match := re.fullmatch(r"\s*([0-9]{1,3})-([0-9]{1,3})\s*", value)
    ):
        low, high = int(match[1]), int(match[2])
        if 0 < low < high <= 600:
            return f"{low}-{high}"
    raise ValueError(
        "must be a whole number from 1 to 600 (10) or a rising range in quotes"
        f' ("8-12"), got {describe(value)}'
    )


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date written YYYY-MM-DD, got {describe(value)}")


def _tempo(value: str) -> str:
    if not re.fullmatch(r"[0-9X](?:-[0-9X]){1,3}", value.upper()):
        raise ValueError(
            f"'{value}' is not a tempo: write seconds down-pause-up-pause, as \"3-1-1\""
        )
    return value.upper()


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_printable),
]  # fmt: skip
Title = Annotated[Text, StringConstraints(max_length=100)]
Summary = Annotated[Text, StringConstraints(max_length=400)]
MarkdownLine = Annotated[Text, AfterValidator(_markdown_line)]
Slug = Annotated[str, StringConstraints(max_length=MAX_SLUG), AfterValidator(_slug)]
Count = Annotated[str, BeforeValidator(_count)]
Date = Annotated[datetime.date, BeforeValidator(_date)]
Tempo = Annotated[str, StringConstraints(max_length=9), AfterValidator(_tempo)]
PhaseSlug = Annotated[Slug, _term("phase")]
FamilySlug = Annotated[Slug, _term("family")]
EquipmentSlug = Annotated[Slug, _term("equipment")]
MuscleSlug = Annotated[Slug, _term("muscle")]
ExerciseSlug = Slug  # checked against the other files in checks.py


def _unique(values: list[str], loc: Loc, what: str, field: str | None = None) -> list:
    """A problem for each value listed again (at *field* of each entry, if given)."""
    places = [(*loc, n, field) if field else (*loc, n) for n in range(len(values))]
    repeated = [n for n, value in enumerate(values) if value in values[:n]]
    return [(places[n], f"{what} '{values[n]}' is listed twice: remove one") for n in repeated]


class Model(BaseModel):
    # Strict: YAML's own types must already be right (a `yes` is not text, a "3" is not a
    # number), so every trap is reported instead of silently converted.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Dose(Model):
    sets: Annotated[int, Field(ge=1, le=10)]
    reps: Count | None = None
    seconds: Count | None = None
    per_leg: bool = True
    tempo: Tempo | None = None
    load: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_count(self) -> Dose:
        if (self.reps is None) == (self.seconds is None):
            raise located(((), "give exactly one of 'reps' or 'seconds'"))
        return self


class LadderLink(Model):
    exercise: ExerciseSlug
    when: MarkdownLine


class Muscles(Model):
    primary: Annotated[list[MuscleSlug], Field(min_length=1)]
    secondary: list[MuscleSlug] = []


class ExerciseMeta(Model):
    """The front matter of `exercises/<slug>.md`."""

    title: Title
    summary: Summary
    updated: Date | None = None
    family: FamilySlug
    phases: Annotated[list[PhaseSlug], Field(min_length=1)]
    equipment: Annotated[list[EquipmentSlug], Field(min_length=1)]
    muscles: Muscles
    also_known_as: list[Annotated[Text, StringConstraints(max_length=80)]] = []
    aliases: list[Slug] = []
    dosage: dict[PhaseSlug, Dose]
    progressions: list[LadderLink] = []
    regressions: list[LadderLink] = []
    figure: Figure  # content/figure.py: the poses drawn on the page

    @model_validator(mode="after")
    def _agree(self) -> ExerciseMeta:
        muscles = self.muscles
        problems = _unique(self.phases, ("phases",), "phase")
        problems += _unique(self.equipment, ("equipment",), "equipment")
        problems += _unique(muscles.primary, ("muscles", "primary"), "muscle")
        both = "is both primary and secondary: keep it in one list"
        problems += [
            (("muscles", "secondary", n), f"muscle '{m}' {both}")
            for n, m in enumerate(muscles.secondary)
            if m in muscles.primary
        ]
        unlisted = "which is not in phases: add it to phases or remove the dosage"
        problems += [
            (("dosage", p), f"a dosage for '{p}', {unlisted}")
            for p in self.dosage
            if p not in self.phases
        ]
        missing = "add dosage: {phase}: {{sets: ..., reps: ...}}"
        problems += [
            (("phases",), f"no dosage for phase '{p}': " + missing.format(phase=p))
            for p in self.phases
            if p not in self.dosage
        ]
        if problems:
            raise located(*problems)
        return self


class TermEntry(Model):
    slug: Slug
    label: Annotated[Text, StringConstraints(max_length=60)]
    description: Summary
    weeks: Annotated[Text, StringConstraints(max_length=10)] | None = None


Terms = Annotated[list[TermEntry], Field(min_length=1)]
SearchPhrase = Annotated[Text, StringConstraints(max_length=60)]


class Synonym(Model):
    """Words searchers use that the library says otherwise: a search for `words` also finds
    each phrase of `finds` (checked to be in some exercise by checks.py)."""

    words: SearchPhrase
    finds: Annotated[list[SearchPhrase], Field(min_length=1, max_length=8)]


class Taxonomy(Model):
    """`taxonomy.yml`: the only phases, families, equipment and muscles content may name, and
    the synonyms search knows."""

    phases: Terms
    families: Terms
    equipment: Terms
    muscles: Terms
    synonyms: list[Synonym] = []

    @model_validator(mode="after")
    def _unique_slugs(self) -> Taxonomy:
        problems = []
        for group, kind in TERM_KINDS.items():
            problems += _unique([t.slug for t in getattr(self, group)], (group,), kind, "slug")
        if problems:
            raise located(*problems)
        return self

    def slugs(self) -> dict[str, list[str]]:
        """Each kind's slugs in taxonomy order: the validation context of other files."""
        return {kind: [t.slug for t in getattr(self, group)] for group, kind in TERM_KINDS.items()}

    @functools.cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """Each kind's labels by slug."""
        return {
            kind: {t.slug: t.label for t in getattr(self, group)}
            for group, kind in TERM_KINDS.items()
        }


class GuideMeta(Model):
    """The front matter of `guides/<slug>.md`."""

    title: Title
    summary: Summary


# -- validation errors as problems -----------------------------------------------------------

_MESSAGES = {
    "missing": "missing required field '{name}': add it (content/README.md lists the fields)",
    "too_short": "'{name}' is empty: list at least one",
    "string_too_short": "'{name}' is empty: write it, or remove the field",
    "string_too_long": "'{name}' is {length} characters long: keep it to {max_length}",
    "too_long": "'{name}' is {length} characters long: keep it to {max_length}",
    "greater_than_equal": "'{name}' is {value}: use a whole number from {ge} up",
    "less_than_equal": "'{name}' is {value}: use a whole number up to {le}",
    "content": "{message}",
}
_KINDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list, e.g. [a, b]",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "date_type": "a date written YYYY-MM-DD",
}


def validate(model: type[Model], data: Any, lines: Lines, path: str, context: dict | None = None):
    """*data* as *model*, or None with the problems at their lines in *path*."""
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as error:
        return None, [_problem(item, lines, path) for item in error.errors()]


def _problem(error: Any, lines: Lines, path: str) -> Problem:
    loc = tuple(part for part in error["loc"] if part != "[key]")
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    kind, value = error["type"], error.get("input")
    context = error.get("ctx") or {}
    if kind in _MESSAGES:
        message = _MESSAGES[kind].format(name=name, value=value, length=len(str(value)), **context)
    elif kind == "extra_forbidden":
        near = difflib.get_close_matches(name, _field_names(), n=1)
        hint = f"did you mean '{near[0]}'?" if near else "content/README.md lists the fields"
        message = f"unknown field '{name}': {hint}"
    elif kind in _KINDS:
        got = describe(value, text_wanted=kind == "string_type")
        wanted = f"'{name}' must be" if loc else "expected"
        message = f"{wanted} {_KINDS[kind]}, got {got}"
    elif kind == "value_error":
        reason = str(context.get("error", error["msg"]))
        message = f"'{name}' {reason}" if reason.startswith("must ") else reason
    else:
        message = f"'{name}': {error['msg']}"
    return Problem(path, lines.of(loc), message)


def _field_names() -> list[str]:
    """Every field of the content format, for 'did you mean'."""
    models = [Model]
    for model in models:
        models += model.__subclasses__()
    return sorted({name for model in models for name in model.model_fields})
