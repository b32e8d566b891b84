"""Session cards: an ordered list of exercises with prescriptions, held entirely in the URL.

No accounts and no storage: the link is the session. Items are numbered parameters
(`e1`, `rx1`, `tempo1`, `load1`, `note1`, then `e2`...), renumbered from 1 whenever a plan is
written back, so every plan has exactly one address.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from werkzeug.datastructures import MultiDict

from .prescription import MAX_NOTE, MAX_TITLE, Prescription, clean_text
from .slugs import is_slug

MAX_ITEMS = 20
PLAN_FIELDS = ("title", "note")


@dataclass(frozen=True)
class SessionItem:
    slug: str
    prescription: Prescription


@dataclass(frozen=True)
class SessionPlan:
    title: str | None = None
    note: str | None = None
    items: tuple[SessionItem, ...] = ()

    @classmethod
    def from_args(cls, args: MultiDict) -> SessionPlan:
        """Read a plan; malformed items are dropped, numbering gaps are closed."""
        numbers = sorted(
            int(name[1:])
            for name in args
            if name.startswith("e") and name[1:].isdigit() and 0 < int(name[1:]) <= 999
        )
        items = []
        for number in numbers:
            slug = args.get(f"e{number}", "")
            if is_slug(slug) and len(items) < MAX_ITEMS:
                items.append(SessionItem(slug, Prescription.from_args(args, suffix=str(number))))
        return cls(
            clean_text(args.get("title"), MAX_TITLE),
            clean_text(args.get("note"), MAX_NOTE),
            tuple(items),
        )

    def to_args(self) -> dict[str, str]:
        args = {
            name: value for name, value in (("title", self.title), ("note", self.note)) if value
        }
        for number, item in enumerate(self.items, 1):
            args[f"e{number}"] = item.slug
            args.update(item.prescription.to_args(suffix=str(number)))
        return args

    def only(self, known: set[str], renamed: dict[str, str]) -> SessionPlan:
        """Keep items whose exercise exists, following former slugs to the current ones."""
        items = []
        for item in self.items:
            slug = renamed.get(item.slug, item.slug)
            if slug in known:
                items.append(replace(item, slug=slug))
        return replace(self, items=tuple(items))

    def apply(self, operation: str) -> SessionPlan:
        """One builder action: `add:<slug>`, `remove:<n>`, `up:<n>`, `down:<n>` (n from 1).
        Anything else leaves the plan as it is."""
        verb, _, argument = operation.partition(":")
        items = list(self.items)
        if verb == "add" and is_slug(argument) and len(items) < MAX_ITEMS:
            items.append(SessionItem(argument, Prescription()))
        elif argument.isdigit() and 1 <= int(argument) <= len(items):
            index = int(argument) - 1
            if verb == "remove":
                del items[index]
            elif verb == "up" and index > 0:
                items[index - 1], items[index] = items[index], items[index - 1]
            elif verb == "down" and index < len(items) - 1:
                items[index + 1], items[index] = items[index], items[index + 1]
        return replace(self, items=tuple(items))
