"""The Provider field of the settings dialog: the registry's providers, by title.

The list comes from the provider registry, so an installed plugin is offered like the
built-ins; a provider named in the settings but not installed is kept, with a warning.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from attendant.providers.base import ProviderInfo
from attendant.settings import SCHEMA
from attendant.ui.settings.fields import ChoiceField, EditSession


class ProviderField(ChoiceField):
    """``calendar.provider``, listing the registry's providers by title."""

    def __init__(self, infos: list[ProviderInfo], session: EditSession, parent: QWidget):
        self._infos = infos
        names = {info.name for info in infos}
        super().__init__(
            SCHEMA["calendar.provider"],
            session,
            title="Provider",
            where="Calendar",
            warn=lambda v: (
                None if v in names else f"The provider {v!r} is not installed on this computer."
            ),
            parent=parent,
        )

    def _make_input(self) -> QWidget:
        combo = QComboBox(self)
        for info in self._infos:
            combo.addItem(info.title, info.name)
        combo.currentIndexChanged.connect(self._edited)
        return combo
