"""Translating between Teams activities and the plain events and replies of `dialogs`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    CardAction,
    ConversationReference,
    SuggestedActions,
)

from dialogs.events import Reply, Scope, User, UserEvent

CARD_ACTION_INVOKE = "adaptiveCard/action"
_AT_TAG = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


def scope_of(activity: Activity) -> Scope:
    """Where the activity happened: a personal chat, a team channel or a group chat."""
    kind = getattr(activity.conversation, "conversation_type", None) or "personal"
    if kind == "channel":
        return "channel"
    if kind == "groupChat":
        return "group"
    return "personal"


def clean_text(activity: Activity) -> str:
    """The message text without the @mention of the bot and without stray markup."""
    text = TurnContext.remove_recipient_mention(activity) if activity.entities else activity.text
    text = _AT_TAG.sub(" ", text or "")
    return _SPACES.sub(" ", text.replace("&nbsp;", " ")).strip()


def user_of(activity: Activity, profile: dict[str, str] | None = None) -> User:
    """The sender, with the name and email from their Teams profile where Teams gave them."""
    sender = activity.from_property
    user_id = getattr(sender, "aad_object_id", None) or sender.id
    profile = profile or {}
    return User(
        id=user_id,
        name=profile.get("name") or getattr(sender, "name", None) or None,
        email=profile.get("email") or None,
    )


def card_data(activity: Activity) -> tuple[dict[str, Any] | None, str | None]:
    """The data and verb of a card button press, from Action.Submit or Action.Execute."""
    value = activity.value
    if activity.type == ActivityTypes.invoke and activity.name == CARD_ACTION_INVOKE:
        action = value.get("action") if isinstance(value, dict) else None
        action = action if isinstance(action, dict) else {}
        raw = action.get("data")
        data: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        verb = action.get("verb") if isinstance(action.get("verb"), str) else data.get("verb")
        return data, verb if isinstance(verb, str) else None
    if isinstance(value, dict):
        verb = value.get("verb")
        return dict(value), verb if isinstance(verb, str) else None
    return None, None


def to_event(activity: Activity, profile: dict[str, str] | None = None) -> UserEvent:
    """Turn a message or card press into a `UserEvent`."""
    data, verb = card_data(activity)
    return UserEvent(
        user=user_of(activity, profile),
        now=datetime.now(UTC),
        text=clean_text(activity) if activity.type == ActivityTypes.message else "",
        data=data,
        verb=verb,
        scope=scope_of(activity),
        conversation_id=activity.conversation.id,
    )


def _imback_card(text: str | None, buttons: tuple[Any, ...]) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if text:
        body.append({"type": "TextBlock", "text": text, "wrap": True})
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        "actions": [
            {
                "type": "Action.Submit",
                "title": b.title,
                "data": {"msteams": {"type": "imBack", "value": b.value}},
            }
            for b in buttons
        ],
    }


def to_activity(reply: Reply, scope: Scope) -> Activity:
    """One reply as a Teams message activity.

    Suggested actions only show in personal chats; elsewhere buttons go on a small card whose
    presses arrive as typed text (imBack), so the conversations see the same thing either way.
    """
    if reply.card is not None:
        activity = MessageFactory.attachment(CardFactory.adaptive_card(reply.card))
        if reply.text:
            activity.text = reply.text
        return activity
    if reply.buttons and scope != "personal":
        return MessageFactory.attachment(
            CardFactory.adaptive_card(_imback_card(reply.text, reply.buttons))
        )
    activity = MessageFactory.text(reply.text or "")
    activity.text_format = "markdown"
    if reply.buttons:
        activity.suggested_actions = SuggestedActions(
            actions=[CardAction(type="imBack", title=b.title, value=b.value) for b in reply.buttons]
        )
    return activity


def reply_address(activity: Activity) -> dict[str, Any]:
    """Where to reach this conversation later, as plain JSON (stored encrypted)."""
    reference = TurnContext.get_conversation_reference(activity)
    data: dict[str, Any] = reference.serialize()
    return data


def reference_from(address: dict[str, Any]) -> ConversationReference:
    """A stored reply address back as a ConversationReference."""
    reference: ConversationReference = ConversationReference().deserialize(address)
    return reference
