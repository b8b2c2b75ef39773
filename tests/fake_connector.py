"""A fake Bot Connector service on loopback: records what the bot sends, can be told to fail."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Sent:
    """One request the bot made to the connector."""

    method: str
    path: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]

    @property
    def text(self) -> str:
        """The message text, or the text of an attached card's first TextBlock."""
        return str(self.body.get("text") or "")

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card attached, if any."""
        for attachment in self.body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    @property
    def buttons(self) -> list[str]:
        """Titles of suggested actions."""
        actions = (self.body.get("suggestedActions") or {}).get("actions") or []
        return [a.get("title", "") for a in actions]


@dataclass
class FakeConnector:
    """State of the fake connector; `fail_next` holds HTTP statuses to answer with first."""

    sent: list[Sent] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: int = 0
    delay: float = 0.0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    server: TestServer | None = None

    @property
    def url(self) -> str:
        """The service URL to put in activities."""
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/") + "/"

    def messages(self) -> list[Sent]:
        """Messages sent (not typing indicators, not invoke answers)."""
        return [s for s in self.sent if s.body.get("type") == "message"]

    def texts(self) -> list[str]:
        """The text of every message sent, in order."""
        return [s.text for s in self.messages()]

    def clear(self) -> None:
        """Forget what was sent so far."""
        self.sent.clear()

    async def _maybe_fail(self) -> web.Response | None:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_next:
            status = self.fail_next.pop(0)
            return web.json_response({"error": {"code": "Injected", "message": "x"}}, status=status)
        return None

    def app(self) -> web.Application:
        """The aiohttp app implementing the connector routes the bot uses."""
        app = web.Application()

        async def send(request: web.Request) -> web.Response:
            failed = await self._maybe_fail()
            if failed:
                return failed
            body = await request.json()
            new_id = f"m{next(self._ids)}"
            self.sent.append(
                Sent(
                    request.method,
                    request.path,
                    request.match_info["conv"],
                    request.match_info.get("activity"),
                    body,
                )
            )
            return web.json_response({"id": new_id})

        async def update(request: web.Request) -> web.Response:
            failed = await self._maybe_fail()
            if failed:
                return failed
            body = await request.json()
            self.sent.append(
                Sent(
                    "PUT",
                    request.path,
                    request.match_info["conv"],
                    request.match_info["activity"],
                    body,
                )
            )
            return web.json_response({"id": request.match_info["activity"]})

        async def create(request: web.Request) -> web.Response:
            failed = await self._maybe_fail()
            if failed:
                return failed
            body = await request.json()
            root = f"r{next(self._ids)}"
            channel = ((body.get("channelData") or {}).get("channel") or {}).get("id", "chan")
            conv_id = f"{channel};messageid={root}"
            activity = body.get("activity") or {}
            self.sent.append(
                Sent("POST", request.path, conv_id, None, {**activity, "_create": body})
            )
            return web.json_response({"id": conv_id, "activityId": root})

        async def member(request: web.Request) -> web.Response:
            found = self.members.get(request.match_info["member"])
            if found is None:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            return web.json_response(found)

        app.router.add_post("/v3/conversations", create)
        app.router.add_post("/v3/conversations/{conv}/activities", send)
        app.router.add_post("/v3/conversations/{conv}/activities/{activity}", send)
        app.router.add_put("/v3/conversations/{conv}/activities/{activity}", update)
        app.router.add_get("/v3/conversations/{conv}/members/{member}", member)
        return app
