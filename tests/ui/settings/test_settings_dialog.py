"""The Calendar Integration Settings dialog, filled in like an admin does: fields, rules, locks.

Real widgets, typed into with the keyboard and clicked with the mouse. The dialog edits a
copy: what it hands back is checked, never a file it wrote (it writes none).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_settings_dialog_support import (
    GUID,
    choose,
    click,
    memory_keyring_fixture,  # noqa: F401 - a fixture, by its name
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    retype,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

from attendant.providers.base import ProviderInfo
from attendant.providers.registry import BUILTINS, ProviderRegistry
from attendant.settings import default_settings
from attendant.ui.settings.fields import BoolField
from attendant.ui.settings.load_estimate import estimate_load, requests_per_hour
from attendant.ui.settings.pages import GenericPage


def test_the_provider_list_comes_from_the_registry(qtbot) -> None:
    dialog = open_dialog(qtbot)
    combo = dialog.provider.input
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Demo directory",
        "Exchange on-premises (EWS)",
        "Office 365 (EWS)",
        "Microsoft 365 (Microsoft Graph)",
    ]
    assert dialog.windowTitle() == "Calendar Integration Settings"
    choose(qtbot, combo, "Exchange")
    assert dialog.session.settings.calendar.provider == "exchange"
    assert dialog.stack.currentWidget() is dialog.pages["exchange"]


def test_invalid_values_are_explained_inline_and_block_ok(qtbot, no_keyring) -> None:
    dialog = open_dialog(qtbot, settings_with(calendar__provider="exchange"))
    page = dialog.pages["exchange"]
    url = page.ews_url

    retype(qtbot, url.input, "http://mail.contoso.com/EWS/Exchange.asmx")
    assert url.message.isVisible()
    assert "https://" in url.message.text() and "plain http" in url.message.text()
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    assert not dialog.test_button.isEnabled()
    assert "EWS URL" in dialog.problems.text()

    retype(qtbot, url.input, "https://mail.contoso.com/ews/exchange.ASMX")  # case-insensitive
    assert url.error is None and not url.message.isVisible()
    assert dialog.ok_button.isEnabled() and dialog.apply_button.isEnabled()

    retype(qtbot, url.input, "https://mail.contoso.com/owa")
    assert url.error is None  # valid, but most likely not where EWS lives
    assert "/EWS/Exchange.asmx" in url.message.text() and dialog.ok_button.isEnabled()

    interval = dialog.interval
    retype(qtbot, interval.input, "5")
    assert interval.message.text() == "Must be between 15 and 3600 (got 5)."
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, interval.input, "90")
    assert interval.error is None and dialog.ok_button.isEnabled()
    settings = dialog.session.settings
    assert settings.calendar.exchange.ews_url == "https://mail.contoso.com/owa"
    assert settings.calendar.refresh_interval_seconds == 90


def test_guids_are_checked_while_typing(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(calendar__provider="office365"))
    page = dialog.pages["office365"]
    retype(qtbot, page.client_id.input, "0f2c1a6e-7d4b")
    assert "a GUID like 00000000-0000-0000-0000-000000000000" in page.client_id.message.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(page.client_id.input, GUID.removeprefix("0f2c1a6e-7d4b"))
    assert page.client_id.error is None and dialog.ok_button.isEnabled()
    retype(qtbot, page.tenant_id.input, "contoso.onmicrosoft.com")  # a verified domain is fine
    assert page.tenant_id.error is None
    assert dialog.session.settings.calendar.office365.client_id == GUID


def test_only_the_chosen_provider_is_validated_and_the_others_values_are_kept(qtbot) -> None:
    dialog = open_dialog(
        qtbot, settings_with(calendar__provider="office365", calendar__office365__tenant_id=GUID)
    )
    tenant = dialog.pages["office365"].tenant_id
    tenant.input.setFocus()
    qtbot.keyClick(tenant.input, Qt.Key.Key_End)
    qtbot.keyClicks(tenant.input, " typo")  # half-typed: the copy keeps the valid GUID
    assert not dialog.ok_button.isEnabled()
    assert "Office 365 (EWS) ▸ Directory (tenant) ID" in dialog.problems.text()

    choose(qtbot, dialog.provider.input, "Microsoft 365")
    assert dialog.ok_button.isEnabled()  # Graph is chosen: Office 365's half-typed field waits
    assert not dialog.problems.isVisible()
    assert dialog.session.settings.calendar.office365.tenant_id == GUID  # the valid value kept

    choose(qtbot, dialog.provider.input, "Office 365")
    assert tenant.input.text() == f"{GUID} typo"  # what was typed is still there, with its error
    assert not dialog.ok_button.isEnabled()
    assert "Office 365 (EWS) ▸ Directory (tenant) ID" in dialog.problems.text()


def test_both_grants_on_office_365_show_the_warning(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(calendar__provider="office365"))
    page = dialog.pages["office365"]
    assert isinstance(page.grant_basic, BoolField) and isinstance(page.grant_modern, BoolField)
    assert not page.grant_basic.input.isChecked() and page.grant_modern.input.isChecked()
    assert not page.both_warning.isVisible()
    explanation = " ".join(label.text() for label in page.findChildren(type(page.both_warning)))
    assert "no longer accepting Basic authentication" in explanation or (
        "stopped accepting Basic authentication" in explanation
    )

    click(qtbot, page.grant_basic.input)
    assert page.both_warning.isVisible()
    assert "Both Basic and Modern Authentication are granted" in page.both_warning.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    click(qtbot, page.grant_modern.input)
    assert not page.both_warning.isVisible()
    assert "needs Modern Authentication" in page.grant_modern.message.text()
    settings = dialog.session.settings.calendar
    assert (settings.grant_basic_auth, settings.grant_modern_auth) == (True, False)


def test_the_exchange_page_has_no_grant_choice(qtbot) -> None:
    # On-premises Exchange has only password authentication; the grants are Office 365's.
    dialog = open_dialog(qtbot, settings_with(calendar__provider="exchange"))
    assert not hasattr(dialog.pages["exchange"], "grant_basic")


def test_the_interval_shows_the_load_and_warns_for_exchange_online(qtbot) -> None:
    people = tuple(f"user{i:03d}@contoso.com" for i in range(230))
    settings = settings_with(
        calendar__provider="exchange",
        watch__people=people,
        watch__rooms=("room.4@contoso.com", "room.5@contoso.com"),
    )
    dialog = open_dialog(qtbot, settings)
    # 232 mailboxes: 3 EWS requests a refresh, 60 refreshes an hour.
    expected = "180 free/busy requests an hour for 230 people + 2 rooms"
    assert dialog.load_label.text().startswith(expected)
    assert "at most 100 mailboxes a request, every 60 s" in dialog.load_label.text()
    assert "throttle" not in dialog.interval.message.text()

    choose(qtbot, dialog.provider.input, "Microsoft")
    assert dialog.load_label.text().startswith("720 free/busy requests")  # 12 batches of 20
    retype(qtbot, dialog.interval.input, "30")
    assert "Microsoft may throttle or lock the account" in dialog.interval.message.text()
    assert dialog.interval.error is None and dialog.ok_button.isEnabled()

    dialog.watch_page.room_lists.add(["rooms-hq@contoso.com", "rooms-lab@contoso.com"])
    assert "+ rooms of 2 room lists" in dialog.load_label.text()
    assert dialog.load_label.text().startswith("At least 1440")


def test_load_arithmetic() -> None:
    assert requests_per_hour(0, 100, 60) == 0
    assert requests_per_hour(100, 100, 60) == 60
    assert requests_per_hour(101, 100, 60) == 120
    assert requests_per_hour(21, 20, 3600) == 2
    demo = estimate_load(
        provider="demo", interval_seconds=15, batch_size=100, people=3, rooms=0, room_lists=0
    )
    assert demo.requests_per_hour == 0 and demo.warning is None
    only_lists = estimate_load(
        provider="office365", interval_seconds=59, batch_size=100, people=0, rooms=0, room_lists=1
    )
    expected = "At least 62 free/busy requests an hour for rooms of 1 room list"
    assert only_lists.text.startswith(expected)
    assert only_lists.warning is not None


def test_locked_keys_are_read_only_and_say_who_manages_them(qtbot, tmp_path: Path) -> None:
    site = tmp_path / "site" / "settings.toml"
    dialog = open_dialog(
        qtbot,
        settings_with(calendar__provider="exchange"),
        locked=frozenset({"calendar.provider", "calendar.exchange.ews_url", "watch.rooms"}),
        managed_by="IT department, ext. 1234",
        site_file=site,
    )
    page = dialog.pages["exchange"]
    note = f"Managed by IT department, ext. 1234 (machine-wide settings file {site})"
    assert not dialog.provider.input.isEnabled() and page.ews_url.input.isReadOnly()
    qtbot.keyClicks(page.ews_url.input, "x")  # read-only: still selectable, not editable
    assert dialog.session.settings.calendar.exchange.ews_url == ""
    assert page.ews_url.message.text().startswith(note)
    assert dialog.provider.message.text().startswith(note)
    assert page.username.input.isEnabled()  # not locked
    assert "managed by IT department, ext. 1234" in dialog.banner.text()
    rooms = dialog.watch_page.rooms
    assert not rooms.add_button.isEnabled() and not rooms.remove_button.isEnabled()
    assert not dialog.watch_page.discover_button.isEnabled()
    assert rooms.message.text().startswith(note)
    assert dialog.watch_page.people.add_button.isEnabled()
    dialog.session.set("calendar.provider", "demo")  # nothing changes a locked key
    assert dialog.session.settings.calendar.provider == "exchange"


def test_ok_hands_back_the_edited_copy_and_cancel_nothing(qtbot, memory_keyring) -> None:
    original = settings_with(calendar__provider="exchange")
    handed: list = []
    dialog = open_dialog(qtbot, original, apply=handed.append)
    page = dialog.pages["exchange"]
    retype(qtbot, page.ews_url.input, "https://mail.contoso.com/EWS/Exchange.asmx")
    retype(qtbot, page.username.input, "CONTOSO\\reception")
    page.username.input.editingFinished.emit()
    assert "No password is stored for CONTOSO\\reception" in page.password.state.text()
    qtbot.keyClicks(page.password.edit, "s3cret")
    click(qtbot, dialog.ok_button)
    assert dialog.result() == dialog.DialogCode.Accepted
    (outcome,) = handed
    assert outcome.password == "s3cret"
    assert outcome.settings.calendar.exchange.username == "CONTOSO\\reception"
    assert outcome.settings.calendar.exchange.ews_url.endswith("/EWS/Exchange.asmx")
    assert memory_keyring.passwords == {}  # the dialog stores nothing itself

    again = open_dialog(qtbot, original, apply=handed.append)
    retype(qtbot, again.interval.input, "120")
    click(qtbot, again.cancel_button)
    assert (
        again.result() == again.DialogCode.Rejected and len(handed) == 1 and again.outcome is None
    )


def test_a_stored_password_is_never_shown_back(qtbot, memory_keyring) -> None:
    memory_keyring.set_password("Attendant", "CONTOSO\\reception", "stored-secret")
    dialog = open_dialog(
        qtbot,
        settings_with(
            calendar__provider="exchange", calendar__exchange__username="CONTOSO\\reception"
        ),
    )
    password = dialog.pages["exchange"].password
    assert "A password is stored in the operating system's keyring" in password.state.text()
    assert not password.edit.isVisible() and password.edit.text() == ""
    assert password.typed() is None and not dialog.apply_button.isEnabled()
    click(qtbot, password.change_button)
    assert password.edit.isVisible()
    qtbot.keyClicks(password.edit, "new-secret")
    assert password.to_store() == "new-secret" and dialog.apply_button.isEnabled()
    click(qtbot, password.keep_button)
    assert password.to_store() is None and not dialog.apply_button.isEnabled()


def test_without_a_keyring_the_password_is_for_test_settings_only(qtbot, no_keyring) -> None:
    dialog = open_dialog(
        qtbot,
        settings_with(calendar__provider="exchange", calendar__exchange__username="reception"),
    )
    password = dialog.pages["exchange"].password
    assert "The password cannot be stored" in password.state.text()
    assert "ATTENDANT_PASSWORD" in password.state.text()
    qtbot.keyClicks(password.edit, "typed")
    assert password.typed() == "typed" and password.to_store() is None


def test_a_plugin_gets_a_page_built_from_the_schema(qtbot) -> None:
    plugin = ProviderInfo(
        name="acme",
        title="ACME calendars",
        factory=BUILTINS[0].factory,
        settings_section="calendar.graph",  # a plugin reusing a schema section
        description="A provider from a plugin.",
    )
    bare = ProviderInfo(name="bare", title="Bare plugin", factory=BUILTINS[0].factory,
                        settings_section="calendar.bare")  # fmt: skip
    dialog = open_dialog(qtbot, registry=ProviderRegistry([*BUILTINS, plugin, bare]))
    choose(qtbot, dialog.provider.input, "ACME")
    page = dialog.pages["acme"]
    assert isinstance(page, GenericPage)
    assert [f.key for f in page.fields] == [
        "calendar.graph.tenant_id",
        "calendar.graph.client_id",
        "calendar.graph.authority",
        "calendar.graph.graph_url",
    ]
    retype(qtbot, page.fields[0].input, "bad tenant")
    assert page.fields[0].error is not None and not dialog.ok_button.isEnabled()
    choose(qtbot, dialog.provider.input, "Bare")
    texts = " ".join(
        label.text() for label in dialog.pages["bare"].findChildren(type(dialog.banner))
    )
    assert "[calendar.bare]" in texts


def test_the_ca_file_is_chosen_with_a_file_picker(qtbot, tmp_path: Path) -> None:
    pem = tmp_path / "contoso-ca.pem"
    dialog = open_dialog(qtbot, choose_file=lambda parent, file_filter: str(pem))
    dialog.tabs.setCurrentIndex(2)
    click(qtbot, dialog.ca_file.browse)
    assert dialog.session.settings.network.ca_bundle == str(pem)
    retype(qtbot, dialog.timeout.input, "301")
    assert dialog.timeout.message.text() == "Must be between 5 and 300 (got 301)."


def test_apply_keeps_the_dialog_open_and_shows_a_save_error(qtbot) -> None:
    from attendant.settings import Problem, SettingsError

    def refuse(outcome) -> None:
        note = Problem(Path("settings.toml"), None, None, "was not overwritten because it does "
                       "not parse or validate; fix it or move it aside first")  # fmt: skip
        raise SettingsError(Path("settings.toml"), [note])

    dialog = open_dialog(qtbot, apply=refuse)
    retype(qtbot, dialog.interval.input, "120")
    click(qtbot, dialog.apply_button)
    assert dialog.isVisible() and dialog.outcome is None
    assert "was not overwritten" in dialog.banner.text()
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()


def test_everything_is_reachable_from_the_keyboard(qtbot) -> None:
    dialog = open_dialog(qtbot, default_settings())
    qtbot.keyClick(dialog, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.watch_page
    people = dialog.watch_page.people
    people.address.setFocus()
    qtbot.keyClicks(people.address, "alice@contoso.com")
    qtbot.keyClick(people.address, Qt.Key.Key_Return)
    qtbot.keyClicks(people.address, "bob@contoso.com")
    qtbot.keyClick(people.address, Qt.Key.Key_Return)
    qtbot.keyClicks(people.address, "ALICE@contoso.com")
    qtbot.keyClick(people.address, Qt.Key.Key_Return)
    assert "already in the list" in people.message.text()
    qtbot.keyClicks(people.address, "x")  # typing again clears the message
    assert not people.message.isVisible()
    people.view.setFocus()
    people.view.setCurrentIndex(people.model.index(0, 0))
    qtbot.keyClick(people.view, Qt.Key.Key_Delete)
    assert [e.address for e in dialog.session.settings.watch.people] == ["bob@contoso.com"]
