"""When the monthly allocation meeting is: the first Thursday of each month."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SERVICE_TZ = ZoneInfo("Europe/London")
THURSDAY = 3


def service_today(now: datetime) -> date:
    """The date at the service (UK time) for a moment; a naive time is taken as UK time."""
    return now.astimezone(SERVICE_TZ).date() if now.tzinfo else now.date()


def first_thursday(year: int, month: int) -> date:
    """The first Thursday of the given month."""
    first = date(year, month, 1)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7)


def next_allocation_meeting(now: datetime, cutoff_hour: int = 9) -> date:
    """The allocation meeting that will consider a request made at `now`.

    A request made on a meeting day before `cutoff_hour` (UK time) is still in time for that
    day's meeting; after it, the request waits for next month's.
    """
    local = now.astimezone(SERVICE_TZ) if now.tzinfo else now.replace(tzinfo=SERVICE_TZ)
    today = local.date()
    meeting = first_thursday(today.year, today.month)
    if meeting > today or (meeting == today and local.time() < time(cutoff_hour)):
        return meeting
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return first_thursday(year, month)


def format_meeting_date(day: date) -> str:
    """A meeting date as people write it in the UK: 'Thursday 3 December 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"
