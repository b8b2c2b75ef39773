"""Subject rights: export everything held about a request, erase it, and audit both."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage.crypto import DecryptionError, FieldCipher, generate_key_spec, parse_keys
from storage.db import Database
from storage.models import AuditEntry, OutboxMessage
from storage.retention import purge_due
from storage.subject_rights import RequestNotFoundError, erase_request, export_request
from tests.test_privacy_support import (
    ANSWERS,
    NOW,
    REPLY_ADDRESS,
    add_note,
    file_request,
    references,
    set_status,
)

LATER = NOW + timedelta(hours=1)


async def audit_actions(db: Database, reference: str) -> list[tuple[str, str, bool]]:
    """(action, actor, has a note) for each audit row of `reference`, oldest first."""
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.reference == reference).order_by(AuditEntry.id)
            )
        ).scalars()
        return [(row.action, row.actor, row.note is not None) for row in rows]


async def test_export_holds_the_decrypted_answers_and_reply_address(db, cipher):
    reference = await file_request(db, cipher)
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert exported["details"] == ANSWERS
    assert exported["reply_address"] == REPLY_ADDRESS


async def test_export_holds_the_non_personal_columns(db, cipher):
    reference = await file_request(db, cipher)
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert exported["reference"] == reference
    assert (exported["kind"], exported["status"]) == ("referral", "submitted")
    assert exported["meeting_date"] == "2026-12-03"
    assert exported["created_at"] == NOW.isoformat()


async def test_export_holds_outbox_rows_decrypted(db, cipher):
    reference = await file_request(db, cipher)
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert [(m["kind"], m["status"], m["payload"]) for m in exported["outbox"]] == [
        ("post_request", "pending", {})
    ]


async def test_export_holds_audit_entries_with_decrypted_notes(db, cipher):
    reference = await file_request(db, cipher)
    await add_note(db, cipher, reference, "Looked at Zebedee's request")
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert [(e["action"], e["note"]) for e in exported["audit"]] == [
        ("filed", None),
        ("viewed", "Looked at Zebedee's request"),
    ]


async def test_export_lists_requests_linked_to_it(db, cipher):
    reference = await file_request(db, cipher)
    peer = await file_request(db, cipher, kind="peer_contact", linked_reference=reference)
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert exported["linked_requests"] == [peer]


async def test_export_is_json_serialisable(db, cipher):
    reference = await file_request(db, cipher)
    exported = await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert json.loads(json.dumps(exported)) == exported


async def test_export_is_audited_with_who_and_when(db, cipher):
    reference = await file_request(db, cipher)
    await export_request(db, cipher, reference, actor="dpo", now=LATER)
    assert (await audit_actions(db, reference))[-1] == ("exported", "dpo", False)


async def test_export_of_an_unknown_reference_is_a_clear_error(db, cipher):
    with pytest.raises(RequestNotFoundError, match="VIG-2026-9999"):
        await export_request(db, cipher, "VIG-2026-9999", actor="dpo", now=LATER)


async def test_export_with_the_wrong_key_fails_loudly_and_is_not_audited(db, cipher):
    reference = await file_request(db, cipher)
    wrong = FieldCipher(parse_keys(generate_key_spec(cipher.current.key_id)))
    with pytest.raises(DecryptionError):
        await export_request(db, wrong, reference, actor="dpo", now=LATER)
    assert [a for a, _, _ in await audit_actions(db, reference)] == ["filed"]


async def test_erase_deletes_the_request_and_its_outbox_rows(db, cipher):
    reference = await file_request(db, cipher)
    kept = await file_request(db, cipher)
    assert await erase_request(db, cipher, reference, actor="dpo", now=LATER) is True
    assert await references(db) == {kept}
    async with db.transaction() as session:
        assert (await session.execute(select(func.count(OutboxMessage.id)))).scalar_one() == 1


async def test_erase_keeps_the_audit_trail_clears_its_notes_and_records_the_erasure(db, cipher):
    reference = await file_request(db, cipher)
    await add_note(db, cipher, reference, "Zebedee's mum phoned")
    await erase_request(db, cipher, reference, actor="dpo", now=LATER)
    assert await audit_actions(db, reference) == [
        ("filed", "referrer", False),
        ("viewed", "VIG team", False),
        ("erased", "dpo", False),
    ]


async def test_erase_records_the_status_the_request_had(db, cipher):
    reference = await file_request(db, cipher)
    await erase_request(db, cipher, reference, actor="dpo", now=LATER)
    async with db.transaction() as session:
        erased = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "erased"))
        ).scalar_one()
    assert (erased.from_status, erased.at) == ("submitted", LATER)


async def test_erasing_again_answers_false_and_adds_no_record(db, cipher):
    reference = await file_request(db, cipher)
    await erase_request(db, cipher, reference, actor="dpo", now=LATER)
    assert await erase_request(db, cipher, reference, actor="dpo", now=LATER) is False
    assert [a for a, _, _ in await audit_actions(db, reference)] == ["filed", "erased"]


async def test_erasing_a_purged_request_answers_false(db, cipher):
    long_ago = NOW - timedelta(days=3000)
    reference = await file_request(db, cipher, now=long_ago)
    await set_status(db, reference, "declined", updated_at=long_ago)
    await purge_due(db, cipher, now=NOW, draft_retention_days=30, referral_retention_days=2190)
    assert await erase_request(db, cipher, reference, actor="dpo", now=LATER) is False


async def test_erase_of_an_unknown_reference_is_a_clear_error(db, cipher):
    with pytest.raises(RequestNotFoundError, match="VIG-2026-9999"):
        await erase_request(db, cipher, "VIG-2026-9999", actor="dpo", now=LATER)


async def test_an_erased_request_cannot_be_exported(db, cipher):
    reference = await file_request(db, cipher)
    await erase_request(db, cipher, reference, actor="dpo", now=LATER)
    with pytest.raises(RequestNotFoundError):
        await export_request(db, cipher, reference, actor="dpo", now=LATER)
