"""The packaged program's entry script, shared by both executables: what ``attendant`` does.

A windowed build (``Attendant`` on Windows and macOS) starts with ``sys.stdout`` and
``sys.stderr`` set to None. The console window copes with that: logging then writes only
``ApplicationLogFile.txt``. A subcommand, though, prints its result: run through the windowed
executable it would fail on the missing stream, so it writes to the null device instead and
still returns its exit code. ``attendant-cli`` is the executable to use from a console.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: The subcommands of INTERFACES.md §1 (tests/test_packaging.py compares with the parser).
SUBCOMMANDS = frozenset(
    {"check", "availability", "rooms", "free-rooms", "signin", "paths", "diagnose"}
)


def give_subcommands_streams(argv: Sequence[str]) -> None:
    """Bind missing standard streams to the null device when ``argv`` names a subcommand.

    Only then: the console window must keep running without a ``sys.stderr``, or logging
    would add a console sink that writes to nowhere.
    """
    if not SUBCOMMANDS.intersection(argv):
        return
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115 (for the process)


def main() -> int:
    give_subcommands_streams(sys.argv[1:])
    from attendant.cli import main as attendant_main

    return attendant_main()


if __name__ == "__main__":
    sys.exit(main())
