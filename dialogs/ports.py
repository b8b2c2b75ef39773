"""What the conversations need from the outside world, as plain Python protocols.

`storage/` implements these against the database; the engine tests use in-memory fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from dialogs.events import User

RequestKind = Literal["referral", "peer_contact"]


@dataclass(frozen=True)
class DialogConfig:
    """The service rules that are settings rather than content."""

    health_visitor_max_age: int = 3
    meeting_cutoff_hour: int = 9


@dataclass(frozen=True)
class FiledRequest:
    """A request as filed: its reference and the allocation meeting that will consider it."""

    reference: str
    kind: RequestKind
    meeting_date: date
    created: bool  # False when this draft had been filed before (filing is idempotent)


@dataclass(frozen=True)
class RequestSummary:
    """One of a referrer's own requests, for 'my requests'."""

    reference: str
    kind: RequestKind
    status: str
    child_initials: str
    meeting_date: date | None
    filed_at: datetime


class RequestRecords(Protocol):
    """Filed requests, as the conversations see them."""

    async def file_request(
        self,
        *,
        draft_id: str,
        kind: RequestKind,
        owner: User,
        answers: dict[str, Any],
        now: datetime,
        meeting_date: date,
        linked_reference: str | None = None,
    ) -> FiledRequest:
        """File a request once per (draft_id, kind); a repeat returns the first filing."""
        ...

    async def requests_for_owner(self, owner_id: str) -> list[RequestSummary]:
        """The owner's own filed requests, newest first."""
        ...


@dataclass
class DialogServices:
    """Everything a conversation may use during one turn."""

    config: DialogConfig
    records: RequestRecords
    team: TeamRecords | None = None


# --- the VIG team's channel ---------------------------------------------------------------------


@dataclass(frozen=True)
class TeamNote:
    """One entry of a request's history, as the team's card shows it."""

    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None


@dataclass(frozen=True)
class TeamRequest:
    """A filed request as the VIG team sees it: the answers, its status and its history."""

    reference: str
    kind: RequestKind
    status: str
    version: int
    answers: dict[str, Any]
    meeting_date: date | None
    filed_at: datetime
    linked_reference: str | None = None
    channel_id: str | None = None  # the channel its card was posted in, once posted
    history: tuple[TeamNote, ...] = ()


@dataclass(frozen=True)
class InboxInfo:
    """The channel where the VIG team receives requests."""

    team_id: str
    channel_id: str
    set_by: str
    set_at: datetime


InboxOutcome = Literal["set", "moved", "unchanged", "team_not_allowed", "other_team", "no_team"]


@dataclass(frozen=True)
class InboxClaim:
    """What came of asking for this channel to be the inbox."""

    outcome: InboxOutcome
    inbox: InboxInfo | None


@dataclass(frozen=True)
class TeamChange:
    """One action on a request, with what to tell the channel and the referrer about it."""

    reference: str
    expected_version: int
    action: str
    to_status: str
    actor: User
    now: datetime
    thread_text: str
    note: str | None = None
    referrer_text: str | None = None
    referrer_card: dict[str, Any] | None = None
    closes: bool = False  # the request reaches a state with no way onward


class TeamRecords(Protocol):
    """The inbox channel and the team's actions on requests, as the conversations see them."""

    async def inbox(self) -> InboxInfo | None:
        """The inbox channel, if one is set."""
        ...

    async def claim_inbox(self, *, actor: User, now: datetime) -> InboxClaim:
        """Make the channel this event came from the inbox, if the rules allow it."""
        ...

    async def find_request(self, reference: str) -> TeamRequest | None:
        """A request by its reference, with its history."""
        ...

    async def change_request(self, change: TeamChange) -> bool:
        """Apply a change if the request is still at `expected_version`; False if it moved on.

        The audit entry and the messages to send (card update, thread reply, referrer notice)
        commit with the change.
        """
        ...

    async def meeting_requests(
        self, *, meeting_date: date, open_statuses: Sequence[str], include_closed: bool
    ) -> list[TeamRequest]:
        """Requests for the meeting on `meeting_date`, oldest first: those in `open_statuses`
        (including ones carried over from earlier meetings), and with `include_closed` every
        other request for that meeting too."""
        ...

    async def owner_requests_in(self, owner_id: str, status: str) -> list[TeamRequest]:
        """The owner's requests in `status`, most recently changed first."""
        ...
