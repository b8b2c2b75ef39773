"""First contact: the bot installed in a personal chat or a team, or removed from a team.

Teams often sends both an installationUpdate and a conversationUpdate (members added) for one
install, sometimes twice. The welcome is sent once per conversation: a marker in that
conversation's stored state, written with compare-and-swap, survives restarts and instances.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.activity import scope_of, to_activity
from bot.retry import with_retries
from cards.welcome import team_intro_text, welcome_card
from dialogs.content import service_facts
from dialogs.events import Reply, Turn
from storage.conversations import ConversationStore
from storage.db import Database
from storage.team import ChannelContext, channel_of, record_installation, record_removal
from storage.turns import run_turn

WELCOMED = "first_contact"  # state key: when the welcome was sent in this conversation
ADDED_ACTIONS = ("add", "add-upgrade")


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def channel_context(activity: Activity) -> ChannelContext | None:
    """The team and channel a channel activity came from, or None outside a team."""
    data = _channel_data(activity)
    team = data.get("team") if isinstance(data.get("team"), dict) else {}
    channel = data.get("channel") if isinstance(data.get("channel"), dict) else {}
    team_id = team.get("id") if team else None
    if not isinstance(team_id, str) or not team_id:
        return None
    channel_id = (channel or {}).get("id") or channel_of(activity.conversation.id) or team_id
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    tenant_id = (tenant or {}).get("id") or getattr(activity.conversation, "tenant_id", None)
    return ChannelContext(
        team_id=team_id,
        channel_id=str(channel_id),
        service_url=activity.service_url,
        tenant_id=tenant_id,
        team_name=team.get("name") if team else None,
        aad_group_id=team.get("aadGroupId") if team else None,
    )


def _is_bot(activity: Activity, members: list[Any] | None) -> bool:
    bot_id = getattr(activity.recipient, "id", None)
    return any(getattr(m, "id", None) == bot_id for m in members or [])


def bot_added(activity: Activity) -> bool:
    """The activity says the bot was just installed or added here."""
    if activity.type == ActivityTypes.installation_update:
        return activity.action in ADDED_ACTIONS
    return activity.type == ActivityTypes.conversation_update and _is_bot(
        activity, activity.members_added
    )


def bot_removed(activity: Activity) -> bool:
    """The activity says the bot was uninstalled or removed from here."""
    if activity.type == ActivityTypes.installation_update:
        return activity.action in ("remove", "remove-upgrade")
    return activity.type == ActivityTypes.conversation_update and _is_bot(
        activity, activity.members_removed
    )


def first_reply(activity: Activity) -> Reply | None:
    """The welcome for a personal install, the introduction for a team, else nothing."""
    scope = scope_of(activity)
    if scope == "personal":
        return Reply(card=welcome_card(service_facts()))
    if scope == "channel" and channel_context(activity) is not None:
        return Reply(text=team_intro_text(service_facts()))
    return None


async def on_install_event(
    turn_context: TurnContext, *, db: Database, store: ConversationStore, key: str
) -> str:
    """Handle an install, member-added or removal event; returns an outcome for the log."""
    activity = turn_context.activity
    now = datetime.now(UTC)
    context = channel_context(activity)
    if bot_removed(activity):
        if context is not None:
            async with db.transaction() as session:
                await record_removal(session, context.team_id, now)
        return "removed"
    if not bot_added(activity):
        return "ignored"
    reply = first_reply(activity)

    async def decide(state: dict[str, Any], session: Any) -> Turn:
        if context is not None:
            await record_installation(session, context, now)
        if reply is None or state.get(WELCOMED):
            return Turn(state=state, replies=[])
        return Turn(state={**state, WELCOMED: now.isoformat()}, replies=[reply])

    turn = await run_turn(
        db, store, conversation_key=key, activity_id=activity.id, now=now, decide=decide
    )
    if turn is None or not turn.replies:
        return "welcomed-before"
    scope = scope_of(activity)
    activities = [to_activity(r, scope) for r in turn.replies]
    await with_retries(lambda: turn_context.send_activities(activities))
    return "welcomed"
