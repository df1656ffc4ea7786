"""Office 365 (Exchange Online through EWS): the grants, the app registration, and sign-in.

As the UCX Suite guide describes it: Grant Basic Authentication, Grant Modern Authentication
with the Directory (tenant) ID and Application (client) ID of the app registration, and a
warning when both are granted. Exchange Online no longer accepts Basic authentication, so the
page says so and the provider signs in with OAuth 2.0 only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from attendant.providers.base import ProviderInfo
from attendant.ui.settings.fields import (
    EditSession,
    FieldEditor,
    Warn,
    add_field,
    form_layout,
    make_field,
)
from attendant.ui.settings.pages.base import ProviderPage, group, note
from attendant.ui.settings.pages.exchange import ews_url_warning
from attendant.ui.settings.signin import SignInPanel
from attendant.ui.settings.worker import ProviderAccess

BOTH_GRANTS_WARNING = (
    "Both Basic and Modern Authentication are granted. Exchange Online no longer accepts "
    "Basic authentication, so only the OAuth 2.0 sign-in is used; untick Grant Basic "
    "Authentication (strongly recommended)."
)
NO_BASIC_NOTE = (
    "Exchange Online stopped accepting Basic authentication (user name and password) in "
    "2022-2023: Attendant never sends a password to Office 365."
)
NO_MODERN_WARNING = (
    "Office 365 needs Modern Authentication: without it Attendant cannot read any calendar."
)


class Microsoft365Page(ProviderPage):
    """A page that signs in to Microsoft 365: the app registration's tenant and client IDs,
    the sign-in panel, and an advanced group with the authority and the service's URL."""

    tenant_id: FieldEditor
    client_id: FieldEditor
    signin: SignInPanel
    advanced: QWidget
    authority: FieldEditor

    def _app_registration(
        self,
        section: str,
        url_key: str,
        advanced_title: str,
        url_warning: Warn | None = None,
    ) -> FieldEditor:
        """Build the IDs, sign-in and advanced parts below what is already on the page; the
        service URL's field."""
        session = self.session
        box, box_layout = group("App registration (Entra ID)", self)
        form = form_layout()
        box_layout.addLayout(form)
        self.tenant_id = add_field(
            form,
            make_field(
                f"{section}.tenant_id",
                session,
                where=self.where,
                placeholder="00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com",
            ),
        )
        self.client_id = add_field(
            form,
            make_field(
                f"{section}.client_id",
                session,
                where=self.where,
                placeholder="00000000-0000-0000-0000-000000000000",
            ),
        )
        box_layout.addWidget(OtherPageIds(session, section, box))
        self.layout_.addWidget(box)
        box, box_layout = group("Sign-in", self)
        keys = (
            f"{section}.tenant_id",
            f"{section}.client_id",
            f"{section}.authority",
            url_key,
            "calendar.grant_modern_auth",
        )
        self.signin = SignInPanel(self.access, session, keys=keys, parent=box)
        box_layout.addWidget(self.signin)
        self.layout_.addWidget(box)
        self.layout_.addStretch(1)

        self.advanced, advanced_layout = group(advanced_title, self)
        form = form_layout()
        advanced_layout.addLayout(form)
        self.authority = add_field(
            form, make_field(f"{section}.authority", session, where=self.where)
        )
        return add_field(form, make_field(url_key, session, where=self.where, warn=url_warning))

    def shown(self) -> None:
        if self.signin.status is None:
            self.signin.refresh()


#: The sections that share an app registration's tenant and client IDs, and their titles.
_SHARED_IDS = {"calendar.office365": "Office 365 (EWS)", "calendar.graph": "Microsoft 365 (Graph)"}


class OtherPageIds(QWidget):
    """Offers the tenant and client IDs typed on the other Microsoft 365 page, so that moving
    from Office 365 (EWS) to Graph, or back, does not mean typing them again."""

    def __init__(self, session: EditSession, section: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.section = section
        self.other = next(s for s in _SHARED_IDS if s != section)
        self.text = note("", self)
        self.button = QPushButton(f"Use the IDs from {_SHARED_IDS[self.other]}", self)
        self.button.clicked.connect(self.take)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        session.changed.connect(lambda key: self.update_offer() if "_id" in key else None)
        self.update_offer()

    def _ids(self, section: str) -> tuple[str, str]:
        return (
            str(self.session.get(f"{section}.tenant_id") or ""),
            str(self.session.get(f"{section}.client_id") or ""),
        )

    def update_offer(self) -> None:
        theirs, ours = self._ids(self.other), self._ids(self.section)
        offered = (
            any(theirs)
            and theirs != ours
            and not self.session.is_locked(f"{self.section}.tenant_id")
        )
        if offered:
            self.text.setText(
                f"{_SHARED_IDS[self.other]} has tenant {theirs[0] or '(none)'} and "
                f"application {theirs[1] or '(none)'}."
            )
        self.setVisible(bool(offered))

    def take(self) -> None:
        tenant, client = self._ids(self.other)
        for key, value in (("tenant_id", tenant), ("client_id", client)):
            if value:
                self.session.set(f"{self.section}.{key}", value)
        self.update_offer()


class Office365Page(Microsoft365Page):
    """Grants, tenant and client IDs, sign-in; the authority and EWS URL are advanced."""

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
        self.grant_basic = add_field(
            form, make_field("calendar.grant_basic_auth", session, where=where)
        )
        self.grant_modern = add_field(
            form, make_field("calendar.grant_modern_auth", session, where=where)
        )
        box_layout.addWidget(note(NO_BASIC_NOTE, box))
        self.both_warning = note(BOTH_GRANTS_WARNING, box, name="fieldWarning")
        box_layout.addWidget(self.both_warning)
        self.layout_.addWidget(box)
        self.ews_url = self._app_registration(
            "calendar.office365",
            "calendar.office365.ews_url",
            "Exchange Online (EWS)",
            url_warning=ews_url_warning,
        )
        session.changed.connect(self._on_changed)
        self._update_grants()

    def _on_changed(self, key: str) -> None:
        if key in ("calendar.grant_basic_auth", "calendar.grant_modern_auth"):
            self._update_grants()

    def _update_grants(self) -> None:
        basic = bool(self.session.get("calendar.grant_basic_auth"))
        modern = bool(self.session.get("calendar.grant_modern_auth"))
        self.both_warning.setVisible(basic and modern)
        self.grant_modern.set_warning(None if modern else NO_MODERN_WARNING)
