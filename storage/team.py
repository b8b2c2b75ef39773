"""The VIG team's side of requests: installations, the inbox channel, and actions on requests.

`SqlTeamRecords` is the database side of `dialogs.ports.TeamRecords`. Every change is a
compare-and-swap on `referral.version`, and commits with its audit entry and the outbox rows
that tell the channel and the referrer (storage/outbox.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events import User
from dialogs.ports import InboxClaim, InboxInfo, TeamChange, TeamNote, TeamRequest
from storage import audit
from storage.crypto import FieldCipher
from storage.models import AuditEntry, Inbox, Referral, TeamInstallation
from storage.outbox import NOTIFY_REFERRER, THREAD_REPLY, UPDATE_CARD, enqueue
from storage.requests import details_context, owner_key

INBOX_ROW = 1  # there is one inbox


def channel_of(conversation_id: str | None) -> str | None:
    """The channel id of a channel conversation id ("<channel>;messageid=<root>")."""
    if not conversation_id:
        return None
    return conversation_id.split(";messageid=", 1)[0]


@dataclass(frozen=True)
class ChannelContext:
    """Where a channel event came from, as Teams reported it."""

    team_id: str
    channel_id: str
    service_url: str
    tenant_id: str | None = None
    team_name: str | None = None
    aad_group_id: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What the sender needs to deliver messages about one request."""

    referral_id: int
    reference: str
    channel_conversation_id: str | None
    channel_message_id: str | None
    reply_address: dict[str, Any] | None


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def record_installation(
    session: AsyncSession, context: ChannelContext, now: datetime
) -> None:
    """Remember a team the app is in (again, if it had been removed)."""
    stmt = _insert(session)(TeamInstallation).values(
        team_id=context.team_id,
        tenant_id=context.tenant_id,
        service_url=context.service_url,
        team_name=context.team_name,
        installed_at=now,
        removed_at=None,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["team_id"],
        set_={
            "tenant_id": context.tenant_id,
            "service_url": context.service_url,
            "team_name": context.team_name,
            "removed_at": None,
        },
    )
    await session.execute(stmt)


async def record_removal(session: AsyncSession, team_id: str, now: datetime) -> None:
    """Remember that the app was removed from a team."""
    await session.execute(
        update(TeamInstallation).where(TeamInstallation.team_id == team_id).values(removed_at=now)
    )


async def load_inbox(session: AsyncSession) -> Inbox | None:
    """The inbox row, if one is set."""
    return (await session.execute(select(Inbox).where(Inbox.id == INBOX_ROW))).scalar_one_or_none()


async def load_delivery(
    session: AsyncSession, cipher: FieldCipher, referral_id: int
) -> Delivery | None:
    """A request's channel message and reply address, for the sender."""
    row = await session.get(Referral, referral_id, populate_existing=True)
    if row is None:
        return None
    address = (
        cipher.decrypt_json(row.reply_address, details_context(row.reference))
        if row.reply_address
        else None
    )
    return Delivery(
        row.id, row.reference, row.channel_conversation_id, row.channel_message_id, address
    )


async def store_channel_message(
    session: AsyncSession, referral_id: int, conversation_id: str, message_id: str
) -> None:
    """Keep where a request's card was posted, so it can be edited and replied to."""
    await session.execute(
        update(Referral)
        .where(Referral.id == referral_id)
        .values(channel_conversation_id=conversation_id, channel_message_id=message_id)
    )


class SqlTeamRecords:
    """The team's records inside the turn's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        cipher: FieldCipher,
        *,
        channel: ChannelContext | None = None,
        allowed_team_id: str = "",
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.channel = channel
        self.allowed_team_id = allowed_team_id

    # -- the inbox

    async def inbox(self) -> InboxInfo | None:
        """The inbox channel, if one is set."""
        row = await load_inbox(self.session)
        if row is None:
            return None
        return InboxInfo(row.team_id, row.channel_id, row.set_by, row.set_at)

    async def _refuse(self, actor: User, now: datetime, why: str) -> None:
        team = self.channel.team_id if self.channel else "-"
        await self._audit_inbox(actor, now, "inbox_refused", note=f"{why}; team {team}")

    async def claim_inbox(self, *, actor: User, now: datetime) -> InboxClaim:
        """Make this event's channel the inbox, unless the settings or another team forbid it."""
        ctx = self.channel
        if ctx is None or not ctx.team_id or not ctx.channel_id:
            return InboxClaim("no_team", None)
        await record_installation(self.session, ctx, now)
        if self.allowed_team_id and self.allowed_team_id not in (ctx.team_id, ctx.aad_group_id):
            await self._refuse(actor, now, "VIG_TEAM_ID names another team")
            return InboxClaim("team_not_allowed", await self.inbox())
        values = {
            "team_id": ctx.team_id,
            "channel_id": ctx.channel_id,
            "tenant_id": ctx.tenant_id,
            "service_url": ctx.service_url,
            "set_by": (actor.name or "unknown")[:200],
            "set_at": now,
        }
        inserted = await self.session.execute(
            _insert(self.session)(Inbox)
            .values(id=INBOX_ROW, **values)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        if getattr(inserted, "rowcount", 0) == 1:
            await self._audit_inbox(actor, now, "inbox_set")
            return InboxClaim("set", await self.inbox())
        current = await self.session.get(Inbox, INBOX_ROW, populate_existing=True)
        assert current is not None
        if current.team_id != ctx.team_id:
            await self._refuse(actor, now, "another team holds the inbox")
            return InboxClaim("other_team", await self.inbox())
        if current.channel_id == ctx.channel_id:
            return InboxClaim("unchanged", await self.inbox())
        for name, value in values.items():
            setattr(current, name, value)
        await self.session.flush()
        await self._audit_inbox(actor, now, "inbox_moved")
        return InboxClaim("moved", await self.inbox())

    async def _audit_inbox(
        self, actor: User, now: datetime, action: str, note: str | None = None
    ) -> None:
        await audit.record(
            self.session,
            self.cipher,
            at=now,
            actor=actor.name or "unknown",
            actor_key=owner_key(actor.id),
            action=action,
            note=note,
        )

    # -- requests

    async def _history(self, reference: str) -> tuple[TeamNote, ...]:
        rows = (
            (
                await self.session.execute(
                    select(AuditEntry)
                    .where(AuditEntry.reference == reference)
                    .order_by(AuditEntry.at, AuditEntry.id)
                )
            )
            .scalars()
            .all()
        )
        return tuple(
            TeamNote(
                at=row.at,
                actor=row.actor,
                action=row.action,
                from_status=row.from_status,
                to_status=row.to_status,
                note=(
                    self.cipher.decrypt(row.note, audit.note_context(reference))
                    if row.note
                    else None
                ),
            )
            for row in rows
        )

    async def _view(self, row: Referral, *, with_history: bool) -> TeamRequest:
        return TeamRequest(
            reference=row.reference,
            kind="peer_contact" if row.kind == "peer_contact" else "referral",
            status=row.status,
            version=row.version,
            answers=self.cipher.decrypt_json(row.details, details_context(row.reference)),
            meeting_date=row.meeting_date,
            filed_at=row.created_at,
            linked_reference=row.linked_reference,
            channel_id=channel_of(row.channel_conversation_id),
            history=await self._history(row.reference) if with_history else (),
        )

    async def _row(self, reference: str) -> Referral | None:
        return (
            await self.session.execute(
                select(Referral)
                .where(Referral.reference == reference)
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()

    async def find_request(self, reference: str) -> TeamRequest | None:
        """A request by its reference, with its history."""
        row = await self._row(reference)
        return None if row is None else await self._view(row, with_history=True)

    async def change_request(self, change: TeamChange) -> bool:
        """Compare-and-swap the status; on success add the audit entry and the outbox rows."""
        row = await self._row(change.reference)
        if row is None or row.version != change.expected_version:
            return False
        from_status = row.status
        values: dict[str, Any] = {
            "status": change.to_status,
            "version": change.expected_version + 1,
            "updated_at": change.now,
        }
        if change.closes:
            values["closed_at"] = change.now
        result = await self.session.execute(
            update(Referral)
            .where(Referral.id == row.id, Referral.version == change.expected_version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        await audit.record(
            self.session,
            self.cipher,
            at=change.now,
            actor=change.actor.name or "unknown",
            actor_key=owner_key(change.actor.id),
            action=change.action,
            reference=change.reference,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
        )
        common: dict[str, Any] = {
            "referral_id": row.id,
            "reference": row.reference,
            "now": change.now,
        }
        enqueue(self.session, self.cipher, kind=UPDATE_CARD, **common)
        enqueue(
            self.session,
            self.cipher,
            kind=THREAD_REPLY,
            payload={"text": change.thread_text},
            **common,
        )
        if change.referrer_text:
            payload: dict[str, Any] = {"text": change.referrer_text}
            if change.referrer_card is not None:
                payload["card"] = change.referrer_card
            enqueue(self.session, self.cipher, kind=NOTIFY_REFERRER, payload=payload, **common)
        await self.session.flush()
        return True

    async def meeting_requests(
        self, *, meeting_date: date, open_statuses: Sequence[str], include_closed: bool
    ) -> list[TeamRequest]:
        """Open requests up to `meeting_date`, and with `include_closed` the rest for that day."""
        carried = and_(
            Referral.status.in_(list(open_statuses)),
            or_(Referral.meeting_date <= meeting_date, Referral.meeting_date.is_(None)),
        )
        condition = (
            or_(carried, Referral.meeting_date == meeting_date) if include_closed else carried
        )
        rows = (
            (
                await self.session.execute(
                    select(Referral).where(condition).order_by(Referral.created_at, Referral.id)
                )
            )
            .scalars()
            .all()
        )
        return [await self._view(row, with_history=False) for row in rows]

    async def owner_requests_in(self, owner_id: str, status: str) -> list[TeamRequest]:
        """The owner's requests in `status`, most recently changed first."""
        rows = (
            (
                await self.session.execute(
                    select(Referral)
                    .where(Referral.owner_key == owner_key(owner_id), Referral.status == status)
                    .order_by(Referral.updated_at.desc(), Referral.id.desc())
                )
            )
            .scalars()
            .all()
        )
        return [await self._view(row, with_history=False) for row in rows]
