"""The index schema: typed SQLAlchemy 2.0 models, written by content/build.py, read by the site.

Tables hold what the site queries (terms and each exercise's links to them for the filters,
former slugs, programs); what it only shows is rendered when the index is built (`*_html`)
or kept as JSON (`detail`, for the API and the session cards)."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db

# The full-text table's columns (content/build.py creates it; content/library.py
# `searched_text` fills them; search.py and cards.py read them).
FTS_COLUMNS = ("title", "names", "summary", "labels", "why", "cues", "mistakes", "body")


class Meta(db.Model):
    """Facts about the index itself: its content version, when it was built, its size."""

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class Term(db.Model):
    """A taxonomy term: a phase, family, piece of equipment or muscle."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str]
    slug: Mapped[str]
    label: Mapped[str]
    description: Mapped[str]
    position: Mapped[int]
    weeks: Mapped[str | None]

    __table_args__ = (UniqueConstraint("kind", "slug"),)

    @property
    def week_numbers(self) -> list[str]:
        """A phase's weeks one by one: "9-12+" is 9, 10, 11 and 12+."""
        first, _, last = (self.weeks or "").partition("-")
        if not (first.isdecimal() and last.rstrip("+").isdecimal()):
            return [self.weeks] if self.weeks else []
        numbers = [str(n) for n in range(int(first), int(last.rstrip("+")) + 1)]
        return [*numbers[:-1], numbers[-1] + "+" * last.endswith("+")] if numbers else []


class Exercise(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str]
    summary: Mapped[str]
    family_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    level: Mapped[int]  # position of the easiest phase: sorts beginner work first
    updated: Mapped[str | None]  # ISO date of the last meaningful edit
    tags_html: Mapped[str]  # its phases, family, equipment and muscles, in a list and on its page
    intro_html: Mapped[str]  # its page's heading and tags
    article_html: Mapped[str]  # its page below it
    howto_json: Mapped[str]  # schema.org HowTo, for the page's head
    figure_svg: Mapped[str]  # its poses (content/figure.py): on its page, and at figure.svg
    still_svg: Mapped[str]  # its key pose, small, for its card in lists
    muscles: Mapped[dict[str, list]] = mapped_column(JSON)  # primary, secondary: (slug, label)
    # also_known_as, steps, cues, mistakes, dosage and ladder, as the API gives them
    detail: Mapped[dict] = mapped_column(JSON)

    family: Mapped[Term] = relationship(lazy="joined")
    links: Mapped[list[ExerciseTerm]] = relationship(order_by="ExerciseTerm.position")

    def terms(self, kind: str, role: str | None = None) -> list[Term]:
        """This exercise's terms of one kind (and, for muscles, one role), in taxonomy order."""
        return [
            link.term for link in self.links if link.term.kind == kind and role in (None, link.role)
        ]


class ExerciseTerm(db.Model):
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), primary_key=True)
    role: Mapped[str | None]  # "primary" or "secondary" for muscles
    position: Mapped[int]

    term: Mapped[Term] = relationship(lazy="joined")

    __table_args__ = (Index("ix_exercise_term_term", "term_id", "exercise_id"),)


class Name(db.Model):
    """A name of an exercise (its title, or one it is also known as) as search reads it:
    an exercise named exactly what was typed is the best match."""

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[str] = mapped_column(index=True)  # lower case, single spaces
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))


class Word(db.Model):
    """A word of the library as written (not stemmed), and how many exercises use it: what a
    misspelt search word is corrected to."""

    word: Mapped[str] = mapped_column(primary_key=True)
    exercises: Mapped[int]


class Synonym(db.Model):
    """Words searchers use that the library says otherwise (taxonomy.yml `synonyms`)."""

    words: Mapped[str] = mapped_column(primary_key=True)  # as search reads them: lower case
    finds: Mapped[list[str]] = mapped_column(JSON)


class Alias(db.Model):
    """A former slug, answered with a permanent redirect to the exercise."""

    slug: Mapped[str] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))

    exercise: Mapped[Exercise] = relationship()


class Program(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("term.id"), unique=True)
    title: Mapped[str]
    summary: Mapped[str]
    sessions_per_week: Mapped[int]
    html: Mapped[str]  # the sessions and the body, rendered

    sessions: Mapped[list[ProgramSession]] = relationship(order_by="ProgramSession.position")


class ProgramSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"), index=True)
    name: Mapped[str]
    focus: Mapped[str | None]
    position: Mapped[int]

    items: Mapped[list[ProgramItem]] = relationship(order_by="ProgramItem.position")


class ProgramItem(db.Model):
    """One exercise of a session, prescribed as a coach writes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("program_session.id"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    position: Mapped[int]
    sets: Mapped[int]
    reps: Mapped[str | None]
    seconds: Mapped[str | None]
    per_leg: Mapped[bool]
    tempo: Mapped[str | None]
    load: Mapped[str | None]
    note: Mapped[str | None]

    exercise: Mapped[Exercise] = relationship(lazy="joined")


class Guide(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str]
    summary: Mapped[str]
    body_html: Mapped[str]
    position: Mapped[int]


class Assessment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str]
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    baseline: Mapped[str]
    advanced: Mapped[str]
    how_to_test_html: Mapped[str]
    tries: Mapped[int]
    # target_percent, note_html and an optional worked example (stronger, weaker, percent)
    symmetry: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int]

    exercise: Mapped[Exercise] = relationship(lazy="joined")


class RunningSigns(db.Model):
    """The signs of progress on /assessments that show in running: one row, or none."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    intro_html: Mapped[str]
    signs_html: Mapped[list[str]] = mapped_column(JSON)
