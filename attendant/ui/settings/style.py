"""The look of the settings dialog: inline messages, invalid fields, the Test Settings steps.

The colours are the theme's (:mod:`attendant.ui.common.themes`): light, dark or high
contrast, as the board. A message is never told by colour alone: it says what is wrong in
words, next to the field.
"""

from string import Template

from attendant.domain import Status
from attendant.ui.common.themes import LIGHT, Palette

_TEMPLATE = Template(
    """
QDialog#settingsDialog { background: $window; color: $text; }
QDialog#settingsDialog QTabWidget::pane { background: $window; border: 1px solid $border; }
QDialog#settingsDialog QTabBar::tab {
    background: $panel; color: $muted; border: $focus_width solid $border; border-bottom: none;
    border-top-left-radius: 4px; border-top-right-radius: 4px; padding: 4px 12px;
    margin-right: 2px;
}
QDialog#settingsDialog QTabBar::tab:selected { background: $window; color: $text; }
QDialog#settingsDialog QTabBar::tab:selected:focus { border-color: $focus; }
QDialog#settingsDialog QScrollArea, QDialog#settingsDialog QScrollArea > QWidget > QWidget {
    background: $window;
}
QLabel#fieldError { color: $error_text; }
QLabel#fieldWarning { color: $warning_text; }
QLabel#fieldLocked { color: $muted; font-style: italic; }
QLabel#pageNote, QLabel#loadEstimate, QLabel#stepHint { color: $muted; }
QLabel#stepDetail { color: $text; }
QLabel#listTitle { padding-top: 2px; }
QLabel#dialogBanner {
    background: $banner_info; border: 1px solid $banner_info_border; border-radius: 6px;
    padding: 8px 10px; color: $text;
}
QLabel#dialogBanner[level="error"] {
    background: $banner_error; border: 1px solid $banner_error_border; color: $error_text;
}
QLabel#deviceCode {
    background: $banner_warning; border: 1px solid $banner_warning_border; border-radius: 6px;
    padding: 8px 10px; color: $text;
}
QLineEdit[invalid="true"], QSpinBox[invalid="true"] { border: 1px solid $error_text; }
QLineEdit:read-only { background: $panel; color: $muted; border: 1px solid $border; }
QFrame#checkPanel { border: 1px solid $track_border; border-radius: 6px; background: $base; }
QWidget#checkSteps { background: $base; }
QWidget#step-fail { background: $banner_error; border-radius: 4px; }
"""
)

#: A warning's words on a light background (dark yellow, 4.5:1 on white); a dark theme uses
#: its own "tentative" yellow.
_LIGHT_WARNING = "#7a5800"


def dialog_style(palette: Palette = LIGHT) -> str:
    """The dialog's own stylesheet in the colours of ``palette``."""
    values = palette.template_values()
    values["warning_text"] = (
        _LIGHT_WARNING if not palette.dark else palette.status[Status.TENTATIVE]
    )
    return _TEMPLATE.substitute(values)


DIALOG_STYLE = dialog_style(LIGHT)
