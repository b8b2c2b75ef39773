"""The team's buttons: each action, its card update, thread reply, audit entry and referrer
message; presses that must be refused; two people pressing at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest

from dialogs.ports import TeamRequest
from dialogs.team.machine import TRANSITIONS, next_status, team_actions
from dialogs.team.render import request_card_for
from tests.conftest import BotHarness
from tests.schemas import card_problems
from tests.test_team_support import (
    ANSWERS,
    LATER,
    REFERRER_CHAT,
    audit_rows,
    card_texts,
    channel_data,
    file_request,
    posted,
    press,
    referral_row,
    sender,
    sent_to,
    team_bot,
)

route_team_events = team_bot
pytestmark = pytest.mark.usefixtures("route_team_events")
CARD = "application/vnd.microsoft.card.adaptive"


async def _act(bot: BotHarness, verb: str, reference: str, **kwargs: Any) -> dict[str, Any]:
    conversation, _root = await posted(bot, reference)
    row = await referral_row(bot, reference)
    bot.connector.clear()
    answer = await press(bot, verb, reference, row.version, conversation_id=conversation, **kwargs)
    await sender(bot).drain(LATER)
    return answer


async def test_accept_refreshes_the_card_for_the_presser(bot: BotHarness) -> None:
    reference = await file_request(bot)
    answer = await _act(bot, "team.accept", reference)
    assert answer["type"] == CARD
    assert card_problems(answer["value"]) == []
    assert "Accepted for the allocation meeting" in card_texts(answer["value"])


async def test_accept_edits_the_card_in_place_for_everyone(bot: BotHarness) -> None:
    reference = await file_request(bot)
    answer = await _act(bot, "team.accept", reference)
    del answer
    row = await referral_row(bot, reference)
    edits = [s for s in bot.connector.sent if s.method == "PUT"]
    assert [e.activity_id for e in edits] == [row.channel_message_id]
    assert edits[0].card is not None
    assert "Accepted for the allocation meeting" in card_texts(edits[0].card)


async def test_accept_replies_in_the_thread_with_who_did_it(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.accept", reference, user_name="Sam Lead")
    row = await referral_row(bot, reference)
    replies = [s for s in bot.connector.sent if s.activity_id == row.channel_message_id]
    replies = [s for s in replies if s.method == "POST"]
    assert len(replies) == 1
    assert "Sam Lead accepted" in replies[0].text


async def test_accept_is_audited_with_who_from_and_to(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.accept", reference, user_name="Sam Lead")
    entry = (await audit_rows(bot, reference))[-1]
    assert (entry.actor, entry.action, entry.from_status, entry.to_status) == (
        "Sam Lead",
        "accept",
        "submitted",
        "accepted",
    )


async def test_accept_tells_the_referrer_the_meeting_date(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.accept", reference)
    told = sent_to(bot, REFERRER_CHAT)
    assert len(told) == 1
    assert reference in told[0].text and "Thursday 3 December 2026" in told[0].text


async def test_decline_without_a_reason_changes_nothing(bot: BotHarness) -> None:
    reference = await file_request(bot)
    answer = await _act(bot, "team.decline", reference, inputs={"decline_note": "  "})
    assert "fill in the box" in card_texts(answer["value"])
    assert (await referral_row(bot, reference)).status == "submitted"


async def test_decline_tells_the_referrer_why_and_what_to_do_instead(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.decline", reference, inputs={"decline_note": "Family not ready"})
    assert (await referral_row(bot, reference)).status == "declined"
    told = sent_to(bot, REFERRER_CHAT)[0].text
    assert "Family not ready" in told and "Early Help Hub" in told


async def test_ask_info_sends_the_referrer_the_question_with_an_answer_card(
    bot: BotHarness,
) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.ask_info", reference, inputs={"ask_info_note": "Which nursery?"})
    assert (await referral_row(bot, reference)).status == "info_requested"
    told = sent_to(bot, REFERRER_CHAT)[0]
    assert "Which nursery?" in told.text
    assert told.card is not None and card_problems(told.card) == []


async def test_referrers_next_message_answers_the_question(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.ask_info", reference, inputs={"ask_info_note": "Which nursery?"})
    bot.connector.clear()
    replies = await bot.say("Little Acorns in Truro", conversation_id=REFERRER_CHAT)
    assert any(reference in r for r in replies)
    await sender(bot).drain(LATER)
    row = await referral_row(bot, reference)
    assert row.status == "submitted"
    thread = [s for s in bot.connector.sent if s.activity_id == row.channel_message_id]
    assert any("Little Acorns in Truro" in s.text for s in thread if s.method == "POST")
    assert (await audit_rows(bot, reference))[-1].action == "info_reply"


async def test_a_message_is_not_taken_as_an_answer_when_nothing_was_asked(
    bot: BotHarness,
) -> None:
    reference = await file_request(bot)
    await posted(bot, reference)
    await bot.say("Little Acorns in Truro", conversation_id=REFERRER_CHAT)
    assert [a.action for a in await audit_rows(bot, reference)] == ["filed"]


async def test_assign_shows_the_practitioner_and_tells_the_referrer(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.accept", reference)
    bot.connector.clear()
    row = await referral_row(bot, reference)
    answer = await press(
        bot,
        "team.assign",
        reference,
        row.version,
        conversation_id=row.channel_conversation_id or "",
        inputs={"assign_note": "Morwenna Trelawny"},
    )
    await sender(bot).drain(LATER)
    assert "Morwenna Trelawny" in card_texts(answer["value"])
    assert "Morwenna Trelawny" in sent_to(bot, REFERRER_CHAT)[0].text


async def test_mark_allocated_after_accepting(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.accept", reference)
    row = await referral_row(bot, reference)
    await press(
        bot,
        "team.allocate",
        reference,
        row.version,
        conversation_id=row.channel_conversation_id or "",
    )
    row = await referral_row(bot, reference)
    assert row.status == "allocated" and row.closed_at is None


async def test_contact_arranged_on_a_peer_contact_request(bot: BotHarness) -> None:
    reference = await file_request(bot, kind="peer_contact", draft_id="peer-1")
    await _act(bot, "team.contact_arranged", reference)
    row = await referral_row(bot, reference)
    assert row.status == "contact_arranged" and row.closed_at is not None
    assert "arranged" in sent_to(bot, REFERRER_CHAT)[0].text


async def test_a_press_from_another_conversation_is_refused(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await posted(bot, reference)
    row = await referral_row(bot, reference)
    answer = await press(
        bot, "team.accept", reference, row.version, conversation_id="19:elsewhere@thread.tacv2"
    )
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "only works" in answer["value"]
    assert (await referral_row(bot, reference)).status == "submitted"


async def test_a_press_from_a_personal_chat_is_refused(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await posted(bot, reference)
    answer = await press(
        bot,
        "team.accept",
        reference,
        1,
        conversation_id=REFERRER_CHAT,
        conversation_type="personal",
    )
    assert "only works" in answer["value"]
    assert (await referral_row(bot, reference)).status == "submitted"


async def test_a_press_on_an_unknown_request_is_refused(bot: BotHarness) -> None:
    reference = await file_request(bot)
    conversation, _root = await posted(bot, reference)
    answer = await press(bot, "team.accept", "VIG-2026-9999", 1, conversation_id=conversation)
    assert "can't find" in answer["value"]


async def test_a_stale_press_says_who_changed_it_first(bot: BotHarness) -> None:
    reference = await file_request(bot)
    conversation, _root = await posted(bot, reference)
    await press(
        bot, "team.accept", reference, 1, conversation_id=conversation, user_name="Sam Lead"
    )
    answer = await press(
        bot,
        "team.decline",
        reference,
        1,
        conversation_id=conversation,
        user_name="Jo Other",
        inputs={"decline_note": "x"},
    )
    assert "Already accepted by Sam Lead" in card_texts(answer["value"])
    assert (await referral_row(bot, reference)).status == "accepted"


async def test_a_button_that_no_longer_applies_gets_a_clear_answer(bot: BotHarness) -> None:
    reference = await file_request(bot)
    conversation, _root = await posted(bot, reference)
    answer = await press(bot, "team.allocate", reference, 1, conversation_id=conversation)
    assert "no longer applies" in card_texts(answer["value"])
    assert (await referral_row(bot, reference)).status == "submitted"


async def test_two_people_pressing_at_once_get_one_winner(bot: BotHarness) -> None:
    reference = await file_request(bot)
    conversation, _root = await posted(bot, reference)
    answers = await asyncio.gather(
        press(bot, "team.accept", reference, 1, conversation_id=conversation, user_name="Sam Lead"),
        press(bot, "team.accept", reference, 1, conversation_id=conversation, user_name="Jo Other"),
    )
    accepts = [a for a in await audit_rows(bot, reference) if a.action == "accept"]
    assert len(accepts) == 1
    winner = accepts[0].actor
    notices = [card_texts(a["value"]) for a in answers]
    assert sum(f"Already accepted by {winner}" in n for n in notices) == 1
    assert (await referral_row(bot, reference)).version == 2


def test_state_machine_follows_the_service_rules() -> None:
    assert team_actions("referral", "submitted") == ["accept", "ask_info", "decline"]
    assert next_status("referral", "info_requested", "info_reply") == "submitted"
    assert set(team_actions("referral", "accepted")) == {"assign", "allocate", "decline"}
    assert team_actions("peer_contact", "submitted") == ["contact_arranged", "decline"]
    assert next_status("referral", "declined", "accept") is None
    assert all(
        to != "submitted" or action == "info_reply" for (_k, _s, action), to in TRANSITIONS.items()
    )


async def test_a_fallback_submit_acts_and_answers_in_text(bot: BotHarness) -> None:
    reference = await file_request(bot)
    conversation, _root = await posted(bot, reference)
    data = {"verb": "team.accept", "reference": reference, "version": 1, "fallback": True}
    sent = await bot.send(
        value=data,
        conversation_id=conversation,
        conversation_type="channel",
        channel_data=channel_data(),
        user_name="Sam Lead",
    )
    assert (await referral_row(bot, reference)).status == "accepted"
    assert [s.card for s in sent] == [None]


async def test_the_referrers_answer_card_attaches_the_answer(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.ask_info", reference, inputs={"ask_info_note": "Which nursery?"})
    answer = await press(
        bot,
        "team.info_reply",
        reference,
        0,
        conversation_id=REFERRER_CHAT,
        conversation_type="personal",
        user_name="Hannah Visitor",
        inputs={"answer": "Little Acorns"},
        aad_id="aad-hannah",
    )
    assert reference in answer["value"]
    assert (await referral_row(bot, reference)).status == "submitted"


async def test_an_answer_card_for_someone_elses_request_is_not_attached(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await _act(bot, "team.ask_info", reference, inputs={"ask_info_note": "Which nursery?"})
    await press(
        bot,
        "team.info_reply",
        reference,
        0,
        conversation_id="a:personal-mallory",
        conversation_type="personal",
        user_name="Mallory",
        inputs={"answer": "Made up"},
    )
    assert (await referral_row(bot, reference)).status == "info_requested"


def _request(kind: str) -> TeamRequest:
    answers = {
        **ANSWERS,
        "peer_contact": "yes",
        "peer_contact_method": "text",
        "peer_contact_when": "Weekday mornings",
    }
    return TeamRequest(
        reference="VIG-PC-2026-0001" if kind == "peer_contact" else "VIG-2026-0001",
        kind="peer_contact" if kind == "peer_contact" else "referral",
        status="submitted",
        version=1,
        answers=answers,
        meeting_date=date(2026, 12, 3),
        filed_at=datetime(2026, 11, 24, 10, tzinfo=UTC),
        linked_reference="VIG-2026-0001" if kind == "peer_contact" else None,
    )


def test_a_peer_contact_card_shows_only_what_arranging_the_talk_needs() -> None:
    now = datetime(2026, 11, 24, 11, tzinfo=UTC)
    peer = card_texts(request_card_for(_request("peer_contact"), now))
    referral = card_texts(request_card_for(_request("referral"), now))
    evidence = ANSWERS["criteria_evidence"]
    assert "Weekday mornings" in peer
    assert evidence in referral
    assert evidence not in peer
    assert card_problems(request_card_for(_request("peer_contact"), now)) == []
