"""Retention: the purge removes exactly what is due and leaves a record without personal data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from settings import Settings
from storage import audit
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import AuditEntry, OutboxMessage, ProcessedActivity
from storage.retention import CLOSED_STATUSES, PurgeReport, purge_due, purge_loop
from tests.test_privacy_support import (
    NOW,
    SECRETS,
    add_note,
    file_request,
    references,
    save_draft,
    set_status,
)

DRAFT_DAYS = 30
REFERRAL_DAYS = 2190
LONG_AGO = NOW - timedelta(days=REFERRAL_DAYS + 10)


async def purge(db: Database, cipher: FieldCipher) -> PurgeReport:
    return await purge_due(
        db,
        cipher,
        now=NOW,
        draft_retention_days=DRAFT_DAYS,
        referral_retention_days=REFERRAL_DAYS,
    )


async def audit_rows(db: Database, reference: str | None = None) -> list[AuditEntry]:
    async with db.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if reference is not None:
            query = query.where(AuditEntry.reference == reference)
        return list((await session.execute(query)).scalars().all())


async def test_an_idle_draft_is_deleted_after_the_draft_retention(db, cipher):
    await save_draft(db, cipher, "old", now=NOW - timedelta(days=DRAFT_DAYS, minutes=1))
    report = await purge(db, cipher)
    assert report.drafts == 1
    async with db.transaction() as session:
        assert await ConversationStore(cipher).load(session, "old") == ({}, 0)


async def test_a_recent_draft_is_kept(db, cipher):
    await save_draft(db, cipher, "fresh", now=NOW - timedelta(days=DRAFT_DAYS - 1))
    report = await purge(db, cipher)
    assert report.drafts == 0
    async with db.transaction() as session:
        state, version = await ConversationStore(cipher).load(session, "fresh")
    assert version == 1 and "referral" in state


async def test_an_open_request_is_kept_however_old(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO - timedelta(days=3000))
    report = await purge(db, cipher)
    assert report.requests == 0
    assert await references(db) == {reference}


@pytest.mark.parametrize("status", sorted(CLOSED_STATUSES))
async def test_a_closed_request_past_retention_is_purged_with_its_outbox(db, cipher, status):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, status, updated_at=LONG_AGO)
    report = await purge(db, cipher)
    assert report.references == (reference,)
    assert report.outbox == 1
    assert await references(db) == set()
    async with db.transaction() as session:
        assert (await session.execute(select(func.count(OutboxMessage.id)))).scalar_one() == 0


async def test_a_request_with_closed_at_set_counts_as_closed_whatever_its_status(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, "withdrawn", updated_at=LONG_AGO, closed_at=LONG_AGO)
    report = await purge(db, cipher)
    assert report.references == (reference,)


async def test_closed_at_not_last_update_starts_the_retention_clock(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    recently = NOW - timedelta(days=10)
    await set_status(db, reference, "declined", updated_at=LONG_AGO, closed_at=recently)
    report = await purge(db, cipher)
    assert report.requests == 0
    assert await references(db) == {reference}


async def test_a_recently_closed_request_is_kept(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, "declined", updated_at=NOW - timedelta(days=REFERRAL_DAYS - 1))
    report = await purge(db, cipher)
    assert report.requests == 0
    assert await references(db) == {reference}


async def test_purge_removes_exactly_what_is_due(db, cipher):
    await save_draft(db, cipher, "old", now=NOW - timedelta(days=DRAFT_DAYS + 1))
    await save_draft(db, cipher, "fresh", now=NOW - timedelta(days=1))
    open_old = await file_request(db, cipher, now=LONG_AGO)
    closed_old = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, closed_old, "allocated", updated_at=LONG_AGO)
    closed_recent = await file_request(db, cipher, now=NOW - timedelta(days=40))
    await set_status(db, closed_recent, "declined", updated_at=NOW - timedelta(days=20))
    report = await purge(db, cipher)
    assert (report.drafts, report.requests, report.references) == (1, 1, (closed_old,))
    assert await references(db) == {open_old, closed_recent}


async def test_a_purged_request_leaves_a_system_audit_record_with_its_status(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, "declined", updated_at=LONG_AGO)
    await purge(db, cipher)
    purged = [row for row in await audit_rows(db, reference) if row.action == "purged"]
    assert len(purged) == 1
    assert (purged[0].actor, purged[0].from_status, purged[0].at) == ("system", "declined", NOW)
    assert purged[0].note is not None
    reason = cipher.decrypt(purged[0].note, audit.note_context(reference))
    assert "retention" in reason
    assert not any(secret in reason for secret in SECRETS)


async def test_purge_keeps_audit_rows_but_clears_their_notes(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await add_note(
        db,
        cipher,
        reference,
        "Declined: Zebedee is already getting support",
        action="declined",
        at=LONG_AGO,
    )
    await set_status(db, reference, "declined", updated_at=LONG_AGO)
    await purge(db, cipher)
    rows = await audit_rows(db, reference)
    assert [row.action for row in rows] == ["filed", "declined", "purged"]
    assert [row.note is None for row in rows] == [True, True, False]


async def test_purged_drafts_leave_one_count_only_record(db, cipher):
    await save_draft(db, cipher, "old-1", now=NOW - timedelta(days=DRAFT_DAYS + 1))
    await save_draft(db, cipher, "old-2", now=NOW - timedelta(days=DRAFT_DAYS + 5))
    await purge(db, cipher)
    (record,) = await audit_rows(db)
    assert (record.action, record.actor, record.reference) == ("drafts_purged", "system", None)
    assert record.note is not None
    assert cipher.decrypt(record.note, audit.note_context(None)).startswith("2 ")


async def test_a_purge_with_nothing_due_writes_no_audit_record(db, cipher):
    await file_request(db, cipher)
    await purge(db, cipher)
    assert [row.action for row in await audit_rows(db)] == ["filed"]


async def test_old_processed_activity_ids_are_forgotten(db, cipher):
    async with db.transaction() as session:
        session.add(
            ProcessedActivity(
                conversation_key="c", activity_key="old", seen_at=NOW - timedelta(days=3)
            )
        )
        session.add(ProcessedActivity(conversation_key="c", activity_key="new", seen_at=NOW))
    report = await purge(db, cipher)
    assert report.activities == 1


async def test_purging_twice_purges_once(db, cipher):
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, "declined", updated_at=LONG_AGO)
    await purge(db, cipher)
    second = await purge(db, cipher)
    assert second == PurgeReport()
    assert [row.action for row in await audit_rows(db, reference)] == ["filed", "purged"]


class _Stop(BaseException):
    """Ends the loop in a test; a BaseException, as cancellation is."""


async def test_purge_loop_survives_a_failing_purge_and_logs_the_type_only(tmp_path, cipher, caplog):
    broken = Database(f"sqlite+aiosqlite:///{tmp_path / 'not-migrated.sqlite3'}")
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _Stop

    settings = Settings(purge_interval_seconds=7)
    with pytest.raises(_Stop):
        await purge_loop(broken, cipher, settings, clock=lambda: NOW, sleep=sleep)
    await broken.dispose()
    assert sleeps == [7, 7]
    failures = [r.getMessage() for r in caplog.records if "purge failed" in r.getMessage()]
    assert failures == ["purge failed: OperationalError"] * 2


async def test_purge_loop_logs_counts_only(db, cipher, caplog):
    caplog.set_level("INFO", logger="storage.retention")
    reference = await file_request(db, cipher, now=LONG_AGO)
    await set_status(db, reference, "declined", updated_at=LONG_AGO)

    async def sleep(seconds: float) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await purge_loop(db, cipher, Settings(), clock=lambda: NOW, sleep=sleep)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "storage.retention"]
    assert line == "purge drafts=0 requests=1 outbox=1 activities=0"
