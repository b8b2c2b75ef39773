"""The referral conversation: reads one event against the step table and decides the replies.

State is plain JSON under `state["referral"]` (the draft) and `state["filed"]` (the last filed
request, so that a repeated "send" answers with the same reference instead of filing twice).
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from datetime import date, datetime
from typing import Any

from cards.referral import (
    CANCEL_VERB,
    CHANGE_INPUT,
    CHANGE_VERB,
    CRITERIA_INPUT,
    CRITERIA_VERB,
    SAVE_VERB,
    SEND_VERB,
    criteria_card,
    summary_card,
)
from dialogs.allocation import (
    SERVICE_TZ,
    format_meeting_date,
    next_allocation_meeting,
    service_today,
)
from dialogs.events import Button, Reply, Turn, UserEvent
from dialogs.faq.safeguarding import detect_risk
from dialogs.ports import DialogConfig, DialogServices, FiledRequest, RequestKind
from dialogs.referral import model
from dialogs.referral.steps import (
    HOLD_RESUMES_AT,
    STEP_BY_ID,
    SUMMARY,
    Context,
    choice_options,
    first_step,
    normalise,
    question,
    route_after,
    validate_field,
    walk,
)
from dialogs.referral.wording import button, message, say

DRAFT = "referral"
FILED = "filed"
MISSES_BEFORE_HELP = 3
IDENTITY_FIELDS = ("referrer_name", "referrer_email")


# --- state helpers ----------------------------------------------------------------------------


def has_draft(state: dict[str, Any]) -> bool:
    """An unfinished draft exists (in progress or saved for later)."""
    return isinstance(state.get(DRAFT), dict)


def is_active(state: dict[str, Any]) -> bool:
    """A draft is in progress (not saved for later)."""
    return has_draft(state) and not state[DRAFT].get("saved", False)


def _new_draft(event: UserEvent) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    identity: list[str] = []
    if event.user.name and event.user.name.strip():
        answers["referrer_name"] = event.user.name.strip()
        identity.append("referrer_name")
    if event.user.email and event.user.email.strip():
        answers["referrer_email"] = event.user.email.strip()
        identity.append("referrer_email")
    stamp = event.now.isoformat()
    return {
        "draft_id": uuid.uuid4().hex,
        "step": "",
        "answers": answers,
        "identity_fields": identity,
        "history": [],
        "misses": 0,
        "saved": False,
        "pending": None,
        "editing": False,
        "peer_reference": None,
        "created_at": stamp,
        "updated_at": stamp,
    }


def draft_context(
    draft: dict[str, Any],
    config: DialogConfig,
    today: date,
    answers: dict[str, Any] | None = None,
) -> Context:
    """What routing sees for this draft; `answers` (e.g. the card form's) replace the draft's."""
    return Context(
        answers=draft["answers"] if answers is None else answers,
        config=config,
        today=today,
        identity_fields=tuple(draft.get("identity_fields", ())),
        peer_filed=bool(draft.get("peer_reference")),
    )


def _context(draft: dict[str, Any], config: DialogConfig, today: date) -> Context:
    return draft_context(draft, config, today)


def _draft_today(draft: dict[str, Any]) -> date:
    return service_today(datetime.fromisoformat(draft["updated_at"]))


def _request_answers(draft: dict[str, Any], config: DialogConfig, today: date) -> dict[str, Any]:
    """The answers on the route actually taken, plus the referrer's identity: what is filed."""
    ctx = _context(draft, config, today)
    passed, _ = walk(ctx)
    answers = draft["answers"]
    kept = {f: answers[f] for f in model.FIELDS if f in answers and f in passed}
    for f in IDENTITY_FIELDS:
        if f in answers:
            kept[f] = answers[f]
    return {f: kept[f] for f in model.FIELDS if f in kept}


# --- replies ----------------------------------------------------------------------------------


def _buttons(*pairs: tuple[str, str]) -> tuple[Button, ...]:
    return tuple(Button(title, value) for title, value in pairs)


def _new_request_button() -> tuple[Button, ...]:
    label = message("new_request_button", DialogConfig())
    return _buttons((label, label.lower()))


FORM_COMMAND = "form"


def _offer_form(replies: list[Reply]) -> list[Reply]:
    """Add "Fill in as a form" to the last reply's buttons, for referrers who know the answers."""
    if not replies or replies[-1].card is not None:
        return replies
    last = replies[-1]
    offer = Button(str(model.content()["form"]["button"]), FORM_COMMAND)
    return [*replies[:-1], dataclasses.replace(last, buttons=(*last.buttons, offer))]


def wants_form(event: UserEvent) -> bool:
    """Whether a typed message asks for the form ("form", "fill in as a form", ...)."""
    typed = " ".join(event.text.lower().split())
    return not event.verb and typed in {str(w) for w in model.content()["form"]["open_words"]}


def _question_buttons(step_id: str) -> tuple[Button, ...]:
    step = STEP_BY_ID[step_id]
    q = question(step_id)
    if step.kind == "choice":
        return _buttons(*((label, label) for _cid, label in choice_options(step_id)))
    if step.kind == "quick":
        return _buttons(*((str(t), str(t)) for t in q["quick"]))
    if step.kind == "phone":
        return _buttons((q["skip"], q["skip"]))
    if step.kind == "case_holder":
        return _buttons((q["me"], q["me"]), (q["none"], q["none"]))
    if step.kind == "manager":
        return _buttons((q["not_yet"], q["not_yet"]))
    return ()


def _criteria_card(draft: dict[str, Any], config: DialogConfig) -> dict[str, Any]:
    wording = model.content()["criteria_card"]
    return criteria_card(
        title=wording["title"],
        intro=say(wording["intro"], config),
        input_label=wording["input_label"],
        error=wording["error"],
        options=list(model.criterion_labels().items()),
        selected=draft["answers"].get("criteria") or [],
        submit_title=wording["submit"],
        none_title=wording["none"],
        draft_id=draft["draft_id"],
    )


def _summary_replies(draft: dict[str, Any], config: DialogConfig, today: date) -> list[Reply]:
    wording = model.content()["summary_card"]
    lines = model.summary_lines(_request_answers(draft, config, today))
    card = summary_card(
        title=wording["title"],
        intro=message("summary_intro", config),
        lines=lines,
        change_label=wording["change_label"],
        change_placeholder=wording["change_placeholder"],
        change_error=wording["change_error"],
        send_title=button("send"),
        save_title=button("save"),
        cancel_title=button("cancel"),
        change_title=button("change"),
        draft_id=draft["draft_id"],
    )
    choices = [button(k) for k in ("send", "change", "save", "cancel")]
    return [Reply(card=card, buttons=_buttons(*((c, c) for c in choices)))]


def _ask(draft: dict[str, Any], config: DialogConfig, today: date, lead: str = "") -> list[Reply]:
    """The current question, with `lead` (an error or a note) in front of it."""
    step_id = draft["step"]
    if step_id == SUMMARY:
        return ([Reply(text=lead)] if lead else []) + _summary_replies(draft, config, today)
    text = say(question(step_id)["ask"], config)
    if STEP_BY_ID[step_id].kind == "criteria":
        lead_and_text = f"{lead}\n\n{text}" if lead else text
        return [Reply(text=lead_and_text), Reply(card=_criteria_card(draft, config))]
    return [Reply(text=f"{lead}\n\n{text}" if lead else text, buttons=_question_buttons(step_id))]


def _help(draft: dict[str, Any], config: DialogConfig, today: date) -> list[Reply]:
    step_id = draft["step"]
    if step_id == SUMMARY:
        body = message("summary_intro", config)
    else:
        body = say(question(step_id)["help"], config)
    text = f"{message('help_prefix', config)} {body} {message('help_footer', config)}"
    if draft.get("misses", 0) >= MISSES_BEFORE_HELP:
        text += "\n\n" + message("three_misses", config)
    return [Reply(text=text), *_ask(draft, config, today)]


def _confirm(text: str, yes: str, no: str) -> list[Reply]:
    return [Reply(text=text, buttons=_buttons((yes, yes), (no, no)))]


def _opening(config: DialogConfig) -> Reply:
    return Reply(text=say(model.content()["opening"], config))


# --- commands ---------------------------------------------------------------------------------


def _command(text: str) -> str | None:
    typed = normalise(text)
    raw = text.strip().lower()
    if not raw:
        return None
    for name, words in model.content()["commands"].items():
        for word in words:
            if raw == str(word).lower() or (typed and typed == normalise(str(word))):
                return str(name)
    return None


def _yes_no(text: str) -> str | None:
    typed = normalise(text)
    for answer, words in model.content()["yes_no"].items():
        if typed in {normalise(str(w)) for w in words}:
            return str(answer)
    return None


# --- the turn ---------------------------------------------------------------------------------


class _Turn:
    """One event against a copy of the state; methods return the replies."""

    def __init__(self, event: UserEvent, state: dict[str, Any], services: DialogServices):
        self.event = event
        self.state = copy.deepcopy(state)
        self.services = services
        self.config = services.config
        self.today = service_today(event.now)

    @property
    def draft(self) -> dict[str, Any]:
        draft: dict[str, Any] = self.state[DRAFT]
        return draft

    def ctx(self) -> Context:
        return _context(self.draft, self.config, self.today)

    def done(self, replies: list[Reply]) -> Turn:
        if has_draft(self.state):
            self.draft["updated_at"] = self.event.now.isoformat()
        return Turn(state=self.state, replies=replies)

    def ask(self, lead: str = "") -> list[Reply]:
        return _ask(self.draft, self.config, self.today, lead)

    def new_draft(self) -> None:
        self.state[DRAFT] = _new_draft(self.event)
        self.state.pop(FILED, None)
        self.draft["step"] = first_step(self.ctx())

    def begin(self, with_opening: bool) -> list[Reply]:
        self.new_draft()
        return _offer_form(([_opening(self.config)] if with_opening else []) + self.ask())

    # -- moving through the steps

    async def go(self, target: str) -> list[Reply]:
        draft = self.draft
        draft["misses"] = 0
        draft["pending"] = None
        if target in STEP_BY_ID or target == SUMMARY:
            draft["step"] = target
            if target == SUMMARY:
                draft["editing"] = False
            return self.ask()
        kind, _, reason = target.partition(":")
        if kind == "stop":
            return self.stop(reason)
        if kind == "hold":
            return self.hold(reason)
        if kind == "file":
            return await self.file_peer_contact_alone()
        raise ValueError(f"unknown target {target!r} in the step table")

    def stop(self, reason: str) -> list[Reply]:
        values = {"child_age": "", "raw": ""}
        if reason == "age":
            age = model.child_age_text(self.draft["answers"], self.today)
            values["child_age"] = f"The child is {age}, which"
        text = say(model.content()["stops"][reason], self.config, **values)
        footer = say(model.content()["stops"]["ended_footer"], self.config)
        self.state.pop(DRAFT, None)
        return [Reply(text=f"{text}\n\n{footer}", buttons=_new_request_button())]

    def hold(self, reason: str) -> list[Reply]:
        resume_at = HOLD_RESUMES_AT[reason]
        self.draft["answers"].pop(resume_at, None)
        self.draft["step"] = resume_at
        self.draft["saved"] = True
        return [Reply(text=say(model.content()["holds"][reason], self.config))]

    async def answer(self, raw: Any) -> list[Reply]:
        draft = self.draft
        step_id = draft["step"]
        parsed = validate_field(step_id, raw, draft["answers"], self.config, self.today)
        if not parsed.ok:
            draft["misses"] = draft.get("misses", 0) + 1
            if draft["misses"] >= MISSES_BEFORE_HELP:
                return [Reply(text=parsed.error), *_help(draft, self.config, self.today)]
            return self.ask(lead=parsed.error or "")
        draft["answers"][step_id] = parsed.value
        if not draft["history"] or draft["history"][-1] != step_id:
            draft["history"].append(step_id)
        target = route_after(step_id, self.ctx())
        if draft.get("editing") and (target in STEP_BY_ID or target == SUMMARY):
            # Coming from the summary: skip what is already answered, ask only what is new.
            _, target = walk(self.ctx(), start=target)
        replies = await self.go(target)
        kind = STEP_BY_ID[step_id].kind
        if kind in ("text", "quick") and detect_risk(str(parsed.value)):
            replies.insert(0, Reply(text=say(model.content()["risk_reminder"], self.config)))
        return replies

    def back(self) -> list[Reply]:
        draft = self.draft
        history: list[str] = draft["history"]
        if draft["step"] in history:
            history.remove(draft["step"])
        if not history:
            return self.ask(lead=message("nothing_to_go_back_to", self.config))
        draft["step"] = history.pop()
        draft["misses"] = 0
        return self.ask()

    def change(self, field: str) -> list[Reply]:
        draft = self.draft
        draft["step"] = field
        draft["editing"] = True
        draft["pending"] = None
        draft["misses"] = 0
        return self.ask()

    def change_by_number(self, text: str) -> list[Reply]:
        lines = model.summary_lines(_request_answers(self.draft, self.config, self.today))
        typed = normalise(text)
        for number, (field, label, _value) in enumerate(lines, start=1):
            if typed in (str(number), normalise(label)):
                return self.change(field)
        return [
            Reply(
                text=message("change_not_found", self.config, count=len(lines)),
                buttons=_buttons((button("back"), "back")),
            )
        ]

    def ask_which_to_change(self) -> list[Reply]:
        self.draft["pending"] = "change_which"
        lines = model.summary_lines(_request_answers(self.draft, self.config, self.today))
        listing = "\n".join(f"{n}. {label}" for n, (_f, label, _v) in enumerate(lines, start=1))
        return [Reply(text=f"{message('change_which', self.config)}\n\n{listing}")]

    def save(self) -> list[Reply]:
        self.draft["saved"] = True
        self.draft["pending"] = None
        return [
            Reply(
                text=message("saved", self.config),
                buttons=_buttons((button("continue"), "continue")),
            )
        ]

    # -- filing

    def meeting(self) -> date:
        return next_allocation_meeting(self.event.now, self.config.meeting_cutoff_hour)

    async def file(
        self, kind: RequestKind, answers: dict[str, Any], linked_reference: str | None = None
    ) -> FiledRequest:
        """File this draft's request of `kind`; the records make a repeat return the first."""
        return await self.services.records.file_request(
            draft_id=self.draft["draft_id"],
            kind=kind,
            owner=self.event.user,
            answers=answers,
            now=self.event.now,
            meeting_date=self.meeting(),
            linked_reference=linked_reference,
        )

    async def file_peer_contact_alone(self) -> list[Reply]:
        draft = self.draft
        filed = await self.file("peer_contact", _request_answers(draft, self.config, self.today))
        draft["peer_reference"] = filed.reference
        draft["answers"].pop("family_choice", None)
        draft["step"] = "family_choice"
        draft["saved"] = True
        return [Reply(text=message("peer_filed", self.config, reference=filed.reference))]

    async def send(self) -> list[Reply]:
        draft = self.draft
        _, end = walk(self.ctx())
        if end != SUMMARY:
            # The answers no longer lead to the summary (e.g. changed on another device).
            return await self.go(end)
        answers = _request_answers(draft, self.config, self.today)
        answers["risk"] = "no"
        filed = await self.file("referral", answers)
        peer_reference = draft.get("peer_reference")
        if answers.get("peer_contact") == "yes" and not peer_reference:
            peer = await self.file("peer_contact", answers, linked_reference=filed.reference)
            peer_reference = peer.reference
        self.state[FILED] = {
            "draft_id": draft["draft_id"],
            "reference": filed.reference,
            "peer_reference": peer_reference,
            "meeting_date": filed.meeting_date.isoformat(),
            "filed_at": self.event.now.isoformat(),
        }
        self.state.pop(DRAFT, None)
        meeting = format_meeting_date(filed.meeting_date)
        parts = [message("filed", self.config, reference=filed.reference, meeting=meeting)]
        if peer_reference and answers.get("peer_contact") == "yes":
            parts.append(message("filed_peer", self.config, peer_reference=peer_reference))
        parts.append(message("filed_next", self.config))
        return [Reply(text="\n\n".join(parts))]

    def filed_again(self) -> list[Reply] | None:
        filed = self.state.get(FILED)
        if not isinstance(filed, dict):
            return None
        data_draft = (self.event.data or {}).get("draft_id")
        if data_draft and data_draft != filed["draft_id"]:
            return None
        meeting = format_meeting_date(date.fromisoformat(filed["meeting_date"]))
        text = message("filed_again", self.config, reference=filed["reference"], meeting=meeting)
        return [Reply(text=text)]


# --- public API -------------------------------------------------------------------------------


async def start(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """A new request: the opening and first question, or an offer to carry on a draft."""
    turn = _Turn(event, state, services)
    if has_draft(turn.state):
        draft = turn.draft
        draft["saved"] = False
        draft["pending"] = "resume_offer"
        step = draft["step"]
        section_key = STEP_BY_ID[step].section if step in STEP_BY_ID else SUMMARY
        started = datetime.fromisoformat(draft["created_at"]).astimezone(SERVICE_TZ)
        text = message(
            "resume_offer",
            turn.config,
            started=f"{started.day} {started:%B}",
            section=model.content()["sections"][section_key],
        )
        choices = (button("continue"), button("start_over"))
        return turn.done([Reply(text=text, buttons=_buttons(*((c, c) for c in choices)))])
    return turn.done(turn.begin(with_opening=True))


async def resume(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """Carry on a draft ("continue") where it stopped."""
    turn = _Turn(event, state, services)
    if not has_draft(turn.state):
        return turn.done(
            [Reply(text=message("no_draft", turn.config), buttons=_new_request_button())]
        )
    turn.draft["saved"] = False
    turn.draft["pending"] = None
    return turn.done(_offer_form(turn.ask(lead=message("resumed", turn.config))))


async def handle(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """The next event while a draft is active: an answer, card data or a command."""
    turn = _Turn(event, state, services)
    command = _command(event.text) if not event.verb else None
    wants_send = event.verb == SEND_VERB or command == "send"
    # A repeated "send" (double tap, retried activity) finds the draft already filed and gone.
    if wants_send and (
        not has_draft(turn.state)
        or (event.data or {}).get("draft_id") not in (None, turn.draft["draft_id"])
    ):
        again = turn.filed_again()
        if again is not None:
            return turn.done(again)
    if not has_draft(turn.state):
        return turn.done(
            [Reply(text=message("no_draft", turn.config), buttons=_new_request_button())]
        )
    return turn.done(await _handle_draft(turn, command))


async def _handle_draft(turn: _Turn, command: str | None) -> list[Reply]:
    event, draft, config = turn.event, turn.draft, turn.config
    draft["saved"] = False
    pending = draft.get("pending")
    if event.verb:
        return await _handle_card(turn)
    if pending == "resume_offer":
        draft["pending"] = None
        if command == "start_over":
            return turn.begin(with_opening=False)
        if command == "continue":
            return turn.ask(lead=message("resumed", config))
    if pending in ("cancel", "restart"):
        draft["pending"] = None
        decision = _yes_no(event.text)
        if decision is None and command in ("cancel", "start_over"):
            decision = "yes"
        if decision == "yes" and pending == "cancel":
            turn.state.pop(DRAFT, None)
            return [Reply(text=message("cancelled", config), buttons=_new_request_button())]
        if decision == "yes":
            return turn.begin(with_opening=False)
        return turn.ask(lead=message("not_cancelled", config))
    if pending == "change_which" and command is None:
        draft["pending"] = None
        return turn.change_by_number(event.text)
    draft["pending"] = None
    if command == "help":
        return _help(draft, config, turn.today)
    if command == "back":
        return turn.back()
    if command == "cancel":
        draft["pending"] = "cancel"
        return _confirm(
            message("cancel_confirm", config), button("yes_cancel"), button("no_carry_on")
        )
    if command == "start_over":
        draft["pending"] = "restart"
        return _confirm(
            message("restart_confirm", config), button("yes_start_over"), button("no_carry_on")
        )
    if command == "save":
        return turn.save()
    if command == "continue":
        return turn.ask()
    if draft["step"] == SUMMARY:
        if command == "send":
            return await turn.send()
        if command == "change":
            return turn.ask_which_to_change()
        return turn.ask(lead=message("choice_not_understood", config))
    return await turn.answer(event.text)


async def _handle_card(turn: _Turn) -> list[Reply]:
    event, draft = turn.event, turn.draft
    data = event.data or {}
    stale = data.get("draft_id") not in (None, draft["draft_id"])
    if event.verb == CRITERIA_VERB and draft["step"] == "criteria" and not stale:
        none_typed = str(question("criteria")["none_synonyms"][0])
        return await turn.answer(
            none_typed if data.get("none") else str(data.get(CRITERIA_INPUT) or "")
        )
    if event.verb in (SAVE_VERB, CANCEL_VERB) and not stale:
        if event.verb == SAVE_VERB:
            return turn.save()
        draft["pending"] = "cancel"
        return _confirm(
            message("cancel_confirm", turn.config), button("yes_cancel"), button("no_carry_on")
        )
    if draft["step"] == SUMMARY and not stale:
        if event.verb == SEND_VERB:
            return await turn.send()
        if event.verb == CHANGE_VERB and str(data.get(CHANGE_INPUT, "")) in STEP_BY_ID:
            return turn.change(str(data[CHANGE_INPUT]))
    return turn.ask(lead=message("card_stale", turn.config))


def open_draft(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """The draft made ready to show elsewhere (the card form), with no replies: a new draft at
    the first question when there is none, else the current one, no longer saved or waiting."""
    turn = _Turn(event, state, services)
    if not has_draft(turn.state):
        turn.new_draft()
    turn.draft["saved"] = False
    turn.draft["pending"] = None
    return turn.done([])


async def take_answers(
    event: UserEvent,
    state: dict[str, Any],
    services: DialogServices,
    answers: dict[str, Any],
    *,
    save: bool,
) -> Turn:
    """Put answers read elsewhere (the card form) into the draft and go where they lead, as the
    conversation would: the summary, a stop, a hold, a peer contact filed alone, or the first
    unanswered question. With `save`, a draft that could carry on is saved for later instead.

    The referrer's Teams identity is kept. Answered steps are skipped when the chat carries on.
    """
    turn = _Turn(event, state, services)
    if not has_draft(turn.state):
        turn.new_draft()
    draft = turn.draft
    identity = {
        f: draft["answers"][f] for f in draft.get("identity_fields", ()) if f in draft["answers"]
    }
    draft["answers"] = {**answers, **identity}
    draft["saved"] = False
    draft["pending"] = None
    draft["misses"] = 0
    passed, end = walk(turn.ctx())
    draft["history"] = passed
    draft["editing"] = True
    if save and (end in STEP_BY_ID or end == SUMMARY):
        draft["step"] = end
        return turn.done(turn.save())
    return turn.done(await turn.go(end))


def is_send(event: UserEvent) -> bool:
    """Whether the event asks to send a request (typed or pressed), draft or not.

    A repeated send after filing finds no draft; `handle` answers it with the same reference.
    """
    return event.verb == SEND_VERB or (not event.verb and _command(event.text) == "send")


def accepts_as_answer(state: dict[str, Any], event: UserEvent) -> bool:
    """Whether this event would be read as a valid answer to the current question."""
    if not is_active(state):
        return False
    draft = state[DRAFT]
    step = draft.get("step")
    if draft.get("pending") or step not in STEP_BY_ID:
        return False
    if event.verb:
        return event.verb == CRITERIA_VERB and step == "criteria"
    if _command(event.text):
        return False
    today = service_today(event.now)
    config = DialogConfig()
    return validate_field(step, event.text, draft["answers"], config, today).ok


def current_question(state: dict[str, Any], services: DialogServices) -> list[Reply]:
    """The current question again (e.g. after the router answered a FAQ in the middle)."""
    if not has_draft(state):
        return []
    draft = state[DRAFT]
    return _ask(draft, services.config, _draft_today(draft))
