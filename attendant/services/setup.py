"""Build the configured provider, its guard and its watch list from the settings."""

from __future__ import annotations

from pathlib import Path

from attendant.domain import WatchList
from attendant.providers.base import DefaultWatch, FreeBusyProvider, ProviderContext
from attendant.providers.registry import ProviderRegistry
from attendant.settings import Settings, get_password


def open_provider(
    settings: Settings,
    registry: ProviderRegistry,
    *,
    token_cache: Path | None,
    state_dir: Path | None,
) -> FreeBusyProvider:
    """The provider the settings name (raises ``SettingsInvalid`` for an unknown one)."""
    username = settings.calendar.exchange.username
    context = ProviderContext(
        settings=settings,
        token_cache=token_cache,
        state_dir=state_dir,
        password=lambda: get_password(username) if username else None,
    )
    return registry.create(context)


def effective_watch(provider: FreeBusyProvider, watch: WatchList) -> WatchList:
    """The watch list, or the provider's default (the demo: everyone) when it is empty."""
    if watch.is_empty and isinstance(provider, DefaultWatch):
        return provider.default_watch()
    return watch
