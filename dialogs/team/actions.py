"""The team's buttons on a request card, and the referrer's answer to a question.

Card data comes from the client, so nothing in it is trusted alone: a press counts only from
the inbox channel (or the channel the card was posted in), on a request that exists, at the
version the card showed. The change itself is a compare-and-swap in storage, so of two people
pressing at once one wins and the other is told who did.
"""

from __future__ import annotations

from typing import Any

from cards.request_card import FALLBACK_KEY
from dialogs.allocation import format_meeting_date
from dialogs.events import Reply, Turn, UserEvent
from dialogs.ports import TeamChange, TeamRecords, TeamRequest
from dialogs.referral import is_active
from dialogs.team.machine import INFO_REPLY, action_of, is_final, next_status
from dialogs.team.render import (
    REPLY_INPUT,
    input_for,
    last_change,
    referrer_answer_card,
    request_card_for,
)
from dialogs.team.wording import content, normalise, say, status_label

INFO_REQUESTED = "info_requested"
SOMEONE = "someone in the VIG team"


def channel_of(conversation_id: str) -> str:
    """The channel part of a channel conversation id ("<channel>;messageid=<root>")."""
    return conversation_id.split(";messageid=", 1)[0]


def _answer(
    state: dict[str, Any],
    event: UserEvent,
    request: TeamRequest | None,
    notice: str | None,
) -> Turn:
    """The presser's answer: the refreshed card in place, or text when it came as a Submit."""
    fallback = bool((event.data or {}).get(FALLBACK_KEY))
    if request is None or fallback:
        return Turn(state=state, replies=[Reply(text=notice or say("presses.done"))])
    card = request_card_for(request, event.now, notice=notice)
    return Turn(state=state, replies=[Reply(card=card, replaces_card=True)])


def _beaten(request: TeamRequest) -> str:
    """What to tell the person whose press lost: who changed the request first."""
    change = last_change(request)
    if change is None:
        return say(
            "presses.not_allowed", reference=request.reference, status=status_label(request.status)
        )
    done = content()["actions"][change.action]["done"]
    return say("presses.already_done", done=done, actor=change.actor)


def _meeting(request: TeamRequest) -> str:
    return format_meeting_date(request.meeting_date) if request.meeting_date else "?"


async def handle_press(event: UserEvent, state: dict[str, Any], team: TeamRecords) -> Turn:
    """A team button on a request card."""
    state = dict(state)
    action = action_of(event.verb) or ""
    data = event.data or {}
    reference = str(data.get("reference") or "")
    request = await team.find_request(reference) if reference else None
    inbox = await team.inbox()
    places = {
        p
        for p in (inbox.channel_id if inbox else None, request.channel_id if request else None)
        if p
    }
    if event.scope != "channel" or channel_of(event.conversation_id) not in places:
        return _answer(state, event, None, say("presses.wrong_place"))
    if request is None:
        return _answer(state, event, None, say("presses.unknown_request"))
    if data.get("version") != request.version:
        return _answer(state, event, request, _beaten(request))
    to_status = next_status(request.kind, request.status, action)
    if to_status is None:
        notice = say(
            "presses.not_allowed", reference=request.reference, status=status_label(request.status)
        )
        return _answer(state, event, request, notice)
    box = input_for(action)
    note = str(data.get(box.id) or "").strip()[: box.max_length] if box else None
    if box and not note:
        return _answer(state, event, request, say("presses.note_missing"))
    actor_name = event.user.name or SOMEONE
    values = {
        "actor": actor_name,
        "reference": request.reference,
        "note": note or "",
        "meeting": _meeting(request),
    }
    referrer = content()["referrer"]
    change = TeamChange(
        reference=request.reference,
        expected_version=request.version,
        action=action,
        to_status=to_status,
        actor=event.user,
        now=event.now,
        thread_text=say(f"actions.{action}.thread", **values),
        note=note,
        referrer_text=say(f"referrer.{action}", **values) if action in referrer else None,
        referrer_card=(
            referrer_answer_card(request.reference, note or "") if action == "ask_info" else None
        ),
        closes=is_final(request.kind, to_status),
    )
    changed = await team.change_request(change)
    fresh = await team.find_request(request.reference)
    if not changed:
        return _answer(state, event, fresh, _beaten(fresh) if fresh else None)
    return _answer(state, event, fresh, None)


def _looks_like_a_command(text: str) -> bool:
    return normalise(text) in {normalise(str(t)) for t in content()["referrer"]["not_answers"]}


async def handle_reply(event: UserEvent, state: dict[str, Any], team: TeamRecords) -> Turn | None:
    """The referrer answering the team's question, by typing or with the answer card."""
    if event.scope != "personal":
        return None
    state = dict(state)
    waiting = await team.owner_requests_in(event.user.id, INFO_REQUESTED)
    if action_of(event.verb) == INFO_REPLY:
        data = event.data or {}
        reference = str(data.get("reference") or "")
        text = str(data.get(REPLY_INPUT) or "").strip()
        # Only the referrer's own request, and only while the team is waiting for an answer.
        matching = [r for r in waiting if r.reference == reference]
        if not matching or not text:
            return Turn(state=state, replies=[Reply(text=say("referrer.reply_not_needed"))])
        request = matching[0]
    else:
        text = event.text.strip()
        if not waiting or event.data or not text or is_active(state):
            return None
        if _looks_like_a_command(text):
            return None
        request = waiting[0]
    limit = int(content()["referrer"]["reply_card"]["max_length"])
    text = text[:limit]
    actor = event.user.name or "referrer"
    change = TeamChange(
        reference=request.reference,
        expected_version=request.version,
        action=INFO_REPLY,
        to_status=next_status(request.kind, request.status, INFO_REPLY) or "submitted",
        actor=event.user,
        now=event.now,
        thread_text=say("actions.info_reply.thread", actor=actor, note=text),
        note=text,
    )
    if not await team.change_request(change):
        return Turn(state=state, replies=[Reply(text=say("referrer.reply_not_needed"))])
    return Turn(
        state=state, replies=[Reply(text=say("referrer.reply_thanks", reference=request.reference))]
    )
