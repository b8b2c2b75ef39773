"""The HTTP surface, through the real aiohttp app with a fake connector on loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.http import readyz_handler
from dialogs import router
from storage.db import Database
from tests.conftest import BotHarness, activity


async def test_a_message_gets_a_reply(bot: BotHarness) -> None:
    replies = await bot.say("hello")
    assert replies, "the bot sent nothing"
    assert all(r.strip() for r in replies)


async def test_reply_goes_to_the_conversation_it_came_from(bot: BotHarness) -> None:
    sent = await bot.send(text="hello", conversation_id="a:personal-other")
    assert {s.conversation_id for s in sent} == {"a:personal-other"}


async def test_card_action_invoke_answers_200_with_a_body(bot: BotHarness) -> None:
    body = activity(
        bot.connector.url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "unknown.verb", "data": {}}},
    )
    response = await bot.post(body)
    assert response.status == 200
    answer = await response.json()
    assert answer["statusCode"] == 200
    assert answer["type"] in (
        "application/vnd.microsoft.card.adaptive",
        "application/vnd.microsoft.activity.message",
    )
    assert answer["value"]


async def test_other_invokes_answer_200_not_500(bot: BotHarness) -> None:
    response = await bot.post(activity(bot.connector.url, type="invoke", name="task/fetch"))
    assert response.status == 200


async def test_invalid_json_is_400(bot: BotHarness) -> None:
    response = await bot.client.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_wrong_content_type_is_415(bot: BotHarness) -> None:
    response = await bot.client.post(
        "/api/messages", data=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status == 415


async def test_body_over_256_kb_is_413(bot: BotHarness) -> None:
    body = activity(bot.connector.url, text="x" * (300 * 1024))
    response = await bot.client.post(
        "/api/messages", data=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status == 413


async def test_bare_message_type_is_400_not_500(bot: BotHarness) -> None:
    response = await bot.post({"type": "message"})
    assert response.status == 400


async def test_malformed_activities_are_4xx_never_500(bot: BotHarness) -> None:
    url = bot.connector.url
    good = activity(url, text="hi")
    broken = [
        [],
        "text",
        42,
        None,
        {**good, "type": 7},
        {**good, "conversation": None},
        {**good, "conversation": {"id": ""}},
        {**good, "serviceUrl": "ftp://example"},
        {**good, "serviceUrl": None},
        {**good, "timestamp": "yesterday"},
        {**good, "from": "someone"},
        {**good, "from": {}},
        {**good, "channelId": None},
        {**good, "text": {"nested": True}},
        {**good, "entities": "x"},
        {**good, "recipient": "bot"},
        {**good, "id": 12},
    ]
    for body in broken:
        response = await bot.post(body)
        assert 400 <= response.status < 500, (body, response.status)
        assert "Traceback" not in await response.text()


async def test_healthz_answers_ok(bot: BotHarness) -> None:
    response = await bot.client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_readyz_checks_the_database(bot: BotHarness) -> None:
    response = await bot.client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["database"] == "up"


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    unreachable = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nothing")
    response = await readyz_handler(unreachable)(make_mocked_request("GET", "/readyz"))
    await unreachable.dispose()
    assert response.status == 503
    assert json.loads(response.text or "{}")["database"] == "down"


async def test_a_retried_activity_has_one_effect(bot: BotHarness) -> None:
    first = await bot.send(text="hello", activity_id="same-id")
    second = await bot.send(text="hello", activity_id="same-id")
    assert first
    assert second == []


async def test_a_slow_turn_shows_typing_before_the_reply(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = router.handle

    async def slow(event: Any, state: Any, services: Any) -> Any:
        await asyncio.sleep(0.6)
        return await original(event, state, services)

    monkeypatch.setattr(router, "handle", slow)
    await bot.send(text="hello")
    kinds = [s.body.get("type") for s in bot.connector.sent]
    assert kinds[:2] == ["typing", "message"]


async def test_a_quick_turn_sends_no_typing(bot: BotHarness) -> None:
    await bot.send(text="hello")
    assert "typing" not in [s.body.get("type") for s in bot.connector.sent]
