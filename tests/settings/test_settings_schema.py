"""The declarative schema, the settings dataclasses and single-value validation."""

from __future__ import annotations

import dataclasses

import pytest

from attendant.domain import WatchEntry, WatchList
from attendant.settings import (
    CURRENT_SCHEMA_VERSION,
    SCHEMA,
    FieldSpec,
    Settings,
    default_settings,
    field_spec,
    validate_settings,
    validate_value,
    with_value,
)

GUID = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"


def _leaf_fields(node: object, prefix: str = "") -> dict[str, object]:
    """Every leaf field of the nested settings dataclasses by dotted key."""
    leaves: dict[str, object] = {}
    for field in dataclasses.fields(node):  # type: ignore[arg-type]
        if not prefix and field.name in ("schema_version", "extra"):
            continue
        value = getattr(node, field.name)
        key = f"{prefix}{field.name}"
        if dataclasses.is_dataclass(value):
            leaves.update(_leaf_fields(value, key + "."))
        else:
            leaves[key] = value
    return leaves


def test_schema_and_dataclass_defaults_agree() -> None:
    leaves = _leaf_fields(Settings())
    assert set(leaves) == set(SCHEMA)
    for key, spec in SCHEMA.items():
        assert leaves[key] == spec.default, key
        assert isinstance(leaves[key], spec.type), key
        assert spec.key == key
        assert spec.validate(spec.default) is None, key
        assert spec.title and spec.description, key
        assert spec.secret is False


def test_defaults_match_the_documented_contract() -> None:
    settings = default_settings()
    assert settings.schema_version == CURRENT_SCHEMA_VERSION == 2
    assert settings.calendar.provider == "demo"
    assert settings.calendar.refresh_interval_seconds == 60
    assert (settings.calendar.grant_basic_auth, settings.calendar.grant_modern_auth) == (
        False,
        True,
    )
    assert settings.calendar.exchange.version == "Exchange2013_SP1"
    assert settings.calendar.exchange.auth == "basic"
    assert settings.calendar.office365.ews_url == "https://outlook.office365.com/EWS/Exchange.asmx"
    assert settings.calendar.graph.graph_url == "https://graph.microsoft.com"
    assert settings.calendar.graph.authority == "https://login.microsoftonline.com"
    assert settings.network.timeout_seconds == 30
    assert settings.watch_list() == WatchList()
    assert validate_settings(settings) == ()


def test_field_spec_describes_bounds_and_choices() -> None:
    interval = field_spec("calendar.refresh_interval_seconds")
    assert isinstance(interval, FieldSpec)
    assert (interval.type, interval.minimum, interval.maximum) == (int, 15, 3600)
    assert interval.title == "Data refresh interval (seconds)"
    assert interval.section == "calendar"
    assert interval.name == "refresh_interval_seconds"
    assert field_spec("calendar.exchange.auth").choices == ("basic", "ntlm")
    with pytest.raises(KeyError, match=r"calendar\.nope"):
        field_spec("calendar.nope")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("calendar.refresh_interval_seconds", 15, None),
        ("calendar.refresh_interval_seconds", 3600, None),
        ("calendar.refresh_interval_seconds", 14, "must be between 15 and 3600 (got 14)"),
        ("calendar.refresh_interval_seconds", 3601, "must be between 15 and 3600 (got 3601)"),
        ("calendar.refresh_interval_seconds", True, "must be a whole number (got true)"),
        ("calendar.refresh_interval_seconds", 60.0, "must be a whole number (got 60.0)"),
        ("calendar.refresh_interval_seconds", "60", 'must be a whole number (got "60")'),
        ("network.timeout_seconds", 4, "must be between 5 and 300 (got 4)"),
        ("calendar.grant_basic_auth", 1, "must be true or false (got 1)"),
        ("calendar.provider", "graph", None),
        ("calendar.provider", "my_plugin2", None),
        ("calendar.provider", "Exchange", 'did you mean "exchange"?'),
        ("calendar.provider", "2fast", "the name of a provider plugin"),
        ("calendar.exchange.version", "Exchange2016", None),
        ("calendar.exchange.version", "Exchange2019", 'got "Exchange2019"'),
        ("calendar.exchange.version", "exchange2010_sp2", 'did you mean "Exchange2010_SP2"?'),
        ("calendar.exchange.auth", "kerberos", "must be one of basic, ntlm"),
        ("calendar.exchange.username", "CONTOSO\\reception", None),
        ("calendar.exchange.username", "reception ", "must not start or end with spaces"),
        ("calendar.exchange.username", "a\tb", "control characters"),
        ("calendar.exchange.ews_url", "", None),
        ("calendar.exchange.ews_url", "https://mail.contoso.com/EWS/Exchange.asmx", None),
        ("calendar.exchange.ews_url", "http://mail.contoso.com/EWS/Exchange.asmx", "plain http"),
        ("calendar.exchange.ews_url", "HTTP://mail.contoso.com/EWS", "plain http"),
        ("calendar.exchange.ews_url", "ftp://mail.contoso.com/", "must be an https:// URL"),
        ("calendar.exchange.ews_url", "mail.contoso.com/EWS", "must be an https:// URL"),
        ("calendar.exchange.ews_url", "https://", "must be an https:// URL"),
        ("calendar.exchange.ews_url", "https://h:99999/", "must be an https:// URL"),
        ("calendar.exchange.ews_url", "https://u:pw@mail.contoso.com/", "keyring"),
        ("calendar.office365.authority", "https://login.microsoftonline.us/", None),
        ("calendar.office365.authority", "https://login.microsoftonline.com/x", "tenant_id"),
        ("calendar.graph.graph_url", "http://graph.microsoft.com", "plain http"),
        ("calendar.graph.client_id", GUID, None),
        ("calendar.graph.client_id", GUID.upper(), None),
        ("calendar.graph.client_id", "{" + GUID + "}", "a GUID like"),
        ("calendar.graph.client_id", "contoso.onmicrosoft.com", "Application (client) ID"),
        ("calendar.office365.tenant_id", GUID, None),
        ("calendar.office365.tenant_id", "contoso.onmicrosoft.com", None),
        ("calendar.office365.tenant_id", "contoso.com", None),
        ("calendar.office365.tenant_id", "contoso", "Directory (tenant) ID"),
        ("calendar.office365.tenant_id", "common", "Directory (tenant) ID"),
        ("watch.people", ("alice@contoso.com", "room.4@hq.contoso.co.uk"), None),
        ("watch.people", ["alice@contoso.com"], None),
        ("watch.people", ("alice",), "entry 1 is not an e-mail address"),
        ("watch.people", ("alice@contoso",), "entry 1 is not an e-mail address"),
        ("watch.people", ("a b@contoso.com",), "entry 1 is not an e-mail address"),
        ("watch.people", ("a@b@contoso.com",), "entry 1 is not an e-mail address"),
        ("watch.rooms", ("r@contoso.com", 4), "entry 2 must be an address or a table"),
        ("watch.rooms", "r@contoso.com", "must be a list of addresses and tables"),
        ("watch.room_lists", ("r@contoso.com", 4), "entry 2 must be a string (got 4)"),
        ("watch.room_lists", ("a@x.com", "b@x.com", "A@X.com"), 'entry 3 "A@X.com" repeats'),
    ],
)
def test_validate_value(key: str, value: object, expected: str | None) -> None:
    message = validate_value(key, value)
    if expected is None:
        assert message is None
    else:
        assert message is not None
        assert expected in message


def test_every_error_of_a_list_is_reported() -> None:
    errors = field_spec("watch.people").errors(["bob", "x@y.com", "X@Y.COM", 3])
    assert errors == (
        'entry 1 is not an e-mail address like name@contoso.com (got "bob")',
        'entry 3 "X@Y.COM" repeats entry 2 (addresses are not case-sensitive)',
        'entry 4 must be an address or a table like {address = "name@contoso.com", ...} (got 3)',
    )


def test_with_value_returns_a_changed_copy() -> None:
    original = default_settings()
    changed = with_value(original, "calendar.exchange.ews_url", "https://mail.contoso.com/EWS")
    assert changed.calendar.exchange.ews_url == "https://mail.contoso.com/EWS"
    assert original.calendar.exchange.ews_url == ""
    assert changed.calendar.exchange.version == original.calendar.exchange.version
    assert changed.calendar.office365 is original.calendar.office365

    changed = with_value(changed, "watch.rooms", ["room.4@contoso.com"])
    assert changed.watch.rooms == (WatchEntry("room.4@contoso.com"),)
    assert changed.watch_list() == WatchList(rooms=("room.4@contoso.com",))
    assert changed.get("watch.rooms") == (WatchEntry("room.4@contoso.com"),)


def test_with_value_refuses_invalid_values_with_the_schema_message() -> None:
    with pytest.raises(ValueError, match="credentials are never sent over plain http"):
        with_value(default_settings(), "calendar.graph.graph_url", "http://graph.microsoft.com")
    with pytest.raises(ValueError, match=r"must be between 15 and 3600 \(got 5\)"):
        with_value(default_settings(), "calendar.refresh_interval_seconds", 5)
    with pytest.raises(KeyError):
        with_value(default_settings(), "schema_version", 2)


def test_validate_settings_finds_errors_in_objects_built_without_validation() -> None:
    settings = dataclasses.replace(
        default_settings(),
        network=dataclasses.replace(default_settings().network, timeout_seconds=1),
        extra=(("calendar.myplugin", {"api_token": "x"}),),
    )
    problems = validate_settings(settings)
    assert [(problem.key, problem.file, problem.line) for problem in problems] == [
        ("network.timeout_seconds", None, None),
        ("calendar.myplugin.api_token", None, None),
    ]
    assert str(problems[0]) == "network.timeout_seconds: must be between 5 and 300 (got 1)"
