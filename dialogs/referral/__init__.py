"""The referral conversation: a declarative step table (steps.py) run by a small engine.

The router calls `start`, `resume`, `handle`, `accepts_as_answer` and `current_question`; the
card form and the team's card use `model` (the answers' shape) and `steps.validate_field`.
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
)

__all__ = [
    "accepts_as_answer",
    "current_question",
    "handle",
    "has_draft",
    "is_active",
    "is_send",
    "resume",
    "start",
]
