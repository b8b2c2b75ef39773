"""The outbox sender: filed requests reach the inbox channel once, through failures and restarts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channel import MAX_PERMANENT_ATTEMPTS, ChannelSender, drain_outbox
from bot.sdk import build_adapter
from storage.db import Database
from tests.conftest import BotHarness
from tests.schemas import card_problems
from tests.test_team_support import (
    INBOX,
    LATER,
    created_cards,
    file_request,
    outbox_rows,
    referral_row,
    sender,
    set_inbox,
    team_bot,
)

# Every test runs with the team's entry points routed (see tests/test_team_support.py).
route_team_events = team_bot
pytestmark = pytest.mark.usefixtures("route_team_events")


async def test_filing_posts_exactly_one_card_to_the_inbox(bot: BotHarness) -> None:
    await set_inbox(bot)
    reference = await file_request(bot)
    assert await drain_outbox(sender(bot), now=LATER) == 1
    assert await drain_outbox(sender(bot), now=LATER) == 0
    posts = created_cards(bot)
    assert len(posts) == 1
    assert posts[0].body["_create"]["channelData"] == {"channel": {"id": INBOX}}
    assert posts[0].body["_create"]["isGroup"] is True
    row = await referral_row(bot, reference)
    assert row.channel_conversation_id == posts[0].conversation_id
    assert row.channel_message_id and row.channel_conversation_id.endswith(row.channel_message_id)
    assert [r.status for r in await outbox_rows(bot)] == ["sent"]


async def test_channel_preview_shows_only_reference_and_initials(bot: BotHarness) -> None:
    await set_inbox(bot)
    reference = await file_request(bot)
    await drain_outbox(sender(bot), now=LATER)
    post = created_cards(bot)[0]
    assert post.body["summary"] == f"{reference} · O.P."
    assert "Oliver" not in post.body["summary"]


async def test_posted_card_is_a_valid_adaptive_card_without_name_or_birth_date(
    bot: BotHarness,
) -> None:
    await set_inbox(bot)
    await file_request(bot)
    await drain_outbox(sender(bot), now=LATER)
    card = created_cards(bot)[0].card
    assert card is not None
    assert card_problems(card) == []
    text = str(card)
    assert "Oliver" not in text and "Penrose" not in text
    assert "2024-04-03" not in text and "3 April 2024" not in text


async def test_requests_wait_until_an_inbox_is_set(bot: BotHarness) -> None:
    await file_request(bot)
    assert await drain_outbox(sender(bot), now=LATER) == 0
    assert created_cards(bot) == []
    await set_inbox(bot)
    assert await drain_outbox(sender(bot), now=LATER) == 1
    assert len(created_cards(bot)) == 1


async def test_connector_failures_are_retried_and_the_card_posted_once(
    bot: BotHarness,
) -> None:
    await set_inbox(bot)
    await file_request(bot)
    bot.connector.fail_next = [503, 429, 412]
    for hour in range(3):
        assert await drain_outbox(sender(bot), now=LATER + timedelta(hours=hour)) == 0
    row = (await outbox_rows(bot))[0]
    assert (row.status, row.attempts) == ("pending", 3)
    assert row.last_error and "HTTP 412" in row.last_error
    assert await drain_outbox(sender(bot), now=LATER + timedelta(hours=3)) == 1
    assert len(created_cards(bot)) == 1


async def test_a_failed_post_waits_for_its_backoff(bot: BotHarness) -> None:
    await set_inbox(bot)
    await file_request(bot)
    bot.connector.fail_next = [503]
    await drain_outbox(sender(bot), now=LATER)
    row = (await outbox_rows(bot))[0]
    assert row.next_attempt_at >= LATER
    calls = bot.connector.calls
    # Before the backoff has passed nothing is tried again.
    await drain_outbox(sender(bot), now=LATER - timedelta(seconds=1))
    assert bot.connector.calls == calls


async def test_a_restarted_sender_posts_rows_left_unsent(bot: BotHarness) -> None:
    await set_inbox(bot)
    await file_request(bot)
    # A new process on the same database: its own engine, adapter and sender.
    database = Database(bot.settings.sqlalchemy_url)
    settings = bot.settings
    fresh = ChannelSender(database, sender(bot).cipher, build_adapter(settings), settings)
    try:
        assert await drain_outbox(fresh, now=LATER) == 1
    finally:
        await database.dispose()
    assert len(created_cards(bot)) == 1


async def test_a_permanent_failure_is_marked_dead_not_dropped(bot: BotHarness) -> None:
    await set_inbox(bot)
    await file_request(bot)
    bot.connector.fail_next = [403] * MAX_PERMANENT_ATTEMPTS
    for hour in range(MAX_PERMANENT_ATTEMPTS):
        await drain_outbox(sender(bot), now=LATER + timedelta(hours=hour))
    row = (await outbox_rows(bot))[0]
    assert row.status == "dead"
    assert row.last_error and "403" in row.last_error
    assert created_cards(bot) == []
