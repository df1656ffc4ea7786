"""People and rooms for the watch list from a CSV file, as spreadsheets and directories write it.

An admin often has the reception's list of colleagues in a spreadsheet, or exports it from
Outlook, Entra ID or Exchange. The columns are name, email, department and phone, in that
order, or any of the columns of :mod:`attendant.services.csv_columns` in any order under a
header row that names them: a person's phone, mobile, department and job title, a room's
capacity, building and floor; and for both a "Group" column (the admin's group on the
board). A row is a room where a type column says so (``RoomMailbox``),
or in a file whose header names room columns and no person's. Excel writes a semicolon
instead of a comma where the decimal separator is a comma, "Unicode text" with tabs in UTF-16,
and "CSV" from Excel on Windows is often not UTF-8; PowerShell's ``Export-Csv`` starts with a
``#TYPE`` line and Excel may with ``sep=;``. All of that is read. A bad row never spoils the
file: it is reported by its line number and the good rows are imported. Qt-free, so that it is
tested without a QApplication.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from attendant.domain import WatchEntry
from attendant.services.csv_columns import (
    PERSON_COLUMNS,
    ROOM_COLUMNS,
    header_columns,
    is_room_kind,
)
from attendant.settings import validate_value
from attendant.settings.entries import clean_detail

#: The columns, in the order a file without a header row has them.
COLUMNS: tuple[str, ...] = ("name", "email", "department", "phone")

#: The most rows a file may have; a bigger one is probably not a list of colleagues.
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ImportedPerson:
    """One good row: the address goes into the watch list with what the file says of them."""

    line: int
    email: str
    name: str = ""
    department: str = ""
    phone: str = ""
    group: str = ""
    mobile: str = ""
    job_title: str = ""

    @property
    def entry(self) -> WatchEntry:
        """The watch entry for this row: the address with the details the file gives."""
        return WatchEntry(
            self.email,
            name=clean_detail(self.name),
            department=clean_detail(self.department),
            phone=clean_detail(self.phone),
            mobile=clean_detail(self.mobile),
            job_title=clean_detail(self.job_title),
            group=clean_detail(self.group),
        )

    @property
    def label(self) -> str:
        """``Alice Example <alice@contoso.com>``, or the address alone."""
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class ImportedRoom:
    """One good row of a room: its address, name, seats, building and floor."""

    line: int
    email: str
    name: str = ""
    capacity: int | None = None
    building: str = ""
    floor: str = ""
    group: str = ""

    @property
    def entry(self) -> WatchEntry:
        return WatchEntry(
            self.email,
            name=clean_detail(self.name),
            capacity=self.capacity,
            building=clean_detail(self.building),
            floor=clean_detail(self.floor),
            group=clean_detail(self.group),
        )


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that was not imported, by its line number in the file (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _fresh(
    rows: tuple[ImportedPerson | ImportedRoom, ...], existing: tuple[str, ...]
) -> tuple[WatchEntry, ...]:
    seen = {address.casefold() for address in existing}
    fresh: list[WatchEntry] = []
    for row in rows:
        if row.email.casefold() not in seen:
            seen.add(row.email.casefold())
            fresh.append(row.entry)
    return tuple(fresh)


@dataclass(frozen=True, slots=True)
class CsvImport:
    """What a file held: the good rows (people and rooms), the bad ones, and how it was read."""

    people: tuple[ImportedPerson, ...]
    problems: tuple[RowProblem, ...]
    has_header: bool = False
    delimiter: str = ","
    encoding: str = "utf-8"
    rooms: tuple[ImportedRoom, ...] = ()

    def new_addresses(self, existing: tuple[str, ...]) -> tuple[str, ...]:
        """The imported people's addresses that ``existing`` does not hold yet (ignoring case)."""
        return tuple(entry.address for entry in self.new_entries(existing))

    def new_entries(self, existing: tuple[str, ...]) -> tuple[WatchEntry, ...]:
        """Watch entries (with their details) for the imported people that ``existing`` does
        not hold yet (ignoring case)."""
        return _fresh(self.people, existing)

    def new_room_entries(self, existing: tuple[str, ...]) -> tuple[WatchEntry, ...]:
        """Watch entries (with seats, building, floor) for the imported rooms that
        ``existing`` does not hold yet (ignoring case)."""
        return _fresh(self.rooms, existing)


class CsvUnreadable(Exception):
    """The file cannot be read at all (missing, a folder, not text)."""


def _decoded(data: bytes, path: Path) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and PowerShell's -Encoding Unicode: UTF-16 with a BOM.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise CsvUnreadable(f"{path} is not readable UTF-16 text.") from error
    if b"\0" in data[:4096]:
        raise CsvUnreadable(f"{path} is not a text file; save the list as CSV.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 maps nearly every byte.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as error:
            raise CsvUnreadable(
                f"{path} is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8."
            ) from error


def read_people_csv(path: Path) -> CsvImport:
    """The people and rooms in the CSV file ``path``; CsvUnreadable when it is not text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CsvUnreadable(f"{path} cannot be read: {error.strerror or error}") from error
    text, encoding = _decoded(data, path)
    result = parse_people_csv(text)
    return CsvImport(
        result.people,
        result.problems,
        result.has_header,
        result.delimiter,
        encoding,
        result.rooms,
    )


def _preamble(lines: list[str]) -> tuple[int, str | None]:
    """How many leading lines are not data (PowerShell's ``#TYPE``, Excel's ``sep=;``, blank
    lines), and the separator a ``sep=`` line names."""
    skipped, named = 0, None
    for raw in lines:
        stripped = raw.strip().strip('"')
        if not stripped or stripped.startswith("#TYPE") or stripped.startswith("#"):
            skipped += 1
        elif stripped.lower().startswith("sep=") and len(stripped) <= 5:
            named = raw.split("=", 1)[1][:1] or None
            skipped += 1
        else:
            break
    return skipped, named


def parse_people_csv(text: str) -> CsvImport:
    """The people and rooms in CSV ``text`` (see the module's docstring for what is read)."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    skipped, named = _preamble(lines)
    body = "".join(lines[skipped:])
    delimiter = named if named is not None else _delimiter(body)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, skipinitialspace=True)
    parser = _Rows(skipped)
    try:
        for row in reader:
            line = parser.next_line
            parser.next_line = skipped + reader.line_num + 1
            if not parser.take(line, [cell.strip() for cell in row]):
                break
    except csv.Error as error:
        parser.problems.append(RowProblem(parser.next_line, f"cannot be read as CSV: {error}"))
    return CsvImport(
        tuple(parser.people),
        tuple(parser.problems),
        parser.columns is not None,
        delimiter,
        rooms=tuple(parser.rooms),
    )


class _Rows:
    """The rows of one file as they come: the header, then people, rooms and problems."""

    def __init__(self, skipped: int) -> None:
        self.next_line = skipped + 1
        self.people: list[ImportedPerson] = []
        self.rooms: list[ImportedRoom] = []
        self.problems: list[RowProblem] = []
        self.columns: dict[str, int] | None = None
        self.width = len(COLUMNS)
        self.first = True
        self.rooms_file = False
        self.seen: dict[str, int] = {}

    def take(self, line: int, cells: list[str]) -> bool:
        """Read one row; False when the rest of the file is not worth reading."""
        if not any(cells):
            return True
        if self.first:
            self.first = False
            columns = header_columns(cells)
            if columns is not None:
                self.columns, self.width = columns, len(cells)
                if "email" not in columns and "upn" not in columns:
                    self.problems.append(
                        RowProblem(line, "the header names no e-mail column (email)")
                    )
                    return False
                named = set(columns)
                self.rooms_file = bool(named & ROOM_COLUMNS) and not named & PERSON_COLUMNS
                return True
        if len(self.people) + len(self.rooms) + len(self.problems) >= MAX_ROWS:
            self.problems.append(
                RowProblem(line, f"more than {MAX_ROWS} rows; the rest is skipped")
            )
            return False
        row, problem = self._row(line, cells)
        if problem is not None or row is None:
            self.problems.append(RowProblem(line, problem or "cannot be read"))
            return True
        folded = row.email.casefold()
        if folded in self.seen:
            self.problems.append(
                RowProblem(line, f"{row.email} repeats line {self.seen[folded]}; skipped")
            )
            return True
        self.seen[folded] = line
        if isinstance(row, ImportedRoom):
            self.rooms.append(row)
        else:
            self.people.append(row)
        return True

    def _row(
        self, line: int, cells: list[str]
    ) -> tuple[ImportedPerson | ImportedRoom | None, str | None]:
        columns = self.columns
        if len(cells) > self.width and not (columns is None and len(cells) == 1):
            named = "(as many as the header)" if columns is not None else f"({', '.join(COLUMNS)})"
            return None, (
                f"has {len(cells)} columns, expected at most {self.width} {named}; a comma "
                "inside a name needs quotes"
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
        email = values.get("email") or values.get("upn") or ""
        if not email:
            return None, "no e-mail address"
        name = values.get("name") or " ".join(
            part for part in (values.get("first_name"), values.get("last_name")) if part
        )
        kind = values.get("kind")
        room = is_room_kind(kind) if kind else self.rooms_file
        if room:
            return _room(line, email, name, values)
        person = ImportedPerson(
            line=line,
            email=email,
            name=name,
            department=values.get("department", ""),
            phone=values.get("phone", ""),
            mobile=values.get("mobile", ""),
            job_title=values.get("job_title", ""),
            group=values.get("group", ""),
        )
        return person, _problem("watch.people", person.entry)


def _room(
    line: int, email: str, name: str, values: dict[str, str]
) -> tuple[ImportedRoom | None, str | None]:
    seats = values.get("capacity", "")
    capacity: int | None = None
    if seats:
        try:
            number = float(seats.replace(",", "."))
        except ValueError:
            number = 0.0
        if number < 1 or number != int(number):
            return None, f"capacity {seats!r} is not a whole number of seats"
        capacity = int(number)
    room = ImportedRoom(
        line=line,
        email=email,
        name=name,
        capacity=capacity,
        building=values.get("building", ""),
        floor=values.get("floor", ""),
        group=values.get("group", ""),
    )
    return room, _problem("watch.rooms", room.entry)


def _problem(key: str, entry: WatchEntry) -> str | None:
    """What the settings schema says is wrong with ``entry``, said of one row."""
    message = validate_value(key, (entry.address,))
    if message is None:
        message = validate_value(key, (entry,))
    return None if message is None else message.removeprefix("entry 1 ")


def _delimiter(text: str) -> str:
    """The separator of the first non-empty line: the most frequent of comma, semicolon and
    tab outside quotes (a comma when none is there)."""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        counts = dict.fromkeys(",;\t", 0)
        quoted = False
        for char in raw:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        best = max(counts, key=lambda sep: (counts[sep], sep == ","))
        return best if counts[best] else ","
    return ","
