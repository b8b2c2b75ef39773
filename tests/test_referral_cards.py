"""The referral's cards are valid Adaptive Cards 1.5 that Teams renders."""

from __future__ import annotations

from tests.schemas import card_problems
from tests.transcript import Transcript, walk_to


async def test_the_criteria_card_is_valid():
    t = Transcript()
    await walk_to(t, stop_before="criteria")
    (card,) = t.cards
    assert card_problems(card) == []


async def test_the_criteria_card_lists_the_six_criteria_numbered():
    t = Transcript()
    await walk_to(t, stop_before="criteria")
    (choice_set,) = [b for b in t.cards[0]["body"] if b["type"] == "Input.ChoiceSet"]
    assert [c["title"][:2] for c in choice_set["choices"]] == ["1.", "2.", "3.", "4.", "5.", "6."]


async def test_the_summary_card_is_valid():
    t = Transcript()
    await walk_to(t)
    (card,) = t.cards
    assert card_problems(card) == []


async def test_summary_actions_carry_a_verb_and_the_draft():
    t = Transcript()
    await walk_to(t)
    verbs = [a["data"]["verb"] for a in t.cards[0]["actions"]]
    assert verbs == ["referral.send", "referral.change", "referral.save", "referral.cancel"]
    assert all(a["data"]["draft_id"] == t.draft["draft_id"] for a in t.cards[0]["actions"])
