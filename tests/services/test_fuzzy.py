"""Forgiving search: typos, initials, either order, accents, phone digits; and what stays out."""

from __future__ import annotations

import pytest

from attendant.services.fuzzy import SearchIndex, SearchRecord, fold, typos_allowed

PEOPLE = [
    SearchRecord("John Smith", "john.smith@contoso.com Sales", ("+39 06 555-0101",)),
    SearchRecord("José Álvarez", "jose.alvarez@contoso.com Legal", ("+34 91 123 4567",)),
    SearchRecord("Anna Rossi", "anna.rossi@contoso.com Finance", ()),
    SearchRecord("Jana Smolová", "jana.smolova@contoso.com IT", ("(0)20 7946 0958",)),
    SearchRecord("Margaret Whitfield", "m.whitfield@contoso.com Management", ()),
    SearchRecord("Room 4", "room.4@contoso.com", ()),
]


def found(query: str, *, fuzzy: bool = True) -> list[str]:
    index = SearchIndex(PEOPLE)
    return [r.name for r, ok in zip(PEOPLE, index.match(query, fuzzy=fuzzy), strict=True) if ok]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [r.name for r in PEOPLE]),
        ("smith", ["John Smith"]),
        ("smiht", ["John Smith"]),  # two letters swapped
        ("smth", ["John Smith"]),  # one letter left out
        ("whitfeild", ["Margaret Whitfield"]),
        ("whtfeild", ["Margaret Whitfield"]),  # two typos in a long word
        ("jsm", ["John Smith", "Jana Smolová"]),  # initials and starts of words
        ("js", ["John Smith", "Jana Smolová"]),
        ("ar", ["José Álvarez", "Anna Rossi", "Margaret Whitfield"]),  # A… R…, or inside
        ("rossi anna", ["Anna Rossi"]),  # last name first
        ("jose", ["José Álvarez"]),  # accents ignored
        ("ÁLVAREZ", ["José Álvarez"]),
        ("smolova", ["Jana Smolová"]),
        ("5550101", ["John Smith"]),  # digits of a phone number, whatever its punctuation
        ("0958", ["Jana Smolová"]),
        ("1234567", ["José Álvarez"]),
        ("finance", ["Anna Rossi"]),
        ("room 4", ["Room 4"]),
        ("xyzzy", []),
        ("smith legal", []),  # every word must be found
    ],
)
def test_forgiving_matches(query: str, expected: list[str]) -> None:
    assert found(query) == expected


def test_exact_mode_matches_words_as_typed() -> None:
    assert found("smiht", fuzzy=False) == []
    assert found("jsm", fuzzy=False) == []
    assert found("jose", fuzzy=False) == ["José Álvarez"]  # accents are always folded
    assert found("smith", fuzzy=False) == ["John Smith"]


def test_short_words_need_no_typo_to_match() -> None:
    # Three letters with a typo would be half the company: short words match as typed.
    assert typos_allowed("jon") == 0
    assert typos_allowed("anna") == 1
    assert typos_allowed("whitfield") == 2
    assert found("jon") == []
    assert found("jonh") == ["John Smith"]


def test_fold() -> None:
    assert fold("José Ñúñez STRASSE") == "jose nunez strasse"
    assert fold("Straße") == "strasse"


def test_empty_index() -> None:
    assert SearchIndex([]).match("anything") == []
