"""What the receptionist set up on the board, remembered between runs in the state folder.

Favourites, the columns shown, the sort and the grouping are the receptionist's, not the
admin's: they live in ``board.json`` in the per-user state folder (written atomically),
never in the settings file. A missing or damaged file gives the defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from attendant.statefile import read_json, write_json

#: How the boards can be grouped: not at all, by department, by the watch list's groups.
GROUPINGS = ("none", "department", "group")


class BoardMemory:
    """Favourites, columns, sort and grouping; saved at once when changed."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        data = read_json(path)
        data = data if isinstance(data, dict) else {}
        favourites = data.get("favourites")
        self.favourites: set[str] = (
            {str(f).casefold() for f in favourites if isinstance(f, str)}
            if isinstance(favourites, list)
            else set()
        )
        columns = data.get("columns")
        self.columns: dict[str, dict[str, bool]] = {}
        if isinstance(columns, dict):
            for board, chosen in columns.items():
                if isinstance(chosen, dict):
                    self.columns[str(board)] = {
                        str(k): bool(v) for k, v in chosen.items() if isinstance(v, bool)
                    }
        grouping = data.get("group")
        self.grouping = grouping if grouping in GROUPINGS else "none"
        sort = data.get("sort")
        self.sort: tuple[str, bool] | None = None
        if isinstance(sort, dict) and isinstance(sort.get("by"), str):
            self.sort = (str(sort["by"]), bool(sort.get("descending", False)))

    def save(self) -> bool:
        value: dict[str, Any] = {
            "favourites": sorted(self.favourites),
            "columns": self.columns,
            "group": self.grouping,
        }
        if self.sort is not None:
            value["sort"] = {"by": self.sort[0], "descending": self.sort[1]}
        return write_json(self._path, value)

    def toggle_favourite(self, key: str) -> bool:
        """Pin or unpin ``key`` (a folded address); returns whether it is now a favourite."""
        if key in self.favourites:
            self.favourites.discard(key)
        else:
            self.favourites.add(key)
        self.save()
        return key in self.favourites

    def choose_column(self, board: str, column: str, shown: bool) -> None:
        self.columns.setdefault(board, {})[column] = shown
        self.save()
