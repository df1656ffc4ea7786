"""The board model's item roles: what views, delegates and filters may ask a row for."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt

__all__ = ["DOMAIN_ROLE", "KIND_ROLE", "SEARCH_ROLE", "SORT_ROLE", "STATUS_ROLE"]

#: The :class:`Availability` of the row.
DOMAIN_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: The row's :class:`StatusView` at the model's "now".
STATUS_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: Casefolded name, address, department (and location, phone) for search-as-you-type.
SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 3
#: The row's :class:`MailboxKind` value ("person" or "room").
KIND_ROLE = int(Qt.ItemDataRole.UserRole) + 4
#: A plain sort key for the column: a casefolded string, a rank or a POSIX timestamp.
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 5

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)

ANSWERED_ROLES = frozenset(
    {
        DISPLAY,
        DECORATION,
        TOOLTIP,
        FOREGROUND,
        FONT,
        ACCESSIBLE,
        DOMAIN_ROLE,
        STATUS_ROLE,
        SEARCH_ROLE,
        KIND_ROLE,
        SORT_ROLE,
    }
)


def answer_roles(span: QModelRoleDataSpan | QModelRoleData, answer: Callable[[int], Any]) -> None:
    """Fill every role ``span`` asks for (a model's ``multiData``) with ``answer(role)``;
    ``None`` leaves the role empty. One call from Qt for all the roles of a cell instead of
    one per role: a paint asks each cell for about seven, most of them answered "nothing"."""
    cells = (span,) if isinstance(span, QModelRoleData) else cast(Iterable[QModelRoleData], span)
    for role_data in cells:
        value = answer(role_data.role())
        if value is None:
            role_data.clearData()
        else:
            role_data.setData(value)
