"""Search-as-you-type, people or rooms, and "only free" over a :class:`BoardModel`.

Search forgives typos, takes initials, either name order, accents and phone digits
(:mod:`attendant.services.fuzzy`); the board keeps one index of its mailboxes for it.

With thousands of rows the cost of a proxy is the Python call per row, so the filter decides
every row at once with one list comprehension over the board's cached search texts and keeps
the answers until the words, the kind, the board's rows or (for "only free") its statuses
change; ``filterAcceptsRow`` then only looks the answer up. Sorting is the board's own job
(:meth:`BoardModel.sort`): this proxy forwards a header click there and keeps the board's
order, because a Python ``lessThan`` per comparison costs a tenth of a second at 5,000 rows.
Dynamic re-filtering is off: a refresh arrives as one ``dataChanged`` over every row, and only
"only free" can change which rows pass, which is redone once the board has evaluated them all.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from attendant.domain import MailboxKind, Status
from attendant.ui.board.model import SORT_ROLE, BoardModel


class BoardFilter(QSortFilterProxyModel):
    """One board's view of the shared model: a kind, a search and an optional "only free"."""

    def __init__(
        self,
        board: BoardModel,
        kind: MailboxKind | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._board = board
        self._kind = kind
        self._words: tuple[str, ...] = ()
        self._only_free = False
        self._fuzzy = True
        self._accepted: list[bool] | None = None
        self.setDynamicSortFilter(False)
        self.setSortRole(SORT_ROLE)
        self.setSourceModel(board)
        board.evaluated.connect(self._on_board_evaluated)
        # Before the board's rows change, so that the proxy's re-mapping decides afresh.
        board.layoutAboutToBeChanged.connect(self._forget)
        board.modelAboutToBeReset.connect(self._forget)

    @property
    def board(self) -> BoardModel:
        return self._board

    @property
    def kind(self) -> MailboxKind | None:
        return self._kind

    @property
    def search(self) -> str:
        return " ".join(self._words)

    @property
    def only_free(self) -> bool:
        return self._only_free

    def accepted(self) -> list[bool]:
        """For each row of the board, whether this filter shows it (the proxy keeps the board's
        order, so the rows shown are the accepted ones in turn)."""
        if self._accepted is None:
            self._accepted = self._decide_all()
        return self._accepted

    def set_search(self, text: str) -> None:
        """Keep rows in which every word of ``text`` is found (:mod:`attendant.services.fuzzy`)."""
        words = tuple(dict.fromkeys(text.casefold().split()))
        if words != self._words:
            self._change_filter(lambda: setattr(self, "_words", words))

    def set_fuzzy(self, fuzzy: bool) -> None:
        """Forgive typos, initials and phone digits (on), or match words as typed (off)."""
        if fuzzy != self._fuzzy:
            self._change_filter(lambda: setattr(self, "_fuzzy", fuzzy))

    def set_kind(self, kind: MailboxKind | None) -> None:
        if kind is not self._kind:
            self._change_filter(lambda: setattr(self, "_kind", kind))

    def set_only_free(self, only_free: bool) -> None:
        if only_free != self._only_free:
            self._change_filter(lambda: setattr(self, "_only_free", only_free))

    # -- QSortFilterProxyModel -----------------------------------------------------------

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        # Called for every row of the board at each keystroke: keep it to a list lookup.
        accepted = self._accepted
        if accepted is None:
            accepted = self._accepted = self._decide_all()
        try:
            return accepted[source_row]
        except IndexError:
            return False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._board.sort(column, order)

    def multiData(
        self, index: QModelIndex | QPersistentModelIndex, span: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        # Hand a painted cell's roles to the board in one call (see OrganisedBoard.multiData).
        self._board.multiData(self.mapToSource(index), span)

    # -- internals -----------------------------------------------------------------------

    def _decide_all(self) -> list[bool]:
        board = self._board
        kind = self._kind
        words = self._words
        rows = range(board.rowCount())
        kinds = board.kinds()
        accepted = [True] * len(kinds) if kind is None else [k is kind for k in kinds]
        if words:
            found = board.search_index().match(" ".join(words), fuzzy=self._fuzzy)
            accepted = [
                ok and found[i] for ok, i in zip(accepted, board.snapshot_rows(), strict=True)
            ]
        if self._only_free:
            accepted = [
                ok and board.view(row).status is Status.FREE
                for row, ok in zip(rows, accepted, strict=True)
            ]
        return accepted

    def _change_filter(self, apply: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            apply()
            self._accepted = None
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            apply()
            self._accepted = None
            self.invalidateRowsFilter()

    def _forget(self, *_: object) -> None:
        self._accepted = None

    def _on_board_evaluated(self) -> None:
        if self._only_free:
            self._change_filter(lambda: None)
