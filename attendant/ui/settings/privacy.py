"""The "Privacy" group of the settings dialog: how much of a meeting the board shows."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QWidget

from attendant.ui.settings.fields import (
    EditSession,
    FieldEditor,
    add_field,
    form_layout,
    make_field,
)
from attendant.ui.settings.pages.base import group, note

#: What each value of ``privacy.meeting_details`` means, in a receptionist's words.
MEETING_DETAILS_LABELS = {
    "show": "Show subjects and locations",
    "busy_only": "Times only (busy, tentative…), no subjects",
    "hide": "Status only, no meetings at all",
}


def privacy_group(session: EditSession, parent: QWidget) -> tuple[QGroupBox, FieldEditor]:
    """The group box and the meeting-details editor (for a screen that faces visitors)."""
    box, layout = group("Privacy", parent)
    form = form_layout()
    layout.addLayout(form)
    editor = add_field(
        form,
        make_field(
            "privacy.meeting_details",
            session,
            where="Advanced",
            labels=MEETING_DETAILS_LABELS,
            parent=box,
        ),
    )
    layout.addWidget(
        note(
            "Applies to the board, its tooltips and every command's output. A meeting the "
            "server marks private never shows its subject or location.",
            box,
        )
    )
    return box, editor
