"""What every provider page of the settings dialog offers the dialog.

A page edits its provider's settings section through the dialog's :class:`EditSession`; an
optional second widget goes on the dialog's Advanced tab. A page that asks for a password
(on-premises Exchange) hands it over for Test Settings and for storing, never into the copy.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from attendant.providers.base import ProviderInfo
from attendant.ui.settings.fields import EditSession
from attendant.ui.settings.worker import ProviderAccess


class ProviderPage(QWidget):
    """One provider's settings; the dialog shows the page of the provider chosen."""

    #: A password was typed or cleared (the dialog's Apply button follows it).
    password_edited = Signal()

    def __init__(
        self,
        info: ProviderInfo,
        session: EditSession,
        access: ProviderAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.info = info
        self.session = session
        self.access = access
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(10)
        #: What goes on the Advanced tab while this provider is chosen (None: nothing).
        self.advanced: QWidget | None = None

    @property
    def where(self) -> str:
        """The page's name in the dialog's list of problems."""
        return self.info.title

    def shown(self) -> None:
        """The page became the current one (e.g. look up who is signed in)."""

    def typed_password(self) -> str | None:
        """A password typed but not stored yet, for Test Settings; None: use the stored one."""
        return None

    def password_to_store(self) -> str | None:
        """The password to store in the keyring on OK/Apply; None: leave it as it is."""
        return None

    def password_stored(self) -> None:
        """OK/Apply stored :meth:`password_to_store`: show it as stored now."""


def note(text: str, parent: QWidget, *, name: str = "pageNote") -> QLabel:
    """A wrapped, selectable paragraph for explanations and warnings."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def group(title: str, parent: QWidget) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title, parent)
    layout = QVBoxLayout(box)
    layout.setSpacing(8)
    return box, layout
