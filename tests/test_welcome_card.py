"""First contact: the welcome card (personal install) and the team introduction."""

from __future__ import annotations

import ast
import re
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest

from cards.welcome import team_intro_text, welcome_card
from dialogs.content import service_facts
from tests.schemas import card_problems

WELCOME_MODULE = Path(__file__).resolve().parent.parent / "cards" / "welcome.py"


@pytest.fixture
def facts() -> dict[str, Any]:
    return deepcopy(service_facts())


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "TextBlock" else []
        return own + [t for key, value in node.items() if key != "text" for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _card_text(facts: dict[str, Any]) -> str:
    return "\n".join(_texts(welcome_card(facts)))


def test_welcome_card_is_a_valid_adaptive_card_1_5(facts):
    card = welcome_card(facts)
    assert card_problems(card) == []
    assert card["version"] == "1.5"


def test_welcome_card_says_it_is_an_automated_assistant(facts):
    assert "I'm an automated assistant" in _card_text(facts)


def test_welcome_card_lists_three_things_the_bot_does(facts):
    bullets = [t for t in _texts(welcome_card(facts)) if t.startswith("• ")]
    assert len(bullets) == 3


def test_welcome_card_says_it_is_not_for_safeguarding_concerns(facts):
    assert "Not for safeguarding concerns" in _card_text(facts)


def test_welcome_card_gives_999_and_both_maru_numbers(facts):
    text = _card_text(facts)
    safeguarding = facts["safeguarding"]
    for number in ("emergency", "maru_phone", "maru_out_of_hours"):
        assert safeguarding[number] in text


def test_welcome_card_numbers_come_from_the_facts_not_the_wording(facts):
    facts["safeguarding"]["maru_phone"] = "0300 000 0000"
    facts["contact"]["phone"] = "01000 000000"
    text = _card_text(facts)
    assert "0300 000 0000" in text
    assert "01000 000000" in text


def test_welcome_card_says_how_to_reach_the_vig_team(facts):
    text = _card_text(facts)
    assert facts["contact"]["email"] in text
    assert facts["contact"]["phone"] in text


def test_welcome_card_buttons_send_the_commands_as_typed_text(facts):
    buttons = [
        (action["type"], action["title"], action["data"])
        for action in welcome_card(facts)["actions"]
    ]
    assert buttons == [
        ("Action.Submit", title, {"msteams": {"type": "imBack", "value": command}})
        for title, command in [
            ("Start a request", "new request"),
            ("Ask a question", "ask a question"),
            ("My requests", "my requests"),
        ]
    ]


def test_welcome_card_sentences_are_short(facts):
    sentences = [s for t in _texts(welcome_card(facts)) for s in re.split(r"(?<=[.:])\s+", t)]
    assert max(len(s.split()) for s in sentences) <= 20


def test_welcome_card_refuses_facts_missing_a_safeguarding_number(facts):
    del facts["safeguarding"]["maru_out_of_hours"]
    with pytest.raises(ValueError, match="maru_out_of_hours"):
        welcome_card(facts)


def test_team_intro_says_how_to_make_a_channel_the_inbox(facts):
    assert "@mention me with **use this channel for VIG requests**" in team_intro_text(facts)


def test_team_intro_says_it_is_automated(facts):
    assert "automated" in team_intro_text(facts)


def test_team_intro_says_it_is_not_for_safeguarding_with_the_numbers(facts):
    text = team_intro_text(facts)
    assert "not for safeguarding" in text
    assert facts["safeguarding"]["emergency"] in text
    assert facts["safeguarding"]["maru_phone"] in text


def test_team_intro_is_short(facts):
    assert len(team_intro_text(facts).split()) <= 90


def test_welcome_module_does_not_import_dialogs():
    tree = ast.parse(WELCOME_MODULE.read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    ]
    assert [name for name in imported if name.split(".")[0] in ("dialogs", "bot", "storage")] == []
