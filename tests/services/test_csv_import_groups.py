"""A "Group" column in a CSV file: the admin's group on the board, kept in the watch entry."""

from __future__ import annotations

from pathlib import Path

from attendant.domain import WatchEntry
from attendant.services.csv_import import parse_people_csv, read_people_csv


def test_a_group_column_under_a_header_goes_into_the_entries() -> None:
    result = parse_people_csv(
        "Name;Email;Group;Department\n"
        "Alice Example;alice@contoso.com;Front desk;Finance\n"
        "Bob Builder;bob@contoso.com;;Facilities\n"
        'Carla Rossi;carla@contoso.com;"  Management\tteam ";\n'
    )
    assert result.problems == ()
    assert [p.group for p in result.people] == ["Front desk", "", "Management\tteam"]
    assert result.new_entries(("bob@contoso.com",)) == (
        WatchEntry(
            "alice@contoso.com", name="Alice Example", department="Finance", group="Front desk"
        ),
        WatchEntry("carla@contoso.com", name="Carla Rossi", group="Management team"),
    )


def test_without_a_header_there_is_no_group_column(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Alice Example,alice@contoso.com,Finance,+39 06 1234\n", encoding="utf-8")
    (person,) = read_people_csv(path).people
    assert person.group == ""
    assert person.entry.group is None


def test_a_group_too_long_for_the_file_is_cut_to_one_short_line() -> None:
    result = parse_people_csv("email,group\nalice@contoso.com," + "x" * 300 + "\n")
    (entry,) = result.new_entries(())
    assert entry.group == "x" * 200
