"""Day-first UK dates as people type them: "3/4/2024", "03-04-24", "3.4.24", "3rd Apr 2024"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

DateProblem = Literal["unreadable", "impossible", "future", "too_old"]

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
OLDEST_AGE_YEARS = 18

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?,?\s+(\d{2}|\d{4})$")


@dataclass(frozen=True)
class DateReading:
    """A date of birth read from text, or the reason it was refused."""

    value: date | None = None
    problem: DateProblem | None = None


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    # A two-digit year is this century unless that would be in the future.
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for prefix, number in MONTHS.items():
        if word.startswith(prefix) and (
            len(word) <= 4 or _full_month_name(number).startswith(word)
        ):
            return number
    return None


def _full_month_name(number: int) -> str:
    return date(2000, number, 1).strftime("%B").lower()


def _parts(text: str, today: date) -> tuple[int, int, int] | None:
    if m := _ISO.match(text):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _NUMERIC.match(text):
        return _year(m.group(3), today), int(m.group(2)), int(m.group(1))
    if m := _WORDS.match(text):
        month = _month(m.group(2))
        if month is None:
            return None
        return _year(m.group(3), today), month, int(m.group(1))
    return None


def age_in_months(born: date, today: date) -> int:
    """Whole months between birth and today."""
    months = (today.year - born.year) * 12 + today.month - born.month
    return months - 1 if today.day < born.day else months


def read_date_of_birth(raw: str, today: date) -> DateReading:
    """Read a UK day-first date of birth; refuse impossible, future and over-18 dates."""
    text = " ".join(raw.strip().lower().split())
    parts = _parts(text, today)
    if parts is None:
        return DateReading(problem="unreadable")
    year, month, day = parts
    try:
        born = date(year, month, day)
    except ValueError:
        return DateReading(problem="impossible")
    if born > today:
        return DateReading(problem="future")
    if age_in_months(born, today) >= OLDEST_AGE_YEARS * 12:
        return DateReading(problem="too_old")
    return DateReading(value=born)


def format_date(day: date) -> str:
    """A date as people write it in the UK: '3 April 2024'."""
    return f"{day.day} {day:%B %Y}"
