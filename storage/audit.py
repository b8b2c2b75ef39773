"""The append-only audit trail: who saw or changed which request, when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.models import AuditEntry


def note_context(reference: str | None) -> str:
    """Associated data for an audit note."""
    return f"audit:{reference or '-'}"


async def record(
    session: AsyncSession,
    cipher: FieldCipher,
    *,
    at: datetime,
    actor: str,
    action: str,
    reference: str | None = None,
    actor_key: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> None:
    """Add an audit entry to the session's transaction; a note is encrypted (may be personal)."""
    session.add(
        AuditEntry(
            at=at,
            actor=actor[:200],
            actor_key=actor_key,
            action=action,
            reference=reference,
            from_status=from_status,
            to_status=to_status,
            note=cipher.encrypt(note, note_context(reference)) if note else None,
        )
    )
