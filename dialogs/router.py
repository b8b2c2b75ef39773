"""Which conversation handles an event."""

from __future__ import annotations

from typing import Any

from dialogs.content import service_facts
from dialogs.events import Reply, Turn, UserEvent
from dialogs.ports import DialogServices


async def handle(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """Decide the replies to one event and the conversation's new state."""
    contact = service_facts()["contact"]
    text = (
        "I'm the VIG requests assistant. "
        f"You can reach the VIG team at {contact['email']} or {contact['phone']}."
    )
    return Turn(state=dict(state), replies=[Reply(text=text)])
