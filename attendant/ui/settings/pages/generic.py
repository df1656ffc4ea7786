"""A page built from the schema, for any provider: a plugin gets a settings page for free.

It lists the fields of :data:`SCHEMA` under the provider's ``settings_section`` with their
titles, bounds, choices and help. A provider whose section is not in the schema (a plugin
keeps its own table) is described, and its table is named for editing in the file. When the
provider can sign in, the sign-in panel appears.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from attendant.providers.base import ProviderInfo
from attendant.settings import SCHEMA
from attendant.ui.settings.fields import (
    EditSession,
    FieldEditor,
    add_field,
    form_layout,
    make_field,
)
from attendant.ui.settings.pages.base import ProviderPage, group, note
from attendant.ui.settings.signin import SignInPanel
from attendant.ui.settings.worker import ProviderAccess


def section_keys(section: str | None) -> list[str]:
    """The schema's keys directly in ``section``, in schema order."""
    if not section:
        return []
    return [key for key, spec in SCHEMA.items() if spec.section == section]


class GenericPage(ProviderPage):
    """Description, the section's fields, and sign-in when the provider offers it."""

    def __init__(
        self,
        info: ProviderInfo,
        session: EditSession,
        access: ProviderAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(info, session, access, parent)
        if info.description:
            self.layout_.addWidget(note(info.description, self))
        keys = section_keys(info.settings_section)
        self.fields: list[FieldEditor] = []
        if keys:
            box, box_layout = group(info.title, self)
            form = form_layout()
            box_layout.addLayout(form)
            for key in keys:
                self.fields.append(add_field(form, make_field(key, session, where=self.where)))
            self.layout_.addWidget(box)
        elif info.settings_section:
            self.layout_.addWidget(
                note(
                    f"This provider keeps its settings in the [{info.settings_section}] table "
                    "of the settings file; edit them there. They are kept when you save here.",
                    self,
                )
            )
        self.signin = SignInPanel(access, session, keys=tuple(keys), parent=self)
        self.signin.hide()  # until the provider says it can sign in
        self._looked = False
        if info.name != "demo":
            self.layout_.addWidget(self.signin)
        self.layout_.addStretch(1)

    def shown(self) -> None:
        if self.info.name != "demo" and not self._looked:
            self._looked = True
            self.signin.refresh()
