"""The log's lines: one greppable block per event, repeats counted, noise once, size bound."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from loguru import logger

from attendant.log import (
    configure_logging,
    fold_lines,
    install_excepthook,
    once,
    shutdown_logging,
)
from attendant.log_sink import RepeatCounter

LINE = re.compile(
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2} \| [A-Z]+ *\| \S+ \| .*$"
)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "logs" / "ApplicationLogFile.txt"
    shutdown_logging()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_fold_lines_prefixes_every_line_with_time_level_and_component() -> None:
    head = "2026-11-23 09:14:00.000 +01:00 | ERROR    | attendant.crash | Boom"
    text = f'{head}\nTraceback (most recent call last):\n  File "x.py", line 1\n\nValueError\n'

    folded = fold_lines(text).splitlines()

    prefix = "2026-11-23 09:14:00.000 +01:00 | ERROR    | attendant.crash | "
    assert folded == [
        head,
        prefix + "  Traceback (most recent call last):",
        prefix + '    File "x.py", line 1',
        prefix + "  ValueError",
    ]
    assert fold_lines(head + "\n") == head + "\n"


def test_a_crash_traceback_is_folded_into_greppable_lines(log_file: Path) -> None:
    configure_logging(log_file, console=False)
    original = sys.excepthook
    install_excepthook()
    try:
        raise RuntimeError("unexpected state")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    shutdown_logging()
    assert sys.excepthook is original

    written = lines(log_file)
    crash = [line for line in written if "| attendant.crash |" in line]
    assert len(crash) >= 4  # the event's line, "Traceback…", a frame, the exception
    assert crash == written  # nothing of the event without its prefix
    assert all(LINE.match(line) for line in written)
    assert crash[0].endswith(
        "| CRITICAL | attendant.crash | Unhandled exception: RuntimeError: unexpected state"
    )
    assert crash[1].endswith("| attendant.crash |   Traceback (most recent call last):")
    assert crash[-1].endswith("|   RuntimeError: unexpected state")


def test_identical_failures_are_counted_not_repeated(log_file: Path) -> None:
    configure_logging(log_file, console=False)
    for _ in range(12):
        logger.warning("Refresh from exchange failed: mail.contoso.com refused the connection.")
    logger.info("Feed back after 12 failures")
    logger.warning("Refresh from exchange failed: mail.contoso.com refused the connection.")
    shutdown_logging()

    messages = [line.split(" | ", 3)[3] for line in lines(log_file)]
    since = re.escape(datetime.now().astimezone().strftime("%H:")) + r"\d\d"
    assert messages[0] == "Refresh from exchange failed: mail.contoso.com refused the connection."
    assert re.fullmatch(
        r"Refresh from exchange failed: mail\.contoso\.com refused the connection\. "
        rf"\(x12 since {since}\)",
        messages[1],
    )
    assert messages[2:] == [
        "Feed back after 12 failures",
        "Refresh from exchange failed: mail.contoso.com refused the connection.",
    ]
    assert all(LINE.match(line) for line in lines(log_file))


def test_a_repeat_that_goes_on_is_counted_again_every_hour() -> None:
    written: list[str] = []
    now = [datetime(2026, 11, 23, 9, 14, tzinfo=timezone(timedelta(hours=1)))]
    counter = RepeatCounter(written.append, summary_every=0.0, clock=lambda: now[0])

    counter.event("WARNING", 30, "refresh", "down", "first line\n")
    now[0] += timedelta(minutes=1)
    counter.event("WARNING", 30, "refresh", "down", "not written\n")
    now[0] += timedelta(minutes=1)
    counter.event("WARNING", 30, "refresh", "down", "not written\n")
    counter.flush()

    assert written[0] == "first line\n"
    assert written[1].endswith("| WARNING  | refresh | down (x2 since 09:14)\n")
    assert written[1].startswith("2026-11-23 09:15:00.000 +01:00 | ")
    assert written[2].endswith("| refresh | down (x3 since 09:14)\n")
    assert len(written) == 3  # flush has nothing new to say


def test_info_lines_and_tracebacks_are_never_held_back() -> None:
    written: list[str] = []
    counter = RepeatCounter(written.append)
    for _ in range(3):
        counter.event("INFO", 20, "app", "tick", "tick\n")
        counter.event("ERROR", 40, "app", "crash\nTraceback", "crash\n")
    assert written == ["tick\n", "crash\n"] * 3


def test_once_is_true_only_the_first_time() -> None:
    key = f"test-once-{id(object())}"
    assert once(key) is True
    assert once(key) is False
    assert once(key) is False


def test_rotation_bounds_the_log_folder(log_file: Path) -> None:
    max_bytes, backups = 4_000, 2
    configure_logging(log_file, console=False, max_bytes=max_bytes, backups=backups)
    for number in range(3_000):
        logger.info("event {:05d} {}", number, "z" * 60)
    shutdown_logging()

    files = sorted(log_file.parent.iterdir())
    assert [p.name for p in files] == [
        log_file.name,
        f"{log_file.name}.1",
        f"{log_file.name}.2",
    ]
    longest = max(len(line) for p in files for line in p.read_bytes().splitlines(keepends=True))
    total = sum(p.stat().st_size for p in files)
    assert total <= (backups + 1) * (max_bytes + longest)
    assert "event 02999" in log_file.read_text(encoding="utf-8")


def test_an_unreadable_keyring_is_reported_once_per_run(log_file: Path) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from attendant.settings.secrets import get_password

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        configure_logging(log_file, console=False)
        assert get_password("CONTOSO\\reception") is None
        assert get_password("CONTOSO\\reception") is None  # a provider asks again
        configure_logging(log_file, console=False)  # the next run says it again
        assert get_password("CONTOSO\\reception") is None
    finally:
        keyring.set_keyring(previous)
    shutdown_logging()

    warnings = [line for line in lines(log_file) if "keyring cannot be read" in line]
    assert len(warnings) == 2
    assert all("| WARNING  | attendant.settings.secrets | " in line for line in warnings)
