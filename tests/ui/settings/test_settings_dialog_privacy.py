"""The settings dialog's Privacy group, and fields announced by their labels."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QComboBox, QSpinBox
from test_settings_dialog_support import (
    choose,
    open_dialog,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)


def test_meeting_details_is_chosen_in_words(qtbot) -> None:
    dialog = open_dialog(qtbot)
    combo = dialog.meeting_details.input
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Show subjects and locations",
        "Times only (busy, tentative…), no subjects",
        "Status only, no meetings at all",
    ]
    choose(qtbot, combo, "Times only")
    assert dialog.session.settings.privacy.meeting_details == "busy_only"
    choose(qtbot, combo, "Status only")
    assert dialog.session.settings.privacy.meeting_details == "hide"


def test_a_saved_choice_is_shown(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(privacy__meeting_details="busy_only"))
    assert dialog.meeting_details.input.currentText().startswith("Times only")


def labels_of(widget) -> list[str]:
    """What a screen reader says the widget is labelled by (the buddy label's text)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    found = interface.relations(QAccessible.RelationFlag.Label)
    return [other.text(QAccessible.Text.Name) for other, _ in found]


def test_combo_and_spin_boxes_are_announced_by_their_label(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(calendar__provider="exchange"))
    boxes = [
        box
        for box in (*dialog.findChildren(QComboBox), *dialog.findChildren(QSpinBox))
        if box.isVisibleTo(dialog)
    ]
    assert len(boxes) >= 3
    for box in boxes:
        # The name (Windows, macOS) and the label relation (Linux) both carry the label,
        # not the value the box holds.
        assert box.accessibleName(), box
        assert box.accessibleName() != getattr(box, "currentText", lambda: "")()
        assert f"{box.accessibleName()}:" in labels_of(box)
    assert dialog.meeting_details.input.accessibleName() == "Meeting details"
    assert labels_of(dialog.meeting_details.input) == ["Meeting details:"]
