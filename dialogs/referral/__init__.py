"""The referral conversation: a declarative step table (steps.py) run by a small engine.

The router calls `start`, `resume`, `handle`, `accepts_as_answer` and `current_question`, and
`show_form` / `submit_form` (verb FORM_VERB) for "fill in as a form"; the team's card uses
`model` (the answers' shape).
"""

from dialogs.referral.engine import (
    accepts_as_answer,
    current_question,
    handle,
    has_draft,
    is_active,
    is_send,
    resume,
    start,
    wants_form,
)
from dialogs.referral.form import FORM_VERB, show_form, submit_form

__all__ = [
    "FORM_VERB",
    "accepts_as_answer",
    "current_question",
    "handle",
    "has_draft",
    "is_active",
    "is_send",
    "resume",
    "show_form",
    "start",
    "submit_form",
    "wants_form",
]
