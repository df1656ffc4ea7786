"""The receptionist's board: who is free, busy or away, and which room is free now.

A :class:`~attendant.ui.board.model.BoardModel` over an immutable snapshot, filtered per kind
(people, rooms) by :class:`~attendant.ui.board.filtering.BoardFilter`, painted by the cells and
the timeline delegate, and shown in a :class:`~attendant.ui.board.panel.BoardPanel` under the
feed banner.
"""
