"""First contact: the welcome card for a personal install and the introduction for a team.

The wording is in cards/content/welcome.yaml; the numbers and addresses come from the service
facts the caller passes in (`dialogs.content.service_facts()`), so cards/ reads no dialogs content.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

WELCOME_CONTENT = Path(__file__).resolve().parent / "content" / "welcome.yaml"


@cache
def _wording() -> dict[str, Any]:
    with WELCOME_CONTENT.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{WELCOME_CONTENT.name} must hold a mapping")
    return data


def _placeholders(facts: Mapping[str, Any]) -> dict[str, str]:
    contact = facts.get("contact") or {}
    safeguarding = facts.get("safeguarding") or {}
    found = {
        "service_name": facts.get("service_name"),
        "email": contact.get("email"),
        "phone": contact.get("phone"),
        "emergency": safeguarding.get("emergency"),
        "maru_phone": safeguarding.get("maru_phone"),
        "maru_out_of_hours": safeguarding.get("maru_out_of_hours"),
        "maru_email": safeguarding.get("maru_email"),
        "early_help_hub": safeguarding.get("early_help_hub"),
    }
    return {name: str(value) for name, value in found.items() if value}


def _fill(text: str, facts: Mapping[str, Any]) -> str:
    try:
        return text.format_map(_placeholders(facts))
    except KeyError as missing:
        # A card with a gap where a safeguarding number should be is worse than no card.
        raise ValueError(
            f"{WELCOME_CONTENT.name} uses {{{missing.args[0]}}}, which the service facts lack"
        ) from None


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def welcome_card(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The Adaptive Card 1.5 sent when someone installs the bot for themselves."""
    words = _wording()["personal"]
    bullets = [_text(f"• {item}", spacing="None") for item in words["can_do"]]
    safeguarding = {
        "type": "Container",
        "style": "attention",
        "spacing": "Medium",
        "items": [
            _text(words["safeguarding_title"], weight="Bolder"),
            _text(_fill(words["safeguarding"], facts), spacing="Small"),
        ],
    }
    buttons = [
        {
            "type": "Action.Submit",
            "title": button["title"],
            # imBack makes Teams send the command as a typed message from the user.
            "data": {"msteams": {"type": "imBack", "value": button["command"]}},
        }
        for button in words["buttons"]
    ]
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            _text(words["title"], size="Medium", weight="Bolder", style="heading"),
            _text(_fill(words["intro"], facts)),
            *bullets,
            safeguarding,
            _text(_fill(words["contact"], facts), spacing="Medium"),
        ],
        "actions": buttons,
    }


def team_intro_text(facts: Mapping[str, Any]) -> str:
    """The message sent when the bot is added to a team: who it is and how to pick the channel."""
    return _fill(_wording()["team"], facts)
