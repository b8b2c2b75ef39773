"""The team channel's wording (dialogs/content/team.yaml), filled in with the service's facts."""

from __future__ import annotations

import re
from typing import Any

from dialogs.content import load_content, service_facts

_NOT_WORDS = re.compile(r"[^\w\s]")


def content() -> dict[str, Any]:
    """The team channel's wording."""
    return load_content("team")


def say(path: str, **values: Any) -> str:
    """The text at a dotted path in team.yaml, with its {placeholders} filled in."""
    node: Any = content()
    for part in path.split("."):
        node = node[part]
    facts = service_facts()
    contact = facts.get("contact") or {}
    safeguarding = facts.get("safeguarding") or {}
    filled = {
        "email": contact.get("email", ""),
        "phone": contact.get("phone", ""),
        "early_help_hub": safeguarding.get("early_help_hub", ""),
        **values,
    }
    return str(node).format_map(filled).strip()


def status_label(status: str) -> str:
    """A status as the team reads it."""
    return str(content()["statuses"].get(status, status))


def kind_label(kind: str) -> str:
    """A kind of request as the team reads it."""
    return str(content()["kinds"].get(kind, kind))


def normalise(text: str) -> str:
    """Lower case, punctuation removed, spaces squeezed: for matching typed commands."""
    return " ".join(_NOT_WORDS.sub(" ", text.lower()).split())


def command_of(text: str) -> str | None:
    """The channel command typed, if any (matching whole phrases, ignoring case)."""
    typed = normalise(text)
    for name, phrases in content()["commands"].items():
        if typed in {normalise(str(p)) for p in phrases}:
            return str(name)
    return None
