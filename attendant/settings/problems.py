"""What is wrong with a settings file, said so that an admin can find and fix it.

Every problem names the file, the line and the dotted key where it can, like a compiler does,
because the person reading it is usually looking at the file in an editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning about one place in a settings file (or in a settings object)."""

    file: Path | None
    line: int | None
    key: str | None
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(str(self.file) if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.severity == "warning":
            parts.append("warning")
        if self.key is not None:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)


class SettingsError(Exception):
    """A settings file (or settings object) that does not parse or validate.

    ``problems`` holds every error found, not just the first, so that one round of editing
    can fix them all.
    """

    def __init__(self, path: Path | None, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.path}: invalid settings"
        return "\n".join(str(problem) for problem in self.problems)
