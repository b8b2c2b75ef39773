"""Transcript tests of the referral conversation: the happy path and every way it can stop."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime

from dialogs import referral
from dialogs.events import User
from dialogs.ports import DialogConfig
from tests.transcript import Transcript, walk_to


async def test_happy_path_files_a_referral_with_reference_and_meeting_date():
    t = Transcript()
    await walk_to(t)
    assert t.step == "summary"
    await t.say("Send request")
    assert "VIG-2026-0001" in t.text
    assert "Thursday 3 December 2026" in t.text
    assert "What happens next" in t.text
    (filed,) = t.records.of_kind("referral")
    assert filed.status == "submitted"
    assert filed.answers["criteria"] == ["warmth", "bonding"]
    assert filed.answers["referrer_email"] == "sam.carter@example.nhs.uk"


async def test_filing_clears_the_draft():
    t = Transcript()
    await walk_to(t)
    await t.say("send")
    assert not referral.has_draft(t.state)


async def test_peer_contact_is_filed_as_its_own_request_linked_to_the_referral():
    t = Transcript()
    await walk_to(t)
    await t.say("send")
    (peer,) = t.records.of_kind("peer_contact")
    assert peer.linked_reference == "VIG-2026-0001"
    assert peer.answers["peer_contact_method"] == "text"


async def test_sending_twice_files_once_and_answers_with_the_same_reference():
    t = Transcript()
    await walk_to(t)
    draft_id = t.draft["draft_id"]
    await t.press({"verb": "referral.send", "draft_id": draft_id})
    await t.press({"verb": "referral.send", "draft_id": draft_id})
    assert "already sent" in t.text and "VIG-2026-0001" in t.text
    assert len(t.records.of_kind("referral")) == 1


async def test_a_retried_send_on_the_old_state_files_once():
    t = Transcript()
    await walk_to(t)
    before = copy.deepcopy(t.state)
    await t.say("send")
    t.state = before  # the same activity retried against the state from before the first try
    await t.say("send")
    assert "VIG-2026-0001" in t.text
    assert len(t.records.of_kind("referral")) == 1


async def test_references_are_never_reused():
    t = Transcript()
    await walk_to(t)
    await t.say("send")
    await walk_to(t)
    await t.say("send")
    references = [r.reference for r in t.records.requests]
    assert len(references) == len(set(references))


async def test_a_meeting_day_after_the_cutoff_goes_to_next_months_meeting():
    t = Transcript(now=datetime(2026, 11, 5, 8, 0, tzinfo=UTC))  # first Thursday, 08:00 UTC
    await walk_to(t)
    t.now = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    await t.say("send")
    assert "Thursday 3 December 2026" in t.text


async def test_immediate_risk_gives_the_safeguarding_numbers_and_stops():
    t = Transcript()
    await t.start()
    await t.say("yes")
    assert "999" in t.text and "0300 123 1116" in t.text and "01208 251300" in t.text
    assert not referral.has_draft(t.state)


async def test_someone_else_is_told_who_can_refer_and_the_request_stops():
    t = Transcript()
    await t.start()
    await t.say("no")
    await t.say("Someone else")
    assert "health visitor or lead professional" in t.text
    assert "cornwall.gov.uk/earlyhelphub" in t.text
    assert not referral.has_draft(t.state)


async def test_health_visitor_with_a_child_over_the_age_limit_is_told_why():
    t = Transcript()
    await walk_to(t, answers={"child_dob": "1/1/2021"})
    assert "5 years 10 months" in t.text
    assert "aged 3 and under" in t.text
    assert not referral.has_draft(t.state)


async def test_the_health_visitor_age_limit_is_a_setting():
    t = Transcript(config=DialogConfig(health_visitor_max_age=4))
    await walk_to(t, stop_before="case_holder", answers={"child_dob": "1/1/2022"})
    assert t.step == "case_holder"


async def test_a_child_of_three_and_eleven_months_is_within_the_health_visitor_limit():
    t = Transcript()
    await walk_to(t, stop_before="case_holder", answers={"child_dob": "1/1/2023"})
    assert t.step == "case_holder"


async def test_social_workers_can_refer_older_children():
    t = Transcript()
    await walk_to(
        t, stop_before="case_holder", answers={"role": "Social worker", "child_dob": "1/1/2015"}
    )
    assert t.step == "case_holder"


async def test_no_case_holder_stops_and_explains_vig_workers_are_not_case_holders():
    t = Transcript()
    await walk_to(t, answers={"case_holder": "There isn't one"})
    assert "not case holders" in t.text
    assert not referral.has_draft(t.state)


async def test_me_as_case_holder_records_the_referrer():
    t = Transcript()
    await walk_to(t, stop_before="family_choice")
    assert t.draft["answers"]["case_holder"].startswith("Sam Carter (health visitor)")


async def test_family_not_choosing_yet_offers_peer_contact_and_keeps_the_draft():
    t = Transcript()
    await walk_to(t, answers={"family_choice": "Not yet", "peer_contact": "No"})
    assert "their choice" in t.text
    assert referral.has_draft(t.state) and not referral.is_active(t.state)
    await t.resume()
    assert t.step == "family_choice"


async def test_not_yet_with_peer_contact_files_it_alone_and_keeps_the_draft():
    t = Transcript()
    await walk_to(t, stop_before="family_choice")
    await t.say("not yet")
    assert t.step == "peer_contact"
    for answer in ("yes", "Phone call", "Evenings after 6", "Leo", "yes"):
        await t.say(answer)
    (peer,) = t.records.of_kind("peer_contact")
    assert peer.linked_reference is None
    assert peer.reference in t.text
    assert t.records.of_kind("referral") == []
    assert referral.has_draft(t.state) and t.step == "family_choice"


async def test_after_a_peer_contact_alone_the_referral_does_not_ask_or_file_it_again():
    t = Transcript()
    await walk_to(t, stop_before="family_choice")
    for answer in ("not yet", "yes", "Phone call", "Evenings", "Leo", "yes"):
        await t.say(answer)
    await t.resume()
    await walk_to_summary_from_here(t)
    await t.say("send")
    assert len(t.records.of_kind("peer_contact")) == 1
    assert len(t.records.of_kind("referral")) == 1


async def walk_to_summary_from_here(t: Transcript) -> None:
    from tests.transcript import HAPPY_PATH

    for step_id, answer in HAPPY_PATH:
        if referral.has_draft(t.state) and t.step == step_id:
            await t.say(answer)
    assert t.step == "summary", t.log[-3:]


async def test_no_criteria_says_vig_is_not_the_route_and_what_is():
    t = Transcript()
    await walk_to(t, answers={"criteria": "none"})
    assert "not the right support" in t.text and "Early Help Hub" in t.text
    assert not referral.has_draft(t.state)


async def test_the_none_button_on_the_criteria_card_stops_the_request():
    t = Transcript()
    await walk_to(t, stop_before="criteria")
    await t.press({"verb": "referral.criteria", "draft_id": t.draft["draft_id"], "none": True})
    assert not referral.has_draft(t.state)


async def test_criteria_card_submission_stores_criterion_ids():
    t = Transcript()
    await walk_to(t, stop_before="criteria")
    data = {
        "verb": "referral.criteria",
        "draft_id": t.draft["draft_id"],
        "criteria": "bonding,warmth",
    }
    await t.press(data)
    assert t.draft["answers"]["criteria"] == ["warmth", "bonding"]
    assert t.step == "criteria_evidence"


async def test_no_consent_holds_the_draft_until_the_parent_agrees():
    t = Transcript()
    await walk_to(t, answers={"consent": "No"})
    assert "can't send the request" in t.text
    assert referral.has_draft(t.state) and not referral.is_active(t.state)
    await t.resume()
    assert t.step == "consent"


async def test_early_help_staff_are_asked_which_team_manager_agreed():
    t = Transcript()
    await walk_to(t, stop_before="consent", answers={"role": "Early Help practitioner"})
    assert t.step == "manager_name"
    await t.say("Pat Jones")
    assert t.step == "consent"


async def test_health_visitors_are_not_asked_for_a_team_manager():
    t = Transcript()
    await walk_to(t)
    assert "manager_name" not in t.draft["answers"]


async def test_manager_not_agreed_yet_saves_the_draft_with_the_reason():
    t = Transcript()
    await walk_to(t, stop_before="consent", answers={"role": "Social worker"})
    await t.say("Not agreed yet")
    assert "case management decision" in t.text
    assert not referral.is_active(t.state) and t.step == "manager_name"


async def test_a_wrong_choice_gets_the_reason_and_the_question_again():
    t = Transcript()
    await t.start()
    await t.say("purple")
    assert "didn't understand" in t.text and "immediate risk" in t.text
    assert t.buttons == ["Yes", "No"]


async def test_three_misses_bring_help_and_the_teams_contact():
    t = Transcript()
    await t.start()
    for _ in range(3):
        await t.say("purple")
    assert "01209 614128" in t.text and "Help:" in t.text


async def test_choices_accept_their_number_and_synonyms():
    t = Transcript()
    await t.start()
    await t.say("nope")
    await t.say("1")
    assert t.draft["answers"] == {
        "referrer_name": "Sam Carter",
        "referrer_email": "sam.carter@example.nhs.uk",
        "risk": "no",
        "role": "health_visitor",
    }


async def test_free_text_over_the_limit_states_the_limit():
    t = Transcript()
    await walk_to(t, stop_before="criteria_evidence")
    await t.say("x" * 1600)
    assert "1500 characters" in t.text and "1600" in t.text
    assert t.step == "criteria_evidence"


async def test_a_phone_number_can_be_skipped():
    t = Transcript()
    await walk_to(t, stop_before="referrer_phone")
    await t.say("Skip")
    assert t.draft["answers"]["referrer_phone"] == ""


async def test_name_and_email_are_asked_only_when_teams_does_not_give_them():
    t = Transcript(user=User(id="aad-2"))
    await t.start()
    await t.say("no")
    await t.say("Social worker")
    assert t.step == "referrer_name"
    await t.say("Alex Brown")
    await t.say("not an email")
    assert "doesn't look like an email" in t.text
    await t.say("alex.brown@cornwall.gov.uk")
    assert t.step == "referrer_team"


async def test_help_explains_the_current_step_and_asks_it_again():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("help")
    assert "not case holders" in t.text and "case holder" in str(t.replies[-1].text)
    assert t.step == "case_holder"


async def test_back_returns_to_the_previous_question():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("back")
    assert t.step == "child_dob"
    await t.say("4/5/2024")
    assert t.draft["answers"]["child_dob"] == "2024-05-04"
    assert t.step == "case_holder"


async def test_back_on_the_first_question_says_so():
    t = Transcript()
    await t.start()
    await t.say("back")
    assert "first question" in t.text and t.step == "risk"


async def test_cancel_asks_first_and_deletes_only_when_confirmed():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("cancel")
    assert "Cancel this request?" in t.text
    await t.say("no")
    assert t.step == "case_holder"
    await t.say("cancel")
    await t.say("yes")
    assert not referral.has_draft(t.state)


async def test_start_over_after_confirming_begins_a_fresh_draft():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    old = t.draft["draft_id"]
    await t.say("start over")
    await t.say("yes")
    assert t.step == "risk" and t.draft["draft_id"] != old


async def test_save_then_continue_resumes_where_it_stopped():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("save")
    assert not referral.is_active(t.state) and referral.has_draft(t.state)
    await t.resume()
    assert referral.is_active(t.state) and t.step == "case_holder"
    assert "case holder" in t.text


async def test_a_new_request_with_a_draft_offers_continue_or_start_again():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("later")
    await t.start()
    assert t.buttons == ["Continue", "Start again"]
    await t.say("Continue")
    assert t.step == "case_holder"


async def test_choosing_start_again_from_the_offer_discards_the_draft():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    await t.say("later")
    await t.start()
    await t.say("Start again")
    assert t.step == "risk" and "child_dob" not in t.draft["answers"]


async def test_changing_an_answer_from_the_summary_comes_back_to_the_summary():
    t = Transcript()
    await walk_to(t)
    await t.press(
        {"verb": "referral.change", "draft_id": t.draft["draft_id"], "change_field": "child_name"}
    )
    assert t.step == "child_name"
    await t.say("L.S.")
    assert t.step == "summary"
    assert t.draft["answers"]["child_name"] == "L.S."


async def test_changing_by_number_when_typed():
    t = Transcript()
    await walk_to(t)
    await t.say("change")
    assert "Which answer" in t.text
    await t.say("1")
    assert t.step == "role"


async def test_a_change_that_opens_new_questions_asks_them_before_the_summary():
    t = Transcript()
    await walk_to(t)
    await t.press(
        {"verb": "referral.change", "draft_id": t.draft["draft_id"], "change_field": "role"}
    )
    await t.say("Early Help practitioner")
    assert t.step == "manager_name"
    await t.say("Pat Jones")
    assert t.step == "summary"


async def test_the_summary_lists_every_answer_on_the_route_taken():
    t = Transcript()
    await walk_to(t)
    card = t.cards[0]
    texts = [
        item["text"]
        for block in card["body"]
        if block["type"] == "Container"
        for item in block["items"]
    ]
    assert "Leo" in texts and "3 April 2024" in texts
    assert not any("Team manager" in x for x in texts)


async def test_a_card_from_an_earlier_question_is_not_taken_as_an_answer():
    t = Transcript()
    await walk_to(t, stop_before="criteria_evidence")
    await t.press(
        {"verb": "referral.criteria", "draft_id": t.draft["draft_id"], "criteria": "perspective"}
    )
    assert "earlier question" in t.text
    assert t.draft["answers"]["criteria"] == ["warmth", "bonding"]


async def test_a_risk_word_in_free_text_adds_the_safeguarding_reminder():
    t = Transcript()
    await walk_to(t, stop_before="criteria_evidence")
    await t.say("Mum says she is scared she will hurt him when he screams.")
    assert "999" in str(t.replies[0].text) and t.step == "assessment_indicates"


async def test_free_text_with_a_question_mark_is_accepted_as_an_answer():
    t = Transcript()
    await walk_to(t, stop_before="criteria_evidence")
    event = t.event("Is it normal that mum never picks him up? I have seen this at every visit.")
    assert referral.accepts_as_answer(t.state, event)


async def test_a_faq_question_is_not_accepted_as_a_choice_answer():
    t = Transcript()
    await walk_to(t, stop_before="family_choice")
    assert not referral.accepts_as_answer(t.state, t.event("How long does VIG take?"))


async def test_current_question_asks_the_current_step_again():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    replies = referral.current_question(t.state, t.services)
    assert replies[0].text is not None and "case holder" in replies[0].text


async def test_handle_does_not_change_the_state_it_was_given():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    before = copy.deepcopy(t.state)
    await referral.handle(t.event("me"), t.state, t.services)
    assert t.state == before


async def test_the_state_is_plain_json_at_every_step():
    t = Transcript()
    await walk_to(t)
    assert json.loads(json.dumps(t.state)) == t.state
    assert isinstance(t.draft["created_at"], str)


async def test_another_device_carries_on_the_same_draft():
    t = Transcript()
    await walk_to(t, stop_before="case_holder")
    phone = replace(t, state=json.loads(json.dumps(t.state)))
    await phone.resume()
    assert phone.step == "case_holder"
