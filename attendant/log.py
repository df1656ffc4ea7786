"""Logging for Attendant: one loguru configuration, done once by the composition root.

Everything ends up in ``ApplicationLogFile.txt``: our own loguru calls, the standard
``logging`` records of exchangelib, msal, urllib3 and friends (routed in by an intercepting
handler on the root logger), and unhandled exceptions (:func:`install_excepthook`).

Every event is one block of lines that each start with time, level and component: a kept
traceback is folded (:func:`fold_lines`), identical failures are counted rather than
repeated, and noise that is true for the whole run is said :func:`once`.

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
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from loguru import logger

from attendant.log_sink import RepeatCounter, RotatingFileSink, fold_lines
from attendant.redaction import REDACTED, redact, register_secret

if TYPE_CHECKING:
    from loguru import Record

__all__ = [
    "REDACTED",
    "RotatingFileSink",
    "configure_logging",
    "fold_lines",
    "install_excepthook",
    "once",
    "redact",
    "register_secret",
    "shutdown_logging",
]


# ---------------------------------------------------------------------------------------
# Sinks


class _FileWriter:
    """The file sink: redacts, folds each event into greppable lines, counts repeats."""

    def __init__(self, sink: RotatingFileSink) -> None:
        self.sink = sink
        self.repeats = RepeatCounter(sink)

    def __call__(self, message: Any) -> None:
        record = message.record
        self.repeats.event(
            record["level"].name,
            record["level"].no,
            _component(record),
            redact(record["message"]),
            fold_lines(redact(str(message))),
            record["time"],
        )


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
        self.file_sink: _FileWriter | None = None
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
        with _once_lock:
            _once_seen.clear()  # a new run: its noise is worth saying once again
        # loguru's default stderr handler would bypass redaction; it is gone already (or
        # was never added, as when there is no stderr) after the first call.
        with contextlib.suppress(ValueError):
            logger.remove(0)
        sink = RotatingFileSink(Path(log_file), max_bytes=max_bytes, backups=backups)
        writer = _FileWriter(sink)
        _state.file_sink = writer
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
            logger.add(writer, format=_file_format, filter=file_filter, **options)
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
        with contextlib.suppress(OSError):
            _state.file_sink.repeats.flush()
        _state.file_sink.sink.close()
        _state.file_sink = None
    root = logging.getLogger()
    if _state.intercept is not None:
        root.removeHandler(_state.intercept)
        _state.intercept = None
    for name, saved in _state.saved_levels.items():
        logging.getLogger(name or None).setLevel(saved)
    _state.saved_levels.clear()


# ---------------------------------------------------------------------------------------
# Noise, once per run

_once_seen: set[str] = set()
_once_lock = threading.Lock()


def once(key: str) -> bool:
    """True the first time ``key`` is asked for in this run (since
    :func:`configure_logging`), False after.

    For a warning that is true for the whole run (no keyring, an unencrypted token cache)
    but would otherwise be written every time a provider or a cache is opened:
    ``if once("token-cache-unencrypted"): logger.warning(...)``.
    """
    with _once_lock:
        if key in _once_seen:
            return False
        _once_seen.add(key)
        return True


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
