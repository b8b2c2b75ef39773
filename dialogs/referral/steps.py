"""The referral as data: a table of steps (question, how the answer is read, where it leads).

Each step's wording lives in dialogs/content/referral.yaml under `questions.<step id>`. A step's
`goto` rules are tried in order after it is answered; with none matching, the next step in the
table whose `ask_when` holds comes next. Targets other than a step id end the questions:
`stop:<reason>` ends the request, `hold:<reason>` saves it to carry on later,
`file:peer_contact` files a peer-contact request on its own, `summary` shows the check page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from dialogs.ports import DialogConfig
from dialogs.referral.dates import age_in_months, format_date, read_date_of_birth
from dialogs.referral.model import CRITERIA_IDS, content, criterion_labels
from dialogs.referral.wording import message, say

Kind = Literal[
    "choice", "text", "quick", "email", "phone", "date", "case_holder", "criteria", "manager"
]
SUMMARY = "summary"
CASE_HOLDER_NONE = "none"
MANAGER_NOT_YET = "not_yet"
MANAGER_ROLES = ("early_help", "social_worker", "cfs_other")


@dataclass(frozen=True)
class Context:
    """What routing may look at: the answers so far and a little about the draft."""

    answers: dict[str, Any]
    config: DialogConfig
    today: date
    identity_fields: tuple[str, ...] = ()  # referrer fields Teams provided
    peer_filed: bool = False


@dataclass(frozen=True)
class Cond:
    """`field` holds one of `values`, or the named predicate `test` is true."""

    field: str = ""
    values: tuple[str, ...] = ()
    test: str = ""

    def holds(self, ctx: Context) -> bool:
        """Whether the condition is true for these answers."""
        if self.test:
            return PREDICATES[self.test](ctx)
        value = ctx.answers.get(self.field)
        return value is not None and str(value) in self.values

    def describe(self) -> str:
        """Plain words for the flow diagram."""
        if self.test:
            return self.test.replace("_", " ")
        return f"{self.field} = {' or '.join(self.values)}"


def Is(name: str, *values: str) -> Cond:
    """The answer to `name` is one of `values`."""
    return Cond(field=name, values=values)


def Pred(name: str) -> Cond:
    """A named predicate from PREDICATES."""
    return Cond(test=name)


@dataclass(frozen=True)
class Step:
    """One question of the referral."""

    id: str
    section: str
    kind: Kind
    max_len: int = 0
    min_len: int = 1
    ask_when: tuple[Cond, ...] = ()  # all must hold, else the step is skipped
    goto: tuple[tuple[tuple[Cond, ...], str], ...] = field(default=())


def _too_old_for_health_visitor(ctx: Context) -> bool:
    dob = ctx.answers.get("child_dob")
    if ctx.answers.get("role") != "health_visitor" or not dob:
        return False
    months = age_in_months(date.fromisoformat(str(dob)), ctx.today)
    return months >= (ctx.config.health_visitor_max_age + 1) * 12


PREDICATES: dict[str, Callable[[Context], bool]] = {
    "teams_gave_no_name": lambda ctx: "referrer_name" not in ctx.identity_fields,
    "teams_gave_no_email": lambda ctx: "referrer_email" not in ctx.identity_fields,
    "too_old_for_health_visitor": _too_old_for_health_visitor,
    "no_criteria_apply": lambda ctx: ctx.answers.get("criteria") == [],
    "peer_contact_not_yet_filed": lambda ctx: not ctx.peer_filed,
}

_NOT_YET = Is("family_choice", "not_yet")
_PEER_WANTED = (Is("peer_contact", "yes"), Pred("peer_contact_not_yet_filed"))

STEPS: tuple[Step, ...] = (
    Step("risk", "risk", "choice", goto=(((Is("risk", "yes"),), "stop:risk"),)),
    Step("role", "role", "choice", goto=(((Is("role", "someone_else"),), "stop:role"),)),
    Step("referrer_name", "referrer", "text", 100, 2, ask_when=(Pred("teams_gave_no_name"),)),
    Step("referrer_email", "referrer", "email", 200, ask_when=(Pred("teams_gave_no_email"),)),
    Step("referrer_team", "referrer", "text", 100, 2),
    Step("referrer_phone", "referrer", "phone", 30),
    Step(
        "child_dob",
        "child_dob",
        "date",
        goto=(((Pred("too_old_for_health_visitor"),), "stop:age"),),
    ),
    Step(
        "case_holder",
        "case_holder",
        "case_holder",
        200,
        2,
        goto=(((Is("case_holder", CASE_HOLDER_NONE),), "stop:no_case_holder"),),
    ),
    Step("family_choice", "family_choice", "choice", goto=(((_NOT_YET,), "peer_contact"),)),
    Step(
        "criteria",
        "criteria",
        "criteria",
        goto=(((Pred("no_criteria_apply"),), "stop:no_criteria"),),
    ),
    Step("criteria_evidence", "criteria", "text", 1500, 10),
    Step("assessment_indicates", "assessment", "choice"),
    Step("assessment_details", "assessment", "text", 1000, 5),
    Step("professionals_discussed", "professionals", "choice"),
    Step(
        "professionals_who",
        "professionals",
        "text",
        500,
        2,
        ask_when=(Is("professionals_discussed", "yes"),),
    ),
    Step(
        "professionals_clear",
        "professionals",
        "choice",
        ask_when=(Is("professionals_discussed", "yes"),),
    ),
    Step("change_hoped", "change", "text", 1000, 5),
    Step("change_agreed", "change", "choice"),
    Step("child_experience", "lived_experience", "text", 1000, 5),
    Step("parent_clear", "lived_experience", "choice"),
    Step("child_name", "family", "text", 40, 1, goto=(((_NOT_YET,), "consent"),)),
    Step("child_lives_with", "family", "text", 200, 2),
    Step("parent_name", "family", "text", 100, 2),
    Step("parent_relationship", "family", "choice"),
    Step("parent_contact", "family", "text", 200, 2),
    Step("language", "family", "quick", 60, 2),
    Step("interpreter", "family", "choice"),
    Step("session_place", "family", "quick", 200, 2),
    Step("lone_working", "family", "choice"),
    Step(
        "lone_working_details",
        "family",
        "text",
        500,
        2,
        ask_when=(Is("lone_working", "yes"),),
    ),
    Step("family_goals", "family", "quick", 1000, 2),
    Step(
        "manager_name",
        "family",
        "manager",
        100,
        2,
        ask_when=(Is("role", *MANAGER_ROLES),),
        goto=(((Is("manager_name", MANAGER_NOT_YET),), "hold:manager"),),
    ),
    Step(
        "consent",
        "family",
        "choice",
        goto=(
            ((Is("consent", "no"),), "hold:no_consent"),
            ((_NOT_YET,), "file:peer_contact"),
        ),
    ),
    Step(
        "peer_contact",
        "peer_contact",
        "choice",
        ask_when=(Pred("peer_contact_not_yet_filed"),),
        goto=(((_NOT_YET, Is("peer_contact", "no")), "hold:no_choice"),),
    ),
    Step("peer_contact_method", "peer_contact", "choice", ask_when=_PEER_WANTED),
    Step(
        "peer_contact_when",
        "peer_contact",
        "text",
        200,
        2,
        ask_when=_PEER_WANTED,
        goto=(((_NOT_YET,), "child_name"),),
    ),
)
STEP_BY_ID = {step.id: step for step in STEPS}
# Where a held draft carries on when the referrer comes back.
HOLD_RESUMES_AT = {"no_choice": "family_choice", "no_consent": "consent", "manager": "manager_name"}


def question(step_id: str) -> dict[str, Any]:
    """The wording of one step."""
    q: dict[str, Any] = content()["questions"][step_id]
    return q


def applies(step: Step, ctx: Context) -> bool:
    """Whether the step is asked at all with these answers."""
    return all(cond.holds(ctx) for cond in step.ask_when)


def route_after(step_id: str, ctx: Context) -> str:
    """Where the conversation goes once `step_id` is answered."""
    step = STEP_BY_ID[step_id]
    for conds, target in step.goto:
        if all(cond.holds(ctx) for cond in conds):
            return target
    return next_applicable(STEPS.index(step) + 1, ctx)


def next_applicable(index: int, ctx: Context) -> str:
    """The first step from `index` on that applies, else the summary."""
    for step in STEPS[index:]:
        if applies(step, ctx):
            return step.id
    return SUMMARY


def first_step(ctx: Context) -> str:
    """The first question."""
    return next_applicable(0, ctx)


def walk(ctx: Context, start: str | None = None) -> tuple[list[str], str]:
    """Follow the answers from `start` (default: the first step) along the flow.

    Returns the answered steps passed through and where the walk ended: the first unanswered
    step, the summary, or an outcome such as "stop:age".
    """
    passed: list[str] = []
    target = start or first_step(ctx)
    while target in STEP_BY_ID and target not in passed:
        if target not in ctx.answers:
            return passed, target
        passed.append(target)
        target = route_after(target, ctx)
    return passed, target


def outcome(answers: dict[str, Any], config: DialogConfig, today: date) -> str:
    """Where a complete set of answers leads: "summary" when it can be sent, else the reason.

    The card form uses this so that it stops requests for the same reasons as the conversation.
    """
    identity = tuple(f for f in ("referrer_name", "referrer_email") if answers.get(f))
    _, end = walk(Context(answers, config, today, identity))
    return end


# --- reading answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """An answer read by a step's validator: the value to store, or the reason it was refused."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the answer was accepted."""
        return self.error is None


def normalise(text: str) -> str:
    """Lower case, no punctuation around words, single spaces: how typed choices are compared."""
    cleaned = re.sub(r"[^\w\s'@.+-]", " ", text.lower().replace("’", "'"))
    return " ".join(cleaned.strip(" .!").split())


def _yes_no() -> dict[str, list[str]]:
    return {k: [str(s) for s in v] for k, v in content()["yes_no"].items()}


def choice_options(step_id: str) -> list[tuple[str, str]]:
    """(choice id, label) for a choice step, in order."""
    return [(cid, str(c["label"])) for cid, c in question(step_id)["choices"].items()]


def match_choice(step_id: str, text: str) -> str | None:
    """The choice id that typed text means: its label, its number, its id or a synonym."""
    typed = normalise(text)
    choices = question(step_id)["choices"]
    yes_no = _yes_no()
    for number, (cid, spec) in enumerate(choices.items(), start=1):
        words = {cid, str(number), str(spec["label"]), *(str(s) for s in spec.get("synonyms", []))}
        words |= set(yes_no.get(cid, []))
        if typed in {normalise(w) for w in words} or typed == normalise(cid.replace("_", " ")):
            return cid
    return None


def _text(step: Step, raw: str, config: DialogConfig) -> Parsed:
    value = raw.strip()
    if not value:
        return Parsed(error=message("empty", config))
    if step.max_len and len(value) > step.max_len:
        return Parsed(error=message("too_long", config, limit=step.max_len, length=len(value)))
    if len(value) < step.min_len:
        return Parsed(error=message("too_short", config, limit=step.min_len))
    return Parsed(value)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s()-]+$")


def _read_criteria(raw: Any, config: DialogConfig) -> Parsed:
    q = question("criteria")
    items = [str(i) for i in raw] if isinstance(raw, list) else re.split(r",|;|\band\b", str(raw))
    items = [i.strip() for i in items if i.strip()]
    if not items:
        return Parsed(error=message("empty", config))
    if len(items) == 1 and normalise(items[0]) in {normalise(s) for s in q["none_synonyms"]}:
        return Parsed([])
    if len(items) == 1 and re.fullmatch(r"[\d\s]+", items[0]):
        items = items[0].split()
    by_word: dict[str, str] = {}
    for number, cid in enumerate(CRITERIA_IDS, start=1):
        for word in (cid, str(number), cid.replace("_", " ")):
            by_word[normalise(word)] = cid
    for cid, label in criterion_labels().items():
        by_word[normalise(label)] = cid
    for cid, label in criterion_labels(short=True).items():
        by_word[normalise(label)] = cid
    chosen: list[str] = []
    for item in items:
        found = by_word.get(normalise(item))
        if found is None:
            return Parsed(error=say(q["errors"]["unknown"], config, item=item.strip()))
        if found not in chosen:
            chosen.append(found)
    return Parsed(sorted(chosen, key=CRITERIA_IDS.index))


def validate_field(
    step_id: str, raw_value: Any, answers: dict[str, Any], config: DialogConfig, today: date
) -> Parsed:
    """Read one answer the way the conversation does; the card form uses the same rules."""
    step = STEP_BY_ID[step_id]
    q = question(step_id)
    errors = q.get("errors", {})
    if step.kind == "criteria":
        return _read_criteria(raw_value, config)
    raw = "" if raw_value is None else str(raw_value)
    typed = normalise(raw)
    if step.kind == "choice":
        cid = match_choice(step_id, raw)
        if cid is None:
            return Parsed(error=message("choice_not_understood", config))
        return Parsed(cid)
    if step.kind == "date":
        reading = read_date_of_birth(raw, today)
        if reading.value is not None:
            return Parsed(reading.value.isoformat())
        shown = raw.strip()
        if reading.problem == "future":
            return Parsed(error=say(errors["future"], config, date=shown))
        return Parsed(error=say(errors[reading.problem or "unreadable"], config, raw=shown))
    if step.kind == "phone" and typed == normalise(q["skip"]):
        return Parsed("")
    if step.kind == "case_holder":
        if typed == normalise(q["me"]):
            role = answers.get("role", "")
            role_label = dict(choice_options("role")).get(role, "referrer").lower()
            name = answers.get("referrer_name") or "You"
            return Parsed(say(q["me_value"], config, name=name, role=role_label))
        if typed in {normalise(s) for s in [q["none"], *q["none_synonyms"]]}:
            return Parsed(CASE_HOLDER_NONE)
    if step.kind == "manager" and typed in {
        normalise(s) for s in [q["not_yet"], *q["not_yet_synonyms"]]
    }:
        return Parsed(MANAGER_NOT_YET)
    parsed = _text(step, raw, config)
    if not parsed.ok:
        return parsed
    if step.kind == "email" and not _EMAIL.match(parsed.value):
        return Parsed(error=say(errors["invalid"], config))
    if step.kind == "phone" and (
        not _PHONE.match(parsed.value) or not 10 <= sum(c.isdigit() for c in parsed.value) <= 13
    ):
        return Parsed(error=say(errors["invalid"], config))
    return parsed


def date_shown(iso: str) -> str:
    """An ISO date from the answers, as people write it."""
    return format_date(date.fromisoformat(iso))
