"""The outbox sender: posts request cards to the inbox channel, edits them, replies in their
threads and tells referrers, from rows committed with the change that caused them.

One pass (`drain_outbox`) claims the due rows and sends each outside any transaction. A
connector failure is tried again later with exponential backoff and jitter; after too many
attempts the row is marked dead and logged (ids and status codes only, never personal data).
Channel messages wait while no inbox is set, and are sent once one is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, Attachment, ConversationParameters
from botframework.connector.aio import ConnectorClient

from bot.retry import backoff_delay, describe, is_transient
from bot.sdk import connector_for
from dialogs.team.render import preview, request_card_for
from settings import Settings
from storage import outbox
from storage.crypto import FieldCipher
from storage.db import Database
from storage.outbox import OutboxItem
from storage.team import Delivery, SqlTeamRecords, load_delivery, load_inbox, store_channel_message

log = logging.getLogger("vig.outbox")

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_ATTEMPTS = 10  # with backoff capped at 10 minutes: about an hour of trying
MAX_PERMANENT_ATTEMPTS = 3  # an error that should not pass (403, 404) gets a few tries only
BASE_DELAY_SECONDS = 2.0
MAX_DELAY_SECONDS = 600.0
# How long a message about a request waits for the request's card to be posted first.
WAIT_FOR_CARD = timedelta(seconds=5)
BATCH = 50

Outcome = Literal["sent", "wait", "skip"]


@dataclass(frozen=True)
class _Inbox:
    channel_id: str
    service_url: str
    tenant_id: str | None


def _card_activity(card: dict[str, Any], **fields: Any) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)],
        **fields,
    )


class ChannelSender:
    """Sends outbox rows through one long-lived connector client per service URL."""

    def __init__(
        self,
        db: Database,
        cipher: FieldCipher,
        adapter: CloudAdapter,
        settings: Settings,
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.adapter = adapter
        self.settings = settings
        self._connectors: dict[str, ConnectorClient] = {}
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Ask the running loop for a pass now (after a turn committed something to send)."""
        self._wake.set()

    async def _connector(self, service_url: str) -> ConnectorClient:
        client = self._connectors.get(service_url)
        if client is None:
            client = await connector_for(self.adapter, self.settings.app_id, service_url)
            self._connectors[service_url] = client
        return client

    async def run(self) -> None:
        """Pass after pass, for the app's lifetime; a failed pass is logged and retried."""
        poll = max(0.1, self.settings.outbox_poll_seconds)
        while True:
            busy = False
            try:
                claimed, _sent = await self._pass(datetime.now(UTC))
                busy = claimed >= BATCH
            except Exception as exc:
                log.warning("outbox pass failed: %s", type(exc).__name__)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll)
            self._wake.clear()

    async def drain(self, now: datetime | None = None) -> int:
        """One pass over the due rows; the number delivered."""
        _claimed, sent = await self._pass(now or datetime.now(UTC))
        return sent

    async def _pass(self, now: datetime) -> tuple[int, int]:
        """Claim and send the due rows: (how many were claimed, how many were delivered)."""
        async with self.db.transaction() as session:
            row = await load_inbox(session)
            inbox = _Inbox(row.channel_id, row.service_url, row.tenant_id) if row else None
        items = await outbox.claim_due(
            self.db, self.cipher, now, include_channel=inbox is not None, limit=BATCH
        )
        updated: set[int] = set()
        sent = 0
        for item in items:
            try:
                result = await self._deliver(item, inbox, now, updated)
            except Exception as exc:
                await self._failed(item, exc, now)
                continue
            if result == "wait":
                await outbox.reschedule(
                    self.db, item.id, now + WAIT_FOR_CARD, None, undo_attempt=True
                )
            elif result == "sent":
                sent += 1
        return len(items), sent

    async def _deliver(
        self, item: OutboxItem, inbox: _Inbox | None, now: datetime, updated: set[int]
    ) -> Outcome:
        async with self.db.transaction() as session:
            delivery = (
                await load_delivery(session, self.cipher, item.referral_id)
                if item.referral_id is not None
                else None
            )
        if delivery is None:
            # The request was erased; there is nothing left to say about it.
            await outbox.mark_sent(self.db, [item.id], now)
            return "skip"
        if item.kind == outbox.NOTIFY_REFERRER:
            return await self._notify(item, delivery, now)
        assert inbox is not None  # channel rows are only claimed when an inbox is set
        if item.kind == outbox.POST_REQUEST:
            return await self._post(item, delivery, inbox, now)
        if not delivery.channel_conversation_id or not delivery.channel_message_id:
            return "wait"
        client = await self._connector(inbox.service_url)
        if item.kind == outbox.UPDATE_CARD:
            if delivery.referral_id not in updated:
                card = await self._card(delivery.reference, now)
                activity = _card_activity(card, id=delivery.channel_message_id)
                await client.conversations.update_activity(
                    delivery.channel_conversation_id, delivery.channel_message_id, activity
                )
                # The card shows the request as it is now, so later updates in this pass are
                # already on it.
                updated.add(delivery.referral_id)
        elif item.kind == outbox.THREAD_REPLY:
            reply = Activity(type=ActivityTypes.message, text=str(item.payload.get("text", "")))
            await client.conversations.reply_to_activity(
                delivery.channel_conversation_id, delivery.channel_message_id, reply
            )
        else:
            raise ValueError(f"unknown outbox kind {item.kind!r}")
        await outbox.mark_sent(self.db, [item.id], now)
        return "sent"

    async def _card(self, reference: str, now: datetime) -> dict[str, Any]:
        async with self.db.transaction() as session:
            request = await SqlTeamRecords(session, self.cipher).find_request(reference)
        if request is None:
            raise LookupError("request not found")
        return request_card_for(request, now)

    async def _post(
        self, item: OutboxItem, delivery: Delivery, inbox: _Inbox, now: datetime
    ) -> Outcome:
        if delivery.channel_message_id:
            await outbox.mark_sent(self.db, [item.id], now)
            return "skip"  # posted already (a repeat after a crash between send and commit)
        async with self.db.transaction() as session:
            request = await SqlTeamRecords(session, self.cipher).find_request(delivery.reference)
        if request is None:
            raise LookupError("request not found")
        activity = _card_activity(request_card_for(request, now), summary=preview(request))
        params = ConversationParameters(
            is_group=True,
            channel_data={"channel": {"id": inbox.channel_id}},
            activity=activity,
            tenant_id=inbox.tenant_id,
        )
        client = await self._connector(inbox.service_url)
        response = await client.conversations.create_conversation(params)
        conversation_id = str(response.id)
        message_id = str(
            getattr(response, "activity_id", None) or conversation_id.split(";messageid=")[-1]
        )
        async with self.db.transaction() as session:
            await store_channel_message(session, delivery.referral_id, conversation_id, message_id)
            await outbox.mark_sent_in(session, [item.id], now)
        return "sent"

    async def _notify(self, item: OutboxItem, delivery: Delivery, now: datetime) -> Outcome:
        address = delivery.reply_address or {}
        conversation = address.get("conversation") or {}
        service_url = address.get("serviceUrl") or address.get("service_url")
        if not conversation.get("id") or not service_url:
            await outbox.mark_dead(self.db, item.id, "no reply address for the referrer")
            log.error("outbox message %d: the referrer has no reply address", item.id)
            return "skip"
        card = item.payload.get("card")
        text = str(item.payload.get("text", ""))
        activity = (
            _card_activity(card, text=text)
            if isinstance(card, dict)
            else Activity(type=ActivityTypes.message, text=text)
        )
        activity.text_format = "markdown"
        client = await self._connector(str(service_url))
        await client.conversations.send_to_conversation(str(conversation["id"]), activity)
        await outbox.mark_sent(self.db, [item.id], now)
        return "sent"

    async def _failed(self, item: OutboxItem, exc: BaseException, now: datetime) -> None:
        error = describe(exc)
        limit = MAX_ATTEMPTS if is_transient(exc) else MAX_PERMANENT_ATTEMPTS
        if item.attempts >= limit:
            await outbox.mark_dead(self.db, item.id, error)
            log.error(
                "outbox message %d (%s) not delivered after %d attempts: %s; marked dead",
                item.id,
                item.kind,
                item.attempts,
                error,
            )
            return
        delay = backoff_delay(item.attempts, BASE_DELAY_SECONDS, MAX_DELAY_SECONDS)
        await outbox.reschedule(self.db, item.id, now + timedelta(seconds=delay), error)
        log.warning(
            "outbox message %d (%s) attempt %d failed: %s; next try in %.1fs",
            item.id,
            item.kind,
            item.attempts,
            error,
            delay,
        )


async def drain_outbox(sender: ChannelSender, *, now: datetime | None = None) -> int:
    """Run one pass of the sender now (tests, and the CLI); the number of messages delivered."""
    return await sender.drain(now)
