"""Key rotation: rewrite every encrypted value that is not under the current key.

Run after putting a new key first in DATA_ENCRYPTION_KEY (keeping the old one after it). Each
batch is its own transaction and every update is conditional on the value not having changed
since it was read, so the server can keep running, and an interrupted run is simply run again.
Once `values_on_old_keys` is 0 the old key can be removed from DATA_ENCRYPTION_KEY.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import InstrumentedAttribute

from storage.audit import note_context
from storage.conversations import state_context
from storage.crypto import PREFIX, FieldCipher
from storage.db import Database
from storage.models import AuditEntry, ConversationState, OutboxMessage, Referral
from storage.outbox import payload_context
from storage.requests import details_context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Column:
    """One encrypted column: its table's key, and how to find each value's context."""

    table: Any
    key: InstrumentedAttribute[Any]
    column: InstrumentedAttribute[Any]
    # Extra columns to read, and the context built from a row holding them.
    context_columns: tuple[Any, ...]
    context: Callable[[Any], str]


# Outbox payloads are bound to their request's reference, which lives on the referral row.
_OUTBOX_REFERENCE = (
    select(Referral.reference)
    .where(Referral.id == OutboxMessage.referral_id)
    .scalar_subquery()
    .label("reference")
)

ENCRYPTED_COLUMNS: tuple[_Column, ...] = (
    _Column(
        ConversationState,
        ConversationState.conversation_key,
        ConversationState.state,
        (),
        lambda row: state_context(row.key),
    ),
    _Column(
        Referral,
        Referral.id,
        Referral.details,
        (Referral.reference,),
        lambda row: details_context(row.reference),
    ),
    _Column(
        Referral,
        Referral.id,
        Referral.reply_address,
        (Referral.reference,),
        lambda row: details_context(row.reference),
    ),
    _Column(
        OutboxMessage,
        OutboxMessage.id,
        OutboxMessage.payload,
        (_OUTBOX_REFERENCE,),
        lambda row: payload_context(row.reference),
    ),
    _Column(
        AuditEntry,
        AuditEntry.id,
        AuditEntry.note,
        (AuditEntry.reference,),
        lambda row: note_context(row.reference),
    ),
)


def _on_old_key(column: InstrumentedAttribute[Any], cipher: FieldCipher) -> ColumnElement[bool]:
    # Key ids are alphanumeric, so the prefix holds no LIKE wildcards.
    return and_(column.is_not(None), column.not_like(f"{PREFIX}.{cipher.current.key_id}.%"))


async def _rotate_batch(
    db: Database, cipher: FieldCipher, spec: _Column, after: Any, batch_size: int
) -> tuple[int, Any]:
    """Re-encrypt the batch after key `after`: (rows rewritten, last key seen, None at the end)."""
    async with db.transaction() as session:
        query = select(
            spec.key.label("key"), spec.column.label("value"), *spec.context_columns
        ).where(_on_old_key(spec.column, cipher))
        if after is not None:
            query = query.where(spec.key > after)
        rows = (await session.execute(query.order_by(spec.key).limit(batch_size))).all()
        rewritten = 0
        for row in rows:
            if spec.table is OutboxMessage and row.reference is None:
                # No request to bind it to: outbox rows are only written for requests today.
                log.warning("outbox row without a request left on its old key")
                continue
            context = spec.context(row)
            sealed = cipher.encrypt(cipher.decrypt(row.value, context), context)
            # Only if unchanged since read: a turn may have saved a newer value meanwhile.
            result = await session.execute(
                update(spec.table)
                .where(spec.key == row.key, spec.column == row.value)
                .values({spec.column.key: sealed})
                .execution_options(synchronize_session=False)
            )
            rewritten += int(getattr(result, "rowcount", 0) or 0)
    return rewritten, (rows[-1].key if rows else None)


async def reencrypt_all(db: Database, cipher: FieldCipher, *, batch_size: int = 200) -> int:
    """Re-encrypt every value not under the current key; the number rewritten. Safe to re-run."""
    total = 0
    for spec in ENCRYPTED_COLUMNS:
        after: Any = None
        while True:
            rewritten, after = await _rotate_batch(db, cipher, spec, after, batch_size)
            total += rewritten
            if after is None:
                break
    return total


async def values_on_old_keys(db: Database, cipher: FieldCipher) -> int:
    """How many stored values are still under a key other than the current one."""
    count = 0
    async with db.transaction() as session:
        for spec in ENCRYPTED_COLUMNS:
            count += int(
                (
                    await session.execute(
                        select(func.count())
                        .select_from(spec.table)
                        .where(_on_old_key(spec.column, cipher))
                    )
                ).scalar_one()
            )
    return count
