"""The provider registry: built-ins listed in code, plugins from entry points."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from loguru import logger

from attendant.providers.base import FreeBusyProvider, ProviderContext, ProviderInfo
from attendant.providers.demo import DemoProvider
from attendant.providers.errors import ProviderError, SettingsInvalid
from attendant.providers.registry import BUILTINS, ENTRY_POINT_GROUP, ProviderRegistry
from attendant.settings import default_settings, with_value

GOOD = "attendant_test_plugin_good"
BROKEN = "attendant_test_plugin_broken"
PLUGIN_MODULES = (GOOD, BROKEN)

GOOD_SOURCE = """
    from attendant.providers.base import ProviderInfo
    from attendant.providers.demo import DemoProvider

    built_with = []


    class AcmeProvider(DemoProvider):
        name = "acme"


    def make(context):
        built_with.append(context)
        return AcmeProvider()


    INFO = ProviderInfo(
        name="acme",
        title="Acme Calendar",
        factory=make,
        settings_section="calendar.acme",
        batch_size=25,
    )


    def info_factory():
        return ProviderInfo(name="acme_lazy", title="Acme (lazy)", factory=make)


    SECOND_ACME = ProviderInfo(name="acme", title="Another Acme", factory=make)
    IMPOSTOR = ProviderInfo(name="demo", title="Not the demo", factory=make)
    NOT_INFO = {"name": "bogus", "title": "A dict is not a ProviderInfo"}


    def wrong_factory():
        return "not a ProviderInfo either"


    def failing_factory():
        raise RuntimeError("the plugin's own factory failed")
"""

BROKEN_SOURCE = """
    raise RuntimeError("this plugin is broken at import time")
"""


def point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path holding one good and one broken plugin module."""
    (tmp_path / f"{GOOD}.py").write_text(textwrap.dedent(GOOD_SOURCE), encoding="utf-8")
    (tmp_path / f"{BROKEN}.py").write_text(textwrap.dedent(BROKEN_SOURCE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in PLUGIN_MODULES:
        sys.modules.pop(name, None)


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(
        lambda message: lines.append(str(message)), level="DEBUG", format="{level} {message}"
    )
    yield lines
    logger.remove(sink)


def only(points: list[EntryPoint]) -> Callable[[], list[EntryPoint]]:
    return lambda: points


def context_for(provider: str | None = None) -> ProviderContext:
    settings = default_settings()
    if provider is not None:
        settings = with_value(settings, "calendar.provider", provider)
    return ProviderContext(settings=settings)


# -- built-ins ---------------------------------------------------------------------------------


def test_builtins_include_demo() -> None:
    registry = ProviderRegistry(BUILTINS)
    assert "demo" in registry.names()
    info = registry.get("demo")
    assert info.title
    assert info.description
    assert info in registry.infos()


def test_discover_without_plugins_lists_the_builtins_first() -> None:
    registry = ProviderRegistry.discover(plugins=only([]))
    assert registry.names() == [info.name for info in BUILTINS]


def test_discover_from_the_installed_entry_points_does_not_raise() -> None:
    registry = ProviderRegistry.discover()
    assert registry.names()[: len(BUILTINS)] == [info.name for info in BUILTINS]


def test_create_builds_the_demo_from_the_default_settings() -> None:
    context = context_for()
    assert context.settings.calendar.provider == "demo"
    provider = ProviderRegistry.discover(plugins=only([])).create(context)
    assert isinstance(provider, DemoProvider)
    assert isinstance(provider, FreeBusyProvider)
    assert provider.name == "demo"
    provider.close()


def test_create_with_an_explicitly_chosen_demo() -> None:
    provider = ProviderRegistry(BUILTINS).create(context_for("demo"))
    assert isinstance(provider, DemoProvider)


def test_an_unknown_provider_is_invalid_settings_with_a_hint() -> None:
    registry = ProviderRegistry(BUILTINS)
    with pytest.raises(SettingsInvalid) as caught:
        registry.create(context_for("acme_calendar"))
    error = caught.value
    assert isinstance(error, ProviderError)
    assert error.kind == "settings_invalid"
    assert "acme_calendar" in str(error)
    for name in registry.names():
        assert name in error.hint


def test_get_unknown_name_lists_plugin_names_too(plugin_path: Path) -> None:
    registry = ProviderRegistry.discover(plugins=only([point("acme", f"{GOOD}:INFO")]))
    with pytest.raises(SettingsInvalid) as caught:
        registry.get("nope")
    assert "demo" in caught.value.hint
    assert "acme" in caught.value.hint


# -- plugins -----------------------------------------------------------------------------------


def test_good_plugins_are_listed_and_bad_ones_skipped(
    plugin_path: Path, log_lines: list[str]
) -> None:
    points = [
        point("acme", f"{GOOD}:INFO"),
        point("broken", f"{BROKEN}:INFO"),
        point("not_info", f"{GOOD}:NOT_INFO"),
        point("wrong_factory", f"{GOOD}:wrong_factory"),
        point("failing_factory", f"{GOOD}:failing_factory"),
        point("missing_module", "attendant_test_plugin_not_installed:INFO"),
        point("missing_attribute", f"{GOOD}:NO_SUCH_NAME"),
        point("acme_lazy", f"{GOOD}:info_factory"),
    ]
    registry = ProviderRegistry.discover(plugins=only(points))

    builtin_names = [info.name for info in BUILTINS]
    assert registry.names() == [*builtin_names, "acme", "acme_lazy"]
    acme = registry.get("acme")
    assert (acme.title, acme.settings_section, acme.batch_size) == (
        "Acme Calendar",
        "calendar.acme",
        25,
    )
    skipped = [line for line in log_lines if line.startswith("ERROR")]
    for name in (
        "broken",
        "not_info",
        "wrong_factory",
        "failing_factory",
        "missing_module",
        "missing_attribute",
    ):
        assert any(name in line for line in skipped), name
    assert not any("acme" in line for line in skipped)


def test_a_plugin_provider_is_created_from_the_context(plugin_path: Path) -> None:
    registry = ProviderRegistry.discover(plugins=only([point("acme", f"{GOOD}:INFO")]))
    context = context_for("acme")
    provider = registry.create(context)
    assert provider.name == "acme"
    assert isinstance(provider, FreeBusyProvider)
    module = sys.modules[GOOD]
    assert module.built_with == [context]


def test_a_duplicate_name_keeps_the_first(plugin_path: Path, log_lines: list[str]) -> None:
    points = [
        point("acme", f"{GOOD}:INFO"),
        point("acme_again", f"{GOOD}:SECOND_ACME"),
        point("impostor", f"{GOOD}:IMPOSTOR"),
    ]
    registry = ProviderRegistry.discover(plugins=only(points))
    assert registry.names().count("acme") == 1
    assert registry.get("acme").title == "Acme Calendar"
    assert registry.names().count("demo") == 1
    assert registry.get("demo").title == BUILTINS[0].title
    assert isinstance(registry.create(context_for("demo")), DemoProvider)
    warnings = [line for line in log_lines if line.startswith("WARNING")]
    assert any("acme" in line for line in warnings)
    assert any("demo" in line for line in warnings)


def test_the_registry_keeps_its_order_and_is_not_shared() -> None:
    def info(name: str) -> ProviderInfo:
        return ProviderInfo(name=name, title=name.title(), factory=lambda _: DemoProvider())

    registry = ProviderRegistry([info("zulu"), info("alpha"), info("mike")])
    assert registry.names() == ["zulu", "alpha", "mike"]
    registry.names().append("x")
    registry.infos().clear()
    assert registry.names() == ["zulu", "alpha", "mike"]
