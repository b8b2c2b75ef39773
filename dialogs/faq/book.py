"""The FAQ knowledge base and its matcher: weighted word coverage with BM25-style saturation.

Each entry's questions, title and keywords (and, at half weight, its answer) form one document.
A question is turned into comparable tokens (UK spellings, typo correction against the knowledge
base's own words, a light stemmer, synonym groups), then each entry is scored by how much of the
question's weight (inverse document frequency) it covers. That score is between 0 and 1, so one
pair of thresholds decides answer / "did you mean" / "I don't know" for every question.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from dialogs.allocation import format_meeting_date, next_allocation_meeting
from dialogs.content import load_content, service_facts
from dialogs.events import Button
from dialogs.faq.text import edit_distance, stem, words

FAQ_BUTTON_PREFIX = "faq:"
SYNONYM_MARK = "="  # canonical synonym tokens start with this, so no stem can collide with them
ANSWER_TEXT_WEIGHT = 0.5
K1 = 1.2
B = 0.75
MIN_TYPO_LENGTH = 4
LONG_WORD = 8
PHRASING_SHARE = 0.5
MAX_CACHED_CORRECTIONS = 10_000


@dataclass(frozen=True)
class FaqAnswer:
    """What to say in reply to a question."""

    kind: Literal["answer", "suggest", "unknown"]
    text: str  # the answer, or "Did you mean...", or the honest don't-know with contacts
    entry_id: str | None  # for "answer"
    score: float
    suggestions: tuple[Button, ...]  # candidates (kind == "suggest") or follow-ups (answers)


@dataclass(frozen=True)
class FaqEntry:
    """One approved question and answer, with its source and review date."""

    id: str
    title: str
    answer: str
    questions: tuple[str, ...]
    keywords: str
    follow_up: tuple[str, ...]
    source: str
    reviewed: date


@dataclass(frozen=True)
class Match:
    """An entry and how well it covers a question (0 to 1)."""

    entry: FaqEntry
    confidence: float
    bm25: float


def faq_button(entry: FaqEntry) -> Button:
    """A button that asks for `entry` when pressed: its value is `faq:<entry id>`."""
    return Button(title=entry.title, value=f"{FAQ_BUTTON_PREFIX}{entry.id}")


def faq_entry_id(value: str) -> str | None:
    """The entry id in a pressed FAQ button's value (`faq:<id>`), or None for anything else."""
    value = value.strip()
    if value.startswith(FAQ_BUTTON_PREFIX) and len(value) > len(FAQ_BUTTON_PREFIX):
        return value[len(FAQ_BUTTON_PREFIX) :]
    return None


class Analyser:
    """Turns text into weighted tokens the index understands."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.spellings: dict[str, str] = {}
        for uk, others in (config.get("spellings") or {}).items():
            for other in others or ():
                self.spellings[str(other)] = str(uk)
        self.stopwords: frozenset[str] = frozenset(str(w) for w in config.get("stopwords") or ())
        self.synonyms: dict[tuple[str, ...], str] = {}
        for name, variants in (config.get("synonyms") or {}).items():
            token = SYNONYM_MARK + str(name).replace(" ", "_")
            for variant in [name, *(variants or ())]:
                key = tuple(stem(w) for w in words(str(variant)))
                if key:
                    self.synonyms[key] = token
        self.longest_phrase = max((len(k) for k in self.synonyms), default=1)
        self.vocabulary: set[str] = set(self.stopwords) | set(self.spellings)
        for variants in (config.get("synonyms") or {}).values():
            for variant in variants or ():
                self.vocabulary.update(words(str(variant)))
        self.known_stems: set[str] = set()
        self._by_length: dict[int, list[str]] = {}
        # Typo search is the slow part of a question; the same words come up again and again.
        self._corrections: dict[str, tuple[str, float]] = {}

    def learn(self, text: str) -> None:
        """Add the words of `text` to the vocabulary that typos are corrected against."""
        for word in words(text):
            self.vocabulary.add(word)

    def freeze(self) -> None:
        """Finish learning: index the vocabulary by length for typo search."""
        self.known_stems = {stem(w) for w in self.vocabulary}
        self._by_length = {}
        self._corrections = {}
        # A typo is never corrected to a stopword: "fine" -> "mine" would silently drop it.
        for word in sorted(self.vocabulary - self.stopwords):
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> tuple[str, float]:
        """The word, or the nearest known word if it looks like a typo, with a trust weight."""
        word = self.spellings.get(word, word)
        if word not in self._corrections:
            if len(self._corrections) >= MAX_CACHED_CORRECTIONS:
                self._corrections.clear()  # bounded: people can type anything
            self._corrections[word] = self._nearest(word)
        return self._corrections[word]

    def _nearest(self, word: str) -> tuple[str, float]:
        if (
            word in self.vocabulary
            or len(word) < MIN_TYPO_LENGTH
            or word.isdigit()
            or stem(word) in self.known_stems
        ):
            return word, 1.0
        # Two edits in a short word reach too many unrelated words ("parking" -> "asking").
        limit = 1 if len(word) < LONG_WORD else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._by_length.get(length, ()):
                if len(candidate) < MIN_TYPO_LENGTH:
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance > limit:
                    continue
                # Prefer the closest word, then one that starts with the same letter.
                rank = (distance, 0 if candidate[0] == word[0] else 1, candidate)
                if best is None or rank < best:
                    best = rank
        if best is None:
            return word, 1.0
        return best[2], 0.85 if best[0] == 1 else 0.75

    def tokens(self, text: str, *, correct: bool = True) -> list[tuple[str, float]]:
        """The tokens of `text` with their weights (below 1 for typo-corrected words)."""
        # "5s" (as in "under 5s") is the number 5.
        raw = [w[:-1] if w[:-1].isdigit() and w.endswith("s") else w for w in words(text)]
        fixed = [self.correct(w) if correct else (self.spellings.get(w, w), 1.0) for w in raw]
        stems = [stem(w) for w, _ in fixed]
        result: list[tuple[str, float]] = []
        i = 0
        while i < len(fixed):
            for size in range(min(self.longest_phrase, len(fixed) - i), 0, -1):
                token = self.synonyms.get(tuple(stems[i : i + size]))
                if token is not None:
                    result.append((token, min(weight for _, weight in fixed[i : i + size])))
                    i += size
                    break
            else:
                word, weight = fixed[i]
                if word not in self.stopwords:
                    result.append((stems[i], weight))
                i += 1
        return result


class FaqBook:
    """The knowledge base, indexed for matching."""

    def __init__(self, config: dict[str, Any]) -> None:
        matching = config.get("matching") or {}
        self.answer_threshold = float(matching.get("answer_threshold", 0.6))
        self.suggest_threshold = float(matching.get("suggest_threshold", 0.3))
        self.max_suggestions = int(matching.get("max_suggestions", 3))
        self.unknown_word_weight = float(matching.get("unknown_word_weight", 0.8))
        self.wording: dict[str, str] = {k: str(v) for k, v in (config.get("wording") or {}).items()}
        self.entries: dict[str, FaqEntry] = {}
        for raw in config.get("entries") or ():
            entry = _entry(raw)
            if entry.id in self.entries:
                raise ValueError(f"faq.yaml: entry id {entry.id!r} is used twice")
            self.entries[entry.id] = entry
        self.topic_ids: tuple[str, ...] = tuple(str(t) for t in config.get("topics") or ())
        for entry_id in self.topic_ids + tuple(
            f for e in self.entries.values() for f in e.follow_up
        ):
            if entry_id not in self.entries:
                raise ValueError(f"faq.yaml: {entry_id!r} is named but is not an entry")

        self.analyser = Analyser(config)
        for entry in self.entries.values():
            for text in (entry.title, entry.keywords, entry.answer, *entry.questions):
                self.analyser.learn(text)
        self.analyser.freeze()

        self._tf: dict[str, dict[str, float]] = {}
        for entry in self.entries.values():
            counts: dict[str, float] = defaultdict(float)
            for text in (entry.title, entry.keywords, *entry.questions):
                for token, _ in self.analyser.tokens(text, correct=False):
                    counts[token] += 1.0
            for token, _ in self.analyser.tokens(entry.answer, correct=False):
                counts[token] += ANSWER_TEXT_WEIGHT
            self._tf[entry.id] = dict(counts)
        self._phrasings: dict[str, list[frozenset[str]]] = {
            entry.id: [
                frozenset(t for t, _ in self.analyser.tokens(text, correct=False))
                for text in (entry.title, *entry.questions)
            ]
            for entry in self.entries.values()
        }
        self._length = {key: sum(tf.values()) for key, tf in self._tf.items()}
        self._average_length = sum(self._length.values()) / max(1, len(self._length))
        document_frequency: Counter[str] = Counter()
        for tf in self._tf.values():
            document_frequency.update(tf.keys())
        n = len(self._tf)
        self._idf = {
            token: math.log(1 + (n - df + 0.5) / (df + 0.5))
            for token, df in document_frequency.items()
        }
        self._max_idf = max(self._idf.values(), default=1.0)

    def rank(self, question: str) -> list[Match]:
        """Every entry that shares a word with `question`, best first."""
        weights: dict[str, float] = {}
        for token, weight in self.analyser.tokens(question):
            weights[token] = max(weight, weights.get(token, 0.0))
        if not weights:
            return []
        unknown_idf = self.unknown_word_weight * self._max_idf
        # A number the knowledge base never mentions ("a 12 year old") says little about the topic.
        total = sum(self._idf.get(t, 0.0 if t.isdigit() else unknown_idf) for t in weights)
        if not total:
            return []
        matches: list[Match] = []
        for entry_id, tf in self._tf.items():
            norm = 1 - B + B * self._length[entry_id] / self._average_length
            covered = 0.0
            bm25 = 0.0
            for token, weight in weights.items():
                count = tf.get(token, 0.0)
                if not count:
                    continue
                saturation = count * (K1 + 1) / (count + K1 * norm)
                idf = self._idf[token]
                covered += weight * idf * min(1.0, saturation)
                bm25 += weight * idf * saturation
            if not covered:
                continue
            # The whole entry may cover a question only by pooling words from unrelated
            # phrasings; the closest single phrasing shows whether it is really the same question.
            closest = max(
                sum(w * self._idf[t] for t, w in weights.items() if t in phrasing)
                for phrasing in self._phrasings[entry_id]
            )
            confidence = (1 - PHRASING_SHARE) * covered / total + PHRASING_SHARE * closest / total
            matches.append(Match(self.entries[entry_id], confidence, bm25))
        matches.sort(key=lambda m: (round(m.confidence, 6), m.bm25), reverse=True)
        return matches

    def confident(self, question: str) -> bool:
        """True when `ask` would answer this question outright (used mid-referral)."""
        matches = self.rank(question)
        return bool(matches) and matches[0].confidence >= self.answer_threshold

    def ask(
        self,
        question: str,
        *,
        now: datetime,
        cutoff_hour: int = 9,
        health_visitor_max_age: int = 3,
    ) -> FaqAnswer:
        """Answer `question` from approved content, offer candidates, or say it is not known."""
        matches = self.rank(question)
        facts = self._facts(now, cutoff_hour, health_visitor_max_age)
        if matches and matches[0].confidence >= self.answer_threshold:
            return self._answer(matches[0].entry, matches[0].confidence, facts)
        candidates = [m for m in matches if m.confidence >= self.suggest_threshold]
        if not candidates:
            top = matches[0].confidence if matches else 0.0
            return FaqAnswer("unknown", self.wording["unknown"].format(**facts), None, top, ())
        candidates = candidates[: self.max_suggestions]
        text = f"{self.wording['suggest']}\n\n{self.wording['suggest_footer']}".format(**facts)
        buttons = tuple(faq_button(m.entry) for m in candidates)
        return FaqAnswer("suggest", text, None, candidates[0].confidence, buttons)

    def answer_entry(
        self,
        entry_id: str,
        *,
        now: datetime,
        cutoff_hour: int = 9,
        health_visitor_max_age: int = 3,
    ) -> FaqAnswer:
        """The answer for a pressed suggestion; the don't-know reply if the entry has gone."""
        facts = self._facts(now, cutoff_hour, health_visitor_max_age)
        entry = self.entries.get(entry_id)
        if entry is None:
            return FaqAnswer("unknown", self.wording["unknown"].format(**facts), None, 0.0, ())
        return self._answer(entry, 1.0, facts)

    def topics(self) -> list[Button]:
        """A few headline questions, as buttons, for "ask a question"."""
        return [faq_button(self.entries[t]) for t in self.topic_ids]

    def render(
        self,
        entry: FaqEntry,
        *,
        now: datetime,
        cutoff_hour: int = 9,
        health_visitor_max_age: int = 3,
    ) -> str:
        """An entry's answer with the service facts filled in."""
        return entry.answer.format(**self._facts(now, cutoff_hour, health_visitor_max_age))

    def _answer(self, entry: FaqEntry, score: float, facts: dict[str, str]) -> FaqAnswer:
        follow_ups = tuple(faq_button(self.entries[f]) for f in entry.follow_up)
        text = entry.answer.format(**facts)
        if follow_ups:
            text = f"{text}\n\n{self.wording['follow_up']}"
        return FaqAnswer("answer", text, entry.id, score, follow_ups)

    @staticmethod
    def _facts(now: datetime, cutoff_hour: int, health_visitor_max_age: int) -> dict[str, str]:
        service = service_facts()
        contact = service["contact"]
        safeguarding = service["safeguarding"]
        return {
            "contact_email": str(contact["email"]),
            "contact_phone": str(contact["phone"]),
            "emergency": str(safeguarding["emergency"]),
            "maru_phone": str(safeguarding["maru_phone"]),
            "maru_out_of_hours": str(safeguarding["maru_out_of_hours"]),
            "maru_email": str(safeguarding["maru_email"]),
            "early_help_hub": str(safeguarding["early_help_hub"]),
            "next_meeting": format_meeting_date(next_allocation_meeting(now, cutoff_hour)),
            "health_visitor_max_age": str(health_visitor_max_age),
        }


def _entry(raw: dict[str, Any]) -> FaqEntry:
    missing = [
        k for k in ("id", "title", "answer", "questions", "source", "reviewed") if not raw.get(k)
    ]
    if missing:
        raise ValueError(f"faq.yaml: entry {raw.get('id')!r} lacks {', '.join(missing)}")
    reviewed = raw["reviewed"]
    if not isinstance(reviewed, date):
        reviewed = date.fromisoformat(str(reviewed))
    return FaqEntry(
        id=str(raw["id"]),
        title=str(raw["title"]),
        answer=str(raw["answer"]).strip(),
        questions=tuple(str(q) for q in raw["questions"]),
        keywords=str(raw.get("keywords") or ""),
        follow_up=tuple(str(f) for f in raw.get("follow_up") or ()),
        source=str(raw["source"]),
        reviewed=reviewed,
    )


@cache
def get_faq() -> FaqBook:
    """The FAQ from dialogs/content/faq.yaml, loaded and indexed once per process."""
    return FaqBook(load_content("faq"))
