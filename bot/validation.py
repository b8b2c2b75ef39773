"""Checks on an incoming body before it reaches the SDK, which answers 500 to malformed ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlparse

MAX_BODY_BYTES = 256 * 1024
MAX_ID_LENGTH = 1024


def _is_text(value: Any, *, max_length: int = MAX_ID_LENGTH) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def activity_problem(body: Any) -> str | None:
    """Why this body is not an activity the bot can handle, or None if it is."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not _is_text(body.get("type"), max_length=64):
        return "type is required"
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not _is_text(conversation.get("id")):
        return "conversation.id is required"
    service_url = body.get("serviceUrl")
    if not _is_text(service_url, max_length=2048):
        return "serviceUrl is required"
    parsed = urlparse(service_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "serviceUrl must be an http(s) URL"
    if not _is_text(body.get("channelId"), max_length=64):
        return "channelId is required"
    sender = body.get("from")
    if not isinstance(sender, dict) or not _is_text(sender.get("id")):
        return "from.id is required"
    recipient = body.get("recipient")
    if recipient is not None and not isinstance(recipient, dict):
        return "recipient must be an object"
    for key in ("timestamp", "localTimestamp"):
        if key in body and body[key] is not None and not _is_timestamp(body[key]):
            return f"{key} is not a valid date and time"
    if "id" in body and body["id"] is not None and not _is_text(body["id"]):
        return "id must be a string"
    for key in ("text", "name", "replyToId"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            return f"{key} must be a string"
    if (
        "entities" in body
        and body["entities"] is not None
        and not isinstance(body["entities"], list)
    ):
        return "entities must be a list"
    if (
        "membersAdded" in body
        and body["membersAdded"] is not None
        and not isinstance(body["membersAdded"], list)
    ):
        return "membersAdded must be a list"
    return None
