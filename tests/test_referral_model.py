"""The answers' shape, the wording file and the step table agree with each other."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dialogs.content import load_content
from dialogs.ports import DialogConfig
from dialogs.referral import model
from dialogs.referral.diagram import render
from dialogs.referral.steps import STEPS, outcome, validate_field
from dialogs.referral.wording import say
from tests.transcript import HAPPY_PATH

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)


def _strings(node, path=""):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def test_every_step_has_a_question_help_and_label():
    questions = load_content("referral")["questions"]
    for step in STEPS:
        assert {"ask", "help", "label"} <= set(questions[step.id]), step.id


def test_every_field_of_the_model_is_a_step():
    assert [s.id for s in STEPS] == list(model.FIELDS)


def test_every_service_fact_names_its_source():
    content = load_content("referral")
    for name, fact in content["facts"].items():
        assert fact.get("source"), name
    assert content["criteria"]["source"]


@pytest.mark.parametrize(("path", "template"), list(_strings(load_content("referral"))))
def test_every_placeholder_in_the_wording_can_be_filled(path, template):
    extra = {k: "x" for k in re.findall(r"\{(\w+)\}", template)}
    known = {"raw", "date", "item", "limit", "length", "count", "reference", "peer_reference"}
    known |= {"meeting", "started", "section", "name", "role", "child_age"}
    assert set(extra) <= known | set(_fact_names()), path
    say(template, DialogConfig(), **{k: v for k, v in extra.items() if k in known})


def _fact_names() -> set[str]:
    from dialogs.referral.wording import fact_values

    return set(fact_values(DialogConfig()))


def test_the_six_criteria_are_stored_by_id_with_labels_from_the_content():
    assert list(model.criterion_labels()) == list(model.CRITERIA_IDS)
    assert "emotional warmth" in model.criterion_labels()["warmth"]


def test_summary_lines_show_labels_and_readable_values():
    lines = model.summary_lines({"role": "health_visitor", "child_dob": "2024-04-03"})
    assert lines == [
        ("role", "Your role", "Health visitor"),
        ("child_dob", "Child's date of birth", "3 April 2024"),
    ]


@pytest.mark.parametrize(
    ("name", "initials"), [("Leo", "L."), ("Leo Smith", "L.S."), ("LS", "L.S."), ("l.s.", "L.S.")]
)
def test_child_initials_never_show_a_full_name(name, initials):
    assert model.child_initials({"child_name": name}) == initials


@pytest.mark.parametrize(
    ("dob", "text"),
    [("2024-08-24", "2 years 3 months"), ("2026-06-01", "5 months"), ("2025-11-24", "1 year")],
)
def test_child_age_text(dob, text):
    assert model.child_age_text({"child_dob": dob}, TODAY) == text


def test_personal_fields_are_fields():
    assert set(model.FIELDS) >= model.PERSONAL_FIELDS


def _form_answers(**overrides: str) -> dict:
    answers: dict = {"referrer_name": "Sam Carter", "referrer_email": "sam@example.nhs.uk"}
    for step_id, typed in {**dict(HAPPY_PATH), **overrides}.items():
        parsed = validate_field(step_id, typed, answers, DialogConfig(), TODAY)
        assert parsed.ok, (step_id, parsed.error)
        answers[step_id] = parsed.value
    return answers


def test_a_complete_form_leads_to_the_summary():
    assert outcome(_form_answers(), DialogConfig(), TODAY) == "summary"


def test_a_form_stops_for_the_same_reasons_as_the_conversation():
    assert outcome(_form_answers(child_dob="1/1/2020"), DialogConfig(), TODAY) == "stop:age"


def test_the_committed_flow_diagram_matches_the_step_table():
    committed = (REPO / "docs" / "referral-flow.md").read_text(encoding="utf-8")
    assert committed == render()
