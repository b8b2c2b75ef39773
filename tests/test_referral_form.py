"""The referral as one card form: the same rules, stops and summary as the conversation."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from dialogs import referral
from dialogs.events import User
from dialogs.referral.form import FORM_ACTION, FORM_VERB, SAVE
from tests.transcript import Transcript, walk_to

# The conversation's happy path (tests/transcript.py) as the form sends it: choice ids, an ISO date
# from the date picker, the ticked criteria comma-separated.
FORM_ANSWERS: dict[str, str] = {
    "risk": "no",
    "role": "health_visitor",
    "referrer_team": "Camborne health visiting team",
    "referrer_phone": "07700 900123",
    "child_dob": "2024-04-03",
    "case_holder": "Me",
    "family_choice": "yes",
    "criteria": "warmth,bonding",
    "criteria_evidence": "Mum rarely smiles at baby and says she feels nothing when he cries.",
    "assessment_indicates": "yes",
    "assessment_details": "Health visitor assessment in October 2026: low warmth, mum low mood.",
    "professionals_discussed": "yes",
    "professionals_who": "GP and the perinatal mental health nurse",
    "professionals_clear": "yes",
    "change_hoped": "Mum notices when baby wants her and answers him with her voice and face.",
    "change_agreed": "yes",
    "child_experience": "He would feel noticed and settle more easily.",
    "parent_clear": "yes",
    "child_name": "Leo",
    "child_lives_with": "Mum and her partner",
    "parent_name": "Jo Smith",
    "parent_relationship": "birth_parent",
    "parent_contact": "Text, mornings",
    "language": "English",
    "interpreter": "no",
    "session_place": "Family home",
    "lone_working": "no",
    "family_goals": "Mum wants to enjoy playing with Leo.",
    "consent": "yes",
    "peer_contact": "yes",
    "peer_contact_method": "text",
    "peer_contact_when": "Weekday mornings",
}


async def open_form(t: Transcript) -> None:
    """The referrer asks for the form."""
    t._take(await referral.show_form(t.event("form"), t.state, t.services), "form")


async def submit(
    t: Transcript, changes: dict[str, str] | None = None, action: str = "check", **extra: Any
) -> None:
    """The referrer submits the form with the happy answers, some changed ("" = left blank)."""
    values = {**FORM_ANSWERS, **(changes or {})}
    data = {"verb": FORM_VERB, "draft_id": t.draft["draft_id"], FORM_ACTION: action}
    data.update({k: v for k, v in values.items() if v != ""}, **extra)
    t._take(await referral.submit_form(t.event(data=data), t.state, t.services), "[form]")


def form_inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The form's inputs by id."""
    return {
        item["id"]: item
        for section in card["body"]
        if section["type"] == "Container"
        for item in section["items"]
        if item["type"].startswith("Input.")
    }


def error_under(card: dict[str, Any], input_id: str) -> str | None:
    """The attention-coloured text right under an input, if any."""
    for section in card["body"]:
        items = section.get("items", [])
        for here, after in pairwise(items):
            if here.get("id") == input_id and after.get("color") == "Attention":
                return str(after["text"])
    return None


def without_draft_id(card: dict[str, Any]) -> dict[str, Any]:
    """A card with its draft ids blanked, to compare cards from two drafts."""
    for action in card["actions"]:
        action["data"]["draft_id"] = ""
    return card


# --- the valid path -----------------------------------------------------------------------------


async def test_a_valid_form_shows_the_same_summary_card_as_the_conversation():
    chat = Transcript()
    await walk_to(chat)
    form = Transcript()
    await open_form(form)
    await submit(form)
    assert form.step == "summary"
    assert without_draft_id(form.cards[0]) == without_draft_id(chat.cards[0])


async def test_send_after_the_form_files_the_same_request_as_the_conversation():
    chat = Transcript()
    await walk_to(chat)
    await chat.say("send")
    form = Transcript()
    await open_form(form)
    await submit(form)
    await form.press({"verb": "referral.send", "draft_id": form.draft["draft_id"]})
    assert "VIG-2026-0001" in form.text
    assert (
        form.records.of_kind("referral")[0].answers == chat.records.of_kind("referral")[0].answers
    )
    assert len(form.records.of_kind("peer_contact")) == 1


async def test_change_from_the_summary_after_the_form_comes_back_to_the_summary():
    t = Transcript()
    await open_form(t)
    await submit(t)
    await t.press(
        {"verb": "referral.change", "draft_id": t.draft["draft_id"], "change_field": "child_name"}
    )
    assert t.step == "child_name"
    await t.say("Max")
    assert t.step == "summary"


async def test_fields_that_do_not_apply_are_not_needed():
    t = Transcript()
    await open_form(t)
    await submit(t, {"professionals_discussed": "none_involved", "professionals_who": ""})
    assert t.step == "summary"


async def test_answers_off_the_route_taken_are_not_filed():
    t = Transcript()
    await open_form(t)
    await submit(t, {"professionals_discussed": "none_involved"})
    await t.say("send")
    assert "professionals_who" not in t.records.of_kind("referral")[0].answers


async def test_a_blank_phone_number_is_skipped():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": ""})
    assert t.draft["answers"]["referrer_phone"] == ""
    assert t.step == "summary"


async def test_the_referrers_teams_identity_is_kept_from_teams():
    t = Transcript()
    await open_form(t)
    await submit(t, referrer_name="Someone Else", referrer_email="else@example.org")
    assert t.draft["answers"]["referrer_name"] == "Sam Carter"
    assert t.draft["answers"]["referrer_email"] == "sam.carter@example.nhs.uk"


async def test_name_and_email_are_read_from_the_form_when_teams_gave_none():
    t = Transcript(user=User(id="aad-2"))
    await open_form(t)
    await submit(t, {"referrer_name": "Ann Lee", "referrer_email": "ann.lee@example.org"})
    assert t.step == "summary"
    assert t.draft["answers"]["referrer_email"] == "ann.lee@example.org"


async def test_a_worrying_free_text_answer_adds_the_safeguarding_reminder():
    t = Transcript()
    await open_form(t)
    await submit(t, {"child_lives_with": "Mum, and dad hits him"})
    assert "999" in t.text
    assert t.step == "summary"


# --- invalid answers ----------------------------------------------------------------------------


async def test_an_invalid_form_comes_back_with_every_answer_kept():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": "call me", "criteria_evidence": "ok"})
    inputs = form_inputs(t.cards[0])
    assert inputs["referrer_phone"]["value"] == "call me"
    assert inputs["criteria_evidence"]["value"] == "ok"
    assert inputs["child_name"]["value"] == "Leo"
    assert inputs["criteria"]["value"] == "warmth,bonding"


async def test_each_problem_is_shown_under_its_input_with_a_line_at_the_top():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": "call me", "criteria_evidence": "ok"})
    card = t.cards[0]
    assert "doesn't look like a phone number" in (error_under(card, "referrer_phone") or "")
    assert "at least 10 characters" in (error_under(card, "criteria_evidence") or "")
    assert error_under(card, "child_name") is None
    summary_line = next(b for b in card["body"] if b.get("color") == "Attention")
    assert "need fixing" in summary_line["text"]


async def test_an_invalid_form_does_not_move_the_draft_on():
    t = Transcript()
    await open_form(t)
    await submit(t, {"child_dob": "2030-01-01"})
    assert "in the future" in (error_under(t.cards[0], "child_dob") or "")
    assert t.step == "risk"
    assert t.draft["answers"] == {
        "referrer_name": "Sam Carter",
        "referrer_email": "sam.carter@example.nhs.uk",
    }


async def test_a_field_that_applies_but_is_blank_is_an_error():
    t = Transcript()
    await open_form(t)
    await submit(t, {"professionals_who": ""})
    assert error_under(t.cards[0], "professionals_who") == "Please answer this."


async def test_criteria_and_none_of_these_together_is_an_error():
    t = Transcript()
    await open_form(t)
    await submit(t, {"criteria": "warmth,none"})
    assert "not both" in (error_under(t.cards[0], "criteria") or "")


async def test_the_form_can_be_fixed_and_checked_again():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": "call me"})
    await submit(t, {"referrer_phone": "01209 614128"})
    assert t.step == "summary"


# --- stops and holds, with the conversation's explanations --------------------------------------


async def test_immediate_risk_on_the_form_gives_the_safeguarding_numbers_and_ends():
    t = Transcript()
    await open_form(t)
    await submit(t, {"risk": "yes", "referrer_phone": "not a phone"})
    assert "999" in t.text and "0300 123 1116" in t.text
    assert not referral.has_draft(t.state)


@pytest.mark.parametrize(
    ("changes", "explained"),
    [
        ({"role": "someone_else"}, "health visitor or lead professional"),
        ({"child_dob": "2021-01-01"}, "5 years 10 months"),
        ({"case_holder": "There isn't one"}, "VIG workers are not case holders"),
        ({"criteria": "none"}, "VIG is not the right support now"),
    ],
)
async def test_a_stop_on_the_form_ends_the_request_with_the_conversations_reason(
    changes, explained
):
    t = Transcript()
    await open_form(t)
    await submit(t, changes)
    assert explained in t.text
    assert not referral.has_draft(t.state)


@pytest.mark.parametrize(
    ("changes", "explained", "resumes_at"),
    [
        ({"consent": "no"}, "agreement", "consent"),
        ({"family_choice": "not_yet", "peer_contact": "no"}, "real choice", "family_choice"),
        (
            {"role": "early_help", "manager_name": "Not agreed yet"},
            "team manager",
            "manager_name",
        ),
    ],
)
async def test_a_hold_on_the_form_saves_the_draft_with_the_conversations_reason(
    changes, explained, resumes_at
):
    t = Transcript()
    await open_form(t)
    await submit(t, changes)
    assert explained in t.text
    assert t.draft["saved"] is True
    assert t.step == resumes_at


async def test_family_not_yet_with_peer_contact_files_it_alone_from_the_form():
    t = Transcript()
    await open_form(t)
    await submit(t, {"family_choice": "not_yet", "criteria": "", "criteria_evidence": ""})
    (peer,) = t.records.of_kind("peer_contact")
    assert peer.reference in t.text
    assert t.step == "family_choice"


async def test_not_yet_again_after_a_peer_contact_was_filed_is_handled_as_in_the_chat():
    t = Transcript()
    await open_form(t)
    await submit(t, {"family_choice": "not_yet"})
    await submit(t, {"family_choice": "not_yet"})
    assert t.step == "peer_contact"
    assert "talk to another parent" in t.text
    assert len(t.records.of_kind("peer_contact")) == 1


async def test_an_early_help_practitioner_must_name_the_manager_on_the_form():
    t = Transcript()
    await open_form(t)
    await submit(t, {"role": "early_help"})
    assert error_under(t.cards[0], "manager_name") == "Please answer this."


# --- switching between the form and the conversation --------------------------------------------


async def test_a_draft_half_done_in_conversation_shows_its_answers_in_the_form():
    t = Transcript()
    await walk_to(t, stop_before="assessment_indicates")
    await open_form(t)
    inputs = form_inputs(t.cards[0])
    assert inputs["risk"]["value"] == "no"
    assert inputs["child_dob"]["value"] == "2024-04-03"
    assert inputs["criteria"]["value"] == "warmth,bonding"
    assert "value" not in inputs["assessment_indicates"]


async def test_a_conversation_draft_finished_in_the_form_reaches_the_summary():
    t = Transcript()
    await walk_to(t, stop_before="assessment_indicates")
    draft_id = t.draft["draft_id"]
    await open_form(t)
    await submit(t)
    assert t.step == "summary"
    assert t.draft["draft_id"] == draft_id


async def test_a_form_saved_for_later_asks_the_first_unanswered_question_on_continue():
    t = Transcript()
    await open_form(t)
    await submit(t, {"assessment_details": "", "child_name": ""}, action=SAVE)
    assert "Saved" in t.text
    await t.resume()
    assert t.step == "assessment_details"


async def test_after_a_saved_form_the_chat_skips_what_the_form_answered():
    t = Transcript()
    await open_form(t)
    await submit(t, {"assessment_details": "", "child_name": ""}, action=SAVE)
    await t.resume()
    await t.say("Early Help assessment, May 2026: mum finds it hard to respond.")
    assert t.step == "child_name"
    await t.say("Leo")
    assert t.step == "summary"


async def test_saving_a_form_with_problems_keeps_only_the_valid_answers_and_says_so():
    t = Transcript()
    await open_form(t)
    await submit(t, {"referrer_phone": "call me"}, action=SAVE)
    assert "couldn't keep" in t.text
    assert "referrer_phone" not in t.draft["answers"]
    assert t.draft["answers"]["child_name"] == "Leo"
    await t.resume()
    assert t.step == "referrer_phone"


async def test_a_form_opened_mid_conversation_leaves_the_chat_question_answerable():
    t = Transcript()
    await walk_to(t, stop_before="assessment_indicates")
    await open_form(t)
    await t.say("Yes")
    assert t.step == "assessment_details"


async def test_opening_the_form_resumes_a_draft_saved_for_later():
    t = Transcript()
    await walk_to(t, stop_before="assessment_indicates")
    await t.say("save")
    await open_form(t)
    assert referral.is_active(t.state)


# --- stale forms --------------------------------------------------------------------------------


async def test_a_form_from_an_earlier_draft_is_refused():
    t = Transcript()
    await open_form(t)
    old_id = t.draft["draft_id"]
    await t.say("cancel")
    await t.say("yes")
    await walk_to(t, stop_before="child_dob")
    data = {"verb": FORM_VERB, "draft_id": old_id, FORM_ACTION: "check", **FORM_ANSWERS}
    t._take(await referral.submit_form(t.event(data=data), t.state, t.services), "[old form]")
    assert "earlier question" in t.text
    assert t.step == "child_dob"


async def test_a_form_after_its_request_was_sent_files_nothing_more():
    t = Transcript()
    await open_form(t)
    draft_id = t.draft["draft_id"]
    await submit(t)
    await t.say("send")
    data = {"verb": FORM_VERB, "draft_id": draft_id, FORM_ACTION: "check", **FORM_ANSWERS}
    t._take(await referral.submit_form(t.event(data=data), t.state, t.services), "[form again]")
    assert "no request in progress" in t.text
    assert len(t.records.of_kind("referral")) == 1


async def test_submit_form_does_not_change_the_state_it_was_given():
    t = Transcript()
    await open_form(t)
    before = repr(t.state)
    data = {"verb": FORM_VERB, "draft_id": t.draft["draft_id"], FORM_ACTION: "check"}
    await referral.submit_form(t.event(data={**data, **FORM_ANSWERS}), t.state, t.services)
    assert repr(t.state) == before
