"""Search text as a query of the full-text index: its words as the index's tokenizer reads
them, each word's other forms and the synonyms of taxonomy.yml as alternatives, every phrase
quoted (so no input is ever read as FTS5 syntax); and the library's word nearest to one
found nowhere. Pure functions: search.py runs the queries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_QUERY_WORDS = 12
# Plurals the Porter stemmer does not join ("calves" stems to "calv"): either form finds both.
IRREGULAR_FORMS = (("calf", "calves"), ("foot", "feet"), ("half", "halves"))
_OTHER_FORMS = {a: b for pair in IRREGULAR_FORMS for a, b in (pair, pair[::-1])}


def words(text: str) -> list[str]:
    """*text* as search reads it: lower-case words, split at anything but letters and digits
    (as the full-text index's tokenizer splits)."""
    return re.findall(r"[^\W_]+", text.lower())


def search_words(q: str) -> list[str]:
    return words(q)[:MAX_QUERY_WORDS]


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """What search text asks of the full-text index: every group must match, and a group
    matches by any one of its phrases (a word and its other forms, or a synonym and the
    phrases it finds)."""

    typed: Phrase
    groups: tuple[tuple[Phrase, ...], ...]
    plain_last: bool  # the last group is a word as typed, not a synonym
    prefix: bool = False

    @classmethod
    def parse(cls, q: str, synonyms: Mapping[Phrase, tuple[Phrase, ...]]) -> Query | None:
        typed = tuple(search_words(q))
        if not typed:
            return None
        longest = max(map(len, synonyms), default=1)
        groups: list[tuple[Phrase, ...]] = []
        n = plain = 0
        while n < len(typed):
            for size in range(min(longest, len(typed) - n), 0, -1):
                said = typed[n : n + size]
                if said in synonyms:
                    groups.append((said, *synonyms[said]))
                    n, plain = n + size, False
                    break
            else:
                word = typed[n]
                other = _OTHER_FORMS.get(word)
                groups.append(((word,), (other,)) if other else ((word,),))
                n, plain = n + 1, True
        return cls(typed, tuple(groups), plain_last=plain)

    @property
    def can_be_prefix(self) -> bool:
        """Whether the last word could be the start of a longer one being typed."""
        return self.plain_last and not self.prefix and len(self.typed[-1]) >= 3

    def as_prefix(self) -> Query:
        return Query(self.typed, self.groups, self.plain_last, prefix=True)

    def expression(self, columns: str = "") -> str:
        """The FTS5 query: each phrase quoted, the groups joined by AND; with *columns*, only
        matches inside those columns."""
        last = len(self.groups) - 1
        found = " AND ".join(self._group(group, n == last) for n, group in enumerate(self.groups))
        return f"{{{columns}}} : ({found})" if columns else found

    def phrase(self) -> str | None:
        """The typed words written together, for more than one word."""
        if len(self.typed) < 2:
            return None
        return '"' + " ".join(self.typed) + '"' + ("*" if self.prefix else "")

    def _group(self, group: tuple[Phrase, ...], last: bool) -> str:
        quoted = [
            '"' + " ".join(phrase) + '"' + ("*" if self.prefix and last and n == 0 else "")
            for n, phrase in enumerate(group)
        ]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def nearest_word(word: str, vocabulary: Mapping[str, int]) -> tuple[str | None, bool]:
    """The library's word nearest to *word* (letters swapped, missing, extra or wrong: one
    edit in a short word, two in a longer one), the most used of equals; and whether it
    stands out, being the only one that near or used three times as often as the next."""
    if len(word) < 3 or not word.isalpha():
        return None, False
    limit = 1 if len(word) <= 4 else 2
    near = process.extract(
        word, list(vocabulary), scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not near:
        return None, False
    best = min(distance for _, distance, _ in near)
    closest = sorted(
        (choice for choice, distance, _ in near if distance == best),
        key=lambda choice: (-vocabulary[choice], choice),
    )
    clear = len(closest) == 1 or vocabulary[closest[0]] >= 3 * vocabulary[closest[1]]
    return closest[0], clear
