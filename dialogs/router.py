"""Which conversation handles an event.

Order matters and is the whole policy:
0. anything in the team's channel, and presses of the team's card buttons, go to the team;
1. card presses go to the conversation that drew the card (referral, FAQ suggestion); a referrer
   the team has asked for more information has their next message attached to the request;
2. anything typed that suggests a child at immediate risk gets the safeguarding message first;
3. the bot's own commands (new request, continue, my requests, help, ...);
4. during a referral, a valid answer to the current question is always taken as an answer; a
   confident FAQ match is answered and the question asked again; anything else goes to the
   referral, which explains what it needs;
5. outside a referral: small talk, then the FAQ (answer, "did you mean", or an honest don't-know).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from cards.my_requests import RequestLine, my_requests_card
from dialogs import referral, team
from dialogs.allocation import SERVICE_TZ, format_meeting_date
from dialogs.content import load_content, service_facts
from dialogs.events import Button, Reply, Turn, UserEvent
from dialogs.faq import (
    FaqAnswer,
    detect_risk,
    faq_entry_id,
    get_faq,
    help_buttons,
    help_text,
    safeguarding_message,
    small_talk,
)
from dialogs.ports import DialogServices
from dialogs.referral import model

REFERRAL_VERB_PREFIX = "referral."
_PUNCTUATION = re.compile(r"[^\w\s']")


def _wording() -> dict[str, Any]:
    return load_content("router")


def command_of(text: str) -> str | None:
    """The bot command a message names, if it is one ("new request", "my requests", ...)."""
    typed = " ".join(_PUNCTUATION.sub(" ", text.lower()).split())
    if not typed:
        return None
    for command, phrases in _wording()["commands"].items():
        if typed in phrases:
            return str(command)
    return None


def _contact_text() -> str:
    contact = service_facts()["contact"]
    return str(_wording()["contact"]).format(email=contact["email"], phone=contact["phone"])


def _faq_reply(answer: FaqAnswer) -> Reply:
    return Reply(text=answer.text, buttons=tuple(answer.suggestions))


def _faq_kwargs(event: UserEvent, services: DialogServices) -> dict[str, Any]:
    return {
        "now": event.now,
        "cutoff_hour": services.config.meeting_cutoff_hour,
        "health_visitor_max_age": services.config.health_visitor_max_age,
    }


def _then_current_question(
    replies: list[Reply], state: dict[str, Any], services: DialogServices
) -> list[Reply]:
    """Put the referral's current question back after a side answer."""
    if referral.is_active(state):
        return [*replies, *referral.current_question(state, services)]
    return replies


async def my_requests(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Reply:
    """The referrer's own requests, newest first, with any unsent draft and a Continue button."""
    words = _wording()["my_requests"]
    summaries = await services.records.requests_for_owner(event.user.id)
    lines = [
        RequestLine(
            reference=s.reference,
            kind=words["kinds"].get(s.kind, s.kind),
            initials=s.child_initials,
            status=words["statuses"].get(s.status, s.status),
            meeting=(
                words["meeting"].format(date=format_meeting_date(s.meeting_date))
                if s.meeting_date and s.status in ("submitted", "info_requested", "accepted")
                else None
            ),
        )
        for s in summaries
    ]
    draft = None
    if referral.has_draft(state):
        raw = state["referral"]
        started = datetime.fromisoformat(raw["created_at"]).astimezone(SERVICE_TZ)
        initials = model.child_initials(raw.get("answers", {}))
        heading = f"{words['draft']} · {initials}" if initials else words["draft"]
        draft = (heading, words["draft_detail"].format(started=f"{started:%-d %B}"))
    card = my_requests_card(
        title=words["title"],
        lines=lines,
        empty_text=words["none"],
        draft=draft,
        continue_title=words["continue"],
        new_title=words["new"],
    )
    return Reply(card=card)


async def _command(
    command: str, event: UserEvent, state: dict[str, Any], services: DialogServices
) -> Turn | None:
    """Handle one of the bot's commands, or None when the referral should take it."""
    active = referral.is_active(state)
    if command == "new_request":
        return await referral.start(event, state, services)
    if command in ("continue", "carry_on") and not active:
        if referral.has_draft(state):
            return await referral.resume(event, state, services)
        if command == "carry_on":
            return Turn(state=state, replies=[Reply(text=help_text(), buttons=help_buttons())])
        return await referral.resume(event, state, services)
    if command == "my_requests":
        return Turn(
            state=state,
            replies=_then_current_question(
                [await my_requests(event, state, services)], state, services
            ),
        )
    if command == "contact":
        return Turn(
            state=state,
            replies=_then_current_question([Reply(text=_contact_text())], state, services),
        )
    if command == "ask":
        prompt = Reply(text=_wording()["ask_prompt"], buttons=tuple(get_faq().topics()))
        return Turn(state=state, replies=[prompt])
    if command == "help" and not active:
        return Turn(state=state, replies=[Reply(text=help_text(), buttons=help_buttons())])
    return None


async def handle(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """Decide the replies to one event and the conversation's new state."""
    if team.is_team_event(event):
        return await team.handle(event, state, services)
    if event.verb == referral.FORM_VERB:
        return await referral.submit_form(event, state, services)
    if event.verb and event.verb.startswith(REFERRAL_VERB_PREFIX):
        return await referral.handle(event, state, services)
    if referral.wants_form(event):
        return await referral.show_form(event, state, services)

    text = event.text.strip()
    entry_id = faq_entry_id(text) if text else None
    if entry_id:
        answer = get_faq().answer_entry(entry_id, **_faq_kwargs(event, services))
        return Turn(
            state=state, replies=_then_current_question([_faq_reply(answer)], state, services)
        )

    answered = await team.handle_referrer_reply(event, state, services)
    if answered is not None:
        if text and detect_risk(text):
            answered.replies.insert(0, Reply(text=safeguarding_message()))
        return answered

    if not text:
        if referral.is_active(state):
            return await referral.handle(event, state, services)
        return Turn(state=state, replies=[Reply(text=help_text(), buttons=help_buttons())])

    active = referral.is_active(state)
    if active and referral.accepts_as_answer(state, event):
        # The referral adds its own short safeguarding reminder to a worrying free-text answer.
        return await referral.handle(event, state, services)

    if detect_risk(text):
        replies = [Reply(text=safeguarding_message())]
        if active:
            return Turn(
                state=state, replies=[*replies, *referral.current_question(state, services)]
            )
        carry_on = _wording()["safeguarding_carry_on"]
        return Turn(
            state=state,
            replies=[Reply(text=replies[0].text, buttons=(Button(carry_on, "carry on"),))],
        )

    if referral.is_send(event):
        return await referral.handle(event, state, services)

    command = command_of(text)
    if command:
        turn = await _command(command, event, state, services)
        if turn is not None:
            return turn

    if active:
        faq = get_faq()
        if faq.confident(text):
            answer = faq.ask(text, **_faq_kwargs(event, services))
            return Turn(
                state=state, replies=_then_current_question([_faq_reply(answer)], state, services)
            )
        return await referral.handle(event, state, services)

    chat = small_talk(text)
    if chat:
        replies = [Reply(text=chat)]
        if referral.has_draft(state):
            replies.append(
                Reply(
                    text=_wording()["saved_draft_reminder"],
                    buttons=(
                        Button(_wording()["my_requests"]["continue"], "continue"),
                        Button(_wording()["my_requests"]["new"], "new request"),
                    ),
                )
            )
        return Turn(state=state, replies=replies)
    answer = get_faq().ask(text, **_faq_kwargs(event, services))
    return Turn(state=state, replies=[_faq_reply(answer)])
