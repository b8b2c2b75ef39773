"""Subject rights under UK GDPR: export everything held about one request, or erase it.

Both are audited; erasure keeps the audit trail (who did what, when) but clears its notes, which
may quote personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.audit import note_context
from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import AuditEntry, OutboxMessage, Referral
from storage.outbox import payload_context
from storage.requests import details_context

# Audit actions that mean a request's data has already gone.
GONE_ACTIONS = ("erased", "purged")


class RequestNotFoundError(LookupError):
    """No request with that reference is held, and none ever was."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"no request with reference {reference!r}")
        self.reference = reference


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _referral(session: AsyncSession, reference: str) -> Referral | None:
    return (
        await session.execute(
            select(Referral).where(Referral.reference == reference).with_for_update()
        )
    ).scalar_one_or_none()


async def _audit_rows(session: AsyncSession, reference: str) -> list[AuditEntry]:
    return list(
        (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.reference == reference)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        )
        .scalars()
        .all()
    )


def _audit_json(cipher: FieldCipher, entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": _iso(entry.at),
        "actor": entry.actor,
        "actor_key": entry.actor_key,
        "action": entry.action,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "note": cipher.decrypt(entry.note, note_context(entry.reference)) if entry.note else None,
    }


async def export_request(
    db: Database, cipher: FieldCipher, reference: str, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Everything held about one request, decrypted, as JSON-ready data; the export is audited."""
    async with db.transaction() as session:
        row = await _referral(session, reference)
        if row is None:
            raise RequestNotFoundError(reference)
        context = details_context(reference)
        outbox = (
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.referral_id == row.id)
                    .order_by(OutboxMessage.id)
                )
            )
            .scalars()
            .all()
        )
        linked = (
            (
                await session.execute(
                    select(Referral.reference)
                    .where(Referral.linked_reference == reference)
                    .order_by(Referral.id)
                )
            )
            .scalars()
            .all()
        )
        exported: dict[str, Any] = {
            "reference": row.reference,
            "kind": row.kind,
            "status": row.status,
            "version": row.version,
            "draft_id": row.draft_id,
            "owner_key": row.owner_key,
            "linked_reference": row.linked_reference,
            "linked_requests": list(linked),
            "meeting_date": _iso(row.meeting_date),
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
            "closed_at": _iso(row.closed_at),
            "channel_conversation_id": row.channel_conversation_id,
            "channel_message_id": row.channel_message_id,
            "details": cipher.decrypt_json(row.details, context),
            "reply_address": (
                cipher.decrypt_json(row.reply_address, context) if row.reply_address else None
            ),
            "outbox": [
                {
                    "kind": message.kind,
                    "status": message.status,
                    "attempts": message.attempts,
                    "created_at": _iso(message.created_at),
                    "next_attempt_at": _iso(message.next_attempt_at),
                    "sent_at": _iso(message.sent_at),
                    "last_error": message.last_error,
                    "payload": cipher.decrypt_json(message.payload, payload_context(reference)),
                }
                for message in outbox
            ],
            "audit": [
                _audit_json(cipher, entry) for entry in await _audit_rows(session, reference)
            ],
            "exported_at": _iso(now),
            "exported_by": actor,
        }
        await audit.record(
            session, cipher, at=now, actor=actor, action="exported", reference=reference
        )
    return exported


async def erase_request(
    db: Database, cipher: FieldCipher, reference: str, *, actor: str, now: datetime
) -> bool:
    """Delete a request and its outbox rows, clear its audit notes and record the erasure.

    True when it was erased now; False when it had already gone (erased or purged before);
    `RequestNotFoundError` when no such request was ever held.
    """
    async with db.transaction() as session:
        row = await _referral(session, reference)
        if row is None:
            gone = (
                await session.execute(
                    select(AuditEntry.id)
                    .where(AuditEntry.reference == reference, AuditEntry.action.in_(GONE_ACTIONS))
                    .limit(1)
                )
            ).scalar_one_or_none()
            if gone is None:
                raise RequestNotFoundError(reference)
            return False
        await session.execute(delete(OutboxMessage).where(OutboxMessage.referral_id == row.id))
        await session.execute(delete(Referral).where(Referral.id == row.id))
        await session.execute(
            update(AuditEntry)
            .where(AuditEntry.reference == reference, AuditEntry.note.is_not(None))
            .values(note=None)
            .execution_options(synchronize_session=False)
        )
        await audit.record(
            session,
            cipher,
            at=now,
            actor=actor,
            action="erased",
            reference=reference,
            from_status=row.status,
        )
    return True
