"""Prescriptions that travel in a link: what a coach adds to an exercise URL or a session card.

Everything here comes from a query string someone else wrote, so each value is checked
against a narrow shape or cleaned and cut to length; anything else is silently dropped.
Templates escape whatever is left.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

# "3x8", "4 x 8-10", "3x30s", "2 × 12 reps"
RX_RE = re.compile(
    r"^(\d{1,2})\s*[x×]\s*(\d{1,3})(?:\s*-\s*(\d{1,3}))?\s*(s|sec|secs|reps?)?$", re.IGNORECASE
)
# "3-1-1", "2-1-2-1", "3-0-X-1": seconds down, pause, up, pause
TEMPO_RE = re.compile(r"^[0-9xX](?:-[0-9xX]){1,3}$")
FIELDS = ("rx", "tempo", "load", "note")
MAX_LOAD = 60
MAX_NOTE = 280
MAX_TITLE = 80


def clean_text(value: str | None, limit: int) -> str | None:
    """Printable text on one line, at most *limit* characters; None if nothing is left."""
    if not value:
        return None
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value)
    kept = " ".join(kept.split())[:limit].strip()
    return kept or None


def clean_rx(value: str | None) -> str | None:
    """A sets-by-reps prescription in one written form ("4 x 8-10"), or None."""
    match = RX_RE.match((value or "").strip())
    if not match:
        return None
    sets, low, high, unit = match.groups()
    if int(sets) == 0 or int(low) == 0 or (high and int(high) <= int(low)):
        return None
    amount = f"{int(low)}-{int(high)}" if high else str(int(low))
    suffix = " s" if unit and unit.lower().startswith("s") else ""
    return f"{int(sets)} x {amount}{suffix}"


def clean_tempo(value: str | None) -> str | None:
    value = (value or "").strip()
    return value.upper() if TEMPO_RE.match(value) else None


@dataclass(frozen=True)
class Prescription:
    rx: str | None = None
    tempo: str | None = None
    load: str | None = None
    note: str | None = None

    @classmethod
    def from_args(cls, args: MultiDict, suffix: str = "") -> Prescription:
        """Read rx, tempo, load and note (each name plus *suffix*, for session items)."""
        return cls(
            rx=clean_rx(args.get(f"rx{suffix}")),
            tempo=clean_tempo(args.get(f"tempo{suffix}")),
            load=clean_text(args.get(f"load{suffix}"), MAX_LOAD),
            note=clean_text(args.get(f"note{suffix}"), MAX_NOTE),
        )

    def to_args(self, suffix: str = "") -> dict[str, str]:
        fields = {"rx": self.rx, "tempo": self.tempo, "load": self.load, "note": self.note}
        return {f"{name}{suffix}": value for name, value in fields.items() if value}

    def __bool__(self) -> bool:
        return any((self.rx, self.tempo, self.load, self.note))
