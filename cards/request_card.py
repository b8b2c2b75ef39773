"""The request card the VIG team sees in its channel, and the referrer's answer card.

Wording and values are passed in by the caller (dialogs/team builds them from the content files);
these functions only lay them out. Every button that changes something is an Action.Execute with
an Action.Submit fallback carrying the same data, so clients without Execute still work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# Set on the fallback's data so the conversation knows no card can be replaced in place.
FALLBACK_KEY = "fallback"


@dataclass(frozen=True)
class CardInput:
    """A text box opened by a button, with the button that sends it."""

    id: str
    label: str
    placeholder: str
    error: str
    submit: str
    max_length: int


@dataclass(frozen=True)
class CardAction:
    """One of the team's buttons: it either acts at once or opens a box first."""

    title: str
    verb: str
    input: CardInput | None = None


@dataclass(frozen=True)
class LongText:
    """A labelled answer that may be long: shortened on the card, in full one click away."""

    label: str
    text: str


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


def execute(
    title: str, verb: str, data: Mapping[str, Any], *, with_inputs: bool = False
) -> dict[str, Any]:
    """An Action.Execute with an Action.Submit fallback carrying the same data."""
    payload = {**data, "verb": verb}
    inputs = {} if with_inputs else {"associatedInputs": "none"}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        **inputs,
        "fallback": {
            "type": "Action.Submit",
            "title": title,
            "data": {**payload, FALLBACK_KEY: True},
            **inputs,
        },
    }


def _action(action: CardAction, data: Mapping[str, Any]) -> dict[str, Any]:
    if action.input is None:
        return execute(action.title, action.verb, data)
    box = action.input
    return {
        "type": "Action.ShowCard",
        "title": action.title,
        "card": {
            "type": "AdaptiveCard",
            "body": [
                {
                    "type": "Input.Text",
                    "id": box.id,
                    "label": box.label,
                    "placeholder": box.placeholder,
                    "isMultiline": box.max_length > 200,
                    "maxLength": box.max_length,
                    "isRequired": True,
                    "errorMessage": box.error,
                }
            ],
            "actions": [execute(box.submit, action.verb, data, with_inputs=True)],
        },
    }


def _long_text(item: LongText, limit: int, read_more: str) -> list[dict[str, Any]]:
    short = shorten(item.text, limit)
    blocks = [
        _text(item.label, weight="Bolder", spacing="Small"),
        _text(short, spacing="None"),
    ]
    if short != " ".join(item.text.split()):
        blocks.append(
            {
                "type": "ActionSet",
                "spacing": "None",
                "actions": [
                    {
                        "type": "Action.ShowCard",
                        "title": read_more,
                        "card": {"type": "AdaptiveCard", "body": [_text(item.text)]},
                    }
                ],
            }
        )
    return blocks


def request_card(
    *,
    heading: str,
    status: str,
    facts: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, Sequence[LongText]]],
    history_title: str,
    history: Sequence[str],
    actions: Sequence[CardAction],
    data: Mapping[str, Any],
    read_more: str,
    short_length: int = 160,
    notice: str | None = None,
) -> dict[str, Any]:
    """The card for one request: heading, status, key facts, answers, history and buttons.

    `data` (reference, version, token) goes on every button; `notice` is shown only to the
    person who pressed a button (e.g. "Already accepted by Sam").
    """
    body: list[dict[str, Any]] = []
    if notice:
        body.append(
            {
                "type": "Container",
                "style": "warning",
                "items": [_text(notice, weight="Bolder")],
            }
        )
    body.append(_text(heading, size="Medium", weight="Bolder", style="heading"))
    body.append(_text(status, color="Accent", weight="Bolder", spacing="None"))
    if facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": title, "value": value} for title, value in facts],
            }
        )
    for title, items in sections:
        if not items:
            continue
        container: list[dict[str, Any]] = [_text(title, weight="Bolder", size="Default")]
        for item in items:
            container.extend(_long_text(item, short_length, read_more))
        body.append({"type": "Container", "separator": True, "items": container})
    if history:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _text(history_title, weight="Bolder"),
                    *(_text(line, spacing="None", isSubtle=True) for line in history),
                ],
            }
        )
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": [_action(action, data) for action in actions],
    }


def answer_card(
    *, title: str, prompt: str, box: CardInput, verb: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """The referrer's card: the team's question and a box to answer it."""
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": [
            _text(title, weight="Bolder"),
            _text(prompt),
            {
                "type": "Input.Text",
                "id": box.id,
                "label": box.label,
                "placeholder": box.placeholder,
                "isMultiline": True,
                "maxLength": box.max_length,
                "isRequired": True,
                "errorMessage": box.error,
            },
        ],
        "actions": [execute(box.submit, verb, data, with_inputs=True)],
    }
