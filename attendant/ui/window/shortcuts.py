"""Help ▸ Keyboard shortcuts (F1): every key of the window on one sheet.

The sheet is made from the window's own actions when it opens, so it never tells a key
the window does not have; keys that belong to the boards and the search field (not menu
actions) are listed after them.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

#: Keys handled by the widgets themselves rather than by menu actions.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("Esc (in search)", "clear the search and go back to the board"),
    ("Enter or ↓ (in search)", "go to the first board with matching rows"),
    ("↑ ↓ Page Up Page Down", "move along the board"),
    ("Home / End", "first / last row"),
    ("Ctrl+C (on a row)", "copy who it is: name, address, phone"),
    ("Tab / Shift+Tab", "move between the search, the boards and the room finder"),
    ("Alt + underlined letter", "go to that menu or field"),
)


def action_keys(actions: list[QAction]) -> list[tuple[str, str]]:
    """``(keys, what)`` for every action with a shortcut, in menu order, each once."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for action in actions:
        keys = [
            k.toString(QKeySequence.SequenceFormat.NativeText)
            for k in action.shortcuts()
            if not k.isEmpty()
        ]
        what = action.text().replace("&", "").rstrip("…").strip()
        if not keys or not what or what in seen:
            continue
        seen.add(what)
        rows.append((" or ".join(keys), what))
    return rows


def sheet_html(rows: list[tuple[str, str]]) -> str:
    lines = ["<table cellspacing='0' cellpadding='5'>"]
    for keys, what in rows:
        lines.append(f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


class ShortcutSheet(QDialog):
    """A window listing every keyboard shortcut; Esc or Close ends it."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = action_keys(actions) + list(WIDGET_KEYS)
        self.text = QTextBrowser(self)
        self.text.setObjectName("shortcutSheet")
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(sheet_html(self.rows))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(560, 520)
