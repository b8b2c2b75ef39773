"""The bot: one Teams turn in, plain events to `dialogs`, state committed, then replies out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.activity import CARD_ACTION_INVOKE, reply_address, scope_of, to_activity, to_event
from bot.install import channel_context, on_install_event
from bot.profiles import ProfileCache
from bot.retry import with_retries
from dialogs import router
from dialogs.content import load_content, service_facts
from dialogs.events import Reply, Turn, UserEvent
from dialogs.ports import DialogConfig, DialogServices
from settings import Settings
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher
from storage.db import Database
from storage.keys import hash_id, short_hash
from storage.requests import SqlRequestRecords
from storage.team import SqlTeamRecords
from storage.turns import run_turn

log = logging.getLogger("vig.turn")

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TYPING_AFTER_SECONDS = 0.3
MESSAGE = "application/vnd.microsoft.activity.message"


@dataclass
class BotDeps:
    """What the bot needs, built once by the app factory."""

    settings: Settings
    db: Database
    cipher: FieldCipher
    conversations: ConversationStore
    profiles: ProfileCache
    # Called after a turn commits, so the outbox sender posts what it filed or changed now.
    wake_outbox: Callable[[], None] | None = None

    @property
    def dialog_config(self) -> DialogConfig:
        """The service rules that are settings."""
        return DialogConfig(
            health_visitor_max_age=self.settings.health_visitor_max_age,
            meeting_cutoff_hour=self.settings.meeting_cutoff_hour,
        )


def conversation_key(activity: Activity) -> str:
    """The key a conversation's state is stored under."""
    return hash_id(f"{activity.channel_id}:{activity.conversation.id}", "conversation")


def _invoke_body(replies: list[Reply]) -> dict[str, Any]:
    """The answer to an Action.Execute: the refreshed card if there is one, else a message."""
    for reply in replies:
        if reply.card is not None and reply.replaces_card:
            return {"statusCode": 200, "type": ADAPTIVE_CARD, "value": reply.card}
    text = next((r.text for r in replies if r.text), "Done.")
    return {"statusCode": 200, "type": MESSAGE, "value": text}


class VigBot:
    """Handles every activity the adapter passes on."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Entry point for the adapter; never lets an error escape to the SDK."""
        activity = turn_context.activity
        started = time.perf_counter()
        outcome = "ok"
        try:
            if activity.type == ActivityTypes.message or (
                activity.type == ActivityTypes.invoke and activity.name == CARD_ACTION_INVOKE
            ):
                outcome = await self._on_user_event(turn_context)
            elif activity.type in (
                ActivityTypes.conversation_update,
                ActivityTypes.installation_update,
            ):
                outcome = await on_install_event(
                    turn_context,
                    db=self.deps.db,
                    store=self.deps.conversations,
                    key=conversation_key(activity),
                )
            elif activity.type == ActivityTypes.invoke:
                await self._answer_invoke(
                    turn_context,
                    {
                        "statusCode": 200,
                        "type": MESSAGE,
                        "value": load_content("messages")["unsupported_invoke"],
                    },
                )
                outcome = "unsupported-invoke"
            else:
                outcome = "ignored"
        except Exception as exc:
            outcome = "error"
            self._log_error(activity, exc)
            await self._apologise(turn_context)
        finally:
            log.info(
                "turn type=%s conversation=%s outcome=%s duration_ms=%.1f",
                activity.type,
                short_hash(activity.conversation.id),
                outcome,
                (time.perf_counter() - started) * 1000,
            )

    async def _on_user_event(self, turn_context: TurnContext) -> str:
        activity = turn_context.activity
        profile: dict[str, str] = {}
        if scope_of(activity) == "personal" and activity.type == ActivityTypes.message:
            profile = await self.deps.profiles.profile(turn_context)
        event = to_event(activity, profile)
        address = reply_address(activity)
        channel = channel_context(activity) if event.scope == "channel" else None

        async def decide(state: dict[str, Any], session: Any) -> Turn:
            services = DialogServices(
                config=self.deps.dialog_config,
                records=SqlRequestRecords(session, self.deps.cipher, reply_address=address),
                team=SqlTeamRecords(
                    session,
                    self.deps.cipher,
                    channel=channel,
                    allowed_team_id=self.deps.settings.vig_team_id,
                ),
            )
            return await router.handle(event, state, services)

        pending = asyncio.ensure_future(
            run_turn(
                self.deps.db,
                self.deps.conversations,
                conversation_key=conversation_key(activity),
                activity_id=activity.id,
                now=event.now,
                decide=decide,
                user_key=hash_id(event.user.id, "owner"),
            )
        )
        if activity.type == ActivityTypes.message:
            await self._typing_if_slow(turn_context, pending)
        turn = await pending
        if turn is None:
            if activity.type == ActivityTypes.invoke:
                await self._answer_invoke(
                    turn_context,
                    {
                        "statusCode": 200,
                        "type": MESSAGE,
                        "value": load_content("messages")["duplicate_press"],
                    },
                )
            return "duplicate"
        if self.deps.wake_outbox is not None:
            self.deps.wake_outbox()
        await self._send(turn_context, event, turn.replies)
        return "ok"

    async def _send(
        self, turn_context: TurnContext, event: UserEvent, replies: list[Reply]
    ) -> None:
        """Send the committed turn's replies; an invoke gets its answer in the HTTP response."""
        if turn_context.activity.type == ActivityTypes.invoke:
            await self._answer_invoke(turn_context, _invoke_body(replies))
            replies = [r for r in replies if not (r.card is not None and r.replaces_card)]
            if not any(r.card is not None for r in replies):
                replies = replies[1:]  # the first text reply went back in the invoke response
        activities = [to_activity(r, event.scope) for r in replies]
        if activities:
            await with_retries(lambda: turn_context.send_activities(activities))

    @staticmethod
    async def _typing_if_slow(turn_context: TurnContext, pending: asyncio.Future[Any]) -> None:
        """Show "typing..." when a turn is taking a while (filing, a busy database)."""
        done, _ = await asyncio.wait({pending}, timeout=TYPING_AFTER_SECONDS)
        if done:
            return
        try:
            await turn_context.send_activity(Activity(type=ActivityTypes.typing))
        except Exception as exc:  # a lost typing indicator is not worth failing the turn for
            log.info("typing indicator not sent: %s", type(exc).__name__)

    @staticmethod
    async def _answer_invoke(turn_context: TurnContext, body: dict[str, Any]) -> None:
        await turn_context.send_activity(
            Activity(
                type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
            )
        )

    @staticmethod
    def _log_error(activity: Activity, exc: BaseException) -> None:
        # The type and where it happened, never the message: it may quote what the user typed.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
        log.error(
            "turn failed activity_id=%s error=%s at %s",
            short_hash(activity.id or "-"),
            type(exc).__name__,
            where,
        )

    async def _apologise(self, turn_context: TurnContext) -> None:
        facts = service_facts()["contact"]
        text = load_content("messages")["turn_failed"].format(
            email=facts["email"], phone=facts["phone"]
        )
        try:
            if turn_context.activity.type == ActivityTypes.invoke:
                await self._answer_invoke(
                    turn_context, {"statusCode": 200, "type": MESSAGE, "value": text}
                )
            else:
                await turn_context.send_activity(text)
        except Exception as exc:
            log.error("could not send the apology: %s", type(exc).__name__)
