"""The whole referral as one Adaptive Card, for referrers who already know the answers.

The caller decides which inputs there are and what they say (from the step table and the content
files); this module only lays them out: a heading per section, each input with its label, any
error in attention colour under it, and short help as small subtle text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cards.referral import CANCEL_VERB, SCHEMA, VERSION

FORM_VERB = "referral.form"
# Which form button was pressed: both send the inputs, only "check" moves on to the summary.
FORM_ACTION = "form_action"
CHECK = "check"
SAVE = "save"

InputKind = Literal["choice", "multi_choice", "date", "text", "email", "phone"]


@dataclass(frozen=True)
class FormInput:
    """One input on the form. `choices` are (value, title); `value` is what to show filled in."""

    id: str
    kind: InputKind
    label: str
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    hint: str = ""
    error: str = ""
    required: bool = False
    required_error: str = ""
    max_length: int = 0
    multiline: bool = False
    latest_date: str = ""  # ISO date: a date input offers nothing after it


@dataclass(frozen=True)
class FormSection:
    """A heading and the inputs under it."""

    heading: str
    inputs: tuple[FormInput, ...]


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _input(field: FormInput) -> dict[str, Any]:
    element: dict[str, Any] = {"id": field.id, "label": field.label}
    if field.kind in ("choice", "multi_choice"):
        element.update(
            type="Input.ChoiceSet",
            style="expanded",
            wrap=True,
            choices=[{"title": title, "value": value} for value, title in field.choices],
        )
        if field.kind == "multi_choice":
            element["isMultiSelect"] = True
    elif field.kind == "date":
        element["type"] = "Input.Date"
        if field.latest_date:
            element["max"] = field.latest_date
    else:
        element["type"] = "Input.Text"
        if field.kind == "email":
            element["style"] = "Email"
        elif field.kind == "phone":
            element["style"] = "Tel"
        if field.multiline:
            element["isMultiline"] = True
        if field.max_length:
            element["maxLength"] = field.max_length
    if field.value:
        element["value"] = field.value
    elif field.placeholder and field.kind in ("text", "email", "phone"):
        # A placeholder is hidden by a value, so a filled-in form does not carry it.
        element["placeholder"] = field.placeholder
    if field.required:
        element["isRequired"] = True
        element["errorMessage"] = field.required_error
    return element


def _field_items(field: FormInput) -> list[dict[str, Any]]:
    items = [_input(field)]
    if field.error:
        items.append(_text_block(field.error, color="Attention", spacing="Small"))
    if field.hint:
        items.append(_text_block(field.hint, size="Small", isSubtle=True, spacing="Small"))
    return items


def referral_form_card(
    *,
    title: str,
    intro: str,
    notice: str,
    sections: list[FormSection],
    error_summary: str,
    check_title: str,
    save_title: str,
    cancel_title: str,
    draft_id: str,
) -> dict[str, Any]:
    """The form: title, the not-for-risk notice, any error summary, then one container per
    section; "check" and "save" send the inputs, cancel does not."""
    body: list[dict[str, Any]] = [
        _text_block(title, weight="Bolder", size="Medium"),
        _text_block(intro, isSubtle=True, spacing="Small"),
        {
            "type": "Container",
            "style": "attention",
            "items": [_text_block(notice, size="Small")],
        },
    ]
    if error_summary:
        body.append(_text_block(error_summary, color="Attention", weight="Bolder"))
    for section in sections:
        items: list[dict[str, Any]] = [_text_block(section.heading, weight="Bolder")]
        for field in section.inputs:
            items.extend(_field_items(field))
        body.append({"type": "Container", "separator": True, "spacing": "Large", "items": items})
    data = {"verb": FORM_VERB, "draft_id": draft_id}
    actions = [
        {"type": "Action.Submit", "title": check_title, "data": {**data, FORM_ACTION: CHECK}},
        {"type": "Action.Submit", "title": save_title, "data": {**data, FORM_ACTION: SAVE}},
        {
            "type": "Action.Submit",
            "title": cancel_title,
            "data": {"verb": CANCEL_VERB, "draft_id": draft_id},
            # Cancelling must not be blocked by an unanswered required input.
            "associatedInputs": "none",
        },
    ]
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "actions": actions,
    }
