"""Dates of birth are read day-first, as people in the UK write them, and refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.ports import DialogConfig
from dialogs.referral.dates import read_date_of_birth
from dialogs.referral.steps import validate_field

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "typed",
    [
        "3/4/2024",
        "03-04-24",
        "3.4.24",
        "3 April 2024",
        "3rd Apr 2024",
        "3rd of April, 2024",
        "2024-04-03",
        " 03/04/2024 ",
        "3 apr. 2024",
    ],
)
def test_day_first_forms_read_as_3_april_2024(typed):
    assert read_date_of_birth(typed, TODAY).value == date(2024, 4, 3)


def test_sept_is_read_as_september():
    assert read_date_of_birth("1 Sept 2025", TODAY).value == date(2025, 9, 1)


def test_a_two_digit_year_that_would_be_future_is_last_century():
    assert read_date_of_birth("1/1/99", TODAY).problem == "too_old"


def test_31_february_is_refused_as_not_a_real_date():
    parsed = validate_field("child_dob", "31/02/2024", {}, DialogConfig(), TODAY)
    assert parsed.error is not None
    assert "31/02/2024 isn't a real date" in parsed.error


def test_month_13_is_refused_as_not_a_real_date():
    assert read_date_of_birth("3/13/2024", TODAY).problem == "impossible"


def test_a_future_date_is_refused_with_the_reason():
    parsed = validate_field("child_dob", "1/1/2027", {}, DialogConfig(), TODAY)
    assert parsed.error is not None
    assert "in the future" in parsed.error


def test_a_date_over_18_years_ago_is_refused_because_vig_is_for_children():
    parsed = validate_field("child_dob", "1/1/2000", {}, DialogConfig(), TODAY)
    assert parsed.error is not None
    assert "over 18" in parsed.error and "children and young people" in parsed.error


def test_an_unreadable_date_gets_an_example():
    parsed = validate_field("child_dob", "last spring", {}, DialogConfig(), TODAY)
    assert parsed.error is not None
    assert "3/4/2024" in parsed.error


def test_an_unknown_month_word_is_unreadable():
    assert read_date_of_birth("3 Smarch 2024", TODAY).problem == "unreadable"


def test_today_is_an_accepted_date_of_birth():
    assert read_date_of_birth("24/11/2026", TODAY).value == TODAY


def test_the_answer_is_stored_as_an_iso_date():
    assert validate_field("child_dob", "3/4/2024", {}, DialogConfig(), TODAY).value == "2024-04-03"
