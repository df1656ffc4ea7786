"""Calendar Integration Settings: provider, credentials, refresh interval, watch list.

The dialog edits a copy of the settings (STYLE.md, convention 6, after Picard's options
pages): every field checks what is typed against the schema and explains a problem right
next to it, and OK and Apply stay disabled while any field is invalid. The dialog never writes
a file: OK and Apply hand a :class:`SettingsOutcome` (the new settings, and a password typed to
be stored) to the ``apply`` callable of the composition root, which saves the file atomically,
stores the password in the keyring and switches the board; if that fails (a settings file
that is invalid on disk is never overwritten) the error is shown and the dialog stays open.
Cancel changes nothing.

Test Settings runs the steps of ``attendant check`` against the edited copy, live and
cancellable (:mod:`attendant.ui.settings.check`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from attendant.providers.registry import ProviderRegistry
from attendant.settings import SCHEMA, SecretStoreUnavailable, Settings, SettingsError
from attendant.ui.common.themes import Palette, qt_palette
from attendant.ui.settings.calendar_tab import (
    PageStack,
    build_calendar_tab,
    fit_to_screen,
    show_page,
)
from attendant.ui.settings.check import CheckPanel
from attendant.ui.settings.fields import (
    EditSession,
    FieldEditor,
    FileField,
    add_field,
    form_layout,
    make_field,
)
from attendant.ui.settings.load_estimate import estimate_load
from attendant.ui.settings.pages import ProviderPage
from attendant.ui.settings.pages.base import group, note
from attendant.ui.settings.privacy import privacy_group
from attendant.ui.settings.style import DIALOG_STYLE, dialog_style
from attendant.ui.settings.watch import WatchPage
from attendant.ui.settings.worker import ProviderAccess

TITLE = "Calendar Integration Settings"
#: Problems listed under the tabs before "and N more".
SHOWN_ERRORS = 3


@dataclass(frozen=True)
class SettingsOutcome:
    """What OK/Apply hands to the composition root."""

    settings: Settings
    #: A new password for ``settings.calendar.exchange.username``, to store in the keyring.
    password: str | None = None


#: Saves and applies an outcome; raises SettingsError, SecretStoreUnavailable or OSError.
Apply = Callable[[SettingsOutcome], None]


class SettingsDialog(QDialog):
    """The admin's dialog; see the module's docstring."""

    # Built by :func:`build_calendar_tab`.
    provider: FieldEditor
    pages: dict[str, ProviderPage]
    stack: PageStack
    empty_page: QWidget
    calendar_scroll: QScrollArea
    interval: FieldEditor
    load_label: QLabel

    def __init__(
        self,
        settings: Settings,
        registry: ProviderRegistry,
        *,
        locked: frozenset[str] = frozenset(),
        managed_by: str | None = None,
        site_file: Path | None = None,
        problem: str | None = None,
        first_run: bool = False,
        token_cache: Path | None = None,
        state_dir: Path | None = None,
        apply: Apply | None = None,
        choose_file: Callable[[QWidget, str], str | None] | None = None,
        choose_csv: Callable[[QWidget], Path | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("settingsDialog")
        self.setStyleSheet(DIALOG_STYLE)
        self.registry = registry
        self.access = ProviderAccess(registry, token_cache=token_cache, state_dir=state_dir)
        self._apply = apply
        self._baseline = settings
        self.outcome: SettingsOutcome | None = None
        self.session = EditSession(
            settings, locked=locked, lock_note=_lock_note(managed_by, site_file), parent=self
        )
        self.session.provider_sections = {i.name: i.settings_section for i in registry.infos()}
        self.banner = note("", self, name="dialogBanner")
        self.banner.hide()
        intro = (
            [
                "Welcome to Attendant. Choose where it reads the calendars from, then press Test "
                "Settings."
            ]
            if first_run
            else []
        )
        if locked:
            intro.append(
                f"Some settings are managed by {managed_by or 'your administrator'} and are "
                "shown read-only."
            )
        if problem:
            self.show_banner(problem, error=True)
        elif intro:
            self.show_banner(" ".join(intro))

        self.tabs = QTabWidget(self)
        self.tabs.addTab(build_calendar_tab(self), "&Calendar")
        self.watch_page = WatchPage(
            self.session, self.access, self._typed_password, choose_csv=choose_csv, parent=self
        )
        self.tabs.addTab(self.watch_page, "&Watch list")
        self.tabs.addTab(self._advanced_tab(choose_file), "A&dvanced")

        self.check_panel = CheckPanel(self.access, self)
        self.check_panel.hide()
        self.problems = note("", self, name="fieldError")
        self.problems.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.test_button = QPushButton("&Test Settings", self)
        self.test_button.setToolTip(
            "Try the settings as they are in this dialog, step by step (nothing is saved)"
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.clicked.connect(self._ok)
        self.apply_button.clicked.connect(self.apply_changes)
        self.cancel_button.clicked.connect(self.reject)
        self.test_button.clicked.connect(self.test_settings)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.check_panel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.problems)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self.session.errors_changed.connect(self._update_buttons)
        self.check_panel.finished_run.connect(self._update_buttons)
        self.session.changed.connect(self._on_changed)
        for page in self.pages.values():
            page.password_edited.connect(self._update_buttons)
        self._show_provider()
        self._update_load()
        self._update_buttons()
        fit_to_screen(self)

    # -- construction --------------------------------------------------------------------

    def _advanced_tab(self, choose_file: Callable[[QWidget, str], str | None] | None) -> QWidget:
        tab = QWidget(self)
        network, network_layout = group("Network", tab)
        form = form_layout()
        network_layout.addLayout(form)
        self.ca_file = add_field(
            form,
            FileField(
                SCHEMA["network.ca_bundle"],
                self.session,
                choose=choose_file,
                file_filter="Certificates (*.pem *.crt *.cer);;All files (*)",
                where="Advanced",
            ),
        )
        self.timeout = add_field(
            form, make_field("network.timeout_seconds", self.session, where="Advanced")
        )
        self.advanced_stack = QStackedWidget(tab)
        self._advanced_empty = QWidget(self.advanced_stack)
        self.advanced_stack.addWidget(self._advanced_empty)
        for page in self.pages.values():
            if page.advanced is not None:
                self.advanced_stack.addWidget(page.advanced)
        privacy, self.meeting_details = privacy_group(self.session, tab)
        layout = QVBoxLayout(tab)
        layout.addWidget(network)
        layout.addWidget(privacy)
        layout.addWidget(self.advanced_stack)
        layout.addStretch(1)
        return tab

    # -- the copy changed ----------------------------------------------------------------

    def _on_changed(self, key: str) -> None:
        if key == "calendar.provider":
            self._show_provider()
            # The results were for the provider chosen before: they would only mislead.
            self.check_panel.reset()
            self.check_panel.hide()
        if key == "calendar.provider" or key.startswith("watch.") or "interval" in key:
            self._update_load()
        self._update_buttons()

    def current_page(self) -> ProviderPage | None:
        return self.pages.get(str(self.session.get("calendar.provider")))

    def _show_provider(self) -> None:
        page = self.current_page()
        show_page(self.stack, page if page is not None else self.empty_page, self.calendar_scroll)
        advanced = page.advanced if page is not None else None
        self.advanced_stack.setCurrentWidget(advanced or self._advanced_empty)
        if page is not None:
            page.shown()

    def _update_load(self) -> None:
        settings = self.session.settings
        page = self.current_page()
        batch = page.info.batch_size if page is not None else 100
        estimate = estimate_load(
            provider=settings.calendar.provider,
            interval_seconds=settings.calendar.refresh_interval_seconds,
            batch_size=batch,
            people=len(settings.watch.people),
            rooms=len(settings.watch.rooms),
            room_lists=len(settings.watch.room_lists),
        )
        self.load_label.setText(estimate.text)
        self.interval.set_warning(estimate.warning)

    def _update_buttons(self) -> None:
        errors = self.session.errors()
        valid = not errors
        changed = self.session.settings != self._baseline or self._password_to_store() is not None
        self.ok_button.setEnabled(valid)
        self.apply_button.setEnabled(valid and changed)
        self.test_button.setEnabled(valid and not self.check_panel.running)
        if errors:
            lines = [
                f"{editor.where} ▸ {editor.title}: {message}"
                for editor, message in errors[:SHOWN_ERRORS]
            ]
            if len(errors) > SHOWN_ERRORS:
                lines.append(f"… and {len(errors) - SHOWN_ERRORS} more.")
            self.problems.setText("Fix these first:\n" + "\n".join(lines))
        self.problems.setVisible(bool(errors))

    # -- passwords -----------------------------------------------------------------------

    def _typed_password(self) -> str | None:
        for page in self.pages.values():
            typed = page.typed_password()
            if typed:
                return typed
        return None

    def _password_to_store(self) -> str | None:
        for page in self.pages.values():
            password = page.password_to_store()
            if password:
                return password
        return None

    # -- Test Settings, OK, Apply, Cancel ------------------------------------------------

    def test_settings(self) -> None:
        """Run the check against the copy as it is now, with a password typed but not stored."""
        if self.session.errors() or self.check_panel.running:
            return
        if self.check_panel.isHidden():
            self.check_panel.show()
            total = sum(self.splitter.sizes())
            results = max(170, total * 7 // 20)  # the form keeps most of the height
            self.splitter.setSizes([total - results, results])
        self.check_panel.start(self.session.settings, self._typed_password(), self.test_settings)
        self.test_button.setEnabled(False)

    def apply_changes(self) -> bool:
        """Hand the copy to the composition root; True when it was saved and applied."""
        if self.session.errors():
            return False
        outcome = SettingsOutcome(self.session.settings, self._password_to_store())
        if self._apply is not None:
            try:
                self._apply(outcome)
            except SettingsError as error:
                self.show_banner(f"The settings were not saved.\n{error}", error=True)
                return False
            except SecretStoreUnavailable as error:
                self.show_banner(f"The settings were not saved. {error}", error=True)
                return False
            except OSError as error:
                self.show_banner(
                    f"The settings cannot be saved: {error.strerror or error} "
                    f"({error.filename or 'settings file'}).",
                    error=True,
                )
                return False
        self.outcome = outcome
        self._baseline = outcome.settings
        if outcome.password is not None:
            for page in self.pages.values():
                page.password_stored()
        self.banner.hide()
        self._update_buttons()
        return True

    def _ok(self) -> None:
        if self.apply_changes():
            self.accept()

    def follow_theme(self, palette: Palette) -> None:
        """Take the board's theme: a dialog takes no palette from its window by itself.

        Under a stylesheet a palette does not flow to the children either: each is given it.
        """
        self.setStyleSheet(dialog_style(palette))
        colours = qt_palette(palette)
        for widget in (self, *self.findChildren(QWidget)):
            widget.setPalette(colours)

    def show_banner(self, text: str, *, error: bool = False) -> None:
        self.banner.setText(text)
        self.banner.setProperty("level", "error" if error else "info")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    def done(self, result: int) -> None:
        self.check_panel.cancel()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.check_panel.cancel()
        super().closeEvent(event)


def _lock_note(managed_by: str | None, site_file: Path | None) -> str:
    who = managed_by or "your administrator"
    where = f" (machine-wide settings file {site_file})" if site_file is not None else ""
    return f"Managed by {who}{where}; it cannot be changed here."


__all__ = ["TITLE", "Apply", "SettingsDialog", "SettingsOutcome"]
