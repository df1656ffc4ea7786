"""File ▸ Export settings… and Import settings…: ten desks set up from one, no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, ok_state
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from attendant.providers.registry import ProviderRegistry
from attendant.settings import default_settings, load_settings, with_value
from attendant.ui.settings.dialog import SettingsDialog
from attendant.ui.window.main_window import MainWindow
from attendant.ui.window.settings_files import SettingsFileActions

GUID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"


def configured():
    settings = default_settings()
    for key, value in {
        "calendar.provider": "exchange",
        "calendar.exchange.ews_url": "https://mail.contoso.com/EWS/Exchange.asmx",
        "calendar.exchange.username": "CONTOSO\\reception",
        "calendar.graph.tenant_id": GUID,
        "calendar.refresh_interval_seconds": 90,
    }.items():
        settings = with_value(settings, key, value)
    return settings


@pytest.fixture
def desk(qtbot, clock: FakeClock, tmp_path: Path):
    win = MainWindow(FakeFeed(ok_state()), clock=clock, provider_title="Exchange", tz=TZ)
    qtbot.addWidget(win)
    chosen: list[Path | None] = []
    reviewed: list[SettingsDialog] = []

    def review(settings):
        dialog = SettingsDialog(settings, ProviderRegistry.discover(), parent=win)
        qtbot.addWidget(dialog)
        reviewed.append(dialog)
        return dialog

    actions = SettingsFileActions(
        win,
        win.file_menu,
        win.quit_action,
        current=configured,
        review=review,
        choose=lambda parent, caption, suggested, save: chosen.pop(0),
    )
    return win, actions, chosen, reviewed


def close_message_boxes(win: MainWindow, seen: list[str]) -> QTimer:
    def close() -> None:
        for box in win.findChildren(QMessageBox):
            if box.isVisible():
                seen.append(box.text())
                box.close()

    timer = QTimer(win)
    timer.timeout.connect(close)
    timer.start(20)
    return timer


def test_the_file_menu_offers_export_and_import_before_quit(desk) -> None:
    win, *_ = desk
    texts = [a.text() for a in win.file_menu.actions() if not a.isSeparator()]
    assert texts[-3:] == ["&Export settings…", "&Import settings…", "&Quit"]


def test_export_then_import_carries_the_settings_but_no_secret(
    desk, tmp_path: Path, monkeypatch
) -> None:
    _, actions, chosen, reviewed = desk
    monkeypatch.setenv("ATTENDANT_PASSWORD", "Corr3ct-Horse-Battery")
    target = tmp_path / "desk-1.toml"
    chosen.append(target)
    assert actions.export() is True

    text = target.read_text(encoding="utf-8")
    assert "Corr3ct-Horse-Battery" not in text
    keys = [line.split("=")[0] for line in text.splitlines() if "=" in line and line[0] != "#"]
    assert not [k for k in keys if "password" in k.lower() or "token" in k.lower()]
    assert load_settings(target).settings == configured()

    chosen.append(target)
    assert actions.import_() is True
    (dialog,) = reviewed
    assert dialog.session.settings == configured()
    assert f"Imported from {target}" in dialog.banner.text()
    assert dialog.ok_button.isEnabled()  # checked like the dialog checks: all valid


def test_an_invalid_file_is_refused_with_its_problem_and_nothing_opens(
    desk, tmp_path: Path
) -> None:
    win, actions, chosen, reviewed = desk
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\n[calendar]\nprovider = "exchange"\n'
        '[calendar.exchange]\news_url = "http://mail.contoso.com/EWS/Exchange.asmx"\n',
        encoding="utf-8",
    )
    seen: list[str] = []
    timer = close_message_boxes(win, seen)
    chosen.append(bad)
    assert actions.import_() is False
    timer.stop()
    assert reviewed == []
    assert seen and "nothing was changed" in seen[0] and "calendar.exchange.ews_url" in seen[0]


def test_a_password_in_an_imported_file_is_left_out(desk, tmp_path: Path) -> None:
    _, actions, chosen, reviewed = desk
    source = tmp_path / "with-secret.toml"
    source.write_text(
        'schema_version = 1\n[calendar]\nprovider = "exchange"\n'
        "[calendar.exchange]\n"
        'ews_url = "https://mail.contoso.com/EWS/Exchange.asmx"\n'
        'password = "Pl4nted-Secret"\n',
        encoding="utf-8",
    )
    chosen.append(source)
    assert actions.import_() is True
    (dialog,) = reviewed
    assert "Pl4nted-Secret" not in repr(dialog.session.settings)
    assert dialog.session.settings.calendar.exchange.ews_url.startswith("https://mail.")


def test_a_cancelled_file_dialog_does_nothing(desk) -> None:
    _, actions, chosen, reviewed = desk
    chosen.extend([None, None])
    assert actions.export() is False
    assert actions.import_() is False
    assert reviewed == []
