"""What a new admin hits in the first five minutes: results that outlive a provider switch,
retyped IDs, a page opened at its bottom, a dialog taller than the screen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from test_settings_dialog_check import exchange_dialog, fill_exchange
from test_settings_dialog_support import (
    GUID,
    choose,
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    retype,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
    step_results,
    wait_for_check,
)

from attendant.providers.base import StepResult
from attendant.ui.settings.calendar_tab import PREFERRED_SIZE
from tests.fakes.helpers import DEFAULT_PASSWORD, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

OTHER = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, datetime.now(UTC).date())
    return server


def test_test_results_are_cleared_when_the_provider_changes(
    qtbot, ews, ca_file, tmp_path: Path, no_keyring
) -> None:
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, DEFAULT_PASSWORD)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    assert ("Credentials", StepResult.PASS) in step_results(dialog)
    assert dialog.check_panel.isVisible()

    choose(qtbot, dialog.provider.input, "Microsoft 365")

    assert not dialog.check_panel.isVisible()  # Exchange's results no longer on screen
    assert dialog.check_panel.steps == []
    assert dialog.check_panel.status.text() == ""
    choose(qtbot, dialog.provider.input, "Exchange")
    assert not dialog.check_panel.isVisible()  # nor when coming back: they may be stale


def test_the_ids_of_the_other_microsoft_365_page_are_offered(qtbot) -> None:
    dialog = open_dialog(
        qtbot,
        settings_with(
            calendar__provider="office365",
            calendar__office365__tenant_id=GUID,
            calendar__office365__client_id=OTHER,
        ),
    )
    o365 = dialog.pages["office365"]
    assert not o365.findChild(type(o365), "") and not _offer(dialog, "office365").isVisible()

    choose(qtbot, dialog.provider.input, "Microsoft 365")
    offer = _offer(dialog, "graph")
    assert offer.isVisible()
    assert f"Office 365 (EWS) has tenant {GUID} and application {OTHER}." == offer.text.text()
    click(qtbot, offer.button)

    graph = dialog.pages["graph"]
    assert graph.tenant_id.input.text() == GUID and graph.client_id.input.text() == OTHER
    assert dialog.session.settings.calendar.graph.tenant_id == GUID
    assert dialog.session.settings.calendar.graph.client_id == OTHER
    assert not offer.isVisible()  # same IDs on both pages: nothing left to offer
    assert dialog.session.settings.calendar.office365.client_id == OTHER  # untouched

    retype(qtbot, graph.client_id.input, "11111111-2222-4333-8444-555555555555")
    assert offer.isVisible()  # they differ again


def _offer(dialog, name: str):
    from attendant.ui.settings.pages.office365 import OtherPageIds

    (offer,) = dialog.pages[name].findChildren(OtherPageIds)
    return offer


def test_a_page_opens_at_its_top(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(calendar__provider="exchange"))
    dialog.resize(PREFERRED_SIZE[0], 420)  # a short window: the column scrolls
    scroll = dialog.calendar_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)
    scroll.setValue(scroll.maximum())  # the admin scrolled down to the refresh interval

    choose(qtbot, dialog.provider.input, "Microsoft 365")
    assert scroll.value() == 0  # Graph's page from its top, not from the bottom
    scroll.setValue(scroll.maximum())
    choose(qtbot, dialog.provider.input, "Exchange")
    assert scroll.value() == 0


@pytest.mark.parametrize("provider", ["Demo", "Exchange", "Office 365", "Microsoft 365"])
def test_the_refresh_interval_follows_the_page_without_a_gap(qtbot, provider: str) -> None:
    dialog = open_dialog(qtbot)
    dialog.resize(*PREFERRED_SIZE)
    choose(qtbot, dialog.provider.input, provider)
    page = dialog.stack.currentWidget()
    assert page is not None and page.isVisible()
    interval = dialog.interval.input

    def gap() -> int:  # from the page's last visible widget to the refresh interval's field
        shown = [c for c in page.findChildren(QWidget) if c.isVisible()] or [page]
        bottom = max(c.mapTo(dialog, c.rect().bottomLeft()).y() for c in shown)
        return interval.mapTo(dialog, interval.rect().topLeft()).y() - bottom

    qtbot.waitUntil(lambda: gap() < 110)  # a group's title and margins, not an empty screen
    assert dialog.stack.height() <= page.sizeHint().height() + 1


def test_the_dialog_fits_the_screen(qtbot) -> None:
    dialog = open_dialog(qtbot)
    free = dialog.screen().availableGeometry()
    assert dialog.width() <= min(PREFERRED_SIZE[0], free.width())
    assert dialog.height() <= min(PREFERRED_SIZE[1], free.height())
    assert dialog.minimumSizeHint().height() <= 620  # 1920×1080 at 150 %: 720 px, less panels


def test_the_results_leave_the_form_most_of_the_height(
    qtbot, ews, ca_file, tmp_path: Path, no_keyring
) -> None:
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, "not the password")
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    tabs, results = dialog.splitter.sizes()
    assert tabs > results >= 170
