"""The board's search index: built once per set of mailboxes, in the snapshot's order.

Sorting reorders the board's rows but not the mailboxes, so the index (the costly part:
folded texts, the vocabulary of words, their starts) is kept across sorts and refreshes of
the same mailboxes and rebuilt only when the mailboxes change; the filter maps its answers
to the current row order.
"""

from __future__ import annotations

from collections.abc import Sequence

from attendant.domain import Mailbox
from attendant.services.fuzzy import SearchIndex, SearchRecord


def search_record(mailbox: Mailbox) -> SearchRecord:
    """What a mailbox is found by: name, address, department, job title, place, phones."""
    other = (
        mailbox.address,
        mailbox.department,
        getattr(mailbox, "job_title", None),
        mailbox.location,
    )
    phones = (mailbox.phone, getattr(mailbox, "mobile", None))
    return SearchRecord(
        name=mailbox.name or "",
        text=" ".join(p for p in other if p),
        phones=tuple(p for p in phones if p),
    )


class BoardSearch:
    """One :class:`SearchIndex` for the board's current mailboxes, made when first needed."""

    def __init__(self) -> None:
        self._index: SearchIndex | None = None

    def forget(self) -> None:
        """The mailboxes changed: the next search builds a new index."""
        self._index = None

    def index(self, mailboxes: Sequence[Mailbox]) -> SearchIndex:
        if self._index is None or len(self._index) != len(mailboxes):
            self._index = SearchIndex([search_record(m) for m in mailboxes])
        return self._index
