"""Helpers shared by the team channel, outbox and install tests (no tests of its own).

The router sends channel events and team card presses to `dialogs.team`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from app import CIPHER, OUTBOX_SENDER
from bot.channel import ChannelSender
from dialogs.events import User
from storage.models import AuditEntry, OutboxMessage, Referral
from storage.requests import SqlRequestRecords
from tests.conftest import BotHarness, activity
from tests.fake_connector import Sent

TEAM = "19:vig-team@thread.tacv2"
GENERAL = TEAM  # a team's General channel has the team's id
INBOX = "19:vig-requests@thread.tacv2"
OTHER_TEAM = "19:other-team@thread.tacv2"
REFERRER = User(id="aad-hannah", name="Hannah Visitor", email="hannah@example.org")
REFERRER_CHAT = "a:personal-hannah"
LATER = datetime(2099, 1, 1, tzinfo=UTC)  # a drain "now" after every backoff

ANSWERS: dict[str, Any] = {
    "risk": "no",
    "role": "health_visitor",
    "referrer_name": "Hannah Visitor",
    "referrer_email": "hannah@example.org",
    "referrer_team": "Truro health visiting",
    "child_dob": "2024-04-03",
    "case_holder": "Hannah Visitor (Health visitor), who made this request",
    "family_choice": "yes",
    "criteria": ["warmth", "bonding"],
    "criteria_evidence": "Mum rarely smiles at the baby and looks away when he cries. " * 6,
    "assessment_indicates": "yes",
    "assessment_details": "Early Help assessment, May 2026.",
    "professionals_discussed": "yes",
    "professionals_who": "GP and nursery key worker",
    "professionals_clear": "yes",
    "change_hoped": "Mum notices when he wants to play and joins in.",
    "change_agreed": "yes",
    "child_experience": "He would feel noticed and calmer.",
    "parent_clear": "yes",
    "child_name": "Oliver Penrose",
    "child_lives_with": "Mum",
    "parent_name": "Jenna Penrose",
    "parent_relationship": "birth_parent",
    "session_place": "Family home",
    "lone_working": "yes",
    "lone_working_details": "A large dog; ask for it to be shut away.",
    "peer_contact": "no",
}


@pytest.fixture
async def team_bot(bot: BotHarness) -> AsyncIterator[BotHarness]:
    """The bot, as the team's tests use it (the router sends team events to dialogs.team)."""
    yield bot


def app_of(bot: BotHarness) -> web.Application:
    """The application under test."""
    app = bot.client.app
    assert app is not None
    return app


def sender(bot: BotHarness) -> ChannelSender:
    """The app's outbox sender."""
    return app_of(bot)[OUTBOX_SENDER]


def channel_data(team_id: str = TEAM, channel_id: str = INBOX) -> dict[str, Any]:
    """channelData as Teams sends it in a team channel."""
    return {
        "team": {"id": team_id, "name": "VIG Team"},
        "channel": {"id": channel_id},
        "tenant": {"id": "tenant-1"},
    }


async def mention(
    bot: BotHarness,
    text: str,
    *,
    team_id: str = TEAM,
    channel_id: str = INBOX,
    user_name: str = "Sam Lead",
) -> list[Sent]:
    """@mention the bot in a channel with `text`; the messages it sent back."""
    return await bot.send(
        text=f"<at>VIG Requests</at> {text}",
        conversation_id=f"{channel_id};messageid=post-1",
        conversation_type="channel",
        channel_data=channel_data(team_id, channel_id),
        user_name=user_name,
        user_id=f"29:{user_name}",
        aad_id=f"aad-{user_name}",
    )


async def set_inbox(bot: BotHarness) -> None:
    """Make INBOX the inbox channel."""
    await mention(bot, "use this channel for VIG requests")


def reply_address(bot: BotHarness) -> dict[str, Any]:
    """The referrer's personal chat, as stored when they filed."""
    return {
        "activityId": "act-filed",
        "bot": {"id": "28:vig-bot", "name": "VIG Requests"},
        "channelId": "msteams",
        "conversation": {"id": REFERRER_CHAT, "conversationType": "personal"},
        "serviceUrl": bot.connector.url,
        "user": {"id": "29:user-hannah", "name": "Hannah Visitor"},
    }


async def file_request(
    bot: BotHarness,
    *,
    kind: str = "referral",
    draft_id: str = "draft-1",
    now: datetime | None = None,
    meeting: date = date(2026, 12, 3),
    answers: dict[str, Any] | None = None,
) -> str:
    """File a request as the referral conversation does; its reference."""
    async with bot.db.transaction() as session:
        records = SqlRequestRecords(session, app_of(bot)[CIPHER], reply_address=reply_address(bot))
        filed = await records.file_request(
            draft_id=draft_id,
            kind="peer_contact" if kind == "peer_contact" else "referral",
            owner=REFERRER,
            answers=answers or ANSWERS,
            now=now or datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
            meeting_date=meeting,
        )
    return filed.reference


async def referral_row(bot: BotHarness, reference: str) -> Referral:
    """The stored request."""
    async with bot.db.transaction() as session:
        row = (
            await session.execute(select(Referral).where(Referral.reference == reference))
        ).scalar_one()
        return row


async def audit_rows(bot: BotHarness, reference: str) -> list[AuditEntry]:
    """The audit trail of a request, oldest first."""
    async with bot.db.transaction() as session:
        rows = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.reference == reference).order_by(AuditEntry.id)
            )
        ).scalars()
        return list(rows)


async def outbox_rows(bot: BotHarness) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    async with bot.db.transaction() as session:
        return list(
            (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        )


async def posted(bot: BotHarness, reference: str) -> tuple[str, str]:
    """Set the inbox, post the request's card; (channel conversation id, root message id)."""
    await set_inbox(bot)
    await sender(bot).drain(LATER)
    row = await referral_row(bot, reference)
    assert row.channel_conversation_id and row.channel_message_id
    return row.channel_conversation_id, row.channel_message_id


def created_cards(bot: BotHarness) -> list[Sent]:
    """New threads the bot started in channels."""
    return [s for s in bot.connector.sent if "_create" in s.body]


async def press(
    bot: BotHarness,
    verb: str,
    reference: str,
    version: int,
    *,
    conversation_id: str,
    user_name: str = "Sam Lead",
    inputs: dict[str, Any] | None = None,
    conversation_type: str = "channel",
    aad_id: str | None = None,
) -> dict[str, Any]:
    """Press a team button (Action.Execute); the invoke answer."""
    data = {
        "verb": verb,
        "reference": reference,
        "version": version,
        "token": "t",
        **(inputs or {}),
    }
    body = activity(
        bot.connector.url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        conversation_id=conversation_id,
        conversation_type=conversation_type,
        channel_data=channel_data(),
        user_name=user_name,
        user_id=f"29:{user_name}",
        aad_id=aad_id or f"aad-{user_name}",
    )
    response = await bot.post(body)
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


def card_texts(card: dict[str, Any]) -> str:
    """Every piece of text on a card, joined, for searching."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def sent_to(bot: BotHarness, conversation_id: str) -> list[Sent]:
    """Messages the bot sent into one conversation."""
    return [s for s in bot.connector.sent if s.conversation_id == conversation_id]
