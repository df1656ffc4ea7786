"""The fake Exchange world the command-line tests run against, and its settings file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fakes.helpers import DEFAULT_USERNAME

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)  # a Monday, UTC+1 in Rome
AT = "2026-11-23T10:15:00+01:00"


def exchange_settings(
    folder: Path, ews, ca: Path, *, timeout_seconds: int = 20, watch: str | None = None
) -> Path:
    """A settings file for the fake Exchange, with a watch list of people, rooms and a list."""
    path = folder / "settings.toml"
    path.write_text(
        f"""schema_version = 1

[calendar]
provider = "exchange"

[calendar.exchange]
ews_url = "{ews.url}"
version = "{ews.version}"
username = '{DEFAULT_USERNAME}'
auth = "basic"

[network]
ca_bundle = '{ca}'
timeout_seconds = {timeout_seconds}

[watch]
"""
        + (
            watch
            or """people = ["alice@contoso.com", "ghost@contoso.com", "bob@contoso.com"]
rooms = ["room.5@contoso.com"]
room_lists = ["rooms-hq@contoso.com"]
"""
        ),
        encoding="utf-8",
    )
    return path
