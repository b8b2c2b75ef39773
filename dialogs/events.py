"""The plain events that reach the conversations and the replies they produce.

`bot/` turns a Teams activity into a `UserEvent` and a list of `Reply` back into activities;
nothing in here knows about the Bot Framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Scope = Literal["personal", "channel", "group"]


@dataclass(frozen=True)
class User:
    """Who sent the event, as Teams identifies them."""

    id: str  # stable id: the AAD object id when Teams gives one, else the channel account id
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class UserEvent:
    """One thing the user did: typed a message or pressed a card button."""

    user: User
    now: datetime  # timezone-aware, UTC
    text: str = ""  # message text with any @mention of the bot removed; "" for a card press
    data: dict[str, Any] | None = None  # card data (Action.Submit value or Action.Execute data)
    verb: str | None = None  # Action.Execute verb, or the "verb" key of Action.Submit data
    scope: Scope = "personal"
    conversation_id: str = ""


@dataclass(frozen=True)
class Button:
    """A choice shown as a button; pressing it sends `value` as if typed."""

    title: str
    value: str


@dataclass(frozen=True)
class Reply:
    """One message to send: text, with optional buttons, or an Adaptive Card (a plain dict)."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    card: dict[str, Any] | None = None
    # A card sent in answer to an invoke (Action.Execute) replaces the clicked card in place.
    replaces_card: bool = False


@dataclass
class Turn:
    """What a conversation decided: the new state (plain JSON) and the replies to send."""

    state: dict[str, Any]
    replies: list[Reply] = field(default_factory=list)
