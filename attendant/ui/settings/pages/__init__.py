"""The provider pages of the settings dialog: hand-made for the built-ins, generic for plugins."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from attendant.providers.base import ProviderInfo
from attendant.ui.settings.fields import EditSession
from attendant.ui.settings.pages.base import ProviderPage
from attendant.ui.settings.pages.exchange import ExchangePage
from attendant.ui.settings.pages.generic import GenericPage
from attendant.ui.settings.pages.graph import GraphPage
from attendant.ui.settings.pages.office365 import Office365Page
from attendant.ui.settings.worker import ProviderAccess

_HAND_MADE: dict[str, type[ProviderPage]] = {
    "exchange": ExchangePage,
    "office365": Office365Page,
    "graph": GraphPage,
}


def build_page(
    info: ProviderInfo,
    session: EditSession,
    access: ProviderAccess,
    parent: QWidget | None = None,
) -> ProviderPage:
    """The page for ``info``: a hand-made one for a built-in, else one built from the schema."""
    kind = _HAND_MADE.get(info.name, GenericPage)
    return kind(info, session, access, parent)


__all__ = ["GenericPage", "ProviderPage", "build_page"]
