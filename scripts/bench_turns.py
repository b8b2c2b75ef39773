"""How many turns a second the bot handles over HTTP, and what the msrest fix is worth.

Runs the real app on loopback with a fake connector (no network), on a throwaway SQLite file
(or DATABASE_URL if set to PostgreSQL). Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_turns.py [--turns 400] [--conversations 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.sdk import retry_policy_build_cost
from settings import Settings
from storage.crypto import FieldCipher, generate_key_spec, parse_keys
from storage.db import Database
from storage.migrate import upgrade
from tests.conftest import activity
from tests.fake_connector import FakeConnector


async def run(turns: int, conversations: int) -> None:
    """Send `turns` messages spread over `conversations` conversations, `conversations` at once."""
    fake = FakeConnector()
    connector_server = TestServer(fake.app(), host="127.0.0.1")
    await connector_server.start_server()
    fake.server = connector_server
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        settings = Settings(database_url=url, data_dir=Path(tmp))
        cipher = FieldCipher(parse_keys(generate_key_spec("b1")))
        app = create_app(settings, cipher=cipher, background=False)
        client: TestClient = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        latencies: list[float] = []

        async def talk(conversation: int, count: int) -> None:
            for i in range(count):
                body = activity(
                    fake.url,
                    text="how many sessions are there?" if i % 2 else "hello",
                    conversation_id=f"a:bench-{conversation}",
                    user_id=f"29:bench-{conversation}",
                    aad_id=f"aad-bench-{conversation}",
                )
                started = time.perf_counter()
                response = await client.post("/api/messages", json=body)
                await response.read()
                latencies.append((time.perf_counter() - started) * 1000)

        per = turns // conversations
        started = time.perf_counter()
        await asyncio.gather(*(talk(c, per) for c in range(conversations)))
        elapsed = time.perf_counter() - started
        await client.close()
    await connector_server.close()
    done = per * conversations
    latencies.sort()
    print(f"database            {url.split(':')[0]}")
    print(f"turns               {done} over {conversations} concurrent conversations")
    print(f"throughput          {done / elapsed:.0f} turns/s (each turn sends its replies)")
    print(f"latency median      {statistics.median(latencies):.1f} ms")
    print(f"latency p95         {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms")
    print(f"replies sent        {len(fake.messages())}")


def main() -> None:
    """Parse arguments, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--conversations", type=int, default=8)
    args = parser.parse_args()
    slow, fast = retry_policy_build_cost()
    print(f"msrest retry policy {slow:.0f} us per build as shipped, {fast:.0f} us with the fix")
    asyncio.run(run(args.turns, args.conversations))


if __name__ == "__main__":
    main()
