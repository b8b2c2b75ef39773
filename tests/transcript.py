"""A small driver for transcript tests: say things to the referral engine, read what it said.

State goes through json.dumps/loads between turns, as it does through storage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from dialogs import referral
from dialogs.events import Reply, Turn, User, UserEvent
from dialogs.ports import DialogConfig, DialogServices
from tests.fakes import FakeRequestRecords

# A Tuesday, well before the cut-off: the next allocation meeting is Thursday 3 December 2026.
DEFAULT_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
HEALTH_VISITOR = User(id="aad-hv-1", name="Sam Carter", email="sam.carter@example.nhs.uk")


@dataclass
class Transcript:
    """One referrer talking to the referral engine."""

    user: User = HEALTH_VISITOR
    now: datetime = DEFAULT_NOW
    config: DialogConfig = field(default_factory=DialogConfig)
    records: FakeRequestRecords = field(default_factory=FakeRequestRecords)
    state: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    @property
    def services(self) -> DialogServices:
        """The services a turn gets."""
        return DialogServices(config=self.config, records=self.records)

    def event(self, text: str = "", data: dict[str, Any] | None = None) -> UserEvent:
        """A user event at the transcript's clock."""
        verb = str(data["verb"]) if data and "verb" in data else None
        return UserEvent(user=self.user, now=self.now, text=text, data=data, verb=verb)

    def _take(self, turn: Turn, said: str) -> list[Reply]:
        self.state = json.loads(json.dumps(turn.state))
        self.replies = turn.replies
        self.log.append(f"> {said}")
        for reply in turn.replies:
            if reply.text:
                self.log.append(reply.text)
            if reply.card:
                self.log.append(f"[card: {reply.card['body'][0]['text']}]")
            if reply.buttons:
                self.log.append("[" + " | ".join(b.title for b in reply.buttons) + "]")
        self.now += timedelta(minutes=1)
        return turn.replies

    async def start(self) -> list[Reply]:
        """The user asks for a new request."""
        return self._take(
            await referral.start(self.event(), self.state, self.services), "new request"
        )

    async def resume(self) -> list[Reply]:
        """The user types continue."""
        return self._take(
            await referral.resume(self.event("continue"), self.state, self.services), "continue"
        )

    async def say(self, text: str) -> list[Reply]:
        """The user types something while the draft is active."""
        return self._take(await referral.handle(self.event(text), self.state, self.services), text)

    async def press(self, data: dict[str, Any]) -> list[Reply]:
        """The user presses a card button (Action.Submit data)."""
        return self._take(
            await referral.handle(self.event(data=data), self.state, self.services),
            f"[pressed {data.get('verb')}]",
        )

    @property
    def text(self) -> str:
        """Everything the bot said in the last turn, as one string."""
        return "\n".join(r.text for r in self.replies if r.text)

    @property
    def buttons(self) -> list[str]:
        """The button titles of the last turn."""
        return [b.title for r in self.replies for b in r.buttons]

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The cards of the last turn."""
        return [r.card for r in self.replies if r.card]

    @property
    def draft(self) -> dict[str, Any]:
        """The draft as stored."""
        draft: dict[str, Any] = self.state["referral"]
        return draft

    @property
    def step(self) -> str:
        """The current step id."""
        return str(self.draft["step"])


# Answers that walk a health visitor's referral to the summary, in order.
HAPPY_PATH: list[tuple[str, str]] = [
    ("risk", "No"),
    ("role", "Health visitor"),
    ("referrer_team", "Camborne health visiting team"),
    ("referrer_phone", "07700 900123"),
    ("child_dob", "3/4/2024"),
    ("case_holder", "me"),
    ("family_choice", "Yes"),
    ("criteria", "1, 4"),
    ("criteria_evidence", "Mum rarely smiles at baby and says she feels nothing when he cries."),
    ("assessment_indicates", "Yes"),
    ("assessment_details", "Health visitor assessment in October 2026: low warmth, mum low mood."),
    ("professionals_discussed", "Yes"),
    ("professionals_who", "GP and the perinatal mental health nurse"),
    ("professionals_clear", "Yes"),
    ("change_hoped", "Mum notices when baby wants her and answers him with her voice and face."),
    ("change_agreed", "Yes"),
    ("child_experience", "He would feel noticed and settle more easily."),
    ("parent_clear", "Yes"),
    ("child_name", "Leo"),
    ("child_lives_with", "Mum and her partner"),
    ("parent_name", "Jo Smith"),
    ("parent_relationship", "Birth parent"),
    ("parent_contact", "Text, mornings"),
    ("language", "English"),
    ("interpreter", "No"),
    ("session_place", "Family home"),
    ("lone_working", "No"),
    ("family_goals", "Mum wants to enjoy playing with Leo."),
    ("consent", "Yes"),
    ("peer_contact", "Yes"),
    ("peer_contact_method", "Text message"),
    ("peer_contact_when", "Weekday mornings"),
]


async def walk_to(
    t: Transcript, stop_before: str | None = None, answers: dict[str, str] | None = None
) -> None:
    """Start and answer the happy path up to (not including) `stop_before`, or to the summary."""
    overrides = answers or {}
    await t.start()
    for step_id, answer in HAPPY_PATH:
        if step_id == stop_before or not referral.has_draft(t.state):
            return
        if t.step != step_id:
            continue
        await t.say(overrides.get(step_id, answer))
