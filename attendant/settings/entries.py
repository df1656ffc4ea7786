"""Watch entries in the settings file: a plain address, or an inline table with details.

``people = ["alice@contoso.com", {address = "bob@contoso.com", name = "Bob Builder"}]``: the
table form carries what the admin knows about a person (``name``, ``phone``, ``mobile``,
``department``, ``job_title``) or a room (``name``, ``capacity``, ``building``, ``floor``).
Each entry is checked on its own, so that a message names the entry and the detail key; the
loader turns the entry number into the line it is written on.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping

from attendant.domain import WatchEntry

#: Details that are whole numbers; every other detail is text.
_INTEGER_DETAILS = frozenset({"capacity"})
#: The longest text a detail may hold (a phone number, a department, a job title).
MAX_DETAIL_LENGTH = 200


def clean_detail(value: str | None) -> str | None:
    """A detail from a directory or a spreadsheet made fit for the file: one line, no spaces
    around, at most :data:`MAX_DETAIL_LENGTH` characters; None when nothing is left."""
    if value is None:
        return None
    text = " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in value).split())
    return text[:MAX_DETAIL_LENGTH].strip() or None


def entry_table(entry: WatchEntry) -> str | dict[str, object]:
    """How ``entry`` is written to the file: its address alone, or an inline table."""
    details = entry.details()
    if not details:
        return entry.address
    return {"address": entry.address, **details}


def to_entry(item: object) -> WatchEntry:
    """``item`` (an address, a table or an entry that passed :func:`entry_problems`) as an entry."""
    if isinstance(item, WatchEntry):
        return item
    if isinstance(item, str):
        return WatchEntry(item)
    if isinstance(item, Mapping):
        values = {str(name): value for name, value in item.items()}
        address = str(values.pop("address"))
        return WatchEntry(address, **values)
    raise TypeError(f"not a watch entry: {item!r}")


def entry_address(item: object) -> object:
    """The address of an entry in any of its forms (what is checked as the e-mail address)."""
    if isinstance(item, WatchEntry):
        return item.address
    if isinstance(item, Mapping):
        return item.get("address")
    return item


def entry_problems(item: object, allowed: tuple[str, ...]) -> list[str]:
    """What is wrong with the details of the table or entry ``item`` (not its address).

    ``allowed`` names the details the list accepts besides ``address``.
    """
    table = entry_table(item) if isinstance(item, WatchEntry) else item
    if not isinstance(table, Mapping):
        return []
    problems: list[str] = []
    if "address" not in table:
        problems.append('has no address (write address = "name@contoso.com")')
    for name, value in table.items():
        if name == "address":
            continue
        if name not in allowed:
            close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(
                f'has the key "{name}", which is not a detail of this list (it takes address, '
                f"{', '.join(allowed)}){hint}"
            )
        elif name in _INTEGER_DETAILS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f'"{name}" must be a whole number above 0 (got {value!r})')
        elif not isinstance(value, str):
            problems.append(f'"{name}" must be a string (got {value!r})')
        elif value != value.strip() or not value:
            problems.append(f'"{name}" must not be empty or start or end with spaces')
        elif len(value) > MAX_DETAIL_LENGTH or any(
            unicodedata.category(char) == "Cc" for char in value
        ):
            problems.append(f'"{name}" must be one line of at most {MAX_DETAIL_LENGTH} characters')
    return problems
