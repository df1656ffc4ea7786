"""Property: the settings TOML and the watch-list CSV, whatever they hold, give a result or a
clear error (SettingsError / CsvUnreadable); nothing else escapes and nothing hangs."""

from __future__ import annotations

import string

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendant.services.csv_import import CsvUnreadable, read_people_csv
from attendant.settings import SettingsError, load_settings

QUICK = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KEYS = {
    "": ["schema_version", "calendar", "network", "watch", "privacy", "bogus"],
    "calendar": [
        "provider",
        "refresh_interval_seconds",
        "grant_basic_auth",
        "grant_modern_auth",
        "exchange",
        "office365",
        "graph",
        "password",
    ],
    "exchange": ["ews_url", "version", "username", "auth", "password"],
    "office365": ["tenant_id", "client_id", "authority", "ews_url"],
    "graph": ["tenant_id", "client_id", "authority", "graph_url"],
    "network": ["ca_bundle", "timeout_seconds"],
    "watch": ["people", "rooms", "room_lists"],
    "privacy": ["meeting_details"],
}
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "exchange",
            "graph",
            "demo",
            "office365",
            "https://mail.contoso.com/EWS/Exchange.asmx",
            "http://x",
            "Exchange2013_SP1",
            "ntlm",
            "show",
            "hide",
            "00000000-0000-0000-0000-000000000000",
        ]
    ),
    st.text(max_size=30),
    st.datetimes(),
    st.lists(
        st.text(max_size=20) | st.sampled_from(["alice@contoso.com", "room.4@contoso.com"]),
        max_size=3,
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(["address", "name", "capacity", "phone", "floor", "x"]),
            st.text(max_size=10) | st.integers() | st.booleans(),
            max_size=4,
        ),
        max_size=3,
    ),
)


def table(section: str, depth: int = 0) -> st.SearchStrategy[dict[str, object]]:
    def value_for(key: str) -> st.SearchStrategy[object]:
        if key in KEYS and depth < 2:
            return table(key, depth + 1) | VALUES
        return VALUES

    return st.lists(
        st.sampled_from(KEYS[section]).flatmap(lambda key: st.tuples(st.just(key), value_for(key))),
        max_size=6,
    ).map(dict)


def _to_toml(document: dict[str, object]) -> str:
    try:
        return tomli_w.dumps({k: v for k, v in document.items() if v is not None})
    except (TypeError, ValueError):
        return "schema_version = 1\n"


toml_text = st.one_of(
    table("").map(_to_toml),
    st.text(string.printable, max_size=200),
    table("").map(_to_toml).flatmap(lambda t: st.integers(0, len(t)).map(lambda n: t[:n])),
)


def _load(tmp_path, data: bytes) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(data)
    try:
        result = load_settings(path)
    except SettingsError as error:
        assert error.problems and str(error).strip()  # which file, which key, what is wrong
        return
    assert result.settings.calendar.provider in ("demo", "exchange", "office365", "graph")
    assert result.settings.calendar.refresh_interval_seconds > 0


@QUICK
@given(text=toml_text)
def test_any_settings_text_loads_or_says_what_is_wrong(tmp_path, text):
    _load(tmp_path, text.encode("utf-8"))


@QUICK
@given(
    data=st.binary(max_size=200),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"schema_version = 1\n"]),
)
def test_any_settings_bytes_load_or_say_what_is_wrong(tmp_path, data, prefix):
    _load(tmp_path, prefix + data)


cell = st.one_of(
    st.sampled_from(
        [
            "alice@contoso.com",
            "Bob <bob@contoso.com>",
            "email",
            "name",
            "E-Mail",
            "Name",
            "Phone",
            "Department",
            "",
        ]
    ),
    st.text(max_size=15),
)
rows = st.lists(st.lists(cell, max_size=5), max_size=8)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.sampled_from(['"', "", "'"]))
    lines = [separator.join(f"{quote}{c}{quote}" for c in row) for row in draw(rows)]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=10)) + data[cut:]
    return data


@QUICK
@given(data=csv_bytes() | st.binary(max_size=300))
def test_any_csv_gives_people_and_problems_or_a_clear_error(tmp_path, data):
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    try:
        result = read_people_csv(path)
    except CsvUnreadable as error:
        assert str(error).strip()
        return
    for person in result.people:
        assert "@" in person.email
    for problem in result.problems:
        assert str(problem).strip()
