"""Greetings, thanks, "who are you", goodbyes and the help menu (dialogs/content/smalltalk.yaml)."""

from __future__ import annotations

import re
from functools import cache

from dialogs.content import load_content, service_facts
from dialogs.events import Button
from dialogs.faq.text import normalise

# What the router listens for when a help button is pressed; titles live in smalltalk.yaml.
HELP_VALUES = ("new request", "continue", "my requests", "ask a question", "contact the team")


@cache
def _kinds() -> tuple[tuple[re.Pattern[str], str], ...]:
    kinds = load_content("smalltalk")["kinds"]
    return tuple(
        (re.compile(str(pattern)), str(kind["reply"]))
        for kind in kinds.values()
        for pattern in kind["patterns"]
    )


def small_talk(text: str) -> str | None:
    """A short friendly reply to a greeting, thanks, "who are you" or goodbye; None otherwise."""
    clean = normalise(text)
    if not clean:
        return None
    contact = service_facts()["contact"]
    for pattern, reply in _kinds():
        if pattern.fullmatch(clean):
            return reply.format(contact_email=contact["email"], contact_phone=contact["phone"])
    return None


def help_text() -> str:
    """The line shown above the help buttons."""
    return str(load_content("smalltalk")["help"]["text"])


def help_buttons() -> tuple[Button, ...]:
    """What the bot can do, as buttons whose values the router recognises (`HELP_VALUES`)."""
    titles = load_content("smalltalk")["help"]["buttons"]
    return tuple(Button(title=str(titles[value]), value=value) for value in HELP_VALUES)
