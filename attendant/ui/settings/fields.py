"""Field editors of the settings dialog, each bound to one key of the schema.

The dialog edits a copy (STYLE.md, convention 6): an :class:`EditSession` holds a
:class:`Settings` value that changes only through :func:`with_value`. Each editor takes its
label, bounds, choices and help from :data:`SCHEMA` and checks what is typed with
:func:`validate_value` on every keystroke, so the rules live in one place. A valid value goes
into the copy at once; an invalid one stays in the editor, is explained right below it, and
blocks OK and Apply until it is fixed. Keys locked by the machine-wide settings file are shown
read-only with a note that says who manages them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from attendant.settings import SCHEMA, FieldSpec, Settings, validate_value, with_value

Warn = Callable[[object], str | None]


class EditSession(QObject):
    """The dialog's copy of the settings, which editors hold errors, and which keys are locked."""

    #: A key's value changed in the copy (the dotted key).
    changed = Signal(str)
    #: The set of editors showing an error changed.
    errors_changed = Signal()

    def __init__(
        self,
        settings: Settings,
        *,
        locked: frozenset[str] = frozenset(),
        lock_note: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.locked = locked
        self.lock_note = lock_note
        self._editors: list[FieldEditor] = []
        self._errors: dict[FieldEditor, str] = {}
        self.provider_sections: dict[str, str | None] = {}  # name -> settings section

    @property
    def settings(self) -> Settings:
        return self._settings

    def get(self, key: str) -> object:
        return self._settings.get(key)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def set(self, key: str, value: object, *, source: FieldEditor | None = None) -> None:
        """Put a valid ``value`` into the copy; other editors of ``key`` show it."""
        if self.is_locked(key) or self._settings.get(key) == value:
            return
        self._settings = with_value(self._settings, key, value)
        for editor in self._editors:
            if editor.key == key and editor is not source:
                editor.load()
        self.changed.emit(key)

    def reset(self, settings: Settings) -> None:
        """Start over from ``settings`` (after Apply): every editor shows it, no errors."""
        self._settings = settings
        self._errors.clear()
        for editor in self._editors:
            editor.load()
        for key in SCHEMA:
            self.changed.emit(key)
        self.errors_changed.emit()

    def register(self, editor: FieldEditor) -> None:
        self._editors.append(editor)

    def set_error(self, editor: FieldEditor, message: str | None) -> None:
        if self._errors.get(editor) == message:
            return
        if message is None:
            del self._errors[editor]
        else:
            self._errors[editor] = message
        self.errors_changed.emit()

    def errors(self) -> list[tuple[FieldEditor, str]]:
        """Editors showing an error (of the providers' sections, only the chosen one's)."""
        name = str(self._settings.get("calendar.provider"))
        chosen = f"{self.provider_sections.get(name) or f'calendar.{name}'}."
        own = [e for e in self._editors if e.key.count(".") < 2 or e.key.startswith(chosen)]
        return [(e, self._errors[e]) for e in own if e in self._errors]


class FieldEditor(QWidget):
    """One setting: an input, and below it the error, warning or note about it."""

    def __init__(
        self,
        spec: FieldSpec,
        session: EditSession,
        *,
        title: str | None = None,
        warn: Warn | None = None,
        where: str = "",
        placeholder: str = "",
        labels: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._labels = labels or {}
        self.spec = spec
        self.key = spec.key
        self.session = session
        self.title = title or spec.title
        self.where = where
        self._warn = warn
        self._extra_warning: str | None = None
        self._loading = False
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldNote")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(self.row)
        layout.addWidget(self.message)
        self.input = self._make_input()
        self.input.setAccessibleName(self.title)
        if spec.description:
            self.input.setToolTip(spec.description)
            self.input.setAccessibleDescription(spec.description)
        if isinstance(self.input, QCheckBox | QSpinBox):
            self.row.addWidget(self.input)  # as wide as its text: a click lands on it
            self.row.addStretch(1)
        else:
            self.row.addWidget(self.input, 1)
        session.register(self)
        self.load()
        if session.is_locked(self.key):
            if isinstance(self.input, QLineEdit):  # still selectable, to copy from
                self.input.setReadOnly(True)
                self.input.setClearButtonEnabled(False)
            else:
                self.input.setEnabled(False)

    # -- to be provided by each kind ---------------------------------------------------

    def _make_input(self) -> QWidget:
        raise NotImplementedError

    def value(self) -> object:
        raise NotImplementedError

    def _show(self, value: object) -> None:
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------

    @property
    def error(self) -> str | None:
        """The inline error shown now, or None."""
        return dict(self.session.errors()).get(self)

    def load(self) -> None:
        """Show the copy's value (no error: the copy only holds valid values)."""
        self._loading = True
        try:
            self._show(self.session.get(self.key))
        finally:
            self._loading = False
        self.session.set_error(self, None)
        self._update_message(None)

    def set_warning(self, text: str | None) -> None:
        """A warning the page computes from other fields (shown when there is no error)."""
        self._extra_warning = text
        self._update_message(self.error)

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        value = self.value()
        error = validate_value(self.key, value)
        if error is None:
            self.session.set(self.key, value, source=self)
        self.session.set_error(self, error)
        self._update_message(error)

    def _update_message(self, error: str | None) -> None:
        if error is not None:
            text, kind = f"{error[:1].upper()}{error[1:]}.", "fieldError"
        elif self.session.is_locked(self.key):
            text, kind = self.session.lock_note, "fieldLocked"
        else:
            warning = self._warn(self.value()) if self._warn is not None else None
            warning = warning or self._extra_warning
            text, kind = (warning, "fieldWarning") if warning else ("", "fieldNote")
        self.message.setText(text)
        if self.message.objectName() != kind:
            self.message.setObjectName(kind)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
        self.message.setVisible(bool(text))
        self.input.setProperty("invalid", error is not None)
        self.input.style().unpolish(self.input)
        self.input.style().polish(self.input)


class TextField(FieldEditor):
    """A string typed freely (URLs, IDs, user names)."""

    input: QLineEdit

    def _make_input(self) -> QWidget:
        edit = QLineEdit(self)
        edit.setPlaceholderText(self._placeholder)
        edit.setClearButtonEnabled(True)
        edit.textChanged.connect(self._edited)
        return edit

    def value(self) -> object:
        return self.input.text()

    def _show(self, value: object) -> None:
        self.input.setText(str(value))


class IntField(FieldEditor):
    """A whole number; the schema's bounds are checked (and explained), not silently clamped."""

    input: QSpinBox

    def _make_input(self) -> QWidget:
        spin = QSpinBox(self)
        spin.setRange(0, 999_999)
        spin.setSuffix(" s" if self.key.endswith("_seconds") else "")
        spin.setAccelerated(True)
        spin.setMinimumWidth(110)
        spin.valueChanged.connect(self._edited)
        return spin

    def value(self) -> object:
        return self.input.value()

    def _show(self, value: object) -> None:
        assert isinstance(value, int)
        self.input.setValue(value)


class BoolField(FieldEditor):
    """A check box that carries the setting's title."""

    input: QCheckBox

    def _make_input(self) -> QWidget:
        box = QCheckBox(self.title, self)
        box.toggled.connect(self._edited)
        return box

    def value(self) -> object:
        return self.input.isChecked()

    def _show(self, value: object) -> None:
        self.input.setChecked(bool(value))


class ChoiceField(FieldEditor):
    """One of the schema's choices, each shown with a person's words."""

    input: QComboBox

    def _make_input(self) -> QWidget:
        combo = QComboBox(self)
        for choice in self.spec.choices or ():
            combo.addItem(self._labels.get(choice, choice), choice)
        combo.currentIndexChanged.connect(self._edited)
        return combo

    def value(self) -> object:
        return self.input.currentData()

    def _show(self, value: object) -> None:
        index = self.input.findData(value)
        if index < 0:  # a value the schema accepts but does not list (open choices)
            self.input.addItem(str(value), value)
            index = self.input.count() - 1
        self.input.setCurrentIndex(index)


class FileField(TextField):
    """A file name, with a Browse… button (the chooser is injectable for tests)."""

    def __init__(
        self,
        spec: FieldSpec,
        session: EditSession,
        *,
        choose: Callable[[QWidget, str], str | None] | None = None,
        file_filter: str = "All files (*)",
        where: str = "",
        parent: QWidget | None = None,
    ) -> None:
        self._choose = choose or _choose_file
        self._filter = file_filter
        super().__init__(spec, session, where=where, parent=parent)
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAccessibleName(f"Browse for {self.title}")
        self.browse.clicked.connect(self._browse)
        self.browse.setEnabled(not self.session.is_locked(self.key))
        self.row.addWidget(self.browse)

    def _browse(self) -> None:
        chosen = self._choose(self, self._filter)
        if chosen:
            self.input.setText(chosen)


def _choose_file(parent: QWidget, file_filter: str) -> str | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Choose a file", str(Path.home()), file_filter)
    return name or None


def make_field(
    key: str,
    session: EditSession,
    *,
    where: str = "",
    title: str | None = None,
    warn: Warn | None = None,
    placeholder: str = "",
    labels: dict[str, str] | None = None,
    parent: QWidget | None = None,
) -> FieldEditor:
    """The editor that fits the schema's type of ``key``."""
    spec = SCHEMA[key]
    kind: type[FieldEditor]
    if spec.type is bool:
        kind = BoolField
    elif spec.type is int:
        kind = IntField
    elif spec.choices is not None and not spec.open_choices:
        kind = ChoiceField
    elif spec.type is str:
        kind = TextField
    else:
        raise TypeError(f"{key}: no editor for {spec.type!r}")
    return kind(
        spec,
        session,
        title=title,
        warn=warn,
        where=where,
        placeholder=placeholder,
        labels=labels,
        parent=parent,
    )


def add_field(form: QFormLayout, editor: FieldEditor) -> FieldEditor:
    """A row of ``form``: the title (a buddy label, for Alt+letter) and the editor."""
    if isinstance(editor, BoolField):
        # An empty QWidget, not "": a row with an empty label text ignores height-for-width
        # and leaves a gap around a wrapped message.
        form.addRow(QWidget(editor.parentWidget()), editor)
        return editor
    label = QLabel(f"{editor.title}:", editor.parentWidget())
    label.setBuddy(editor.input)
    label.setToolTip(editor.spec.description)
    form.addRow(label, editor)
    return editor


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(form.labelAlignment())
    return form
