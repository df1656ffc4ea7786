"""People for the watch list from a CSV file, as spreadsheets and directory exports write it.

An admin often has the reception's list of colleagues in a spreadsheet. The columns are name,
email, department and phone, in that order, or in any order under a header row that names
them; a header row may add a "Group" column (the admin's group on the board).
Excel writes a semicolon instead of a comma where the decimal separator is a comma, and
"CSV" from Excel on Windows is often not UTF-8, so both separators and the Windows code page
are accepted. A bad row never spoils the file: it is reported by its line number and the good
rows are imported. Qt-free, so that it is tested without a QApplication.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from attendant.domain import WatchEntry
from attendant.settings import validate_value
from attendant.settings.entries import clean_detail

#: The columns, in the order a file without a header row has them.
COLUMNS: tuple[str, ...] = ("name", "email", "department", "phone")

#: Header words (lower case, without spaces, dashes and underscores) for each column.
_HEADER_WORDS: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "displayname", "fullname", "person"}),
    "email": frozenset(
        {"email", "mail", "emailaddress", "smtp", "smtpaddress", "address", "primarysmtpaddress"}
    ),
    "department": frozenset({"department", "dept", "team", "office"}),
    "phone": frozenset({"phone", "telephone", "phonenumber", "extension", "ext", "tel"}),
    "group": frozenset({"group", "boardgroup"}),
}

#: The most rows a file may have; a bigger one is probably not a list of colleagues.
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ImportedPerson:
    """One good row: the address goes into the watch list, the rest helps the admin see who."""

    line: int
    email: str
    name: str = ""
    department: str = ""
    phone: str = ""
    group: str = ""

    @property
    def entry(self) -> WatchEntry:
        """The watch entry for this row: the address with the name, department, phone, group."""
        return WatchEntry(
            self.email,
            name=clean_detail(self.name),
            department=clean_detail(self.department),
            phone=clean_detail(self.phone),
            group=clean_detail(self.group),
        )

    @property
    def label(self) -> str:
        """``Alice Example <alice@contoso.com>``, or the address alone."""
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that was not imported, by its line number in the file (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class CsvImport:
    """What a file held: the good rows, the bad ones, and how it was read."""

    people: tuple[ImportedPerson, ...]
    problems: tuple[RowProblem, ...]
    has_header: bool = False
    delimiter: str = ","
    encoding: str = "utf-8"

    def new_addresses(self, existing: tuple[str, ...]) -> tuple[str, ...]:
        """The imported addresses that ``existing`` does not hold yet (ignoring case)."""
        return tuple(entry.address for entry in self.new_entries(existing))

    def new_entries(self, existing: tuple[str, ...]) -> tuple[WatchEntry, ...]:
        """Watch entries (with name, department and phone) for the imported people that
        ``existing`` does not hold yet (ignoring case)."""
        seen = {address.casefold() for address in existing}
        fresh: list[WatchEntry] = []
        for person in self.people:
            if person.email.casefold() not in seen:
                seen.add(person.email.casefold())
                fresh.append(person.entry)
        return tuple(fresh)


class CsvUnreadable(Exception):
    """The file cannot be read at all (missing, a folder, not text)."""


def read_people_csv(path: Path) -> CsvImport:
    """The people in the CSV file ``path``; CsvUnreadable when it cannot be read as text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvUnreadable(f"{path} cannot be read: {error.strerror or error}") from error
    if b"\0" in data[:4096]:
        raise CsvUnreadable(f"{path} is not a text file; save the list as CSV.")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 maps nearly every byte.
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as error:
            raise CsvUnreadable(
                f"{path} is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8."
            ) from error
    result = parse_people_csv(text)
    return CsvImport(result.people, result.problems, result.has_header, result.delimiter, encoding)


def parse_people_csv(text: str) -> CsvImport:
    """The people in CSV ``text`` (see the module's docstring for what is accepted)."""
    text = text.removeprefix("\ufeff")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    people: list[ImportedPerson] = []
    problems: list[RowProblem] = []
    columns: dict[str, int] | None = None
    width = len(COLUMNS)
    has_header = False
    first = True
    seen: dict[str, int] = {}
    next_line = 1
    try:
        for row in reader:
            line, next_line = next_line, reader.line_num + 1
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if first:
                first = False
                columns = _header_columns(cells)
                if columns is not None:
                    has_header, width = True, len(cells)
                    if "email" not in columns:
                        problems.append(
                            RowProblem(line, "the header names no e-mail column (email)")
                        )
                        break
                    continue
            if len(people) + len(problems) >= MAX_ROWS:
                problems.append(RowProblem(line, f"more than {MAX_ROWS} rows; the rest is skipped"))
                break
            person, problem = _person(line, cells, columns, width)
            if problem is not None:
                problems.append(RowProblem(line, problem))
                continue
            assert person is not None
            folded = person.email.casefold()
            if folded in seen:
                problems.append(
                    RowProblem(line, f"{person.email} repeats line {seen[folded]}; skipped")
                )
                continue
            seen[folded] = line
            people.append(person)
    except csv.Error as error:
        problems.append(RowProblem(next_line, f"cannot be read as CSV: {error}"))
    return CsvImport(tuple(people), tuple(problems), has_header, delimiter)


def _delimiter(text: str) -> str:
    """``;`` when the first non-empty line has more semicolons than commas outside quotes."""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        commas = semicolons = 0
        quoted = False
        for char in raw:
            if char == '"':
                quoted = not quoted
            elif not quoted and char == ",":
                commas += 1
            elif not quoted and char == ";":
                semicolons += 1
        return ";" if semicolons > commas else ","
    return ","


def _normalised(cell: str) -> str:
    return "".join(char for char in cell.lower() if char.isalnum())


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column positions when ``cells`` is a header row, else None."""
    if any("@" in cell for cell in cells):
        return None
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        word = _normalised(cell)
        for column, words in _HEADER_WORDS.items():
            if word in words and column not in columns:
                columns[column] = position
                break
    return columns or None


def _person(
    line: int, cells: list[str], columns: dict[str, int] | None, width: int
) -> tuple[ImportedPerson | None, str | None]:
    if len(cells) > width and not (columns is None and len(cells) == 1):
        named = "(as many as the header)" if columns is not None else f"({', '.join(COLUMNS)})"
        return None, (
            f"has {len(cells)} columns, expected at most {width} {named}; a comma inside a "
            "name needs quotes"
        )
    if columns is None and len(cells) == 1:  # a plain list of addresses
        values = {"email": cells[0]}
    elif columns is None:
        values = dict(zip(COLUMNS, cells, strict=False))
    else:
        values = {
            column: cells[position] if position < len(cells) else ""
            for column, position in columns.items()
        }
    email = values.get("email", "")
    if not email:
        return None, "no e-mail address"
    message = validate_value("watch.people", (email,))
    if message is not None:  # the schema's rule for a watched address, said of one entry
        return None, message.removeprefix("entry 1 ")
    return (
        ImportedPerson(
            line=line,
            email=email,
            name=values.get("name", ""),
            department=values.get("department", ""),
            phone=values.get("phone", ""),
            group=values.get("group", ""),
        ),
        None,
    )
