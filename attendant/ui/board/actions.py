"""Acting on a row: the context menu (mouse, Menu key, Shift+F10, Enter) and its shortcuts.

A receptionist who sees Anna is in a meeting until 14:30 wants to tell the caller, call
Anna's colleague, chat or write to Anna, without leaving the keyboard. Every action has a
shortcut on the board; the menu shows only what the row has data for (no phone, no "Call"),
so nothing in it is disabled and mysterious. Links go through ``QDesktopServices``, i.e. the
desktop's handlers for ``tel:``, ``sip:``, ``mailto:`` and Teams' https deep links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QMenu, QTableView

from attendant.domain import Availability, MailboxKind, StatusView
from attendant.ui.board import cells, contact
from attendant.ui.board.model import DOMAIN_ROLE, STATUS_ROLE, BoardModel


@dataclass(frozen=True)
class RowAction:
    """One thing to do with a row: its menu text, shortcut and what it needs."""

    key: str
    text: str
    shortcut: str
    #: What the action does with a row, or None when the row lacks the data for it.
    target: Callable[[Availability], str | None]
    #: "copy" puts the target on the clipboard; "open" hands it to the desktop.
    how: str
    people_only: bool = False


def _phone(a: Availability) -> str | None:
    return a.mailbox.phone or None


def _mobile(a: Availability) -> str | None:
    return contact.mobile_of(a.mailbox)


def _dial(number: str | None) -> str | None:
    return contact.dial_url(number) if number else None


#: In menu order; ``None`` is a separator. Actions copying the sentence need the status and
#: are handled apart (see :meth:`RowActions._target`).
ROW_ACTIONS: tuple[RowAction | None, ...] = (
    RowAction("sentence", "Copy what to tell the &caller", "Ctrl+Shift+C", lambda a: "", "copy"),
    RowAction("name", "Copy &name", "Ctrl+Shift+N", lambda a: a.mailbox.display_name, "copy"),
    RowAction("address", "Copy &address", "Ctrl+Shift+A", lambda a: a.mailbox.address, "copy"),
    RowAction("phone", "Copy &phone", "Ctrl+Shift+P", _phone, "copy"),
    None,
    RowAction("call", "Ca&ll {phone}", "Ctrl+D", lambda a: _dial(_phone(a)), "open"),
    RowAction(
        "call_mobile", "Call &mobile {mobile}", "Ctrl+Alt+D", lambda a: _dial(_mobile(a)), "open"
    ),
    RowAction(
        "teams_call",
        "&Teams call",
        "Ctrl+Shift+D",
        lambda a: contact.teams_call_url(a.mailbox),
        "open",
        people_only=True,
    ),
    RowAction(
        "teams_chat",
        "Teams c&hat",
        "Ctrl+Shift+T",
        lambda a: contact.teams_chat_url(a.mailbox),
        "open",
        people_only=True,
    ),
    RowAction("mail", "&E-mail", "Ctrl+E", lambda a: contact.mail_url(a.mailbox), "open"),
)


class RowActions(QObject):
    """The row menu and the row shortcuts of one board view."""

    #: A short confirmation for the status bar ("Copied …", "Calling …").
    acted = Signal(str)

    def __init__(self, view: QTableView, board: BoardModel) -> None:
        super().__init__(view)
        self._view = view
        self._board = board
        self._extra: list[Callable[[QMenu, Availability], None]] = []
        self.menu: QMenu | None = None
        self.shortcuts: dict[str, QAction] = {}
        for spec in ROW_ACTIONS:
            if spec is None:
                continue
            action = QAction(spec.text.split(" {")[0].replace("&", ""), view)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, s=spec: self._run(s, self._current()))
            view.addAction(action)
            self.shortcuts[spec.key] = action
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def add_section(self, fill: Callable[[QMenu, Availability], None]) -> None:
        """Let another part of the board add its items (e.g. favourites) to every menu."""
        self._extra.append(fill)

    def available(self, availability: Availability) -> list[RowAction | None]:
        """The actions the row has data for, in menu order, separators kept tidy."""
        shown: list[RowAction | None] = []
        for spec in ROW_ACTIONS:
            if spec is None:
                if shown and shown[-1] is not None:
                    shown.append(None)
            elif self._applies(spec, availability):
                shown.append(spec)
        while shown and shown[-1] is None:
            shown.pop()
        return shown

    def open_menu(self, index: QModelIndex, at: QPoint) -> QMenu | None:
        """Show the row's menu at ``at`` (global); returns it (None for no row)."""
        availability = index.data(DOMAIN_ROLE)
        if not isinstance(availability, Availability):
            return None
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        menu = self.menu = QMenu(self._view)
        menu.setObjectName("rowMenu")
        menu.setToolTipsVisible(True)
        header = menu.addAction(availability.mailbox.display_name)
        header.setEnabled(False)
        menu.addSeparator()
        for spec in self.available(availability):
            if spec is None:
                menu.addSeparator()
                continue
            text = spec.text.format(
                phone=availability.mailbox.phone or "", mobile=_mobile(availability) or ""
            ).strip()
            action = menu.addAction(text)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.setObjectName(f"rowAction_{spec.key}")
            action.triggered.connect(lambda _=False, s=spec, a=availability: self._run(s, a))
        for fill in self._extra:
            menu.addSeparator()
            fill(menu, availability)
        menu.popup(at)
        return menu

    # -- events of the view --------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            if event.reason() == QContextMenuEvent.Reason.Mouse:
                pos = event.pos()
                if watched is self._view:
                    pos = self._view.viewport().mapFrom(self._view, pos)
                index = self._view.indexAt(pos)
                if index.isValid():
                    self._view.setCurrentIndex(index)
                    self.open_menu(index, event.globalPos())
                return True
            self._menu_at_current()
            return True
        if kind == QEvent.Type.KeyPress and watched is self._view:
            assert isinstance(event, QKeyEvent)
            key, mods = event.key(), event.modifiers()
            plain = not mods & ~Qt.KeyboardModifier.KeypadModifier
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                self._menu_at_current()
                return True
            shift_f10 = key == Qt.Key.Key_F10 and mods == Qt.KeyboardModifier.ShiftModifier
            if shift_f10 or (key == Qt.Key.Key_Menu and plain):
                self._menu_at_current()
                return True
        return False

    # -- internals -----------------------------------------------------------------------

    def _menu_at_current(self) -> None:
        index = self._view.currentIndex()
        if not index.isValid():
            return
        rect = self._view.visualRect(index.siblingAtColumn(0))
        self.open_menu(index, self._view.viewport().mapToGlobal(rect.bottomLeft()))

    def _current(self) -> Availability | None:
        availability = self._view.currentIndex().data(DOMAIN_ROLE)
        return availability if isinstance(availability, Availability) else None

    def _applies(self, spec: RowAction, availability: Availability) -> bool:
        if spec.people_only and availability.mailbox.kind is not MailboxKind.PERSON:
            return False
        return bool(self._target(spec, availability))

    def _target(self, spec: RowAction, availability: Availability) -> str | None:
        if spec.key == "sentence":
            view = self._status(availability)
            return contact.caller_sentence(availability, view, self._board.now, self._board.tz)
        return spec.target(availability)

    def _status(self, availability: Availability) -> StatusView:
        index = self._view.currentIndex()
        if index.data(DOMAIN_ROLE) is availability:
            view = index.data(STATUS_ROLE)
            if isinstance(view, StatusView):
                return view
        return cells.status_at(availability, self._board.snapshot, self._board.now)

    def _run(self, spec: RowAction, availability: Availability | None) -> None:
        if availability is None or not self._applies(spec, availability):
            return
        target = self._target(spec, availability)
        if not target:
            return
        if spec.how == "copy":
            QGuiApplication.clipboard().setText(target)
            self.acted.emit(f"Copied: {target}")
        else:
            QDesktopServices.openUrl(QUrl(target))
            what = spec.text.split(" {")[0].replace("&", "")
            self.acted.emit(f"{what}: {availability.mailbox.display_name}")
