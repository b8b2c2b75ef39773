"""Shared fixtures: databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the field
cipher, a fake Teams connector on loopback, and the real aiohttp app talking to both."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from app import create_app
from settings import Settings
from storage.crypto import FieldCipher, generate_key_spec, parse_keys
from storage.db import Database, create_engine
from storage.migrate import upgrade
from tests.fake_connector import FakeConnector, Sent

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


async def _fresh_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _database_url(backend: str, tmp_path: Path) -> str:
    if backend == "postgresql":
        await _fresh_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(params=BACKENDS)
async def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated-ready, empty database on every backend under test."""
    return await _database_url(request.param, tmp_path)


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database, for what only SQLite has (pragmas, the raw file)."""
    return await _database_url("sqlite", tmp_path)


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for the app-level tests, on every backend under test."""
    return await _database_url(request.param, tmp_path)


@pytest.fixture
async def db(any_database_url: str) -> AsyncIterator[Database]:
    """A migrated database on each backend."""
    database = Database(any_database_url)
    await upgrade(database)
    yield database
    await database.dispose()


@pytest.fixture
def cipher() -> FieldCipher:
    """A cipher with a fresh key."""
    return FieldCipher(parse_keys(generate_key_spec("t1")))


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    """The fake Teams connector service, listening on loopback."""
    fake = FakeConnector()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.server = server
    yield fake
    await server.close()


_activity_ids = itertools.count(1)


def activity(
    service_url: str,
    *,
    type: str = "message",
    text: str | None = None,
    value: Any = None,
    name: str | None = None,
    user_id: str = "29:user-hannah",
    aad_id: str = "aad-hannah",
    user_name: str = "Hannah Visitor",
    conversation_id: str = "a:personal-hannah",
    conversation_type: str = "personal",
    activity_id: str | None = None,
    channel_data: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Teams activity as the Bot Framework would post it."""
    body: dict[str, Any] = {
        "type": type,
        "id": activity_id or f"act-{next(_activity_ids)}",
        "timestamp": "2026-11-21T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": user_id, "name": user_name, "aadObjectId": aad_id},
        "conversation": {
            "id": conversation_id,
            "conversationType": conversation_type,
            "tenantId": "tenant-1",
        },
        "recipient": {"id": "28:vig-bot", "name": "VIG Requests"},
        "channelData": channel_data or {"tenant": {"id": "tenant-1"}},
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    if name is not None:
        body["name"] = name
    body.update(extra or {})
    return body


@dataclass
class BotHarness:
    """The real app on loopback, with the fake connector capturing what it sends."""

    client: TestClient[Any, Any]
    connector: FakeConnector
    settings: Settings
    db: Database

    async def post(self, body: Any, **kwargs: Any) -> Any:
        """POST a body to /api/messages and return the response."""
        return await self.client.post("/api/messages", json=body, **kwargs)

    async def send(self, **kwargs: Any) -> list[Sent]:
        """Send an activity (see `activity`) and return the messages the bot sent for it."""
        before = len(self.connector.sent)
        response = await self.post(activity(self.connector.url, **kwargs))
        assert response.status in (200, 201), await response.text()
        return [s for s in self.connector.sent[before:] if s.body.get("type") == "message"]

    async def say(self, text: str, **kwargs: Any) -> list[str]:
        """Type a message; the texts of the bot's replies."""
        return [s.text for s in await self.send(text=text, **kwargs)]


async def start_bot(
    settings: Settings, cipher: FieldCipher, connector: FakeConnector
) -> tuple[TestClient[Any, Any], Database]:
    """Migrate the settings' database and serve the app on loopback."""
    database = Database(settings.sqlalchemy_url)
    await upgrade(database)
    await database.dispose()
    app = create_app(settings, cipher=cipher, background=False)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    from app import DATABASE

    return client, app[DATABASE]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Local-mode settings on the test database."""
    return Settings(database_url=database_url, data_dir=tmp_path / "data")


@pytest.fixture
async def bot(
    settings: Settings, cipher: FieldCipher, connector: FakeConnector
) -> AsyncIterator[BotHarness]:
    """The bot served on loopback in local mode, on a fresh database (each backend)."""
    client, database = await start_bot(settings, cipher, connector)
    yield BotHarness(client, connector, settings, database)
    await client.close()
