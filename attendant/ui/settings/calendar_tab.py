"""The Calendar tab of the settings dialog, and a dialog size that fits the screen.

The provider field, the chosen provider's page and the data refresh interval scroll as one
column, so a short screen (1366×768, or 1920×1080 at 150 %) or the Test Settings results
below never squeeze a part of it to a sliver, and a page is shown from its top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from attendant.ui.settings.fields import add_field, form_layout, make_field
from attendant.ui.settings.pages import build_page
from attendant.ui.settings.pages.base import group, note
from attendant.ui.settings.provider_field import ProviderField

if TYPE_CHECKING:
    from attendant.ui.settings.dialog import SettingsDialog

#: The dialog's size where the screen has room for it.
PREFERRED_SIZE = (940, 760)


def build_calendar_tab(dialog: SettingsDialog) -> QWidget:
    """Sets the dialog's ``provider``, ``pages``, ``stack``, ``empty_page``, ``calendar_scroll``,
    ``interval`` and ``load_label``; returns the tab."""
    tab = QWidget(dialog)
    column = QWidget(tab)
    form = form_layout()
    dialog.provider = add_field(
        form, ProviderField(dialog.registry.infos(), dialog.session, column)
    )
    dialog.pages = {}
    dialog.stack = PageStack(column)
    for info in dialog.registry.infos():
        page = build_page(info, dialog.session, dialog.access, dialog.stack)
        dialog.pages[info.name] = page
        dialog.stack.addWidget(page)
    dialog.empty_page = QWidget(dialog.stack)
    dialog.stack.addWidget(dialog.empty_page)
    dialog.stack.setAutoFillBackground(False)

    refresh, refresh_layout = group("Data refresh", column)
    refresh_form = form_layout()
    refresh_layout.addLayout(refresh_form)
    dialog.interval = add_field(
        refresh_form,
        make_field(
            "calendar.refresh_interval_seconds",
            dialog.session,
            where="Calendar",
            title="Data refresh interval",
        ),
    )
    dialog.load_label = note("", column)
    dialog.load_label.setObjectName("loadEstimate")
    refresh_layout.addWidget(dialog.load_label)

    inner = QVBoxLayout(column)
    inner.setContentsMargins(9, 6, 9, 6)
    inner.addLayout(form)
    inner.addWidget(dialog.stack)
    inner.addWidget(refresh)
    inner.addStretch(1)
    scroll = dialog.calendar_scroll = QScrollArea(tab)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(column)
    scroll.viewport().setAutoFillBackground(False)
    column.setAutoFillBackground(False)
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll)
    return tab


def show_page(stack: PageStack, page: QWidget, scroll: QScrollArea) -> None:
    """Show ``page`` from its top."""
    stack.setCurrentWidget(page)
    scroll.verticalScrollBar().setValue(0)


class PageStack(QWidget):
    """The provider pages, one shown at a time, as tall as the page it shows.

    Not a :class:`QStackedWidget`: a stacked layout keeps the room of its tallest page, which
    left a tall gap under a short page (the demo directory's one line). Here the pages sit in
    a column and all but the current one are hidden, and a hidden widget takes no room.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current: QWidget | None = None

    def addWidget(self, page: QWidget) -> None:
        page.setParent(self)
        self._layout.addWidget(page)
        self._pages.append(page)
        if self._current is None:
            self._current = page
        else:
            page.hide()

    def currentWidget(self) -> QWidget | None:
        return self._current

    def setCurrentWidget(self, page: QWidget) -> None:
        if page not in self._pages:
            raise ValueError("not a page of this stack")
        for other in self._pages:
            if other is not page:
                other.hide()
        page.show()
        self._current = page


def fit_to_screen(dialog: QWidget) -> None:
    """The preferred size, or less where the screen's free area is smaller."""
    parent = dialog.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    width, height = PREFERRED_SIZE
    if screen is not None:
        free = screen.availableGeometry()
        width = min(width, int(free.width() * 0.96))
        height = min(height, int(free.height() * 0.92))
    dialog.resize(width, height)
