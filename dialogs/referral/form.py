""" "Fill in as a form": the whole referral as one card, read with the conversation's own rules.

The card is built from the step table, so a new step appears on the form without a change here.
A submitted form is read by following the flow exactly as the conversation would (the same
validators, `ask_when` conditions and `goto` rules); only the engine moves the draft on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cards.referral_form import (
    CHECK,
    FORM_ACTION,
    FORM_VERB,
    SAVE,
    FormInput,
    FormSection,
    InputKind,
    referral_form_card,
)
from dialogs.allocation import service_today
from dialogs.events import Reply, Turn, UserEvent
from dialogs.faq.safeguarding import detect_risk
from dialogs.ports import DialogConfig, DialogServices
from dialogs.referral import engine, model
from dialogs.referral.steps import (
    STEP_BY_ID,
    STEPS,
    Context,
    Parsed,
    Step,
    choice_options,
    first_step,
    next_applicable,
    question,
    route_after,
    validate_field,
)
from dialogs.referral.wording import button, say

__all__ = ["CHECK", "FORM_ACTION", "FORM_VERB", "SAVE", "show_form", "submit_form"]

_INPUT_KIND: dict[str, InputKind] = {
    "choice": "choice",
    "criteria": "multi_choice",
    "date": "date",
    "email": "email",
    "phone": "phone",
}
_FREE_TEXT_KINDS = ("text", "quick")
# Words a step accepts besides free text (tap "Me", "There isn't one", ...), by kind.
_KEYWORDS = {"case_holder": ("me", "none"), "manager": ("not_yet",), "quick": ()}
_MULTILINE_OVER = 200


def _wording() -> dict[str, Any]:
    form: dict[str, Any] = model.content()["form"]
    return form


def _depends_on_answers(step: Step) -> bool:
    return any(cond.field for cond in step.ask_when)


def _on_form(step: Step, ctx: Context) -> bool:
    """Shown unless something the draft already settles (e.g. Teams gave the name) rules it
    out; conditions on other answers cannot be followed inside one card, so they are checked
    when the form comes back."""
    return all(cond.holds(ctx) for cond in step.ask_when if not cond.field)


def _jumped_over() -> frozenset[str]:
    """Steps an earlier answer can jump over, e.g. the criteria when the family have not chosen
    VIG yet: the card cannot require them, because not every route asks them."""
    ids = [step.id for step in STEPS]
    skipped: set[str] = set()
    for index, step in enumerate(STEPS):
        for _conds, target in step.goto:
            if target in STEP_BY_ID:
                skipped.update(ids[index + 1 : ids.index(target)])
    return frozenset(skipped)


def _required(step: Step) -> bool:
    """Asked on every route that goes ahead, so the card itself can insist on an answer."""
    return step.kind != "phone" and not _depends_on_answers(step) and step.id not in _jumped_over()


# --- reading the form -------------------------------------------------------------------------


def _raw(data: dict[str, Any], step_id: str) -> str:
    value = data.get(step_id)
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _validate(
    step: Step, raw: str, answers: dict[str, Any], config: DialogConfig, today: date
) -> Parsed:
    """One input, read by the conversation's validator; a blank means "not answered"."""
    q = question(step.id)
    if not raw.strip():
        if step.kind == "phone":
            raw = str(q["skip"])
        else:
            return Parsed(error=say(_wording()["missing"], config))
    if step.kind == "criteria":
        chosen = [item.strip() for item in raw.split(",") if item.strip()]
        if _none_value() in chosen and len(chosen) > 1:
            return Parsed(error=say(_wording()["both_none_and_criteria"], config))
    return validate_field(step.id, raw, answers, config, today)


def _read(
    draft: dict[str, Any], data: dict[str, Any], config: DialogConfig, today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Follow the flow through the submitted inputs as the conversation would.

    Returns the valid answers and the errors by step. A refused answer cannot choose a route, so
    the reading carries on down the table from it, to show every problem at once. Valid answers
    off the route taken are kept too (the draft keeps them if the route changes later).
    """
    # Teams identity is not on the form, but the case holder "Me" is read with the name.
    answers: dict[str, Any] = {
        f: draft["answers"][f] for f in draft.get("identity_fields", ()) if f in draft["answers"]
    }
    errors: dict[str, str] = {}
    ctx = engine.draft_context(draft, config, today, answers)
    target = first_step(ctx)
    seen: set[str] = set()
    while target in STEP_BY_ID and target not in seen:
        step = STEP_BY_ID[target]
        if not _on_form(step, ctx):
            # Reached by a jump although the draft rules it out (peer contact already filed):
            # the chat asks it, as the conversation would.
            break
        seen.add(target)
        parsed = _validate(step, _raw(data, target), answers, config, today)
        if parsed.ok:
            answers[target] = parsed.value
            target = route_after(target, ctx)
        else:
            errors[target] = parsed.error or ""
            target = next_applicable(STEPS.index(step) + 1, ctx)
    for step in STEPS:
        if step.id in seen or not _raw(data, step.id).strip() or not _on_form(step, ctx):
            continue
        parsed = _validate(step, _raw(data, step.id), answers, config, today)
        if parsed.ok:
            answers[step.id] = parsed.value
    return answers, errors


# --- building the card ------------------------------------------------------------------------


def _none_value() -> str:
    return str(question("criteria")["none_synonyms"][0])


def _shown_value(step: Step, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value) if value else _none_value()
    return str(value)


def _choices(step: Step) -> tuple[tuple[str, str], ...]:
    if step.kind == "criteria":
        numbered = [
            (cid, f"{number}. {label}")
            for number, (cid, label) in enumerate(model.criterion_labels().items(), start=1)
        ]
        none_title = str(model.content()["criteria_card"]["none"])
        return (*numbered, (_none_value(), none_title))
    if step.kind == "choice":
        return tuple(choice_options(step.id))
    return ()


def _hint(step: Step, config: DialogConfig, help_shown: set[str]) -> tuple[str, str]:
    """(placeholder, hint): help goes in the placeholder of a text input, else under the input,
    once per card (several steps share the pre-referral help)."""
    wording = _wording()
    parts: list[str] = []
    if step.kind == "phone":
        parts.append(say(wording["optional"], config))
    elif _depends_on_answers(step):
        only_if = wording["only_if"].get(step.id, wording["only_if_default"])
        parts.append(say(only_if, config))
    q = question(step.id)
    keywords = [str(q[key]) for key in _KEYWORDS.get(step.kind, ())]
    keywords += [str(word) for word in q.get("quick", ())]
    if keywords:
        parts.append(say(wording["also_type"], config, item=", ".join(keywords)))
    help_text = say(wording["help"].get(step.id) or q["help"], config)
    placeholder = ""
    if _INPUT_KIND.get(step.kind, "text") in ("text", "email", "phone"):
        placeholder = help_text
    elif help_text not in help_shown:
        help_shown.add(help_text)
        parts.append(help_text)
    return placeholder, " ".join(parts)


def _form_input(
    step: Step,
    value: str,
    error: str,
    config: DialogConfig,
    today: date,
    help_shown: set[str],
) -> FormInput:
    wording = _wording()
    label = wording["labels"].get(step.id) or question(step.id)["ask"]
    placeholder, hint = _hint(step, config, help_shown)
    return FormInput(
        id=step.id,
        kind=_INPUT_KIND.get(step.kind, "text"),
        label=say(label, config),
        value=value,
        choices=_choices(step),
        placeholder=placeholder,
        hint=hint,
        error=error,
        required=_required(step),
        required_error=say(wording["missing"], config),
        max_length=step.max_len,
        multiline=step.max_len > _MULTILINE_OVER,
        latest_date=today.isoformat() if step.kind == "date" else "",
    )


def form_card(
    draft: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    config: DialogConfig,
    today: date,
) -> dict[str, Any]:
    """The form for `draft`, filled with `values` (by step id), `errors` under their inputs."""
    ctx = engine.draft_context(draft, config, today)
    sections: dict[str, list[FormInput]] = {}
    help_shown: set[str] = set()
    for step in STEPS:
        if _on_form(step, ctx):
            field = _form_input(
                step, values.get(step.id, ""), errors.get(step.id, ""), config, today, help_shown
            )
            sections.setdefault(step.section, []).append(field)
    headings = model.content()["sections"]
    wording = _wording()
    return referral_form_card(
        title=say(wording["title"], config),
        intro=say(wording["intro"], config),
        notice=say(wording["notice"], config),
        sections=[
            FormSection(str(headings[key]), tuple(inputs)) for key, inputs in sections.items()
        ],
        error_summary=say(wording["errors_summary"], config) if errors else "",
        check_title=say(wording["check"], config),
        save_title=button("save"),
        cancel_title=button("cancel"),
        draft_id=draft["draft_id"],
    )


def _risk_reminder(answers: dict[str, Any], config: DialogConfig) -> list[Reply]:
    worrying = any(
        STEP_BY_ID[field].kind in _FREE_TEXT_KINDS and detect_risk(str(value))
        for field, value in answers.items()
        if field in STEP_BY_ID
    )
    return [Reply(text=say(model.content()["risk_reminder"], config))] if worrying else []


# --- public API -------------------------------------------------------------------------------


async def show_form(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """The form card, filled in from the current draft (a new draft when there is none)."""
    turn = engine.open_draft(event, state, services)
    draft = turn.state[engine.DRAFT]
    values = {f: _shown_value(STEP_BY_ID[f], v) for f, v in draft["answers"].items()}
    today = service_today(event.now)
    card = form_card(draft, values, {}, services.config, today)
    return Turn(state=turn.state, replies=[Reply(card=card)])


async def submit_form(event: UserEvent, state: dict[str, Any], services: DialogServices) -> Turn:
    """A submitted form: "check" shows the summary when every answer is valid, else the form
    again with the answers kept and each problem under its input; "save" keeps what is valid
    for later. Stops and holds are explained as in the conversation."""
    data = event.data or {}
    if not engine.has_draft(state) or data.get("draft_id") != state[engine.DRAFT]["draft_id"]:
        # A form from a finished or replaced request: the engine says so and where things are.
        return await engine.handle(event, state, services)
    config = services.config
    today = service_today(event.now)
    draft = state[engine.DRAFT]
    answers, errors = _read(draft, data, config, today)
    reminder = _risk_reminder(answers, config)
    if data.get(FORM_ACTION) == SAVE:
        turn = await engine.take_answers(event, state, services, answers, save=True)
        lead = [Reply(text=say(_wording()["save_skipped"], config))] if errors else []
        return Turn(state=turn.state, replies=[*reminder, *lead, *turn.replies])
    if errors:
        opened = engine.open_draft(event, state, services)
        values = {step.id: _raw(data, step.id) for step in STEPS}
        card = form_card(draft, values, errors, config, today)
        return Turn(state=opened.state, replies=[*reminder, Reply(card=card)])
    turn = await engine.take_answers(event, state, services, answers, save=False)
    return Turn(state=turn.state, replies=[*reminder, *turn.replies])
