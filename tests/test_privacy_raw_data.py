"""No personal data in the clear at rest: a full referral with distinctive names and free text goes
through the real bot, then the raw SQLite files and a raw dump of every PostgreSQL table's rows
are searched for each of them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dialogs import referral
from settings import Settings
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher
from storage.db import Database
from storage.keys import hash_id
from storage.models import Base
from storage.subject_rights import export_request
from tests.conftest import BotHarness, start_bot
from tests.fake_connector import FakeConnector
from tests.test_privacy_support import (
    CHILD_NAME,
    DOB,
    EMAIL,
    FREE_TEXT,
    NOW,
    PARENT_NAME,
    PLACE,
    REFERRER,
    SECRETS,
    add_note,
    file_request,
    references,
    save_draft,
)
from tests.transcript import HAPPY_PATH

CONVERSATION_ID = "a:personal-privacy"

# The referral's answers, with the distinctive strings wherever the referrer types personal data.
ANSWERS: dict[str, str] = {
    **dict(HAPPY_PATH),
    # Asked when the Teams profile lookup gives no email, as with the fake connector.
    "referrer_name": REFERRER.name or "",
    "referrer_email": REFERRER.email or "",
    "referrer_team": f"{PLACE} health visiting team",
    "child_dob": DOB,
    "criteria_evidence": FREE_TEXT,
    "child_name": CHILD_NAME,
    "child_lives_with": f"{PARENT_NAME} in {PLACE}",
    "parent_name": PARENT_NAME,
    "parent_contact": EMAIL,
    "family_goals": f"{PARENT_NAME} wants to enjoy bathtime with {CHILD_NAME}",
}


@pytest.fixture
async def privacy_bot(
    any_database_url: str, tmp_path: Path, cipher: FieldCipher, connector: FakeConnector
) -> AsyncIterator[BotHarness]:
    """The real bot, on each database backend under test."""
    settings = Settings(database_url=any_database_url, data_dir=tmp_path / "data")
    client, database = await start_bot(settings, cipher, connector)
    yield BotHarness(client, connector, settings, database)
    await client.close()


async def _draft_step(bot: BotHarness, cipher: FieldCipher) -> str | None:
    key = hash_id(f"msteams:{CONVERSATION_ID}", "conversation")
    async with bot.db.transaction() as session:
        state, _ = await ConversationStore(cipher).load(session, key)
    if not referral.has_draft(state):
        return None
    return str(state["referral"]["step"])


SAID: dict[str, Any] = {
    "conversation_id": CONVERSATION_ID,
    "user_name": REFERRER.name,
    "user_id": "29:privacy-referrer",
    "aad_id": REFERRER.id,
}


async def answer_until(bot: BotHarness, cipher: FieldCipher, stop_at: str) -> list[str]:
    """Start a referral and answer each question as the referrer would, up to step `stop_at`."""
    replies = await bot.say("new request", **SAID)
    for _ in range(len(ANSWERS) + 5):
        step = await _draft_step(bot, cipher)
        assert step is not None, "the draft ended early"
        if step == stop_at:
            return replies
        assert step in ANSWERS, f"no answer for step {step!r}"
        replies += await bot.say(ANSWERS[step], **SAID)
    raise AssertionError(f"never reached step {stop_at!r}")


async def send_full_referral(bot: BotHarness, cipher: FieldCipher) -> list[str]:
    """Walk a whole referral through the bot and send it; every reply's text."""
    replies = await answer_until(bot, cipher, "summary")
    replies += await bot.say("send", **SAID)
    assert await _draft_step(bot, cipher) is None, "the referral was not sent"
    return replies


def sqlite_bytes(url: str) -> bytes:
    """The database file and its write-ahead log and shared-memory files, as stored on disk."""
    database = Path(make_url(url).database or "")
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert database in files
    return b"".join(p.read_bytes() for p in files)


async def postgres_dump(db: Database) -> str:
    """Every row of every table, as PostgreSQL itself renders it."""
    lines: list[str] = []
    async with db.transaction() as session:
        for table in [*Base.metadata.tables, "alembic_version"]:
            rows = await session.execute(text(f"SELECT row_to_json(t)::text FROM {table} AS t"))
            lines.extend(rows.scalars().all())
    return "\n".join(lines)


async def raw_contents(db: Database) -> str:
    """What someone with the database but not the key could read."""
    if db.url.startswith("sqlite"):
        await db.dispose()  # close connections so every page is on disk
        return sqlite_bytes(db.url).decode("latin-1")
    return await postgres_dump(db)


def leaked(raw: str) -> list[str]:
    variants = {s: (s, s.lower(), s.upper(), json.dumps(s)[1:-1]) for s in SECRETS}
    return [s for s, forms in variants.items() if any(form in raw for form in forms)]


async def test_a_full_referral_through_the_bot_files_one_request(privacy_bot, cipher):
    replies = await send_full_referral(privacy_bot, cipher)
    assert any("VIG-2026-0001" in reply for reply in replies)
    assert await references(privacy_bot.db) == {"VIG-2026-0001", "VIG-PC-2026-0001"}


async def test_the_filed_referral_holds_the_personal_data_encrypted(privacy_bot, cipher):
    await send_full_referral(privacy_bot, cipher)
    exported = await export_request(privacy_bot.db, cipher, "VIG-2026-0001", actor="test", now=NOW)
    assert CHILD_NAME in json.dumps(exported["details"])
    assert leaked(await raw_contents(privacy_bot.db)) == []


async def test_a_draft_in_conversation_state_is_not_stored_in_the_clear(privacy_bot, cipher):
    await answer_until(privacy_bot, cipher, "parent_relationship")
    assert leaked(await raw_contents(privacy_bot.db)) == []


async def test_storage_apis_store_no_personal_data_in_the_clear(db, cipher):
    reference = await file_request(db, cipher)
    await save_draft(db, cipher, "conversation-privacy")
    await add_note(db, cipher, reference, f"Rang {PARENT_NAME} on {EMAIL} about {CHILD_NAME}")
    assert leaked(await raw_contents(db)) == []


async def test_the_raw_search_finds_personal_data_stored_in_the_clear(db, cipher):
    # Guards the test above: the same search must see a value that was not encrypted.
    async with db.transaction() as session:
        await session.execute(
            text("INSERT INTO reference_counter (series, last) VALUES (:s, 1)"),
            {"s": PLACE},
        )
    assert leaked(await raw_contents(db)) == [PLACE]
