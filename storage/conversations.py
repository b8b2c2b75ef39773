"""Conversation state: plain JSON, encrypted, written with compare-and-swap on a version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.models import ConversationState


def state_context(conversation_key: str) -> str:
    """Associated data binding a conversation's encrypted state to its row."""
    return f"conversation:{conversation_key}"


class ConversationStore:
    """Reads and writes `conversation_state` rows."""

    def __init__(self, cipher: FieldCipher) -> None:
        self.cipher = cipher

    async def load(
        self, session: AsyncSession, conversation_key: str
    ) -> tuple[dict[str, Any], int]:
        """The state and its version; a new conversation is ({}, 0).

        The row stays locked until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE
        already serialises writers), so concurrent turns on one conversation queue instead of
        racing; the version check on save still guards against anything that slips past.
        """
        row = (
            await session.execute(
                select(ConversationState.state, ConversationState.version)
                .where(ConversationState.conversation_key == conversation_key)
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            return {}, 0
        state = self.cipher.decrypt_json(row.state, state_context(conversation_key))
        return state, row.version

    async def save(
        self,
        session: AsyncSession,
        conversation_key: str,
        state: dict[str, Any],
        expected_version: int,
        *,
        now: datetime,
        user_key: str | None = None,
    ) -> bool:
        """Write `state` if the stored version is still `expected_version`; False on a conflict."""
        sealed = self.cipher.encrypt_json(state, state_context(conversation_key))
        if expected_version == 0:
            try:
                async with session.begin_nested():
                    await session.execute(
                        insert(ConversationState).values(
                            conversation_key=conversation_key,
                            version=1,
                            state=sealed,
                            user_key=user_key,
                            updated_at=now,
                        )
                    )
            except IntegrityError:
                return False
            return True
        result = await session.execute(
            update(ConversationState)
            .where(
                ConversationState.conversation_key == conversation_key,
                ConversationState.version == expected_version,
            )
            .values(version=expected_version + 1, state=sealed, updated_at=now, user_key=user_key)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)
