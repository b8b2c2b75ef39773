"""The VIG team's channel: setting the inbox, the agenda, the buttons on request cards, and the
referrer's answers to the team's questions.

The router calls `is_team_event`, `handle` and `handle_referrer_reply`.
"""

from __future__ import annotations

from typing import Any

from dialogs.allocation import next_allocation_meeting
from dialogs.events import Reply, Turn, UserEvent
from dialogs.ports import DialogServices, TeamRecords
from dialogs.team import actions
from dialogs.team.machine import INFO_REPLY, OPEN_STATUSES, VERB_PREFIX, action_of
from dialogs.team.render import agenda_card_for
from dialogs.team.wording import command_of, say

INBOX_MESSAGES = {
    "set": "channel.inbox_set",
    "moved": "channel.inbox_moved",
    "unchanged": "channel.inbox_unchanged",
    "team_not_allowed": "channel.team_not_allowed",
    "other_team": "channel.other_team",
    "no_team": "channel.no_team",
}


def is_team_event(event: UserEvent) -> bool:
    """True for anything in a channel, and for a press of one of the team's card buttons."""
    return event.scope == "channel" or bool(event.verb and event.verb.startswith(VERB_PREFIX))


def _team(services: DialogServices) -> TeamRecords:
    if services.team is None:
        raise RuntimeError("the team's records were not provided to this turn")
    return services.team


def _text(state: dict[str, Any], key: str, **values: Any) -> Turn:
    return Turn(state=dict(state), replies=[Reply(text=say(key, **values))])


async def _agenda(
    event: UserEvent, state: dict[str, Any], services: DialogServices, *, include_closed: bool
) -> Turn:
    team = _team(services)
    inbox = await team.inbox()
    if inbox is None:
        return _text(state, "channel.no_inbox_yet")
    if actions.channel_of(event.conversation_id) != inbox.channel_id:
        return _text(state, "channel.agenda_elsewhere")
    meeting = next_allocation_meeting(event.now, services.config.meeting_cutoff_hour)
    requests = await team.meeting_requests(
        meeting_date=meeting, open_statuses=OPEN_STATUSES, include_closed=include_closed
    )
    card = agenda_card_for(requests, meeting, event.now, include_closed=include_closed)
    return Turn(state=dict(state), replies=[Reply(card=card)])


async def handle(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """A channel command (@mention) or a press of a team button."""
    team = _team(services)
    if action_of(event.verb) == INFO_REPLY:
        reply = await actions.handle_reply(event, state, team)
        return reply or _text(state, "referrer.reply_not_needed")
    if action_of(event.verb):
        return await actions.handle_press(event, state, team)
    command = command_of(event.text)
    if command == "set_inbox":
        claim = await team.claim_inbox(actor=event.user, now=event.now)
        return _text(state, INBOX_MESSAGES[claim.outcome])
    if command in ("agenda", "agenda_all"):
        return await _agenda(event, state, services, include_closed=command == "agenda_all")
    return _text(state, "channel.help")


async def handle_referrer_reply(
    event: UserEvent, state: dict[str, Any], services: DialogServices
) -> Turn | None:
    """In personal chat: the referrer's answer to the team's question, attached to the request.

    None when the message is not such an answer (the router then carries on as usual).
    """
    if services.team is None:
        return None
    return await actions.handle_reply(event, state, services.team)


__all__ = ["handle", "handle_referrer_reply", "is_team_event"]
