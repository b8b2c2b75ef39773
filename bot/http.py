"""The HTTP surface: POST /api/messages, GET /healthz, GET /readyz."""

from __future__ import annotations

import json
import logging
from typing import Any

import jwt
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.handler import VigBot
from bot.validation import MAX_BODY_BYTES, activity_problem
from storage.db import Database

log = logging.getLogger(__name__)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def read_activity(request: web.Request) -> Activity | web.Response:
    """The request's activity, or the 4xx response explaining what is wrong with it."""
    if request.content_type != "application/json":
        return _error(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _error(413, "the body is larger than 256 KB")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "the body is larger than 256 KB")
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, "the body is larger than 256 KB")
    try:
        body: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(400, "the body is not valid JSON")
    problem = activity_problem(body)
    if problem:
        return _error(400, problem)
    try:
        activity: Activity = Activity().deserialize(body)
    except Exception:
        return _error(400, "the body is not a valid activity")
    return activity


def messages_handler(adapter: CloudAdapter, bot: VigBot) -> Any:
    """The /api/messages handler.

    It calls `process_activity` itself instead of `CloudAdapter.process`, whose 4.17.x version
    answers 500 to every invoke that returns a body (it serialises an already-serialised dict).
    """

    async def handle(request: web.Request) -> web.StreamResponse:
        activity = await read_activity(request)
        if isinstance(activity, web.Response):
            return activity
        auth_header = request.headers.get("Authorization", "")
        try:
            response = await adapter.process_activity(auth_header, activity, bot.on_turn)
        except (PermissionError, jwt.PyJWTError):
            return _error(401, "unauthorized")
        except Exception as exc:  # the turn itself never raises; this is the SDK's own set-up
            log.error("activity could not be processed: %s", type(exc).__name__)
            return _error(500, "the activity could not be processed")
        if response:
            return web.json_response(data=response.body, status=response.status)
        return web.Response(status=201)

    return handle


async def healthz(_request: web.Request) -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


def readyz_handler(db: Database) -> Any:
    """The database answers."""

    async def readyz(_request: web.Request) -> web.Response:
        try:
            await db.ping()
        except Exception as exc:
            log.warning("readiness check failed: %s", type(exc).__name__)
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        return web.json_response({"status": "ok", "database": "up"})

    return readyz
