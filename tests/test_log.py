"""attendant.log: the log file's format, levels, rotation, redaction and crash hook."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from loguru import logger

from attendant.log import (
    RotatingFileSink,
    configure_logging,
    install_excepthook,
    redact,
    register_secret,
    shutdown_logging,
)

if TYPE_CHECKING:
    from loguru import Record

# A realistic (unsigned-looking but well-formed) access token for EWS.
JWT = (
    "eyJ0eXAiOiJKV1QiLCJub25jZSI6IkFCQyIsImFsZyI6IlJTMjU2IiwieDV0IjoiWFlaIn0"
    ".eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSIsImlzcyI6Imh0dHBzOi8vc3RzLndp"
    "bmRvd3MubmV0L3RlbmFudC8iLCJzY3AiOiJFV1MuQWNjZXNzQXNVc2VyLkFsbCIsInVwbiI6InJlY2VwdGlvbkBj"
    "b250b3NvLmNvbSJ9"
    ".SGVsbG9TaWduYXR1cmVfLXdpdGgtdXJsc2FmZS1jaGFyYWN0ZXJzX3RoYXRfbG9va19yZWFs"
)

LINE = re.compile(
    r"^(?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2}) \| "
    r"(?P<level>[A-Z]+) *\| (?P<component>\S+) \| (?P<message>.*)$"
)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "logs" / "ApplicationLogFile.txt"
    shutdown_logging()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def entries(path: Path) -> list[re.Match[str]]:
    return [m for line in read(path).splitlines() if (m := LINE.match(line))]


def test_line_has_time_with_offset_level_and_component(log_file: Path) -> None:
    configure_logging(log_file, console=False)

    logger.error("refresh failed")
    logging.getLogger("exchangelib.services.common").warning("server busy")

    found = entries(log_file)
    assert [(m["level"], m["component"], m["message"]) for m in found] == [
        ("ERROR", __name__, "refresh failed"),
        ("WARNING", "exchangelib.services.common", "server busy"),
    ]
    # The level column is padded to a fixed width, as in "| ERROR    |".
    assert "| ERROR    | " in read(log_file)


def test_missing_log_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "ApplicationLogFile.txt"
    try:
        configure_logging(path, console=False)
        assert path.is_file()  # there for support to collect, even before the first line
        logger.info("first line")
        assert "first line" in read(path)
    finally:
        shutdown_logging()


def test_library_levels_at_info(log_file: Path) -> None:
    configure_logging(log_file, level="INFO", console=False)

    logging.getLogger("exchangelib").warning("exchangelib warning arrives")
    logging.getLogger("exchangelib.protocol").info("exchangelib info stays out")
    logging.getLogger("exchangelib").debug("exchangelib debug stays out")
    logging.getLogger("urllib3.connectionpool").info("urllib3 info stays out")
    logging.getLogger("attendant.services.refresh").info("attendant info arrives")
    logging.getLogger("attendant.services.refresh").debug("attendant debug stays out")

    text = read(log_file)
    assert "exchangelib warning arrives" in text
    assert "attendant info arrives" in text
    assert "stays out" not in text


def test_library_levels_at_debug_keep_exchangelib_at_info(log_file: Path) -> None:
    configure_logging(log_file, level="DEBUG", console=False)

    logging.getLogger("exchangelib.protocol").debug("<soap:Envelope> stays out")
    logging.getLogger("exchangelib.protocol").info("exchangelib info arrives")
    logging.getLogger("msal.application").debug("msal debug arrives")

    def from_our_module(record: Record) -> None:
        record["name"] = "attendant.services.refresh"

    logger.patch(from_our_module).debug("attendant debug arrives")

    text = read(log_file)
    assert "exchangelib info arrives" in text
    assert "msal debug arrives" in text
    assert "attendant debug arrives" in text
    assert "stays out" not in text


def test_secrets_are_redacted_at_the_sink(log_file: Path) -> None:
    configure_logging(log_file, console=False)
    registered = "Tr0ub4dor&3-horse"
    register_secret(registered)
    local_only = "CorrectHorseBatteryStaple-local"
    secrets = [
        JWT,
        "dXNlcjpwYXNz",
        "hunter2x",
        "0.AXYZ-refresh-token-value_123",
        registered,
        local_only,
        "EwB4A8l6BAAUkj-library-token",
    ]

    logger.info("request headers: Authorization: Bearer {}", JWT)
    logger.info("sent {}", {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "text/xml"})
    logger.warning("retrying POST /login with password=hunter2x&user=reception")
    logger.info(
        'token response {"token_type": "Bearer", "refresh_token": "0.AXYZ-refresh-token-value_123"}'
    )

    def sign_in(password: str) -> None:
        attempt = local_only  # a local variable: must not be printed (diagnose=False)
        raise PermissionError(f"server rejected {password} on attempt {attempt[:0]}")

    try:
        sign_in(registered)
    except PermissionError:
        logger.exception("sign-in failed")

    logging.getLogger("msal.token_cache").warning(
        "cache write %s", {"access_token": "EwB4A8l6BAAUkj-library-token", "expires_in": 3599}
    )

    text = read(log_file)
    for secret in secrets:
        assert secret not in text
    assert "Authorization: [REDACTED]" in text
    assert "'Authorization': '[REDACTED]'" in text
    assert "password=[REDACTED]&user=reception" in text
    assert '"refresh_token": "[REDACTED]"' in text
    assert "server rejected [REDACTED]" in text
    assert "'access_token': '[REDACTED]'" in text
    # The exception still comes with its traceback.
    assert "Traceback (most recent call last):" in text
    assert "PermissionError: server rejected [REDACTED]" in text


def test_stderr_sink_redacts_too(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(log_file)  # console=None: a stderr sink at WARNING

    logger.info("info is not shown on the console")
    logger.warning("token expired: Authorization: Bearer {}", JWT)

    err = capsys.readouterr().err
    assert "Authorization: [REDACTED]" in err
    assert JWT not in err
    assert "info is not shown" not in err


@pytest.mark.parametrize("console", [None, True])
def test_no_stderr_does_not_crash(
    log_file: Path, monkeypatch: pytest.MonkeyPatch, console: bool | None
) -> None:
    monkeypatch.setattr(sys, "stderr", None)

    configure_logging(log_file, console=console)
    logger.warning("windowed build")

    assert "windowed build" in read(log_file)


def test_reconfiguring_replaces_sinks(tmp_path: Path, log_file: Path) -> None:
    first = tmp_path / "first" / "ApplicationLogFile.txt"
    configure_logging(first, console=False)
    logger.info("to the first file")

    configure_logging(log_file, console=False)
    configure_logging(log_file, console=False)
    logger.info("exactly once")
    logging.getLogger("exchangelib").warning("stdlib exactly once")

    assert "exactly once" not in read(first)
    assert read(log_file).count("| exactly once") == 1
    assert read(log_file).count("stdlib exactly once") == 1


def test_shutdown_restores_stdlib_logging(log_file: Path) -> None:
    root = logging.getLogger()
    handlers = list(root.handlers)
    root_level = root.level
    exchangelib_level = logging.getLogger("exchangelib").level

    configure_logging(log_file, level="DEBUG", console=False)
    assert len(root.handlers) == len(handlers) + 1
    logger.info("before shutdown")
    shutdown_logging()

    assert root.handlers == handlers
    assert root.level == root_level
    assert logging.getLogger("exchangelib").level == exchangelib_level
    logger.info("after shutdown")
    logging.getLogger("attendant").warning("stdlib after shutdown")
    assert "before shutdown" in read(log_file)
    assert "after shutdown" not in read(log_file)


def test_size_rotation_keeps_bounded_backups(log_file: Path) -> None:
    max_bytes, backups = 2_000, 3
    configure_logging(log_file, console=False, max_bytes=max_bytes, backups=backups)

    for number in range(400):
        logger.info("line {:04d} {}", number, "x" * 40)

    folder = log_file.parent
    rotated = sorted(p.name for p in folder.iterdir() if p.name != log_file.name)
    assert rotated == [f"{log_file.name}.{n}" for n in range(1, backups + 1)]
    line_length = max(len(line) for line in log_file.read_bytes().splitlines(keepends=True))
    for path in [log_file, *(folder / name for name in rotated)]:
        assert path.stat().st_size <= max_bytes + line_length
    assert "line 0399" in read(log_file)

    def numbers(path: Path) -> list[int]:
        return [int(n) for n in re.findall(r"line (\d{4})", read(path))]

    # .1 is the newest backup and continues right where .2 left off.
    newest_backup, older_backup = numbers(folder / rotated[0]), numbers(folder / rotated[1])
    assert older_backup[-1] + 1 == newest_backup[0]
    assert newest_backup[-1] + 1 == numbers(log_file)[0]
    assert "line 0000" not in "".join(read(folder / name) for name in rotated)


def test_two_writers_share_one_rotating_log(log_file: Path) -> None:
    # Two sinks on one file stand for the GUI and an `attendant check` run side by side.
    gui = RotatingFileSink(log_file, max_bytes=1_000, backups=2)
    cli = RotatingFileSink(log_file, max_bytes=1_000, backups=2)
    try:
        for number in range(200):
            (gui if number % 2 else cli)(f"line {number:04d} {'y' * 30}\n")
    finally:
        gui.close()
        cli.close()

    names = sorted(p.name for p in log_file.parent.iterdir())
    assert names == [log_file.name, f"{log_file.name}.1", f"{log_file.name}.2"]
    for name in names:
        assert (log_file.parent / name).stat().st_size <= 1_000
    current = read(log_file)
    assert "line 0198" in current
    assert "line 0199" in current


def test_excepthook_logs_critical_with_traceback(log_file: Path) -> None:
    configure_logging(log_file, console=False)
    register_secret("s3cret-in-crash")
    crashes: list[str] = []
    original = sys.excepthook
    install_excepthook(crashes.append)

    try:
        raise RuntimeError("unexpected state s3cret-in-crash")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())  # what the interpreter does with an uncaught one

    assert crashes == ["RuntimeError: unexpected state [REDACTED]"]
    text = read(log_file)
    assert re.search(r"\| CRITICAL \| attendant\.crash \| Unhandled exception: RuntimeError", text)
    assert "Traceback (most recent call last):" in text
    assert "s3cret-in-crash" not in text

    shutdown_logging()
    assert sys.excepthook is original


def test_thread_excepthook_reports_the_thread(log_file: Path) -> None:
    configure_logging(log_file, console=False)
    crashes: list[str] = []
    install_excepthook(crashes.append)

    def work() -> None:
        raise ValueError("bad free/busy data")

    thread = threading.Thread(target=work, name="refresh-worker")
    thread.start()
    thread.join()

    assert crashes == ["ValueError: bad free/busy data"]
    text = read(log_file)
    assert "Unhandled exception in thread refresh-worker: ValueError" in text
    assert "Traceback (most recent call last):" in text


def test_keyboard_interrupt_goes_to_the_default_hook(
    log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "__excepthook__", lambda t, v, tb: seen.append(t))
    configure_logging(log_file, console=False)
    crashes: list[str] = []
    install_excepthook(crashes.append)

    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)

    assert seen == [KeyboardInterrupt]
    assert crashes == []
    assert "CRITICAL" not in read(log_file)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag", "Authorization: [REDACTED]"),
        ('{"authorization": "Bearer abc.def"}', '{"authorization": "[REDACTED]"}'),
        ("<t:Password>pa ss</t:Password>", "<t:Password>[REDACTED]</t:Password>"),
        ("client_secret=abc~123&x=1", "client_secret=[REDACTED]&x=1"),
        ("device_code: DAQABAAEAAAD", "device_code: [REDACTED]"),
        ('{"id_token": "a.b.c"}', '{"id_token": "[REDACTED]"}'),
        ("ATTENDANT_PASSWORD=topsecret", "ATTENDANT_PASSWORD=[REDACTED]"),
        ("redirect?code=0.AbC123&state=1", "redirect?code=[REDACTED]&state=1"),
        (f"token {JWT} expired", "token [REDACTED] expired"),
        (
            "WWW-Authenticate: NTLM TlRMTVNTUAACAAAADAAMADgAAAAF",
            "WWW-Authenticate: NTLM [REDACTED]",
        ),
        # Readable text stays readable.
        (
            "HTTP status code=401, code: ErrorServerBusy",
            "HTTP status code=401, code: ErrorServerBusy",
        ),
        ("Basic authentication rejected", "Basic authentication rejected"),
        ("password: not set", "password: not set"),
        ("password=None", "password=None"),
        (
            "key calendar.exchange.password is not allowed",
            "key calendar.exchange.password is not allowed",
        ),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact(expected) == expected  # idempotent: redacting twice changes nothing


def test_register_secret_covers_escaped_spellings_and_ignores_short_values() -> None:
    secret = 'p@ss"w&rd 42'
    register_secret(secret)
    register_secret("abc")
    register_secret("")

    assert redact(f"x {secret} y") == "x [REDACTED] y"
    assert "w&rd" not in redact('json: "p@ss\\"w&rd 42"')
    assert "w&amp;rd" not in redact("xml: p@ss&quot;w&amp;rd 42")
    assert "w%26rd" not in redact("url: p%40ss%22w%26rd%2042")
    assert redact("abc and an empty value") == "abc and an empty value"
