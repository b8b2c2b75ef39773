"""Conversation state: compare-and-swap under concurrent turns, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events import Turn
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher
from storage.db import Database
from storage.models import ConversationState
from storage.turns import run_turn

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _increment(state: dict[str, Any]) -> Turn:
    return Turn(state={**state, "count": state.get("count", 0) + 1})


async def test_new_conversation_starts_empty_at_version_0(
    db: Database, cipher: FieldCipher
) -> None:
    store = ConversationStore(cipher)
    async with db.transaction() as session:
        assert await store.load(session, "k") == ({}, 0)


async def test_save_then_load_round_trips_plain_json(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)
    state = {"referral": {"step": "role", "answers": {"names": ["Ann", "Bo"]}}}
    async with db.transaction() as session:
        assert await store.save(session, "k", state, 0, now=NOW)
    async with db.transaction() as session:
        assert await store.load(session, "k") == (state, 1)


async def test_stale_version_is_refused_not_overwritten(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)
    async with db.transaction() as session:
        await store.save(session, "k", {"v": "first"}, 0, now=NOW)
    async with db.transaction() as session:
        assert await store.save(session, "k", {"v": "second"}, 1, now=NOW)
    async with db.transaction() as session:
        assert not await store.save(session, "k", {"v": "stale"}, 1, now=NOW)
    async with db.transaction() as session:
        assert await store.load(session, "k") == ({"v": "second"}, 2)


async def test_concurrent_turns_lose_no_update(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)
    turns = 40

    async def one(i: int) -> None:
        async def decide(state: dict[str, Any], session: AsyncSession) -> Turn:
            await asyncio.sleep(0)  # let other turns interleave between read and write
            return _increment(state)

        await run_turn(
            db, store, conversation_key="shared", activity_id=f"a{i}", now=NOW, decide=decide
        )

    await asyncio.gather(*(one(i) for i in range(turns)))
    async with db.transaction() as session:
        state, version = await store.load(session, "shared")
    assert state["count"] == turns
    assert version == turns


async def test_concurrent_first_turns_of_a_new_conversation_both_count(
    db: Database, cipher: FieldCipher
) -> None:
    store = ConversationStore(cipher)

    async def decide(state: dict[str, Any], session: AsyncSession) -> Turn:
        await asyncio.sleep(0)
        return _increment(state)

    await asyncio.gather(
        *(
            run_turn(db, store, conversation_key="new", activity_id=f"x{i}", now=NOW, decide=decide)
            for i in range(8)
        )
    )
    async with db.transaction() as session:
        state, _ = await store.load(session, "new")
    assert state["count"] == 8


async def test_a_retried_activity_is_decided_once(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)
    calls = 0

    async def decide(state: dict[str, Any], session: AsyncSession) -> Turn:
        nonlocal calls
        calls += 1
        return _increment(state)

    results = await asyncio.gather(
        *(
            run_turn(db, store, conversation_key="c", activity_id="same", now=NOW, decide=decide)
            for _ in range(5)
        )
    )
    assert sum(r is not None for r in results) == 1
    assert calls == 1


async def test_a_failed_turn_leaves_no_trace(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)

    async def boom(state: dict[str, Any], session: AsyncSession) -> Turn:
        raise RuntimeError("decision failed")

    with pytest.raises(RuntimeError):
        await run_turn(db, store, conversation_key="c", activity_id="a1", now=NOW, decide=boom)

    async def ok(state: dict[str, Any], session: AsyncSession) -> Turn:
        return _increment(state)

    # The same activity, redelivered after the failure, is processed: nothing was half-kept.
    assert await run_turn(db, store, conversation_key="c", activity_id="a1", now=NOW, decide=ok)


async def test_state_is_not_stored_in_plain_text(db: Database, cipher: FieldCipher) -> None:
    store = ConversationStore(cipher)
    async with db.transaction() as session:
        await store.save(session, "k", {"child": "Peregrine Took"}, 0, now=NOW)
    async with db.transaction() as session:
        raw = (await session.execute(select(ConversationState.state))).scalar_one()
        rows = (await session.execute(select(func.count()).select_from(ConversationState))).scalar()
    assert "Peregrine" not in raw
    assert rows == 1


async def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    async with db.engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    await db.dispose()
    assert mode == "wal"
    assert int(timeout or 0) >= 5000
