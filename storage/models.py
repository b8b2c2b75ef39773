"""The tables.

Personal data lives only in the Text columns marked `# encrypted`; everything that is searched or
listed (reference, status, dates, hashed owner id) is not personal.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite stores no zone, so it is put back here)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base class of every table."""


class ConversationState(Base):
    """One conversation's state as JSON, with a version for compare-and-swap."""

    __tablename__ = "conversation_state"

    conversation_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False)  # encrypted JSON
    user_key: Mapped[str | None] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ProcessedActivity(Base):
    """Activities already handled, so that a retried delivery has one effect."""

    __tablename__ = "processed_activity"

    conversation_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    activity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ReferenceCounter(Base):
    """The last number given out in each series (e.g. 'VIG-2026'); numbers are never reused."""

    __tablename__ = "reference_counter"

    series: Mapped[str] = mapped_column(String(24), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Referral(Base):
    """A filed request: a referral for VIG, or a peer-contact request."""

    __tablename__ = "referral"
    __table_args__ = (UniqueConstraint("draft_id", "kind", name="uq_referral_draft_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    draft_id: Mapped[str] = mapped_column(String(64), nullable=False)
    owner_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    linked_reference: Mapped[str | None] = mapped_column(String(32))
    meeting_date: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    details: Mapped[str] = mapped_column(Text, nullable=False)  # encrypted JSON: the answers
    reply_address: Mapped[str | None] = mapped_column(Text)  # encrypted JSON
    channel_conversation_id: Mapped[str | None] = mapped_column(String(512))
    channel_message_id: Mapped[str | None] = mapped_column(String(256))


class AuditEntry(Base):
    """Append-only: who did what to which request, when. Never purged."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)  # staff name, or "system"
    actor_key: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(32), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)  # encrypted; cleared when a request is erased


class OutboxMessage(Base):
    """Something to send to Teams, committed with the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[str] = mapped_column(Text, nullable=False)  # encrypted JSON
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(300))  # status codes only, no data
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TeamInstallation(Base):
    """A team the app is installed in, with what is needed to post there."""

    __tablename__ = "team_installation"

    team_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(512), nullable=False)
    team_name: Mapped[str | None] = mapped_column(String(256))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Inbox(Base):
    """The one channel where the VIG team receives requests."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    team_id: Mapped[str] = mapped_column(String(256), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(256), nullable=False)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(512), nullable=False)
    set_by: Mapped[str] = mapped_column(String(200), nullable=False)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
