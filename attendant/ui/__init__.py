"""Widgets, Qt models and delegates: the only package (with ``app.py``) that imports Qt.

The board is a :class:`~attendant.ui.board_model.BoardModel` over an immutable snapshot,
filtered per kind by :class:`~attendant.ui.board_filter.BoardFilter` and shown by
:class:`~attendant.ui.main_window.MainWindow`.
"""
