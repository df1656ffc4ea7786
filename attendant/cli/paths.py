"""``attendant paths``: where the settings, log, token cache and state live."""

from __future__ import annotations

import argparse
from typing import TextIO

from attendant.cli.session import EXIT_OK, dump_json
from attendant.paths import app_paths


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    listed = app_paths(args.config).as_dict()
    if args.json:
        dump_json(listed, out)
    else:
        width = max(len(k) for k in listed)
        for key, value in listed.items():
            out.write(f"{key:<{width}}  {value}\n")
    return EXIT_OK
