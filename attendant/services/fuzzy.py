"""Forgiving search over many rows: typos, initials, either name order, accents, phone digits.

A receptionist types while the caller talks: "Smiht", "jsm" for John Smith, "Jose" for José,
"rossi carla", or the last digits of a number. Every word typed must be found in a row, each
in one of these ways:

- as it is written, anywhere in the row's text (name, address, department, phone, …);
- with accents and case ignored on both sides ("jose" finds "José");
- as the start of a word with a typo: one for words of 4 to 7 letters, two from 8 on
  (substitution, insertion, deletion or two letters swapped);
- as initials (2 to 4 letters): the word split into starts of successive name words
  ("jsm" = "J…" + "Sm…");
- digits (3 or more) as part of a phone number, whatever its spaces, dashes or brackets.

Typing must stay instant with 5,000 rows, so the costly part never loops over rows in Python:
typos are looked up once per distinct word prefix of the whole board with ``rapidfuzz``
(compiled edit distances, thousands of comparisons in well under a millisecond), initials
with one regular expression over all names at once, and rows are then marked from the
matching words' postings. ``rapidfuzz`` is used because a pure-Python edit distance over
every word of the board takes a tenth of a second a keystroke.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[^\W_]+")
_NOT_DIGIT = re.compile(r"\D+")


def fold(text: str) -> str:
    """``text`` casefolded and without accents ("José Ñúñez" → "jose nunez")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def typos_allowed(word: str) -> int:
    """How many typos a typed word may carry and still match."""
    if len(word) >= 8:
        return 2
    return 1 if len(word) >= 4 else 0


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """What one row is searched by: its name (for initials), other text, phone numbers."""

    name: str
    text: str = ""
    phones: tuple[str, ...] = ()


class SearchIndex:
    """The rows of a board, prepared once, matched against every keystroke's words."""

    def __init__(self, records: Sequence[SearchRecord]) -> None:
        self._count = len(records)
        self._texts = [fold(f"{r.name} {r.text} {' '.join(r.phones)}") for r in records]
        digits = [" ".join(_NOT_DIGIT.sub("", p) for p in r.phones) for r in records]
        self._digits = [d if d.strip() else "" for d in digits]
        vocabulary: dict[str, int] = {}
        postings: list[list[int]] = []
        for row, text in enumerate(self._texts):
            for word in set(_WORD.findall(text)):
                index = vocabulary.get(word)
                if index is None:
                    index = vocabulary[word] = len(postings)
                    postings.append([])
                postings[index].append(row)
        self._words = list(vocabulary)
        self._postings = postings
        self._prefixes: dict[int, tuple[list[str], list[list[int]]]] = {}
        # Names one a line, words separated by one space: initials are found in one pass.
        names = [
            " ".join(_WORD.findall(text[: len(r.name)]))
            for r, text in zip(records, self._texts, strict=True)
        ]
        self._names = "\n".join(names)
        starts, offset = [], 0
        for name in names:
            starts.append(offset)
            offset += len(name) + 1
        self._name_starts = starts

    def __len__(self) -> int:
        return self._count

    def match(self, query: str, *, fuzzy: bool = True) -> list[bool]:
        """Per row, whether every word of ``query`` is found in it (all rows for no words)."""
        accepted = [True] * self._count
        for word in dict.fromkeys(fold(query).split()):
            found = self._match_word(word, fuzzy=fuzzy)
            accepted = [a and f for a, f in zip(accepted, found, strict=True)]
        return accepted

    # -- internals -----------------------------------------------------------------------

    def _match_word(self, word: str, *, fuzzy: bool) -> list[bool]:
        found = [word in text for text in self._texts]
        if not fuzzy:
            return found
        if word.isdigit():
            if len(word) >= 3:
                found = [f or (word in d) for f, d in zip(found, self._digits, strict=True)]
            return found
        letters = word.isalpha()
        if letters and 2 <= len(word) <= 4:
            self._mark_initials(word, found)
        allowed = typos_allowed(word)
        if allowed and letters:
            self._mark_typos(word, allowed, found)
        return found

    def _mark_typos(self, word: str, allowed: int, found: list[bool]) -> None:
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            if length < 3:
                continue
            prefixes, postings = self._prefixes_of(length)
            if not prefixes:
                continue
            hits = process.extract(
                word, prefixes, scorer=OSA.distance, score_cutoff=allowed, limit=None
            )
            for _choice, _score, index in hits:
                for row in postings[index]:
                    found[row] = True

    def _prefixes_of(self, length: int) -> tuple[list[str], list[list[int]]]:
        """Every distinct word start of ``length`` letters and the rows that have it."""
        known = self._prefixes.get(length)
        if known is None:
            rows_of: dict[str, list[int]] = {}
            for word, rows in zip(self._words, self._postings, strict=True):
                if len(word) >= length:
                    rows_of.setdefault(word[:length], []).extend(rows)
            known = self._prefixes[length] = (list(rows_of), list(rows_of.values()))
        return known

    def _mark_initials(self, word: str, found: list[bool]) -> None:
        first, rest = re.escape(word[0]), word[1:]
        pattern = f"(?:^| ){first}" + "".join(
            f"(?:{re.escape(c)}|[^ \\n]*(?: [^ \\n]+)*? {re.escape(c)})" for c in rest
        )
        starts = self._name_starts
        for hit in re.finditer(pattern, self._names, re.MULTILINE):
            found[bisect_right(starts, hit.end() - 1) - 1] = True
