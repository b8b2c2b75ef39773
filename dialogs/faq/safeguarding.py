"""Spotting messages that suggest a child may be at immediate risk (content/safeguarding.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from dialogs.content import load_content, service_facts
from dialogs.faq.text import normalise

_SENTENCE_END = re.compile(r"[.!?;\n]+")


@dataclass(frozen=True)
class RiskRules:
    """The compiled phrases, patterns, ignores and negations from the content file."""

    triggers: tuple[re.Pattern[str], ...]
    ignore: tuple[re.Pattern[str], ...]
    negations: tuple[str, ...]

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> RiskRules:
        """Compile the rules in `safeguarding.yaml`."""
        phrases = [normalise(str(p)) for p in content.get("phrases") or ()]
        triggers = [re.compile(r"\b" + re.escape(p) + r"\b") for p in phrases if p]
        triggers += [re.compile(str(p)) for p in content.get("patterns") or ()]
        negations = sorted((normalise(str(n)) for n in content.get("negations") or ()), key=len)
        return cls(
            triggers=tuple(triggers),
            ignore=tuple(re.compile(str(p)) for p in content.get("ignore") or ()),
            negations=tuple(reversed(negations)),
        )

    def matches(self, text: str) -> bool:
        """True when `text` holds a trigger that is neither ignored nor negated."""
        # Sentence by sentence, so a lone-working note cannot hide a risk in the next sentence.
        return any(self._sentence_matches(s) for s in _SENTENCE_END.split(text))

    def _sentence_matches(self, sentence: str) -> bool:
        clean = normalise(sentence)
        for pattern in self.ignore:
            # Blank with a marker, not a space, so words either side do not join into a phrase.
            clean = pattern.sub(" | ", clean)
        for pattern in self.triggers:
            for match in pattern.finditer(clean):
                if not self._negated(clean[: match.start()]):
                    return True
        return False

    def _negated(self, before: str) -> bool:
        before = before.rstrip()
        return any(before == n or before.endswith(" " + n) for n in self.negations)


@cache
def _rules() -> RiskRules:
    return RiskRules.from_content(load_content("safeguarding"))


def detect_risk(text: str) -> bool:
    """True when `text` suggests a child may be at immediate risk (rules in safeguarding.yaml)."""
    return _rules().matches(text)


def safeguarding_message() -> str:
    """The full safeguarding message, with the numbers from service.yaml."""
    safeguarding = service_facts()["safeguarding"]
    template = str(load_content("safeguarding")["message"])
    return template.format(
        emergency=safeguarding["emergency"],
        maru_phone=safeguarding["maru_phone"],
        maru_out_of_hours=safeguarding["maru_out_of_hours"],
        maru_email=safeguarding["maru_email"],
    )
