"""Which providers exist: the built-ins, listed in code, and plugins from entry points.

A third-party package adds a provider by declaring an entry point in the group
``attendant.providers`` that names a :class:`ProviderInfo` (or a callable returning one).
A plugin that fails to load is logged and skipped; it never stops the console.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

from loguru import logger

from attendant.providers.base import FreeBusyProvider, ProviderContext, ProviderInfo
from attendant.providers.errors import SettingsInvalid

ENTRY_POINT_GROUP = "attendant.providers"


def _demo(context: ProviderContext) -> FreeBusyProvider:
    from attendant.providers.demo import DemoProvider

    return DemoProvider()


def _exchange(context: ProviderContext) -> FreeBusyProvider:
    from attendant.providers.exchange import ExchangeProvider

    return ExchangeProvider.from_context(context)


def _office365(context: ProviderContext) -> FreeBusyProvider:
    from attendant.providers.office365 import Office365Provider

    return Office365Provider.from_context(context)


def _graph(context: ProviderContext) -> FreeBusyProvider:
    from attendant.providers.graph import GraphProvider

    return GraphProvider.from_context(context)


BUILTINS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        name="demo",
        title="Demo directory",
        factory=_demo,
        description="A built-in company of about 40 people and 12 rooms; no server needed.",
    ),
    ProviderInfo(
        name="exchange",
        title="Exchange on-premises (EWS)",
        factory=_exchange,
        settings_section="calendar.exchange",
        description="Exchange 2007 SP1 to 2016 through Exchange Web Services, with a user name "
        "and password (Basic or NTLM).",
        batch_size=100,
    ),
    ProviderInfo(
        name="office365",
        title="Office 365 (EWS)",
        factory=_office365,
        settings_section="calendar.office365",
        description="Exchange Online through EWS with a delegated OAuth 2.0 sign-in; Microsoft "
        "retires EWS in Exchange Online by 1 April 2027.",
        batch_size=100,
    ),
    ProviderInfo(
        name="graph",
        title="Microsoft 365 (Microsoft Graph)",
        factory=_graph,
        settings_section="calendar.graph",
        description="Exchange Online through Microsoft Graph, the successor of EWS, with a "
        "delegated OAuth 2.0 sign-in. The app registration needs the delegated permissions "
        "Calendars.ReadBasic, User.ReadBasic.All and Place.Read.All; Place.Read.All (room "
        "lists) needs an administrator's consent. Presence.Read.All adds Teams presence, "
        "Mail.Read automatic replies, and User.Read.All (an administrator's consent) phones, "
        "departments and job titles from the directory.",
        batch_size=20,
    ),
)


class ProviderRegistry:
    """The providers this installation can use, by name, in the order the dialog lists them."""

    def __init__(self, infos: Iterable[ProviderInfo]) -> None:
        self._infos: dict[str, ProviderInfo] = {}
        for info in infos:
            if info.name in self._infos:
                logger.warning("Provider {!r} is registered twice; keeping the first", info.name)
                continue
            self._infos[info.name] = info

    @classmethod
    def discover(
        cls,
        builtins: Iterable[ProviderInfo] = BUILTINS,
        plugins: Callable[[], Iterable[EntryPoint]] | None = None,
    ) -> ProviderRegistry:
        """Built-ins plus every loadable plugin of the ``attendant.providers`` group."""
        found = list(builtins)
        try:
            points = list(
                plugins() if plugins is not None else entry_points(group=ENTRY_POINT_GROUP)
            )
        except Exception as error:
            logger.error("Cannot list provider plugins: {}", error)
            points = []
        for point in points:
            try:
                loaded = point.load()
                info = (
                    loaded()
                    if callable(loaded) and not isinstance(loaded, ProviderInfo)
                    else loaded
                )
                if not isinstance(info, ProviderInfo):
                    raise TypeError(f"{point.value} is not a ProviderInfo")
            except Exception as error:
                logger.error("Skipping provider plugin {!r}: {}", point.name, error)
                continue
            found.append(info)
        return cls(found)

    def names(self) -> list[str]:
        return list(self._infos)

    def infos(self) -> list[ProviderInfo]:
        return list(self._infos.values())

    def get(self, name: str) -> ProviderInfo:
        try:
            return self._infos[name]
        except KeyError:
            known = ", ".join(self._infos)
            raise SettingsInvalid(
                f"Unknown calendar provider {name!r}.",
                hint=f"Choose one of: {known}.",
            ) from None

    def create(self, context: ProviderContext) -> FreeBusyProvider:
        """Build the provider the settings name."""
        return self.get(context.settings.calendar.provider).factory(context)
