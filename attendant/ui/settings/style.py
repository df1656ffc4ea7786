"""The look of the settings dialog: inline messages, invalid fields, the Test Settings steps.

Colours match the board's (muted, at least 4.5:1 on white); a message is never told by colour
alone: it says what is wrong in words, next to the field.
"""

DIALOG_STYLE = """
QLabel#fieldError { color: #b3261e; }
QLabel#fieldWarning { color: #7a5800; }
QLabel#fieldLocked { color: #4a525c; font-style: italic; }
QLabel#pageNote, QLabel#loadEstimate, QLabel#stepHint { color: #4a525c; }
QLabel#stepDetail { color: #1f2329; }
QLabel#listTitle { padding-top: 2px; }
QLabel#dialogBanner {
    background: #e8f0fa; border: 1px solid #b7cbe6; border-radius: 6px; padding: 8px 10px;
    color: #1f2329;
}
QLabel#dialogBanner[level="error"] {
    background: #fbeae8; border: 1px solid #e3b3ad; color: #7d1b14;
}
QLabel#deviceCode {
    background: #fff8e1; border: 1px solid #e6d28f; border-radius: 6px; padding: 8px 10px;
}
QLineEdit[invalid="true"], QSpinBox[invalid="true"] { border: 1px solid #b3261e; }
QLineEdit:read-only { background: #eef1f4; color: #3c4650; border: 1px solid #c3cad3; }
QFrame#checkPanel { border: 1px solid #d5dae1; border-radius: 6px; background: #ffffff; }
QWidget#checkSteps { background: #ffffff; }
QWidget#step-fail { background: #fbeae8; border-radius: 4px; }
"""
