"""Filed requests: the database side of `dialogs.ports.RequestRecords`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events import User
from dialogs.ports import FiledRequest, RequestKind, RequestSummary
from storage import audit, outbox
from storage.crypto import FieldCipher
from storage.keys import hash_id
from storage.models import ReferenceCounter, Referral

SERIES_PREFIX: dict[str, str] = {"referral": "VIG", "peer_contact": "VIG-PC"}


def owner_key(user_id: str) -> str:
    """The hashed id a request's owner is found by."""
    return hash_id(user_id, "owner")


def details_context(reference: str) -> str:
    """Associated data binding a request's encrypted fields to its reference."""
    return f"referral:{reference}"


async def next_reference(session: AsyncSession, kind: RequestKind, year: int) -> str:
    """Take the next number in the kind's series for `year`; safe under concurrent filing."""
    series = f"{SERIES_PREFIX[kind]}-{year}"
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert_fn(ReferenceCounter)
        .values(series=series, last=1)
        .on_conflict_do_update(index_elements=["series"], set_={"last": ReferenceCounter.last + 1})
        .returning(ReferenceCounter.last)
    )
    number = (await session.execute(stmt)).scalar_one()
    return f"{series}-{number:04d}"


class SqlRequestRecords:
    """Files and lists requests inside the turn's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        cipher: FieldCipher,
        *,
        reply_address: dict[str, Any] | None = None,
        initials_of: Callable[[dict[str, Any]], str] | None = None,
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.reply_address = reply_address
        self.initials_of = initials_of or (lambda answers: str(answers.get("child_initials", "")))

    async def file_request(
        self,
        *,
        draft_id: str,
        kind: RequestKind,
        owner: User,
        answers: dict[str, Any],
        now: datetime,
        meeting_date: date,
        linked_reference: str | None = None,
    ) -> FiledRequest:
        """File once per (draft_id, kind), with an outbox row to post it to the team."""
        existing = (
            await self.session.execute(
                select(Referral).where(Referral.draft_id == draft_id, Referral.kind == kind)
            )
        ).scalar_one_or_none()
        if existing is not None:
            return FiledRequest(
                existing.reference, kind, existing.meeting_date or meeting_date, created=False
            )
        reference = await next_reference(self.session, kind, now.year)
        context = details_context(reference)
        referral = Referral(
            reference=reference,
            kind=kind,
            status="submitted",
            version=1,
            draft_id=draft_id,
            owner_key=owner_key(owner.id),
            linked_reference=linked_reference,
            meeting_date=meeting_date,
            created_at=now,
            updated_at=now,
            details=self.cipher.encrypt_json(answers, context),
            reply_address=(
                self.cipher.encrypt_json(self.reply_address, context)
                if self.reply_address
                else None
            ),
        )
        self.session.add(referral)
        await self.session.flush()
        await audit.record(
            self.session,
            self.cipher,
            at=now,
            actor="referrer",
            actor_key=owner_key(owner.id),
            action="filed",
            reference=reference,
            to_status="submitted",
        )
        outbox.enqueue(
            self.session,
            self.cipher,
            kind=outbox.POST_REQUEST,
            referral_id=referral.id,
            reference=reference,
            now=now,
        )
        await self.session.flush()
        return FiledRequest(reference, kind, meeting_date, created=True)

    async def requests_for_owner(self, owner_id: str) -> list[RequestSummary]:
        """The owner's own requests, newest first."""
        rows = (
            (
                await self.session.execute(
                    select(Referral)
                    .where(Referral.owner_key == owner_key(owner_id))
                    .order_by(Referral.created_at.desc(), Referral.id.desc())
                )
            )
            .scalars()
            .all()
        )
        summaries = []
        for row in rows:
            answers = self.cipher.decrypt_json(row.details, details_context(row.reference))
            summaries.append(
                RequestSummary(
                    reference=row.reference,
                    kind="peer_contact" if row.kind == "peer_contact" else "referral",
                    status=row.status,
                    child_initials=self.initials_of(answers),
                    meeting_date=row.meeting_date,
                    filed_at=row.created_at,
                )
            )
        return summaries
