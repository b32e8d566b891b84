"""`assessments.yml`: the tests a runner retakes every few weeks, each with its baseline and
advanced targets, how to take it and how many tries; a per-leg test compared side to side;
and the signs of progress that show in running rather than in a test."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .schema import ExerciseSlug, MarkdownLine, Model, Slug, Text, Title, _unique, located


def limb_symmetry(weaker: int, stronger: int) -> int:
    """The weaker leg's score as a whole percentage of the stronger's, rounded down (an 89.6
    must not read as a 90 that passes)."""
    return weaker * 100 // stronger


class SymmetryExample(Model):
    stronger: Annotated[int, Field(ge=1, le=10000)]
    weaker: Annotated[int, Field(ge=1, le=10000)]
    unit: Annotated[Text, StringConstraints(max_length=20)]

    @model_validator(mode="after")
    def _weaker_is_not_more(self) -> SymmetryExample:
        if self.weaker > self.stronger:
            raise ValueError(
                f"'weaker' is {self.weaker}, more than 'stronger' ({self.stronger}): swap them"
            )
        return self

    @property
    def percent(self) -> int:
        return limb_symmetry(self.weaker, self.stronger)


class Symmetry(Model):
    """A per-leg test compared side to side: the weaker leg as a percentage of the stronger."""

    target_percent: Annotated[int, Field(ge=50, le=100)]
    note: MarkdownLine
    example: SymmetryExample | None = None


class Assessment(Model):
    slug: Slug
    title: Annotated[MarkdownLine, StringConstraints(max_length=100)]
    exercise: ExerciseSlug
    baseline: MarkdownLine
    advanced: MarkdownLine
    how_to_test: MarkdownLine
    tries: Annotated[int, Field(ge=1, le=3)]
    symmetry: Symmetry | None = None


class RunningSigns(Model):
    """The signs of progress that show in running rather than in a test."""

    title: Title
    intro: MarkdownLine
    signs: Annotated[list[MarkdownLine], Field(min_length=1)]


class AssessmentsFile(Model):
    """`assessments.yml`."""

    assessments: list[Assessment]
    running_signs: RunningSigns | None = None

    @model_validator(mode="after")
    def _unique_slugs(self) -> AssessmentsFile:
        slugs = [a.slug for a in self.assessments]
        if problems := _unique(slugs, ("assessments",), "assessment", "slug"):
            raise located(*problems)
        return self
