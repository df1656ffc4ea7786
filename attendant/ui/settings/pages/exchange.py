"""On-premises Exchange: version, EWS URL, user name, password (keyring), NTLM or basic."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from attendant.providers.base import ProviderInfo
from attendant.settings import EXCHANGE_VERSIONS, Settings
from attendant.ui.settings.fields import EditSession, TextField, add_field, form_layout, make_field
from attendant.ui.settings.pages.base import ProviderPage, group, note
from attendant.ui.settings.password import PasswordField
from attendant.ui.settings.worker import ProviderAccess

#: Where EWS lives on every Exchange server; another path is most likely a typo.
EWS_PATH = "/EWS/Exchange.asmx"

VERSION_LABELS: dict[str, str] = {
    "Exchange2007_SP1": "Exchange 2007 SP1",
    "Exchange2010": "Exchange 2010",
    "Exchange2010_SP1": "Exchange 2010 SP1",
    "Exchange2010_SP2": "Exchange 2010 SP2",
    "Exchange2013": "Exchange 2013",
    "Exchange2013_SP1": "Exchange 2013 SP1",
    "Exchange2016": "Exchange 2016 or newer (2016, 2019, Subscription Edition)",
}
assert set(VERSION_LABELS) == set(EXCHANGE_VERSIONS)

AUTH_LABELS = {"basic": "Basic", "ntlm": "NTLM (Windows domain)"}


def ews_url_warning(value: object) -> str | None:
    """A warning for a valid https URL that does not end where EWS lives."""
    text = str(value)
    if text and not text.rstrip("/").lower().endswith(EWS_PATH.lower()):
        return (
            f"EWS usually lives at https://<server>{EWS_PATH}; check the address "
            "(Test Settings tells for sure)."
        )
    return None


class ExchangePage(ProviderPage):
    """Exchange 2007 SP1 to 2016 and newer through EWS, with a user name and password."""

    def __init__(
        self,
        info: ProviderInfo,
        session: EditSession,
        access: ProviderAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(info, session, access, parent)
        where = self.where
        self.layout_.addWidget(
            note(
                "Attendant reads free/busy from Exchange Web Services (EWS) with one account, "
                "usually the reception's. Ask the Exchange administrator for the EWS address.",
                self,
            )
        )
        box, box_layout = group("Server", self)
        form = form_layout()
        box_layout.addLayout(form)
        self.version = add_field(
            form,
            make_field(
                "calendar.exchange.version",
                session,
                where=where,
                title="Version",
                labels=VERSION_LABELS,
            ),
        )
        self.ews_url = add_field(
            form,
            make_field(
                "calendar.exchange.ews_url",
                session,
                where=where,
                placeholder="https://mail.contoso.com/EWS/Exchange.asmx",
                warn=ews_url_warning,
            ),
        )
        self.layout_.addWidget(box)

        box, box_layout = group("Account", self)
        form = form_layout()
        box_layout.addLayout(form)
        self.username = add_field(
            form,
            make_field(
                "calendar.exchange.username",
                session,
                where=where,
                placeholder="CONTOSO\\reception or reception@contoso.com",
            ),
        )
        self.password = PasswordField(self)
        self.password.edited.connect(self.password_edited)
        password_label = QLabel("&Password:", self)
        password_label.setBuddy(self.password.edit)
        form.addRow(password_label, self.password)
        self.auth = add_field(
            form,
            make_field(
                "calendar.exchange.auth",
                session,
                where=where,
                title="Authentication",
                labels=AUTH_LABELS,
            ),
        )
        self.layout_.addWidget(box)
        self.layout_.addStretch(1)

        assert isinstance(self.username, TextField)
        self.username.input.editingFinished.connect(self._username_changed)
        session.changed.connect(self._on_changed)
        self.password.set_username(str(session.get("calendar.exchange.username")))
        self._warn_about_room_lists()

    def _on_changed(self, key: str) -> None:
        if key == "calendar.exchange.username" and not self.username.input.hasFocus():
            self._username_changed()
        if key in ("calendar.exchange.version", "watch.room_lists"):
            self._warn_about_room_lists()

    def _warn_about_room_lists(self) -> None:
        """Exchange 2007 SP1 has no room lists: say so where the version is chosen."""
        self.version.set_warning(room_lists_warning(self.session.settings))

    def _username_changed(self) -> None:
        self.password.set_username(str(self.session.get("calendar.exchange.username")))

    def typed_password(self) -> str | None:
        return self.password.typed()

    def password_to_store(self) -> str | None:
        return self.password.to_store()

    def password_stored(self) -> None:
        self.password.mark_stored()


def room_lists_warning(settings: Settings) -> str | None:
    """The warning for watched room lists on a version without them, or None."""
    if settings.calendar.exchange.version != "Exchange2007_SP1" or not settings.watch.room_lists:
        return None
    count = len(settings.watch.room_lists)
    which = "the room list" if count == 1 else f"the {count} room lists"
    verb = "is" if count == 1 else "are"
    return (
        f"Exchange 2007 SP1 has no room lists (they need Exchange 2010 or later): {which} in "
        f"the watch list {verb} ignored. List the rooms under Watch list ▸ Rooms instead."
    )
