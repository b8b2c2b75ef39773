"""Greetings, thanks, "who are you", goodbyes and the help menu."""

from __future__ import annotations

import pytest

from dialogs.content import service_facts
from dialogs.faq import HELP_VALUES, help_buttons, help_text, small_talk


@pytest.mark.parametrize("text", ["hi", "Hello!", "good morning", "hiya there"])
def test_greetings_get_a_friendly_reply(text):
    reply = small_talk(text)
    assert reply is not None and reply.startswith("Hello")


@pytest.mark.parametrize("text", ["thanks", "Thank you so much!", "cheers", "ta"])
def test_thanks_get_a_short_reply(text):
    assert small_talk(text) == 'You\'re welcome. Type "help" any time to see what I can do.'


@pytest.mark.parametrize("text", ["who are you?", "are you a bot", "Am I talking to a person?"])
def test_who_are_you_says_automated_and_how_to_reach_a_person(text):
    reply = small_talk(text) or ""
    assert "automated assistant" in reply
    assert service_facts()["contact"]["email"] in reply
    assert service_facts()["contact"]["phone"] in reply


def test_goodbye_gets_a_reply():
    assert small_talk("bye for now") is not None


def test_a_greeting_with_a_question_is_not_small_talk():
    assert small_talk("hi, how many sessions are there?") is None


def test_help_lists_what_the_bot_can_do_with_router_values():
    assert tuple(b.value for b in help_buttons()) == HELP_VALUES
    assert HELP_VALUES == (
        "new request", "continue", "my requests", "ask a question", "contact the team",
    )  # fmt: skip
    assert help_text()
