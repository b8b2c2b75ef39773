"""What the VIG team may do to a request in each status: the state machine, as a table.

Statuses and button labels are worded in dialogs/content/team.yaml; this file only says which
action moves which kind of request from which status to which.
"""

from __future__ import annotations

from dialogs.ports import RequestKind

VERB_PREFIX = "team."
INFO_REPLY = "info_reply"  # the referrer answering the team's question, from their own chat

# (kind, status, action) -> the status after the action.
TRANSITIONS: dict[tuple[RequestKind, str, str], str] = {
    ("referral", "submitted", "accept"): "accepted",
    ("referral", "submitted", "ask_info"): "info_requested",
    ("referral", "submitted", "decline"): "declined",
    ("referral", "info_requested", INFO_REPLY): "submitted",
    ("referral", "accepted", "assign"): "accepted",
    ("referral", "accepted", "allocate"): "allocated",
    ("referral", "accepted", "decline"): "declined",
    ("referral", "allocated", "assign"): "allocated",
    ("peer_contact", "submitted", "contact_arranged"): "contact_arranged",
    ("peer_contact", "submitted", "decline"): "declined",
}

# The order buttons appear in on a card.
BUTTON_ORDER = ("accept", "ask_info", "assign", "allocate", "contact_arranged", "decline")

# The statuses the allocation meeting still has to think about.
OPEN_STATUSES = ("submitted", "info_requested", "accepted")


def next_status(kind: RequestKind, status: str, action: str) -> str | None:
    """The status `action` leads to, or None when it does not apply."""
    return TRANSITIONS.get((kind, status, action))


def team_actions(kind: RequestKind, status: str) -> list[str]:
    """The buttons the team gets on a card in `status`, in display order."""
    return [a for a in BUTTON_ORDER if (kind, status, a) in TRANSITIONS]


def is_final(kind: RequestKind, status: str) -> bool:
    """True when no action leads anywhere from `status`, so the request is closed."""
    return not any(k == kind and s == status for k, s, _ in TRANSITIONS)


def verb(action: str) -> str:
    """The card verb for an action."""
    return f"{VERB_PREFIX}{action}"


def action_of(card_verb: str | None) -> str | None:
    """The action named by a card verb, or None if it is not one of the team's verbs."""
    if not card_verb or not card_verb.startswith(VERB_PREFIX):
        return None
    return card_verb[len(VERB_PREFIX) :]
