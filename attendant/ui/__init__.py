"""Widgets, Qt models and delegates: the only package (with ``app.py``) that imports Qt.

- ``board/``: the receptionist's board (model, cells, filter, panel, timeline, feed banner);
- ``settings/``: the admin's Calendar Integration Settings dialog and its pages;
- ``window/``: the main window around the boards (menus, status bar, remembered geometry);
- ``common/``: what they share (formatting, status style, icons, stylesheet, small widgets).

The board and the settings dialog never import each other; they meet through the services and
the settings.
"""
