"""The 'my requests' card: a referrer's own requests and any unsent draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestLine:
    """One row of the card, already worded."""

    reference: str
    kind: str
    initials: str
    status: str
    meeting: str | None


def my_requests_card(
    *,
    title: str,
    lines: list[RequestLine],
    empty_text: str,
    draft: tuple[str, str] | None,
    continue_title: str,
    new_title: str,
) -> dict[str, Any]:
    """A card listing requests newest first; `draft` is (heading, detail) for an unsent one."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    actions: list[dict[str, Any]] = []
    if draft is not None:
        body.append(
            {
                "type": "Container",
                "style": "warning",
                "items": [
                    {"type": "TextBlock", "text": draft[0], "weight": "Bolder", "wrap": True},
                    {"type": "TextBlock", "text": draft[1], "wrap": True, "spacing": "None"},
                ],
            }
        )
        actions.append(
            {
                "type": "Action.Submit",
                "title": continue_title,
                "data": {"msteams": {"type": "imBack", "value": "continue"}},
            }
        )
    if not lines and draft is None:
        body.append({"type": "TextBlock", "text": empty_text, "wrap": True})
    for line in lines:
        facts = [{"title": "Status", "value": line.status}]
        if line.meeting:
            facts.append({"title": "Meeting", "value": line.meeting})
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    {
                        "type": "TextBlock",
                        "text": f"{line.reference} · {line.initials}".rstrip(" ·"),
                        "weight": "Bolder",
                        "wrap": True,
                    },
                    {
                        "type": "TextBlock",
                        "text": line.kind,
                        "isSubtle": True,
                        "spacing": "None",
                        "wrap": True,
                    },
                    {"type": "FactSet", "facts": facts},
                ],
            }
        )
    actions.append(
        {
            "type": "Action.Submit",
            "title": new_title,
            "data": {"msteams": {"type": "imBack", "value": "new request"}},
        }
    )
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        "actions": actions,
    }
