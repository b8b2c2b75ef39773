"""Running one turn: dedupe the activity, load state, decide, save with compare-and-swap, commit.

The decision runs inside the transaction so that whatever it files commits atomically with the new
state; a version conflict rolls all of it back and the turn runs again on the fresh state.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.events import Turn
from storage.conversations import ConversationStore
from storage.db import Database
from storage.keys import hash_id
from storage.models import ProcessedActivity

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
REMEMBER_ACTIVITIES_FOR = timedelta(days=2)

T = TypeVar("T", bound=Turn)
Decide = Callable[[dict[str, Any], AsyncSession], Awaitable[T]]


class TurnConflictError(RuntimeError):
    """The state kept changing under the turn; it was retried and gave up."""


class _VersionConflict(Exception):
    pass


async def _first_time(
    session: AsyncSession, conversation_key: str, activity_id: str, now: datetime
) -> bool:
    """Record the activity; False when it had been recorded before (a retried delivery)."""
    values = {
        "conversation_key": conversation_key,
        "activity_key": hash_id(activity_id, "activity"),
        "seen_at": now,
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_fn(ProcessedActivity).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0) == 1)


async def run_turn(
    db: Database,
    store: ConversationStore,
    *,
    conversation_key: str,
    activity_id: str | None,
    now: datetime,
    decide: Decide[T],
    user_key: str | None = None,
) -> T | None:
    """Run `decide` on the conversation's state and commit its result; None for a repeat."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with db.transaction() as session:
                if activity_id and not await _first_time(
                    session, conversation_key, activity_id, now
                ):
                    return None
                state, version = await store.load(session, conversation_key)
                turn = await decide(state, session)
                saved = await store.save(
                    session, conversation_key, turn.state, version, now=now, user_key=user_key
                )
                if not saved:
                    raise _VersionConflict
            return turn
        except _VersionConflict:
            log.info("state conflict on attempt %d; running the turn again", attempt)
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise TurnConflictError(f"conversation state kept changing ({MAX_ATTEMPTS} attempts)")


async def forget_old_activities(db: Database, now: datetime) -> int:
    """Drop remembered activity ids older than the window Teams retries in."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(ProcessedActivity).where(
                ProcessedActivity.seen_at < now - REMEMBER_ACTIVITIES_FOR
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
