"""Dotted TOML keys: how they are spelled, and on which line of a file each one is written.

``tomllib`` gives values but not positions, and an admin needs the line. The locator here is a
small scanner for text that ``tomllib`` has already accepted: it records the line of every
table header (``[calendar.exchange]``, ``[[x]]``), every key of a key/value pair (dotted keys
included) and every key inside an inline table, and steps over values, strings and comments.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re

KeyPath = tuple[str, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\r\n#]+")


def dotted(path: KeyPath) -> str:
    """``path`` as a TOML dotted key, quoting parts that are not bare keys."""
    return ".".join(part if _BARE.fullmatch(part) else json.dumps(part) for part in path)


def split_dotted(key: str) -> KeyPath:
    """The parts of the TOML dotted key ``key`` (the inverse of :func:`dotted`)."""
    scanner = _Scanner(key)
    path = scanner.key()
    scanner.skip_blanks()
    if not scanner.at_end():
        raise ValueError(f"not a dotted key: {key!r}")
    return path


def key_lines(text: str) -> dict[KeyPath, int]:
    """The 1-based line where each key path is first written in the TOML ``text``.

    Parents of a header or a dotted key are recorded at the same line when they are not written
    anywhere earlier. Keys inside arrays are not recorded, but each entry of an array is, as
    :func:`entry_path` names it. A text that is not valid TOML gives
    whatever was found before the scanner lost its way.
    """
    scanner = _Scanner(text)
    with contextlib.suppress(_ScanError):
        scanner.document()
    return scanner.found


def entry_path(path: KeyPath, number: int) -> KeyPath:
    """The path :func:`key_lines` records the 1-based entry ``number`` of the array ``path`` at."""
    return (*path, f"[{number}]")


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, else of its nearest written parent, else None."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


class _ScanError(ValueError):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[KeyPath, int] = {}
        self._newlines = [index for index, char in enumerate(text) if char == "\n"]

    # -- low level --------------------------------------------------------------------------

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def line(self) -> int:
        return bisect.bisect_left(self._newlines, self.pos) + 1

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise _ScanError(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_space_and_comments(self) -> None:
        """Skips whitespace, newlines and comments."""
        while not self.at_end():
            char = self.peek()
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def record(self, path: KeyPath, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.found.setdefault(path[:end], line)

    # -- keys ---------------------------------------------------------------------------------

    def key(self) -> KeyPath:
        parts = [self.simple_key()]
        while True:
            self.skip_blanks()
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1
            self.skip_blanks()
            parts.append(self.simple_key())

    def simple_key(self) -> str:
        char = self.peek()
        if char == '"':
            start = self.pos
            self.basic_string()
            raw = self.text[start : self.pos]
            try:
                decoded = json.loads(raw)
            except ValueError:
                return raw[1:-1]
            return decoded if isinstance(decoded, str) else raw[1:-1]
        if char == "'":
            end = self.text.find("'", self.pos + 1)
            if end < 0:
                raise _ScanError("unterminated literal key")
            part = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return part
        match = _BARE.match(self.text, self.pos)
        if match is None:
            raise _ScanError(f"expected a key at {self.pos}")
        self.pos = match.end()
        return match.group()

    # -- document -------------------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_space_and_comments()
            if self.at_end():
                return
            line = self.line()
            if self.peek() == "[":
                double = self.peek(2) == "[["
                self.pos += 2 if double else 1
                self.skip_blanks()
                table = self.key()
                self.skip_blanks()
                self.expect("]]" if double else "]")
                self.record(table, line)
            else:
                self.key_value(table)
            self.skip_blanks()
            if self.peek() == "#":
                self.skip_comment()

    def key_value(self, table: KeyPath | None) -> None:
        line = self.line()
        key = self.key()
        self.skip_blanks()
        self.expect("=")
        self.skip_blanks()
        path = None if table is None else table + key
        if path is not None:
            self.record(path, line)
        self.value(path)

    # -- values ---------------------------------------------------------------------------------

    def value(self, path: KeyPath | None) -> None:
        char = self.peek()
        if char == "{":
            self.inline_table(path)
        elif char == "[":
            self.array(path)
        elif self.peek(3) in ('"""', "'''"):
            self.multiline_string(self.peek(3))
        elif char == '"':
            self.basic_string()
        elif char == "'":
            end = self.text.find("'", self.pos + 1)
            if end < 0:
                raise _ScanError("unterminated literal string")
            self.pos = end + 1
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match is None:
                raise _ScanError(f"expected a value at {self.pos}")
            self.pos = match.end()

    def inline_table(self, path: KeyPath | None) -> None:
        self.expect("{")
        while True:
            self.skip_space_and_comments()
            if self.peek() == "}":
                self.pos += 1
                return
            self.key_value(path)
            self.skip_space_and_comments()
            if self.peek() == ",":
                self.pos += 1

    def array(self, path: KeyPath | None) -> None:
        self.expect("[")
        number = 0
        while True:
            self.skip_space_and_comments()
            if self.peek() == "]":
                self.pos += 1
                return
            if self.at_end():
                raise _ScanError("unterminated array")
            number += 1
            if path is not None:
                self.found.setdefault(entry_path(path, number), self.line())
            self.value(None)
            self.skip_space_and_comments()
            if self.peek() == ",":
                self.pos += 1

    def basic_string(self) -> None:
        self.expect('"')
        while not self.at_end():
            char = self.peek()
            if char == "\\":
                self.pos += 2
            elif char == '"':
                self.pos += 1
                return
            elif char == "\n":
                break
            else:
                self.pos += 1
        raise _ScanError("unterminated string")

    def multiline_string(self, quotes: str) -> None:
        self.expect(quotes)
        while not self.at_end():
            if quotes == '"""' and self.peek() == "\\":
                self.pos += 2
            elif self.text.startswith(quotes, self.pos):
                self.pos += 3
                while self.peek() == quotes[0]:  # up to two quotes may end the content
                    self.pos += 1
                return
            else:
                self.pos += 1
        raise _ScanError("unterminated multi-line string")
