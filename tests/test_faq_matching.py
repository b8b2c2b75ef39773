"""The FAQ's bands, robustness and content rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.content import load_content, service_facts
from dialogs.faq import FAQ_BUTTON_PREFIX, faq_entry_id, get_faq

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def test_a_clear_question_gets_the_answer():
    answer = get_faq().ask("Can foster carers have it?", now=NOW)
    assert (answer.kind, answer.entry_id) == ("answer", "foster-adoptive")


def test_an_answer_offers_follow_up_questions_as_faq_buttons():
    answer = get_faq().ask("How many sessions are there?", now=NOW)
    assert answer.suggestions
    assert all(b.value.startswith(FAQ_BUTTON_PREFIX) for b in answer.suggestions)


def test_a_vague_question_gets_did_you_mean_with_at_most_three_candidates():
    answer = get_faq().ask("is there peer support", now=NOW)
    assert answer.kind == "suggest"
    assert answer.text.startswith("I'm not quite sure")
    assert 1 <= len(answer.suggestions) <= 3
    assert faq_entry_id(answer.suggestions[0].value) == "peer-contact"


def test_an_unrelated_question_gets_an_honest_dont_know_with_contacts():
    answer = get_faq().ask("how do I renew my parking permit", now=NOW)
    contact = service_facts()["contact"]
    assert answer.kind == "unknown"
    assert contact["email"] in answer.text and contact["phone"] in answer.text


def test_an_empty_message_is_unknown():
    assert get_faq().ask("?!", now=NOW).kind == "unknown"


def test_typos_are_tolerated():
    assert get_faq().ask("how many sesions do familys get", now=NOW).entry_id == "cycles"


def test_word_order_does_not_matter():
    assert get_faq().ask("carers foster have it can", now=NOW).entry_id == "foster-adoptive"


def test_us_spelling_matches_uk_content():
    book = get_faq()
    us = book.rank("what behavior changes are the goals about")[0].entry.id
    uk = book.rank("what behaviour changes are the goals about")[0].entry.id
    assert us == uk == "goals"


def test_missing_words_still_match():
    assert get_faq().ask("session length", now=NOW).entry_id == "session-length"


def test_allocation_answer_gives_the_computed_next_meeting_date():
    answer = get_faq().ask("When will my request be looked at?", now=NOW)
    assert answer.entry_id == "allocation-meeting"
    assert "Thursday 5 February 2026" in answer.text


def test_allocation_answer_before_the_cutoff_on_meeting_day_gives_that_day():
    meeting_morning = datetime(2026, 2, 5, 8, 0, tzinfo=UTC)
    text = get_faq().answer_entry("allocation-meeting", now=meeting_morning).text
    assert "Thursday 5 February 2026" in text


def test_health_visitor_age_limit_is_a_parameter():
    text = get_faq().answer_entry("who-can-refer", now=NOW, health_visitor_max_age=4).text
    assert "aged 4 and under" in text


def test_a_pressed_suggestion_gives_that_entry():
    answer = get_faq().answer_entry("criteria", now=NOW)
    assert (answer.kind, answer.entry_id) == ("answer", "criteria")


def test_a_pressed_suggestion_for_a_removed_entry_is_unknown():
    assert get_faq().answer_entry("no-such-entry", now=NOW).kind == "unknown"


def test_faq_entry_id_reads_only_faq_buttons():
    assert faq_entry_id("faq:cycles") == "cycles"
    assert faq_entry_id("new request") is None


def test_confident_matches_an_outright_answer():
    book = get_faq()
    assert book.confident("Can foster carers have it?")
    assert not book.confident("yes")
    assert not book.confident("12/03/2024")


def test_topics_are_faq_buttons_for_real_entries():
    book = get_faq()
    assert book.topics()
    assert all(faq_entry_id(b.value) in book.entries for b in book.topics())


def test_every_entry_has_id_answer_questions_source_and_reviewed_date():
    for raw in load_content("faq")["entries"]:
        for key in ("id", "title", "answer", "questions", "source", "reviewed"):
            assert raw.get(key), (raw.get("id"), key)
        assert len(raw["questions"]) >= 3, raw["id"]


@pytest.mark.parametrize("entry_id", sorted(get_faq().entries))
def test_every_answer_fills_its_placeholders(entry_id):
    text = get_faq().answer_entry(entry_id, now=NOW).text
    assert "{" not in text and "}" not in text


def test_contacts_come_from_service_facts_not_the_faq_file():
    raw = (load_content("faq"),)
    flat = repr(raw)
    assert service_facts()["contact"]["phone"] not in flat
    assert service_facts()["safeguarding"]["maru_phone"] not in flat


def test_the_issue_topics_are_all_covered():
    required = {
        "what-is-vig", "how-vig-works", "cycles", "session-length", "where-sessions",
        "who-can-refer", "criteria", "pre-referral-questions", "case-holder", "family-choice",
        "peer-contact", "allocation-meeting", "how-to-request", "after-request",
        "foster-adoptive", "age-range", "videos-privacy", "contact", "safeguarding-routes",
    }  # fmt: skip
    assert required <= set(get_faq().entries)
