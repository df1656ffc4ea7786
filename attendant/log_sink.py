"""The log file's lines: one greppable block per event, repeats counted, rotation by size.

:mod:`attendant.log` wires these to loguru; this module knows nothing of loguru or Qt and
works on formatted text, so each piece is tested on its own.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

__all__ = ["CONTINUATION", "RepeatCounter", "RotatingFileSink", "fold_lines", "line_prefix"]

_WARNING = 30  # logging.WARNING and loguru's WARNING


class RotatingFileSink:
    """A sink writing text to a file that rotates by size.

    Rotation renames ``name`` to ``name.1``, ``name.1`` to ``name.2`` … and deletes what
    would become ``name.<backups + 1>``. The size is taken from the file itself, and a file
    renamed away by another Attendant process is noticed and reopened, so a GUI and a
    command sharing the log still rotate it. A failed rotation (on Windows, while another
    process has the file open) is tried again at the next line; logging goes on meanwhile.
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if backups < 0:
            raise ValueError("backups must not be negative")
        self.path = path
        self._max_bytes = max_bytes
        self._backups = backups
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None

    def __call__(self, message: str) -> None:
        text = str(message).replace("\n", os.linesep)
        data = text.encode("utf-8", "backslashreplace")
        with self._lock:
            file = self._current()
            size = os.fstat(file.fileno()).st_size
            if size > 0 and size + len(data) > self._max_bytes:
                file = self._rotate(file)
            file.write(data)
            file.flush()

    def open(self) -> None:
        """Create the folder and the file now rather than at the first line."""
        with self._lock:
            self._current()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _current(self) -> BinaryIO:
        file = self._file
        if file is not None:
            try:
                if os.path.samestat(os.fstat(file.fileno()), self.path.stat()):
                    return file
            except OSError:
                pass  # deleted or renamed away: reopen under the name
            file.close()
        return self._open()

    def _open(self) -> BinaryIO:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._file = self.path.open("ab")
        return self._file

    def _rotate(self, file: BinaryIO) -> BinaryIO:
        file.close()
        self._file = None
        try:
            if self._backups == 0:
                self.path.unlink(missing_ok=True)
            else:
                self._backup(self._backups).unlink(missing_ok=True)
                for index in range(self._backups - 1, 0, -1):
                    if self._backup(index).exists():
                        self._backup(index).replace(self._backup(index + 1))
                self.path.replace(self._backup(1))
        except OSError:
            pass  # keep appending to the current file; the next line tries again
        return self._open()

    def _backup(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{index}")


# ---------------------------------------------------------------------------------------
# One event, one greppable block

#: What starts the message of every line after an event's first (a traceback, a long text).
CONTINUATION = "  "
_FIELD = " | "


def line_prefix(line: str) -> str:
    """The ``time | level | component | `` start of a formatted log line ("" if none)."""
    at = -1
    for _ in range(3):
        at = line.find(_FIELD, at + 1)
        if at < 0:
            return ""
    return line[: at + len(_FIELD)]


def fold_lines(text: str) -> str:
    """One event's formatted text, each of its lines starting with the event's time, level
    and component.

    A traceback or a multi-line message is kept, but every line after the first gets the
    first line's ``time | level | component | `` and two spaces before its own text, so that
    ``grep ERROR`` or ``grep 'attendant.crash'`` returns the whole event and a reader (or a
    program) tells the continuation from a new event by the two spaces. Blank lines are
    dropped. The result ends with one newline.
    """
    lines = [line.rstrip("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    prefix = line_prefix(lines[0])
    rest = [prefix + CONTINUATION + line for line in lines[1:] if line.strip()]
    return "\n".join([lines[0], *rest]) + "\n"


# ---------------------------------------------------------------------------------------
# Repeated identical failures, counted


@dataclass
class _Run:
    prefix_level: str
    component: str
    message: str
    first: datetime
    count: int = 1  # how many times seen since ``first`` (the first one was written)
    reported: int = 1  # ``count`` when the line or its count was last written
    written: float = field(default_factory=time.monotonic)


def _stamp(now: datetime) -> str:
    offset = now.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else "+00:00"
    return f"{now:%Y-%m-%d %H:%M:%S}.{now.microsecond // 1000:03d} {offset}"


class RepeatCounter:
    """Writes an identical failure once, then counts it instead of writing it again.

    A failure (WARNING or worse, without a traceback) whose level, component and message are
    the same as one already written is held back. The count is written as one line, the
    message followed by ``(x12 since 09:14)``, when something else is logged by the same
    component (a recovery, another failure), when an hour has passed since the line was last
    written, or at :meth:`flush` (the program stops).
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        summary_every: float = 3600.0,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self._write = write
        self._every = summary_every
        self._clock = clock
        self._runs: dict[tuple[str, str, str], _Run] = {}
        self._at: datetime | None = None
        self._lock = threading.Lock()

    def event(
        self,
        level: str,
        level_no: int,
        component: str,
        message: str,
        text: str,
        at: datetime | None = None,
    ) -> None:
        """``text`` is the formatted event; the other fields are the record's (``at`` its
        time, which also stamps a count this event makes due)."""
        with self._lock:
            self._at = at
            counted = level_no >= _WARNING and "\n" not in message
            key = (level, component, message)
            run = self._runs.get(key) if counted else None
            if run is not None:
                run.count += 1
                if time.monotonic() - run.written >= self._every:
                    self._summarise(run)
                    run.written = time.monotonic()
                return
            for other in [k for k in self._runs if k[1] == component]:
                self._summarise(self._runs.pop(other))
            self._write(text)
            if counted:
                self._runs[key] = _Run(level, component, message, at or self._clock())

    def flush(self) -> None:
        """Write the counts still held back (the program stops)."""
        with self._lock:
            self._at = None
            for run in self._runs.values():
                self._summarise(run)
            self._runs.clear()

    def _summarise(self, run: _Run) -> None:
        if run.count <= run.reported:
            return
        now = self._at or self._clock()
        same_day = run.first.date() == now.date()
        since = run.first.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
        self._write(
            f"{_stamp(now)} | {run.prefix_level: <8} | {run.component} | "
            f"{run.message} (x{run.count} since {since})\n"
        )
        run.reported = run.count
