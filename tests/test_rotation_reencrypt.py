"""Key rotation: old values stay readable, reencrypt moves them all, then the old key can go."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.conversations import ConversationStore
from storage.crypto import DecryptionError, FieldCipher, generate_key_spec, parse_keys
from storage.db import Database
from storage.models import AuditEntry, ConversationState, OutboxMessage, Referral
from storage.requests import SqlRequestRecords
from storage.rotation import reencrypt_all, values_on_old_keys
from storage.subject_rights import export_request
from tests.test_privacy_support import ANSWERS, NOW, REFERRER, add_note, file_request, save_draft

OLD_SPEC = generate_key_spec("old1")
NEW_SPEC = generate_key_spec("new2")


def keys(*specs: str) -> FieldCipher:
    return FieldCipher(parse_keys(",".join(specs)))


async def write_everything(db: Database, cipher: FieldCipher) -> str:
    """A draft, a filed request (details, reply address, outbox) and an audit note."""
    await save_draft(db, cipher, "conv-1")
    reference = await file_request(db, cipher)
    await add_note(db, cipher, reference, "n")
    return reference


async def stored_key_ids(db: Database) -> set[str]:
    async with db.transaction() as session:
        values = [
            *(await session.execute(select(ConversationState.state))).scalars(),
            *(await session.execute(select(Referral.details))).scalars(),
            *(await session.execute(select(Referral.reply_address))).scalars(),
            *(await session.execute(select(OutboxMessage.payload))).scalars(),
            *(await session.execute(select(AuditEntry.note))).scalars(),
        ]
    return {value.split(".")[1] for value in values if value is not None}


async def test_values_under_an_old_key_stay_readable_after_a_new_key_is_added(db):
    reference = await write_everything(db, keys(OLD_SPEC))
    rotated = keys(NEW_SPEC, OLD_SPEC)
    exported = await export_request(db, rotated, reference, actor="dpo", now=NOW)
    assert exported["details"] == ANSWERS
    async with db.transaction() as session:
        state, _ = await ConversationStore(rotated).load(session, "conv-1")
        (summary,) = await SqlRequestRecords(session, rotated).requests_for_owner(REFERRER.id)
    assert state["referral"]["answers"] == ANSWERS
    assert summary.child_initials == "ZQ"


async def test_new_values_use_the_new_key(db):
    await write_everything(db, keys(NEW_SPEC, OLD_SPEC))
    assert await stored_key_ids(db) == {"new2"}


async def test_reencrypt_moves_every_encrypted_column_to_the_new_key(db):
    await write_everything(db, keys(OLD_SPEC))
    rotated = keys(NEW_SPEC, OLD_SPEC)
    assert await values_on_old_keys(db, rotated) == 5
    assert await reencrypt_all(db, rotated) == 5
    assert await stored_key_ids(db) == {"new2"}
    assert await values_on_old_keys(db, rotated) == 0


async def test_after_reencrypt_the_old_key_can_be_removed(db):
    reference = await write_everything(db, keys(OLD_SPEC))
    await reencrypt_all(db, keys(NEW_SPEC, OLD_SPEC))
    new_only = keys(NEW_SPEC)
    exported = await export_request(db, new_only, reference, actor="dpo", now=NOW)
    assert exported["details"] == ANSWERS
    assert exported["reply_address"] is not None
    assert [e["note"] for e in exported["audit"]] == [None, "n"]
    async with db.transaction() as session:
        state, _ = await ConversationStore(new_only).load(session, "conv-1")
    assert state["referral"]["answers"] == ANSWERS


async def test_removing_the_old_key_before_reencrypt_fails_loudly_naming_it(db):
    await write_everything(db, keys(OLD_SPEC))
    async with db.transaction() as session:
        with pytest.raises(DecryptionError, match="old1"):
            await ConversationStore(keys(NEW_SPEC)).load(session, "conv-1")


async def test_reencrypt_is_safe_to_run_again(db):
    await write_everything(db, keys(OLD_SPEC))
    rotated = keys(NEW_SPEC, OLD_SPEC)
    await reencrypt_all(db, rotated)
    assert await reencrypt_all(db, rotated) == 0


async def test_reencrypt_works_through_many_small_batches(db):
    old = keys(OLD_SPEC)
    for n in range(5):
        await save_draft(db, old, f"conv-{n}")
        await file_request(db, old)
    rotated = keys(NEW_SPEC, OLD_SPEC)
    assert await reencrypt_all(db, rotated, batch_size=2) == 5 * 4
    assert await values_on_old_keys(db, rotated) == 0


async def test_reencrypt_with_a_wrong_old_key_fails_loudly_and_changes_nothing_in_that_batch(db):
    await write_everything(db, keys(OLD_SPEC))
    impostor = keys(NEW_SPEC, generate_key_spec("old1"))
    with pytest.raises(DecryptionError):
        await reencrypt_all(db, impostor)
    assert await stored_key_ids(db) == {"old1"}


async def test_an_outbox_row_without_a_request_is_left_and_still_counted(db):
    old = keys(OLD_SPEC)
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                kind="other",
                referral_id=None,
                payload=old.encrypt_json({}, "outbox:-"),
                status="pending",
                attempts=0,
                next_attempt_at=NOW,
                created_at=NOW,
            )
        )
    rotated = keys(NEW_SPEC, OLD_SPEC)
    assert await reencrypt_all(db, rotated) == 0
    assert await values_on_old_keys(db, rotated) == 1
