"""The outbox: messages for Teams, committed with the change that caused them, sent later.

A sender claims due rows with a lease (so a crash mid-send means the row comes round again: a
message is normally sent once and never lost), sends them outside any transaction, then marks
them sent, reschedules them with backoff, or marks them dead after too many attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import OutboxMessage, Referral

POST_REQUEST = "post_request"
UPDATE_CARD = "update_card"
THREAD_REPLY = "thread_reply"
NOTIFY_REFERRER = "notify_referrer"
# Kinds that go to the inbox channel, so wait while there is none.
CHANNEL_KINDS = (POST_REQUEST, UPDATE_CARD, THREAD_REPLY)

PENDING = "pending"
SENT = "sent"
DEAD = "dead"
# Long enough for the slowest send; a claimed row is only taken again once this has passed.
LEASE = timedelta(seconds=120)


def payload_context(reference: str) -> str:
    """Associated data binding an outbox payload to the request it is about."""
    return f"outbox:{reference}"


@dataclass(frozen=True)
class OutboxItem:
    """A claimed row: what to send and for which request."""

    id: int
    kind: str
    referral_id: int | None
    reference: str | None
    attempts: int
    payload: dict[str, Any]


def enqueue(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    kind: str,
    referral_id: int,
    reference: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Add a message to send to the session's transaction."""
    session.add(
        OutboxMessage(
            kind=kind,
            referral_id=referral_id,
            payload=cipher.encrypt_json(payload or {}, payload_context(reference)),
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


async def claim_due(
    db: Database,
    cipher: FieldCipher,
    now: datetime,
    *,
    include_channel: bool,
    limit: int = 50,
) -> list[OutboxItem]:
    """Take up to `limit` due rows, oldest first, leasing them so no other sender takes them.

    On PostgreSQL rows locked by another instance are skipped; SQLite runs one process.
    """
    async with db.transaction() as session:
        query = (
            select(OutboxMessage, Referral.reference)
            .outerjoin(Referral, Referral.id == OutboxMessage.referral_id)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if not include_channel:
            query = query.where(OutboxMessage.kind.not_in(CHANNEL_KINDS))
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        rows = (await session.execute(query)).all()
        items = []
        for message, reference in rows:
            message.attempts += 1
            message.next_attempt_at = now + LEASE
            payload = (
                cipher.decrypt_json(message.payload, payload_context(reference))
                if reference
                else {}
            )
            items.append(
                OutboxItem(
                    message.id,
                    message.kind,
                    message.referral_id,
                    reference,
                    message.attempts,
                    payload,
                )
            )
        return items


async def mark_sent_in(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    """Record, in the session's transaction, that these rows were delivered."""
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=SENT, sent_at=now, last_error=None)
        )


async def mark_sent(db: Database, ids: Sequence[int], now: datetime) -> None:
    """Record that these rows were delivered."""
    async with db.transaction() as session:
        await mark_sent_in(session, ids, now)


async def reschedule(
    db: Database, item_id: int, at: datetime, error: str | None, *, undo_attempt: bool = False
) -> None:
    """Try a row again at `at`; `undo_attempt` when it was only waiting, not failing."""
    values: dict[str, Any] = {"next_attempt_at": at}
    if error is not None:
        values["last_error"] = error[:300]
    if undo_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == item_id).values(**values)
        )


async def mark_dead(db: Database, item_id: int, error: str) -> None:
    """Give up on a row; it stays in the table, visible, never silently dropped."""
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(status=DEAD, last_error=error[:300])
        )


async def pending_count(db: Database) -> int:
    """How many rows are still waiting to be sent."""
    async with db.transaction() as session:
        rows = (
            await session.execute(select(OutboxMessage.id).where(OutboxMessage.status == PENDING))
        ).all()
        return len(rows)
