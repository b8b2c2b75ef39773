"""First contact: installs in a team or a personal chat, with one welcome however Teams sends it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.crypto import FieldCipher
from storage.models import TeamInstallation
from tests.conftest import BotHarness, activity, start_bot
from tests.test_team_support import GENERAL, TEAM, channel_data

BOT_ACCOUNT = {"id": "28:vig-bot", "name": "VIG Requests"}


def _team_event(kind: str) -> dict[str, Any]:
    common: dict[str, Any] = {
        "conversation_id": GENERAL,
        "conversation_type": "channel",
        "channel_data": {**channel_data(TEAM, GENERAL), "eventType": "teamMemberAdded"},
    }
    if kind == "installationUpdate":
        return {"type": kind, "extra": {"action": "add"}, **common}
    return {"type": kind, "extra": {"membersAdded": [BOT_ACCOUNT]}, **common}


def _personal_event(kind: str) -> dict[str, Any]:
    if kind == "installationUpdate":
        return {"type": kind, "extra": {"action": "add"}}
    return {"type": kind, "extra": {"membersAdded": [BOT_ACCOUNT]}}


async def _installations(bot: BotHarness) -> list[TeamInstallation]:
    async with bot.db.transaction() as session:
        return list((await session.execute(select(TeamInstallation))).scalars())


async def test_team_install_is_stored_with_tenant_and_service_url(bot: BotHarness) -> None:
    await bot.send(**_team_event("installationUpdate"))
    [row] = await _installations(bot)
    assert (row.team_id, row.tenant_id, row.service_url) == (TEAM, "tenant-1", bot.connector.url)
    assert row.removed_at is None


async def test_team_install_introduces_the_bot_and_the_inbox_command(bot: BotHarness) -> None:
    sent = await bot.send(**_team_event("installationUpdate"))
    assert len(sent) == 1
    assert sent[0].conversation_id == GENERAL
    assert "use this channel" in sent[0].text.lower()


async def test_team_install_and_member_added_give_one_introduction(bot: BotHarness) -> None:
    first = await bot.send(**_team_event("installationUpdate"))
    second = await bot.send(**_team_event("conversationUpdate"))
    assert len(first) + len(second) == 1


async def test_personal_install_sends_one_welcome_card(bot: BotHarness) -> None:
    first = await bot.send(**_personal_event("conversationUpdate"))
    second = await bot.send(**_personal_event("installationUpdate"))
    welcomes = first + second
    assert len(welcomes) == 1
    assert welcomes[0].card is not None


async def test_the_welcome_marker_survives_a_restart(bot: BotHarness, cipher: FieldCipher) -> None:
    await bot.send(**_personal_event("installationUpdate"))
    client, database = await start_bot(bot.settings, cipher, bot.connector)
    try:
        before = len(bot.connector.messages())
        response = await client.post(
            "/api/messages",
            json=activity(bot.connector.url, **_personal_event("conversationUpdate")),
        )
        assert response.status in (200, 201)
        assert len(bot.connector.messages()) == before
    finally:
        await client.close()
        await database.dispose()


async def test_a_member_other_than_the_bot_joining_gets_no_welcome(bot: BotHarness) -> None:
    sent = await bot.send(
        type="conversationUpdate", extra={"membersAdded": [{"id": "29:someone-else"}]}
    )
    assert sent == []


async def test_removal_from_a_team_is_recorded(bot: BotHarness) -> None:
    await bot.send(**_team_event("installationUpdate"))
    await bot.send(
        type="installationUpdate",
        conversation_id=GENERAL,
        conversation_type="channel",
        channel_data=channel_data(TEAM, GENERAL),
        extra={"action": "remove"},
    )
    [row] = await _installations(bot)
    assert row.removed_at is not None
