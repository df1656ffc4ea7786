"""``attendant diagnose [--zip FILE]``: what support asks first, and the support bundle.

Works when the settings file is broken or missing (that is when support is called), writes
nothing but ``FILE``, and never sends anything to a server.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from loguru import logger

from attendant.cli.session import EXIT_FAILED, EXIT_OK
from attendant.log import configure_logging
from attendant.paths import app_paths
from attendant.services.diagnostics import LOG_LINES, gather, write_bundle


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``diagnose`` with the top-level parser's subcommands."""
    parser = sub.add_parser(
        "diagnose",
        parents=[common],
        help="what support asks first; --zip writes the support bundle",
    )
    parser.add_argument(
        "--zip",
        type=Path,
        metavar="FILE",
        help=f"write the support bundle (the report, the settings without secrets, the last "
        f"{LOG_LINES} log lines) to FILE",
    )


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    paths = app_paths(args.config)
    # What goes wrong while gathering (no keyring, say) belongs in the log, not on stderr.
    configure_logging(paths.log_file, console=False)
    logger.info("Diagnostics asked for (`attendant diagnose`)")
    report = gather(paths)
    out.write(report.text())
    if args.zip is None:
        return EXIT_OK
    target = Path(args.zip).expanduser()
    try:
        write_bundle(report, target)
    except OSError as error:
        logger.warning("The support bundle was not written to {}: {}", target, error)
        err.write(f"attendant: the support bundle was not written to {target}: {error}\n")
        return EXIT_FAILED
    out.write(f"\nSupport bundle written to {target.absolute()}\n")
    return EXIT_OK
