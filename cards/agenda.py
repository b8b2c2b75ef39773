"""The allocation meeting's agenda card: counts by status, then one short line per request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"


@dataclass(frozen=True)
class AgendaRow:
    """One request on the agenda: its reference, a summary line and a detail line."""

    reference: str
    summary: str
    detail: str


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def agenda_card(
    *,
    title: str,
    intro: str,
    counts: Sequence[str],
    rows: Sequence[AgendaRow],
    empty: str,
    more: str | None = None,
) -> dict[str, Any]:
    """The agenda: `counts` are ready-worded lines ("3 New"); `more` says how many were left off."""
    body: list[dict[str, Any]] = [
        _text(title, size="Medium", weight="Bolder", style="heading"),
        _text(intro, isSubtle=True, spacing="None"),
    ]
    if counts:
        body.append(_text(" · ".join(counts), weight="Bolder"))
    if not rows:
        body.append(_text(empty))
    for row in rows:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "spacing": "Small",
                "items": [
                    _text(row.reference, weight="Bolder"),
                    _text(row.summary, spacing="None"),
                    _text(row.detail, spacing="None", isSubtle=True),
                ],
            }
        )
    if more:
        body.append(_text(more, isSubtle=True, separator=True))
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
