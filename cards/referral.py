"""The referral's cards: the criteria multi-select and the summary to check before sending.

Wording is passed in by the caller (it lives in the content files); these functions only lay it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CRITERIA_VERB = "referral.criteria"
SEND_VERB = "referral.send"
SAVE_VERB = "referral.save"
CANCEL_VERB = "referral.cancel"
CHANGE_VERB = "referral.change"
CRITERIA_INPUT = "criteria"
CHANGE_INPUT = "change_field"


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": actions,
    }


def _submit(title: str, data: dict[str, Any], *, with_inputs: bool) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if not with_inputs:
        # Sending, saving or cancelling must not be blocked by an empty required input.
        action["associatedInputs"] = "none"
    return action


def criteria_card(
    *,
    title: str,
    intro: str,
    input_label: str,
    error: str,
    options: Sequence[tuple[str, str]],
    selected: Sequence[str],
    submit_title: str,
    none_title: str,
    draft_id: str,
) -> dict[str, Any]:
    """Tick every criterion that applies; `options` are (criterion id, label), numbered 1 to n."""
    choices = [
        {"title": f"{number}. {label}", "value": cid}
        for number, (cid, label) in enumerate(options, start=1)
    ]
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": intro, "wrap": True},
        {
            "type": "Input.ChoiceSet",
            "id": CRITERIA_INPUT,
            "label": input_label,
            "isMultiSelect": True,
            "style": "expanded",
            "wrap": True,
            "choices": choices,
            "value": ",".join(selected),
            "isRequired": True,
            "errorMessage": error,
        },
    ]
    data = {"verb": CRITERIA_VERB, "draft_id": draft_id}
    actions = [
        _submit(submit_title, data, with_inputs=True),
        _submit(none_title, {**data, "none": True}, with_inputs=False),
    ]
    return _card(body, actions)


def summary_card(
    *,
    title: str,
    intro: str,
    lines: Sequence[tuple[str, str, str]],
    change_label: str,
    change_placeholder: str,
    change_error: str,
    send_title: str,
    save_title: str,
    cancel_title: str,
    change_title: str,
    draft_id: str,
) -> dict[str, Any]:
    """Every answer, numbered, with a way to change one, send, save for later or cancel.

    `lines` are (field, label, display value) in the order they were asked.
    """
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": intro, "wrap": True, "isSubtle": True},
    ]
    for number, (_field, label, value) in enumerate(lines, start=1):
        body.append(
            {
                "type": "Container",
                "spacing": "Small",
                "items": [
                    {
                        "type": "TextBlock",
                        "text": f"{number}. {label}",
                        "weight": "Bolder",
                        "wrap": True,
                    },
                    {"type": "TextBlock", "text": value, "wrap": True, "spacing": "None"},
                ],
            }
        )
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": CHANGE_INPUT,
            "label": change_label,
            "placeholder": change_placeholder,
            "style": "compact",
            "isRequired": True,
            "errorMessage": change_error,
            "choices": [
                {"title": f"{number}. {label}", "value": field}
                for number, (field, label, _value) in enumerate(lines, start=1)
            ],
        }
    )
    data = {"draft_id": draft_id}
    actions = [
        _submit(send_title, {**data, "verb": SEND_VERB}, with_inputs=False),
        _submit(change_title, {**data, "verb": CHANGE_VERB}, with_inputs=True),
        _submit(save_title, {**data, "verb": SAVE_VERB}, with_inputs=False),
        _submit(cancel_title, {**data, "verb": CANCEL_VERB}, with_inputs=False),
    ]
    return _card(body, actions)
