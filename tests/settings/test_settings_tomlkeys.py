"""The key locator that turns dotted keys into line numbers, and dotted-key spelling."""

from __future__ import annotations

import tomllib

import pytest

from attendant.settings.tomlkeys import dotted, key_lines, line_of, split_dotted

TEXT = '''\
# comment with [brackets] and key = "value"
title = "a ] tricky } string # not a comment"
notes = """
[not.a.table]
provider = "inside a multi-line string"
"""
literal = \'\'\'
also = "not a key"
\'\'\'

[calendar]  # trailing comment
provider = "exchange"
ports = [
    1, # one
    2,
]
"quoted.key" = 1
'single' = 2
site.name = "hq"
inline = { a = 1, b = { c = [1, 2], d = "}" } }

[ calendar . "exchange" ]
ews_url = "https://x"

[[watch.groups]]
name = "a"
[[watch.groups]]
name = "b"
when = 1979-05-27 07:32:00Z
after = true
'''


def test_key_lines() -> None:
    tomllib.loads(TEXT)  # the locator is only used on text that parses
    lines = key_lines(TEXT)
    assert lines[("title",)] == 2
    assert lines[("notes",)] == 3
    assert lines[("literal",)] == 7
    assert ("not", "a", "table") not in lines
    assert ("provider",) not in lines
    assert ("also",) not in lines
    assert lines[("calendar",)] == 11
    assert lines[("calendar", "provider")] == 12
    assert lines[("calendar", "ports")] == 13
    assert lines[("calendar", "quoted.key")] == 17
    assert lines[("calendar", "single")] == 18
    assert lines[("calendar", "site")] == 19
    assert lines[("calendar", "site", "name")] == 19
    assert lines[("calendar", "inline", "b", "d")] == 20
    assert lines[("calendar", "exchange")] == 22
    assert lines[("calendar", "exchange", "ews_url")] == 23
    assert lines[("watch",)] == 25
    assert lines[("watch", "groups", "name")] == 26
    assert lines[("watch", "groups", "when")] == 29
    assert lines[("watch", "groups", "after")] == 30


def test_line_of_falls_back_to_the_nearest_parent() -> None:
    lines = key_lines(TEXT)
    assert line_of(lines, ("calendar", "exchange", "version")) == 22
    assert line_of(lines, ("network", "timeout_seconds")) is None


def test_invalid_text_gives_what_was_found_so_far() -> None:
    assert key_lines('a = 1\nb = "unterminated\nc = 3\n') == {("a",): 1, ("b",): 2}


@pytest.mark.parametrize(
    ("path", "spelled"),
    [
        (("calendar", "provider"), "calendar.provider"),
        (("calendar", "my plugin", "x"), 'calendar."my plugin".x'),
        (("a.b",), '"a.b"'),
        (('quote"d',), '"quote\\"d"'),
    ],
)
def test_dotted_and_split_dotted(path: tuple[str, ...], spelled: str) -> None:
    assert dotted(path) == spelled
    assert split_dotted(spelled) == path


def test_split_dotted_refuses_junk() -> None:
    with pytest.raises(ValueError, match="not a dotted key"):
        split_dotted("a.b c")
