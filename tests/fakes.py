"""In-memory stand-ins for the ports the conversations use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dialogs.events import User
from dialogs.ports import FiledRequest, RequestKind, RequestSummary
from dialogs.referral.model import child_initials


@dataclass
class StoredRequest:
    """One filed request as the fake keeps it."""

    reference: str
    kind: RequestKind
    draft_id: str
    owner: User
    answers: dict[str, Any]
    filed_at: datetime
    meeting_date: date
    linked_reference: str | None
    status: str = "submitted"


@dataclass
class FakeRequestRecords:
    """RequestRecords in memory: idempotent per (draft_id, kind), references never reused."""

    requests: list[StoredRequest] = field(default_factory=list)
    calls: int = 0
    _counters: dict[int, int] = field(default_factory=dict)

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
        """File once per (draft_id, kind); a repeat returns the first filing."""
        self.calls += 1
        for stored in self.requests:
            if stored.draft_id == draft_id and stored.kind == kind:
                return FiledRequest(stored.reference, kind, stored.meeting_date, created=False)
        number = self._counters.get(now.year, 0) + 1
        self._counters[now.year] = number
        reference = f"VIG-{now.year}-{number:04d}"
        self.requests.append(
            StoredRequest(
                reference=reference,
                kind=kind,
                draft_id=draft_id,
                owner=owner,
                answers=dict(answers),
                filed_at=now,
                meeting_date=meeting_date,
                linked_reference=linked_reference,
            )
        )
        return FiledRequest(reference, kind, meeting_date, created=True)

    async def requests_for_owner(self, owner_id: str) -> list[RequestSummary]:
        """The owner's own filed requests, newest first."""
        mine = [r for r in self.requests if r.owner.id == owner_id]
        return [
            RequestSummary(
                reference=r.reference,
                kind=r.kind,
                status=r.status,
                child_initials=child_initials(r.answers),
                meeting_date=r.meeting_date,
                filed_at=r.filed_at,
            )
            for r in reversed(mine)
        ]

    def of_kind(self, kind: RequestKind) -> list[StoredRequest]:
        """The filed requests of one kind, oldest first."""
        return [r for r in self.requests if r.kind == kind]
