"""Microsoft 365 through Microsoft Graph: Modern Authentication, the app registration, sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from attendant.providers.base import ProviderInfo
from attendant.ui.settings.fields import EditSession, add_field, form_layout, make_field
from attendant.ui.settings.pages.base import group, note
from attendant.ui.settings.pages.office365 import Microsoft365Page
from attendant.ui.settings.worker import ProviderAccess

NO_MODERN_WARNING = (
    "Microsoft Graph needs Modern Authentication: without it Attendant cannot read any calendar."
)


class GraphPage(Microsoft365Page):
    """Grant, tenant and client IDs, sign-in; the authority and Graph URL are advanced."""

    def __init__(
        self,
        info: ProviderInfo,
        session: EditSession,
        access: ProviderAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(info, session, access, parent)
        where = self.where
        self.layout_.addWidget(note(info.description, self))
        box, box_layout = group("Authentication", self)
        form = form_layout()
        box_layout.addLayout(form)
        self.grant_modern = add_field(
            form, make_field("calendar.grant_modern_auth", session, where=where)
        )
        self.layout_.addWidget(box)
        self.graph_url = self._app_registration(
            "calendar.graph", "calendar.graph.graph_url", "Microsoft Graph"
        )
        session.changed.connect(self._on_changed)
        self._on_changed("calendar.grant_modern_auth")

    def _on_changed(self, key: str) -> None:
        if key == "calendar.grant_modern_auth":
            modern = bool(self.session.get(key))
            self.grant_modern.set_warning(None if modern else NO_MODERN_WARNING)
