"""Making a channel the inbox: who may, and what happens to a second team's attempt."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from storage.crypto import FieldCipher
from storage.models import AuditEntry, Inbox
from tests.conftest import BotHarness, start_bot
from tests.fake_connector import FakeConnector
from tests.test_team_support import INBOX, OTHER_TEAM, TEAM, mention, team_bot

route_team_events = team_bot
pytestmark = pytest.mark.usefixtures("route_team_events")


async def _inbox(bot: BotHarness) -> Inbox | None:
    async with bot.db.transaction() as session:
        return (await session.execute(select(Inbox))).scalar_one_or_none()


async def _audit_actions(bot: BotHarness) -> list[str]:
    async with bot.db.transaction() as session:
        return [e.action for e in (await session.execute(select(AuditEntry))).scalars()]


async def test_mention_makes_the_channel_the_inbox_and_says_so(bot: BotHarness) -> None:
    sent = await mention(bot, "use this channel for VIG requests", user_name="Sam Lead")
    assert "posted in this channel" in sent[0].text
    inbox = await _inbox(bot)
    assert inbox is not None
    assert (inbox.team_id, inbox.channel_id, inbox.tenant_id) == (TEAM, INBOX, "tenant-1")
    assert (inbox.service_url, inbox.set_by) == (bot.connector.url, "Sam Lead")


async def test_asking_again_in_the_same_channel_changes_nothing(bot: BotHarness) -> None:
    await mention(bot, "use this channel for VIG requests")
    sent = await mention(bot, "Use this channel for VIG requests!")
    assert "already" in sent[0].text


async def test_another_team_is_refused_and_the_attempt_recorded(bot: BotHarness) -> None:
    await mention(bot, "use this channel for VIG requests")
    sent = await mention(
        bot, "use this channel for VIG requests", team_id=OTHER_TEAM, channel_id=OTHER_TEAM
    )
    assert "another team" in sent[0].text
    inbox = await _inbox(bot)
    assert inbox is not None and inbox.team_id == TEAM
    assert "inbox_refused" in await _audit_actions(bot)


async def test_another_channel_of_the_same_team_becomes_the_inbox(bot: BotHarness) -> None:
    await mention(bot, "use this channel for VIG requests")
    await mention(bot, "use this channel for VIG requests", channel_id=TEAM)
    inbox = await _inbox(bot)
    assert inbox is not None and inbox.channel_id == TEAM


async def test_an_unknown_channel_command_gets_help(bot: BotHarness) -> None:
    sent = await mention(bot, "what can you do")
    assert "agenda" in sent[0].text


async def test_vig_team_id_restricts_which_team_may_hold_the_inbox(
    bot: BotHarness, cipher: FieldCipher, connector: FakeConnector
) -> None:
    settings = replace(bot.settings, vig_team_id=TEAM)
    client, database = await start_bot(settings, cipher, connector)
    other = BotHarness(client, connector, settings, database)
    try:
        sent = await mention(
            other, "use this channel for VIG requests", team_id=OTHER_TEAM, channel_id=OTHER_TEAM
        )
        assert "VIG team's own team" in sent[0].text
        assert await _inbox(other) is None
        assert "inbox_refused" in await _audit_actions(other)
    finally:
        await client.close()
