"""Refresh scheduling, the blocking-call seam, back-off and the lockout guard (asyncio, no Qt)."""
