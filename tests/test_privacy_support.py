"""Builders shared by the privacy tests (retention, subject rights, rotation, raw data, logs).

Holds no tests itself: it files requests and saves drafts through the real storage APIs, so that
what the privacy tests inspect was written exactly as the bot writes it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from dialogs.events import User
from storage import audit
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import Referral
from storage.requests import SqlRequestRecords

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
REFERRER = User(id="aad-hv-privacy", name="Philomena Cattermole", email="p.cattermole@nhs.example")

# Distinctive personal data: none of it may ever appear in the clear in the database or the logs.
CHILD_NAME = "Zebedee Quartermaine"
PARENT_NAME = "Araminta Quartermaine"
PLACE = "Wombleton"
DOB = "17/03/2024"
EMAIL = "araminta.quartermaine@example.org"
FREE_TEXT = "Araminta says she freezes when Zebedee cries at bathtime"
SECRETS: tuple[str, ...] = (
    CHILD_NAME,
    PARENT_NAME,
    PLACE,
    DOB,
    EMAIL,
    FREE_TEXT,
    REFERRER.name or "",
    REFERRER.email or "",
)

ANSWERS: dict[str, Any] = {
    "child_name": CHILD_NAME,
    "child_initials": "ZQ",
    "child_dob": DOB,
    "child_lives_with": f"Mum in {PLACE}",
    "parent_name": PARENT_NAME,
    "parent_contact": EMAIL,
    "criteria_evidence": FREE_TEXT,
    "referrer_name": REFERRER.name,
    "referrer_email": REFERRER.email,
}
REPLY_ADDRESS: dict[str, Any] = {
    "conversation": {"id": "a:personal-privacy"},
    "user": {"id": "29:privacy", "name": REFERRER.name},
    "serviceUrl": "https://smba.example/",
}

_drafts = itertools.count(1)


async def file_request(
    db: Database,
    cipher: FieldCipher,
    *,
    now: datetime = NOW,
    answers: dict[str, Any] | None = None,
    kind: str = "referral",
    linked_reference: str | None = None,
) -> str:
    """File a request through `SqlRequestRecords`, as the bot does; its reference."""
    async with db.transaction() as session:
        records = SqlRequestRecords(session, cipher, reply_address=REPLY_ADDRESS)
        filed = await records.file_request(
            draft_id=f"draft-{next(_drafts)}",
            kind="peer_contact" if kind == "peer_contact" else "referral",
            owner=REFERRER,
            answers=dict(answers if answers is not None else ANSWERS),
            now=now,
            meeting_date=date(2026, 12, 3),
            linked_reference=linked_reference,
        )
    return filed.reference


async def set_status(
    db: Database,
    reference: str,
    status: str,
    *,
    updated_at: datetime,
    closed_at: datetime | None = None,
) -> None:
    """Move a request on as the team's actions would."""
    async with db.transaction() as session:
        await session.execute(
            update(Referral)
            .where(Referral.reference == reference)
            .values(status=status, updated_at=updated_at, closed_at=closed_at)
        )


async def save_draft(
    db: Database,
    cipher: FieldCipher,
    conversation_key: str,
    *,
    now: datetime = NOW,
    state: dict[str, Any] | None = None,
) -> None:
    """Save conversation state holding a draft, through `ConversationStore`."""
    draft = state if state is not None else {"referral": {"step": "summary", "answers": ANSWERS}}
    async with db.transaction() as session:
        saved = await ConversationStore(cipher).save(session, conversation_key, draft, 0, now=now)
    assert saved


async def references(db: Database) -> set[str]:
    """The references of the requests held."""
    async with db.transaction() as session:
        return set((await session.execute(select(Referral.reference))).scalars().all())


async def add_note(
    db: Database,
    cipher: FieldCipher,
    reference: str,
    note: str,
    *,
    action: str = "viewed",
    at: datetime = NOW,
) -> None:
    """An audit entry by the VIG team with a (personal, so encrypted) note."""
    async with db.transaction() as session:
        await audit.record(
            session, cipher, at=at, actor="VIG team", action=action, reference=reference, note=note
        )
