"""Building the team's cards from a request: wording from team.yaml, answers from the referral
model, layout from cards/."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from cards.agenda import AgendaRow, agenda_card
from cards.request_card import CardAction, CardInput, LongText, answer_card, request_card
from dialogs.allocation import SERVICE_TZ, format_meeting_date, service_today
from dialogs.ports import TeamNote, TeamRequest
from dialogs.referral.dates import format_date
from dialogs.referral.model import child_age_text, child_initials, display_value, summary_lines
from dialogs.team.machine import INFO_REPLY, team_actions, verb
from dialogs.team.wording import content, kind_label, say, status_label

# The four pre-referral questions and the answers that make up each, in the leaflet's order.
PRE_REFERRAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assessment", ("assessment_indicates", "assessment_details")),
    ("professionals", ("professionals_discussed", "professionals_who", "professionals_clear")),
    ("change", ("change_hoped", "change_agreed")),
    ("lived_experience", ("child_experience", "parent_clear")),
)
FAMILY_FIELDS = (
    "child_lives_with",
    "parent_relationship",
    "language",
    "interpreter",
    "parent_contact",
    "session_place",
    "lone_working",
    "lone_working_details",
    "family_goals",
)
PEER_FIELDS = ("peer_contact_method", "peer_contact_when")
# A peer-contact card carries only what arranging the talk needs; its linked referral's card
# has the rest, so the team does not read the same request twice.
PEER_CARD_FIELDS = ("parent_relationship", "language", "interpreter", *PEER_FIELDS)
# Never on a channel card: the child is shown by initials and age only.
NEVER_ON_CARD = frozenset({"child_name", "child_dob"})
REPLY_INPUT = "answer"


def _when(at: datetime) -> str:
    local = at.astimezone(SERVICE_TZ)
    return f"{local.day} {local:%b %H:%M}"


def preview(request: TeamRequest) -> str:
    """The message preview in the channel: the reference and the child's initials only."""
    return say(
        "card.preview", reference=request.reference, initials=child_initials(request.answers)
    )


def input_for(action: str, *, input_id: str | None = None) -> CardInput | None:
    """The text box an action needs first (its question, reason or name), if any."""
    spec = content()["actions"].get(action, {}).get("input")
    if not spec:
        return None
    return CardInput(
        id=input_id or f"{action}_note",
        label=str(spec["label"]),
        placeholder=str(spec["placeholder"]),
        error=str(spec["error"]),
        submit=str(spec["submit"]),
        max_length=int(spec["max_length"]),
    )


def last_change(request: TeamRequest) -> TeamNote | None:
    """The latest action the team (or the referrer) took on the request."""
    actions = content()["actions"]
    changes = [note for note in request.history if note.action in actions]
    return changes[-1] if changes else None


def practitioner(request: TeamRequest) -> str | None:
    """The practitioner most recently assigned, if any."""
    names = [note.note for note in request.history if note.action == "assign" and note.note]
    return names[-1] if names else None


def _history_lines(history: Sequence[TeamNote]) -> list[str]:
    templates = content()["history"]
    lines = []
    for note in history:
        template = templates.get(note.action)
        if template is None:
            continue
        text = str(template).format(actor=note.actor, note=note.note or "")
        lines.append(say("card.history_line", when=_when(note.at), text=text))
    return lines


def _facts(
    request: TeamRequest, values: dict[str, tuple[str, str]], today: date
) -> list[tuple[str, str]]:
    words = content()["card"]["facts"]
    answers = request.answers
    facts = [
        (
            words["child"],
            say(
                "card.facts.child_value",
                initials=child_initials(answers),
                age=child_age_text(answers, today),
            ),
        )
    ]
    name = answers.get("referrer_name") or "?"
    role = values.get("role", ("", "?"))[1]
    facts.append((words["referrer"], say("card.facts.referrer_value", name=name, role=role)))
    for field, key in (("referrer_team", "team"), ("case_holder", "case_holder")):
        if field in values:
            facts.append((words[key], values[field][1]))
    if request.meeting_date:
        facts.append((words["meeting"], format_meeting_date(request.meeting_date)))
    facts.append((words["filed"], format_date(service_today(request.filed_at))))
    if request.linked_reference:
        facts.append((words["linked"], request.linked_reference))
    if request.kind != "peer_contact":
        if "criteria" in values:
            facts.append((words["criteria"], values["criteria"][1]))
        if "peer_contact" in values:
            facts.append((words["peer_contact"], values["peer_contact"][1]))
    assigned = practitioner(request)
    if assigned:
        facts.append((words["practitioner"], assigned))
    return [(str(title), str(value)) for title, value in facts]


def _pre_referral(values: dict[str, tuple[str, str]]) -> list[LongText]:
    names = content()["card"]["pre_referral"]
    items = []
    for key, fields in PRE_REFERRAL:
        parts = [f"{values[f][0]}: {values[f][1]}" for f in fields if f in values]
        if parts:
            items.append(LongText(str(names[key]), " · ".join(parts)))
    return items


def _plain(values: dict[str, tuple[str, str]], fields: Sequence[str]) -> list[LongText]:
    return [LongText(values[f][0], values[f][1]) for f in fields if f in values]


def request_card_for(
    request: TeamRequest, now: datetime, *, notice: str | None = None
) -> dict[str, Any]:
    """The channel card for a request as it stands; `notice` only for the person who pressed."""
    words = content()["card"]
    today = service_today(now)
    values = {
        field: (label, value)
        for field, label, value in summary_lines(request.answers)
        if field not in NEVER_ON_CARD
    }
    sections: list[tuple[str, list[LongText]]]
    if request.kind == "peer_contact":
        sections = [(str(words["peer_title"]), _plain(values, PEER_CARD_FIELDS))]
    else:
        sections = [
            (str(words["evidence"]), _plain(values, ("criteria_evidence",))),
            (str(words["pre_referral_title"]), _pre_referral(values)),
            (str(words["family_title"]), _plain(values, FAMILY_FIELDS)),
            (str(words["peer_title"]), _plain(values, PEER_FIELDS)),
        ]
    actions = [
        CardAction(
            title=str(content()["actions"][action]["button"]),
            verb=verb(action),
            input=input_for(action),
        )
        for action in team_actions(request.kind, request.status)
    ]
    data = {"reference": request.reference, "version": request.version, "token": uuid.uuid4().hex}
    return request_card(
        heading=say("card.heading", kind=kind_label(request.kind), reference=request.reference),
        status=say("card.status", status=status_label(request.status)),
        facts=_facts(request, values, today),
        sections=sections,
        history_title=str(words["history_title"]),
        history=_history_lines(request.history),
        actions=actions,
        data=data,
        read_more=str(words["read_more"]),
        short_length=int(words["short_length"]),
        notice=notice,
    )


def referrer_answer_card(reference: str, question: str) -> dict[str, Any]:
    """The card the referrer gets with the team's question and a box for the answer."""
    spec = content()["referrer"]["reply_card"]
    box = CardInput(
        id=REPLY_INPUT,
        label=str(spec["label"]),
        placeholder=str(spec["placeholder"]),
        error=str(spec["error"]),
        submit=str(spec["submit"]),
        max_length=int(spec["max_length"]),
    )
    return answer_card(
        title=say("referrer.reply_card.title", reference=reference),
        prompt=question,
        box=box,
        verb=verb(INFO_REPLY),
        data={"reference": reference},
    )


def agenda_card_for(
    requests: Sequence[TeamRequest], meeting: date, now: datetime, *, include_closed: bool
) -> dict[str, Any]:
    """The allocation meeting's agenda: counts by status and one line per request."""
    words = content()["agenda"]
    today = service_today(now)
    statuses = list(content()["statuses"])
    counts = [
        say("agenda.counts", count=n, status=status_label(status))
        for status in statuses
        if (n := sum(1 for r in requests if r.status == status))
    ]
    limit = int(words["max_rows"])
    rows = []
    for request in requests[:limit]:
        rows.append(
            AgendaRow(
                reference=request.reference,
                summary=say(
                    "agenda.row",
                    kind=kind_label(request.kind),
                    initials=child_initials(request.answers),
                    age=child_age_text(request.answers, today),
                    status=status_label(request.status),
                ),
                detail=say(
                    "agenda.row_detail",
                    filed=format_date(service_today(request.filed_at)),
                    role=display_value("role", request.answers.get("role")),
                ),
            )
        )
    more = say("agenda.more", count=len(requests) - limit) if len(requests) > limit else None
    meeting_text = format_meeting_date(meeting)
    return agenda_card(
        title=say("agenda.title_all" if include_closed else "agenda.title", meeting=meeting_text),
        intro=say("agenda.intro_all" if include_closed else "agenda.intro"),
        counts=counts,
        rows=rows,
        empty=say("agenda.none"),
        more=more,
    )
