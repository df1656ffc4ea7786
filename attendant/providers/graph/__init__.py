"""The ``graph`` provider: Exchange Online through Microsoft Graph (see :mod:`.provider`)."""

from attendant.providers.graph.provider import GraphProvider, scopes_for

__all__ = ["GraphProvider", "scopes_for"]
