"""Safeguarding detection: risk phrases trigger the message, ordinary referral wording does not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogs.content import service_facts
from dialogs.faq import detect_risk, safeguarding_message

CASES = yaml.safe_load(
    (Path(__file__).parent / "data" / "safeguarding_eval.yaml").read_text(encoding="utf-8")
)


def test_the_case_file_has_at_least_twenty_of_each():
    assert len(CASES["must_trigger"]) >= 20
    assert len(CASES["must_not_trigger"]) >= 20


@pytest.mark.parametrize("text", CASES["must_trigger"])
def test_a_message_suggesting_immediate_risk_triggers(text):
    assert detect_risk(text), text


@pytest.mark.parametrize("text", CASES["must_not_trigger"])
def test_ordinary_referral_wording_does_not_trigger(text):
    assert not detect_risk(text), text


def test_staff_lone_working_concerns_are_not_child_risk():
    assert not detect_risk("Staff feel unsafe to lone work there")


def test_unsafe_about_the_child_still_triggers_next_to_a_lone_working_note():
    assert detect_risk("No lone working issues. The child is unsafe with dad.")


def test_a_negated_phrase_does_not_trigger():
    assert not detect_risk("no evidence of abuse")


def test_the_message_gives_every_number_from_service_facts():
    facts = service_facts()["safeguarding"]
    message = safeguarding_message()
    for key in ("emergency", "maru_phone", "maru_out_of_hours", "maru_email"):
        assert str(facts[key]) in message


def test_the_message_tells_them_to_tell_the_childs_social_worker():
    assert "social worker" in safeguarding_message()
