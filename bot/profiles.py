"""The sender's Teams profile (name, email), looked up once an hour at most per user."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

log = logging.getLogger(__name__)

LOOKUP_TIMEOUT_SECONDS = 3.0


class ProfileCache:
    """A small LRU of profiles; a failed or incomplete lookup is remembered briefly, not retried
    on every turn (the Agents Playground's mock users, for one, have no email)."""

    def __init__(self, size: int = 2048, ttl: float = 3600.0, failure_ttl: float = 300.0) -> None:
        self._entries: OrderedDict[str, tuple[float, dict[str, str]]] = OrderedDict()
        self.size = size
        self.ttl = ttl
        self.failure_ttl = failure_ttl

    async def profile(self, turn_context: TurnContext) -> dict[str, str]:
        """Name and email of the sender, or what is known of them; never raises."""
        sender = turn_context.activity.from_property
        key = sender.id
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached and cached[0] > now:
            self._entries.move_to_end(key)
            return cached[1]
        profile: dict[str, str] = {}
        try:
            member = await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, sender.id), LOOKUP_TIMEOUT_SECONDS
            )
            email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
            if member.name:
                profile["name"] = member.name
            if email and "@" in email:
                profile["email"] = email
        except Exception as exc:  # a failed lookup must never fail the turn
            log.info("profile lookup failed: %s", type(exc).__name__)
        ttl = self.ttl if "email" in profile else self.failure_ttl
        self._entries[key] = (now + ttl, profile)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return profile
