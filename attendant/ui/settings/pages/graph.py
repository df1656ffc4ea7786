"""Microsoft 365 through Microsoft Graph: Modern Authentication, the app registration, sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from attendant.providers.base import ProviderInfo
from attendant.ui.settings.fields import EditSession, add_field, form_layout, make_field
from attendant.ui.settings.pages.base import ProviderPage, group, note
from attendant.ui.settings.pages.office365 import app_registration_fields
from attendant.ui.settings.worker import ProviderAccess

NO_MODERN_WARNING = (
    "Microsoft Graph needs Modern Authentication: without it Attendant cannot read any calendar."
)


class GraphPage(ProviderPage):
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
        keys = (
            "calendar.graph.tenant_id",
            "calendar.graph.client_id",
            "calendar.graph.authority",
            "calendar.graph.graph_url",
            "calendar.grant_modern_auth",
        )
        self.tenant_id, self.client_id, self.signin = app_registration_fields(
            self, "calendar.graph", sign_in_keys=keys
        )
        self.layout_.addStretch(1)

        self.advanced, advanced_layout = group("Microsoft Graph", self)
        form = form_layout()
        advanced_layout.addLayout(form)
        self.authority = add_field(
            form, make_field("calendar.graph.authority", session, where=where)
        )
        self.graph_url = add_field(
            form, make_field("calendar.graph.graph_url", session, where=where)
        )
        session.changed.connect(self._on_changed)
        self._on_changed("calendar.grant_modern_auth")

    def _on_changed(self, key: str) -> None:
        if key == "calendar.grant_modern_auth":
            modern = bool(self.session.get(key))
            self.grant_modern.set_warning(None if modern else NO_MODERN_WARNING)

    def shown(self) -> None:
        if self.signin.status is None:
            self.signin.refresh()
