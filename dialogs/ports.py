"""What the conversations need from the outside world, as plain Python protocols.

`storage/` implements these against the database; the engine tests use in-memory fakes.
"""

from __future__ import annotations

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
