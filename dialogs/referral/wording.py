"""Fill the referral wording with service facts, settings and conversation values."""

from __future__ import annotations

from typing import Any

from dialogs.content import service_facts
from dialogs.ports import DialogConfig
from dialogs.referral.model import content


def fact_values(config: DialogConfig) -> dict[str, str]:
    """Every placeholder the wording may use that does not depend on the conversation."""
    service = service_facts()
    safeguarding = service["safeguarding"]
    values: dict[str, str] = {
        "service_name": str(service["service_name"]),
        "email": str(service["contact"]["email"]),
        "phone": str(service["contact"]["phone"]),
        "emergency": str(safeguarding["emergency"]),
        "maru_phone": str(safeguarding["maru_phone"]),
        "maru_out_of_hours": str(safeguarding["maru_out_of_hours"]),
        "maru_email": str(safeguarding["maru_email"]),
        "early_help_hub": str(service["early_help_hub"]["url"]),
        "max_age": str(config.health_visitor_max_age),
    }
    for name, fact in content()["facts"].items():
        values[name] = " ".join(str(fact["text"]).format_map(values).split())
    values["safeguarding"] = " ".join(str(content()["safeguarding"]).format_map(values).split())
    return values


def say(template: str, config: DialogConfig, **extra: Any) -> str:
    """A message from the content file with its placeholders filled."""
    text = str(template).format_map({**fact_values(config), **extra})
    # A folded YAML block turns a blank line into one newline: that is a paragraph break.
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n") if p.strip())


def message(key: str, config: DialogConfig, **extra: Any) -> str:
    """A message from the `messages` section."""
    return say(content()["messages"][key], config, **extra)


def button(key: str) -> str:
    """A button title from the `buttons` section."""
    return str(content()["buttons"][key])
