"""The form card: valid Adaptive Cards 1.5, labelled, built from the step table, phone-sized."""

from __future__ import annotations

import json

from dialogs import referral
from dialogs.events import User
from dialogs.referral import model
from dialogs.referral.engine import DRAFT
from dialogs.referral.form import form_card
from dialogs.referral.steps import STEPS, choice_options
from tests.schemas import card_problems
from tests.test_referral_form import form_inputs, open_form, submit
from tests.transcript import Transcript, walk_to

SIZE_LIMIT = 28 * 1024


async def test_the_new_form_card_is_a_valid_labelled_card():
    t = Transcript()
    await open_form(t)
    (card,) = t.cards
    assert card_problems(card) == []


async def test_the_form_card_with_errors_is_a_valid_labelled_card():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": "call me", "criteria": "warmth,none", "child_name": ""})
    (card,) = t.cards
    assert card_problems(card) == []


async def test_a_form_filled_from_a_conversation_is_a_valid_labelled_card():
    t = Transcript()
    await walk_to(t)
    await open_form(t)
    (card,) = t.cards
    assert card_problems(card) == []


async def test_every_input_has_a_label_and_every_required_one_an_error_message():
    t = Transcript()
    await open_form(t)
    for input_id, element in form_inputs(t.cards[0]).items():
        assert element["label"].strip(), input_id
        if element.get("isRequired"):
            assert element["errorMessage"].strip(), input_id


async def test_the_form_carries_the_not_for_risk_notice():
    t = Transcript()
    await open_form(t)
    notice = json.dumps(t.cards[0]["body"][:3])
    assert "not for reporting a child at risk" in notice
    assert "999" in notice and "0300 123 1116" in notice


async def test_the_immediate_risk_question_is_a_required_choice_and_comes_first():
    t = Transcript()
    await open_form(t)
    inputs = form_inputs(t.cards[0])
    risk = inputs["risk"]
    assert next(iter(inputs)) == "risk"
    assert risk["type"] == "Input.ChoiceSet"
    assert risk["isRequired"] is True
    assert [c["value"] for c in risk["choices"]] == ["yes", "no"]


async def test_the_form_has_one_input_per_step_in_the_step_tables_order():
    t = Transcript(user=User(id="aad-2"))
    await open_form(t)
    assert list(form_inputs(t.cards[0])) == [step.id for step in STEPS]


async def test_name_and_email_are_not_on_the_form_when_teams_gave_them():
    t = Transcript()
    await open_form(t)
    inputs = form_inputs(t.cards[0])
    assert "referrer_name" not in inputs and "referrer_email" not in inputs


async def test_choice_steps_are_choice_sets_with_the_step_tables_choices():
    t = Transcript()
    await open_form(t)
    inputs = form_inputs(t.cards[0])
    for step in STEPS:
        if step.kind == "choice":
            values = [c["value"] for c in inputs[step.id]["choices"]]
            assert values == [cid for cid, _label in choice_options(step.id)], step.id


async def test_the_criteria_are_a_multi_select_with_none_of_these():
    t = Transcript()
    await open_form(t)
    criteria = form_inputs(t.cards[0])["criteria"]
    assert criteria["isMultiSelect"] is True
    values = [c["value"] for c in criteria["choices"]]
    assert values == [*model.CRITERIA_IDS, "none"]


async def test_the_date_of_birth_is_a_date_input_that_offers_no_future_date():
    t = Transcript()
    await open_form(t)
    dob = form_inputs(t.cards[0])["child_dob"]
    assert dob["type"] == "Input.Date"
    assert dob["max"] == "2026-11-24"


async def test_only_questions_asked_on_every_route_are_required():
    t = Transcript()
    await open_form(t)
    required = [i for i, e in form_inputs(t.cards[0]).items() if e.get("isRequired")]
    assert required == [
        "risk",
        "role",
        "referrer_team",
        "child_dob",
        "case_holder",
        "family_choice",
        "peer_contact",
    ]


async def test_questions_for_some_answers_only_say_when_they_apply():
    t = Transcript()
    await open_form(t)
    assert "Only if you have talked to other professionals" in json.dumps(t.cards[0])


async def test_each_section_is_a_container_with_its_heading():
    t = Transcript()
    await open_form(t)
    headings = [
        b["items"][0]["text"]
        for b in t.cards[0]["body"]
        if b["type"] == "Container" and b.get("separator")
    ]
    assert headings[:3] == ["Safety check", "Your role", "About you"]


async def test_every_form_button_carries_the_draft():
    t = Transcript()
    await open_form(t)
    actions = t.cards[0]["actions"]
    assert [a["data"]["verb"] for a in actions] == [
        referral.FORM_VERB,
        referral.FORM_VERB,
        "referral.cancel",
    ]
    assert all(a["data"]["draft_id"] == t.draft["draft_id"] for a in actions)


async def test_the_form_stays_small_with_every_answer_at_its_longest():
    t = Transcript(user=User(id="aad-2"))
    await open_form(t)
    values = {step.id: "x" * (step.max_len or 20) for step in STEPS}
    card = form_card(t.state[DRAFT], values, {}, t.config, t.now.date())
    assert len(json.dumps(card)) < SIZE_LIMIT


async def test_opening_the_form_without_a_draft_starts_one_at_the_first_question():
    t = Transcript()
    await open_form(t)
    assert t.step == "risk"
    assert referral.is_active(t.state)
