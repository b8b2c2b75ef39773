"""Retention: delete what is no longer needed, leaving an audit record without personal data.

Two kinds of personal data expire: unfinished drafts (held in conversation state) after
DRAFT_RETENTION_DAYS without activity, and closed requests after REFERRAL_RETENTION_DAYS. The
audit trail itself is never deleted; only its notes, which may quote personal data, are cleared
for a purged request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from settings import Settings
from storage import audit
from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import AuditEntry, ConversationState, OutboxMessage, Referral
from storage.turns import forget_old_activities

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"

# A request is closed once the VIG team has finished with it in this service: declined at the
# allocation meeting, allocated to a practitioner (the work then lives in the council's case
# records, not here), or a peer contact arranged. Any request with closed_at set also counts, so a
# status added later that sets closed_at is purged without a change here. Open requests
# (submitted, awaiting the meeting) are kept however old they are.
CLOSED_STATUSES: frozenset[str] = frozenset({"declined", "allocated", "contact_arranged"})

# Requests purged per transaction: keeps locks short while turns are running.
PURGE_BATCH_SIZE = 100


@dataclass(frozen=True)
class PurgeReport:
    """What one purge deleted: counts and the (non-personal) references of purged requests."""

    drafts: int = 0
    requests: int = 0
    outbox: int = 0
    activities: int = 0
    references: tuple[str, ...] = ()


def _closed_request_due(cutoff: datetime) -> ColumnElement[bool]:
    closed = or_(Referral.closed_at.is_not(None), Referral.status.in_(sorted(CLOSED_STATUSES)))
    return closed & (func.coalesce(Referral.closed_at, Referral.updated_at) < cutoff)


async def _purge_drafts(
    db: Database, cipher: FieldCipher, cutoff: datetime, now: datetime, days: int
) -> int:
    async with db.transaction() as session:
        result = await session.execute(
            delete(ConversationState).where(ConversationState.updated_at < cutoff)
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            await audit.record(
                session,
                cipher,
                at=now,
                actor=SYSTEM_ACTOR,
                action="drafts_purged",
                note=f"{count} conversation drafts idle for more than {days} days",
            )
    return count


async def _purge_request_batch(
    db: Database, cipher: FieldCipher, cutoff: datetime, now: datetime, days: int
) -> tuple[list[str], int]:
    """Purge up to one batch of due requests; ([], 0) when none are left."""
    async with db.transaction() as session:
        # FOR UPDATE so that a request reopened by the team meanwhile is not purged (SQLite's
        # BEGIN IMMEDIATE already holds the write lock, and ignores the clause).
        rows = (
            await session.execute(
                select(Referral.id, Referral.reference, Referral.status)
                .where(_closed_request_due(cutoff))
                .order_by(Referral.id)
                .limit(PURGE_BATCH_SIZE)
                .with_for_update()
            )
        ).all()
        if not rows:
            return [], 0
        ids = [row.id for row in rows]
        references = [row.reference for row in rows]
        outbox = await session.execute(
            delete(OutboxMessage).where(OutboxMessage.referral_id.in_(ids))
        )
        await session.execute(delete(Referral).where(Referral.id.in_(ids)))
        await session.execute(
            update(AuditEntry)
            .where(AuditEntry.reference.in_(references), AuditEntry.note.is_not(None))
            .values(note=None)
            .execution_options(synchronize_session=False)
        )
        for row in rows:
            await audit.record(
                session,
                cipher,
                at=now,
                actor=SYSTEM_ACTOR,
                action="purged",
                reference=row.reference,
                from_status=row.status,
                note=f"retention: closed request ({row.status}) older than {days} days",
            )
        return references, int(getattr(outbox, "rowcount", 0) or 0)


async def purge_due(
    db: Database,
    cipher: FieldCipher,
    *,
    now: datetime,
    draft_retention_days: int,
    referral_retention_days: int,
) -> PurgeReport:
    """Delete idle drafts, closed requests past retention and old activity ids; count them."""
    drafts = await _purge_drafts(
        db, cipher, now - timedelta(days=draft_retention_days), now, draft_retention_days
    )
    cutoff = now - timedelta(days=referral_retention_days)
    purged: list[str] = []
    outbox = 0
    while True:
        references, outbox_rows = await _purge_request_batch(
            db, cipher, cutoff, now, referral_retention_days
        )
        if not references:
            break
        purged.extend(references)
        outbox += outbox_rows
    activities = await forget_old_activities(db, now)
    return PurgeReport(
        drafts=drafts,
        requests=len(purged),
        outbox=outbox,
        activities=activities,
        references=tuple(purged),
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


async def purge_loop(
    db: Database,
    cipher: FieldCipher,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = _utcnow,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> None:
    """Purge every `settings.purge_interval_seconds` for the server's lifetime; never raises."""
    while True:
        try:
            report = await purge_due(
                db,
                cipher,
                now=clock(),
                draft_retention_days=settings.draft_retention_days,
                referral_retention_days=settings.referral_retention_days,
            )
            log.info(
                "purge drafts=%d requests=%d outbox=%d activities=%d",
                report.drafts,
                report.requests,
                report.outbox,
                report.activities,
            )
        except Exception as exc:
            # The type only: a database error's message can quote the values it was given.
            log.warning("purge failed: %s", type(exc).__name__)
        await sleep(settings.purge_interval_seconds)
