"""Logging for Attendant: one loguru configuration, done once by the composition root.

Everything ends up in ``ApplicationLogFile.txt``: our own loguru calls, the standard
``logging`` records of exchangelib, msal, urllib3 and friends (routed in by an intercepting
handler on the root logger), and unhandled exceptions (:func:`install_excepthook`).

Secrets are redacted at the sinks, after formatting, so one place covers our messages,
exception texts and tracebacks, and whatever a library decides to log. Tracebacks are
written without variable values (``diagnose=False``) because those could hold a password.

No Qt here: the command line uses this module as it is, and the GUI adds its crash dialog
through the ``on_crash`` callback.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO

from loguru import logger

from attendant.redaction import REDACTED, redact, register_secret

if TYPE_CHECKING:
    from loguru import Record

__all__ = [
    "REDACTED",
    "configure_logging",
    "install_excepthook",
    "redact",
    "register_secret",
    "shutdown_logging",
]


# ---------------------------------------------------------------------------------------
# Sinks


class RotatingFileSink:
    """A loguru sink writing redacted text to a file that rotates by size.

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
        text = redact(str(message)).replace("\n", os.linesep)
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


def _stderr_sink(message: str) -> None:
    """Redacting sink for the console; looks ``sys.stderr`` up on every line, as a windowed
    build has none and tests replace it."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(redact(str(message)))
        stream.flush()
    except (OSError, ValueError):  # closed or broken console
        pass


def _component_field(record: Record) -> str:
    # Records from the standard logging module carry their logger name as "component";
    # loguru calls of our own code are named after their module.
    return "{extra[component]}" if "component" in record["extra"] else "{name}"


def _file_format(record: Record) -> str:
    return (
        "{time:YYYY-MM-DD HH:mm:ss.SSS Z} | {level: <8} | "
        + _component_field(record)
        + " | {message}\n{exception}"
    )


def _console_format(record: Record) -> str:
    return (
        "{time:HH:mm:ss} | {level: <8} | " + _component_field(record) + " | {message}\n{exception}"
    )


def _component(record: Record) -> str:
    component = record["extra"].get("component")
    return str(component if component is not None else record["name"] or "")


# ---------------------------------------------------------------------------------------
# Levels and the bridge from the standard logging module

_NOISY_LIBRARIES = (
    "exchangelib",
    "msal",
    "urllib3",
    "requests_ntlm",
    "requests_oauthlib",
    "asyncio",
    "qasync",
)


def _thresholds(level_no: int) -> dict[str, int]:
    """Minimum level per logger-name prefix; "" is everything else."""
    thresholds = {"": level_no, "attendant": level_no}
    debugging = level_no <= logging.DEBUG
    for name in _NOISY_LIBRARIES:
        thresholds[name] = level_no if debugging else max(level_no, logging.WARNING)
    if debugging:
        # Even at DEBUG, exchangelib stays at INFO: its DEBUG output dumps every SOAP
        # request and response with its headers. That would be redacted, but it is
        # megabytes an hour and would rotate the useful lines out of the log.
        thresholds["exchangelib"] = logging.INFO
    return thresholds


def _threshold_for(name: str, thresholds: dict[str, int]) -> int:
    while name:
        if name in thresholds:
            return thresholds[name]
        name = name.rpartition(".")[0]
    return thresholds[""]


class _InterceptHandler(logging.Handler):
    """Hands standard ``logging`` records to loguru (the recipe from loguru's README),
    keeping the logger name as the component."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        try:
            message = record.getMessage()
        except Exception:
            self.handleError(record)
            return
        if record.stack_info:
            message = f"{message}\n{record.stack_info}"
        exc_info = record.exc_info if record.exc_info and record.exc_info[0] else None
        # Find the caller outside the logging module, so loguru's own fields are right.
        frame, depth = inspect.currentframe(), 0
        while frame is not None and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.bind(component=record.name).opt(depth=depth, exception=exc_info).log(level, message)


_ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
_ThreadExceptHook = Callable[[threading.ExceptHookArgs], Any]


class _State:
    """What this module changed, so that it can be undone exactly."""

    def __init__(self) -> None:
        self.handler_ids: list[int] = []
        self.file_sink: RotatingFileSink | None = None
        self.intercept: _InterceptHandler | None = None
        self.saved_levels: dict[str, int] = {}
        self.saved_hooks: tuple[_ExceptHook, _ThreadExceptHook] | None = None


_state = _State()
_state_lock = threading.RLock()


def configure_logging(
    log_file: Path,
    *,
    level: str = "INFO",
    console: bool | None = None,
    max_bytes: int = 5_000_000,
    backups: int = 5,
) -> None:
    """Send all logging to ``log_file`` (and maybe the console), redacted.

    ``level`` applies to Attendant's own components; chatty libraries stay at WARNING
    unless ``level`` is DEBUG. ``console``: None adds a WARNING console sink when there is
    a ``sys.stderr`` (a windowed build has none); True adds one at ``level`` (still only if
    there is a ``sys.stderr``); False adds none. The file and its folder are created now.
    Calling it again replaces what the previous call set up.
    """
    name = level.strip().upper()
    level_no = logger.level("WARNING" if name == "WARN" else name).no  # ValueError if unknown
    thresholds = _thresholds(level_no)
    console_level = level_no if console else logging.WARNING

    def file_filter(record: Record) -> bool:
        return record["level"].no >= _threshold_for(_component(record), thresholds)

    def console_filter(record: Record) -> bool:
        return record["level"].no >= console_level and file_filter(record)

    with _state_lock:
        _remove_sinks()
        # loguru's default stderr handler would bypass redaction; it is gone already (or
        # was never added, as when there is no stderr) after the first call.
        with contextlib.suppress(ValueError):
            logger.remove(0)
        sink = RotatingFileSink(Path(log_file), max_bytes=max_bytes, backups=backups)
        _state.file_sink = sink
        # Create the file now, so that it is there when support asks for it even if
        # nothing was worth logging. A folder we cannot write must not stop the program:
        # the sink tries again at every line, and loguru reports its failures on stderr.
        with contextlib.suppress(OSError):
            sink.open()
        options: dict[str, Any] = {
            "level": 0,  # the filters decide
            "colorize": False,
            "backtrace": False,
            "diagnose": False,  # variable values in tracebacks could be secrets
        }
        _state.handler_ids.append(
            logger.add(sink, format=_file_format, filter=file_filter, **options)
        )
        if console is not False and sys.stderr is not None:
            _state.handler_ids.append(
                logger.add(_stderr_sink, format=_console_format, filter=console_filter, **options)
            )

        root = logging.getLogger()
        _state.saved_levels[""] = root.level
        root.setLevel(min(thresholds.values()))
        for library_name in _NOISY_LIBRARIES:
            library = logging.getLogger(library_name)
            _state.saved_levels[library_name] = library.level
            library.setLevel(thresholds[library_name])
        _state.intercept = _InterceptHandler()
        root.addHandler(_state.intercept)


def shutdown_logging() -> None:
    """Undo :func:`configure_logging` and :func:`install_excepthook`: remove our sinks,
    close the log file, put back the standard logging levels and the exception hooks."""
    with _state_lock:
        _remove_sinks()
        if _state.saved_hooks is not None:
            sys.excepthook, threading.excepthook = _state.saved_hooks
            _state.saved_hooks = None


def _remove_sinks() -> None:
    for handler_id in _state.handler_ids:
        with contextlib.suppress(ValueError):  # someone called logger.remove() already
            logger.remove(handler_id)
    _state.handler_ids.clear()
    if _state.file_sink is not None:
        _state.file_sink.close()
        _state.file_sink = None
    root = logging.getLogger()
    if _state.intercept is not None:
        root.removeHandler(_state.intercept)
        _state.intercept = None
    for name, saved in _state.saved_levels.items():
        logging.getLogger(name or None).setLevel(saved)
    _state.saved_levels.clear()


# ---------------------------------------------------------------------------------------
# Unhandled exceptions


def install_excepthook(on_crash: Callable[[str], None] | None = None) -> None:
    """Log unhandled exceptions (main thread and other threads) at CRITICAL with their
    traceback, then call ``on_crash`` with a redacted one-line summary.

    ``on_crash`` may be called from any thread; a GUI must pass the call on to its own
    thread before showing anything. KeyboardInterrupt goes to Python's default hook.
    """
    crash_logger = logger.bind(component="attendant.crash")

    def report(
        exc_type: type[BaseException],
        exc: BaseException | None,
        tb: TracebackType | None,
        where: str,
    ) -> None:
        text = str(exc) if exc is not None else ""
        summary = redact(f"{exc_type.__name__}: {text}" if text else exc_type.__name__)
        crash_logger.opt(exception=(exc_type, exc, tb)).critical(
            "Unhandled exception{}: {}", where, summary
        )
        if on_crash is not None:
            try:
                on_crash(summary)
            except Exception:
                crash_logger.opt(exception=True).error("The crash handler failed")

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report(exc_type, exc, tb, "")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # a thread calling sys.exit() is not a crash (as in the default hook)
        if issubclass(args.exc_type, KeyboardInterrupt):
            threading.__excepthook__(args)
            return
        name = args.thread.name if args.thread is not None else "unknown"
        report(args.exc_type, args.exc_value, args.exc_traceback, f" in thread {name}")

    with _state_lock:
        if _state.saved_hooks is None:
            _state.saved_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = hook
        threading.excepthook = thread_hook
