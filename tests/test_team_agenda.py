"""The allocation meeting's agenda, asked for in the inbox channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.allocation import next_allocation_meeting
from tests.conftest import BotHarness
from tests.schemas import card_problems
from tests.test_team_support import (
    TEAM,
    card_texts,
    file_request,
    mention,
    posted,
    press,
    referral_row,
    team_bot,
)

route_team_events = team_bot
pytestmark = pytest.mark.usefixtures("route_team_events")
# Requests filed for the meeting the agenda is about (the next one from the real clock).
NEXT_MEETING = next_allocation_meeting(datetime.now(UTC))


async def _three_requests(bot: BotHarness) -> list[str]:
    """An older and a newer open request, and one the team has declined."""
    refs = []
    for number, day in enumerate((5, 2, 9), start=1):
        refs.append(
            await file_request(
                bot,
                draft_id=f"d{number}",
                now=datetime(2026, 11, day, 10, tzinfo=UTC),
                meeting=NEXT_MEETING,
            )
        )
    conversation, _root = await posted(bot, refs[2])
    await press(
        bot,
        "team.decline",
        refs[2],
        1,
        conversation_id=conversation,
        inputs={"decline_note": "Not now"},
    )
    return refs


async def test_agenda_lists_open_requests_oldest_first_with_counts(bot: BotHarness) -> None:
    refs = await _three_requests(bot)
    sent = await mention(bot, "agenda")
    card = sent[0].card
    assert card is not None and card_problems(card) == []
    text = card_texts(card)
    assert "2 New" in text
    assert text.index(refs[1]) < text.index(refs[0])
    assert refs[2] not in text


async def test_agenda_all_includes_requests_already_dealt_with(bot: BotHarness) -> None:
    refs = await _three_requests(bot)
    text = card_texts((await mention(bot, "agenda all"))[0].card or {})
    assert all(ref in text for ref in refs)
    assert "1 Declined" in text


async def test_agenda_shows_initials_and_age_never_the_name(bot: BotHarness) -> None:
    await _three_requests(bot)
    text = card_texts((await mention(bot, "agenda"))[0].card or {})
    assert "O.P." in text and "Oliver" not in text


async def test_agenda_outside_the_inbox_channel_points_there(bot: BotHarness) -> None:
    reference = await file_request(bot)
    await posted(bot, reference)
    sent = await mention(bot, "agenda", channel_id=TEAM)
    assert sent[0].card is None and "requests channel" in sent[0].text
    assert (await referral_row(bot, reference)).status == "submitted"
