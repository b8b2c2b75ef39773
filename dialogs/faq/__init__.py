"""The FAQ, safeguarding detection and small talk: plain Python, content in dialogs/content/.

Public API for the router:
- `get_faq().ask(question, now=...)` -> `FaqAnswer` ("answer" / "suggest" / "unknown");
- buttons offered with an answer or a "Did you mean" have the value `faq:<entry id>`: pass it to
  `faq_entry_id(value)` and then `get_faq().answer_entry(entry_id, now=...)`;
- `get_faq().confident(text)` says whether a message would get an outright answer (for questions
  asked mid-referral: check first that the message is not a valid answer to the current step);
- `detect_risk(text)` / `safeguarding_message()`, `small_talk(text)`, `help_text()` /
  `help_buttons()` (values in `HELP_VALUES`).
"""

from __future__ import annotations

from dialogs.faq.book import (
    FAQ_BUTTON_PREFIX,
    FaqAnswer,
    FaqBook,
    FaqEntry,
    faq_entry_id,
    get_faq,
)
from dialogs.faq.safeguarding import detect_risk, safeguarding_message
from dialogs.faq.smalltalk import HELP_VALUES, help_buttons, help_text, small_talk

__all__ = [
    "FAQ_BUTTON_PREFIX",
    "HELP_VALUES",
    "FaqAnswer",
    "FaqBook",
    "FaqEntry",
    "detect_risk",
    "faq_entry_id",
    "get_faq",
    "help_buttons",
    "help_text",
    "safeguarding_message",
    "small_talk",
]
