"""The canonical shape of a referral's answers, shared by the conversation, cards and storage.

`answers` is a flat JSON dict keyed by the field names below. Choice fields hold the choice id
(e.g. "health_visitor"); `criteria` holds a list of criterion ids; `child_dob` an ISO date.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from dialogs.content import load_content
from dialogs.referral.dates import age_in_months, format_date

# Referrer identity comes from Teams (asked only when Teams does not give it).
REFERRER_FIELDS = ("referrer_name", "referrer_email", "role", "referrer_team", "referrer_phone")

# Every field of a request, in the order the conversation asks for it.
FIELDS: tuple[str, ...] = (
    "risk",
    "role",
    "referrer_name",
    "referrer_email",
    "referrer_team",
    "referrer_phone",
    "child_dob",
    "case_holder",
    "family_choice",
    "criteria",
    "criteria_evidence",
    "assessment_indicates",
    "assessment_details",
    "professionals_discussed",
    "professionals_who",
    "professionals_clear",
    "change_hoped",
    "change_agreed",
    "child_experience",
    "parent_clear",
    "child_name",
    "child_lives_with",
    "parent_name",
    "parent_relationship",
    "parent_contact",
    "language",
    "interpreter",
    "session_place",
    "lone_working",
    "lone_working_details",
    "family_goals",
    "manager_name",
    "consent",
    "peer_contact",
    "peer_contact_method",
    "peer_contact_when",
)

# Fields that identify or describe a person: encrypted at rest, never logged, never in a preview.
PERSONAL_FIELDS = frozenset(
    {
        "referrer_name",
        "referrer_email",
        "referrer_phone",
        "child_dob",
        "case_holder",
        "criteria_evidence",
        "assessment_details",
        "professionals_who",
        "change_hoped",
        "child_experience",
        "child_name",
        "child_lives_with",
        "parent_name",
        "parent_contact",
        "language",
        "session_place",
        "lone_working_details",
        "family_goals",
        "manager_name",
        "peer_contact_when",
    }
)

CRITERIA_IDS = (
    "warmth",
    "negative_responses",
    "perspective",
    "bonding",
    "new_relationship",
    "other_interventions",
)

# The risk answer only routes the conversation; a filed request always has "no".
_NOT_IN_SUMMARY = frozenset({"risk"})


def content() -> dict[str, Any]:
    """The referral wording (dialogs/content/referral.yaml)."""
    return load_content("referral")


@cache
def labels() -> dict[str, str]:
    """Field name -> the label shown in the summary and on the team's card."""
    questions = content()["questions"]
    return {name: str(questions[name]["label"]) for name in FIELDS}


def criterion_labels(short: bool = False) -> dict[str, str]:
    """Criterion id -> its label (or short label), in the leaflet's order."""
    criteria = content()["criteria"]
    key = "short" if short else "label"
    return {cid: str(criteria[cid][key]) for cid in CRITERIA_IDS}


def choice_label(field: str, value: str) -> str:
    """The label of a stored choice id, or the value itself for free text."""
    choices = content()["questions"].get(field, {}).get("choices", {})
    if value in choices:
        return str(choices[value]["label"])
    return value


def display_value(field: str, value: Any) -> str:
    """An answer as a person reads it."""
    if field == "criteria":
        names = criterion_labels(short=True)
        return "; ".join(names.get(str(c), str(c)) for c in value) if value else "None"
    if field == "child_dob" and value:
        return format_date(date.fromisoformat(str(value)))
    if value is None or value == "":
        return "Not given"
    return choice_label(field, str(value))


def summary_lines(answers: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, label, display value) for every answered field, in the order asked."""
    names = labels()
    return [
        (field, names[field], display_value(field, answers[field]))
        for field in FIELDS
        if field in answers and field not in _NOT_IN_SUMMARY
    ]


def child_initials(answers: dict[str, Any]) -> str:
    """The child's initials for previews: "Amelia" -> "A.", "A B" -> "A.B.", "AB" -> "A.B."."""
    name = str(answers.get("child_name") or "").strip()
    if not name:
        return "?"
    words = [w for w in name.replace(".", " ").split() if w]
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 3:
        letters = list(words[0])
    else:
        letters = [w[0] for w in words]
    return "".join(f"{ch.upper()}." for ch in letters if ch.isalpha())


def child_age_text(answers: dict[str, Any], today: date) -> str:
    """The child's age in words, e.g. "2 years 3 months" or "5 months"."""
    raw = answers.get("child_dob")
    if not raw:
        return "age not known"
    months = age_in_months(date.fromisoformat(str(raw)), today)
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if rest or not years:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)
